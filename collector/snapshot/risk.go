package snapshot

import "github.com/custops/custops/collector/catalog"

// The caps of the risk factors: the amount at which a factor reaches its full weight. See
// docs/risk-score.md.
const (
	riskBreachedCap  = 3    // open breached clocks
	riskAtRiskCap    = 5    // at-risk clocks
	riskGapCap       = 0.10 // compliance below target, as a ratio
	riskIncidentsCap = 2    // open P1 and P2 incidents
	riskGrowthFloor  = 5    // smallest divisor of the 7d backlog growth, so 1 of 1 is not 100%
	riskCSATGoal     = 0.90 // good share at which CSAT costs nothing
	riskCSATCap      = 0.30 // shortfall from riskCSATGoal at which CSAT reaches its weight
)

// riskInput is the raw material of one customer's risk score.
type riskInput struct {
	breached, atRisk    float64 // open clocks, all SLAs and priorities
	gap                 float64 // max over SLAs of target - 30d compliance, at least 0
	incidents           float64 // open P1 and P2 incidents
	created7, resolved7 float64
	good30, responses30 float64 // CSAT over 30d
	open, openOver7d    float64
}

// riskOf gathers the risk input of c. An SLA with no cycle completed in 30d has no compliance
// and adds no gap: silence is not a failure to meet a target.
func riskOf(c *Customer, a *customerAcc) riskInput {
	r := riskInput{
		incidents:  c.Incidents[0] + c.Incidents[1],
		open:       a.open,
		openOver7d: a.openOver7d,
	}
	w30 := windowIndex("30d")
	for _, s := range c.SLAs {
		for p := range s.Breached {
			r.breached += s.Breached[p]
			r.atRisk += s.AtRisk[p]
		}
		if w30 < 0 {
			continue
		}
		if ratio, ok := s.Compliance(w30); ok {
			r.gap = max(r.gap, s.Target-ratio)
		}
	}
	if i := windowIndex("7d"); i >= 0 {
		r.created7, r.resolved7 = c.Trends[i].Created, c.Trends[i].Resolved
	}
	if w30 >= 0 {
		r.good30 = c.Trends[w30].CSATGood
		r.responses30 = r.good30 + c.Trends[w30].CSATBad
	}
	return r
}

// factors returns each factor's value in [0, 1], by factor name.
func (r riskInput) factors() map[string]float64 {
	f := map[string]float64{
		catalog.FactorBreached:      clamp01(r.breached / riskBreachedCap),
		catalog.FactorAtRisk:        clamp01(r.atRisk / riskAtRiskCap),
		catalog.FactorComplianceGap: clamp01(r.gap / riskGapCap),
		catalog.FactorIncidents:     clamp01(r.incidents / riskIncidentsCap),
		catalog.FactorBacklogGrowth: clamp01((r.created7 - r.resolved7) / max(r.created7, riskGrowthFloor)),
		catalog.FactorCSAT:          0,
		catalog.FactorAgeing:        0,
	}
	if r.responses30 > 0 {
		f[catalog.FactorCSAT] = clamp01((riskCSATGoal - r.good30/r.responses30) / riskCSATCap)
	}
	if r.open > 0 {
		f[catalog.FactorAgeing] = r.openOver7d / r.open
	}
	return f
}

// score weighs the factors: each factor's points are its value times its weight (a factor
// without a weight scores 0; config supplies the defaults), and the score is their sum clamped
// to [0, 100]. Every factor is present in the returned points.
func (r riskInput) score(weights map[string]float64) (float64, map[string]float64) {
	points := r.factors()
	total := 0.0
	for _, name := range catalog.Factors { // a fixed order keeps the float sum reproducible
		points[name] *= weights[name]
		total += points[name]
	}
	return min(max(total, 0), 100), points
}

func clamp01(v float64) float64 { return min(max(v, 0), 1) }
