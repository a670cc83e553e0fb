// Package poller runs every configured source on its own interval in the background, keeps each
// source's health, and recomputes the served snapshot after each poll, swapping it in atomically.
// It is the only writer of the store and the only caller of the ticketing APIs.
package poller

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/exporter"
	"github.com/custops/custops/collector/match"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
)

// Options are what a Poller is built from.
type Options struct {
	Config    *config.Config
	Store     *store.Store
	Factories map[string]source.Factory // by config `type`
	// Stats holds each source's request counters by name; kept by the caller across reloads so
	// counters stay monotonic. Missing entries are created.
	Stats      map[string]*source.Stats
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is the ticket clock: what "now" is for SLA clocks and ages. The demo runs it faster than
	// the wall clock. Default: Wall.
	Now func() time.Time
	// Wall is the real clock, for health timestamps that Prometheus compares with time().
	Wall func() time.Time
	// SnapshotInterval recomputes the snapshot even without polls, so ages and at-risk counts move
	// with time. Default 15s.
	SnapshotInterval time.Duration
	// MaxBackoff caps the retry delay after failed polls. Default: 5 poll intervals.
	MaxBackoff time.Duration
	// OnSnapshot, when set, runs after each new snapshot is swapped in (the metrics handler
	// renders it there, so a scrape does not have to).
	OnSnapshot func()
}

// Poller polls the sources and serves snapshots. Its read methods are safe for concurrent use.
type Poller struct {
	opts    Options
	logger  *slog.Logger
	matcher *match.Matcher
	sla     *sla.Engine // nil when every source uses its native SLA data
	sources []*polled
	kick    chan struct{}

	snap atomic.Pointer[served]
}

type served struct {
	snap    *snapshot.Snapshot
	took    time.Duration
	tickets []*ticket.Ticket // the tickets behind snap, computed SLA clocks included
	// complete: every source had synced before snap was computed, so snap shows all of them.
	complete bool
}

// polled is one source with its health.
type polled struct {
	name     string
	src      source.Source
	view     source.Store
	stats    *source.Stats
	interval time.Duration
	logger   *slog.Logger

	mu           sync.Mutex
	up           bool
	polledOnce   bool
	lastSuccess  time.Time
	pollDuration time.Duration
}

// New builds every configured source. An unknown type or a source that cannot be built (a
// missing token, a bad URL) is a start-up error naming the source.
func New(opts Options) (*Poller, error) {
	if opts.Wall == nil {
		opts.Wall = time.Now
	}
	if opts.Now == nil {
		opts.Now = opts.Wall
	}
	if opts.SnapshotInterval <= 0 {
		opts.SnapshotInterval = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	if opts.Stats == nil {
		opts.Stats = map[string]*source.Stats{}
	}
	p := &Poller{
		opts:    opts,
		logger:  opts.Logger,
		matcher: match.New(opts.Config),
		kick:    make(chan struct{}, 1),
	}
	for _, sc := range opts.Config.Sources {
		if sc.SLA == config.SLAComputed || sc.SLA == config.SLABoth {
			engine, err := sla.NewEngine(opts.Config)
			if err != nil {
				return nil, fmt.Errorf("SLA engine: %w", err)
			}
			p.sla = engine
			break
		}
	}
	for _, sc := range opts.Config.Sources {
		factory, ok := opts.Factories[sc.Type]
		if !ok {
			return nil, fmt.Errorf("source %q: unknown type %q", sc.Name, sc.Type)
		}
		stats := opts.Stats[sc.Name]
		if stats == nil {
			stats = source.NewStats()
			opts.Stats[sc.Name] = stats
		}
		logger := opts.Logger.With("ticket_source", sc.Name) // promslog keeps "source" for the code location
		src, err := factory(sc, source.Deps{
			Logger:     logger,
			Stats:      stats,
			Now:        opts.Now,
			HTTPClient: opts.HTTPClient,
			Sleep:      source.Sleep,
		})
		if err != nil {
			return nil, fmt.Errorf("source %q: %w", sc.Name, err)
		}
		p.sources = append(p.sources, &polled{
			name:     sc.Name,
			src:      src,
			view:     opts.Store.Source(sc.Name),
			stats:    stats,
			interval: opts.Config.PollIntervalOf(sc),
			logger:   logger,
		})
	}
	return p, nil
}

// Run computes a first snapshot from the persisted store (so a restart serves data at once), then
// polls every source and recomputes snapshots until ctx ends. It returns when every goroutine has.
func (p *Poller) Run(ctx context.Context) {
	p.recompute()
	var wg sync.WaitGroup
	for _, s := range p.sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.runSource(ctx, s)
		}()
	}
	p.runSnapshots(ctx)
	wg.Wait()
}

