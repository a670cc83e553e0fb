package jira

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// The SLA values below follow the shape JSM returns on an issue (and from
// /rest/servicedeskapi/request/{key}/sla), as documented in ../shared/fixtures/README.md.
const (
	// The README's example: one completed cycle met, one ongoing cycle running.
	slaReadme = `{"id": "644", "name": "Time to resolution",
 "completedCycles": [
   {"startTime": {"epochMillis": 1760000000000}, "stopTime": {"epochMillis": 1760003600000},
    "breachTime": {"epochMillis": 1760014400000}, "breached": false,
    "goalDuration": {"millis": 14400000}, "elapsedTime": {"millis": 3600000},
    "remainingTime": {"millis": 10800000}}],
 "ongoingCycle": {
   "startTime": {"iso8601": "2025-10-15T09:55:04+0330", "epochMillis": 1760509504062},
   "breachTime": {"iso8601": "2025-11-10T14:39:43+0330", "epochMillis": 1762772983324},
   "breached": false, "paused": false, "withinCalendarHours": true,
   "goalDuration": {"millis": 547200000, "friendly": "152h"},
   "elapsedTime": {"millis": 208301424, "friendly": "57h 51m"},
   "remainingTime": {"millis": 338898576, "friendly": "94h 8m"}}}`

	slaOngoingBreached = `{"id": "1", "name": "Time to first response", "completedCycles": [],
 "ongoingCycle": {"startTime": {"epochMillis": 1760000000000}, "breachTime": {"epochMillis": 1760003600000},
   "breached": true, "paused": false, "withinCalendarHours": true,
   "goalDuration": {"millis": 3600000, "friendly": "1h"}, "elapsedTime": {"millis": 5400000, "friendly": "1h 30m"},
   "remainingTime": {"millis": -1800000, "friendly": "-30m"}}}`

	slaOngoingPaused = `{"id": "2", "name": "Time to resolution", "completedCycles": [],
 "ongoingCycle": {"startTime": {"epochMillis": 1760000000000},
   "breached": false, "paused": true, "withinCalendarHours": false,
   "goalDuration": {"millis": 14400000}, "elapsedTime": {"millis": 7200000},
   "remainingTime": {"millis": 7200000}}}`

	// At risk: running, not breached, 10 minutes of a 4h goal left.
	slaOngoingAtRisk = `{"id": "2", "name": "Time to resolution", "completedCycles": [],
 "ongoingCycle": {"startTime": {"epochMillis": 1760000000000}, "breachTime": {"epochMillis": 1760014400000},
   "breached": false, "paused": false, "withinCalendarHours": true,
   "goalDuration": {"millis": 14400000}, "elapsedTime": {"millis": 13800000},
   "remainingTime": {"millis": 600000}}}`

	slaCompletedBreached = `{"id": "3", "name": "Time to close after resolution",
 "completedCycles": [
   {"startTime": {"epochMillis": 1760000000000}, "stopTime": {"epochMillis": 1760010000000},
    "breachTime": {"epochMillis": 1760003600000}, "breached": true,
    "goalDuration": {"millis": 3600000}, "elapsedTime": {"millis": 10000000},
    "remainingTime": {"millis": -6400000}}]}`

	slaNoGoal = `{"id": "4", "name": "Time to resolution", "completedCycles": []}`

	// An SLA whose goals set no target for this request: JSM times it without goalDuration.
	slaNoTarget = `{"id": "5", "name": "Time to resolution",
 "completedCycles": [
   {"startTime": {"epochMillis": 1760000000000}, "stopTime": {"epochMillis": 1760003600000},
    "breached": false, "elapsedTime": {"millis": 3600000}}],
 "ongoingCycle": {"startTime": {"epochMillis": 1760005000000},
   "breached": false, "paused": false, "withinCalendarHours": true,
   "elapsedTime": {"millis": 600000}}}`

	// A completed cycle under a goal, then (the priority changed) an ongoing one without.
	slaGoalThenNoTarget = `{"id": "6", "name": "Time to resolution",
 "completedCycles": [
   {"startTime": {"epochMillis": 1760000000000}, "stopTime": {"epochMillis": 1760003600000},
    "breachTime": {"epochMillis": 1760014400000}, "breached": false,
    "goalDuration": {"millis": 14400000}, "elapsedTime": {"millis": 3600000},
    "remainingTime": {"millis": 10800000}}],
 "ongoingCycle": {"startTime": {"epochMillis": 1760005000000},
   "breached": false, "paused": false, "withinCalendarHours": true,
   "elapsedTime": {"millis": 600000}}}`
)

