package zendesk

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestPacerBudget(t *testing.T) {
	clk := &fakeClock{now: t0}
	p := newPacer(clk.Now, defaultBudgets())
	var waits []time.Duration
	for range 12 {
		waits = append(waits, p.reserve(classIncremental))
	}
	want := append(make([]time.Duration, 10), 6*time.Second, 12*time.Second)
	if !slices.Equal(waits, want) {
		t.Errorf("12 incremental requests at once: got waits %v, want %v", waits, want)
	}
	// A minute later the bucket is full again: a normal poll never waits.
	clk.Advance(2 * time.Minute)
	if got := []time.Duration{p.reserve(classIncremental), p.reserve(classIncremental)}; !slices.Equal(got, []time.Duration{0, 0}) {
		t.Errorf("a poll after a quiet minute: got waits %v, want none", got)
	}
	if got := p.reserve(classAccount); got != 0 {
		t.Errorf("the account class has its own budget: got wait %v, want 0", got)
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
			clk := &fakeClock{now: t0}
			p := newPacer(clk.Now, defaultBudgets())
			p.observe(classAccount, tc.header)
			if got := p.reserve(classAccount); got != tc.want {
				t.Errorf("wait: got %v, want %v", got, tc.want)
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
