package jirafake

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// TestSLAFieldsCountWorkingTime: a running JSM SLA is answered as of the answer's instant, its
// elapsed and remaining time counted in working time on the SLA calendar (here Mon-Fri 09:00-17:00
// London): nothing moves overnight or over the weekend, remainingTime goes negative and breached
// turns true past the goal, breachTime stays JSM's instant, and a paused cycle neither counts nor
// carries a breachTime.
func TestSLAFieldsCountWorkingTime(t *testing.T) {
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
	clock := &testClock{now: at("2026-11-06 12:00")}
	cal := &SLACalendar{Location: london, Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		From: 9 * time.Hour, To: 17 * time.Hour}
	s := New(Options{Now: clock.Now, SLACalendar: cal})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	running := ticket.Cycle{Start: at("2026-11-05 10:00"), Goal: 16 * time.Hour, Elapsed: 10 * time.Hour,
		BreachAt: at("2026-11-09 10:00"), ObservedAt: at("2026-11-06 12:00")}
	paused := running
	paused.Paused = true
	for key, cy := range map[string]ticket.Cycle{"SUP-1": running, "SUP-2": paused} {
		is := IssueFromTicket(&ticket.Ticket{Key: key, Attributes: ticket.Attributes{Project: "SUP"}, State: ticket.StateInProgress,
			Priority: ticket.P2, Created: cy.Start, Updated: cy.Start,
			Clocks: []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{cy}}}})
		if err := s.Put(is); err != nil {
			t.Fatal(err)
		}
	}
	read := func(key string) map[string]any {
		a := get(t, hs, "/rest/api/3/search/jql", url.Values{"jql": {"key = " + key}, "fields": {FieldResolution}})
		is := a.body["issues"].([]any)[0].(map[string]any)
		return is["fields"].(map[string]any)[FieldResolution].(map[string]any)["ongoingCycle"].(map[string]any)
	}
	millis := func(v any) time.Duration {
		return time.Duration(v.(map[string]any)["millis"].(float64)) * time.Millisecond
	}
	for _, tc := range []struct {
		now              string
		elapsed, remain  time.Duration
		breached, within bool
	}{
		{"2026-11-06 12:00", 10 * time.Hour, 6 * time.Hour, false, true},
		{"2026-11-06 16:00", 14 * time.Hour, 2 * time.Hour, false, true},
		{"2026-11-06 20:00", 15 * time.Hour, time.Hour, false, false}, // a night counts nothing
		{"2026-11-08 12:00", 15 * time.Hour, time.Hour, false, false}, // nor a weekend
		{"2026-11-09 09:30", 15*time.Hour + 30*time.Minute, 30 * time.Minute, false, true},
		{"2026-11-09 11:00", 17 * time.Hour, -time.Hour, true, true},
	} {
		clock.Set(at(tc.now))
		c := read("SUP-1")
		if got := millis(c["elapsedTime"]); got != tc.elapsed {
			t.Errorf("%s: elapsedTime %v, want %v", tc.now, got, tc.elapsed)
		}
		if got := millis(c["remainingTime"]); got != tc.remain {
			t.Errorf("%s: remainingTime %v, want %v", tc.now, got, tc.remain)
		}
		if c["breached"] != tc.breached || c["withinCalendarHours"] != tc.within {
			t.Errorf("%s: breached %v within %v, want %v %v", tc.now, c["breached"], c["withinCalendarHours"], tc.breached, tc.within)
		}
		bt := c["breachTime"].(map[string]any)["epochMillis"].(float64)
		if int64(bt) != at("2026-11-09 10:00").UnixMilli() {
			t.Errorf("%s: breachTime moved: %v", tc.now, bt)
		}
		p := read("SUP-2")
		if _, has := p["breachTime"]; has || millis(p["elapsedTime"]) != 10*time.Hour {
			t.Errorf("%s: paused cycle %v, want 10h elapsed and no breachTime", tc.now, p)
		}
	}
}

// TestGoallessSLAs: JSM times every request of the project on each of its SLAs, with no goal
// where none applies; such a cycle has no goalDuration, remainingTime or breachTime.
func TestGoallessSLAs(t *testing.T) {
	created := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	is := IssueFromTicket(&ticket.Ticket{Key: "SUP-1", State: ticket.StateInProgress, Created: created, Updated: created.Add(time.Hour),
		FirstReply: created.Add(20 * time.Minute)})
	var fr, res struct {
		CompletedCycles []map[string]any `json:"completedCycles"`
		OngoingCycle    map[string]any   `json:"ongoingCycle"`
	}
	if err := json.Unmarshal(is.Fields[FieldFirstResponse], &fr); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(is.Fields[FieldResolution], &res); err != nil {
		t.Fatal(err)
	}
	if len(fr.CompletedCycles) != 1 || fr.OngoingCycle != nil {
		t.Fatalf("first response: %+v, want one completed cycle", fr)
	}
	if res.OngoingCycle == nil || len(res.CompletedCycles) != 0 {
		t.Fatalf("resolution: %+v, want a running cycle", res)
	}
	for name, c := range map[string]map[string]any{"first response": fr.CompletedCycles[0], "resolution": res.OngoingCycle} {
		for _, f := range []string{"goalDuration", "remainingTime", "breachTime"} {
			if _, has := c[f]; has {
				t.Errorf("%s: a goal-less cycle carries %s: %v", name, f, c)
			}
		}
		if _, has := c["elapsedTime"]; !has {
			t.Errorf("%s: no elapsedTime: %v", name, c)
		}
	}
	if stop := fr.CompletedCycles[0]["stopTime"].(map[string]any)["epochMillis"].(float64); int64(stop) != created.Add(20*time.Minute).UnixMilli() {
		t.Errorf("first response stop %v, want the first reply", stop)
	}
}
