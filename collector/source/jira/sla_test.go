package jira

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
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
)

// parseSLA decodes an SLA field value as a page decode would and reads the clock.
func parseSLA(raw json.RawMessage, fallback string, overrides map[string]string) (ticket.Clock, bool) {
	var v slaValue
	if err := json.Unmarshal(raw, &v); err != nil {
		return ticket.Clock{}, false
	}
	return clockFromSLA(&v, fallback, overrides)
}

func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

func TestParseSLA(t *testing.T) {
	for _, tc := range []struct {
		name      string
		raw       string
		overrides map[string]string
		want      ticket.Clock
		wantOK    bool
		// at t0, as the snapshot will ask
		wantBreached bool
		wantRemain   time.Duration
	}{
		{"readme: completed met, ongoing running", slaReadme, nil, ticket.Clock{Name: "resolution", Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Stop: ms(1760003600000), Goal: 4 * time.Hour, Elapsed: time.Hour, BreachAt: ms(1760014400000)},
			{Start: ms(1760509504062), Goal: 152 * time.Hour, Elapsed: 208301424 * time.Millisecond, BreachAt: ms(1762772983324)},
		}}, true, true /* t0 (March 2026) is past the Nov 2025 breach instant */, ms(1762772983324).Sub(t0)},
		{"ongoing breached", slaOngoingBreached, nil, ticket.Clock{Name: "first_response", Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Goal: time.Hour, Elapsed: 90 * time.Minute, BreachAt: ms(1760003600000), Breached: true},
		}}, true, true, ms(1760003600000).Sub(t0)},
		{"ongoing paused", slaOngoingPaused, nil, ticket.Clock{Name: "resolution", Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Goal: 4 * time.Hour, Elapsed: 2 * time.Hour, Paused: true},
		}}, true, false, 2 * time.Hour},
		{"ongoing at risk", slaOngoingAtRisk, nil, ticket.Clock{Name: "resolution", Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Goal: 4 * time.Hour, Elapsed: 230 * time.Minute, BreachAt: ms(1760014400000)},
		}}, true, true, ms(1760014400000).Sub(t0)},
		{"completed breached, other name snake_cased", slaCompletedBreached, nil, ticket.Clock{Name: "time_to_close_after_resolution", Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Stop: ms(1760010000000), Goal: time.Hour, Elapsed: 10000 * time.Second, BreachAt: ms(1760003600000), Breached: true},
		}}, true, true, 0},
		{"sla_names override", slaCompletedBreached, map[string]string{"time to close after resolution": "closure"}, ticket.Clock{Name: "closure", Cycles: []ticket.Cycle{
			{Start: ms(1760000000000), Stop: ms(1760010000000), Goal: time.Hour, Elapsed: 10000 * time.Second, BreachAt: ms(1760003600000), Breached: true},
		}}, true, true, 0},
		{"no goal applies", slaNoGoal, nil, ticket.Clock{}, false, false, 0},
		{"null", "null", nil, ticket.Clock{}, false, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseSLA(json.RawMessage(tc.raw), "field name", tc.overrides)
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
			if b := last.BreachedAt(t0); b != tc.wantBreached {
				t.Errorf("BreachedAt(t0): got %v, want %v", b, tc.wantBreached)
			}
			if last.Running() {
				if r := last.RemainingAt(t0); r != tc.wantRemain {
					t.Errorf("RemainingAt(t0): got %v, want %v", r, tc.wantRemain)
				}
			}
		})
	}
}

func TestParseSLAAtRiskBeforeBreach(t *testing.T) {
	// Seen 5 minutes after the at-risk observation (at 1760013800000): 5 of the 10 minutes are left.
	c, _ := parseSLA(json.RawMessage(slaOngoingAtRisk), "", nil)
	cy, ok := c.Ongoing()
	if !ok {
		t.Fatal("no ongoing cycle")
	}
	now := ms(1760014100000)
	if cy.BreachedAt(now) {
		t.Errorf("breached at %v: got true, want false", now)
	}
	if got := cy.RemainingAt(now); got != 5*time.Minute {
		t.Errorf("remaining at %v: got %v, want 5m", now, got)
	}
	if !cy.AtRiskAt(now, time.Hour) || cy.AtRiskAt(now, time.Minute) {
		t.Errorf("AtRiskAt(now, 1h) / (now, 1m): got %v / %v, want true / false", cy.AtRiskAt(now, time.Hour), cy.AtRiskAt(now, time.Minute))
	}
	paused, _ := parseSLA(json.RawMessage(slaOngoingPaused), "", nil)
	if cy, _ := paused.Ongoing(); cy.AtRiskAt(now, 24*time.Hour) {
		t.Errorf("a paused clock is not at risk")
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
