package poller

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
)

// keysSource stores its tickets at its first poll when the store has no cursor, and records the
// keys each Reconcile is asked about, finding every ticket still there.
type keysSource struct {
	tickets []*ticket.Ticket
	mu      sync.Mutex
	parts   [][]string
}

func (k *keysSource) Poll(_ context.Context, st source.Store) error {
	if st.Cursor() != nil {
		return nil
	}
	return st.Apply(source.Batch{Upserts: k.tickets, Cursor: []byte("1")})
}

func (k *keysSource) Reconcile(_ context.Context, st source.Store) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.parts = append(k.parts, st.OpenKeys())
	return nil
}

func (k *keysSource) reconciled() [][]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return slices.Clone(k.parts)
}

func openTickets(n int) []*ticket.Ticket {
	out := make([]*ticket.Ticket, n)
	for i := range out {
		out[i] = &ticket.Ticket{Source: "a", Key: fmt.Sprintf("K-%04d", i), Priority: ticket.P3, State: ticket.StateInProgress, Created: t0, Updated: t0}
	}
	return out
}

// runKeys runs a poller of one source a polling every 20 ms, reconciling every 200 ms, on st.
func runKeys(t *testing.T, dir string, st *store.Store, src *keysSource) (stop func()) {
	t.Helper()
	cfg := gatedCfg(t, dir, "", "")
	cfg.Sources = cfg.Sources[:1]
	cfg.Sources[0].PollInterval = config.Duration(20 * time.Millisecond)
	cfg.ReconcileInterval = config.Duration(200 * time.Millisecond)
	p, err := New(Options{
		Config:           cfg,
		Store:            st,
		Factories:        map[string]source.Factory{"jira": func(config.Source, source.Deps) (source.Source, error) { return src, nil }},
		SnapshotInterval: time.Hour,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// TestReconcileIsSpreadAndResumesAfterRestart: a cold sync reconciles nothing at once; then
// each poll reconciles its share of the open keys (1,000 keys, 10 polls an interval: 100 each),
// in order; a restart resumes after the last key reconciled instead of asking about them all.
func TestReconcileIsSpreadAndResumesAfterRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	first := &keysSource{tickets: openTickets(1000)}
	stop := runKeys(t, dir, st, first)
	started := time.Now()
	waitUntil(t, "three reconcile parts", func() bool { return len(first.reconciled()) >= 3 })
	stop()
	if since := time.Since(started); since < 200*time.Millisecond {
		t.Errorf("the first reconcile came %s after the cold sync, before the 200ms interval", since)
	}
	parts := first.reconciled()
	var all []string
	for i, part := range parts {
		if len(part) != 100 {
			t.Fatalf("part %d has %d keys, want 100", i, len(part))
		}
		all = append(all, part...)
	}
	if !slices.IsSorted(all) || all[0] != "K-0000" {
		t.Fatalf("parts are not in key order from the first: %v...", all[:3])
	}

	second := &keysSource{}
	stop = runKeys(t, dir, st, second)
	waitUntil(t, "a reconcile after the restart", func() bool { return len(second.reconciled()) >= 1 })
	stop()
	next := second.reconciled()[0]
	if len(next) != 100 || next[0] <= all[len(all)-1] {
		t.Errorf("after the restart the reconcile asked about %d keys from %s; want 100 after %s", len(next), next[0], all[len(all)-1])
	}
}

// TestRetentionDropsQuietResolvedTickets: after a poll, resolved tickets quiet for longer than
// the retention are gone from the store and from the next view; an old open one stays.
func TestRetentionDropsQuietResolvedTickets(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	now := time.Now()
	old := now.Add(-200 * 24 * time.Hour)
	tickets := []*ticket.Ticket{
		{Source: "a", Key: "K-OLD", Priority: ticket.P3, State: ticket.StateClosed, Created: old, Updated: old, Resolved: old, Attributes: ticket.Attributes{Project: "K"}},
		{Source: "a", Key: "K-OPEN", Priority: ticket.P3, State: ticket.StateNew, Created: old, Updated: old, Attributes: ticket.Attributes{Project: "K"}},
		{Source: "a", Key: "K-NEW", Priority: ticket.P3, State: ticket.StateResolved, Created: now, Updated: now, Resolved: now, Attributes: ticket.Attributes{Project: "K"}},
	}
	cfg := gatedCfg(t, dir, "", "")
	cfg.Sources = cfg.Sources[:1]
	cfg.Sources[0].CustomerFrom = []config.MatchRule{{Kind: config.MatchProject}}
	src := &keysSource{tickets: tickets}
	p, err := New(Options{
		Config:    cfg,
		Store:     st,
		Factories: map[string]source.Factory{"jira": func(config.Source, source.Deps) (source.Source, error) { return src, nil }},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	waitUntil(t, "the retention", func() bool { _, ok := st.Get("a", "K-OLD"); return !ok && st.Count("a") == 2 })
	p.recompute()
	var keys []string
	for _, tk := range p.View().TicketsOf("northwind") {
		keys = append(keys, tk.Key)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"K-NEW", "K-OPEN"}) {
		t.Errorf("the view holds %v, want K-NEW and K-OPEN", keys)
	}
}
