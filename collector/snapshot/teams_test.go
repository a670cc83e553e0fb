package snapshot

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// groupAt puts a ticket in a Zendesk group from an instant on.
func groupAt(at time.Time, name string) ticket.Handling { return ticket.Handling{At: at, Group: name} }

// handled sets a ticket's handling history.
func handled(h ...ticket.Handling) opt { return func(t *ticket.Ticket) { t.Handling = h } }

// TestTeamAggregates, by hand, for customer alpha at now (Wednesday 2026-11-25 12:00 UTC) with
// the property config's teams (customer, engineering, product, support):
//   - three tickets resolved inside 7d that waited on Engineering 1h, 3h and 5h (the 5h one in two
//     stays: 2h, back to Support, 3h more): the 7d and 30d summaries count 3, sum 9h, median 3h,
//     90th percentile 5h; Support's summary holds what the same tickets waited on Support;
//   - one ticket resolved 10 days ago that waited 8h on Engineering counts in 30d only: 4, 17h,
//     90th percentile 8h;
//   - two open tickets with Engineering now, since 20h and 2h ago: Open 2, OldestSince 20h ago.
//     Engineering's P1 OLA is 4h on office hours (Mon-Fri 09-18 Vilnius, UTC+2): the first
//     (P1, with Engineering since Tuesday 16:00 UTC = 18:00 Vilnius) has counted Wednesday
//     09:00-14:00 Vilnius, 5h: breached; the second (P1, since 10:00 UTC = 12:00 Vilnius) has
//     counted 2h of 4h: running, 2h left, not at risk (a quarter is 1h), breaching at 16:00
//     Vilnius, 14:00 UTC;
//   - one open ticket pending (the customer's), Open 1 for the customer.
func TestTeamAggregates(t *testing.T) {
	cfg := propertyConfig()
	eng := func(from, to time.Time) opt {
		return handled(groupAt(from.Add(-time.Hour), "tier1"), groupAt(from, "eng"), groupAt(to, "tier1"))
	}
	day := 24 * time.Hour
	tickets := []*ticket.Ticket{
		tk(created(ago(3*day)), eng(ago(3*day).Add(time.Hour), ago(3*day).Add(2*time.Hour)), resolved(ago(2*day))),
		tk(created(ago(3*day)), eng(ago(3*day).Add(time.Hour), ago(3*day).Add(4*time.Hour)), resolved(ago(2*day))),
		tk(created(ago(4*day)), handled(groupAt(ago(4*day), "tier1"), groupAt(ago(4*day).Add(time.Hour), "eng"),
			groupAt(ago(4*day).Add(3*time.Hour), "tier1"), groupAt(ago(4*day).Add(5*time.Hour), "eng"),
			groupAt(ago(4*day).Add(8*time.Hour), "tier1")), resolved(ago(3*day))),
		tk(created(ago(11*day)), eng(ago(11*day).Add(time.Hour), ago(11*day).Add(9*time.Hour)), resolved(ago(10*day))),
		tk(created(ago(21*hour)), prio(ticket.P1), handled(groupAt(ago(21*hour), "tier1"), groupAt(ago(20*hour), "eng"))),
		tk(created(ago(3*hour)), prio(ticket.P1), handled(groupAt(ago(3*hour), "tier1"), groupAt(ago(2*hour), "eng"))),
		tk(created(ago(5*hour)), state(ticket.StateWaitingCustomer), handled(groupAt(ago(5*hour), "eng"))),
	}
	for _, tt := range tickets {
		tt.Transitions = []ticket.Transition{{At: tt.Created, State: ticket.StateInProgress}}
		if !tt.Open() {
			tt.Transitions = append(tt.Transitions, ticket.Transition{At: tt.Resolved, State: ticket.StateResolved})
		}
	}
	s := Compute(Input{Tickets: tickets, Now: now, Config: cfg, CustomerOf: byProject})
	alpha := customer(t, s, "alpha")
	if len(alpha.Teams) != 4 {
		t.Fatalf("teams: %+v", alpha.Teams)
	}
	byID := map[string]TeamStat{}
	for _, ts := range alpha.Teams {
		byID[ts.ID] = ts
	}
	e := byID["engineering"]
	h := time.Hour.Seconds()
	for wi, want := range []Summary{
		{Count: 3, Sum: 9 * h, Quantiles: map[float64]float64{0.5: 3 * h, 0.9: 5 * h}},
		{Count: 4, Sum: 17 * h, Quantiles: map[float64]float64{0.5: 3 * h, 0.9: 8 * h}},
	} {
		got := e.Waited[wi]
		if got.Count != want.Count || !near(got.Sum, want.Sum) || !near(got.Quantiles[0.5], want.Quantiles[0.5]) || !near(got.Quantiles[0.9], want.Quantiles[0.9]) {
			t.Errorf("engineering waited, window %d: got %+v, want %+v", wi, got, want)
		}
	}
	if e.Open != 2 || !e.OldestSince.Equal(ago(20*hour)) {
		t.Errorf("engineering now: open %v since %s", e.Open, e.OldestSince)
	}
	if e.OLABreached != 1 || e.OLAAtRisk != 0 || !e.OLANextBreach.Equal(time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)) {
		t.Errorf("engineering OLA: breached %v, at risk %v, next %s", e.OLABreached, e.OLAAtRisk, e.OLANextBreach)
	}
	if c := byID["customer"]; c.Open != 1 || c.HasOLA || c.OLABreached != 0 {
		t.Errorf("customer: %+v", c)
	}
	// Support: the 1h before each Engineering stay, the 2h between the third ticket's two, and
	// the time after Engineering until the resolution.
	sup := byID["support"].Waited[0]
	if sup.Count != 3 {
		t.Errorf("support waited in 7d: %+v", sup)
	}
	if w := byID["product"].Waited[1]; w.Count != 0 || w.Quantiles != nil {
		t.Errorf("product waited nothing, got %+v", w)
	}
}
