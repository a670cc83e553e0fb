//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/category"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/history"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/internal/demo/sim"
	"github.com/custops/custops/report"
)

// browse loads url in headless Chromium and returns the DOM it built and every console message
// it logged (a report has no script, so any message is an error: a blocked load, a CSP
// violation). Chromium writes console messages to its log as INFO:CONSOLE lines.
func browse(t *testing.T, url string, args ...string) (dom string, console []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--enable-logging=stderr", "--v=0", "--user-data-dir=" + t.TempDir(), "--dump-dom"}
	cmd := exec.CommandContext(ctx, chromium(t), append(append(base, args...), url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", url, err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line)
		}
	}
	return stdout.String(), console
}

var (
	chartRE = regexp.MustCompile(`(?s)<svg class="(?:chart|spark)" data-chart="([^"]+)" data-points="(\d+)".*?</svg>`)
	pointRE = regexp.MustCompile(`class="pt"[^>]*?data-value="([^"]*)"`)
)

// charts reads every chart of a DOM: its declared point count and the values of the point
// elements the browser built.
func charts(dom string) map[string]struct {
	declared int
	values   []string
} {
	out := map[string]struct {
		declared int
		values   []string
	}{}
	for _, m := range chartRE.FindAllStringSubmatch(dom, -1) {
		n, _ := strconv.Atoi(m[2])
		var vals []string
		for _, p := range pointRE.FindAllStringSubmatch(m[0], -1) {
			vals = append(vals, p[1])
		}
		out[m[1]] = struct {
			declared int
			values   []string
		}{n, vals}
	}
	return out
}

