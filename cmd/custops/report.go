package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/alecthomas/kingpin/v2"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/match"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/links"
	"github.com/custops/custops/report"
)

// reportArgs are the flags of `custops report`.
type reportArgs struct {
	config, customer, out, at, week, audience, format, chromium, from, weeklyAt string
	all                                                                         bool
}

// addReportFlags declares the report command's flags.
func addReportFlags(cmd *kingpin.CmdClause) *reportArgs {
	a := &reportArgs{}
	cmd.Flag("config.file", "custops configuration file.").Default("custops.yml").StringVar(&a.config)
	cmd.Flag("customer", "Id of the customer to report on (the customer label). Or --all.").StringVar(&a.customer)
	cmd.Flag("all", "Write every customer's report and an index.html into the --out directory.").BoolVar(&a.all)
	cmd.Flag("week", "ISO week to report, e.g. 2026-W48, in each customer's time zone. Default: the last complete week.").Default("").StringVar(&a.week)
	cmd.Flag("audience", "customer (shareable: nothing internal) or internal (adds the risk factors and notes).").Default(string(report.Customer)).EnumVar(&a.audience, string(report.Customer), string(report.Internal))
	cmd.Flag("format", "html, or pdf: the HTML page and an A4 PDF printed by headless Chromium.").Default("html").EnumVar(&a.format, "html", "pdf")
	cmd.Flag("chromium", "Chromium or Chrome binary for --format=pdf. Default: $CUSTOPS_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH.").Default("").StringVar(&a.chromium)
	cmd.Flag("out", "File to write (- for stdout); with --all, the directory. Default: <customer>-<week>.html, or the current directory.").Default("").StringVar(&a.out)
	cmd.Flag("at", "The instant the data is read at, RFC 3339. Default: now. The store holds tickets as last polled, not as they were then.").Default("").StringVar(&a.at)
	cmd.Flag("from", "URL of a running custops exporter to fetch the reports from (its /customers/<id>/report), instead of reading the store, which a running exporter locks.").Default("").StringVar(&a.from)
	cmd.Flag("weekly-at", `Keep running and write the reports every week at this local time, e.g. "Mon 06:00" (for a container without cron).`).Default("").StringVar(&a.weeklyAt)
	return a
}

// runReport writes reports as the flags say. It polls no source.
func runReport(a *reportArgs, stdout, stderr io.Writer) int {
	return reportCommand{now: time.Now, sleep: sleepCtx}.run(context.Background(), a, stdout, stderr)
}

