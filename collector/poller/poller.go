// Package poller runs every configured source on its own interval in the background, keeps each
// source's health, and after each poll publishes a new View (snapshot, tickets, health, config)
// that every reader reads. It is the only writer of the store and the only caller of the
// ticketing APIs. A reload reconfigures it in place: sources whose config did not change keep
// running with their state, and the last view is served until the new config's first one.
package poller

import (
	"context"
	"errors"
	"log/slog"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
)

// Options are what a Poller is built from.
type Options struct {
	Config    *config.Config
	Store     *store.Store
	Factories map[string]source.Factory // by config `type`
	Logger    *slog.Logger
	// Now is the ticket clock: what "now" is for SLA clocks and ages. The demo runs it faster than
	// the wall clock. Default: Wall.
	Now func() time.Time
	// Wall is the real clock, for health timestamps that Prometheus compares with time().
	Wall func() time.Time
	// SnapshotInterval is the shortest time between two views that only the passing of time
	// calls for (a clock turning at risk, a ticket leaving a window): such changes are applied at
	// their instant, gathered to at most one view per interval. Polls publish views of their own.
	// Default 15s.
	SnapshotInterval time.Duration
	// MaxBackoff caps the retry delay after failed polls. Default: 5 poll intervals.
	MaxBackoff time.Duration
	// OnView, when set, runs after each new view is published (the metrics handler renders it
	// there, so a scrape does not have to).
	OnView func(*View)
}

// Poller polls the sources and publishes views. Its methods are safe for concurrent use.
type Poller struct {
	opts   Options
	logger *slog.Logger
	kick   chan struct{}
	view   atomic.Pointer[View]

	mu      sync.Mutex
	rules   *rules
	runners []*runner                // config order
	stats   map[string]*source.Stats // by source name, kept across reconfigures so counters never go back
	ctx     context.Context          // set by Run; runners started later run under it
	wg      sync.WaitGroup

	journal journal // what the sources changed in the store since the last recompute

	viewMu sync.Mutex // serializes recomputes; guards live, lastView and readyLogged
	live   *live      // nil before the first recompute
	// lastView is when the last view was published (wall clock), to gather changes that only
	// the passing of time calls for.
	lastView time.Time
	// readyLogged: the first complete view was logged (the end of a start's wait for /-/ready).
	readyLogged bool
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
	p := &Poller{
		opts:   opts,
		logger: opts.Logger,
		kick:   make(chan struct{}, 1),
		stats:  map[string]*source.Stats{},
	}
	r, err := newRules(opts.Config)
	if err != nil {
		return nil, err
	}
	runners, err := p.build(opts.Config, nil)
	if err != nil {
		return nil, err
	}
	p.rules, p.runners = r, runners
	return p, nil
}

// build returns a runner per source of cfg: the one in keep when its config is unchanged (it
// keeps running with its rate limiter, caches and health), else a new one.
func (p *Poller) build(cfg *config.Config, keep []*runner) ([]*runner, error) {
	var out []*runner
	for _, sc := range cfg.Sources {
		interval := cfg.PollIntervalOf(sc)
		if old := find(keep, sc.Name); old != nil && reflect.DeepEqual(old.cfg, sc) && old.interval == interval {
			out = append(out, old)
			continue
		}
		factory, ok := p.opts.Factories[sc.Type]
		if !ok {
			return nil, errors.New("source " + quote(sc.Name) + ": unknown type " + quote(sc.Type))
		}
		stats := p.stats[sc.Name]
		if stats == nil {
			stats = source.NewStats()
		}
		logger := p.logger.With("ticket_source", sc.Name) // promslog keeps "source" for the code location
		src, err := factory(sc, source.Deps{
			Logger: logger,
			Stats:  stats,
			Now:    p.opts.Now,
			Sleep:  source.Sleep,
		})
		if err != nil {
			return nil, errors.New("source " + quote(sc.Name) + ": " + err.Error())
		}
		r := &runner{
			name: sc.Name,
			cfg:  sc,
			src:  src,
			// Tickets enter the store here: cut to the ticket limits, and journaled for the next view.
			view:     source.Limited(recorder{p.opts.Store.Source(sc.Name), &p.journal}),
			stats:    stats,
			interval: interval,
			logger:   logger,
			synced:   p.opts.Store.Synced(sc.Name), // a restart: ready without waiting for a poll
		}
		if old := find(keep, sc.Name); old != nil {
			r.inherit(old) // a changed source keeps its health: its data did not go anywhere
		} else {
			r.restoreHealth(p.opts.Store) // a restart: the health the last run left
		}
		out = append(out, r)
	}
	for _, r := range out {
		p.stats[r.name] = r.stats
	}
	return out, nil
}

func find(rs []*runner, name string) *runner {
	for _, r := range rs {
		if r.name == name {
			return r
		}
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }

// Run publishes a first view from the persisted store (so a restart serves data at once), then
// polls every source and publishes views until ctx ends. It returns when every goroutine has.
func (p *Poller) Run(ctx context.Context) {
	p.mu.Lock()
	p.ctx = ctx
	for _, r := range p.runners {
		p.start(r)
	}
	p.mu.Unlock()
	p.recompute()
	p.runViews(ctx)
	p.wg.Wait()
}

// start runs r under the poller's context. Callers hold p.mu.
func (p *Poller) start(r *runner) {
	if p.ctx == nil || r.done != nil {
		return
	}
	ctx, cancel := context.WithCancel(p.ctx)
	r.cancel, r.done = cancel, make(chan struct{})
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		defer close(r.done)
		r.run(ctx, p)
	}()
}

