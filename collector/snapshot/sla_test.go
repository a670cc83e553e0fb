package snapshot

import (
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
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
