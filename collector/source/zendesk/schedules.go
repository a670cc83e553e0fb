package zendesk

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
)

// Business hours schedules: the calendars business-hours SLA targets count in.
// Reference: https://developer.zendesk.com/api-reference/ticketing/ticket-management/schedules/
//
// A ticket counts on the schedule a trigger set on it ("Set schedule"), else on the account's
// default schedule, the first one created: Fivetran's dbt_zendesk does the same
// (int_zendesk__ticket_schedules.sql: "Your default schedule is used for all tickets, unless you
// set up a trigger to apply a specific schedule to specific tickets"; the default is the schedule
// with the earliest created_at). The schedule a trigger set is an event of the ticket's audits
// (Fivetran's ticket_schedule table comes from them), read only on accounts with more than one
// schedule, once for each ticket an SLA in business hours is applied to.
const (
	endpointSchedules = "schedules" // the list and the holidays of a schedule
	endpointAudits    = "ticket_audits"
	// scheduleTTL is how long read schedules are used before they are read again: schedules
	// change rarely, and a change only moves projections until Zendesk's own events arrive.
	scheduleTTL = time.Hour
	// scheduleRetry is how soon a failed read is tried again; meanwhile wall time is used.
	scheduleRetry = 5 * time.Minute
	// maxSchedulesRead bounds the schedules (and holiday requests) read at once.
	maxSchedulesRead = 50
	// maxAuditsPerPoll bounds the tickets whose audits one poll reads; the rest count on the
	// default schedule until a later SLA application reads them.
	maxAuditsPerPoll = 200
	// maxHolidayDays bounds the days one holiday closes, against a date range typed wrong.
	maxHolidayDays = 400
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
)

// apiSchedule is a schedule as the list returns it.
type apiSchedule struct {
	ID        int64         `json:"id"`
	Name      string        `json:"name"`
	TimeZone  string        `json:"time_zone"`
	Intervals []apiInterval `json:"intervals"`
	CreatedAt time.Time     `json:"created_at"`
}

// apiInterval is business hours in minutes since Sunday 00:00 in the schedule's zone.
type apiInterval struct {
	StartTime int `json:"start_time"`
	EndTime   int `json:"end_time"`
}

// apiHoliday closes the schedule from start_date to end_date, both included.
type apiHoliday struct {
	StartDate string `json:"start_date"`
	EndDate   string `json:"end_date"`
}

type schedulesPage struct {
	Schedules []apiSchedule `json:"schedules"`
}

type holidaysPage struct {
	Holidays []apiHoliday `json:"holidays"`
}

// scheduleSet is the account's schedules as calendars.
type scheduleSet struct {
	def   int64                   // the default schedule: the first created
	cals  map[int64]*sla.Calendar // the usable ones; a schedule without one counts wall time
	count int                     // schedules on the account
}

// calendar returns the calendar of schedule id (0: the default); nil: wall time.
func (ss *scheduleSet) calendar(id int64) *sla.Calendar {
	if ss == nil {
		return nil
	}
	if id == 0 {
		id = ss.def
	}
	return ss.cals[id]
}

// scheduleCache is the calendars read from the account, kept in the Source (not the cursor: it
// is the account's configuration, not sync progress).
type scheduleCache struct {
	set     *scheduleSet // nil: no usable schedule, wall time is used
	expires time.Time    // zero: never read
	badZone map[string]bool
}

// businessCalendars returns the account's calendars, read at most once per scheduleTTL. A
// schedule that cannot be read or used counts wall time and is logged; only a cancelled poll is
// an error.
func (s *Source) businessCalendars(ctx context.Context, vc *vendorClock) (*scheduleSet, error) {
	s.schedMu.Lock()
	defer s.schedMu.Unlock()
	now := vc.local
	if !s.sched.expires.IsZero() && now.Before(s.sched.expires) {
		return s.sched.set, nil
	}
	set, err := s.readCalendars(ctx, vc)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("zendesk schedules: %w", ctx.Err())
	case err != nil:
		s.log.Warn("zendesk_schedule_unavailable_wall_time", "err", err, "retry_in", scheduleRetry)
		s.sched.set, s.sched.expires = nil, now.Add(scheduleRetry)
		return nil, nil
	}
	s.sched.set, s.sched.expires = set, now.Add(scheduleTTL)
	return set, nil
}

