package poller

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/exporter"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/internal/demo/sim"
)

var t0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func demoConfig(t *testing.T, dir string) *config.Config {
	t.Helper()
	cfg, err := config.Parse(sim.DemoConfig(), "demo.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.StateDir = dir
	for i := range cfg.Sources {
		cfg.Sources[i].PollInterval = config.Duration(20 * time.Millisecond)
	}
	return cfg
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

func startPoller(t *testing.T, cfg *config.Config, now time.Time) *running {
	t.Helper()
	st, err := store.Open(cfg.StateDir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	upserts := &atomic.Int64{}
	p, err := New(Options{
		Config: cfg,
		Store:  st,
		Factories: map[string]source.Factory{"sim": func(c config.Source, d source.Deps) (source.Source, error) {
			s, err := sim.New(c, d)
			return countingSource{s, upserts}, err
		}},
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

func allUp(p *Poller) bool {
	for _, s := range p.Sources() {
		if !s.Up {
			return false
		}
	}
	return true
}

// exposition renders the customer metrics of a poller's snapshot, for comparing two snapshots
// (NaN quantiles compare equal as text, not as floats).
func exposition(t *testing.T, p *Poller) string {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(exporter.New(stateOf{p}))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "custops_source") || strings.HasPrefix(mf.GetName(), "custops_snapshot") {
			continue // health and timings differ between runs by nature
		}
		if _, err := expfmt.MetricFamilyToText(&buf, mf); err != nil {
			t.Fatal(err)
		}
	}
	return buf.String()
}

type stateOf struct{ *Poller }

func (s stateOf) ReloadSuccessful() bool { return true }

func TestPollerSyncsEverySource(t *testing.T) {
	cfg := demoConfig(t, t.TempDir())
	r := startPoller(t, cfg, t0)
	waitUntil(t, "ready", func() bool { ok, _ := r.p.Ready(); return ok && allUp(r.p) })
	r.p.recompute() // the background recompute after the last poll may not have run yet

	snap, _ := r.p.Snapshot()
	if snap == nil || len(snap.Customers) != len(cfg.Customers) {
		t.Fatalf("snapshot has %v customers, want %d", snap, len(cfg.Customers))
	}
	for _, s := range r.p.Sources() {
		if s.Tickets == 0 || s.LastSuccess.IsZero() || s.PollInterval != 20*time.Millisecond {
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
	cfg := demoConfig(t, dir)
	first := startPoller(t, cfg, t0)
	waitUntil(t, "first sync", func() bool { ok, _ := first.p.Ready(); return ok && allUp(first.p) })
	first.p.recompute()
	before := exposition(t, first.p)
	first.stop()
	if first.upserts.Load() == 0 {
		t.Fatal("the first run stored nothing")
	}

	second := startPoller(t, demoConfig(t, dir), t0)
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
	cfg := demoConfig(t, t.TempDir())
	r := startPoller(t, cfg, t0)
	waitUntil(t, "sync", func() bool { ok, _ := r.p.Ready(); return ok && allUp(r.p) })
	r.p.recompute()
	before := exposition(t, r.p)

	src, err := r.p.Source("jsm")
	if err != nil {
		t.Fatal(err)
	}
	src.(countingSource).Source.(*sim.Source).SetDown(true)
	waitUntil(t, "jsm down", func() bool {
		for _, s := range r.p.Sources() {
			if s.Name == "jsm" {
				return !s.Up
			}
		}
		return false
	})
	r.p.recompute()
	if after := exposition(t, r.p); after != before {
		t.Errorf("a failed poll changed the served data")
	}
	for _, s := range r.p.Sources() {
		if s.Name == "jsm" && (s.LastSuccess.IsZero() || s.Tickets == 0) {
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
			if d := backoff(c.n, time.Minute, c.max); d < c.lo || d > c.hi {
				t.Errorf("backoff(%d, max %v) = %v, want within [%v, %v]", c.n, c.max, d, c.lo, c.hi)
			}
		}
	}
}

func TestSnapshotsAreSwappedAtomically(t *testing.T) {
	cfg := demoConfig(t, t.TempDir())
	r := startPoller(t, cfg, t0)
	waitUntil(t, "sync", func() bool { ok, _ := r.p.Ready(); return ok })
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if s, _ := r.p.Snapshot(); s == nil {
					t.Error("nil snapshot while serving")
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
	cfg := demoConfig(t, t.TempDir())
	cfg.Sources[0].SLA = config.SLABoth
	r := startPoller(t, cfg, t0)
	waitUntil(t, "sync", func() bool { ok, _ := r.p.Ready(); return ok && allUp(r.p) })
	r.p.recompute()

	contract := 0
	for _, tk := range r.p.Tickets() {
		if tk.Source != cfg.Sources[0].Name {
			continue
		}
		for _, c := range tk.Clocks {
			if c.Name == "first_response_contract" {
				contract++
			}
		}
	}
	if contract == 0 {
		t.Fatalf("no computed first_response_contract clocks on %s tickets", cfg.Sources[0].Name)
	}
	snap, _ := r.p.Snapshot()
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
