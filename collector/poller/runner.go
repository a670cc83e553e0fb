package poller

import (
	"context"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
)

// runner polls one source on its interval and keeps its health.
type runner struct {
	name     string
	cfg      config.Source // what it was built from, to tell an unchanged source on reload
	src      source.Source
	view     source.Store
	stats    *source.Stats
	interval time.Duration
	logger   *slog.Logger

	cancel context.CancelFunc // set by Poller.start
	done   chan struct{}

	mu sync.Mutex
	up bool
	// synced: finished a whole poll, in this run (record) or before a restart (the store's mark
	// when the runner was built). Not the store's mark read later: a poll marks the store before
	// it records its success, and a view between the two would be complete with the source down.
	synced       bool
	lastSuccess  time.Time
	pollDuration time.Duration
}

// run polls until ctx ends: on success after the interval, after a failure with capped,
// jittered backoff. A poll that succeeds marks the source synced in the store once, so a
// restart is ready at once, and is followed by the source's share of maintenance (maintain.go).
func (r *runner) run(ctx context.Context, p *Poller) {
	var failures int
	m := newMaintenance(r, p)
	for {
		started := time.Now() // real elapsed time of the poll, whatever the ticket clock does
		err := r.src.Poll(ctx, r.view)
		if err == nil && !p.opts.Store.Synced(r.name) {
			err = p.opts.Store.MarkSynced(r.name)
		}
		if err == nil {
			err = m.afterPoll(ctx)
		}
		if ctx.Err() != nil {
			return
		}
		took := time.Since(started)
		r.record(err, took, p.opts.Wall())
		r.saveHealth(p.opts.Store)
		p.trigger()

		delay := r.interval
		if err != nil {
			failures++
			delay = backoff(failures, p.maxBackoff(r.interval))
			r.logger.Error("poll failed; keeping the last good data", "err", err, "failures", failures, "retry_in", delay)
		} else {
			if failures > 0 {
				r.logger.Info("poll recovered", "after_failures", failures)
			}
			failures = 0
			r.logger.Debug("poll done", "duration", took)
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// stop ends the runner's loop and waits for it.
func (r *runner) stop() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	<-r.done
}

// maxRetryDelay bounds every retry delay, whatever the interval: the config bounds poll
// intervals to a day, and a configuration built in Go must not overflow 5 intervals into a
// negative delay (a 100-year interval did: 1,600 polls a second).
const maxRetryDelay = 24 * time.Hour

func (p *Poller) maxBackoff(interval time.Duration) time.Duration {
	if p.opts.MaxBackoff > 0 {
		return min(p.opts.MaxBackoff, maxRetryDelay)
	}
	if interval >= maxRetryDelay/5 {
		return maxRetryDelay
	}
	return max(5*interval, time.Millisecond)
}

// backoff is the retry delay after the n-th consecutive failure: 5s doubling, capped by ceiling
// (and maxRetryDelay), with up to 20% jitter so several exporters do not retry in step. It is
// never negative, whatever n and ceiling.
func backoff(n int, ceiling time.Duration) time.Duration {
	ceiling = min(max(ceiling, time.Millisecond), maxRetryDelay)
	d := 5 * time.Second
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2 // d < ceiling <= a day: cannot overflow
	}
	d = min(d, ceiling)
	if d < time.Second {
		return d
	}
	return d - time.Duration(rand.Int64N(int64(d/5)))
}

func (r *runner) record(err error, took time.Duration, wall time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pollDuration = took
	r.up = err == nil
	if err == nil {
		r.lastSuccess = wall
		r.synced = true
	}
}

// savedHealth is a runner's health as the store keeps it (JSON): a restarted exporter reports
// what the last poll before it left (up or down, and when it last succeeded) until its own first
// poll, rather than a source that never polled, which would raise the stale alert at every
// restart whose first poll takes a while.
type savedHealth struct {
	Up           bool          `json:"up"`
	LastSuccess  time.Time     `json:"last_success,omitzero"`
	PollDuration time.Duration `json:"poll_duration_ns,omitempty"`
}

// saveHealth writes the runner's health to the store. A failure is logged, not returned: the
// health in memory stands, and only a restart's first seconds would miss it.
func (r *runner) saveHealth(st *store.Store) {
	r.mu.Lock()
	h := savedHealth{Up: r.up, LastSuccess: r.lastSuccess, PollDuration: r.pollDuration}
	r.mu.Unlock()
	b, err := json.Marshal(h)
	if err == nil {
		err = st.SetHealth(r.name, b)
	}
	if err != nil {
		r.logger.Warn("could not keep the source's health for a restart", "err", err)
	}
}

// restoreHealth takes the health the store kept from before a restart, if any.
func (r *runner) restoreHealth(st *store.Store) {
	b := st.Health(r.name)
	if b == nil {
		return
	}
	var h savedHealth
	if err := json.Unmarshal(b, &h); err != nil {
		r.logger.Warn("ignoring the source's unreadable health record", "err", err)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.up, r.lastSuccess, r.pollDuration = h.Up, h.LastSuccess, h.PollDuration
}

// inherit takes over the health of the runner a reload replaces: the source's data stayed in
// the store, and its staleness must not reset.
func (r *runner) inherit(old *runner) {
	old.mu.Lock()
	defer old.mu.Unlock()
	r.up, r.synced, r.lastSuccess, r.pollDuration = old.up, old.synced, old.lastSuccess, old.pollDuration
}

func (r *runner) health(st *store.Store) SourceHealth {
	r.mu.Lock()
	defer r.mu.Unlock()
	return SourceHealth{
		Name:         r.name,
		Up:           r.up,
		Synced:       r.synced,
		LastSuccess:  r.lastSuccess,
		PollDuration: r.pollDuration,
		PollInterval: r.interval,
		Tickets:      st.Count(r.name),
		Stats:        r.stats,
	}
}