// num writes a number as the pages write data-value.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// storeView opens the report store and computes the view custops report computed.
func storeView(t *testing.T, cfg *config.Config, at time.Time) *poller.View {
	t.Helper()
	st, err := store.Open(cfg.StateDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	v, err := poller.NewView(cfg, st.Tickets(), at)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestReportInBrowser writes every demo customer's report with `custops report --all
// --format=pdf` from a store synced from the demo desks (12 weeks of history), opens northwind's in
// headless Chromium and checks: every chart has one point element per value and exactly the
// history functions' numbers; the headline numbers are the history's; the browser logs nothing;
// the summary with a <script> stays text; nothing internal or of another customer shows; the
// PDF is A4 and the page, laid out at A4's printable width, overflows nothing; a customer without
// tickets gets the empty state; the index links every report; the meeting page of the same view
// logs nothing and its risk trend is history.Risk at each of the 12 week ends.
func TestReportInBrowser(t *testing.T) {
	cfgFile, cfg := reportState(t)
	dir := t.TempDir()
	cmd := exec.Command(buildCustops(t), "report", "--config.file="+cfgFile, "--all", "--format=pdf",
		"--chromium="+chromium(t), "--out="+dir, "--at="+reportAt.Format(time.RFC3339))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("custops report --all: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), fmt.Sprintf("wrote %d reports", len(cfg.Customers))) {
		t.Errorf("custops report --all said %q", stdout.String())
	}

	id := sim.BreachingCustomer
	zone := cfg.Zone(id)
	week := history.LastComplete(reportAt, zone)
	page := filepath.Join(dir, id+"-"+week.String()+".html")
	dom, console := browse(t, "file://"+page)
	if len(console) > 0 {
		t.Errorf("the browser logged on the report:\n%s", strings.Join(console, "\n"))
	}

	// What the history functions say, computed here from the same store at the same instant.
	v := storeView(t, cfg, reportAt)
	weeks := history.Compute(history.Input{
		Tickets: v.TicketsOf(id), Zone: zone, Now: reportAt, Official: cfg.OfficialChannels,
		Category: category.New(cfg).Of, SLAs: cfg.Policy(id).SLANames(),
	}, week, 12)
	if weeks[11].Created == 0 || weeks[0].Created == 0 {
		t.Fatalf("the demo history does not cover the 12 weeks: %d created in %s, %d in %s", weeks[0].Created, weeks[0].Week, weeks[11].Created, weeks[11].Week)
	}
	per := func(f func(history.Weekly) float64) []string {
		var out []string
		for _, w := range weeks {
			if x := f(w); !math.IsNaN(x) {
				out = append(out, num(x))
			}
		}
		return out
	}
	ratioOr := func(r float64, ok bool) float64 {
		if !ok {
			return math.NaN()
		}
		return r
	}
	median := func(tm history.Timing) float64 {
		if tm.Count == 0 {
			return math.NaN()
		}
		return tm.Median.Seconds()
	}
	interleave := func(a, b func(history.Weekly) float64) []string {
		var out []string
		for _, w := range weeks {
			out = append(out, num(a(w)), num(b(w)))
		}
		return out
	}
	stacked := func() []string {
		var out []string
		for _, w := range weeks {
			for _, n := range w.Backlog {
				out = append(out, num(float64(n)))
			}
		}
		return out
	}
	want := map[string][]string{
		"flow":           interleave(func(w history.Weekly) float64 { return float64(w.Created) }, func(w history.Weekly) float64 { return float64(w.Resolved) }),
		"backlog":        stacked(),
		"csat":           per(func(w history.Weekly) float64 { return ratioOr(w.CSATRatio()) }),
		"official":       per(func(w history.Weekly) float64 { return ratioOr(w.OfficialRatio()) }),
		"first-response": per(func(w history.Weekly) float64 { return median(w.FirstResponse) }),
		"resolution":     per(func(w history.Weekly) float64 { return median(w.Resolution) }),
	}
	for _, name := range cfg.Policy(id).SLANames() {
		want["sla-"+strings.ReplaceAll(name, "_", "-")] = per(func(w history.Weekly) float64 {
			s, _ := w.SLA(name)
			return ratioOr(s.Ratio())
		})
	}
	got := charts(dom)
	for chartID, values := range want {
		c, ok := got[chartID]
		switch {
		case !ok:
			t.Errorf("the page has no chart %s", chartID)
		case c.declared != len(values) || len(c.values) != len(values):
			t.Errorf("chart %s: %d points declared, %d drawn; the history has %d", chartID, c.declared, len(c.values), len(values))
		case strings.Join(c.values, " ") != strings.Join(values, " "):
			t.Errorf("chart %s: page %v, history %v", chartID, c.values, values)
		}
	}
	for name, c := range got {
		if c.declared != len(c.values) {
			t.Errorf("chart %s declares %d points and draws %d", name, c.declared, len(c.values))
		}
	}

	w := weeks[11]
	official, _ := w.OfficialRatio()
	for headline, value := range map[string]string{
		"created": num(float64(w.Created)), "resolved": num(float64(w.Resolved)),
		"backlog": num(float64(w.BacklogTotal())), "official": num(official),
	} {
		if !strings.Contains(dom, fmt.Sprintf(`data-headline="%s" data-value="%s"`, headline, value)) {
			t.Errorf("headline %s is not the history's %s", headline, value)
		}
	}

	if strings.Contains(dom, "<script") || !strings.Contains(dom, "&lt;script&gt;document.title=\"owned\"&lt;/script&gt; Card &lt;b&gt;declines&lt;/b&gt;") {
		t.Errorf("the summary with markup did not stay text")
	}
	if strings.Contains(dom, "<title>owned</title>") {
		t.Errorf("the summary's script ran")
	}
	var forbidden []string
	for _, c := range sim.DemoCustomers() {
		forbidden = append(forbidden, c.CSM)
		if c.ID != id {
			forbidden = append(forbidden, c.Name, c.Organization, c.Domain)
		}
	}
	for _, f := range append(forbidden, "Risk score", "risk-factors") {
		if f != "" && strings.Contains(dom, f) {
			t.Errorf("the customer report of %s shows %q", id, f)
		}
	}

	checkA4(t, page, strings.TrimSuffix(page, ".html")+".pdf")

	// The meeting page of the same view: its risk trend is history.Risk at each week's end.
	m, err := report.MeetingFromView(v, id, report.MeetingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	meeting := filepath.Join(dir, id+"-meeting.html")
	f, err := os.Create(meeting)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.HTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	mdom, mconsole := browse(t, "file://"+meeting)
	if len(mconsole) > 0 {
		t.Errorf("the browser logged on the meeting page:\n%s", strings.Join(mconsole, "\n"))
	}
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		t.Fatal(err)
	}
	in := history.RiskInput{Tickets: v.TicketsOf(id), Policy: cfg.Policy(id), Calendars: cals, Weights: cfg.Risk.Weights}
	var risks []string
	current := history.WeekOf(reportAt, zone)
	for i := range 12 {
		until := current.Add(i - 11).End
		if until.After(reportAt) {
			until = reportAt
		}
		score, _ := history.Risk(in, until)
		risks = append(risks, num(score))
	}
	if c := charts(mdom)["risk"]; c.declared != 12 || strings.Join(c.values, " ") != strings.Join(risks, " ") {
		t.Errorf("the meeting page's risk trend: %d points %v; history.Risk %v", c.declared, c.values, risks)
	}

	quiet := filepath.Join(dir, quietCustomer+"-"+history.LastComplete(reportAt, cfg.Zone(quietCustomer)).String()+".html")
	qdom, qconsole := browse(t, "file://"+quiet)
	if !strings.Contains(qdom, `<section id="empty-state">`) || !strings.Contains(qdom, "No tickets from Quiet Co yet.") || len(qconsole) > 0 {
		t.Errorf("the customer without tickets has no clear empty state (console %v)", qconsole)
	}

	idx, iconsole := browse(t, "file://"+filepath.Join(dir, "index.html"))
	if n := strings.Count(idx, `<tr data-customer=`); n != len(cfg.Customers) || !strings.Contains(idx, `href="`+filepath.Base(page)+`"`) || len(iconsole) > 0 {
		t.Errorf("the index lists %d customers, want %d with links", n, len(cfg.Customers))
	}
	if dir := os.Getenv("CUSTOPS_SCREENSHOT_DIR"); dir != "" {
		b, _ := os.ReadFile(strings.TrimSuffix(page, ".html") + ".pdf")
		_ = os.WriteFile(filepath.Join(dir, id+"-report.pdf"), b, 0o644)
		_ = os.WriteFile(filepath.Join(dir, id+"-report.html"), []byte(dom), 0o644)
	}
}

// a4ContentPx is the printable width of an A4 page with the report's 11 mm margins, in CSS
// pixels (96 per inch): 188 mm.
const a4ContentPx = 710

// checkA4 checks the printed PDF is A4 portrait, and that the page laid out at A4's printable
// width, with its print rules applied, puts nothing beyond the right edge. The measuring copy
// has a script, which the report's own Content-Security-Policy would rightly refuse.
func checkA4(t *testing.T, page, pdf string) {
	t.Helper()
	b, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("%s is not a PDF", pdf)
	}
	// A4 is 210 x 297 mm: about 595 x 842 points (Chromium writes 594.96 x 841.92).
	if !regexp.MustCompile(`/MediaBox \[0 0 59[45]\.9\d* 841\.9\d*\]`).Match(b) {
		t.Errorf("the PDF's pages are not A4: %s", regexp.MustCompile(`/MediaBox \[[^\]]*\]`).Find(b))
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	s := regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`).ReplaceAllString(string(html), "")
	s = strings.Replace(s, "@media print {", "@media all {", 1)
	s = strings.Replace(s, "</body>", `<script>
const w = document.documentElement.clientWidth, bad = [];
for (const el of document.querySelectorAll("body *")) {
  const r = el.getBoundingClientRect();
  if (r.right > w + 0.5) bad.push(el.tagName + "." + el.getAttribute("class") + "#" + el.id + " right " + Math.round(r.right));
}
document.body.setAttribute("data-overflow", JSON.stringify({w: w, scroll: document.documentElement.scrollWidth, bad: bad.slice(0, 10)}));
</script></body>`, 1)
	measure := filepath.Join(t.TempDir(), "measure.html")
	if err := os.WriteFile(measure, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	dom, _ := browse(t, "file://"+measure, fmt.Sprintf("--window-size=%d,1100", a4ContentPx))
	m := regexp.MustCompile(`data-overflow="([^"]*)"`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the measuring script did not run")
	}
	var got struct {
		W, Scroll int
		Bad       []string
	}
	if err := json.Unmarshal([]byte(strings.ReplaceAll(m[1], "&quot;", `"`)), &got); err != nil {
		t.Fatalf("measurements %q: %v", m[1], err)
	}
	if got.Scroll > got.W || len(got.Bad) > 0 {
		t.Errorf("at A4's printable width (%dpx) the page is %dpx wide; beyond the edge: %v", got.W, got.Scroll, got.Bad)
	}
}

