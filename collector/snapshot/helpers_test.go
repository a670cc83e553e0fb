package snapshot

import (
	"math"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// now is the fake clock of every test.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const (
	hour = time.Hour
	day  = 24 * time.Hour
)

// ago returns the instant d before now.
func ago(d time.Duration) time.Time { return now.Add(-d) }

// testConfig has two sources and three customers, listed out of order: alpha and beta on gold,
// zeta on silver with a customer-level compliance override.
func testConfig() *config.Config {
	target := 0.90
	return &config.Config{
		Sources: []config.Source{{Name: "zendesk"}, {Name: "jsm"}},
		Customers: []config.Customer{
			{ID: "zeta", Name: "Zeta Ltd", Tier: "silver", CSM: "Z. Person", ComplianceTarget: &target},
			{ID: "alpha", Name: "Alpha Inc", Tier: "gold", CSM: "A. Person"},
			{ID: "beta", Name: "Beta GmbH", Tier: "gold"},
		},
		Tiers: map[string]config.Tier{
			"gold": {
				ComplianceTarget: 0.95,
				AtRisk:           config.Threshold{Fraction: 0.25},
				SLA: config.SLAPolicy{Goals: map[ticket.Priority]map[string]config.Duration{
					ticket.P1: {ticket.SLAFirstResponse: config.Duration(hour), ticket.SLAResolution: config.Duration(4 * hour)},
					ticket.P3: {ticket.SLAResolution: config.Duration(day)},
				}},
			},
			"silver": {
				ComplianceTarget: 0.8,
				AtRisk:           config.Threshold{Duration: 30 * time.Minute},
				SLA: config.SLAPolicy{Goals: map[ticket.Priority]map[string]config.Duration{
					ticket.P2: {ticket.SLAFirstResponse: config.Duration(2 * hour)},
				}},
			},
		},
		OfficialChannels: []ticket.Channel{ticket.ChannelPortal, ticket.ChannelEmail, ticket.ChannelAPI},
		Risk: config.Risk{Weights: map[string]float64{
			catalog.FactorBreached: 25, catalog.FactorAtRisk: 15, catalog.FactorComplianceGap: 20, catalog.FactorIncidents: 15,
			catalog.FactorBacklogGrowth: 10, catalog.FactorCSAT: 10, catalog.FactorAgeing: 5,
		}},
	}
}

// byProject maps a ticket to the customer id held in its project attribute, as a
// customer_from: [project] rule whose values equal the ids would.
func byProject(t *ticket.Ticket) string { return t.Attributes.Project }

// opt changes one field of a test ticket.
type opt func(*ticket.Ticket)

// tk returns an open p3 portal ticket of customer alpha from jsm, created an hour ago, changed by
// opts. Compute never reads the key, so one will do.
func tk(opts ...opt) *ticket.Ticket {
	t := &ticket.Ticket{
		Source:     "jsm",
		Key:        "T-1",
		Attributes: ticket.Attributes{Project: "alpha"},
		Priority:   ticket.P3,
		State:      ticket.StateInProgress,
		Channel:    ticket.ChannelPortal,
		Created:    ago(hour),
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

func cust(id string) opt           { return func(t *ticket.Ticket) { t.Attributes.Project = id } }
func src(name string) opt          { return func(t *ticket.Ticket) { t.Source = name } }
func prio(p ticket.Priority) opt   { return func(t *ticket.Ticket) { t.Priority = p } }
func state(s ticket.State) opt     { return func(t *ticket.Ticket) { t.State = s } }
func channel(c ticket.Channel) opt { return func(t *ticket.Ticket) { t.Channel = c } }
func created(at time.Time) opt     { return func(t *ticket.Ticket) { t.Created = at } }
func quality(checks ...string) opt { return func(t *ticket.Ticket) { t.Quality = checks } }
func escalated() opt               { return func(t *ticket.Ticket) { t.Escalated = true } }
func incident() opt                { return func(t *ticket.Ticket) { t.Incident = true } }
func firstReply(at time.Time) opt  { return func(t *ticket.Ticket) { t.FirstReply = at } }
func reopenedAt(at time.Time) opt  { return func(t *ticket.Ticket) { t.Reopened++; t.ReopenedAt = at } }
func csat(c ticket.CSAT, at time.Time) opt {
	return func(t *ticket.Ticket) { t.CSAT, t.CSATAt = c, at }
}

// resolved closes the ticket as resolved at the given instant.
func resolved(at time.Time) opt {
	return func(t *ticket.Ticket) { t.State, t.Resolved = ticket.StateResolved, at }
}

// clock adds a named SLA clock with the given cycles.
func clock(name string, cycles ...ticket.Cycle) opt {
	return func(t *ticket.Ticket) { t.Clocks = append(t.Clocks, ticket.Clock{Name: name, Cycles: cycles}) }
}

// running is a running, unpaused cycle of the given goal that breaches at breachAt.
func running(goal time.Duration, breachAt time.Time) ticket.Cycle {
	return ticket.Cycle{Start: breachAt.Add(-goal), Goal: goal, BreachAt: breachAt}
}

// stopped is a completed cycle that stopped at stop, breached or not.
func stopped(stop time.Time, breached bool) ticket.Cycle {
	return ticket.Cycle{Start: stop.Add(-hour), Stop: stop, Goal: 4 * hour, Breached: breached}
}

// compute runs Compute at now over tickets with the test config.
func compute(tickets ...*ticket.Ticket) *Snapshot {
	return Compute(Input{Tickets: tickets, Now: now, Config: testConfig(), CustomerOf: byProject})
}

// customer returns the named customer of s, failing the test when absent.
func customer(t *testing.T, s *Snapshot, id string) Customer {
	t.Helper()
	for _, c := range s.Customers {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("customer %q missing from snapshot", id)
	return Customer{}
}

// near reports whether two floats agree to 1e-9, NaN equal to NaN.
func near(a, b float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) < 1e-9
}
