package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/internal/demo"
	"github.com/custops/custops/internal/fault"
)

// TestReloadUnderScrapers is issue 13 item 4's shown test: the exporter, polling the demo's desks
// over the wire (each behind a counting proxy), is scraped by 50 clients at once through a window
// without reloads and a window with a reload every poll interval (an unchanged config and one
// that changes a tier's target, in turn). In both windows no scrape misses a series any customer
// had, no API call answers anything but 200 with every customer, and the requests toward each
// vendor during the reloads are no more than in the quiet window.
func TestReloadUnderScrapers(t *testing.T) {
	const (
		speed     = 20 // the sources' clock: a minute of vendor pacing in 3 s
		pollEvery = 100 * time.Millisecond
		window    = 3 * time.Second
		scrapers  = 50
	)
	clk := fault.NewClock(time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), speed)
	// The desks stand still (their clock does not move), so every poll after the first sync is
	// a quiet one and the windows' request counts differ only by what reloads add.
	start := clk.Now()
	d, err := demo.Start(demo.Options{Seed: 1, Start: start, History: 2 * 24 * time.Hour, PollInterval: pollEvery,
		Now: func() time.Time { return start }, StateDir: t.TempDir(), Factories: sourceFactories()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	cfg := d.Config
	proxies := map[string]*fault.Proxy{}
	for i, s := range cfg.Sources {
		p, err := fault.New(fault.Options{Target: s.URL, Now: clk.Now})
		if err != nil {
			t.Fatal(err)
		}
		front := httptest.NewServer(p)
		defer front.Close()
		proxies[s.Name], cfg.Sources[i].URL = p, front.URL
	}
	onClock := map[string]source.Factory{}
	for typ, f := range d.Factories {
		onClock[typ] = func(c config.Source, deps source.Deps) (source.Source, error) {
			deps.Now, deps.Sleep = clk.Now, clk.Sleep
			return f(c, deps)
		}
	}
	e, err := startInstance(cfg, onClock, slog.New(slog.DiscardHandler), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	var reloads atomic.Int64
	e.load = func() (*config.Config, error) {
		c := copyConfig(cfg)
		if reloads.Add(1)%2 == 0 {
			gold := c.Tiers["gold"]
			gold.ComplianceTarget = 0.9 // a change of meaning that keeps every source as it was
			c.Tiers["gold"] = gold
		}
		return c, nil
	}
	h, err := e.handler(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	deadline := time.Now().Add(30 * time.Second)
	for ok, _ := e.poller.Ready(); !ok; ok, _ = e.poller.Ready() {
		if time.Now().After(deadline) {
			t.Fatal("not ready after 30 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(window) // past the first syncs' paging: a steady state

	ids := make([]string, len(cfg.Customers))
	for i, c := range cfg.Customers {
		ids[i] = c.ID
	}
	quiet := scrapeWindow("quiet", srv.URL, ids, scrapers, window, clk.Now)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(pollEvery):
			}
			if err := e.reload(); err != nil {
				t.Errorf("reload: %v", err)
				return
			}
		}
	}()
	reloading := scrapeWindow("reloading", srv.URL, ids, scrapers, window, clk.Now)
	close(stop)
	wg.Wait()
	if n := reloads.Load(); n < 10 {
		t.Fatalf("only %d reloads in the window", n)
	}

	// Every series a customer had in every quiet scrape is in every scrape under reloads.
	base := quiet.common()
	if len(base) < len(cfg.Customers)*20 {
		t.Fatalf("the quiet scrapes share only %d customer series", len(base))
	}
	for i, got := range reloading.scrapes {
		if missing := missingFrom(base, got); len(missing) > 0 {
			t.Fatalf("scrape %d under reloads misses %d customer series, e.g. %v", i, len(missing), missing[:min(5, len(missing))])
		}
	}
	for _, w := range []*scrapes{quiet, reloading} {
		if len(w.failures) > 0 {
			t.Errorf("%s: %d failed API calls, e.g. %v", w.name, len(w.failures), w.failures[:min(5, len(w.failures))])
		}
	}
	t.Logf("%d scrapes and %d API calls quiet, %d and %d under %d reloads", len(quiet.scrapes), quiet.calls.Load(), len(reloading.scrapes), reloading.calls.Load(), reloads.Load())

	// The requests toward the vendors: no more during the reloads than in the quiet window. A
	// source rebuilt by a reload asks Jira's metadata again and starts Zendesk's export pacing
	// afresh; the polls' own count varies with the CPU the scrapers leave, hence the margin on
	// the totals and none on the paced exports.
	for name, p := range proxies {
		log := p.Log()
		count := func(w *scrapes, match func(fault.Request) bool) (n int) {
			for _, q := range log {
				if !q.At.Before(w.from) && q.At.Before(w.to) && match(q) {
					n++
				}
			}
			return n
		}
		all := func(fault.Request) bool { return true }
		metadata := func(q fault.Request) bool {
			return strings.Contains(q.Path, "serverInfo") || strings.Contains(q.Path, "/field") || strings.Contains(q.Path, "/myself")
		}
		// Zendesk's ticket and ticket event exports share one pace: one request every 6.5 s,
		// below the documented 10 a minute (the ticket metric events take the account's).
		export := func(q fault.Request) bool {
			return strings.HasPrefix(q.Path, "/api/v2/incremental/tickets") || strings.HasPrefix(q.Path, "/api/v2/incremental/ticket_events")
		}
		nq, nr := count(quiet, all), count(reloading, all)
		t.Logf("%s: %d requests in the quiet minute, %d in the minute of reloads", name, nq, nr)
		if nr > nq+nq/2+3 {
			t.Errorf("%s: %d requests in a minute of reloads against %d in a quiet one: a reload adds requests", name, nr, nq)
		}
		if n := count(reloading, metadata); n > 0 {
			t.Errorf("%s: reloads asked the vendor's metadata again, %d times", name, n)
		}
		// A reload that started the pacing afresh would send one export at once per reload;
		// the pace allows the window's worth and its burst of one, however busy the CPU is.
		paced := int(reloading.to.Sub(reloading.from)/(6500*time.Millisecond)) + 1
		if er := count(reloading, export); er > paced {
			t.Errorf("%s: %d incremental exports in a minute of %d reloads, the pace allows %d: a reload reset the pacing", name, er, reloads.Load(), paced)
		}
	}
}

// scrapes is what the scrapers saw in one window.
type scrapes struct {
	name     string
	from, to time.Time // on the sources' clock, for the proxies' logs
	mu       sync.Mutex
	scrapes  []map[string]bool // per /metrics scrape: the customer series present
	failures []string
	calls    atomic.Int64
}

// scrapeWindow runs n scrapers against base for d: each scrapes /metrics and asks the API for
// the customers and one customer's tickets, in a loop. now is the sources' clock.
func scrapeWindow(name, base string, ids []string, n int, d time.Duration, now func() time.Time) *scrapes {
	w := &scrapes{name: name}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: n}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	w.from = now()
	var wg sync.WaitGroup
	for s := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := s; ctx.Err() == nil; k++ {
				if k > s {
					// Each scraper comes back every 50 ms: 1,000 requests a second in all, yet CPU
					// left for the polls whose requests are counted.
					select {
					case <-ctx.Done():
						return
					case <-time.After(50 * time.Millisecond):
					}
				}
				if got, err := scrape(client, base+"/metrics"); err == nil {
					w.mu.Lock()
					w.scrapes = append(w.scrapes, got)
					w.mu.Unlock()
				} else if ctx.Err() == nil {
					w.fail(err.Error())
				}
				id := ids[k%len(ids)]
				for _, path := range []string{"/api/v1/customers", "/api/v1/customers/" + id + "/tickets"} {
					w.calls.Add(1)
					if err := apiCall(client, base+path, len(ids)); err != nil && ctx.Err() == nil {
						w.fail(path + ": " + err.Error())
					}
				}
			}
		}()
	}
	wg.Wait()
	w.to = now()
	return w
}

