package fault_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/exporter"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/jira"
	"github.com/custops/custops/collector/source/zendesk"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
	"github.com/custops/custops/internal/demo/zendeskfake"
	"github.com/custops/custops/internal/fault"
)

// speed is how much faster than the wall clock the sources' clock runs: a minute of vendor
// pacing passes in 0.6 s. The poller's own intervals are wall-clock durations (below).
const speed = 100

// The poller's wall-clock timing: a poll every 100 ms (10 s of the sources' clock), a
// reconcile every 300 ms, retries after failed polls within 200 ms, views every 50 ms.
const (
	pollEvery      = 100 * time.Millisecond
	reconcileEvery = 300 * time.Millisecond
	maxBackoff     = 200 * time.Millisecond
	viewEvery      = 50 * time.Millisecond
	// requestTimeout is the sources' per-request timeout (wall clock, as the HTTP client's),
	// long enough for a page under the race detector on a loaded machine.
	requestTimeout = time.Second
)

// start is the sources' clock at the beginning of every case.
var start = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

const token = "fault-suite-token"

// limit is a vendor's documented rate limit of one request class: at most N in any window.
type limit struct {
	class  string
	n      int
	window time.Duration
	why    string
}

// vendor is one ticketing system behind the proxy: its fake, how tickets are published to it,
// its request classes and limits.
type vendor struct {
	kind   string // config type
	source string // the source's name
	limits []limit
	// newDesk builds the fake and returns it with its publish and remove functions.
	newDesk func(clk *fault.Clock) desk
	// classify names a request's rate-limit class.
	classify func(*http.Request) string
	// searchPath is the path of the paged request whose tokens the loop faults rewrite.
	searchPath string
}

type desk struct {
	handler http.Handler
	put     func(t *ticket.Ticket, withEvents bool)
	remove  func(key string)
	events  func(evs ...zendeskfake.MetricEvent) // zendesk only
}

var jiraVendor = vendor{
	kind: config.TypeJira, source: "jsm",
	limits: []limit{{"", 610, time.Minute,
		// Atlassian publishes no number for API-token traffic; its developers advise at most 10
		// concurrent requests (https://community.developer.atlassian.com/t/are-there-rate-limits-for-jira-cloud-apis/4317),
		// and https://developer.atlassian.com/cloud/jira/platform/rate-limiting/ asks clients to
		// stay well below the burst limits: 10 a second over any minute, plus a burst of 10.
		"Jira Cloud: 10 requests a second over any minute"}},
	classify:   func(*http.Request) string { return "" },
	searchPath: "/rest/api/3/search/jql",
	newDesk: func(clk *fault.Clock) desk {
		f := jirafake.New(jirafake.Options{Flavor: jirafake.Cloud, Email: "ops@example.com", Token: token, Now: clk.Now})
		return desk{
			handler: f,
			put: func(t *ticket.Ticket, _ bool) {
				if err := f.Put(jirafake.IssueFromTicket(t)); err != nil {
					panic(err)
				}
			},
			remove: func(key string) { f.Delete(key) },
		}
	},
}

var zendeskVendor = vendor{
	kind: config.TypeZendesk, source: "zd",
	limits: []limit{
		{"incremental", 10, time.Minute, "Zendesk: 10 incremental exports a minute (https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/)"},
		{"account", 200, time.Minute, "Zendesk: 200 requests a minute on the smallest plan (https://developer.zendesk.com/api-reference/introduction/rate-limits/)"},
	},
	classify: func(r *http.Request) string {
		if strings.HasPrefix(r.URL.Path, "/api/v2/incremental/tickets") {
			return "incremental"
		}
		return "account"
	},
	searchPath: "/api/v2/incremental/tickets/cursor.json",
	newDesk: func(clk *fault.Clock) desk {
		// The fake answers on the sources' clock: its Date header, and the last minute of
		// changes its incremental export holds back.
		f := zendeskfake.New(zendeskfake.Options{Email: "ops@example.com", Token: token, Now: clk.Now})
		f.PutOrganizations(zendeskfake.Organization{ID: 101, Name: "Acme"}, zendeskfake.Organization{ID: 102, Name: "Globex"})
		return desk{
			handler: f,
			put: func(t *ticket.Ticket, withEvents bool) {
				zt, evs := zendeskfake.FromTicket(t)
				f.Put(zt)
				if withEvents && len(evs) > 0 {
					f.PutEvents(evs...)
				}
			},
			remove: func(key string) {
				id, _ := strconv.ParseInt(key, 10, 64)
				f.Delete(id)
			},
			events: f.PutEvents,
		}
	},
}