// TestReportLive loads the exporter's live report and meeting pages of the demo in headless
// Chromium: every chart draws the points it declares, the browser logs nothing, the meeting page
// has the risk trend of 12 weeks; with a desk taken down both show a banner naming it and when it
// was last fetched, and with the desk back they do not (issue 14).
func TestReportLive(t *testing.T) {
	// A 5s poll: Zendesk's pacing of its incremental export (10 requests a minute) keeps a 1s
	// poll from succeeding every second, which would rightly show as stale after 3 intervals.
	base := startDemo(t, "--demo.scenario=breach-soon", "--demo.poll-interval=5s")
	for _, path := range []string{"/customers/northwind/report", "/customers/northwind/report?audience=internal", "/customers/northwind/meeting"} {
		dom, console := browse(t, base+path)
		if len(console) > 0 {
			t.Errorf("%s: the browser logged:\n%s", path, strings.Join(console, "\n"))
		}
		cs := charts(dom)
		if len(cs) == 0 {
			t.Errorf("%s: no chart", path)
		}
		for name, c := range cs {
			if c.declared != len(c.values) {
				t.Errorf("%s: chart %s declares %d points and draws %d", path, name, c.declared, len(c.values))
			}
		}
		if m := regexp.MustCompile(`role="alert">([^<]*)`).FindStringSubmatch(dom); m != nil {
			t.Errorf("%s: a banner with every desk up: %s", path, m[1])
		}
		if strings.HasSuffix(path, "meeting") {
			if c := cs["risk"]; c.declared != 12 {
				t.Errorf("the meeting page's risk trend has %d points, want 12", c.declared)
			}
			for _, want := range []string{`id="list-new-breaches"`, `id="list-at-risk-now"`, `<table id="factor-trend">`} {
				if !strings.Contains(dom, want) {
					t.Errorf("the meeting page lacks %s", want)
				}
			}
		}
	}

	put(t, base+"/-/demo/sources/jsm/down")
	banner := regexp.MustCompile(`jsm is down: its last successful fetch was at [^<]+ \(\d`)
	for _, path := range []string{"/customers/northwind/report", "/customers/northwind/meeting"} {
		waitFor(t, "the banner on "+path, 90*time.Second, func() (bool, error) {
			dom, _ := browse(t, base+path)
			return banner.MatchString(dom) && strings.Contains(dom, `data-source="jsm" data-status="down"`), nil
		})
	}
	put(t, base+"/-/demo/sources/jsm/up")
	waitFor(t, "the banner gone", 90*time.Second, func() (bool, error) {
		dom, _ := browse(t, base+"/customers/northwind/report")
		return !strings.Contains(dom, `role="alert"`) && strings.Contains(dom, `data-source="jsm" data-status="fresh"`), nil
	})
}
