package zendesk

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// memStore is the shared in-memory store with this package's helpers.
type memStore struct{ *sourcetest.MemStore }

func newMemStore() *memStore { return &memStore{sourcetest.NewMemStore()} }

// fakeClock is the shared injected clock: Sleep advances it and records the wait.
type fakeClock = sourcetest.Clock

// t0 is the tests' "now": far enough from the fixtures (2019) that they fall outside the first
// sync's year unless a test moves the clock.
var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

const (
	testEmail = "ops@example.com"
	testToken = "zd-s3cr3t-T0KEN-value"
)

// harness is a fake Zendesk, a source pointed at it, a store and a clock.
type harness struct {
	fake  *zendeskfake.Server
	src   *Source
	st    *memStore
	clk   *fakeClock
	stats *source.Stats
	logs  *bytes.Buffer
	url   string
}

func newHarness(t testing.TB, opts zendeskfake.Options, mod func(*config.Source)) *harness {
	t.Helper()
	if opts.Token == "" {
		opts.Email, opts.Token = testEmail, testToken
	}
	fake := zendeskfake.New(opts)
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	tokenFile := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tokenFile, []byte(testToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := config.Source{
		Name: "zendesk", Type: "zendesk", URL: srv.URL + "/",
		Auth:       config.Auth{Email: testEmail, TokenFile: tokenFile},
		Escalation: config.Escalation{Labels: []string{"escalated"}},
	}
	if mod != nil {
		mod(&cfg)
	}
	h := &harness{fake: fake, st: newMemStore(), clk: sourcetest.NewClock(t0), stats: source.NewStats(), logs: &bytes.Buffer{}, url: srv.URL}
	src, err := newSource(cfg, source.Deps{
		Logger:     slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Stats:      h.stats,
		Now:        h.clk.Now,
		HTTPClient: srv.Client(),
		Sleep:      h.clk.Sleep,
	})
	if err != nil {
		t.Fatal(err)
	}
	src.c.jitter = func() float64 { return 0.5 } // backoff exactly base*2^n
	h.src = src
	return h
}

func (h *harness) poll(t *testing.T) error {
	t.Helper()
	return h.src.Poll(context.Background(), h.st)
}

func (h *harness) mustPoll(t *testing.T) {
	t.Helper()
	if err := h.poll(t); err != nil {
		t.Fatalf("poll: %v", err)
	}
}

// requestCount sums the stats counters of an endpoint and code ("" for any code).
func (h *harness) requestCount(endpoint, code string) float64 {
	var n float64
	for _, r := range h.stats.Requests() {
		if r.Endpoint == endpoint && (code == "" || r.Code == code) {
			n += r.Count
		}
	}
	return n
}

func ptr[T any](v T) *T { return &v }

// zTicket is a plain open ticket in wire format.
func zTicket(id int64, updated time.Time) zendeskfake.Ticket {
	return zendeskfake.Ticket{
		ID: id, Subject: "printer on fire", Status: "open", Priority: ptr("high"),
		CreatedAt: updated.Add(-time.Hour), UpdatedAt: updated,
		RequesterID: 10, SubmitterID: 10,
		Via: zendeskfake.Via{Channel: "email"},
	}
}

func sourceDepsForTest() source.Deps {
	return source.Deps{Now: func() time.Time { return t0 }}
}
