package zendesk

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/source/sourcetest"

	"github.com/custops/custops/internal/demo/zendeskfake"
)

func TestPacerBudget(t *testing.T) {
	clk := sourcetest.NewClock(t0)
	p := newPacer(clk.Now, defaultBudgets())
	var waits []time.Duration
	for range 3 {
		waits = append(waits, p.reserve(classIncremental))
	}
	want := []time.Duration{0, 6500 * time.Millisecond, 13 * time.Second}
	if !slices.Equal(waits, want) {
		t.Errorf("3 incremental requests at once: got waits %v, want %v", waits, want)
	}
	// A normal poll a minute later: one export request and the metric events, no wait.
	clk.Advance(time.Minute)
	if got := []time.Duration{p.reserve(classIncremental), p.reserve(classAccount)}; !slices.Equal(got, []time.Duration{0, 0}) {
		t.Errorf("a poll a minute later: got waits %v, want none", got)
	}
	var acct []time.Duration
	for range 12 {
		acct = append(acct, p.reserve(classAccount))
	}
	if acct[8] != 0 || acct[9] != 600*time.Millisecond || acct[10] != 1200*time.Millisecond {
		t.Errorf("account burst of 10 then one per 600ms: got %v", acct)
	}
}

func TestPacerHeaders(t *testing.T) {
	cases := []struct {
		name   string
		header http.Header
		want   time.Duration
	}{
		{"plenty left", http.Header{"X-Rate-Limit-Remaining": {"250"}}, 0},
		{"none left, reset given", http.Header{"Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"37"}}, 37 * time.Second},
		{"none left, no reset", http.Header{"X-Rate-Limit-Remaining": {"0"}}, fallbackPause},
		{"several policies, first binds", http.Header{"Ratelimit-Remaining": {"0, 10;w=60"}, "Ratelimit-Reset": {"5"}}, 5 * time.Second},
		{"no headers", http.Header{}, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			clk := sourcetest.NewClock(t0)
			p := newPacer(clk.Now, defaultBudgets())
			p.observe(tc.header)
			if got := p.reserve(classAccount); got != tc.want {
				t.Errorf("account wait: got %v, want %v", got, tc.want)
			}
			if got := p.reserve(classIncremental); got != tc.want {
				t.Errorf("export wait: got %v, want %v (the account limit binds every endpoint)", got, tc.want)
			}
		})
	}
}

func TestRetryAfterParse(t *testing.T) {
	cases := []struct {
		name  string
		value string
		want  time.Duration
	}{
		{"seconds", "12", 12 * time.Second},
		{"http date", t0.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{"missing", "", time.Minute},
		{"garbage", "soon", time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := retryAfter(http.Header{"Retry-After": {tc.value}}, t0); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestBackoffOverlapsPacing(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.ServerError, Count: 1})
	h.mustPoll(t)
	// The refused export used its slot: the retry waits for the next one (6.5s), which covers
	// the 1s backoff instead of adding to it.
	if got := h.clk.Sleeps(); !slices.Equal(got, []time.Duration{6500 * time.Millisecond}) {
		t.Errorf("sleeps: got %v, want [6.5s]", got)
	}
}
