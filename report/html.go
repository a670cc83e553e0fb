package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/internal/human"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are parsed once: html/template escapes every summary, name and category.
var pages = template.Must(template.New("").Funcs(template.FuncMap{
	"raw":    rawValue,
	"score":  score,
	"notice": func(b string) bool { return strings.HasPrefix(b, noticePrefix) },
}).ParseFS(templateFS, "templates/*.html"))

// noticePrefix starts the banner of a report made from the store: information, not an alarm.
const noticePrefix = "Produced from the stored data"

// rawValue writes a number for a data-value attribute: exact, empty when missing.
func rawValue(f float64) string {
	if math.IsNaN(f) {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// render executes a page into a buffer first, so a template error never leaves half a page.
func render(w io.Writer, name string, data any) error {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("report: rendering %s: %w", name, err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// HTML writes the report as one self-contained page: inline CSS and SVG, no script, nothing
// loaded from elsewhere, laid out for A4 when printed.
func (r *Report) HTML(w io.Writer) error { return render(w, "report.html", r) }

// HTML writes the meeting page.
func (m *Meeting) HTML(w io.Writer) error { return render(w, "meeting.html", m) }

// Time writes an instant in the customer's zone, with the zone's abbreviation.
func (r *Report) Time(t time.Time) string { return human.Time(t, r.Zone, r.DateLayout) }

// Date writes a day in the customer's date format.
func (r *Report) Date(t time.Time) string { return human.Date(t, r.Zone, r.DateLayout) }

// ZoneName names the customer's zone with its offset at the report's week.
func (r *Report) ZoneName() string { return human.Zone(r.Zone, r.Week.Start) }

// Time writes an instant in the customer's zone.
func (m *Meeting) Time(t time.Time) string { return human.Time(t, m.Zone, m.DateLayout) }

// ZoneName names the customer's zone with its offset now.
func (m *Meeting) ZoneName() string { return human.Zone(m.Zone, m.At) }

// WeekEnd is the instant the week's lists and backlog are as of: its end, or now for a week that
// has not ended.
func (r *Report) WeekEnd() time.Time { return r.Weeks[len(r.Weeks)-1].Until }

// Index is the page `custops report --all` writes beside the reports.
type Index struct {
	Title    string
	Week     string // the week asked for, or "the last complete week"
	Produced string
	Entries  []IndexEntry
}

// IndexEntry is one customer's line: its report files, or why there is none.
type IndexEntry struct {
	ID, Name, Week string
	File, PDF      string
	Error          string
}

// HTML writes the index page.
func (x *Index) HTML(w io.Writer) error {
	if x.Title == "" {
		x.Title = "Weekly support reports"
	}
	return render(w, "index.html", x)
}
