package report

import (
	"fmt"
	"strings"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/snapshot"
)

// Risk is the customer's risk score and what it is made of.
type Risk struct {
	Score   float64  // 0..100, the snapshot's
	Factors []Factor // catalog.Factors order
}

// Factor is one risk factor: the points it contributed, out of its weight, and the fact behind
// it in plain words.
type Factor struct {
	Name   string // the `factor` label
	Title  string
	Why    string
	Points float64
	Weight float64
}

// factorTitles say what each factor measures, for a reader who has not seen docs/risk-score.md.
var factorTitles = map[string]string{
	catalog.FactorBreached:      "SLA breaches on open tickets",
	catalog.FactorAtRisk:        "Tickets close to an SLA breach",
	catalog.FactorComplianceGap: "SLA compliance below target (30 days)",
	catalog.FactorIncidents:     "Open P1 and P2 incidents",
	catalog.FactorBacklogGrowth: "Backlog growth (7 days)",
	catalog.FactorCSAT:          "Customer satisfaction (30 days)",
	catalog.FactorAgeing:        "Ageing backlog",
}

// riskOf takes the score and the points from the snapshot and explains each factor with the
// numbers the report already shows, so the explanation and the tables cannot disagree.
func riskOf(c *snapshot.Customer, r *Report, cfg *config.Config) Risk {
	out := Risk{Score: c.Risk}
	for _, name := range catalog.Factors {
		out.Factors = append(out.Factors, Factor{
			Name:   name,
			Title:  factorTitles[name],
			Why:    r.why(name),
			Points: c.RiskFactors[name],
			Weight: cfg.Risk.Weights[name],
		})
	}
	return out
}

// flow returns the report's flow of the named window.
func (r *Report) flow(window string) (Flow, bool) {
	for _, f := range r.Flow {
		if f.Window == window {
			return f, true
		}
	}
	return Flow{}, false
}

// why states the fact behind a factor.
func (r *Report) why(factor string) string {
	switch factor {
	case catalog.FactorBreached:
		if r.BreachedNow == 0 {
			return "No open ticket is past an SLA goal."
		}
		return fmt.Sprintf("%s on open tickets %s past the goal.", count(r.BreachedNow, "SLA clock", "SLA clocks"), isAre(r.BreachedNow))
	case catalog.FactorAtRisk:
		if r.AtRiskNow == 0 {
			return "No open ticket is close to an SLA goal."
		}
		return fmt.Sprintf("%s on open tickets %s close to the goal.", count(r.AtRiskNow, "SLA clock", "SLA clocks"), isAre(r.AtRiskNow))
	case catalog.FactorComplianceGap:
		return r.whyCompliance()
	case catalog.FactorIncidents:
		n := r.Incidents.ByPriority[0] + r.Incidents.ByPriority[1]
		if n == 0 {
			return "No P1 or P2 incident is open."
		}
		return fmt.Sprintf("%s %s open.", count(n, "P1 or P2 incident", "P1 or P2 incidents"), isAre(n))
	case catalog.FactorBacklogGrowth:
		f, _ := r.flow("7d")
		s := fmt.Sprintf("%s created and %d resolved in the last 7 days; ", count(f.Created, "ticket", "tickets"), f.Resolved)
		if f.Created > f.Resolved {
			return s + fmt.Sprintf("the backlog grew by %d.", f.Created-f.Resolved)
		}
		return s + "the backlog did not grow."
	case catalog.FactorCSAT:
		f, _ := r.flow("30d")
		if f.CSATResponses() == 0 {
			return "No satisfaction survey answers in the last 30 days."
		}
		return fmt.Sprintf("%d of %s in the last 30 days %s good (%s).", f.CSATGood, count(f.CSATResponses(), "satisfaction answer", "satisfaction answers"), wasWere(f.CSATGood), percent(f.CSATRatio))
	case catalog.FactorAgeing:
		old := r.Backlog.Total.ByAge[3] + r.Backlog.Total.ByAge[4] // 7d_30d and gt_30d
		if r.Backlog.Total.Open == 0 {
			return "No ticket is open."
		}
		return fmt.Sprintf("%d of %s %s 7 days old or older.", old, count(r.Backlog.Total.Open, "open ticket", "open tickets"), isAre(old))
	}
	return ""
}

// whyCompliance names the SLA furthest below its target over 30 days, the one the factor counts.
func (r *Report) whyCompliance() string {
	var worst *SLA
	var worstGap float64
	var anyCompleted bool
	for i := range r.SLAs {
		s := &r.SLAs[i]
		for _, w := range s.Window {
			if w.Window != "30d" || w.Total == 0 {
				continue
			}
			anyCompleted = true
			if gap := s.Target - w.Ratio; gap > 0 && (worst == nil || gap > worstGap) {
				worst, worstGap = s, gap
			}
		}
	}
	switch {
	case !anyCompleted:
		return "No SLA cycle completed in the last 30 days, so there is nothing to compare with the targets."
	case worst == nil:
		return "Every SLA met its target over the last 30 days."
	}
	for _, w := range worst.Window {
		if w.Window == "30d" {
			return fmt.Sprintf("%s compliance was %s against a target of %s over the last 30 days.", slaTitle(worst.Name), percent(w.Ratio), percent(worst.Target))
		}
	}
	return ""
}

// slaTitle writes an SLA name for people: first_response -> First response.
func slaTitle(name string) string {
	s := strings.ReplaceAll(name, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func wasWere(n int) string {
	if n == 1 {
		return "was"
	}
	return "were"
}

// percent writes a ratio with one decimal: 0.9512 -> 95.1%.
func percent(ratio float64) string { return fmt.Sprintf("%.1f%%", ratio*100) }
