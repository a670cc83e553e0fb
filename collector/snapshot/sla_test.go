package snapshot

import (
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

func TestSLA(t *testing.T) {
	// alpha is gold: at risk at 25% of the goal left, so 1h of a 4h resolution goal.
	paused := ticket.Cycle{Start: ago(5 * hour), Goal: 4 * hour, Elapsed: 3*hour + 50*time.Minute,
		BreachAt: now.Add(5 * time.Minute), Paused: true} // 10m left, but the clock is stopped
	noBreachAt := ticket.Cycle{Start: ago(5 * hour), Goal: 4 * hour, Elapsed: 3*hour + 30*time.Minute}
	s := compute(
		// A breach instant that passed since the last poll: breached though the flag is not set.
		tk(prio(ticket.P1), clock(ticket.SLAResolution, running(4*hour, ago(time.Minute))),
			clock(ticket.SLAFirstResponse, stopped(ago(2*hour), false))),
		tk(prio(ticket.P1), clock(ticket.SLAFirstResponse, ticket.Cycle{Start: ago(hour), Goal: hour, Breached: true})),
		tk(clock(ticket.SLAResolution, running(4*hour, now.Add(59*time.Minute)))),                  // at risk, next breach
		tk(clock(ticket.SLAResolution, running(4*hour, now.Add(hour)))),                            // at risk: threshold inclusive
		tk(prio(ticket.P2), clock(ticket.SLAResolution, running(4*hour, now.Add(61*time.Minute)))), // safe
		tk(prio(ticket.P2), clock(ticket.SLAResolution, noBreachAt)),                               // 30m of goal left: at risk
		tk(clock(ticket.SLAResolution, paused)),                                                    // neither at risk nor next
		// A clock a source left running on a resolved ticket is ignored, even past its breach.
		tk(resolved(ago(2*hour)), clock(ticket.SLAResolution,
			stopped(ago(24*hour), false),            // 7d, 30d
			stopped(ago(24*hour-time.Second), true), // 1d, 7d, 30d
			stopped(now, false),                     // the new edge is inside: all
			stopped(now.Add(time.Second), false),    // in the future: nowhere
			stopped(ago(30*day), true),              // the old edge is outside: nowhere
			stopped(ago(30*day-time.Second), true),  // 30d
			running(4*hour, ago(hour)),
		)),
		tk(prio(ticket.P4), clock("vendor_wait", stopped(ago(hour), true))), // a clock no goal names
		tk(cust("zeta"), prio(ticket.P2), clock(ticket.SLAFirstResponse, running(2*hour, now.Add(30*time.Minute)))),
		tk(cust("zeta"), prio(ticket.P2), clock(ticket.SLAFirstResponse, running(2*hour, now.Add(31*time.Minute)))),
	)

	cases := []struct {
		customer string
		want     []SLA
	}{
		{"alpha", []SLA{
			{Name: ticket.SLAFirstResponse, Breached: PerPriority{1, 0, 0, 0}, Target: 0.95,
				Met: []float64{1, 1, 1}, BreachedCycles: []float64{0, 0, 0}},
			{Name: ticket.SLAResolution, Breached: PerPriority{1, 0, 0, 0}, AtRisk: PerPriority{0, 1, 2, 0},
				NextBreach: now.Add(59 * time.Minute), Target: 0.95,
				Met: []float64{1, 2, 2}, BreachedCycles: []float64{1, 1, 2}},
			{Name: "vendor_wait", Target: 0.95, Met: []float64{0, 0, 0}, BreachedCycles: []float64{1, 1, 1}},
		}},
		{"beta", []SLA{ // no tickets: the contracted names, empty
			{Name: ticket.SLAFirstResponse, Target: 0.95, Met: []float64{0, 0, 0}, BreachedCycles: []float64{0, 0, 0}},
			{Name: ticket.SLAResolution, Target: 0.95, Met: []float64{0, 0, 0}, BreachedCycles: []float64{0, 0, 0}},
		}},
		{"zeta", []SLA{ // silver: an absolute 30m threshold; the customer's own 0.90 target
			{Name: ticket.SLAFirstResponse, AtRisk: PerPriority{0, 1, 0, 0}, NextBreach: now.Add(30 * time.Minute),
				Target: 0.90, Met: []float64{0, 0, 0}, BreachedCycles: []float64{0, 0, 0}},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.customer, func(t *testing.T) {
			got := customer(t, s, tc.customer).SLAs
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}

	res := customer(t, s, "alpha").SLAs[1]
	for i, want := range []float64{0.5, 2.0 / 3, 0.5} {
		if got, ok := res.Compliance(i); !ok || !near(got, want) {
			t.Errorf("resolution compliance %s = %v, %v; want %v", catalog.Windows[i].Name, got, ok, want)
		}
	}
}

func TestNextBreachIsEarliestAcrossPriorities(t *testing.T) {
	s := compute(
		tk(prio(ticket.P4), clock(ticket.SLAResolution, running(4*hour, now.Add(5*hour)))),
		tk(prio(ticket.P1), clock(ticket.SLAResolution, running(4*hour, now.Add(3*hour)))),
		tk(prio(ticket.P3), clock(ticket.SLAResolution, running(4*hour, now.Add(4*hour)))),
	)
	if got, want := customer(t, s, "alpha").SLAs[1].NextBreach, now.Add(3*hour); !got.Equal(want) {
		t.Errorf("next breach = %v, want %v", got, want)
	}
}

// TestSLAWorkingTimeLeft: a JSM clock counts its time left on the customer's policy calendar (by
// sla.StatusAt on the calendar sla.Calendars say), so on a Saturday a clock read on Friday with
// 6h of office time left, which runs out on Monday 10:00, has 1h left: at risk. On 24x7, or from a
// Zendesk source (whose badge counts wall time to the breach), 46h are left: not at risk.
func TestSLAWorkingTimeLeft(t *testing.T) {
	sat := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	cy := ticket.Cycle{Start: time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC), Goal: 16 * hour, Elapsed: 10 * hour,
		BreachAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), ObservedAt: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		name       string
		sourceType string
		calendar   string
		atRisk     float64
	}{
		{"jira source, office calendar", config.TypeJira, "office", 1},
		{"jira source, 24x7", config.TypeJira, config.Calendar24x7, 0},
		{"zendesk source, office calendar", config.TypeZendesk, "office", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Sources = []config.Source{{Name: "jsm", Type: tc.sourceType}}
			cfg.Calendars = map[string]config.Calendar{"office": {Timezone: "UTC", Hours: map[string]string{"mon-fri": "09:00-17:00"}}}
			gold := cfg.Tiers["gold"]
			gold.SLA.Calendar = tc.calendar
			cfg.Tiers["gold"] = gold
			tkt := tk(clock(ticket.SLAResolution, cy))
			tkt.Clocks[0].Origin = ticket.OriginNative
			s := Compute(Input{Tickets: []*ticket.Ticket{tkt}, Now: sat, Config: cfg, CustomerOf: byProject})
			res := customer(t, s, "alpha").SLAs[1]
			if res.AtRisk[2] != tc.atRisk || res.Breached[2] != 0 || !res.NextBreach.Equal(cy.BreachAt) {
				t.Errorf("at risk %v, breached %v, next breach %v; want at risk %v, none breached, next breach %v",
					res.AtRisk[2], res.Breached[2], res.NextBreach, tc.atRisk, cy.BreachAt)
			}
		})
	}
}

// TestNextBreachPerPriority: per priority, the earliest upcoming breach over every SLA; a
// priority without a counting clock ahead has none, and a breach already past or a paused clock
// does not count.
func TestNextBreachPerPriority(t *testing.T) {
	paused := running(4*hour, now.Add(30*time.Minute))
	paused.Paused = true
	s := compute(
		tk(prio(ticket.P1), clock(ticket.SLAResolution, running(4*hour, now.Add(3*hour))),
			clock(ticket.SLAFirstResponse, running(hour, now.Add(20*time.Minute)))),
		tk(prio(ticket.P1), clock(ticket.SLAResolution, running(4*hour, now.Add(2*hour)))),
		tk(prio(ticket.P3), clock(ticket.SLAResolution, running(4*hour, now.Add(5*hour)))),
		tk(prio(ticket.P3), clock(ticket.SLAResolution, running(4*hour, now.Add(-time.Minute)))),
		tk(prio(ticket.P4), clock(ticket.SLAResolution, paused)),
		tk(prio(ticket.P2), clock(ticket.SLAResolution, running(4*hour, now.Add(time.Hour))), resolved(ago(time.Minute))),
	)
	want := [4]time.Time{now.Add(20 * time.Minute), {}, now.Add(5 * hour), {}}
	if got := customer(t, s, "alpha").NextBreach; got != want {
		t.Errorf("next breach per priority = %v, want %v", got, want)
	}
}
