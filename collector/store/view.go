package store

import (
	"errors"
	"fmt"
	"sort"

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

	// The stored ticket is decoded from the bytes written, exactly as Open will read it back.
	encoded := make([][]byte, len(b.Upserts))
	stored := make([]*ticket.Ticket, len(b.Upserts))
	for i, t := range b.Upserts {
		encoded[i] = encodeTicket(t)
		c, err := decodeTicket(v.name, []byte(t.Key), encoded[i], s.intern)
		if err != nil {
			return fmt.Errorf("source %q ticket %q: %w", v.name, clip(t.Key), err)
		}
		stored[i] = c
	}
	var cursor []byte
	if b.Cursor != nil {
		cursor = append([]byte{}, b.Cursor...)
	}

	err := s.db.Update(func(tx *bolt.Tx) error {
		srcs, err := tx.CreateBucketIfNotExists(bucketSources)
		if err != nil {
			return err
		}
		sb, err := srcs.CreateBucketIfNotExists([]byte(v.name))
		if err != nil {
			return err
		}
		tb, err := sb.CreateBucketIfNotExists(bucketTickets)
		if err != nil {
			return err
		}
		// Pages split 90/10 instead of bbolt's 50/50: tickets are mostly rewritten in place
		// at about the same size, and a full sync of 200,000 tickets made a file half the size
		// (BenchmarkOpenLoad file-B/ticket) with no slower Apply.
		tb.FillPercent = 0.9
		for i, t := range stored {
			if err := tb.Put([]byte(t.Key), encoded[i]); err != nil {
				return fmt.Errorf("ticket %q: %w", clip(t.Key), err)
			}
		}
		for _, k := range b.Deletes {
			if err := tb.Delete([]byte(k)); err != nil {
				return fmt.Errorf("deleting ticket %q: %w", clip(k), err)
			}
		}
		if cursor != nil {
			return sb.Put(keyCursor, cursor)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("applying batch of source %q: %w", v.name, err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.sources[v.name]
	if !ok {
		st = &sourceState{tickets: make(map[string]*ticket.Ticket, len(stored))}
		s.sources[s.intern.intern(v.name)] = st
	}
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

// clip shortens a key for an error message: a key too long for bbolt is itself the error, and
// tens of kilobytes of it help nobody.
func clip(key string) string {
	const limit = 64
	if len(key) <= limit {
		return key
	}
	return key[:limit] + "..."
}
