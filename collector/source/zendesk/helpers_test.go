package zendesk

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/collector/source/vendorhttp"
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

	mu    sync.Mutex
	times map[string][]time.Time // when (on clk) each request reached the fake, by path
}

// roomy are limits that never make a test wait, for tests about other waits.
var roomy = map[string]vendorhttp.Limit{
	classIncremental: {Every: time.Second, Burst: 10},
	classAccount:     {Every: time.Second, Burst: 10},
}

func newHarness(t testing.TB, opts zendeskfake.Options, mod func(*config.Source)) *harness {
	t.Helper()
	if opts.Token == "" {
		opts.Email, opts.Token = testEmail, testToken
	}
	clk := sourcetest.NewClock(t0)
	if opts.Now == nil {
		opts.Now = clk.Now // the vendor's clock is the source's, unless a test skews it
	}
	fake := zendeskfake.New(opts)
	h := &harness{fake: fake, st: newMemStore(), clk: clk, stats: source.NewStats(), logs: &bytes.Buffer{},
		times: map[string][]time.Time{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.times[r.URL.Path] = append(h.times[r.URL.Path], h.clk.Now())
		h.mu.Unlock()
		fake.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	h.url = srv.URL
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
	src, err := newSource(cfg, h.deps())
	if err != nil {
		t.Fatal(err)
	}
	h.src = src
	return h
}

// deps are the harness's clock, counters and logs, with the backoff's jitter pinned to 0.5
// (backoffs of 375ms, 750ms, 1.5s, 3s).
func (h *harness) deps() source.Deps {
	return source.Deps{
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Stats:  h.stats,
		Now:    h.clk.Now,
		Sleep:  h.clk.Sleep,
		Jitter: func() float64 { return 0.5 },
	}
}

// repace gives the source a client with other limits and deps.
func (h *harness) repace(t testing.TB, limits map[string]vendorhttp.Limit, deps source.Deps) {
	t.Helper()
	c, err := newClient(h.src.cfg, deps, limits)
	if err != nil {
		t.Fatal(err)
	}
	h.src.c = c
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

// synced stores a cursor past the first sync's search for old open tickets, for tests about
// what the export's requests meet.
func (h *harness) synced(t testing.TB) {
	t.Helper()
	cur := cursorState{V: cursorVersion, OldOpenDone: true}
	if err := h.st.Apply(source.Batch{Cursor: cur.encode()}); err != nil {
		t.Fatal(err)
	}
}