// rig is one case's world: a fake desk behind the proxy, and the real poller, store and
// source polling it through the proxy.
type rig struct {
	t      *testing.T
	v      vendor
	clk    *fault.Clock
	desk   desk
	fake   *httptest.Server
	proxy  *fault.Proxy
	front  *httptest.Server
	cfg    *config.Config
	store  *store.Store
	poller *poller.Poller
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan struct{}

	// What cases keep between their steps.
	injectedAt time.Time     // the sources' clock when the fault went in
	ahead      time.Duration // how far ahead of the sources' clock the vendor stamps changes
	heapBefore int64
	thief      *thief
	bigKey     string
	reloads    chan struct{}
	reloading  int // requests in two minutes of reloads

	mu      sync.Mutex
	next    int       // the next new ticket's number
	open    int       // the next initial open ticket changes() resolves (it deletes the one after)
	updated time.Time // the latest updated instant handed out: every change is later
}

// newRig starts the desk with its initial tickets and the proxy; tweak may change the config
// before the poller starts.
func newRig(t *testing.T, v vendor, tweak func(*config.Config)) *rig {
	t.Helper()
	clk := fault.NewClock(start, speed)
	r := &rig{t: t, v: v, clk: clk, desk: v.newDesk(clk), logs: &syncBuffer{}}
	r.fake = httptest.NewServer(r.desk.handler)
	t.Cleanup(r.fake.Close)
	p, err := fault.New(fault.Options{Target: r.fake.URL, Now: clk.Now, Classify: v.classify})
	if err != nil {
		t.Fatal(err)
	}
	r.proxy = p
	r.front = httptest.NewServer(p)
	t.Cleanup(r.front.Close)
	t.Cleanup(p.Clear) // releases hanging requests before the servers close

	for i := range 250 {
		r.put(r.ticket(i, initialCreated(i), initialCreated(i).Add(24*time.Hour)), true)
	}
	r.next, r.open = 250, 1
	r.updated = start.Add(-time.Hour)

	r.cfg = r.config(r.front.URL)
	if tweak != nil {
		tweak(r.cfg)
	}
	if err := r.cfg.Validate("fault suite"); err != nil {
		t.Fatal(err)
	}
	return r
}

// config is the case's configuration, the source pointed at url. It is built in Go: its
// intervals are below what a file may set, to run minutes in seconds.
func (r *rig) config(url string) *config.Config {
	cfg := config.New()
	cfg.StateDir = r.t.TempDir()
	cfg.PollInterval = config.Duration(pollEvery)
	cfg.ReconcileInterval = config.Duration(reconcileEvery)
	s := config.NewSource(r.v.source, r.v.kind)
	s.URL = url
	s.Auth = config.Auth{Email: "ops@example.com", Secret: config.NewSecret(token)}
	s.Timeout = config.Duration(requestTimeout)
	s.PageSize = 100
	s.CustomerFrom = []config.MatchRule{{Kind: config.MatchOrganization}}
	if r.v.kind == config.TypeJira {
		s.Flavor = "cloud"
		s.JQL = "project = SUP"
	}
	cfg.Sources = []config.Source{s}
	gold := config.NewTier()
	gold.SLA.Goals = map[ticket.Priority]map[string]config.Duration{
		ticket.P1: {ticket.SLAFirstResponse: config.Duration(time.Hour), ticket.SLAResolution: config.Duration(8 * time.Hour)},
		ticket.P2: {ticket.SLAFirstResponse: config.Duration(4 * time.Hour)},
	}
	cfg.Tiers = map[string]config.Tier{"gold": gold}
	cfg.Customers = []config.Customer{
		{ID: "acme", Name: "Acme", Tier: "gold", Match: config.Match{Organization: []string{"Acme"}, ZendeskOrganizationID: []string{"101"}}},
		{ID: "globex", Name: "Globex", Tier: "gold", Match: config.Match{Organization: []string{"Globex"}, ZendeskOrganizationID: []string{"102"}}},
	}
	return cfg
}

