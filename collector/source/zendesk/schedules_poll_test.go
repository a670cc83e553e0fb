package zendesk

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// fakeWeekdays is a Monday-Friday 09:00-18:00 schedule in the fake's wire format.
func fakeWeekdays(id int64, zone string, hols ...zendeskfake.Holiday) zendeskfake.Schedule {
	sch := zendeskfake.Schedule{ID: id, Name: "Support", TimeZone: zone, Holidays: hols}
	for d := 1; d <= 5; d++ {
		sch.Intervals = append(sch.Intervals, zendeskfake.Interval{StartTime: d*minutesPerDay + 540, EndTime: d*minutesPerDay + 1080})
	}
	return sch
}

// replyEvents are the activate and apply_sla of ticket id's first reply, 2h from at.
func replyEvents(id int64, at time.Time, business bool) []zendeskfake.MetricEvent {
	return []zendeskfake.MetricEvent{
		{TicketID: id, Metric: "reply_time", InstanceID: 1, Type: "activate", Time: at},
		{TicketID: id, Metric: "reply_time", InstanceID: 1, Type: "apply_sla", Time: at,
			SLA: &zendeskfake.EventSLA{Target: 120, TargetInSeconds: 7200, BusinessHours: business}},
	}
}

func firstResponse(t *testing.T, h *harness, key string) ticket.Cycle {
	t.Helper()
	got, _ := h.st.Get(key)
	if got == nil {
		t.Fatalf("ticket %s not stored", key)
	}
	c, ok := got.Clock(ticket.SLAFirstResponse)
	if !ok || len(c.Cycles) != 1 {
		t.Fatalf("ticket %s first_response: got %+v (found %v), want one cycle", key, c, ok)
	}
	return c.Cycles[0]
}

func TestPollBusinessHoursOnTheDefaultSchedule(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	// The first schedule created is the default; ticket 7 has no schedule of its own (its audits
	// say so), so it counts on the default.
	h.fake.SetSchedules(
		fakeWeekdays(11, "London", zendeskfake.Holiday{ID: 1, Name: "Closed", StartDate: "2026-11-23", EndDate: "2026-11-23"}),
		fakeWeekdays(12, "Tokyo"),
	)
	fri := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC) // London is on UTC in November
	h.fake.Put(zTicket(7, t0.Add(-2*time.Hour)))
	h.fake.PutEvents(replyEvents(7, fri, true)...)
	h.mustPoll(t)

	// Friday 17:00-18:00, Monday a holiday, Tuesday 09:00-10:00.
	if got, want := firstResponse(t, h, "7").BreachAt, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("breach: got %v, want %v", got, want)
	}
	var paths []string
	for _, r := range h.fake.Requests() {
		if strings.HasPrefix(r.Path, "/api/v2/business_hours/") {
			paths = append(paths, r.Path)
		}
	}
	want := []string{"/api/v2/business_hours/schedules.json", "/api/v2/business_hours/schedules/11/holidays.json", "/api/v2/business_hours/schedules/12/holidays.json"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("schedule requests: got %v, want %v", paths, want)
	}
	if got := h.requestCount(endpointSchedules, "200"); got != 3 {
		t.Errorf("counted schedule requests: got %v, want 3", got)
	}
	if got := h.requestCount(endpointAudits, "200"); got != 1 {
		t.Errorf("audits requests: got %v, want 1 (ticket 7, on an account of two schedules)", got)
	}

	// Within the TTL a later poll with business-hours events uses the cached schedule.
	h.clk.Advance(10 * time.Minute)
	h.fake.Put(zTicket(8, t0))
	h.fake.PutEvents(replyEvents(8, fri, true)...)
	h.mustPoll(t)
	if got := h.requestCount(endpointSchedules, ""); got != 3 {
		t.Errorf("schedule requests within the TTL: got %v, want still 3", got)
	}
	if got, want := firstResponse(t, h, "8").BreachAt, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ticket 8 breach: got %v, want %v", got, want)
	}

	// Past the TTL the schedule is read again, and a changed holiday list moves the projection.
	h.fake.SetSchedules(fakeWeekdays(11, "London"))
	h.clk.Advance(scheduleTTL)
	h.fake.Put(zTicket(9, h.clk.Now().Add(-2*time.Minute)))
	h.fake.PutEvents(replyEvents(9, fri, true)...)
	h.mustPoll(t)
	if got := h.requestCount(endpointSchedules, "200"); got != 5 {
		t.Errorf("schedule requests after the TTL: got %v, want 5 (the list and one schedule's holidays)", got)
	}
	if got, want := firstResponse(t, h, "9").BreachAt, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ticket 9 breach without the holiday: got %v, want %v", got, want)
	}

	// A quiet poll still costs two requests, schedules included.
	h.clk.Advance(scheduleTTL)
	h.fake.ResetRequests()
	h.mustPoll(t)
	if got := h.fake.Requests(); len(got) != 2 {
		t.Errorf("quiet poll: got %d requests %v, want 2", len(got), got)
	}
}

