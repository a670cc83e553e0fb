package jira

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// memStore is the shared in-memory store with this package's helpers.
type memStore struct{ *sourcetest.MemStore }

func newMemStore() *memStore { return &memStore{sourcetest.NewMemStore()} }

// fakeClock is the shared injected clock: Sleep advances it and records the wait.
type fakeClock = sourcetest.Clock

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
	return newEnvWrapped(t, opts, cfg, nil)
}

// newEnvWrapped is newEnv with the fake served through wrap (nil: as is), for tests that act
// between two requests or change what the vendor answers.
func newEnvWrapped(t testing.TB, opts jirafake.Options, cfg config.Source, wrap func(*jirafake.Server) http.Handler) *env {
	t.Helper()
	clock := sourcetest.NewClock(t0)
	if opts.Now == nil {
		opts.Now = clock.Now
	}
	fake := jirafake.New(opts)
	var h http.Handler = fake
	if wrap != nil {
		h = wrap(fake)
	}
	hs := httptest.NewServer(h)
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
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Stats:  stats,
		Now:    clock.Now,
		Sleep:  clock.Sleep,
		Jitter: func() float64 { return 0.5 },
	}
	src, err := newSource(cfg, deps)
	if err != nil {
		t.Fatalf("newSource: %v", err)
	}
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
