package poller

import (
	"sync"

	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// journal records every ticket the sources change in the store, in order, until the next
// recompute takes them: the recompute then re-aggregates only the customers those tickets belong
// to, instead of reading the whole store.
//
// Its lock is held across a store write and its record, and across a recompute's read of the
// whole store: so the journal always holds exactly what changed since the store was read.
type journal struct {
	mu      sync.Mutex
	changes []snapshot.Change // stored tickets: Old before the write, New after it
}

// take returns the changes recorded so far and forgets them. Callers hold j.mu.
func (j *journal) take() []snapshot.Change {
	c := j.changes
	j.changes = nil
	return c
}

// recorder is the source.Store a runner hands its source: the store's view of the source, whose
// writes are recorded in the journal.
type recorder struct {
	source.Store
	journal *journal
}

// Apply writes the batch and records, for each key it touched, the stored ticket before and
// after. A failed write changes nothing, so it records nothing.
func (r recorder) Apply(b source.Batch) error {
	j := r.journal
	j.mu.Lock()
	defer j.mu.Unlock()
	keys := make([]string, 0, len(b.Upserts)+len(b.Deletes))
	seen := make(map[string]bool, cap(keys))
	for _, t := range b.Upserts {
		if t != nil && !seen[t.Key] {
			seen[t.Key] = true
			keys = append(keys, t.Key)
		}
	}
	for _, k := range b.Deletes {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	before := make([]*ticket.Ticket, len(keys))
	for i, k := range keys {
		before[i], _ = r.Get(k)
	}
	if err := r.Store.Apply(b); err != nil {
		return err
	}
	for i, k := range keys {
		after, _ := r.Get(k)
		if after != before[i] {
			j.changes = append(j.changes, snapshot.Change{Old: before[i], New: after})
		}
	}
	return nil
}
