package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/history"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/internal/human"
	"github.com/custops/custops/links"
	"github.com/custops/custops/report/chart"
)

// InternalPart is what only the account team reads: the account manager, the risk score now
// with its factors and the facts behind them, the risk trend over the weeks, and notes.
type InternalPart struct {
	CSM, Tier string
	Risk      Risk
	Trend     Chart // the risk score at each week's end
	Notes     []string
	Meeting   string // the meeting page's path
}

// Risk is the customer's risk score now and what it is made of.
type Risk struct {
	Score   float64
	Factors []Factor // catalog.Factors order
}

// Factor is one risk factor: the points it contributed, out of its weight, and the fact behind
// it in plain words.
type Factor struct {
	Name, Title, Why string
	Points, Weight   float64
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

// internal builds the account team's part from the view's snapshot of the customer (its risk
// now) and the weekly history (its trend).
func (c *customerContext) internal() *InternalPart {
	p := &InternalPart{CSM: c.customer.CSM, Tier: c.customer.Tier, Meeting: links.CustomerMeeting("", c.customer.ID)}
	if s, ok := c.view.Customer(c.customer.ID); ok {
		p.Risk = riskOf(s, c.cfg.Risk.Weights)
		p.Notes = notes(s)
	}
	return p
}

// riskTrend is the risk score at the end of each of the weeks (history.Risk), with each
// factor's points.
func (c *customerContext) riskTrend(weeks []history.Weekly) (Chart, []map[string]float64) {
	in := history.RiskInput{Tickets: c.tickets, Policy: c.policy, Calendars: c.cals, Weights: c.cfg.Risk.Weights}
	scores := make([]float64, len(weeks))
	points := make([]map[string]float64, len(weeks))
	for i, w := range weeks {
		scores[i], points[i] = history.Risk(in, w.Until)
	}
	ch := chart.Chart{ID: "risk", Title: "Risk score at each week's end", Labels: weekLabels(weeks), Unit: chart.Count,
		Series: []chart.Series{{Name: "Risk score", Values: scores}}}
	return Chart{ID: "risk", Title: "Risk score at each week's end", SVG: ch.Line(),
		Note: "0 is nothing wrong, 100 every factor at its cap (docs/risk-score.md), reconstructed at each week's end."}, points
}

// riskOf takes the score and points from the snapshot and explains each factor with its numbers.
func riskOf(c *snapshot.Customer, weights map[string]float64) Risk {
	out := Risk{Score: c.Risk}
	for _, name := range catalog.Factors {
		out.Factors = append(out.Factors, Factor{
			Name: name, Title: factorTitles[name], Why: why(c, name),
			Points: c.RiskFactors[name], Weight: weights[name],
		})
	}
	return out
}

// why states the fact behind a factor, from the snapshot's numbers.
func why(c *snapshot.Customer, factor string) string {
	trend := func(window string) snapshot.Trend {
		for _, t := range c.Trends {
			if t.Window == window {
				return t
			}
		}
		return snapshot.Trend{}
	}
	switch factor {
	case catalog.FactorBreached, catalog.FactorAtRisk:
		n := 0.0
		for _, s := range c.SLAs {
			for p := range s.Breached {
				if factor == catalog.FactorBreached {
					n += s.Breached[p]
				} else {
					n += s.AtRisk[p]
				}
			}
		}
		what := "past the goal"
		if factor == catalog.FactorAtRisk {
			what = "close to the goal"
		}
		if n == 0 {
			return "No open ticket's SLA clock is " + what + "."
		}
		return fmt.Sprintf("%s on open tickets %s %s.", plural(int(n), "SLA clock", "SLA clocks"), isAre(int(n)), what)
	case catalog.FactorComplianceGap:
		worst, gap, completed := "", 0.0, false
		w30 := slicesIndex(catalog.Window30d)
		for _, s := range c.SLAs {
			if r, ok := s.Compliance(w30); ok {
				completed = true
				if g := s.Target - r; g > gap {
					worst, gap = fmt.Sprintf("%s compliance was %s against a target of %s", human.SLA(s.Name), human.Percent(r), human.Percent(s.Target)), g
				}
			}
		}
		switch {
		case !completed:
			return "No SLA clock stopped in the last 30 days: nothing to compare with the targets."
		case worst == "":
			return "Every SLA met its target over the last 30 days."
		}
		return worst + " over the last 30 days."
	case catalog.FactorIncidents:
		n := int(c.Incidents[0] + c.Incidents[1])
		if n == 0 {
			return "No P1 or P2 incident is open."
		}
		return fmt.Sprintf("%s %s open.", plural(n, "P1 or P2 incident", "P1 or P2 incidents"), isAre(n))
	case catalog.FactorBacklogGrowth:
		t := trend(catalog.Window7d)
		s := fmt.Sprintf("%s created and %d resolved in the last 7 days; ", plural(int(t.Created), "ticket", "tickets"), int(t.Resolved))
		if t.Created > t.Resolved {
			return s + fmt.Sprintf("the backlog grew by %d.", int(t.Created-t.Resolved))
		}
		return s + "the backlog did not grow."
	case catalog.FactorCSAT:
		t := trend(catalog.Window30d)
		n := int(t.CSATGood + t.CSATBad)
		if n == 0 {
			return "No satisfaction answer in the last 30 days."
		}
		return fmt.Sprintf("%d of %s in the last 30 days were good (%s).", int(t.CSATGood), plural(n, "satisfaction answer", "satisfaction answers"), human.Percent(t.CSATGood/float64(n)))
	case catalog.FactorAgeing:
		open, old := 0.0, 0.0
		for p := range c.Age {
			for b, n := range c.Age[p] {
				open += n
				if b >= 3 { // 7d_30d and gt_30d
					old += n
				}
			}
		}
		if open == 0 {
			return "No ticket is open."
		}
		return fmt.Sprintf("%d of %s %s 7 days old or older.", int(old), plural(int(open), "open ticket", "open tickets"), isAre(int(old)))
	}
	return ""
}

// notes are what the account team should know besides the factors.
func notes(c *snapshot.Customer) []string {
	var out []string
	if n := c.Escalated[0] + c.Escalated[1] + c.Escalated[2] + c.Escalated[3]; n > 0 {
		out = append(out, fmt.Sprintf("%s escalated now.", plural(int(n), "ticket is", "tickets are")))
	}
	return out
}

// slicesIndex is the index of a window in catalog.Windows.
func slicesIndex(name string) int {
	for i, w := range catalog.Windows {
		if w.Name == name {
			return i
		}
	}
	return -1
}

func plural(n int, one, many string) string {
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

// score writes risk points with one decimal.
func score(f float64) string {
	if math.IsNaN(f) {
		return "–"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", f), ".0")
}