func TestPollBusinessHoursFulfilledInALaterPoll(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.SetSchedules(fakeWeekdays(11, "UTC"))
	fri := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)
	h.fake.Put(zTicket(7, t0.Add(-2*time.Hour)))
	h.fake.PutEvents(replyEvents(7, fri, true)...)
	h.mustPoll(t)

	// The fulfil alone (no apply_sla) still counts business time: the cursor knows the SLA does.
	mon := time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
	h.fake.PutEvents(zendeskfake.MetricEvent{TicketID: 7, Metric: "reply_time", InstanceID: 1, Type: "fulfill", Time: mon})
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	cy := firstResponse(t, h, "7")
	if cy.Elapsed != 90*time.Minute || cy.Breached || !cy.Stop.Equal(mon) {
		t.Errorf("fulfilled cycle: got %+v, want stopped at %v with 1h30m elapsed, met", cy, mon)
	}
}

func TestPollWithoutBusinessHoursReadsNoSchedule(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.SetSchedules(fakeWeekdays(11, "UTC"))
	fri := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)
	h.fake.Put(zTicket(7, t0.Add(-2*time.Hour)))
	h.fake.PutEvents(replyEvents(7, fri, false)...)
	h.mustPoll(t)
	if got := h.requestCount(endpointSchedules, ""); got != 0 {
		t.Errorf("schedule requests: got %v, want 0 (no business-hours SLA)", got)
	}
	if got, want := firstResponse(t, h, "7").BreachAt, fri.Add(2*time.Hour); !got.Equal(want) {
		t.Errorf("calendar-hours breach: got %v, want %v", got, want)
	}
	h.fake.ResetRequests()
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	if got := h.fake.Requests(); len(got) != 2 {
		t.Errorf("quiet poll: got %d requests %v, want 2", len(got), got)
	}
}

func TestPollScheduleFallsBackToWallTime(t *testing.T) {
	fri := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)
	cases := []struct {
		name      string
		scheds    []zendeskfake.Schedule
		requests  float64 // schedule requests of the first read
		logKey    string
		logsAfter int // times logKey is logged after a second read past the TTL
	}{
		{name: "no schedule on the account", requests: 1, logKey: "zendesk_no_schedule_wall_time", logsAfter: 2},
		{name: "unknown time zone, logged once", scheds: []zendeskfake.Schedule{fakeWeekdays(11, "Atlantis Standard Time")},
			requests: 1, logKey: "zendesk_schedule_zone_unknown_wall_time", logsAfter: 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, zendeskfake.Options{}, nil)
			h.fake.SetSchedules(tc.scheds...)
			h.fake.Put(zTicket(7, t0.Add(-2*time.Hour)))
			h.fake.PutEvents(replyEvents(7, fri, true)...)
			h.mustPoll(t)
			if got := h.requestCount(endpointSchedules, ""); got != tc.requests {
				t.Errorf("schedule requests: got %v, want %v", got, tc.requests)
			}
			if got, want := firstResponse(t, h, "7").BreachAt, fri.Add(2*time.Hour); !got.Equal(want) {
				t.Errorf("breach in wall time: got %v, want %v", got, want)
			}
			h.clk.Advance(scheduleTTL)
			h.fake.Put(zTicket(8, h.clk.Now().Add(-2*time.Minute)))
			h.fake.PutEvents(replyEvents(8, fri, true)...)
			h.mustPoll(t)
			if got := strings.Count(h.logs.String(), tc.logKey); got != tc.logsAfter {
				t.Errorf("%s logged %d times, want %d", tc.logKey, got, tc.logsAfter)
			}
			if strings.Contains(h.logs.String(), testToken) {
				t.Errorf("logs hold the token")
			}
		})
	}
}