// parseSLA decodes an SLA field value as a page decode would and reads the clock as observed at
// the given poll instant.
func parseSLA(raw json.RawMessage, fallback string, overrides map[string]string, observed time.Time) (ticket.Clock, bool) {
	var v slaValue
	if err := json.Unmarshal(raw, &v); err != nil {
		return ticket.Clock{}, false
	}
	return clockFromSLA(&v, fallback, overrides, observed)
}

func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

func TestParseSLA(t *testing.T) {
	observed := t0
	for _, tc := range []struct {
		name      string
		raw       string
		overrides map[string]string
		want      ticket.Clock
		wantOK    bool
		// at t0 in wall time (a customer without a calendar), as the snapshot will ask
		wantState  sla.State
		wantRemain time.Duration
	}{
		{"readme: completed met, ongoing running", slaReadme, nil, ticket.Clock{Name: "resolution", Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Stop: ms(1760003600000), Goal: 4 * time.Hour, Elapsed: time.Hour, BreachAt: ms(1760014400000), ObservedAt: ms(1760003600000)},
			{Start: ms(1760509504062), Goal: 152 * time.Hour, Elapsed: 208301424 * time.Millisecond, BreachAt: ms(1762772983324), ObservedAt: observed},
		}}, true, sla.StateBreached /* t0 (March 2026) is past the Nov 2025 breach instant */, ms(1762772983324).Sub(t0)},
		{"ongoing breached", slaOngoingBreached, nil, ticket.Clock{Name: "first_response", Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Goal: time.Hour, Elapsed: 90 * time.Minute, BreachAt: ms(1760003600000), Breached: true, ObservedAt: observed},
		}}, true, sla.StateBreached, ms(1760003600000).Sub(t0)},
		{"ongoing paused", slaOngoingPaused, nil, ticket.Clock{Name: "resolution", Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Goal: 4 * time.Hour, Elapsed: 2 * time.Hour, Paused: true, ObservedAt: observed},
		}}, true, sla.StatePaused, 2 * time.Hour},
		{"ongoing at risk", slaOngoingAtRisk, nil, ticket.Clock{Name: "resolution", Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Goal: 4 * time.Hour, Elapsed: 230 * time.Minute, BreachAt: ms(1760014400000), ObservedAt: observed},
		}}, true, sla.StateBreached, ms(1760014400000).Sub(t0)},
		{"completed breached, other name snake_cased", slaCompletedBreached, nil, ticket.Clock{Name: "time_to_close_after_resolution", Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Stop: ms(1760010000000), Goal: time.Hour, Elapsed: 10000 * time.Second, BreachAt: ms(1760003600000), Breached: true, ObservedAt: ms(1760010000000)},
		}}, true, sla.StateBreached, -10000*time.Second + time.Hour},
		{"sla_names override", slaCompletedBreached, map[string]string{"time to close after resolution": "closure"}, ticket.Clock{Name: "closure", Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Stop: ms(1760010000000), Goal: time.Hour, Elapsed: 10000 * time.Second, BreachAt: ms(1760003600000), Breached: true, ObservedAt: ms(1760010000000)},
		}}, true, sla.StateBreached, -10000*time.Second + time.Hour},
		{"no cycle", slaNoGoal, nil, ticket.Clock{}, false, "", 0},
		{"no goal applies: cycles without goalDuration", slaNoTarget, nil, ticket.Clock{}, false, "", 0},
		{"a goal-less cycle among goal cycles is dropped", slaGoalThenNoTarget, nil, ticket.Clock{Name: "resolution", Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Stop: ms(1760003600000), Goal: 4 * time.Hour, Elapsed: time.Hour, BreachAt: ms(1760014400000), ObservedAt: ms(1760003600000)},
		}}, true, sla.StateMet, 3 * time.Hour},
		{"null", "null", nil, ticket.Clock{}, false, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseSLA(json.RawMessage(tc.raw), "field name", tc.overrides, observed)
			if ok != tc.wantOK {
				t.Fatalf("ok: got %v, want %v", ok, tc.wantOK)
			}
			if !ok {
				return
			}
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(tc.want)
			if string(gj) != string(wj) {
				t.Errorf("clock:\n got %s\nwant %s", gj, wj)
			}
			last := got.Cycles[len(got.Cycles)-1]
			st := sla.StatusAt(last, t0, config.Threshold{Fraction: 0.25}, nil)
			if st.State != tc.wantState || st.Remaining != tc.wantRemain {
				t.Errorf("StatusAt(t0): got %s with %v left, want %s with %v", st.State, st.Remaining, tc.wantState, tc.wantRemain)
			}
		})
	}
}

