package report

import (
	"testing"

	"github.com/custops/custops/collector/catalog"
)

func TestRiskExplanations(t *testing.T) {
	base, _ := render(t, nil)
	for _, tc := range []struct {
		name   string
		change func(r *Report)
		factor string
		want   string
	}{
		{"breaches", nil, catalog.FactorBreached, "2 SLA clocks on open tickets are past the goal."},
		{"one breach", func(r *Report) { r.BreachedNow = 1 }, catalog.FactorBreached, "1 SLA clock on open tickets is past the goal."},
		{"no breach", func(r *Report) { r.BreachedNow = 0 }, catalog.FactorBreached, "No open ticket is past an SLA goal."},
		{"at risk", nil, catalog.FactorAtRisk, "1 SLA clock on open tickets is close to the goal."},
		{"worst SLA below target", nil, catalog.FactorComplianceGap, "First response compliance was 90.0% against a target of 95.0% over the last 30 days."},
		{"every SLA on target", func(r *Report) { r.SLAs = r.SLAs[1:] }, catalog.FactorComplianceGap, "Every SLA met its target over the last 30 days."},
		{"nothing completed", func(r *Report) { r.SLAs = nil }, catalog.FactorComplianceGap, "No SLA cycle completed in the last 30 days, so there is nothing to compare with the targets."},
		{"incidents", nil, catalog.FactorIncidents, "2 P1 or P2 incidents are open."},
		{"growth", nil, catalog.FactorBacklogGrowth, "14 tickets created and 9 resolved in the last 7 days; the backlog grew by 5."},
		{"no growth", func(r *Report) { r.Flow[0].Resolved = 20 }, catalog.FactorBacklogGrowth, "14 tickets created and 20 resolved in the last 7 days; the backlog did not grow."},
		{"csat", nil, catalog.FactorCSAT, "18 of 20 satisfaction answers in the last 30 days were good (90.0%)."},
		{"no csat", func(r *Report) { r.Flow[1].CSATGood, r.Flow[1].CSATBad = 0, 0 }, catalog.FactorCSAT, "No satisfaction survey answers in the last 30 days."},
		{"ageing", nil, catalog.FactorAgeing, "5 of 14 open tickets are 7 days old or older."},
		{"empty backlog", func(r *Report) { r.Backlog = Backlog{} }, catalog.FactorAgeing, "No ticket is open."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base
			r.SLAs = append([]SLA(nil), base.SLAs...)
			r.Flow = append([]Flow(nil), base.Flow...)
			if tc.change != nil {
				tc.change(&r)
			}
			if got := r.why(tc.factor); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestRiskFactorsComplete shows every factor, in label order, with a title and a reason.
func TestRiskFactorsComplete(t *testing.T) {
	r, _ := render(t, nil)
	if len(r.Risk.Factors) != len(catalog.Factors) {
		t.Fatalf("got %d factors, want %d", len(r.Risk.Factors), len(catalog.Factors))
	}
	for i, f := range r.Risk.Factors {
		if f.Name != catalog.Factors[i] || f.Title == "" || f.Why == "" {
			t.Errorf("factor %d: got %+v, want %s with a title and a reason", i, f, catalog.Factors[i])
		}
	}
}
