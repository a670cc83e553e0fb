package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// ErrDown is the error of every Poll and Reconcile while the source is switched down.
var ErrDown = errors.New("simulated outage: the sim source is switched down")

// BatchSize is how many tickets one applied batch holds at most (more only to keep tickets that
// share an Updated instant together, see batches).
const BatchSize = 500

// endpoint is the `endpoint` label of the requests a sim source counts.
const endpoint = "sim"

// Source polls a simulated desk. It is exported so that the demo can switch it down and up.
type Source struct {
	name   string
	world  *World
	down   atomic.Bool
	logger *slog.Logger
	stats  *source.Stats
	now    func() time.Time
}

var _ source.Source = (*Source)(nil)

// NewSource builds a source named name that polls a world built from o; a zero o.Start means
// deps.Now(), the poller's clock at creation. It is not a config type: the demo registers it
// under its own source types (see internal/demo), so no configuration file can select it.
func NewSource(name string, o WorldOptions, deps source.Deps) (*Source, error) {
	if deps.Now == nil {
		return nil, fmt.Errorf("sim source %q: no clock", name)
	}
	if o.Start.IsZero() {
		o.Start = deps.Now()
	}
	w, err := NewWorld(o)
	if err != nil {
		return nil, fmt.Errorf("sim source %q: %w", name, err)
	}
	s := &Source{name: name, world: w, logger: deps.Logger, stats: deps.Stats, now: deps.Now}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	if s.stats == nil {
		s.stats = source.NewStats()
	}
	return s, nil
}

// World returns the simulated desk the source reads.
func (s *Source) World() *World { return s.world }

// SetDown switches a simulated outage on or off. While down, Poll and Reconcile fail with ErrDown
// and count a 503; the store keeps what it had.
func (s *Source) SetDown(down bool) { s.down.Store(down) }

// request counts one request and fails while down.
func (s *Source) request() error {
	if s.down.Load() {
		s.stats.Request(endpoint, "503")
		return fmt.Errorf("sim source %q: %w", s.name, ErrDown)
	}
	s.stats.Request(endpoint, "200")
	return nil
}

// Poll advances the world to now and applies what changed since the cursor, oldest change first,
// in batches whose cursor is the Updated instant of their last ticket.
func (s *Source) Poll(ctx context.Context, st source.Store) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.request(); err != nil {
		return err
	}
	s.world.Advance(s.now())
	since, err := decodeCursor(st.Cursor())
	if err != nil {
		// The cursor is only an optimization: applying everything again is always correct.
		s.logger.Warn("unreadable cursor, applying every ticket", "err", err)
	}
	changed := s.world.ChangedSince(since)
	for _, b := range batches(changed, BatchSize) {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, t := range b {
			t.Source = s.name
		}
		if err := st.Apply(source.Batch{Upserts: b, Cursor: encodeCursor(b[len(b)-1].Updated)}); err != nil {
			return fmt.Errorf("sim source %q: apply: %w", s.name, err)
		}
	}
	s.logger.Debug("poll done", "since", since, "changed", len(changed), "world_now", s.world.Now())
	return nil
}

// Reconcile deletes the store's open tickets that are no longer on the desk: tickets moved out
// of scope.
func (s *Source) Reconcile(ctx context.Context, st source.Store) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.request(); err != nil {
		return err
	}
	s.world.Advance(s.now())
	present := map[string]bool{}
	for _, k := range s.world.Keys() {
		present[k] = true
	}
	var gone []string
	for _, k := range st.OpenKeys() {
		if !present[k] {
			gone = append(gone, k)
		}
	}
	s.logger.Debug("reconcile done", "open", len(present), "deleted", len(gone))
	if len(gone) == 0 {
		return nil
	}
	if err := st.Apply(source.Batch{Deletes: gone}); err != nil {
		return fmt.Errorf("sim source %q: apply deletes: %w", s.name, err)
	}
	return nil
}

// batches cuts tickets sorted by Updated into batches of about size, never between two tickets
// with the same Updated: a batch's cursor is its last Updated and the next poll asks for changes
// strictly after it, so splitting a tie would lose the rest of it if the next batch failed.
func batches(ts []*ticket.Ticket, size int) [][]*ticket.Ticket {
	var out [][]*ticket.Ticket
	for len(ts) > 0 {
		n := min(size, len(ts))
		for n < len(ts) && ts[n].Updated.Equal(ts[n-1].Updated) {
			n++
		}
		out = append(out, ts[:n])
		ts = ts[n:]
	}
	return out
}

// encodeCursor writes a simulated instant as the cursor.
func encodeCursor(t time.Time) []byte { return []byte(t.UTC().Format(time.RFC3339Nano)) }

// decodeCursor reads a cursor; nil or empty (no sync yet) and an unreadable one give the zero
// instant, which asks for every ticket.
func decodeCursor(b []byte) (time.Time, error) {
	if len(b) == 0 {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}, fmt.Errorf("cursor %q: %w", b, err)
	}
	return t, nil
}