func TestParseSLAAtRiskBeforeBreach(t *testing.T) {
	// Read at 1760013800000 with 10 of 240 minutes left; seen 5 minutes later, 5 are left.
	c, _ := parseSLA(json.RawMessage(slaOngoingAtRisk), "", nil, ms(1760013800000))
	cy, ok := c.Ongoing()
	if !ok {
		t.Fatal("no ongoing cycle")
	}
	now := ms(1760014100000)
	for _, tc := range []struct {
		atRisk config.Threshold
		want   sla.State
	}{
		{config.Threshold{Duration: time.Hour}, sla.StateAtRisk},
		{config.Threshold{Duration: time.Minute}, sla.StateRunning},
	} {
		st := sla.StatusAt(cy, now, tc.atRisk, nil)
		if st.State != tc.want || st.Remaining != 5*time.Minute {
			t.Errorf("at risk %v: got %s with %v left, want %s with 5m", tc.atRisk, st.State, st.Remaining, tc.want)
		}
	}
	paused, _ := parseSLA(json.RawMessage(slaOngoingPaused), "", nil, ms(1760013800000))
	if cy, _ := paused.Ongoing(); sla.StatusAt(cy, now, config.Threshold{Duration: 24 * time.Hour}, nil).State != sla.StatePaused {
		t.Errorf("a paused clock is paused, not at risk")
	}
}

func TestSnakeCase(t *testing.T) {
	for in, want := range map[string]string{
		"Time to close after resolution": "time_to_close_after_resolution",
		"  Time-to  Triage (P1) ":        "time_to_triage_p1",
		"Délai de réponse":               "délai_de_réponse",
	} {
		if got := snakeCase(in); got != want {
			t.Errorf("snakeCase(%q): got %q, want %q", in, got, want)
		}
	}
}

// A business-hours JSM SLA in the shape JSM returns it (SlaInformation,
// https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-sla-get):
// "Time to resolution", 16h on a mon-fri 09:00-17:00 London calendar, started Thursday
// 2026-11-05 10:00, read on Friday 2026-11-06 12:00 with 10h elapsed (Thu 7h, Fri 3h) and 6h
// left, which run out on Monday 10:00 (Fri 12:00-17:00, Mon 09:00-10:00): that is breachTime.
const (
	jsmBusinessRead = `{"id": "7", "name": "Time to resolution", "completedCycles": [],
 "ongoingCycle": {
   "startTime": {"iso8601": "2026-11-05T10:00:00+0000", "jira": "2026-11-05T10:00:00.000+0000", "friendly": "05/Nov/26 10:00 AM", "epochMillis": 1793872800000},
   "breachTime": {"iso8601": "2026-11-09T10:00:00+0000", "jira": "2026-11-09T10:00:00.000+0000", "friendly": "09/Nov/26 10:00 AM", "epochMillis": 1794218400000},
   "breached": false, "paused": false, "withinCalendarHours": true,
   "goalDuration": {"millis": 57600000, "friendly": "16h"},
   "elapsedTime": {"millis": 36000000, "friendly": "10h"},
   "remainingTime": {"millis": 21600000, "friendly": "6h"}}}`

	// The same request paused (waiting for the customer) when read: no breachTime.
	jsmBusinessPaused = `{"id": "7", "name": "Time to resolution", "completedCycles": [],
 "ongoingCycle": {
   "startTime": {"iso8601": "2026-11-05T10:00:00+0000", "epochMillis": 1793872800000},
   "breached": false, "paused": true, "withinCalendarHours": true,
   "goalDuration": {"millis": 57600000, "friendly": "16h"},
   "elapsedTime": {"millis": 36000000, "friendly": "10h"},
   "remainingTime": {"millis": 21600000, "friendly": "6h"}}}`
)

