package poller

import (
	"math"
	"testing"
	"time"
)

// TestBackoffNeverOverflows: intervals a configuration built in Go may hold (a 100-year interval
// made 5 intervals overflow into a negative delay, 1,600 polls a second) and failure counts far
// past any doubling still give a delay within (0, a day], and a retry is never sooner than the
// 5s the backoff starts at unless the interval itself is shorter.
func TestBackoffNeverOverflows(t *testing.T) {
	p := &Poller{}
	year := 365 * 24 * time.Hour
	intervals := []time.Duration{0, -time.Second, time.Nanosecond, 20 * time.Millisecond, time.Minute, 24 * time.Hour, 100 * year, math.MaxInt64}
	for _, interval := range intervals {
		ceiling := p.maxBackoff(interval)
		if ceiling <= 0 || ceiling > maxRetryDelay {
			t.Errorf("maxBackoff(%v) = %v, want within (0, %v]", interval, ceiling, maxRetryDelay)
		}
		for _, n := range []int{1, 2, 30, 64, 1000, math.MaxInt} {
			d := backoff(n, ceiling)
			if d <= 0 || d > maxRetryDelay {
				t.Errorf("backoff(%d, maxBackoff(%v)) = %v, want within (0, %v]", n, interval, d, maxRetryDelay)
			}
			if interval >= time.Second && d < 4*time.Second {
				t.Errorf("backoff(%d, maxBackoff(%v)) = %v, want at least 4s (5s less the jitter)", n, interval, d)
			}
		}
	}
	p.opts.MaxBackoff = 100 * year
	if got := p.maxBackoff(time.Minute); got != maxRetryDelay {
		t.Errorf("MaxBackoff of 100 years: ceiling %v, want %v", got, maxRetryDelay)
	}
}