func TestScheduleReadFailureRetriedLater(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.SetSchedules(fakeWeekdays(11, "UTC"))
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.Unauthorized})
	ctx := context.Background()
	steps := []struct {
		name     string
		at       time.Time
		wantCal  bool
		requests float64 // schedule requests so far
	}{
		{name: "a refused read falls back to wall time", at: t0, requests: 1},
		{name: "the failure is cached for a while", at: t0.Add(scheduleRetry - time.Second), requests: 1},
		{name: "then read again", at: t0.Add(scheduleRetry), wantCal: true, requests: 3},
		{name: "and kept for the TTL", at: t0.Add(scheduleRetry + scheduleTTL - time.Second), wantCal: true, requests: 3},
	}
	for _, st := range steps {
		set, err := h.src.businessCalendars(ctx, newVendorClock(st.at))
		cal := set.calendar(0)
		if err != nil || (cal != nil) != st.wantCal {
			t.Errorf("%s: got calendar %v, err %v; want a calendar %v", st.name, cal != nil, err, st.wantCal)
		}
		if got := h.requestCount(endpointSchedules, ""); got != st.requests {
			t.Errorf("%s: schedule requests got %v, want %v", st.name, got, st.requests)
		}
	}
	if got := strings.Count(h.logs.String(), "zendesk_schedule_unavailable_wall_time"); got != 1 {
		t.Errorf("failure logged %d times, want 1", got)
	}
	if strings.Contains(h.logs.String(), testToken) {
		t.Errorf("logs hold the token")
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := h.src.businessCalendars(canceled, newVendorClock(t0.Add(48*time.Hour))); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled read: got %v, want context.Canceled", err)
	}
}

// TestBusinessHoursOnTheTicketsOwnSchedule (issue 12 item 9): a business-hours target counts on
// the schedule a trigger set on the ticket (its audits say so), the rest on the account's
// default, the schedule created first, whatever the list's order.
func TestBusinessHoursOnTheTicketsOwnSchedule(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	london, tokyo := fakeWeekdays(11, "London"), fakeWeekdays(12, "Tokyo")
	london.CreatedAt, tokyo.CreatedAt = t0.AddDate(-3, 0, 0), t0.AddDate(-1, 0, 0)
	h.fake.SetSchedules(tokyo, london) // listed newest first: the default is still London
	fri := time.Date(2026, 11, 20, 17, 0, 0, 0, time.UTC)
	h.fake.Put(zTicket(7, t0.Add(-2*time.Hour)), zTicket(8, t0.Add(-2*time.Hour)))
	h.fake.AssignSchedule(zendeskfake.ScheduleAssignment{TicketID: 8, ScheduleID: 12, At: fri.Add(-time.Minute)})
	h.fake.PutEvents(replyEvents(7, fri, true)...)
	h.fake.PutEvents(replyEvents(8, fri, true)...)
	h.mustPoll(t)
	// London: Friday 17:00-18:00, Monday 09:00-10:00 UTC.
	if got, want := firstResponse(t, h, "7").BreachAt, time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ticket 7 on the default schedule: breach %v, want %v", got, want)
	}
	// Tokyo: Friday 17:00 UTC is Saturday 02:00 JST; two hours from Monday 09:00 JST is
	// Monday 11:00 JST, 02:00 UTC.
	if got, want := firstResponse(t, h, "8").BreachAt, time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ticket 8 on its own schedule: breach %v, want %v", got, want)
	}
	if got := h.requestCount(endpointAudits, "200"); got != 2 {
		t.Errorf("audits requests: got %v, want 2", got)
	}
}
