package store

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// ErrInvalidBatch is wrapped by Apply for a batch that is a programming error in the source: a nil
// ticket, an empty key, or a ticket of another source.
var ErrInvalidBatch = errors.New("invalid batch")

// view is the source.Store of one source.
type view struct {
	s    *Store
	name string
}

var _ source.Store = (*view)(nil)

// Cursor returns a copy of the cursor of the last applied batch, or nil before the first.
func (v *view) Cursor() []byte {
	v.s.mu.RLock()
	defer v.s.mu.RUnlock()
	st, ok := v.s.sources[v.name]
	if !ok || st.cursor == nil {
		return nil
	}
	return append([]byte{}, st.cursor...)
}

// Get returns the stored ticket with the key. Callers must not modify it.
func (v *view) Get(key string) (*ticket.Ticket, bool) { return v.s.Get(v.name, key) }

// OpenKeys returns the sorted keys of the source's open tickets.
func (v *view) OpenKeys() []string {
	v.s.mu.RLock()
	var keys []string
	if st, ok := v.s.sources[v.name]; ok {
		for k, t := range st.tickets {
			if t.Open() {
				keys = append(keys, k)
			}
		}
	}
	v.s.mu.RUnlock()
	sort.Strings(keys)
	return keys
}

// Keys returns the sorted keys of all the source's tickets.
func (v *view) Keys() []string {
	v.s.mu.RLock()
	var keys []string
	if st, ok := v.s.sources[v.name]; ok {
		keys = make([]string, 0, len(st.tickets))
		for k := range st.tickets {
			keys = append(keys, k)
		}
	}
	v.s.mu.RUnlock()
	sort.Strings(keys)
	return keys
}

// Apply writes the upserts, then the deletes (a key in both ends up deleted), then the cursor (nil
// keeps the previous one) in one bbolt transaction, and only after the commit updates memory.
//
// Every upserted ticket must carry this source's name (another name is rejected with
// ErrInvalidBatch: the source is mixing up its views) and a key. The store keeps its own canonical
// copy of each ticket (interned strings, times in UTC, empty slices nil), never the caller's
// pointer or slices, so the caller may reuse them; readers get the copy, which nobody may modify.
func (v *view) Apply(b source.Batch) error {
	if v.name == "" {
		return fmt.Errorf("%w: source with an empty name", ErrInvalidBatch)
	}
	for i, t := range b.Upserts {
		switch {
		case t == nil:
			return fmt.Errorf("%w: source %q upsert %d is nil", ErrInvalidBatch, v.name, i)
		case t.Source != v.name:
			return fmt.Errorf("%w: source %q upsert %q has source %q", ErrInvalidBatch, v.name, t.Key, t.Source)
		case t.Key == "":
			return fmt.Errorf("%w: source %q upsert %d has no key", ErrInvalidBatch, v.name, i)
		}
	}
	for i, k := range b.Deletes {
		if k == "" {
			return fmt.Errorf("%w: source %q delete %d has no key", ErrInvalidBatch, v.name, i)
		}
	}

	if len(b.Upserts) == 0 && len(b.Deletes) == 0 && b.Cursor == nil {
		return nil // nothing to write: spare the commit's fsync
	}

	s := v.s
	s.applyMu.Lock()
	defer s.applyMu.Unlock()

	stored := make([]*ticket.Ticket, len(b.Upserts))
	records := make([][]byte, len(b.Upserts))
	for i, t := range b.Upserts {
		c, data, err := canonical(t, s.vocab)
		if err != nil {
			return fmt.Errorf("source %q ticket %q: %w", v.name, clip(t.Key), err)
		}
		stored[i], records[i] = c, seal([]byte(c.Key), data)
	}
	var cursor []byte
	if b.Cursor != nil {
		cursor = bytes.Clone(b.Cursor)
	}
	count := v.countAfter(stored, b.Deletes)

	err := s.update(func(tx *bolt.Tx) error {
		sb, tb, err := sourceBuckets(tx, v.name)
		if err != nil {
			return err
		}
		// Pages split 90/10 instead of bbolt's 50/50: tickets are mostly rewritten in place
		// at about the same size, and a full sync makes a file about half the size
		// (BenchmarkOpenLoad file-B/ticket) with no slower Apply.
		tb.FillPercent = 0.9
		for i, t := range stored {
			if err := tb.Put([]byte(t.Key), records[i]); err != nil {
				return fmt.Errorf("ticket %q: %w", clip(t.Key), err)
			}
		}
		for _, k := range b.Deletes {
			if err := tb.Delete([]byte(k)); err != nil {
				return fmt.Errorf("deleting ticket %q: %w", clip(k), err)
			}
		}
		if err := sb.Put(keyCount, seal(keyCount, []byte(strconv.Itoa(count)))); err != nil {
			return err
		}
		if cursor != nil {
			return sb.Put(keyCursor, seal(keyCursor, cursor))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("applying batch of source %q: %w", v.name, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.state(v.name)
	for _, t := range stored {
		st.tickets[t.Key] = t
	}
	for _, k := range b.Deletes {
		delete(st.tickets, k)
	}
	if cursor != nil {
		st.cursor = cursor
	}
	return nil
}

// countAfter returns how many tickets the source will hold once the upserts and then the deletes
// are applied. Only Apply changes the map, and it holds applyMu.
func (v *view) countAfter(upserts []*ticket.Ticket, deletes []string) int {
	v.s.mu.RLock()
	defer v.s.mu.RUnlock()
	var have map[string]*ticket.Ticket
	if st, ok := v.s.sources[v.name]; ok {
		have = st.tickets
	}
	keys := make(map[string]bool, len(upserts)+len(deletes)) // key -> held after the batch
	for _, t := range upserts {
		keys[t.Key] = true
	}
	for _, k := range deletes {
		keys[k] = false
	}
	n := len(have)
	for k, held := range keys {
		_, had := have[k]
		switch {
		case held && !had:
			n++
		case !held && had:
			n--
		}
	}
	return n
}

// sourceBuckets returns the source's bucket and its tickets bucket, creating them.
func sourceBuckets(tx *bolt.Tx, source string) (sb, tb *bolt.Bucket, err error) {
	srcs, err := tx.CreateBucketIfNotExists(bucketSources)
	if err != nil {
		return nil, nil, err
	}
	if sb, err = srcs.CreateBucketIfNotExists([]byte(source)); err != nil {
		return nil, nil, err
	}
	if tb, err = sb.CreateBucketIfNotExists(bucketTickets); err != nil {
		return nil, nil, err
	}
	return sb, tb, nil
}

// clip shortens a key for an error message: a key too long for bbolt is itself the error, and
// tens of kilobytes of it help nobody.
func clip(key string) string {
	const limit = 64
	if len(key) <= limit {
		return key
	}
	return key[:limit] + "..."
}
