// Package fault puts faults between custops and its vendor fakes: a Proxy in front of a fake
// (internal/demo/jirafake, internal/demo/zendeskfake) that answers with storms of 429s, 5xx,
// hangs, broken, cut and huge bodies, waits of a day, a skewed clock, poisoned and looping
// page tokens and redirects elsewhere, and logs every request it passes; and a Clock that runs
// faster than the wall clock, so a test sees minutes of vendor pacing in a second. The fault
// suite (suite_test.go) drives the real poller, store and sources through them (issue 13).
package fault

import (
	"context"
	"sync"
	"time"
)

// Clock is a clock running Speed times faster than the wall clock from a start instant, which
// can also jump ahead. Give its Now and Sleep to the sources and to the proxy: the sources'
// pacing, Retry-After waits and backoffs then pass Speed times faster, and what the proxy
// counts per minute is counted in the same time the sources pace themselves by.
type Clock struct {
	speed     float64
	realStart time.Time

	mu     sync.Mutex
	start  time.Time
	jumped chan struct{} // closed and replaced by Advance, to wake sleepers
}

// NewClock returns a clock at start, running speed times faster than the wall clock.
func NewClock(start time.Time, speed float64) *Clock {
	return &Clock{speed: speed, realStart: time.Now(), start: start, jumped: make(chan struct{})}
}

// Now returns the clock's instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(time.Duration(float64(time.Since(c.realStart)) * c.speed))
}

// Advance moves the clock d ahead at once; sleepers wake if their time has come.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.start = c.start.Add(d)
	close(c.jumped)
	c.jumped = make(chan struct{})
	c.mu.Unlock()
}

// Real returns how long d of the clock's time takes on the wall clock.
func (c *Clock) Real(d time.Duration) time.Duration { return time.Duration(float64(d) / c.speed) }

// Sleep waits until d of the clock's time has passed, or ctx ends.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	until := c.Now().Add(d)
	for {
		left := until.Sub(c.Now())
		if left <= 0 {
			return nil
		}
		c.mu.Lock()
		jumped := c.jumped
		c.mu.Unlock()
		t := time.NewTimer(c.Real(left) + time.Microsecond)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-jumped:
			t.Stop()
		case <-t.C:
		}
	}
}
