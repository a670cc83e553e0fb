package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/human"
)

//go:embed templates/report.html
var templateFS embed.FS

// stateTitles name the open states the way the customer reads them.
var stateTitles = map[ticket.State]string{
	ticket.StateNew:             "New",
	ticket.StateInProgress:      "In progress",
	ticket.StateWaitingCustomer: "Waiting for you",
	ticket.StateWaitingPartner:  "Waiting for a third party",
}

// ageTitles name the age buckets, in catalog.AgeBuckets order.
var ageTitles = map[string]string{
	"lt_1d":  "Under 1 day",
	"1d_3d":  "1 to 3 days",
	"3d_7d":  "3 to 7 days",
	"7d_30d": "7 to 30 days",
	"gt_30d": "Over 30 days",
}

// ticketStateTitles name the ticket list's states.
var ticketStateTitles = map[string]string{
	StateBreached:         "breached",
	StateAtRisk:           "at risk",
	StateBreachedThisWeek: "breached this week",
}

// parseTemplate parses the embedded page; html/template escapes every ticket summary and name.
func parseTemplate() (*template.Template, error) {
	return template.New("report.html").Funcs(template.FuncMap{
		"percent":   percent,
		"duration":  human.Duration,
		"datetime":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04 UTC") },
		"date":      func(t time.Time) string { return t.UTC().Format("Mon 2 Jan 2006") },
		"score":     func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
		"title":     title,
		"slaTitle":  slaTitle,
		"ageTitle":  func(name string) string { return ageTitles[name] },
		"tsTitle":   func(s string) string { return ticketStateTitles[s] },
		"states":    stateHeaders,
		"buckets":   func() []catalog.AgeBucket { return catalog.AgeBuckets },
		"priority":  strings.ToUpper,
		"windowTag": windowTag,
		"windows":   func() []string { return reportWindows },
		"widthOf":   func(v, of float64) float64 { return min(max(v/of*100, 0), 100) },
	}).ParseFS(templateFS, "templates/report.html")
}

// HTML writes the report as one self-contained HTML page: inline CSS and SVG, no scripts, no
// external assets, laid out for A4 when printed.
func (r Report) HTML(w io.Writer) error {
	t, err := parseTemplate()
	if err != nil {
		return fmt.Errorf("report: parsing the template: %w", err)
	}
	// Render into a buffer first, so a template error never leaves half a page behind.
	var buf bytes.Buffer
	if err := t.Execute(&buf, r); err != nil {
		return fmt.Errorf("report: rendering: %w", err)
	}
	_, err = buf.WriteTo(w)
	return err
}

func stateHeaders() []string {
	out := make([]string, len(ticket.OpenStates))
	for i, s := range ticket.OpenStates {
		out[i] = stateTitles[s]
	}
	return out
}

// windowTag writes a window label for people: 7d -> last 7 days.
func windowTag(w string) string {
	if n, ok := strings.CutSuffix(w, "d"); ok {
		return "last " + n + " days"
	}
	return w
}

// title capitalizes a tier name: gold -> Gold.
func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Bar is one bar of an inline SVG bar chart.
type Bar struct {
	Label string
	Value int
	Width float64 // percent of the longest bar
}

// AgeBars charts a backlog row's age buckets.
func (b BacklogRow) AgeBars() []Bar {
	labels := make([]string, len(catalog.AgeBuckets))
	for i, a := range catalog.AgeBuckets {
		labels[i] = ageTitles[a.Name]
	}
	return bars(labels, b.ByAge[:])
}

// Bars charts a window's created, resolved and reopened tickets.
func (f Flow) Bars() []Bar {
	return bars([]string{"Created", "Resolved", "Reopened"}, []int{f.Created, f.Resolved, f.Reopened})
}

// bars pairs labels with values and scales them to the largest value.
func bars(labels []string, values []int) []Bar {
	out := make([]Bar, len(values))
	biggest := 0
	for i, v := range values {
		out[i] = Bar{Label: labels[i], Value: v}
		biggest = max(biggest, v)
	}
	for i := range out {
		if biggest > 0 {
			out[i].Width = float64(out[i].Value) * 100 / float64(biggest)
		}
	}
	return out
}
