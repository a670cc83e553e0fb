package store

import (
	"bytes"
	"fmt"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// keySchedule is sources/<source>/schedule: the poller's record of the source's maintenance
// (where its reconcile pass stands), opaque to the store like the cursor. It survives a restart,
// so a restart resumes the schedule instead of reconciling every open ticket at once.
var keySchedule = []byte("schedule")

// Schedule returns a copy of the source's schedule record, or nil when none was written (or it
// cannot be read: the poller then starts a new schedule).
func (s *Store) Schedule(source string) []byte {
	var out []byte
	_ = s.read(func(tx *bolt.Tx) error {
		srcs := tx.Bucket(bucketSources)
		if srcs == nil {
			return nil
		}
		sb := srcs.Bucket([]byte(source))
		if sb == nil {
			return nil
		}
		if v := sb.Get(keySchedule); v != nil {
			if b, err := unseal(keySchedule, v); err == nil {
				out = bytes.Clone(b) // bbolt's slice is only valid inside the transaction
			}
		}
		return nil
	})
	return out
}

// SetSchedule writes the source's schedule record in its own transaction.
func (s *Store) SetSchedule(source string, record []byte) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	if err := s.putSourceKey(source, keySchedule, record); err != nil {
		return fmt.Errorf("writing the schedule of source %q: %w", source, err)
	}
	return nil
}

// putSourceKey writes value, sealed, under key in the source's bucket, in a transaction of its
// own. Callers hold applyMu.
func (s *Store) putSourceKey(source string, key, value []byte) error {
	if source == "" {
		return fmt.Errorf("%w: source with an empty name", ErrInvalidBatch)
	}
	return s.update(func(tx *bolt.Tx) error {
		sb, _, err := sourceBuckets(tx, source)
		if err != nil {
			return err
		}
		return sb.Put(key, seal(key, value))
	})
}

// read runs a read-only transaction, a fault in the mapped file turned into an error as update
// does for writes.
func (s *Store) read(fn func(tx *bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w reading the store file: %v", errPanic, r)
		}
	}()
	return s.db.View(fn)
}
