package poller

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// startDemo builds the demo polled in process (its simulator sources under the jira and zendesk
// types), with a 20ms poll interval and its store in dir.
func startDemo(t *testing.T, dir string) *demo.Demo {
	t.Helper()
	d, err := demo.Start(demo.Options{Direct: true, Seed: 1, Start: t0, PollInterval: 20 * time.Millisecond, StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// countingStore counts the tickets a source writes, to tell an incremental poll from a re-sync.
type countingStore struct {
	source.Store
	upserts *atomic.Int64
}

func (c countingStore) Apply(b source.Batch) error {
	c.upserts.Add(int64(len(b.Upserts)))
	return c.Store.Apply(b)
}

type countingSource struct {
	source.Source
	upserts *atomic.Int64
}

func (c countingSource) Poll(ctx context.Context, st source.Store) error {
	return c.Source.Poll(ctx, countingStore{st, c.upserts})
}

// running is a poller running in the background until stop.
type running struct {
	p       *Poller
	st      *store.Store
	upserts *atomic.Int64
	cancel  context.CancelFunc
	done    chan struct{}
}

func startPoller(t *testing.T, d *demo.Demo, now time.Time) *running {
	t.Helper()
	cfg := d.Config
	st, err := store.Open(cfg.StateDir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	upserts := &atomic.Int64{}
	factories := map[string]source.Factory{}
	for typ, f := range d.Factories {
		factories[typ] = func(c config.Source, deps source.Deps) (source.Source, error) {
			s, err := f(c, deps)
			return countingSource{s, upserts}, err
		}
	}
	p, err := New(Options{
		Config:           cfg,
		Store:            st,
		Factories:        factories,
		Now:              func() time.Time { return now },
		SnapshotInterval: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{p: p, st: st, upserts: upserts, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		p.Run(ctx)
	}()
	t.Cleanup(r.stop)
	return r
}

func (r *running) stop() {
	r.cancel()
	<-r.done
	_ = r.st.Close()
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// allUp reports whether every source's last poll succeeded, as a fresh view would show.
func allUp(p *Poller) bool {
	p.mu.Lock()
	runners := p.runners
	p.mu.Unlock()
	for _, r := range runners {
		if !r.health(p.opts.Store).Up {
			return false
		}
	}
	return true
}

// exposition prints the published snapshot's aggregates, for comparing two of them: fmt sorts
// map keys and prints NaN quantiles alike, which reflect.DeepEqual would call different.
func exposition(t *testing.T, p *Poller) string {
	t.Helper()
	snap := snapshotOf(t, p)
	return fmt.Sprintf("%+v\n%+v", snap.Customers, snap.DataQuality)
}

// snapshotOf returns the published view's snapshot.
func snapshotOf(t *testing.T, p *Poller) *snapshot.Snapshot {
	t.Helper()
	v := p.View()
	if v == nil {
		t.Fatal("no view published")
	}
	return v.Snapshot
}

func TestPollerSyncsEverySource(t *testing.T) {
	d := startDemo(t, t.TempDir())
	cfg := d.Config
	r := startPoller(t, d, t0)
	waitUntil(t, "ready", func() bool { ok, _ := r.p.Ready(); return ok && allUp(r.p) })
	r.p.recompute() // the background recompute after the last poll may not have run yet

	snap := snapshotOf(t, r.p)
	if len(snap.Customers) != len(cfg.Customers) {
		t.Fatalf("snapshot has %v customers, want %d", snap, len(cfg.Customers))
	}
	for _, s := range r.p.View().Sources {
		if s.Tickets == 0 || s.LastSuccess.IsZero() || s.PollInterval != 20*time.Millisecond || !s.Synced {
			t.Errorf("source %s health: %+v", s.Name, s)
		}
	}
	var open float64
	for _, c := range snap.Customers {
		for _, row := range c.Open {
			for _, n := range row {
				open += n
			}
		}
	}
	if open == 0 {
		t.Errorf("no open tickets in the demo snapshot")
	}
}

// TestRestartServesSameSnapshot: a store written, closed and reopened yields an identical
// snapshot at once, and the next poll applies nothing (no re-sync from zero).
func TestRestartServesSameSnapshot(t *testing.T) {
	dir := t.TempDir()
	first := startPoller(t, startDemo(t, dir), t0)
	waitUntil(t, "first sync", func() bool { ok, _ := first.p.Ready(); return ok && allUp(first.p) })
	first.p.recompute()
	before := exposition(t, first.p)
	first.stop()
	if first.upserts.Load() == 0 {
		t.Fatal("the first run stored nothing")
	}

	second := startPoller(t, startDemo(t, dir), t0)
	// Ready from the persisted store: the sim source's polls after the restart write nothing
	// (asserted below), so readiness can only come from what the first run stored.
	waitUntil(t, "ready after restart", func() bool { ok, _ := second.p.Ready(); return ok })
	waitUntil(t, "polls after restart", func() bool { return allUp(second.p) })
	if after := exposition(t, second.p); after != before {
		t.Errorf("snapshot after restart differs:\nbefore:\n%.3000s\nafter:\n%.3000s", before, after)
	}
	if n := second.upserts.Load(); n != 0 {
		t.Errorf("after restart the polls wrote %d tickets, want 0 (no re-sync)", n)
	}
}

func TestFailedPollKeepsLastGoodData(t *testing.T) {
	d := startDemo(t, t.TempDir())
	r := startPoller(t, d, t0)
	waitUntil(t, "sync", func() bool { ok, _ := r.p.Ready(); return ok && allUp(r.p) })
	r.p.recompute()
	before := exposition(t, r.p)

	if err := d.SetDown("jsm", true); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "jsm down", func() bool { return !allUp(r.p) })
	r.p.recompute()
	if after := exposition(t, r.p); after != before {
		t.Errorf("a failed poll changed the served data")
	}
	for _, s := range r.p.View().Sources {
		if s.Name == "jsm" && (s.Up || s.LastSuccess.IsZero() || s.Tickets == 0) {
			t.Errorf("jsm lost its last success or tickets: %+v", s)
		}
	}
}

func TestBackoff(t *testing.T) {
	cases := []struct {
		n      int
		max    time.Duration
		lo, hi time.Duration
	}{
		{1, time.Hour, 4 * time.Second, 5 * time.Second},
		{2, time.Hour, 8 * time.Second, 10 * time.Second},
		{4, time.Hour, 32 * time.Second, 40 * time.Second},
		{20, 5 * time.Minute, 4 * time.Minute, 5 * time.Minute},
	}
	for _, c := range cases {
		for range 50 {
			if d := backoff(c.n, c.max); d < c.lo || d > c.hi {
				t.Errorf("backoff(%d, max %v) = %v, want within [%v, %v]", c.n, c.max, d, c.lo, c.hi)
			}
		}
	}
}

func TestSnapshotsAreSwappedAtomically(t *testing.T) {
	d := startDemo(t, t.TempDir())
	r := startPoller(t, d, t0)
	waitUntil(t, "sync", func() bool { ok, _ := r.p.Ready(); return ok })
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if v := r.p.View(); v == nil || v.Snapshot == nil {
					t.Error("no view while serving")
					return
				}
				r.p.trigger()
			}
		}()
	}
	wg.Wait()
}

// TestComputedSLAClocks: a source in `both` mode serves its native clocks and the contract's
// computed ones side by side, in the snapshot and in the tickets behind it.
func TestComputedSLAClocks(t *testing.T) {
	d := startDemo(t, t.TempDir())
	cfg := d.Config
	cfg.Sources[0].SLA = config.SLABoth
	r := startPoller(t, d, t0)
	waitUntil(t, "sync", func() bool { ok, _ := r.p.Ready(); return ok && allUp(r.p) })
	r.p.recompute()

	contract := 0
	for _, c := range cfg.Customers {
		for _, tk := range r.p.View().TicketsOf(c.ID) {
			if tk.Source != cfg.Sources[0].Name {
				continue
			}
			for _, c := range tk.Clocks {
				if c.Name == "first_response_contract" {
					contract++
				}
			}
		}
	}
	if contract == 0 {
		t.Fatalf("no computed first_response_contract clocks on %s tickets", cfg.Sources[0].Name)
	}
	snap := snapshotOf(t, r.p)
	found := false
	for _, c := range snap.Customers {
		for _, s := range c.SLAs {
			if s.Name == "first_response_contract" && s.Met[2]+s.BreachedCycles[2] > 0 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("the snapshot has no completed first_response_contract cycles")
	}
}

// gatedSource is a source under the test's control: each Poll applies one batch with a cursor,
// then waits for the gate before it returns, as a first sync between two pages does.
type gatedSource struct {
	name  string
	gate  chan struct{} // a Poll returns after receiving from it; nil: at once
	polls *atomic.Int64
}

func (g *gatedSource) Poll(ctx context.Context, st source.Store) error {
	n := g.polls.Add(1)
	tk := &ticket.Ticket{Source: g.name, Key: fmt.Sprintf("K-%d", n), Priority: ticket.P1, State: ticket.StateNew, Created: t0, Updated: t0}
	if err := st.Apply(source.Batch{Upserts: []*ticket.Ticket{tk}, Cursor: []byte(fmt.Sprint(n))}); err != nil {
		return err
	}
	if g.gate == nil {
		return nil
	}
	select {
	case <-g.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gatedSource) Reconcile(context.Context, source.Store) error { return nil }

const gatedConfig = `
state_dir: %s
poll_interval: 10s
sources:
  - {name: a, type: jira, url: https://a.example.atlassian.net, auth: {email: x@example.com, token_env: UNUSED}}
  - {name: b, type: jira, url: https://b.example.atlassian.net, auth: {email: x@example.com, token_env: UNUSED}%s}
customers:
  - {id: northwind, tier: gold, match: {project: [K]}}%s
tiers:
  gold: {}
`

func gatedCfg(t *testing.T, dir, sourceB, customers string) *config.Config {
	t.Helper()
	cfg, err := config.Parse([]byte(fmt.Sprintf(gatedConfig, dir, sourceB, customers)), "gated.yml")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// gatedPoller runs a poller whose sources are gatedSources; builds counts factory calls by name.
func gatedPoller(t *testing.T, cfg *config.Config, st *store.Store, gates map[string]chan struct{}, builds map[string]*atomic.Int64) *Poller {
	t.Helper()
	p, err := New(Options{
		Config: cfg,
		Store:  st,
		Factories: map[string]source.Factory{"jira": func(c config.Source, _ source.Deps) (source.Source, error) {
			builds[c.Name].Add(1)
			return &gatedSource{name: c.Name, gate: gates[c.Name], polls: &atomic.Int64{}}, nil
		}},
		Now:              func() time.Time { return t0 },
		SnapshotInterval: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return p
}

// TestReadyOnlyAfterWholePolls: a source that stored one batch with a cursor and is still
// paging keeps /-/ready false; once its poll completes the poller is ready, and after a restart
// it is ready from the store at once, even while the sources' first polls hang.
func TestReadyOnlyAfterWholePolls(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := gatedCfg(t, dir, "", "")
	gates := map[string]chan struct{}{"a": make(chan struct{}), "b": nil}
	builds := map[string]*atomic.Int64{"a": {}, "b": {}}
	p := gatedPoller(t, cfg, st, gates, builds)

	waitUntil(t, "a's first batch", func() bool { return len(st.Source("a").Cursor()) > 0 })
	// The store marks b synced before b's runner records its poll: wait for the runner.
	waitUntil(t, "b synced", func() bool { _, waiting := p.Ready(); return !slices.Contains(waiting, "b") })
	if ok, waiting := p.Ready(); ok || !slices.Equal(waiting, []string{"a"}) {
		t.Fatalf("Ready mid-sync = %v %v, want false waiting for a", ok, waiting)
	}
	gates["a"] <- struct{}{}
	waitUntil(t, "ready", func() bool { ok, _ := p.Ready(); return ok })
	if v := p.View(); !v.Complete || v.Snapshot == nil {
		t.Errorf("ready with an incomplete view: %+v", v)
	}
	if !st.Synced("a") {
		t.Error("a's whole poll was not recorded in the store")
	}
}

func TestReadyAfterRestartFromTheStore(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		if err := st.MarkSynced(name); err != nil {
			t.Fatal(err)
		}
	}
	hang := make(chan struct{}) // never released: every poll of this run hangs
	p := gatedPoller(t, gatedCfg(t, dir, "", ""), st,
		map[string]chan struct{}{"a": hang, "b": hang}, map[string]*atomic.Int64{"a": {}, "b": {}})
	waitUntil(t, "ready from the store", func() bool { ok, _ := p.Ready(); return ok })
}

// TestHealthSurvivesRestart: a restarted exporter reports each source's health as the last
// poll before the restart left it (up or down, and when it last succeeded) until its own first
// poll, not a source that never polled (which would raise the stale alert).
func TestHealthSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := gatedCfg(t, dir, "", "")
	builds := map[string]*atomic.Int64{"a": {}, "b": {}}
	var last time.Time
	t.Run("first run", func(t *testing.T) { // its cleanup stops the poller
		p := gatedPoller(t, cfg, st, map[string]chan struct{}{}, builds)
		waitUntil(t, "ready", func() bool { ok, _ := p.Ready(); return ok })
		h, _ := p.View().Source("a")
		if !h.Up || h.LastSuccess.IsZero() {
			t.Fatalf("after a good poll: %+v", h)
		}
		last = h.LastSuccess
	})
	// As if b's last poll before the restart had failed.
	if err := st.SetHealth("b", []byte(`{"up":false,"last_success":"2026-11-30T10:00:00Z"}`)); err != nil {
		t.Fatal(err)
	}
	hang := make(chan struct{}) // never released: no poll of the second run ends
	p := gatedPoller(t, cfg, st, map[string]chan struct{}{"a": hang, "b": hang}, builds)
	waitUntil(t, "ready from the store", func() bool { ok, _ := p.Ready(); return ok })
	a, _ := p.View().Source("a")
	if !a.Up || !a.LastSuccess.Equal(last) {
		t.Errorf("a after a restart: up %v, last success %v; want up, %v", a.Up, a.LastSuccess, last)
	}
	b, _ := p.View().Source("b")
	if want := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC); b.Up || !b.LastSuccess.Equal(want) {
		t.Errorf("b after a restart: up %v, last success %v; want down, %v", b.Up, b.LastSuccess, want)
	}
}

// TestReconfigureKeepsUnchangedSources: a reload that changes one source and the customers
// rebuilds only that source, keeps the other running as it was, and serves the old view until
// the new config's first one, never none.
func TestReconfigureKeepsUnchangedSources(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	builds := map[string]*atomic.Int64{"a": {}, "b": {}}
	p := gatedPoller(t, gatedCfg(t, dir, "", ""), st, map[string]chan struct{}{}, builds)
	waitUntil(t, "ready", func() bool { ok, _ := p.Ready(); return ok })
	p.mu.Lock()
	runnerA := p.runners[0]
	p.mu.Unlock()
	before := p.View()

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 8 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if v := p.View(); v == nil || len(v.Snapshot.Customers) == 0 {
					t.Error("a reader saw no view or no customers during the reload")
					return
				}
			}
		}()
	}
	next := gatedCfg(t, dir, ", page_size: 50", "\n  - {id: globex, tier: gold, match: {project: [G]}}")
	if err := p.Reconfigure(next); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "a view under the new config", func() bool { return p.View().Config == next })
	close(stop)
	readers.Wait()

	if got := builds["a"].Load(); got != 1 {
		t.Errorf("source a was built %d times, want once (its config did not change)", got)
	}
	if got := builds["b"].Load(); got != 2 {
		t.Errorf("source b was built %d times, want twice (its config changed)", got)
	}
	p.mu.Lock()
	kept := p.runners[0] == runnerA
	p.mu.Unlock()
	if !kept {
		t.Error("source a's runner was replaced")
	}
	if v := p.View(); len(v.Snapshot.Customers) != 2 || v == before {
		t.Errorf("new view has %d customers, want 2", len(v.Snapshot.Customers))
	}
	if ok, waiting := p.Ready(); !ok {
		t.Errorf("not ready after a reload: %v", waiting)
	}

	// A config the poller cannot run changes nothing.
	bad := gatedCfg(t, dir, "", "")
	bad.Sources[1].Type = "nosuch"
	if err := p.Reconfigure(bad); err == nil || !strings.Contains(err.Error(), `unknown type "nosuch"`) {
		t.Errorf("Reconfigure(bad) = %v, want an unknown-type error", err)
	}
	if p.Config() != next {
		t.Error("a refused reconfigure changed the config")
	}
}

// clockSource stores one open ticket whose resolution clock breaches at breachAt, on its first
// poll; later polls change nothing.
type clockSource struct {
	breachAt time.Time
	polls    atomic.Int64
}

func (c *clockSource) Poll(_ context.Context, st source.Store) error {
	if c.polls.Add(1) > 1 {
		return nil
	}
	goal := time.Hour
	tk := &ticket.Ticket{Source: "a", Key: "K-1", Priority: ticket.P1, State: ticket.StateNew, Created: c.breachAt.Add(-goal), Updated: c.breachAt.Add(-goal),
		Attributes: ticket.Attributes{Project: "K"},
		Clocks: []ticket.Clock{{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
			{Start: c.breachAt.Add(-goal), Goal: goal, BreachAt: c.breachAt, ObservedAt: c.breachAt.Add(-goal)}}}}}
	return st.Apply(source.Batch{Upserts: []*ticket.Ticket{tk}, Cursor: []byte("1")})
}