// TestJSMAtRiskCountsWorkingTime: between polls a JSM clock counts down only in working time on
// the customer's policy calendar, so it is at risk (25% of 16h: 4h left) from Friday 14:00, as
// JSM shows it; counting the wall time to breachTime would flag it on Monday 06:00, 64 hours late.
func TestJSMAtRiskCountsWorkingTime(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, london)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cfg := &config.Config{
		Sources:   []config.Source{{Name: "jsm", Type: config.TypeJira}},
		Calendars: map[string]config.Calendar{"uk-business": {Timezone: "Europe/London", Hours: map[string]string{"mon-fri": "09:00-17:00"}}},
	}
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		t.Fatal(err)
	}
	policy := config.Policy{AtRisk: config.Threshold{Fraction: 0.25}, SLA: config.SLAPolicy{Calendar: "uk-business"}}
	observed := at("2026-11-06 12:00")
	clock, ok := parseSLA(json.RawMessage(jsmBusinessRead), "", nil, observed)
	if !ok {
		t.Fatal("no clock")
	}
	cy, _ := clock.Ongoing()
	tk := &ticket.Ticket{Source: "jsm", Key: "SUP-7", Clocks: []ticket.Clock{clock}}
	cal := cals.For(tk, &clock, &policy)
	if cal != cals.Named("uk-business") {
		t.Fatalf("a JSM clock counts on the policy calendar: got %v", cal)
	}
	left := cy.Goal - cy.Elapsed // JSM's remainingTime at observed
	if got := cal.Add(observed, left); !got.Equal(cy.BreachAt) {
		t.Fatalf("breachTime is where remainingTime runs out on the calendar: got %v, JSM says %v", got, cy.BreachAt)
	}
	for _, tc := range []struct {
		now    string
		remain time.Duration
		state  sla.State
	}{
		{"2026-11-06 12:00", 6 * time.Hour, sla.StateRunning},
		{"2026-11-06 13:59", 4*time.Hour + time.Minute, sla.StateRunning},
		{"2026-11-06 14:00", 4 * time.Hour, sla.StateAtRisk},
		{"2026-11-06 20:00", time.Hour, sla.StateAtRisk}, // a night counts nothing
		{"2026-11-07 12:00", time.Hour, sla.StateAtRisk}, // nor a weekend
		{"2026-11-08 23:59", time.Hour, sla.StateAtRisk},
		{"2026-11-09 09:30", 30 * time.Minute, sla.StateAtRisk},
		{"2026-11-09 10:00", 0, sla.StateBreached}, // JSM's breachTime, to the second
		{"2026-11-09 11:00", -time.Hour, sla.StateBreached},
	} {
		now := at(tc.now)
		st := sla.StatusAt(cy, now, policy.AtRisk, cal)
		// remainingTime at observed minus the working time since.
		formula := left - cal.Elapsed(observed, now)
		if now.Before(observed) || st.Remaining != tc.remain || st.State != tc.state || (tc.remain > 0 && formula != tc.remain) {
			t.Errorf("%s: got %s with %v left (formula %v), want %s with %v", tc.now, st.State, st.Remaining, formula, tc.state, tc.remain)
		}
		if !st.BreachAt.Equal(cy.BreachAt) {
			t.Errorf("%s: breach at %v, want JSM's %v", tc.now, st.BreachAt, cy.BreachAt)
		}
	}

	// Paused: nothing counts, however long; never at risk.
	paused, _ := parseSLA(json.RawMessage(jsmBusinessPaused), "", nil, observed)
	pc, _ := paused.Ongoing()
	if st := sla.StatusAt(pc, at("2026-11-10 12:00"), policy.AtRisk, cals.For(tk, &paused, &policy)); st.State != sla.StatePaused || st.Remaining != 6*time.Hour {
		t.Errorf("paused four days later: got %s with %v left, want paused with 6h", st.State, st.Remaining)
	}

	// A customer whose policy names no calendar: 24x7, the wall time to JSM's breach instant.
	noCal := config.Policy{AtRisk: policy.AtRisk, SLA: config.SLAPolicy{Calendar: config.Calendar24x7}}
	if st := sla.StatusAt(cy, at("2026-11-07 12:00"), noCal.AtRisk, cals.For(tk, &clock, &noCal)); st.Remaining != 46*time.Hour || st.State != sla.StateRunning {
		t.Errorf("24x7 on Saturday noon: got %s with %v left, want running with 46h", st.State, st.Remaining)
	}
}

