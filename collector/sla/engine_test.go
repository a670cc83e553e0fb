package sla

import (
	"fmt"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// testConfig has two customers: acme on the Vilnius office calendar (p1 resolution 4h; p2 first
// response 2h and resolution 8h; paused while waiting for the customer) and nyco round the clock
// (p3 resolution 48h, no pauses). Source jsm keeps native clocks, zd computes, sim does both.
func testConfig() *config.Config {
	return &config.Config{
		Sources: []config.Source{
			{Name: "jsm", SLA: config.SLANative},
			{Name: "zd", SLA: config.SLAComputed},
			{Name: "sim", SLA: config.SLABoth},
		},
		Customers: []config.Customer{{ID: "acme", Tier: "gold"}, {ID: "nyco", Tier: "silver"}},
		Tiers: map[string]config.Tier{
			"gold": {SLA: config.SLAPolicy{
				Calendar: "vil",
				Goals: map[ticket.Priority]map[string]config.Duration{
					ticket.P1: {ticket.SLAResolution: config.Duration(4 * time.Hour)},
					ticket.P2: {ticket.SLAFirstResponse: config.Duration(2 * time.Hour), ticket.SLAResolution: config.Duration(8 * time.Hour)},
				},
				PauseStates: []ticket.State{ticket.StateWaitingCustomer},
			}},
			"silver": {SLA: config.SLAPolicy{
				Calendar:    config.Calendar24x7,
				Goals:       map[ticket.Priority]map[string]config.Duration{ticket.P3: {ticket.SLAResolution: config.Duration(48 * time.Hour)}},
				PauseStates: []ticket.State{},
			}},
		},
		Calendars: map[string]config.Calendar{"vil": testCalendars()["vil"]},
	}
}

// wantCycle is an expected cycle: local wall times in the case's zone, the breach instant in UTC.
type wantCycle struct {
	start, stop      string // stop "" while running
	elapsed          string
	breachAt         string
	breached, paused bool
}

// TestClocksHandChecked checks computed clocks on tickets whose expected cycles were worked out by
// hand. Vilnius is EET (+02) in November 2026; 2026-11-02 is a Monday. acme's p2 contract: first
// response 2h, resolution 8h, on 09:00-18:00 Mon-Fri, paused in waiting_customer.
func TestClocksHandChecked(t *testing.T) {
	vil := zone(t, "Europe/Vilnius")
	ny := zone(t, "America/New_York")
	at := func(loc *time.Location, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		return wallIn(t, loc, s)
	}
	trs := func(loc *time.Location, pairs ...string) []ticket.Transition {
		var out []ticket.Transition
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, ticket.Transition{At: at(loc, pairs[i]), State: ticket.State(pairs[i+1])})
		}
		return out
	}
	type tk struct {
		prio                          ticket.Priority
		state                         ticket.State
		created, reply, resolved, upd string
		reopened                      int
		reopenedAt                    string
		transitions                   []ticket.Transition
	}
	tests := []struct {
		name     string
		customer string
		loc      *time.Location
		tk       tk
		now      string
		want     map[string][]wantCycle
	}{
		{"first response met, resolution running", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateInProgress, created: "2026-11-02 10:00", reply: "2026-11-02 11:00"},
			"2026-11-02 15:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 10:00", "2026-11-02 11:00", "1h", "2026-11-02T10:00:00Z", false, false}}, // 10:00 + 2h = 12:00 EET
				ticket.SLAResolution:    {{"2026-11-02 10:00", "", "5h", "2026-11-02T16:00:00Z", false, false}},                 // 8h ends at 18:00 closing
			}},
		{"first reply next morning breaches", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateInProgress, created: "2026-11-02 17:00", reply: "2026-11-03 10:30"},
			"2026-11-03 12:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 17:00", "2026-11-03 10:30", "2h30m", "2026-11-03T08:00:00Z", true, false}}, // 1h Mon + 1h30m Tue; breach Tue 10:00
				ticket.SLAResolution:    {{"2026-11-02 17:00", "", "4h", "2026-11-03T14:00:00Z", false, false}},                   // 1h Mon + 3h Tue; 1h + 7h = Tue 16:00
			}},
		{"pause across a night", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateResolved, created: "2026-11-02 14:00", reply: "2026-11-02 15:00", resolved: "2026-11-03 15:00",
				transitions: trs(vil, "2026-11-02 15:00", "in_progress", "2026-11-02 16:00", "waiting_customer", "2026-11-03 11:00", "in_progress", "2026-11-03 15:00", "resolved")},
			"2026-11-04 10:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 14:00", "2026-11-02 15:00", "1h", "2026-11-02T14:00:00Z", false, false}}, // breach 16:00 EET
				// 2h Mon 14-16, paused to Tue 11:00, 4h Tue 11-15; the 6h left at 11:00 end Tue 17:00.
				ticket.SLAResolution: {{"2026-11-02 14:00", "2026-11-03 15:00", "6h", "2026-11-03T15:00:00Z", false, false}},
			}},
		{"paused now: breach instant moves with now", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateWaitingCustomer, created: "2026-11-02 09:00", reply: "2026-11-02 09:30",
				transitions: trs(vil, "2026-11-02 09:30", "in_progress", "2026-11-02 12:00", "waiting_customer")},
			"2026-11-03 10:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 09:30", "30m", "2026-11-02T09:00:00Z", false, false}}, // 11:00 EET
				// 3h before the pause; 5h left from now Tue 10:00 = Tue 15:00 (unpaused it was Mon 17:00).
				ticket.SLAResolution: {{"2026-11-02 09:00", "", "3h", "2026-11-03T13:00:00Z", false, true}},
			}},
		{"reopen starts a new cycle", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateInProgress, created: "2026-11-02 09:00", reply: "2026-11-02 10:00", reopened: 1, reopenedAt: "2026-11-04 10:00",
				transitions: trs(vil, "2026-11-02 10:00", "in_progress", "2026-11-02 13:00", "resolved", "2026-11-04 10:00", "in_progress")},
			"2026-11-04 16:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 10:00", "1h", "2026-11-02T09:00:00Z", false, false}}, // 11:00 EET
				ticket.SLAResolution: {
					{"2026-11-02 09:00", "2026-11-02 13:00", "4h", "2026-11-02T15:00:00Z", false, false}, // met; 4h left from 13:00 would end 17:00
					{"2026-11-04 10:00", "", "6h", "2026-11-04T16:00:00Z", false, false},                 // Wed 10:00 + 8h = 18:00 closing
				},
			}},
		{"completed cycle breached", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateResolved, created: "2026-11-02 09:00", reply: "2026-11-02 09:10", resolved: "2026-11-03 12:00",
				transitions: trs(vil, "2026-11-02 09:10", "in_progress", "2026-11-03 12:00", "resolved")},
			"2026-11-03 13:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 09:10", "10m", "2026-11-02T09:00:00Z", false, false}},
				ticket.SLAResolution:    {{"2026-11-02 09:00", "2026-11-03 12:00", "12h", "2026-11-02T15:00:00Z", true, false}}, // 9h Mon + 3h Tue; 8h at Mon 17:00
			}},
		{"met exactly at the goal, no history", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateResolved, created: "2026-11-02 10:00", reply: "2026-11-02 12:00", resolved: "2026-11-02 18:00"},
			"2026-11-03 09:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 10:00", "2026-11-02 12:00", "2h", "2026-11-02T10:00:00Z", false, false}}, // == goal: met
				ticket.SLAResolution:    {{"2026-11-02 10:00", "2026-11-02 18:00", "8h", "2026-11-02T16:00:00Z", false, false}}, // == goal at closing: met
			}},
		{"running clocks past their goals", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateNew, created: "2026-11-02 09:00"},
			"2026-11-03 10:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "", "10h", "2026-11-02T09:00:00Z", true, false}}, // 9h Mon + 1h Tue; 2h at 11:00
				ticket.SLAResolution:    {{"2026-11-02 09:00", "", "10h", "2026-11-02T15:00:00Z", true, false}}, // 8h at Mon 17:00
			}},
		{"paused after the breach stays breached", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateWaitingCustomer, created: "2026-11-02 09:00", reply: "2026-11-02 09:05",
				transitions: trs(vil, "2026-11-02 09:05", "in_progress", "2026-11-03 11:00", "waiting_customer")},
			"2026-11-04 10:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 09:05", "5m", "2026-11-02T09:00:00Z", false, false}},
				ticket.SLAResolution:    {{"2026-11-02 09:00", "", "11h", "2026-11-02T15:00:00Z", true, true}}, // 9h Mon + 2h Tue before the pause
			}},
		{"no history: reopened, earlier resolution unknown", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateInProgress, created: "2026-11-02 09:00", reply: "2026-11-02 09:30", reopened: 1, reopenedAt: "2026-11-03 12:00"},
			"2026-11-03 15:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 09:30", "30m", "2026-11-02T09:00:00Z", false, false}},
				ticket.SLAResolution:    {{"2026-11-03 12:00", "", "3h", "2026-11-04T09:00:00Z", false, false}}, // 6h Tue 12-18 + 2h Wed: 11:00
			}},
		{"no history: reopened with the earlier resolution kept", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateResolved, created: "2026-11-02 09:00", reply: "2026-11-02 09:30", resolved: "2026-11-02 11:00",
				reopened: 1, reopenedAt: "2026-11-03 12:00", upd: "2026-11-03 14:00"},
			"2026-11-03 15:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 09:30", "30m", "2026-11-02T09:00:00Z", false, false}},
				ticket.SLAResolution: {
					{"2026-11-02 09:00", "2026-11-02 11:00", "2h", "2026-11-02T15:00:00Z", false, false}, // met; 6h left from 11:00 = 17:00
					// Resolved is older than the reopen: the second stop is the last update, 14:00.
					{"2026-11-03 12:00", "2026-11-03 14:00", "2h", "2026-11-04T09:00:00Z", false, false}, // 6h left from 14:00: 4h Tue + 2h Wed = 11:00
				},
			}},
		{"no history: waiting customer is paused since the last update", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateWaitingCustomer, created: "2026-11-02 09:00", reply: "2026-11-02 10:00", upd: "2026-11-02 14:00"},
			"2026-11-03 12:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 10:00", "1h", "2026-11-02T09:00:00Z", false, false}},
				ticket.SLAResolution:    {{"2026-11-02 09:00", "", "5h", "2026-11-03T13:00:00Z", false, true}}, // 3h left from now: Tue 15:00
			}},
		{"resolved without a reply stops first response at resolution", "acme", vil,
			tk{prio: ticket.P2, state: ticket.StateResolved, created: "2026-11-02 09:00", resolved: "2026-11-02 10:00"},
			"2026-11-02 12:00", map[string][]wantCycle{
				ticket.SLAFirstResponse: {{"2026-11-02 09:00", "2026-11-02 10:00", "1h", "2026-11-02T09:00:00Z", false, false}},
				ticket.SLAResolution:    {{"2026-11-02 09:00", "2026-11-02 10:00", "1h", "2026-11-02T15:00:00Z", false, false}}, // 7h left from 10:00: 17:00
			}},
		{"p1 has no first-response goal; breached at the breach instant", "acme", vil,
			tk{prio: ticket.P1, state: ticket.StateInProgress, created: "2026-11-06 16:00"},
			"2026-11-09 11:00", map[string][]wantCycle{
				ticket.SLAResolution: {{"2026-11-06 16:00", "", "4h", "2026-11-09T09:00:00Z", true, false}}, // 2h Fri + 2h Mon: 11:00 EET is the breach
			}},
		{"24x7 contract across New York fall-back", "nyco", ny,
			tk{prio: ticket.P3, state: ticket.StateWaitingCustomer, created: "2026-10-31 12:00"}, // no pause states for nyco
			"2026-11-01 12:00", map[string][]wantCycle{
				ticket.SLAResolution: {{"2026-10-31 12:00", "", "25h", "2026-11-02T16:00:00Z", false, false}}, // 16:00Z to 17:00Z; +48h
			}},
		{"unknown customer has no clocks", "nobody", vil,
			tk{prio: ticket.P2, state: ticket.StateNew, created: "2026-11-02 09:00"},
			"2026-11-02 12:00", nil},
		{"priority without goals has no clocks", "acme", vil,
			tk{prio: ticket.P4, state: ticket.StateNew, created: "2026-11-02 09:00"},
			"2026-11-02 12:00", nil},
	}
	cfg := testConfig()
	e, err := NewEngine(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tkt := &ticket.Ticket{
				Source: "zd", Key: "1", Priority: tc.tk.prio, State: tc.tk.state,
				Created: at(tc.loc, tc.tk.created), FirstReply: at(tc.loc, tc.tk.reply), Resolved: at(tc.loc, tc.tk.resolved),
				Updated: at(tc.loc, tc.tk.upd), Reopened: tc.tk.reopened, ReopenedAt: at(tc.loc, tc.tk.reopenedAt),
				Transitions: tc.tk.transitions,
			}
			now := at(tc.loc, tc.now)
			got := e.Clocks(tkt, tc.customer, now)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d clocks %+v, want %d", len(got), got, len(tc.want))
			}
			for _, c := range got {
				want, ok := tc.want[c.Name]
				if !ok {
					t.Fatalf("unexpected clock %q", c.Name)
				}
				if c.Origin != ticket.OriginComputed {
					t.Errorf("%s: origin %q, want %q", c.Name, c.Origin, ticket.OriginComputed)
				}
				if len(c.Cycles) != len(want) {
					t.Fatalf("%s: got %d cycles %+v, want %d", c.Name, len(c.Cycles), c.Cycles, len(want))
				}
				for i, w := range want {
					goal, _ := cfg.Policy(tc.customer).Goal(tc.tk.prio, c.Name)
					wc := ticket.Cycle{
						Start: at(tc.loc, w.start), Stop: at(tc.loc, w.stop), Goal: goal, Elapsed: dur(t, w.elapsed),
						BreachAt: utc(t, w.breachAt), Breached: w.breached, Paused: w.paused, ObservedAt: now,
					}
					if !wc.Stop.IsZero() {
						wc.ObservedAt = wc.Stop // a completed cycle is final as of its stop
					}
					if g := c.Cycles[i]; !cycleEqual(g, wc) {
						t.Errorf("%s cycle %d:\n got %s\nwant %s", c.Name, i, fmtCycle(g), fmtCycle(wc))
					}
				}
			}
		})
	}
}

// cycleEqual compares cycles by instant, not by location.
func cycleEqual(a, b ticket.Cycle) bool {
	return a.Start.Equal(b.Start) && a.Stop.Equal(b.Stop) && a.Goal == b.Goal && a.Elapsed == b.Elapsed &&
		a.BreachAt.Equal(b.BreachAt) && a.Breached == b.Breached && a.Paused == b.Paused && a.ObservedAt.Equal(b.ObservedAt)
}

// fmtCycle prints a cycle with UTC instants.
func fmtCycle(c ticket.Cycle) string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("start=%s stop=%s goal=%v elapsed=%v breach_at=%s breached=%t paused=%t observed=%s",
		f(c.Start), f(c.Stop), c.Goal, c.Elapsed, f(c.BreachAt), c.Breached, c.Paused, f(c.ObservedAt))
}
