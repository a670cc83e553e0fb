package report

import (
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// now is the fake clock of every test.
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

func ago(d time.Duration) time.Time { return now.Add(-d) }

// Names that must never reach acme's report.
const (
	acmeCSM   = "Laura Internal-Kim"
	rivalName = "Rival Holdings"
	rivalCSM  = "Rex Internal"
	rivalKey  = "RIV-77"
	rivalText = "Rival secret outage"
)

// testConfig has two customers on the gold tier, whose at-risk threshold is 25% of the goal.
func testConfig() *config.Config {
	return &config.Config{
		Sources: []config.Source{{Name: "jsm"}},
		Customers: []config.Customer{
			{ID: "acme", Name: "Acme Acquiring", Tier: "gold", CSM: acmeCSM},
			{ID: "rival", Name: rivalName, Tier: "gold", CSM: rivalCSM},
		},
		Tiers: map[string]config.Tier{"gold": {
			ComplianceTarget: 0.95,
			AtRisk:           config.Threshold{Fraction: 0.25},
			SLA: config.SLAPolicy{Goals: map[ticket.Priority]map[string]config.Duration{
				ticket.P1: {ticket.SLAFirstResponse: config.Duration(time.Hour), ticket.SLAResolution: config.Duration(4 * time.Hour)},
			}},
		}},
		Risk: config.Risk{Weights: map[string]float64{
			catalog.FactorBreached: 25, catalog.FactorAtRisk: 15, catalog.FactorComplianceGap: 20, catalog.FactorIncidents: 15,
			catalog.FactorBacklogGrowth: 10, catalog.FactorCSAT: 10, catalog.FactorAgeing: 5,
		}},
	}
}

// testSnapshot is handcrafted, not computed: its numbers deliberately disagree with the test
// tickets, so a report that recomputed anything from the tickets would show.
func testSnapshot() *snapshot.Snapshot {
	acme := snapshot.Customer{
		ID: "acme", Name: "Acme Acquiring", Tier: "gold", CSM: acmeCSM,
		Open: [4][4]float64{
			{1, 2, 0, 0}, // p1: 1 new, 2 in progress
			{0, 0, 0, 0},
			{3, 1, 4, 1},
			{0, 0, 0, 2},
		},
		Age: [4][5]float64{
			{2, 1, 0, 0, 0},
			{},
			{1, 2, 3, 2, 1},
			{0, 0, 0, 0, 2},
		},
		OldestCreated: [4]time.Time{now.Add(-2 * 24 * time.Hour), {}, now.Add(-40 * 24 * time.Hour), now.Add(-45 * 24 * time.Hour)},
		Escalated:     snapshot.PerPriority{1, 0, 2, 0},
		Incidents:     snapshot.PerPriority{1, 1, 0, 0},
		SLAs: []snapshot.SLA{
			{
				Name: ticket.SLAFirstResponse, Target: 0.95,
				Breached: snapshot.PerPriority{1, 0, 1, 0}, AtRisk: snapshot.PerPriority{0, 0, 1, 0},
				NextBreach:     now.Add(20 * time.Minute),
				Met:            []float64{5, 3, 9},
				BreachedCycles: []float64{0, 1, 1},
			},
			{
				Name: ticket.SLAResolution, Target: 0.95,
				Met:            []float64{0, 0, 40},
				BreachedCycles: []float64{0, 0, 0},
			},
		},
		Trends: []snapshot.Trend{
			{Window: "1d", Created: 2, Resolved: 1},
			{Window: "7d", Created: 14, Resolved: 9, Reopened: 1, OfficialRatio: 0.8571, CSATGood: 4, CSATBad: 1,
				ByChannel: map[ticket.Channel]float64{ticket.ChannelPortal: 12, ticket.ChannelAgent: 2}},
			{Window: "30d", Created: 50, Resolved: 48, Reopened: 3, OfficialRatio: 0.9, CSATGood: 18, CSATBad: 2,
				ByChannel: map[ticket.Channel]float64{ticket.ChannelPortal: 45, ticket.ChannelAgent: 5}},
		},
		ResponseTime:   snapshot.Summary{Count: 48, Quantiles: map[float64]float64{0.5: 1800, 0.9: 7200}},
		ResolutionTime: snapshot.Summary{Count: 40, Quantiles: map[float64]float64{0.5: 3 * 3600, 0.9: 26 * 3600}},
		Risk:           43.5,
		RiskFactors: map[string]float64{
			catalog.FactorBreached: 16.67, catalog.FactorAtRisk: 3, catalog.FactorComplianceGap: 10,
			catalog.FactorIncidents: 15, catalog.FactorBacklogGrowth: 3.57, catalog.FactorCSAT: 0, catalog.FactorAgeing: 1.25,
		},
	}
	rival := snapshot.Customer{ID: "rival", Name: rivalName, Tier: "gold", CSM: rivalCSM, Risk: 99}
	return &snapshot.Snapshot{At: now, Customers: []snapshot.Customer{acme, rival}}
}

// byProject maps a ticket to the customer id in its project attribute.
func byProject(t *ticket.Ticket) string { return t.Attributes.Project }

// opt changes one field of a test ticket.
type opt func(*ticket.Ticket)

// tk returns an open p1 ticket of acme, created two hours ago, changed by opts.
func tk(key string, opts ...opt) *ticket.Ticket {
	t := &ticket.Ticket{
		Source: "jsm", Key: key, Summary: "Summary of " + key,
		Attributes: ticket.Attributes{Project: "acme"},
		Priority:   ticket.P1, State: ticket.StateInProgress, Status: "In Progress",
		Channel: ticket.ChannelPortal, Created: ago(2 * time.Hour),
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

func customer(id string) opt { return func(t *ticket.Ticket) { t.Attributes.Project = id } }
func prio(p ticket.Priority) opt {
	return func(t *ticket.Ticket) { t.Priority = p }
}
func created(at time.Time) opt { return func(t *ticket.Ticket) { t.Created = at } }
func summary(s string) opt     { return func(t *ticket.Ticket) { t.Summary = s } }
func resolved(at time.Time) opt {
	return func(t *ticket.Ticket) { t.State, t.Status, t.Resolved = ticket.StateResolved, "Resolved", at }
}

// clock adds an SLA clock with the given cycles.
func clock(name string, cycles ...ticket.Cycle) opt {
	return func(t *ticket.Ticket) { t.Clocks = append(t.Clocks, ticket.Clock{Name: name, Cycles: cycles}) }
}

// running is a running cycle with a 1h goal that breaches at now+left.
func running(left time.Duration) ticket.Cycle {
	return ticket.Cycle{Start: ago(time.Hour - left), Goal: time.Hour, BreachAt: now.Add(left), Elapsed: time.Hour - left, ObservedAt: now}
}

// stopped is a completed cycle that stopped at the given instant.
func stopped(at time.Time, breached bool) ticket.Cycle {
	return ticket.Cycle{Start: at.Add(-2 * time.Hour), Stop: at, Goal: time.Hour, Elapsed: 2 * time.Hour, Breached: breached, ObservedAt: at}
}

// render builds acme's report on the test snapshot and returns it with its HTML.
func render(t *testing.T, tickets []*ticket.Ticket) (Report, string) {
	t.Helper()
	r, err := Build(testSnapshot(), tickets, byProject, testConfig(), "acme", now)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	return r, b.String()
}
