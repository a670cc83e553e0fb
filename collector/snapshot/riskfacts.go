package snapshot

// RiskFacts is the raw material of a customer's risk score, for readers that measure it at an
// instant the snapshot did not (collector/history's weekly risk trend), so the formula stays in
// one place (risk.go, docs/risk-score.md).
type RiskFacts struct {
	Breached, AtRisk    float64 // running clocks of open tickets, every SLA and priority
	Gap                 float64 // max over SLAs of target - 30d compliance, at least 0
	Incidents           float64 // open P1 and P2 incidents
	Created7, Resolved7 float64
	Good30, Responses30 float64 // CSAT over 30d
	Open, OpenOver7d    float64
}

// RiskScore weighs facts with the snapshot's formula: the score (0..100) and each factor's points.
func RiskScore(f RiskFacts, weights map[string]float64) (float64, map[string]float64) {
	return riskInput{
		breached: f.Breached, atRisk: f.AtRisk, gap: f.Gap, incidents: f.Incidents,
		created7: f.Created7, resolved7: f.Resolved7, good30: f.Good30, responses30: f.Responses30,
		open: f.Open, openOver7d: f.OpenOver7d,
	}.score(weights)
}
