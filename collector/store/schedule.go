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

// keyHealth is sources/<source>/health: the poller's record of the source's last poll (whether it
// succeeded, when it last did), opaque to the store. It survives a restart, so a restarted
// exporter reports the source's health as the last poll left it instead of "never polled".
var keyHealth = []byte("health")

// Schedule returns a copy of the source's schedule record, or nil when none was written (or it
// cannot be read: the poller then starts a new schedule).
func (s *Store) Schedule(source string) []byte { return s.sourceRecord(source, keySchedule) }

// SetSchedule writes the source's schedule record in its own transaction.
func (s *Store) SetSchedule(source string, record []byte) error {
	return s.setSourceRecord(source, "schedule", keySchedule, record)
}

// Health returns a copy of the source's health record, or nil when none was written (or it
// cannot be read).
func (s *Store) Health(source string) []byte { return s.sourceRecord(source, keyHealth) }

// SetHealth writes the source's health record in its own transaction.
func (s *Store) SetHealth(source string, record []byte) error {
	return s.setSourceRecord(source, "health", keyHealth, record)
}

// sourceRecord returns a copy of the value under key in the source's bucket; nil when there is
// none or its checksum fails.
func (s *Store) sourceRecord(source string, key []byte) []byte {
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
		if v := sb.Get(key); v != nil {
			if b, err := unseal(key, v); err == nil {
				out = bytes.Clone(b) // bbolt's slice is only valid inside the transaction
			}
		}
		return nil
	})
	return out
}

func (s *Store) setSourceRecord(source, what string, key, record []byte) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	if err := s.putSourceKey(source, key, record); err != nil {
		return fmt.Errorf("writing the %s of source %q: %w", what, source, err)
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