// Reconfigure switches the poller to cfg. Sources whose config is unchanged keep running as
// they are (no new client, no reset pacing, no reconcile); changed and new ones are built, and
// removed ones stopped. The last view stays served until a view under cfg replaces it. On error
// nothing changes.
func (p *Poller) Reconfigure(cfg *config.Config) error {
	r, err := newRules(cfg)
	if err != nil {
		return err
	}
	p.mu.Lock()
	runners, err := p.build(cfg, p.runners)
	if err != nil {
		p.mu.Unlock()
		return err
	}
	var stopped []*runner
	for _, old := range p.runners {
		if !containsRunner(runners, old) {
			stopped = append(stopped, old)
		}
	}
	p.rules, p.runners = r, runners
	for _, nr := range runners {
		p.start(nr)
	}
	p.mu.Unlock()
	for _, old := range stopped {
		old.stop()
	}
	p.trigger()
	return nil
}

func containsRunner(rs []*runner, r *runner) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

func (p *Poller) trigger() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// runViews publishes a view after every poll (a runner kicks it) and whenever the passing of
// time alone changes the numbers: at the snapshot's next such instant, but no sooner than
// SnapshotInterval after the last view.
func (p *Poller) runViews(ctx context.Context) {
	timer := time.NewTimer(p.untilNextView())
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.kick:
		case <-timer.C:
		}
		p.recompute()
		timer.Reset(p.untilNextView())
	}
}

// idleWait is how long runViews sleeps when time alone changes nothing: polls wake it anyway.
const idleWait = time.Hour

// untilNextView returns how long to wait before the passing of time alone calls for a view.
// The next change is an instant of the ticket clock, which the demo runs faster than the wall
// clock: the wait is capped at SnapshotInterval times four, so a fast clock is followed too.
func (p *Poller) untilNextView() time.Duration {
	p.viewMu.Lock()
	defer p.viewMu.Unlock()
	if p.live == nil {
		return 0
	}
	next := p.live.next()
	if next.IsZero() {
		return idleWait
	}
	wait := min(next.Sub(p.opts.Now()), 4*p.opts.SnapshotInterval)
	return max(wait, p.lastView.Add(p.opts.SnapshotInterval).Sub(p.opts.Wall()))
}

// recompute publishes a view of the store under the current config: the snapshot brought up to
// date with what the sources changed since the last view and with what time changed, or, under
// a new config, computed from the whole store.
func (p *Poller) recompute() {
	p.viewMu.Lock()
	defer p.viewMu.Unlock()
	p.mu.Lock()
	r, runners := p.rules, p.runners
	p.mu.Unlock()
	health := make([]SourceHealth, len(runners))
	names := make([]string, len(runners))
	complete := true
	for i, rn := range runners {
		health[i] = rn.health(p.opts.Store)
		names[i] = rn.name
		complete = complete && health[i].Synced
	}
	started := time.Now()
	now := p.opts.Now()
	p.journal.mu.Lock()
	if p.live == nil || p.live.rules != r {
		stored := p.opts.Store.Tickets(names...)
		p.journal.take() // the store as read holds them
		p.journal.mu.Unlock()
		p.live = newLive(r, stored, now)
	} else {
		changes := p.journal.take()
		p.journal.mu.Unlock()
		p.live.update(changes, now)
	}
	v := p.live.view()
	v.Took = time.Since(started)
	v.Sources, v.Complete, v.Wall = health, complete, p.opts.Wall()
	p.view.Store(v)
	p.lastView = p.opts.Wall()
	if complete && !p.readyLogged {
		p.readyLogged = true
		p.logger.Info("first complete view", "customers", len(v.Snapshot.Customers), "took", v.Took.Round(time.Millisecond))
	}
	if p.opts.OnView != nil {
		p.opts.OnView(v)
	}
}

// View returns the published view, nil before the first.
func (p *Poller) View() *View { return p.view.Load() }

// Ready reports whether the published view shows every source: each finished a whole poll (in
// this run, or before a restart as the store records) before the view was computed. It returns
// what is still awaited.
func (p *Poller) Ready() (bool, []string) {
	p.mu.Lock()
	runners := p.runners
	p.mu.Unlock()
	var waiting []string
	for _, r := range runners {
		if !r.health(p.opts.Store).Synced {
			waiting = append(waiting, r.name)
		}
	}
	sort.Strings(waiting)
	if len(waiting) > 0 {
		return false, waiting
	}
	if v := p.view.Load(); v == nil || !v.Complete {
		return false, []string{"the first complete snapshot"}
	}
	return true, nil
}

// Source returns the built source by name, for the demo's controls.
func (p *Poller) Source(name string) (source.Source, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if r := find(p.runners, name); r != nil {
		return r.src, nil
	}
	return nil, errors.New("no source named " + name)
}

// Config returns the configuration the poller runs on now.
func (p *Poller) Config() *config.Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rules.cfg
}
