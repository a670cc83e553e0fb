package report

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/custops/custops/collector/history"
	"github.com/custops/custops/internal/human"
	"github.com/custops/custops/report/chart"
)

// Chart is one drawn chart with its heading and what it shows.
type Chart struct {
	ID, Title, Note string
	SVG             template.HTML
}

// weekLabels are the charts' x labels: W37 .. W48 (the year is in the page's heading).
func weekLabels(weeks []history.Weekly) []string {
	out := make([]string, len(weeks))
	for i, w := range weeks {
		out[i] = fmt.Sprintf("W%02d", w.Week.Num)
	}
	return out
}

// series collects one number per week; f returns NaN for a week without one.
func series(weeks []history.Weekly, f func(history.Weekly) float64) []float64 {
	out := make([]float64, len(weeks))
	for i, w := range weeks {
		out[i] = f(w)
	}
	return out
}

// charts draws the 12 weeks: compliance per SLA against its target, created vs resolved, the
// backlog at each week's end by priority, satisfaction, the official-channel share and the median
// times.
func (c *customerContext) charts(weeks []history.Weekly) []Chart {
	labels := weekLabels(weeks)
	last := weeks[len(weeks)-1]
	var out []Chart
	for _, s := range last.SLAs {
		name := s.Name
		title := human.SLA(name) + " on time"
		ch := chart.Chart{
			ID: "sla-" + chartID(name), Title: title + ", per week", Labels: labels, Unit: chart.Ratio,
			Series: []chart.Series{{Name: title, Values: series(weeks, func(w history.Weekly) float64 {
				r, ok := mustSLA(w, name).Ratio()
				return ratio(r, ok)
			})}},
			HasTarget: true, Target: c.policy.ComplianceTarget, TargetLabel: "Target " + human.Percent(c.policy.ComplianceTarget),
		}
		out = append(out, Chart{ID: ch.ID, Title: title, SVG: ch.Line(),
			Note: "Share of SLA clocks that stopped in the week within their goal, against the contract's target (dashed). No point: no clock stopped that week."})
	}
	flow := chart.Chart{ID: "flow", Title: "Tickets created and resolved per week", Labels: labels, Unit: chart.Count,
		Series: []chart.Series{
			{Name: "Created", Values: series(weeks, func(w history.Weekly) float64 { return float64(w.Created) })},
			{Name: "Resolved", Values: series(weeks, func(w history.Weekly) float64 { return float64(w.Resolved) })},
		}}
	out = append(out, Chart{ID: flow.ID, Title: "Created and resolved", SVG: flow.Bars(),
		Note: "More created than resolved makes the backlog grow."})
	var prios []chart.Series
	for p := range 4 {
		prios = append(prios, chart.Series{Name: fmt.Sprintf("P%d", p+1), Values: series(weeks, func(w history.Weekly) float64 { return float64(w.Backlog[p]) })})
	}
	backlog := chart.Chart{ID: "backlog", Title: "Open tickets at each week's end, by priority", Labels: labels, Unit: chart.Count, Series: prios}
	out = append(out, Chart{ID: backlog.ID, Title: "Open at each week's end", SVG: backlog.Stacked(),
		Note: "Tickets open at midnight between Sunday and Monday, by priority (P1 at the bottom)."})
	line := func(id, title, name string, u chart.Unit, note string, f func(history.Weekly) float64) Chart {
		ch := chart.Chart{ID: id, Title: title, Labels: labels, Unit: u, Series: []chart.Series{{Name: name, Values: series(weeks, f)}}}
		return Chart{ID: id, Title: title, Note: note, SVG: ch.Line()}
	}
	out = append(out,
		line("csat", "Satisfied", "Good answers", chart.Ratio, "Share of good answers among the satisfaction answers of the week.",
			func(w history.Weekly) float64 { return ratio(w.CSATRatio()) }),
		line("official", "Through official channels", "Official channels", chart.Ratio,
			"Share of the week's new tickets raised through the official channels ("+channelList(c.cfg.OfficialChannels)+").",
			func(w history.Weekly) float64 { return ratio(w.OfficialRatio()) }),
		line("first-response", "Median first response", "First response", chart.Seconds,
			"Median time from creation to the first answer, of the tickets first answered in the week.",
			func(w history.Weekly) float64 { return timingValue(w.FirstResponse) }),
		line("resolution", "Median resolution", "Resolution", chart.Seconds,
			"Median time from creation to resolution, of the resolutions in the week.",
			func(w history.Weekly) float64 { return timingValue(w.Resolution) }),
	)
	return out
}

// mustSLA is a week's counts of an SLA, zero when it had none.
func mustSLA(w history.Weekly, name string) history.SLAWeek {
	s, _ := w.SLA(name)
	return s
}

// chartID turns a name into an id fragment: [a-z0-9-].
func chartID(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// Themes is the support themes table: the top categories over the 12 weeks and other.
type Themes struct {
	Enabled bool
	Top     int // top_categories
	Rows    []ThemeRow
}

// ThemeRow is one category's new tickets: this week, the week before, the 12 weeks.
type ThemeRow struct {
	Name       string
	ThisWeek   int
	LastWeek   int
	Total      int
	Change     Change
	Sparkline  template.HTML
	PerWeek    []int
	IsOther    bool
	IsUnsorted bool
}

// themesOf ranks the categories over the weeks (history.Themes) for the table.
func themesOf(weeks []history.Weekly, top int) Themes {
	t := Themes{Enabled: true, Top: top}
	for i, th := range history.Themes(weeks, top) {
		n := len(th.PerWeek)
		values := make([]float64, n)
		for j, v := range th.PerWeek {
			values[j] = float64(v)
		}
		row := ThemeRow{
			Name: categoryTitle(th.Name), ThisWeek: th.PerWeek[n-1], LastWeek: th.PerWeek[n-2], Total: th.Total,
			PerWeek: th.PerWeek, IsOther: th.Name == categoryOther, IsUnsorted: th.Name == categoryUncategorized,
			Change:    change(float64(th.PerWeek[n-1]), float64(th.PerWeek[n-2]), count, neutral),
			Sparkline: chart.Spark(fmt.Sprintf("theme-%d", i), categoryTitle(th.Name)+": tickets per week", values),
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// channelList writes the official channels for people: portal, email and API.
func channelList[S ~string](chs []S) string {
	words := make([]string, len(chs))
	for i, ch := range chs {
		words[i] = channelWords[string(ch)]
		if words[i] == "" {
			words[i] = string(ch)
		}
	}
	switch len(words) {
	case 0:
		return "none"
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

var channelWords = map[string]string{
	"portal": "the portal", "email": "email", "api": "the API", "chat": "chat", "phone": "phone",
	"agent": "raised by an agent", "other": "other channels",
}