// reportCommand carries the clock, so tests can pin "now" and the weekly schedule.
type reportCommand struct {
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// errReport is a failure already explained to the user.
type errReport struct{ msg string }

func (e errReport) Error() string { return e.msg }

func failf(format string, args ...any) error { return errReport{fmt.Sprintf(format, args...)} }

func (c reportCommand) run(ctx context.Context, a *reportArgs, stdout, stderr io.Writer) int {
	fail := func(err error) int {
		fmt.Fprintf(stderr, "custops report: %v\n", err)
		return 1
	}
	switch {
	case a.all == (a.customer != ""):
		return fail(errors.New("name one customer with --customer, or every customer with --all"))
	case a.all && a.out == "-":
		return fail(errors.New("--all writes a directory of pages: --out must be a directory, not -"))
	case a.format == "pdf" && a.out == "-":
		return fail(errors.New("--format=pdf writes files: --out cannot be -"))
	case a.weeklyAt != "" && a.week != "":
		return fail(errors.New("--weekly-at writes each week's report as it ends: leave out --week"))
	}
	var chromium string
	if a.format == "pdf" {
		var err error
		if chromium, err = findChromium(a.chromium); err != nil {
			return fail(err)
		}
	}
	if a.weeklyAt == "" {
		if err := c.once(ctx, a, chromium, stdout, stderr); err != nil {
			return fail(err)
		}
		return 0
	}
	day, hour, minute, err := parseWeekly(a.weeklyAt)
	if err != nil {
		return fail(err)
	}
	for {
		next := nextWeekly(c.now(), day, hour, minute)
		fmt.Fprintf(stdout, "next reports at %s\n", next.Format(time.RFC3339))
		if err := c.sleep(ctx, next.Sub(c.now())); err != nil {
			return 0
		}
		if err := c.once(ctx, a, chromium, stdout, stderr); err != nil {
			// A failed week is reported and the schedule goes on: next week may succeed.
			fmt.Fprintf(stderr, "custops report: %v\n", err)
		}
	}
}

// once writes the reports once: from a running exporter with --from, else from the store.
func (c reportCommand) once(ctx context.Context, a *reportArgs, chromium string, stdout, stderr io.Writer) error {
	var src pageSource
	var err error
	if a.from != "" {
		src, err = newRemoteSource(a.from)
	} else {
		src, err = c.storeSource(a, stderr)
	}
	if err != nil {
		return err
	}
	defer src.close()
	if !a.all {
		return writeOne(ctx, src, a, a.customer, chromium, stdout)
	}
	return writeAll(ctx, src, a, chromium, stdout)
}

// pageSource produces reports: from the store (a view computed here) or from a running exporter.
type pageSource interface {
	customers() ([]customerRef, error)
	// page renders one customer's report and returns it with the week it covers.
	page(ctx context.Context, id string, opts report.Options) ([]byte, string, error)
	close()
}

type customerRef struct{ ID, Name string }

// storeSource opens the store and computes one view for every report of this run.
func (c reportCommand) storeSource(a *reportArgs, stderr io.Writer) (pageSource, error) {
	cfg, err := config.Load(a.config)
	if err != nil {
		return nil, failf("%s is invalid:\n%v", a.config, err)
	}
	if a.customer != "" {
		if _, ok := cfg.CustomerByID(a.customer); !ok {
			ids := make([]string, len(cfg.Customers))
			for i, cu := range cfg.Customers {
				ids[i] = cu.ID
			}
			return nil, failf("unknown customer %q; %s lists %v", a.customer, a.config, ids)
		}
	}
	now := c.now()
	if a.at != "" {
		if now, err = time.Parse(time.RFC3339, a.at); err != nil {
			return nil, failf("--at %q is not an RFC 3339 instant such as 2026-11-27T09:00:00Z: %v", a.at, err)
		}
	}
	// Opening creates a missing store; a report must not leave an empty one behind, and an
	// empty report would hide a wrong state_dir.
	path := filepath.Join(cfg.StateDir, store.FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, failf("no store at %s: run the exporter on this config first (custops serve) so it syncs the tickets", path)
	}
	// One customer's report reads only its tickets: the others are not decoded, and their
	// snapshot and computed clocks are not computed for nothing.
	var keep store.Keep
	if a.customer != "" {
		m := match.New(cfg)
		keep = func(source string, attrs *ticket.Attributes) bool { return m.CustomerOf(source, attrs) == a.customer }
	}
	st, err := store.OpenReadOnly(cfg.StateDir, keep)
	if errors.Is(err, store.ErrLocked) {
		id := a.customer
		if id == "" {
			id = "<id>"
		}
		return nil, failf("the store in %s is in use by a running custops exporter, which holds its lock.\n"+
			"Fetch the reports from that exporter instead:\n  custops report --from=http://localhost%s --customer=%s   (or --all)\n"+
			"  curl -o %s-report.html http://localhost%s/customers/%s/report",
			cfg.StateDir, links.DefaultListenAddress, id, id, links.DefaultListenAddress, id)
	}
	if err != nil {
		return nil, failf("opening the store in %s: %v", cfg.StateDir, err)
	}
	defer func() { _ = st.Close() }() // the view holds every ticket it needs

	// An empty page handed to a customer would read as a perfect week: refuse it, and warn
	// when only some sources have data.
	names := make([]string, len(cfg.Sources))
	var unsynced []string
	for i, s := range cfg.Sources {
		names[i] = s.Name
		if !st.Synced(s.Name) {
			unsynced = append(unsynced, s.Name)
		}
	}
	if len(unsynced) == len(names) {
		return nil, failf("no source has synced into the store in %s yet: run the exporter on this config first (custops serve)", cfg.StateDir)
	}
	for _, name := range unsynced {
		fmt.Fprintf(stderr, "custops report: warning: source %q has never completed a sync in %s; its tickets are missing from the report\n", name, cfg.StateDir)
	}
	tickets := st.Tickets(names...)
	// Only the reported tickets are read: a change to another customer's ticket after --at does
	// not touch this report.
	if a.at != "" {
		var newest time.Time
		for _, t := range tickets {
			if t.Updated.After(newest) {
				newest = t.Updated
			}
		}
		if newest.After(now) {
			fmt.Fprintf(stderr, "custops report: warning: --at %s is before the newest stored change of the reported tickets (%s); the store holds tickets as last polled, not as they were at --at\n",
				now.UTC().Format(time.RFC3339), newest.UTC().Format(time.RFC3339))
		}
	}
	// The same view the exporter would serve, computed SLA clocks included: one view and one
	// instant for every report of the run.
	v, err := poller.NewView(cfg, tickets, now)
	if err != nil {
		return nil, failf("%v", err)
	}
	return viewSource{v}, nil
}

// viewSource renders reports from one view.
type viewSource struct{ v *poller.View }

func (s viewSource) customers() ([]customerRef, error) {
	out := make([]customerRef, len(s.v.Config.Customers))
	for i, c := range s.v.Config.Customers {
		out[i] = customerRef{c.ID, c.Name}
	}
	return out, nil
}

func (s viewSource) page(_ context.Context, id string, opts report.Options) ([]byte, string, error) {
	r, err := report.FromView(s.v, id, opts)
	if err != nil {
		return nil, "", err
	}
	var b strings.Builder
	if err := r.HTML(&b); err != nil {
		return nil, "", err
	}
	return []byte(b.String()), r.Week.String(), nil
}

func (viewSource) close() {}

// remoteSource fetches reports from a running exporter.
type remoteSource struct {
	base   *url.URL
	client *http.Client
}

func newRemoteSource(base string) (pageSource, error) {
	u, err := url.Parse(strings.TrimSuffix(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, failf("--from %q is not an exporter URL like http://custops:10042", base)
	}
	return remoteSource{base: u, client: &http.Client{Timeout: time.Minute}}, nil
}

func (s remoteSource) get(ctx context.Context, path string, q url.Values) ([]byte, http.Header, error) {
	u := *s.base
	u.Path += path
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, nil, failf("fetching %s: %v", u.String(), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, failf("fetching %s: %v", u.String(), err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, failf("fetching %s: %s: %s", u.String(), resp.Status, strings.TrimSpace(string(body)))
	}
	return body, resp.Header, nil
}

func (s remoteSource) customers() ([]customerRef, error) {
	body, _, err := s.get(context.Background(), "/api/v1/customers", nil)
	if err != nil {
		return nil, err
	}
	var list struct {
		Customers []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"customers"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, failf("reading the customer list of %s: %v", s.base, err)
	}
	out := make([]customerRef, len(list.Customers))
	for i, c := range list.Customers {
		out[i] = customerRef{c.ID, c.Name}
	}
	return out, nil
}

func (s remoteSource) page(ctx context.Context, id string, opts report.Options) ([]byte, string, error) {
	q := url.Values{}
	if opts.Week != "" {
		q.Set("week", opts.Week)
	}
	q.Set("audience", string(opts.Audience))
	body, _, err := s.get(ctx, "/customers/"+url.PathEscape(id)+"/report", q)
	if err != nil {
		return nil, "", err
	}
	return body, weekOfPage(body), nil
}

func (remoteSource) close() {}

// weekOfPage reads the week a served report covers from its header.
func weekOfPage(b []byte) string {
	const marker = `data-week="`
	s := string(b)
	if i := strings.Index(s, marker); i >= 0 {
		rest := s[i+len(marker):]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			return rest[:j]
		}
	}
	return "week"
}

// writeOne writes one customer's report (and its PDF).
func writeOne(ctx context.Context, src pageSource, a *reportArgs, id, chromium string, stdout io.Writer) error {
	b, week, err := src.page(ctx, id, report.Options{Week: a.week, Audience: report.Audience(a.audience)})
	if err != nil {
		return err
	}
	if a.out == "-" {
		_, err := stdout.Write(b)
		return err
	}
	out := a.out
	if out == "" {
		out = fileName(id, week, a.audience)
	}
	if err := writeFile(out, b); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: %s, week %s\n", out, id, week)
	if chromium != "" {
		pdf := strings.TrimSuffix(out, filepath.Ext(out)) + ".pdf"
		if err := printPDF(ctx, chromium, out, pdf); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", pdf)
	}
	return nil
}

// fileName names a report file: northwind-2026-W48.html, northwind-2026-W48-internal.html.
func fileName(id, week, audience string) string {
	if audience == string(report.Internal) {
		return id + "-" + week + "-internal.html"
	}
	return id + "-" + week + ".html"
}

// writeAll writes every customer's report into the directory and an index page linking them. A
// customer whose report fails is named in the index and on stderr; the others are still written.
func writeAll(ctx context.Context, src pageSource, a *reportArgs, chromium string, stdout io.Writer) error {
	dir := a.out
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return failf("creating %s: %v", dir, err)
	}
	customers, err := src.customers()
	if err != nil {
		return err
	}
	idx := report.Index{Produced: time.Now().UTC().Format("2006-01-02 15:04 UTC"), Week: a.week}
	if idx.Week == "" {
		idx.Week = "the last complete week"
	}
	var failed []string
	for _, cu := range customers {
		e := report.IndexEntry{ID: cu.ID, Name: cu.Name}
		b, week, err := src.page(ctx, cu.ID, report.Options{Week: a.week, Audience: report.Audience(a.audience)})
		if err == nil {
			e.Week, e.File = week, fileName(cu.ID, week, a.audience)
			err = writeFile(filepath.Join(dir, e.File), b)
		}
		if err == nil && chromium != "" {
			e.PDF = strings.TrimSuffix(e.File, ".html") + ".pdf"
			err = printPDF(ctx, chromium, filepath.Join(dir, e.File), filepath.Join(dir, e.PDF))
		}
		if err != nil {
			e.Error, e.File, e.PDF = err.Error(), "", ""
			failed = append(failed, cu.ID)
		}
		idx.Entries = append(idx.Entries, e)
	}
	var b strings.Builder
	if err := idx.HTML(&b); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "index.html"), []byte(b.String())); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d reports and %s\n", len(customers)-len(failed), filepath.Join(dir, "index.html"))
	if len(failed) > 0 {
		return failf("no report for %s (see index.html)", strings.Join(failed, ", "))
	}
	return nil
}