func (p *Poller) runSource(ctx context.Context, s *polled) {
	var failures int
	var lastReconcile time.Time
	reconcileEvery := time.Duration(p.opts.Config.ReconcileInterval)
	for {
		started := time.Now() // real elapsed time of the poll, whatever the ticket clock does
		err := s.src.Poll(ctx, s.view)
		if err == nil && reconcileEvery > 0 && p.opts.Wall().Sub(lastReconcile) >= reconcileEvery {
			if err = s.src.Reconcile(ctx, s.view); err == nil {
				lastReconcile = p.opts.Wall()
			}
		}
		if ctx.Err() != nil {
			return
		}
		took := time.Since(started)
		s.record(err, took, p.opts.Wall())
		p.trigger()

		delay := s.interval
		if err != nil {
			failures++
			delay = backoff(failures, s.interval, p.maxBackoff(s.interval))
			s.logger.Error("poll failed; keeping the last good data", "err", err, "failures", failures, "retry_in", delay)
		} else {
			if failures > 0 {
				s.logger.Info("poll recovered", "after_failures", failures)
			}
			failures = 0
			s.logger.Debug("poll done", "duration", took)
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

func (p *Poller) maxBackoff(interval time.Duration) time.Duration {
	if p.opts.MaxBackoff > 0 {
		return p.opts.MaxBackoff
	}
	return 5 * interval
}

// backoff is the retry delay after the n-th consecutive failure: 5s doubling, capped, with up to
// 20% jitter so several exporters do not retry in step.
func backoff(n int, interval, ceiling time.Duration) time.Duration {
	d := 5 * time.Second
	for i := 1; i < n && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	if d < time.Second {
		return d
	}
	return d - time.Duration(rand.Int64N(int64(d/5)))
}

func (s *polled) record(err error, took time.Duration, wall time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pollDuration = took
	s.up = err == nil
	s.polledOnce = true
	if err == nil {
		s.lastSuccess = wall
	}
}

func (p *Poller) trigger() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

func (p *Poller) runSnapshots(ctx context.Context) {
	tick := time.NewTicker(p.opts.SnapshotInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		case <-tick.C:
		}
		p.recompute()
	}
}

func (p *Poller) recompute() {
	started := time.Now()
	now := p.opts.Now()
	complete := len(p.waiting()) == 0
	tickets := p.storedTickets()
	if p.sla != nil {
		tickets = p.sla.Apply(tickets, p.matcher.Customer, now)
	}
	snap := snapshot.Compute(snapshot.Input{
		Tickets:    tickets,
		Now:        now,
		Config:     p.opts.Config,
		CustomerOf: p.matcher.Customer,
	})
	p.snap.Store(&served{snap: snap, took: time.Since(started), tickets: tickets, complete: complete})
	if p.opts.OnSnapshot != nil {
		p.opts.OnSnapshot()
	}
}

// Snapshot returns the served snapshot and how long it took to compute.
func (p *Poller) Snapshot() (*snapshot.Snapshot, time.Duration) {
	s := p.snap.Load()
	if s == nil {
		return nil, 0
	}
	return s.snap, s.took
}

// Sources returns every source's health, in config order.
func (p *Poller) Sources() []exporter.SourceHealth {
	out := make([]exporter.SourceHealth, 0, len(p.sources))
	for _, s := range p.sources {
		s.mu.Lock()
		out = append(out, exporter.SourceHealth{
			Name:         s.name,
			Up:           s.up,
			LastSuccess:  s.lastSuccess,
			PollDuration: s.pollDuration,
			PollInterval: s.interval,
			Tickets:      p.opts.Store.Count(s.name),
			Stats:        s.stats,
		})
		s.mu.Unlock()
	}
	return out
}

// Ready reports whether the served snapshot shows every source: each had a successful poll, or
// a completed sync persisted by an earlier run, before the snapshot was computed. It returns the
// names of the sources still waiting.
func (p *Poller) Ready() (bool, []string) {
	waiting := p.waiting()
	if s := p.snap.Load(); len(waiting) == 0 && (s == nil || !s.complete) {
		return false, []string{"the first complete snapshot"}
	}
	return len(waiting) == 0, waiting
}

// waiting returns the sources that have neither polled successfully nor a persisted sync.
func (p *Poller) waiting() []string {
	var waiting []string
	for _, s := range p.sources {
		s.mu.Lock()
		ok := !s.lastSuccess.IsZero() || p.opts.Store.Synced(s.name)
		s.mu.Unlock()
		if !ok {
			waiting = append(waiting, s.name)
		}
	}
	sort.Strings(waiting)
	return waiting
}

// Source returns the built source by name, for the demo's controls.
func (p *Poller) Source(name string) (source.Source, error) {
	for _, s := range p.sources {
		if s.name == name {
			return s.src, nil
		}
	}
	return nil, errors.New("no source named " + name)
}

// Config returns the configuration the poller runs on.
func (p *Poller) Config() *config.Config { return p.opts.Config }

// CustomerOf returns the id of the customer a ticket maps to under this configuration, or "".
func (p *Poller) CustomerOf(t *ticket.Ticket) string { return p.matcher.Customer(t) }

// Tickets returns the tickets behind the served snapshot, computed SLA clocks included, so a
// ticket list always adds up to the numbers on the boards.
func (p *Poller) Tickets() []*ticket.Ticket {
	if s := p.snap.Load(); s != nil {
		return s.tickets
	}
	return nil
}

// storedTickets returns the stored tickets of the configured sources.
func (p *Poller) storedTickets() []*ticket.Ticket {
	names := make([]string, len(p.sources))
	for i, s := range p.sources {
		names[i] = s.name
	}
	return p.opts.Store.Tickets(names...)
}

// Now returns the ticket clock's current instant.
func (p *Poller) Now() time.Time { return p.opts.Now() }