// factories build the real sources on the rig's clock.
func (r *rig) factories() map[string]source.Factory {
	onClock := func(f source.Factory) source.Factory {
		return func(c config.Source, d source.Deps) (source.Source, error) {
			d.Now, d.Sleep = r.clk.Now, r.clk.Sleep
			return f(c, d)
		}
	}
	return map[string]source.Factory{config.TypeJira: onClock(jira.New), config.TypeZendesk: onClock(zendesk.New)}
}

// start runs the poller and waits for the first complete sync.
func (r *rig) start() {
	r.t.Helper()
	st, err := store.Open(r.cfg.StateDir, slog.New(slog.DiscardHandler))
	if err != nil {
		r.t.Fatal(err)
	}
	r.store = st
	p, err := poller.New(poller.Options{
		Config: r.cfg, Store: st, Factories: r.factories(),
		Logger: slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    r.clk.Now, SnapshotInterval: viewEvery, MaxBackoff: maxBackoff,
	})
	if err != nil {
		r.t.Fatal(err)
	}
	r.poller = p
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel, r.done = cancel, make(chan struct{})
	go func() {
		defer close(r.done)
		p.Run(ctx)
	}()
	r.t.Cleanup(r.stop)
	r.waitFor("the first sync", 20*time.Second, func() bool {
		ok, _ := p.Ready()
		return ok && r.health().Up
	})
}

func (r *rig) stop() {
	if r.cancel == nil {
		return
	}
	r.proxy.Clear()
	r.cancel()
	<-r.done
	r.cancel = nil
	_ = r.store.Close()
	if r.t.Failed() {
		out := r.logs.String()
		if len(out) > 8000 {
			out = "..." + out[len(out)-8000:]
		}
		r.t.Logf("poller log (tail):\n%s", out)
	}
}

// waitFor polls cond until it holds, failing the test after wall time d.
func (r *rig) waitFor(what string, d time.Duration, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out after %s (%s of the sources' clock) waiting for %s; source health %+v",
				d, d*speed, what, r.health())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// health is the source's health in the published view.
func (r *rig) health() poller.SourceHealth {
	v := r.poller.View()
	if v == nil {
		return poller.SourceHealth{}
	}
	h, _ := v.Source(r.v.source)
	return h
}

// served returns the tickets of the published view by key, with their updated instants.
func (r *rig) served() map[string]time.Time {
	out := map[string]time.Time{}
	if v := r.poller.View(); v != nil {
		for _, c := range v.Snapshot.Customers { // every ticket of the rig maps to a customer
			for _, t := range v.TicketsOf(c.ID) {
				if t.Source == r.v.source {
					out[t.Key] = t.Updated
				}
			}
		}
	}
	return out
}

// key is the vendor's key of ticket number i.
func (r *rig) key(i int) string {
	if r.v.kind == config.TypeJira {
		return fmt.Sprintf("SUP-%d", i+1)
	}
	return strconv.Itoa(i + 1)
}

// ticket is ticket number i, created and updated at the instants given: a mix of customers,
// priorities and states; every fifth has a first-response clock, met when created an hour
// before up, else running.
func (r *rig) ticket(i int, created, up time.Time) *ticket.Ticket {
	org := ticket.Organization{ID: "101", Name: "Acme"}
	if i%2 == 1 {
		org = ticket.Organization{ID: "102", Name: "Globex"}
	}
	t := &ticket.Ticket{
		Source: r.v.source, Key: r.key(i), Summary: fmt.Sprintf("Request %d", i+1),
		Priority: ticket.Priorities[i%4], State: ticket.StateInProgress, Channel: ticket.ChannelPortal,
		Created: created, Updated: up,
		Attributes: ticket.Attributes{Project: "SUP", Organizations: []ticket.Organization{org}, Labels: []string{"l" + strconv.Itoa(i%3)}},
	}
	if i%3 == 0 {
		t.State, t.Resolved = ticket.StateResolved, up
	}
	if i%5 == 0 {
		cy := ticket.Cycle{Start: created, Goal: time.Hour, BreachAt: created.Add(time.Hour)}
		if up.Sub(created) >= time.Hour {
			cy.Stop, cy.Elapsed = created.Add(30*time.Minute), 30*time.Minute
		}
		t.Clocks = []ticket.Clock{{Name: ticket.SLAFirstResponse, Cycles: []ticket.Cycle{cy}}}
	}
	return t
}

// initialCreated is when initial ticket i was created.
func initialCreated(i int) time.Time {
	return start.Add(-11*24*time.Hour + time.Duration(i)*50*time.Minute)
}

func (r *rig) put(t *ticket.Ticket, withEvents bool) { r.desk.put(t, withEvents) }

// changes makes a change of every kind on the desk, stamped now on the vendor's clock plus
// ahead: a new ticket with a running SLA clock, an open ticket resolved, an open ticket
// deleted. It returns their keys.
func (r *rig) changes(ahead time.Duration) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.clk.Now().Add(r.ahead + ahead).Truncate(time.Second)
	if !now.After(r.updated) {
		now = r.updated.Add(time.Second)
	}
	r.updated = now
	created := r.ticket(r.next, now, now)
	created.State, created.Resolved = ticket.StateInProgress, time.Time{}
	// Always with a running clock: on Zendesk its events come through the metric events
	// export, whose cursor is a time.
	created.Clocks = []ticket.Clock{{Name: ticket.SLAFirstResponse, Cycles: []ticket.Cycle{{Start: now, Goal: time.Hour, BreachAt: now.Add(time.Hour)}}}}
	r.next++
	r.put(created, true)
	// Initial tickets i with i%3 != 0 are open; each call takes the next two of them.
	resolved := r.ticket(r.open, initialCreated(r.open), now)
	resolved.State, resolved.Resolved, resolved.Clocks = ticket.StateResolved, now, nil
	r.put(resolved, false)
	gone := r.key(r.open + 1)
	r.desk.remove(gone)
	r.open += 3
	return []string{created.Key, resolved.Key, gone}
}