func (w *scrapes) fail(msg string) {
	w.mu.Lock()
	w.failures = append(w.failures, msg)
	w.mu.Unlock()
}

// common returns the customer series present in every scrape of the window.
func (w *scrapes) common() map[string]bool {
	if len(w.scrapes) == 0 {
		return nil
	}
	out := maps.Clone(w.scrapes[0])
	for _, s := range w.scrapes[1:] {
		maps.DeleteFunc(out, func(k string, _ bool) bool { return !s[k] })
	}
	return out
}

func missingFrom(base, got map[string]bool) []string {
	var out []string
	for k := range base {
		if !got[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// scrape GETs /metrics and returns its customer series as "name{customer,...labels}".
func scrape(c *http.Client, u string) (map[string]bool, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("/metrics answered %s", resp.Status)
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || !strings.Contains(line, `customer="`) {
			continue
		}
		if i := strings.LastIndexByte(line, ' '); i > 0 {
			out[line[:i]] = true
		}
	}
	return out, sc.Err()
}

// apiCall GETs an API path and checks it answers 200 with JSON; /api/v1/customers must list
// every customer.
func apiCall(c *http.Client, u string, customers int) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("answered %s: %.200s", resp.Status, body)
	}
	if strings.HasSuffix(u, "/api/v1/customers") {
		var v struct {
			Customers []json.RawMessage `json:"customers"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return err
		}
		if len(v.Customers) != customers {
			return fmt.Errorf("listed %d customers, want %d", len(v.Customers), customers)
		}
	}
	return nil
}

// copyConfig copies what a reload builds afresh: the lists and maps the test changes.
func copyConfig(c *config.Config) *config.Config {
	out := *c
	out.Sources = slices.Clone(c.Sources)
	out.Customers = slices.Clone(c.Customers)
	out.Tiers = maps.Clone(c.Tiers)
	return &out
}