// readCalendars reads the schedules and their holidays. No schedule is not an error: the account
// counts business hours on Zendesk's side only, and wall time is all there is.
func (s *Source) readCalendars(ctx context.Context, vc *vendorClock) (*scheduleSet, error) {
	var page schedulesPage
	if err := s.c.get(ctx, vc, endpointSchedules, classAccount, "/api/v2/business_hours/schedules.json", nil, &page); err != nil {
		return nil, err
	}
	if len(page.Schedules) == 0 {
		s.log.Debug("zendesk_no_schedule_wall_time")
		return nil, nil
	}
	scheds := page.Schedules[:min(len(page.Schedules), maxSchedulesRead)]
	set := &scheduleSet{cals: map[int64]*sla.Calendar{}, count: len(page.Schedules)}
	first := slices.MinFunc(scheds, func(a, b apiSchedule) int { return a.CreatedAt.Compare(b.CreatedAt) })
	set.def = first.ID
	if s.sched.badZone == nil {
		s.sched.badZone = map[string]bool{}
	}
	for _, sch := range scheds {
		zone, err := ianaZone(sch.TimeZone)
		if err != nil {
			if !s.sched.badZone[sch.TimeZone] {
				s.sched.badZone[sch.TimeZone] = true
				s.log.Error("zendesk_schedule_zone_unknown_wall_time", "schedule", sch.ID, "time_zone", sch.TimeZone)
			}
			continue
		}
		var hols holidaysPage
		path := "/api/v2/business_hours/schedules/" + strconv.FormatInt(sch.ID, 10) + "/holidays.json"
		if err := s.c.get(ctx, vc, endpointSchedules, classAccount, path, nil, &hols); err != nil {
			return nil, err
		}
		cal, err := scheduleCalendar(sch, zone, hols.Holidays)
		if err != nil {
			return nil, fmt.Errorf("schedule %d: %w", sch.ID, err)
		}
		set.cals[sch.ID] = cal
	}
	return set, nil
}

// ticketSchedules reads the schedule a trigger set on each of ids from its audits (the latest
// ScheduleAssignment event) into cur.Schedules, for accounts with more than one schedule.
func (s *Source) ticketSchedules(ctx context.Context, vc *vendorClock, cur *cursorState, ids []int64) error {
	if len(ids) > maxAuditsPerPoll {
		s.log.Warn("zendesk_schedule_assignments_deferred", "tickets", len(ids)-maxAuditsPerPoll)
		ids = ids[:maxAuditsPerPoll]
	}
	known := map[int64]ticketSchedule{}
	for _, ts := range cur.Schedules {
		known[ts.Ticket] = ts
	}
	for _, id := range ids {
		ts, err := s.ticketSchedule(ctx, vc, id)
		if err != nil {
			return err
		}
		if ts.Schedule == 0 {
			delete(known, id)
			continue
		}
		known[id] = ts
	}
	cur.Schedules = slices.SortedFunc(maps.Values(known), func(a, b ticketSchedule) int { return cmp.Compare(a.At, b.At) })
	if n := len(cur.Schedules); n > maxSchedules {
		cur.Schedules = cur.Schedules[n-maxSchedules:] // the oldest assignments go first
	}
	return nil
}