func (c *clockSource) Reconcile(context.Context, source.Store) error { return nil }

// TestTimeAloneUpdatesTheView: with no poll due for hours, the view shows a clock breached once
// its breach instant passed: the poller wakes for it instead of rescanning on a timer.
func TestTimeAloneUpdatesTheView(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	cfg := gatedCfg(t, dir, "", "")
	cfg.Sources = cfg.Sources[:1]
	cfg.Sources[0].PollInterval = config.Duration(time.Hour)
	cfg.Sources[0].CustomerFrom = []config.MatchRule{{Kind: config.MatchProject}}
	src := &clockSource{breachAt: time.Now().Add(300 * time.Millisecond)}
	p, err := New(Options{
		Config:           cfg,
		Store:            st,
		Factories:        map[string]source.Factory{"jira": func(config.Source, source.Deps) (source.Source, error) { return src, nil }},
		SnapshotInterval: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	breached := func() float64 {
		v := p.View()
		if v == nil {
			return -1
		}
		c, _ := v.Customer("northwind")
		for _, s := range c.SLAs {
			if s.Name == ticket.SLAResolution {
				return s.Breached[0]
			}
		}
		return 0
	}
	waitUntil(t, "the ticket in the view", func() bool { v := p.View(); return v != nil && len(v.TicketsOf("northwind")) == 1 })
	if b := breached(); b != 0 && time.Now().Before(src.breachAt) {
		t.Fatalf("breached %v before the breach instant", b)
	}
	waitUntil(t, "the breach in the view", func() bool { return breached() == 1 })
	if n := src.polls.Load(); n != 1 {
		t.Errorf("%d polls; the breach must show without one", n)
	}
}

// TestSyncedOnlyOnceRecorded: a poll marks the store synced before it records its success, and
// a view computed between the two must not be complete with the source still down (the demo's
// golden scrape saw custops_source_up 0 after /-/ready under load). A runner counts as synced
// from its own record, or from the store's mark as it stood when it was built (a restart).
func TestSyncedOnlyOnceRecorded(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	newPoller := func() *Poller {
		p, err := New(Options{Config: gatedCfg(t, dir, "", ""), Store: st, Now: func() time.Time { return t0 },
			Factories: map[string]source.Factory{"jira": func(c config.Source, _ source.Deps) (source.Source, error) {
				return &gatedSource{name: c.Name, polls: &atomic.Int64{}}, nil
			}}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	health := func(p *Poller) SourceHealth { return find(p.runners, "a").health(st) }

	p := newPoller() // not run: the test plays the runner's steps
	if err := st.MarkSynced("a"); err != nil {
		t.Fatal(err)
	}
	if h := health(p); h.Synced {
		t.Errorf("between the store's mark and the poll's record: synced %v up %v; want not synced", h.Synced, h.Up)
	}
	find(p.runners, "a").record(nil, time.Second, t0)
	if h := health(p); !h.Synced || !h.Up {
		t.Errorf("after the record: synced %v up %v, want both", h.Synced, h.Up)
	}
	if h := health(newPoller()); !h.Synced {
		t.Errorf("a runner built on a store marked synced (a restart) is not synced")
	}
}