// writeFile writes next to its destination and renames into place, so a failed run never
// leaves half a report where last week's was.
func writeFile(out string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(out), ".custops-report-*")
	if err != nil {
		return failf("writing %s: %v", out, err)
	}
	defer func() { _ = os.Remove(f.Name()) }()
	if _, err := f.Write(b); err != nil {
		_ = f.Close()
		return failf("writing %s: %v", out, err)
	}
	if err := f.Close(); err != nil {
		return failf("writing %s: %v", out, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return failf("writing %s: %v", out, err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return failf("writing %s: %v", out, err)
	}
	return nil
}

// chromiumNames are the binaries --format=pdf looks for on PATH.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome"}

// findChromium returns the browser that prints PDFs: the flag, $CUSTOPS_CHROMIUM, or the first of
// chromiumNames on PATH, with a message that says what to do when there is none.
func findChromium(flag string) (string, error) {
	for _, p := range []string{flag, os.Getenv("CUSTOPS_CHROMIUM")} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path, nil
		}
		return "", failf("--format=pdf: Chromium %q is not an executable file", p)
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", failf("--format=pdf prints through headless Chromium, and none was found (%s on PATH).\n"+
		"Install it (Debian/Ubuntu: apt-get install chromium) or name it with --chromium=/path/to/chromium; --format=html needs nothing", strings.Join(chromiumNames, ", "))
}