// ticketSchedule reads one ticket's audits and returns its latest schedule assignment (zero:
// none, the default applies).
func (s *Source) ticketSchedule(ctx context.Context, vc *vendorClock, id int64) (ticketSchedule, error) {
	out := ticketSchedule{Ticket: id}
	path := "/api/v2/tickets/" + strconv.FormatInt(id, 10) + "/audits.json"
	var q url.Values
	followed := tokens{}
	for pages := 0; ; pages++ {
		if pages >= maxPagesPerPoll {
			return out, fmt.Errorf("%s: %w (%d)", endpointAudits, errPageBound, pages)
		}
		var page auditsPage
		if err := s.c.get(ctx, vc, endpointAudits, classAccount, path, q, &page); err != nil {
			if refused(err) {
				return out, nil // the ticket is gone: nothing to count on
			}
			return out, err
		}
		for _, a := range page.Audits {
			for _, ev := range a.Events {
				if ev.Type == "ScheduleAssignment" && ev.NewScheduleID != nil && !a.CreatedAt.Before(time.Unix(out.At, 0)) {
					out.Schedule, out.At = *ev.NewScheduleID, a.CreatedAt.Unix()
				}
			}
		}
		next := page.NextPage
		if page.Meta != nil {
			if !page.Meta.HasMore {
				return out, nil
			}
			if page.Links != nil {
				next = page.Links.Next
			}
		}
		var ok bool
		if q, ok = nextQuery(next); !ok {
			return out, nil
		}
		if err := followed.follow(endpointAudits, q.Encode()); err != nil {
			return out, err
		}
	}
}

// scheduleCalendar builds the calendar of a schedule in the IANA zone: its weekly intervals
// become each weekday's spans (split at midnight should one cross it, which the reference
// forbids), its holidays closed dates.
func scheduleCalendar(sch apiSchedule, zone string, hols []apiHoliday) (*sla.Calendar, error) {
	var week [7][][2]int // minutes from the weekday's midnight, by time.Weekday
	for _, iv := range sch.Intervals {
		a, b := max(iv.StartTime, 0), min(iv.EndTime, minutesPerWeek)
		for a < b {
			day := a / minutesPerDay
			end := min(b, (day+1)*minutesPerDay)
			week[day] = append(week[day], [2]int{a - day*minutesPerDay, end - day*minutesPerDay})
			a = end
		}
	}
	cfg := config.Calendar{Timezone: zone, Hours: map[string]string{}}
	days := [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	for wd, spans := range week {
		if len(spans) == 0 {
			continue
		}
		cfg.Hours[days[wd]] = formatSpans(spans)
	}
	for _, h := range hols {
		dates, err := holidayDates(h)
		if err != nil {
			return nil, err
		}
		cfg.Holidays = append(cfg.Holidays, dates...)
	}
	return sla.NewCalendar(cfg)
}

// formatSpans writes a day's spans as config hours ("09:00-12:00,13:00-18:00"), merging those
// that overlap or touch, which the config syntax refuses.
func formatSpans(spans [][2]int) string {
	slices.SortFunc(spans, func(x, y [2]int) int { return x[0] - y[0] })
	merged := spans[:1]
	for _, sp := range spans[1:] {
		if last := &merged[len(merged)-1]; sp[0] <= last[1] {
			last[1] = max(last[1], sp[1])
			continue
		}
		merged = append(merged, sp)
	}
	parts := make([]string, len(merged))
	for i, sp := range merged {
		parts[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", sp[0]/60, sp[0]%60, sp[1]/60, sp[1]%60)
	}
	return strings.Join(parts, ",")
}

// holidayDates lists the dates a holiday closes, start to end included.
func holidayDates(h apiHoliday) ([]string, error) {
	from, err := time.Parse(time.DateOnly, h.StartDate)
	if err != nil {
		return nil, fmt.Errorf("holiday start_date %q: %w", h.StartDate, errBadDate)
	}
	to := from
	if h.EndDate != "" {
		if to, err = time.Parse(time.DateOnly, h.EndDate); err != nil {
			return nil, fmt.Errorf("holiday end_date %q: %w", h.EndDate, errBadDate)
		}
	}
	var out []string
	for d := from; !d.After(to) && len(out) < maxHolidayDays; d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out, nil
}

var errBadDate = errors.New("not a YYYY-MM-DD date")
