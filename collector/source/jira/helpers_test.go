package jira

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/jira/jirafake"
	"github.com/custops/custops/collector/ticket"
)

// memStore is an in-memory source.Store that records the batches applied to it.
type memStore struct {
	mu      sync.Mutex
	tickets map[string]*ticket.Ticket
	cursor  []byte
	batches []source.Batch
}

func newMemStore() *memStore { return &memStore{tickets: map[string]*ticket.Ticket{}} }

func (m *memStore) Cursor() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.cursor
}

func (m *memStore) Get(key string) (*ticket.Ticket, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tickets[key]
	return t, ok
}

func (m *memStore) OpenKeys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k, t := range m.tickets {
		if t.Open() {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

func (m *memStore) Apply(b source.Batch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, t := range b.Upserts {
		m.tickets[t.Key] = t
	}
	for _, k := range b.Deletes {
		delete(m.tickets, k)
	}
	if b.Cursor != nil {
		m.cursor = b.Cursor
	}
	m.batches = append(m.batches, b)
	return nil
}

func (m *memStore) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tickets)
}

func (m *memStore) upserts() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, b := range m.batches {
		n += len(b.Upserts)
	}
	return n
}

// fakeClock is the injected clock: Sleep advances it and records what was asked.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// env is one source wired to one fake server.
type env struct {
	fake  *jirafake.Server
	http  *httptest.Server
	src   *Source
	clock *fakeClock
	stats *source.Stats
	logs  *bytes.Buffer
	st    *memStore
	deps  source.Deps
}

// t0 is the tests' "now": a Tuesday afternoon.
var t0 = time.Date(2026, 3, 10, 14, 30, 0, 0, time.UTC)

func newEnv(t testing.TB, opts jirafake.Options, cfg config.Source) *env {
	t.Helper()
	clock := &fakeClock{now: t0}
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	fake := jirafake.New(opts)
	hs := httptest.NewServer(fake)
	t.Cleanup(hs.Close)
	if cfg.Name == "" {
		cfg.Name = "jsm"
	}
	cfg.URL = hs.URL
	if cfg.Flavor == "" {
		cfg.Flavor = string(opts.Flavor)
	}
	stats := source.NewStats()
	logs := &bytes.Buffer{}
	deps := source.Deps{
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Stats:      stats,
		Now:        clock.Now,
		HTTPClient: hs.Client(),
		Sleep:      clock.Sleep,
	}
	src, err := newSource(cfg, deps)
	if err != nil {
		t.Fatalf("newSource: %v", err)
	}
	src.c.jitter = func() float64 { return 0.5 }
	return &env{fake: fake, http: hs, src: src, clock: clock, stats: stats, logs: logs, st: newMemStore(), deps: deps}
}

func (e *env) poll(t testing.TB) {
	t.Helper()
	if err := e.src.Poll(context.Background(), e.st); err != nil {
		t.Fatalf("Poll: %v", err)
	}
}

func (e *env) put(t testing.TB, tickets ...*ticket.Ticket) {
	t.Helper()
	issues := make([]jirafake.Issue, len(tickets))
	for i, tk := range tickets {
		issues[i] = jirafake.IssueFromTicket(tk)
	}
	if err := e.fake.Put(issues...); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

// searches returns the search requests recorded since the last reset.
func (e *env) searches() []jirafake.RecordedRequest {
	var out []jirafake.RecordedRequest
	for _, r := range e.fake.Requests() {
		if r.Endpoint == "search" {
			out = append(out, r)
		}
	}
	return out
}

// mk builds a plain open ticket in project SUP.
func mk(key string, updated time.Time, mods ...func(*ticket.Ticket)) *ticket.Ticket {
	tk := &ticket.Ticket{
		Source: "jsm", Key: key, Summary: "Summary of " + key,
		Attributes: ticket.Attributes{Project: "SUP"},
		Priority:   ticket.P3, State: ticket.StateInProgress, Channel: ticket.ChannelPortal,
		Created: updated.Add(-time.Hour), Updated: updated,
	}
	for _, m := range mods {
		m(tk)
	}
	return tk
}

func keyN(i int) string { return "SUP-" + strconv.Itoa(i) }