// printPDF prints an HTML file to an A4 PDF (the page's @page rule) with headless Chromium.
func printPDF(ctx context.Context, chromium, html, pdf string) error {
	abs, err := filepath.Abs(html)
	if err != nil {
		return err
	}
	absPDF, err := filepath.Abs(pdf)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "custops-chromium-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(profile) }()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	args := []string{"--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
		"--no-pdf-header-footer", "--print-to-pdf=" + absPDF}
	if os.Geteuid() == 0 {
		args = append(args, "--no-sandbox") // Chromium refuses to run as root with its sandbox
	}
	cmd := exec.CommandContext(ctx, chromium, append(args, (&url.URL{Scheme: "file", Path: abs}).String())...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return failf("printing %s to PDF with %s: %v\n%s", html, chromium, err, lastLines(string(out), 5))
	}
	if st, err := os.Stat(absPDF); err != nil || st.Size() == 0 {
		return failf("printing %s to PDF with %s: no PDF was written", html, chromium)
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// parseWeekly reads "Mon 06:00". (time.Parse checks a weekday name but keeps year 0's: the day is
// looked up here.)
func parseWeekly(s string) (time.Weekday, int, int, error) {
	day, clock, _ := strings.Cut(strings.TrimSpace(s), " ")
	t, err := time.Parse("15:04", clock)
	for d := time.Sunday; err == nil && d <= time.Saturday; d++ {
		if strings.EqualFold(day, d.String()[:3]) {
			return d, t.Hour(), t.Minute(), nil
		}
	}
	return 0, 0, 0, failf(`--weekly-at %q is not a weekday and time like "Mon 06:00"`, s)
}

// nextWeekly is the next instant after now at the weekday and local time.
func nextWeekly(now time.Time, day time.Weekday, hour, minute int) time.Time {
	d := (int(day) - int(now.Weekday()) + 7) % 7
	next := time.Date(now.Year(), now.Month(), now.Day()+d, hour, minute, 0, 0, now.Location())
	if !next.After(now) {
		next = time.Date(now.Year(), now.Month(), now.Day()+d+7, hour, minute, 0, 0, now.Location())
	}
	return next
}
