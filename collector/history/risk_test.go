package history

import (
	"math"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// TestRiskAtMatchesSnapshot: for tickets nothing happened to after an instant, the risk
// reconstructed at that instant is the snapshot's risk computed then, factor by factor; and at an
// earlier instant it sees the state of then (A open again in W47, D still open).
func TestRiskAtMatchesSnapshot(t *testing.T) {
	v := zone(t, "Europe/Vilnius")
	_, all := handTickets(v)
	tickets := all[:7] // H is created after the data's instant
	end := local(v, "2026-11-30 10:00")
	b, c := *tickets[1], *tickets[2]
	// B: a resolution clock that breached on 20 November; C: one with 5 of its 24 hours left.
	b.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{
		Start: b.Created, Goal: 4 * time.Hour, BreachAt: b.Created.Add(7 * 24 * time.Hour), ObservedAt: end,
	}}}}
	c.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{
		Start: end.Add(-19 * time.Hour), Goal: 24 * time.Hour, BreachAt: end.Add(5 * time.Hour), ObservedAt: end,
	}}}}
	tickets[1], tickets[2] = &b, &c

	cfg := &config.Config{
		Sources:   []config.Source{{Name: "jsm"}},
		Customers: []config.Customer{{ID: "acme", Tier: "gold"}},
		Tiers: map[string]config.Tier{"gold": {ComplianceTarget: 0.95, AtRisk: config.Threshold{Fraction: 0.25},
			SLA: config.SLAPolicy{Goals: map[ticket.Priority]map[string]config.Duration{
				ticket.P1: {ticket.SLAFirstResponse: config.Duration(time.Hour), ticket.SLAResolution: config.Duration(4 * time.Hour)},
			}}}},
		Risk: config.Risk{Weights: config.DefaultRiskWeights},
	}
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in := RiskInput{Tickets: tickets, Policy: cfg.Policy("acme"), Calendars: cals, Weights: cfg.Risk.Weights}

	snap := snapshot.Compute(snapshot.Input{Tickets: tickets, Now: end, Config: cfg, CustomerOf: func(*ticket.Ticket) string { return "acme" }})
	want := snap.Customers[0]
	score, points := Risk(in, end)
	if math.Abs(score-want.Risk) > 1e-9 {
		t.Errorf("score at the data's instant: got %v, snapshot %v", score, want.Risk)
	}
	for _, f := range catalog.Factors {
		if math.Abs(points[f]-want.RiskFactors[f]) > 1e-9 {
			t.Errorf("factor %s: got %v, snapshot %v", f, points[f], want.RiskFactors[f])
		}
	}
	if points[catalog.FactorBreached] == 0 || points[catalog.FactorAtRisk] == 0 {
		t.Errorf("the test clocks must score: breached %v, at risk %v", points[catalog.FactorBreached], points[catalog.FactorAtRisk])
	}

	// Sunday 22 November 12:00, in W47: open were A (reopened, p2), B (p1, its clock breached on
	// the 20th), C (p3), D (p1) and G (p3); E did not exist yet; none is an incident.
	// Backlog growth over 15-22 November: created C, D (2), resolved none: (2-0)/max(2,5) = 0.4.
	_, then := Risk(in, local(v, "2026-11-22 12:00"))
	if got := then[catalog.FactorBacklogGrowth]; math.Abs(got-0.4*10) > 1e-9 {
		t.Errorf("backlog growth on 22 November: got %v points, want 4", got)
	}
	if got := then[catalog.FactorBreached]; math.Abs(got-25.0/3) > 1e-9 {
		t.Errorf("breached on 22 November: got %v points, want 25/3 (B's clock)", got)
	}
	if got := then[catalog.FactorAtRisk]; got != 0 {
		t.Errorf("at risk on 22 November: got %v, want 0 (C's clock had not started)", got)
	}
	// Ageing: A (20 days), B (9 days) and G (33 days) of the 5 open are 7 days old or more:
	// 3/5 of 5 points.
	if got := then[catalog.FactorAgeing]; math.Abs(got-3) > 1e-9 {
		t.Errorf("ageing on 22 November: got %v points, want 3", got)
	}
}