// normalized is a ticket as two syncs of the same desk must agree on it: without its link's
// host (the case polls through the proxy, the clean sync the fake) and without what depends
// on when it was read (a running clock's elapsed time and observation instant).
func normalized(t *ticket.Ticket) string {
	c := *t
	if u, err := url.Parse(c.URL); err == nil {
		u.Scheme, u.Host = "", ""
		c.URL = u.String()
	}
	if n := len(c.Transitions); n > 0 && c.Source == zendeskVendor.source {
		// Zendesk's state history is what the source saw change (zendesk/normalize.go): a store
		// that watched a ticket knows more of it than a clean sync. The latest state agrees.
		c.Transitions = c.Transitions[n-1:]
	}
	c.Clocks = slices.Clone(c.Clocks)
	for i := range c.Clocks {
		cycles := slices.Clone(c.Clocks[i].Cycles)
		for j := range cycles {
			cycles[j].ObservedAt = time.Time{}
			if cycles[j].Running() && !cycles[j].Paused {
				cycles[j].Elapsed = 0
			}
		}
		c.Clocks[i].Cycles = cycles
	}
	b, err := json.Marshal(&c)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// cleanSync syncs the desk into a fresh store with a new source, straight from the fake (no
// proxy, no faults), and returns its tickets by key, normalized.
func (r *rig) cleanSync() map[string]string {
	r.t.Helper()
	cfg := r.config(r.fake.URL)
	st, err := store.Open(cfg.StateDir, slog.New(slog.DiscardHandler))
	if err != nil {
		r.t.Fatal(err)
	}
	defer st.Close()
	src, err := r.factories()[r.v.kind](cfg.Sources[0], source.Deps{Logger: slog.New(slog.DiscardHandler), Stats: source.NewStats()})
	if err != nil {
		r.t.Fatal(err)
	}
	view := source.Limited(st.Source(r.v.source))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for ok := 0; ok < 2; { // a second poll that succeeds finds nothing more
		if err := src.Poll(ctx, view); err != nil {
			if ctx.Err() != nil {
				r.t.Fatalf("clean sync: %v", err)
			}
			ok = 0
			continue
		}
		ok++
	}
	out := map[string]string{}
	for _, t := range st.Tickets(r.v.source) {
		out[t.Key] = normalized(t)
	}
	return out
}

// stored returns the case store's tickets by key, normalized.
func (r *rig) stored() map[string]string {
	out := map[string]string{}
	for _, t := range r.store.Tickets(r.v.source) {
		out[t.Key] = normalized(t)
	}
	return out
}

// noChangeLost: the case's store comes to hold exactly what a clean sync of the desk holds,
// ticket by ticket, within wall time d (d*speed of the sources' clock).
//
// The clean sync is taken again every half second of wall time (a minute of the sources'
// clock): Zendesk's export holds back the changes of its last minute, so a clean sync right after
// a change does not have it yet either.
func (r *rig) noChangeLost(d time.Duration) {
	r.t.Helper()
	want, synced := r.cleanSync(), time.Now()
	deadline := time.Now().Add(d)
	for {
		got := r.stored()
		diff := diffTickets(got, want)
		if diff == "" {
			// The view is published after the poll (and its reconcile) that wrote the store:
			// wait for it too, so what a case reads of the view is what the store holds.
			r.waitFor("the view to show the store", time.Until(deadline)+time.Second, func() bool {
				served := r.served()
				if len(served) != len(got) {
					return false
				}
				for k := range got {
					if _, ok := served[k]; !ok {
						return false
					}
				}
				return true
			})
			return
		}
		if time.Since(synced) > 500*time.Millisecond {
			want, synced = r.cleanSync(), time.Now()
			continue
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("after %s of the sources' clock the store differs from a clean sync of the same desk (%d tickets vs %d):\n%s",
				d*speed, len(got), len(want), diff)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func diffTickets(got, want map[string]string) string {
	var b strings.Builder
	keys := maps.Clone(got)
	maps.Copy(keys, want)
	shown := 0
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		g, inGot := got[k]
		w, inWant := want[k]
		if g == w {
			continue
		}
		if shown++; shown > 10 {
			b.WriteString("  ...\n")
			break
		}
		switch {
		case !inGot:
			fmt.Fprintf(&b, "  %s: missing (a clean sync has %.300s)\n", k, w)
		case !inWant:
			fmt.Fprintf(&b, "  %s: stored, but gone from the desk (%.300s)\n", k, g)
		default:
			fmt.Fprintf(&b, "  %s:\n    stored: %.400s\n    clean:  %.400s\n", k, g, w)
		}
	}
	return b.String()
}

// underLimits: in no window of the sources' clock did the proxy pass more requests of a class
// than the vendor allows.
func (r *rig) underLimits() {
	r.t.Helper()
	log := r.proxy.Log()
	for _, l := range r.v.limits {
		var at []time.Time
		for _, q := range log {
			if q.Class == l.class {
				at = append(at, q.At)
			}
		}
		for i := range at {
			j := i
			for j < len(at) && at[j].Sub(at[i]) < l.window {
				j++
			}
			if j-i > l.n {
				r.t.Errorf("%d requests of class %q within %s from %s: over the limit of %d (%s)",
					j-i, l.class, l.window, at[i].Format(time.TimeOnly), l.n, l.why)
				break
			}
		}
	}
}

// servesLastGood: the published view still holds every ticket it held before the fault, but
// the one deleted on the desk since (a page that went through before the fault applied it).
func (r *rig) servesLastGood(good map[string]time.Time, gone string) {
	r.t.Helper()
	now := r.served()
	var lost []string
	for k, up := range good {
		if got, ok := now[k]; k != gone && (!ok || got.Before(up)) {
			lost = append(lost, k)
		}
	}
	if len(lost) > 0 {
		slices.Sort(lost)
		r.t.Errorf("during the fault the view lost or rewound %d of its %d tickets: %v", len(lost), len(good), lost[:min(len(lost), 10)])
	}
	if v := r.poller.View(); v == nil || len(v.Snapshot.Customers) != 2 {
		r.t.Errorf("during the fault the view has no customers")
	}
}

// metrics renders the published view as /metrics does.
func (r *rig) metrics() string {
	h := exporter.NewMetricsHandler(state{r.poller}, prometheus.NewRegistry(), slog.New(slog.DiscardHandler))
	h.Refresh()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

type state struct{ p *poller.Poller }

func (s state) View() *poller.View     { return s.p.View() }
func (s state) ReloadSuccessful() bool { return true }

// syncBuffer is a log sink written by the poller's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
