package zendesk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
)

// Business hours schedules: the calendar business-hours SLA targets count in.
// Reference: https://developer.zendesk.com/api-reference/ticketing/ticket-management/schedules/
//
// The account's default schedule is used for every ticket: Zendesk makes the first schedule of
// the list the default (the one a ticket without a schedule follows) and the API marks none.
// Per-ticket schedules (set by triggers, "Set schedule") are not read: the ticket's schedule is
// in no field of the ticket export or the metric events, and asking per ticket would cost a
// request per ticket per poll. Accounts with several schedules therefore see breach instants
// projected on the default one until Zendesk's breach event or update_status minutes replace them.
const (
	endpointSchedules = "schedules" // the list and the holidays of a schedule
	// scheduleTTL is how long a read schedule is used before it is read again: schedules change
	// rarely, and a change only moves projections until Zendesk's own events arrive.
	scheduleTTL = time.Hour
	// scheduleRetry is how soon a failed read is tried again; meanwhile wall time is used.
	scheduleRetry = 5 * time.Minute
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

// scheduleCache is the calendar read from the account, kept in the Source (not the cursor: it
// is the account's configuration, not sync progress).
type scheduleCache struct {
	cal     *sla.Calendar // nil: no usable schedule, wall time is used
	expires time.Time     // zero: never read
	badZone string        // the unknown zone name already logged
}

// businessCalendar returns the default schedule's calendar, read at most once per scheduleTTL.
// A schedule that cannot be read or used yields nil (wall time, as without a schedule) and is
// logged; only a cancelled poll is an error.
func (s *Source) businessCalendar(ctx context.Context, now time.Time) (*sla.Calendar, error) {
	s.schedMu.Lock()
	defer s.schedMu.Unlock()
	if !s.sched.expires.IsZero() && now.Before(s.sched.expires) {
		return s.sched.cal, nil
	}
	cal, err := s.readCalendar(ctx)
	switch {
	case ctx.Err() != nil:
		return nil, fmt.Errorf("zendesk schedules: %w", ctx.Err())
	case err != nil:
		s.log.Warn("zendesk_schedule_unavailable_wall_time", "err", err, "retry_in", scheduleRetry)
		s.sched.cal, s.sched.expires = nil, now.Add(scheduleRetry)
		return nil, nil
	}
	s.sched.cal, s.sched.expires = cal, now.Add(scheduleTTL)
	return cal, nil
}

// readCalendar reads the schedules and the default one's holidays. No schedule is not an error:
// the account counts business hours on Zendesk's side only, and wall time is all there is.
func (s *Source) readCalendar(ctx context.Context) (*sla.Calendar, error) {
	var page schedulesPage
	if err := s.c.get(ctx, endpointSchedules, classAccount, "/api/v2/business_hours/schedules.json", nil, &page); err != nil {
		return nil, err
	}
	if len(page.Schedules) == 0 {
		s.log.Debug("zendesk_no_schedule_wall_time")
		return nil, nil
	}
	sch := page.Schedules[0]
	zone, err := ianaZone(sch.TimeZone)
	if err != nil {
		if s.sched.badZone != sch.TimeZone {
			s.sched.badZone = sch.TimeZone
			s.log.Error("zendesk_schedule_zone_unknown_wall_time", "schedule", sch.ID, "time_zone", sch.TimeZone)
		}
		return nil, nil
	}
	var hols holidaysPage
	path := "/api/v2/business_hours/schedules/" + strconv.FormatInt(sch.ID, 10) + "/holidays.json"
	if err := s.c.get(ctx, endpointSchedules, classAccount, path, nil, &hols); err != nil {
		return nil, err
	}
	cal, err := scheduleCalendar(sch, zone, hols.Holidays)
	if err != nil {
		return nil, fmt.Errorf("schedule %d: %w", sch.ID, err)
	}
	return cal, nil
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
