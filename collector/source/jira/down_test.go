package jira

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/internal/demo/jirafake"
)

// countingPolls counts the polls the poller runs.
type countingPolls struct {
	source.Source
	polls *atomic.Int32
}

func (c countingPolls) Poll(ctx context.Context, st source.Store) error {
	c.polls.Add(1)
	return c.Source.Poll(ctx, st)
}

// syncBuffer is a log sink the poller's goroutines write to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
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

// TestRetryAfterOfADayTakesTheSourceDown runs the real poller on a Jira that answers the first
// search with 429 and a Retry-After of a day: the poll ends at once with the reason, the
// source shows down (up = 0), and the polls after it send nothing to Jira and do not sleep.
func TestRetryAfterOfADayTakesTheSourceDown(t *testing.T) {
	fake := jirafake.New(jirafake.Options{})
	hs := httptest.NewServer(fake)
	t.Cleanup(hs.Close)
	fake.FailNext(1, jirafake.Fault{Endpoint: "search", Status: 429, RetryAfter: "86400"})
	t.Setenv("CUSTOPS_TEST_JIRA_TOKEN", "a-token")
	cfg, err := config.Parse(fmt.Appendf(nil, `
state_dir: %s
sources:
  - name: jsm
    type: jira
    url: %s
    flavor: cloud
    auth: {email: ops@example.com, token_env: CUSTOPS_TEST_JIRA_TOKEN}
customers:
  - id: northwind
    tier: gold
    match: {organization: [Northwind]}
tiers:
  gold: {sla: {calendar: 24x7, goals: {p1: {resolution: 4h}}}}
`, t.TempDir(), hs.URL), "down.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Sources[0].PollInterval = config.Duration(20 * time.Millisecond) // below what a file may set: the test polls fast
	st, err := store.Open(cfg.StateDir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	polls := &atomic.Int32{}
	logs := &syncBuffer{}
	p, err := poller.New(poller.Options{
		Config: cfg, Store: st, Logger: slog.New(slog.NewTextHandler(logs, nil)),
		Factories: map[string]source.Factory{"jira": func(c config.Source, d source.Deps) (source.Source, error) {
			s, err := New(c, d)
			return countingPolls{s, polls}, err
		}},
		MaxBackoff: 20 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })

	start := time.Now()
	for polls.Load() < 5 {
		if time.Since(start) > 20*time.Second {
			t.Fatalf("only %d polls in 20s: a poll is sleeping", polls.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if h, ok := p.View().Source("jsm"); !ok || h.Up || !h.LastSuccess.IsZero() {
		t.Errorf("source health after the 429: %+v, want down", h)
	}
	searches := 0
	for _, r := range fake.Requests() {
		if r.Endpoint == "search" {
			searches++
		}
	}
	if searches != 1 {
		t.Errorf("searches over %d polls: got %d, want 1 (Jira said when to come back)", polls.Load(), searches)
	}
	if out := logs.String(); !strings.Contains(out, "rate limited") || !strings.Contains(out, "429 with Retry-After") {
		t.Errorf("the poller's log does not say why the source is down:\n%s", out)
	}
}
