package snapshot

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

func TestRiskFactors(t *testing.T) {
	cases := []struct {
		name   string
		in     riskInput
		factor string
		want   float64
	}{
		{"breached one of three", riskInput{breached: 1}, catalog.FactorBreached, 1.0 / 3},
		{"breached capped", riskInput{breached: 7}, catalog.FactorBreached, 1},
		{"at risk two of five", riskInput{atRisk: 2}, catalog.FactorAtRisk, 0.4},
		{"at risk capped", riskInput{atRisk: 9}, catalog.FactorAtRisk, 1},
		{"compliance gap half", riskInput{gap: 0.05}, catalog.FactorComplianceGap, 0.5},
		{"compliance gap capped", riskInput{gap: 0.25}, catalog.FactorComplianceGap, 1},
		{"incidents one of two", riskInput{incidents: 1}, catalog.FactorIncidents, 0.5},
		{"incidents capped", riskInput{incidents: 3}, catalog.FactorIncidents, 1},
		{"backlog growth small volume over the floor of 5", riskInput{created7: 2}, catalog.FactorBacklogGrowth, 0.4},
		{"backlog growth by created", riskInput{created7: 20, resolved7: 10}, catalog.FactorBacklogGrowth, 0.5},
		{"backlog shrinking is 0", riskInput{created7: 10, resolved7: 20}, catalog.FactorBacklogGrowth, 0},
		{"backlog growth capped", riskInput{created7: 30, resolved7: -10}, catalog.FactorBacklogGrowth, 1},
		{"csat without responses", riskInput{}, catalog.FactorCSAT, 0},
		{"csat at goal", riskInput{good30: 9, responses30: 10}, catalog.FactorCSAT, 0},
		{"csat above goal", riskInput{good30: 10, responses30: 10}, catalog.FactorCSAT, 0},
		{"csat half shortfall", riskInput{good30: 3, responses30: 4}, catalog.FactorCSAT, 0.5},
		{"csat capped", riskInput{good30: 0, responses30: 4}, catalog.FactorCSAT, 1},
		{"ageing without backlog", riskInput{}, catalog.FactorAgeing, 0},
		{"ageing a quarter", riskInput{open: 4, openOver7d: 1}, catalog.FactorAgeing, 0.25},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.in.factors()
			if len(f) != len(catalog.Factors) {
				t.Fatalf("got factors %v, want all of %v", f, catalog.Factors)
			}
			if got := f[tc.factor]; !near(got, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.factor, got, tc.want)
			}
			for _, other := range catalog.Factors { // each case feeds one factor only
				if other != tc.factor && f[other] != 0 {
					t.Errorf("%s: got %v, want 0", other, f[other])
				}
			}
		})
	}
}

func TestRiskScore(t *testing.T) {
	full := riskInput{breached: 3, atRisk: 5, gap: 0.1, incidents: 2, created7: 10, good30: 0, responses30: 1, open: 1, openOver7d: 1}
	defaults := testConfig().Risk.Weights
	cases := []struct {
		name    string
		in      riskInput
		weights map[string]float64
		want    float64
		points  map[string]float64
	}{
		{"nothing wrong", riskInput{}, defaults, 0, map[string]float64{}},
		{"everything wrong: the default weights sum to 100", full, defaults, 100, defaults},
		{"weights over 100 are clamped", full, map[string]float64{catalog.FactorBreached: 80, catalog.FactorAgeing: 80}, 100,
			map[string]float64{catalog.FactorBreached: 80, catalog.FactorAgeing: 80}},
		{"negative weights are clamped at 0", full, map[string]float64{catalog.FactorBreached: -10}, 0,
			map[string]float64{catalog.FactorBreached: -10}},
		{"a factor without weight scores 0", riskInput{breached: 3, incidents: 1}, map[string]float64{catalog.FactorIncidents: 15}, 7.5,
			map[string]float64{catalog.FactorIncidents: 7.5}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, points := tc.in.score(tc.weights)
			if !near(got, tc.want) {
				t.Errorf("score: got %v, want %v", got, tc.want)
			}
			for _, f := range catalog.Factors {
				p, ok := points[f]
				if !ok || !near(p, tc.points[f]) {
					t.Errorf("points[%s]: got %v (present %v), want %v", f, p, ok, tc.points[f])
				}
			}
		})
	}
}

func TestRiskFromTickets(t *testing.T) {
	s := compute(
		// An open P1 incident whose resolution clock breached a minute ago.
		tk(prio(ticket.P1), incident(), clock(ticket.SLAResolution, running(4*hour, ago(time.Minute)))),
		// 30d resolution compliance 1/2 against a 0.95 target: gap 0.45, capped.
		tk(created(ago(10*day)), resolved(ago(2*hour)), clock(ticket.SLAResolution, stopped(ago(2*hour), false)),
			csat(ticket.CSATGood, ago(hour))),
		tk(created(ago(10*day)), resolved(ago(3*hour)), clock(ticket.SLAResolution, stopped(ago(3*hour), true)),
			csat(ticket.CSATBad, ago(hour))),
		// One of two open tickets is older than 7d.
		tk(prio(ticket.P4), created(ago(8*day))),
	)
	c := customer(t, s, "alpha")
	want := map[string]float64{
		catalog.FactorBreached:      25.0 / 3, // 1 of 3 breached clocks
		catalog.FactorAtRisk:        0,
		catalog.FactorComplianceGap: 20,  // capped
		catalog.FactorIncidents:     7.5, // 1 of 2
		catalog.FactorBacklogGrowth: 0,   // created 1, resolved 2 in 7d
		catalog.FactorCSAT:          10,  // 50% good: shortfall 0.40 of 0.30, capped
		catalog.FactorAgeing:        2.5, // half of 5
	}
	for _, f := range catalog.Factors {
		if got := c.RiskFactors[f]; !near(got, want[f]) {
			t.Errorf("%s: got %v, want %v", f, got, want[f])
		}
	}
	if wantScore := 25.0/3 + 20 + 7.5 + 10 + 2.5; !near(c.Risk, wantScore) {
		t.Errorf("risk: got %v, want %v", c.Risk, wantScore)
	}
	if b := customer(t, s, "beta"); b.Risk != 0 {
		t.Errorf("beta risk: got %v, want 0", b.Risk)
	}
}

// TestRiskDocExamples keeps the worked examples of docs/risk-score.md true.
func TestRiskDocExamples(t *testing.T) {
	cases := []struct {
		name string
		in   riskInput
		want float64
	}{
		{"a healthy customer", riskInput{gap: 0, created7: 20, resolved7: 22, good30: 19, responses30: 20, open: 12}, 0},
		{"a customer having a bad week", riskInput{breached: 1, atRisk: 2, gap: 0.05, incidents: 1, created7: 12, resolved7: 9,
			good30: 6, responses30: 8, open: 10, openOver7d: 3}, 25.0/3 + 6 + 10 + 7.5 + 2.5 + 5 + 1.5},
		{"a small customer, capped", riskInput{breached: 4, incidents: 3, gap: 0.25, created7: 2, open: 2, openOver7d: 1}, 66.5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got, _ := tc.in.score(testConfig().Risk.Weights); !near(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
