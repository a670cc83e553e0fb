package poller

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/custops/custops/collector/source"
)

// maintenance is what a runner does for its source after a successful poll besides polling:
//
//   - the reconcile, which asks the vendor whether the stored open tickets still exist and match
//     the filter, is spread over reconcile_interval: each poll reconciles its share of the open
//     keys (all of them / the polls in an interval), in key order, where the last one stopped.
//     Where the pass stands is kept in the store (store.Schedule), so a restart resumes it
//     instead of asking about every open ticket at once, and a cold sync, which just read them
//     all, starts the schedule without a pass. The source's requests go through its vendor
//     HTTP layer, paced under the vendor's limit by golang.org/x/time/rate (vendorhttp).
//   - the retention: resolved tickets quiet for longer than the configured retention leave the
//     store (store.Expired), checked at the first poll and then hourly, deleted with the
//     source's Apply like any other change.
type maintenance struct {
	r *runner
	p *Poller
	// coldSync: the store held no cursor of the source when the runner started.
	coldSync bool
	sched    schedule
	loaded   bool
	lastKeep time.Time // wall clock of the last retention check; zero before the first
}

// schedule is the runner's record in the store, as JSON.
type schedule struct {
	// PassStarted is when the reconcile pass in progress started; zero when none is.
	PassStarted time.Time `json:"pass_started,omitzero"`
	// After is the last key the pass in progress reconciled.
	After string `json:"after,omitempty"`
	// LastPass is when the last pass ended (or the schedule started); the next starts
	// reconcile_interval after it.
	LastPass time.Time `json:"last_pass,omitzero"`
}

// retentionEvery is how often a source's tickets are checked against the retention.
const retentionEvery = time.Hour

// retentionBatch bounds the deletes of one transaction.
const retentionBatch = 10_000

func newMaintenance(r *runner, p *Poller) *maintenance {
	return &maintenance{r: r, p: p, coldSync: r.view.Cursor() == nil}
}

// afterPoll does the maintenance due after a successful poll.
func (m *maintenance) afterPoll(ctx context.Context) error {
	if err := m.reconcile(ctx); err != nil {
		return err
	}
	return m.retain()
}

func (m *maintenance) reconcile(ctx context.Context) error {
	st, wall := m.p.opts.Store, m.p.opts.Wall()
	if !m.loaded {
		m.loaded = true
		if b := st.Schedule(m.r.name); b != nil {
			_ = json.Unmarshal(b, &m.sched) // an unreadable record starts a new schedule
		}
		if m.coldSync || m.sched.LastPass.IsZero() && m.sched.PassStarted.IsZero() {
			// Just synced every ticket (or nothing was ever recorded): the schedule starts now.
			m.sched = schedule{LastPass: wall}
			return m.save()
		}
	}
	every := time.Duration(m.p.Config().ReconcileInterval) // a reload may change it
	if every <= 0 {
		return nil
	}
	if m.sched.PassStarted.IsZero() {
		if wall.Sub(m.sched.LastPass) < every {
			return nil
		}
		m.sched = schedule{PassStarted: wall, LastPass: m.sched.LastPass}
	}
	keys := m.r.view.OpenKeys() // sorted
	rest := keys[sort.Search(len(keys), func(i int) bool { return keys[i] > m.sched.After }):]
	// This poll's share: the pass ends within an interval, one chunk at least.
	share := len(keys)
	if polls := int(every / m.r.interval); polls > 1 {
		share = max((len(keys)+polls-1)/polls, reconcileShareMin)
	}
	part := rest[:min(share, len(rest))]
	if len(part) > 0 {
		if err := m.r.src.Reconcile(ctx, someKeys{m.r.view, part}); err != nil {
			return err
		}
	}
	if len(part) == len(rest) {
		m.sched = schedule{LastPass: wall}
	} else {
		m.sched.After = part[len(part)-1]
	}
	return m.save()
}

// reconcileShareMin is the fewest keys a poll reconciles in a pass: one request's worth.
const reconcileShareMin = 100

func (m *maintenance) save() error {
	b, err := json.Marshal(m.sched)
	if err != nil {
		return err
	}
	return m.p.opts.Store.SetSchedule(m.r.name, b)
}

// someKeys is the source's store as a reconcile part sees it: its open keys are the part's.
type someKeys struct {
	source.Store
	keys []string
}

func (s someKeys) OpenKeys() []string { return s.keys }

// retain deletes the source's expired tickets, at most hourly.
func (m *maintenance) retain() error {
	retention := time.Duration(m.p.Config().Retention)
	wall := m.p.opts.Wall()
	if retention <= 0 || !m.lastKeep.IsZero() && wall.Sub(m.lastKeep) < retentionEvery {
		return nil
	}
	m.lastKeep = wall
	keys := m.p.opts.Store.Expired(m.r.name, m.p.opts.Now().Add(-retention))
	for start := 0; start < len(keys); start += retentionBatch {
		if err := m.r.view.Apply(source.Batch{Deletes: keys[start:min(start+retentionBatch, len(keys))]}); err != nil {
			return fmt.Errorf("retention: %w", err)
		}
	}
	if len(keys) > 0 {
		m.r.logger.Info("retention dropped resolved tickets", "tickets", len(keys), "retention", retention)
	}
	return nil
}