// TestFirstReplyWithoutGoal: a first-response SLA JSM times without a goal makes no clock, but
// its stop is still the first reply (response times and computed clocks read it).
func TestFirstReplyWithoutGoal(t *testing.T) {
	raw := strings.Replace(slaNoTarget, "Time to resolution", "Time to first response", 1)
	var v slaValue
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	c, ok := clockFromSLA(&v, "", nil, t0)
	if ok || c.Name != ticket.SLAFirstResponse || len(c.Cycles) != 0 {
		t.Errorf("clock %+v (ok %v), want none, named first_response", c, ok)
	}
	if got := firstStop(&v); !got.Equal(ms(1760003600000)) {
		t.Errorf("first reply %v, want %v", got, ms(1760003600000))
	}
}

// TestJSMTimeLeftBetweenPollsIsJSMs (issue 12 items 5 and 12): what custops projects of a JSM
// clock between two polls (sla.StatusAt on the SLA calendar, from the last answer) is what JSM
// answers when asked at that instant: jirafake renders its SLA fields at each answer in working
// time on the same calendar (Mon-Fri 09:00-17:00 London), so a projection that counted nights or
// weekends, or trusted an old answer's remainingTime, would differ from the next poll's.
func TestJSMTimeLeftBetweenPollsIsJSMs(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, london)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	week := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	e := newEnv(t, jirafake.Options{SLACalendar: &jirafake.SLACalendar{Location: london, Days: week, From: 9 * time.Hour, To: 17 * time.Hour}},
		config.Source{JQL: "project = SUP"})
	e.clock.Set(at("2026-11-06 12:00"))
	e.put(t, mk(keyN(1), at("2026-11-05 10:00"), func(tk *ticket.Ticket) {
		tk.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: at("2026-11-05 10:00"),
			Goal: 16 * time.Hour, Elapsed: 10 * time.Hour, BreachAt: at("2026-11-09 10:00"), ObservedAt: at("2026-11-06 12:00")}}}}
	}))
	e.poll(t)
	cals, err := sla.NewCalendars(&config.Config{Calendars: map[string]config.Calendar{
		"uk-business": {Timezone: "Europe/London", Hours: map[string]string{"mon-fri": "09:00-17:00"}}}})
	if err != nil {
		t.Fatal(err)
	}
	cal := cals.Named("uk-business")
	atRisk := config.Threshold{Fraction: 0.25}
	first, _ := e.st.Get(keyN(1))
	projected, _ := first.Clocks[0].Ongoing()
	for i, now := range []string{"2026-11-06 14:00", "2026-11-06 20:00", "2026-11-08 12:00", "2026-11-09 09:30", "2026-11-09 11:00"} {
		e.clock.Set(at(now))
		want := sla.StatusAt(projected, at(now), atRisk, cal)
		e.put(t, mk(keyN(1), at("2026-11-05 10:00").Add(time.Duration(i+1)*time.Minute), func(tk *ticket.Ticket) { // an edit: read again
			tk.Summary = "read at " + now
			tk.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: at("2026-11-05 10:00"),
				Goal: 16 * time.Hour, Elapsed: 10 * time.Hour, BreachAt: at("2026-11-09 10:00"), ObservedAt: at("2026-11-06 12:00")}}}}
		}))
		e.fake.ResetRequests()
		if err := e.src.Reconcile(context.Background(), e.st); err != nil {
			t.Fatal(err)
		}
		tk, _ := e.st.Get(keyN(1))
		read, _ := tk.Clocks[0].Ongoing()
		jsm := sla.StatusAt(read, at(now), atRisk, cal) // JSM's own answer at now
		if jsm.Remaining != read.Goal-read.Elapsed {
			t.Fatalf("%s: a clock read at now has its remainingTime left: %v vs %v", now, jsm.Remaining, read.Goal-read.Elapsed)
		}
		if want.Remaining != jsm.Remaining || want.State != jsm.State || !want.BreachAt.Equal(jsm.BreachAt) {
			t.Errorf("%s: custops projected %s with %v left (breach %v); JSM answers %s with %v left (breach %v)",
				now, want.State, want.Remaining, want.BreachAt, jsm.State, jsm.Remaining, jsm.BreachAt)
		}
	}
}
