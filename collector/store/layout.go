package store

import (
	"bytes"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/custops/custops/collector/ticket"
)

// The file layout:
//
//	meta/schema                  schemaVersion
//	sources/<source>/cursor      the source's cursor (absent before its first cursor)
//	sources/<source>/synced      present once the source finished a whole poll
//	sources/<source>/tickets/<key>  the encoded record
//
// Source buckets live under "sources" rather than at the top level so that no source name can
// collide with "meta".
var (
	bucketMeta    = []byte("meta")
	keySchema     = []byte("schema")
	bucketSources = []byte("sources")
	bucketTickets = []byte("tickets")
	keyCursor     = []byte("cursor")
	keySynced     = []byte("synced")
)

// schemaVersion is bumped whenever the layout or record changes in a way old files cannot be read
// with; an old file is then moved aside and the sources re-sync. Version 2: records without
// Clock.Origin and Cycle.ObservedAt (recordVersion 2); version 3: with them (recordVersion 3).
const schemaVersion = "3"

// errPanic marks a panic from bbolt turned into an error.
var errPanic = errors.New("bbolt panicked")

// corruptError is an existing file the store cannot use: moved aside, never deleted.
type corruptError struct {
	reason string
	err    error
}

func (e *corruptError) Error() string {
	if e.err == nil {
		return e.reason
	}
	return e.reason + ": " + e.err.Error()
}

func (e *corruptError) Unwrap() error { return e.err }

// load checks the schema version (writing it into a new file) and reads every ticket and cursor
// into s. Only an empty file (no buckets at all) is taken as new.
func (s *Store) load(db *bolt.DB) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &corruptError{reason: "reading the file", err: fmt.Errorf("%w: %v", errPanic, r)}
		}
	}()
	empty := true
	if err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
	}); err != nil {
		return &corruptError{reason: "reading the file", err: err}
	}
	if empty {
		return db.Update(func(tx *bolt.Tx) error {
			meta, err := tx.CreateBucket(bucketMeta)
			if err != nil {
				return err
			}
			if err := meta.Put(keySchema, []byte(schemaVersion)); err != nil {
				return err
			}
			_, err = tx.CreateBucket(bucketSources)
			return err
		})
	}
	return db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return &corruptError{reason: "no schema version (not a custops store)"}
		}
		if v := meta.Get(keySchema); !bytes.Equal(v, []byte(schemaVersion)) {
			return &corruptError{reason: fmt.Sprintf("schema version %q, want %q", v, schemaVersion)}
		}
		srcs := tx.Bucket(bucketSources)
		if srcs == nil {
			return &corruptError{reason: "no sources bucket"}
		}
		return srcs.ForEachBucket(func(name []byte) error {
			return s.loadSource(string(name), srcs.Bucket(name))
		})
	})
}

// loadSource reads one source's cursor and tickets.
func (s *Store) loadSource(name string, b *bolt.Bucket) error {
	name = s.intern.intern(name)
	st := &sourceState{tickets: map[string]*ticket.Ticket{}}
	if c := b.Get(keyCursor); c != nil {
		st.cursor = append([]byte{}, c...) // bbolt's slice is only valid inside the transaction
	}
	st.synced = b.Get(keySynced) != nil
	if tb := b.Bucket(bucketTickets); tb != nil {
		st.tickets = make(map[string]*ticket.Ticket, tb.Stats().KeyN)
		err := tb.ForEach(func(k, v []byte) error {
			t, err := decodeTicket(name, k, v, s.intern)
			if err != nil {
				return &corruptError{reason: fmt.Sprintf("source %q ticket %q", name, k), err: err}
			}
			st.tickets[t.Key] = t
			return nil
		})
		if err != nil {
			return err
		}
	}
	s.sources[name] = st
	return nil
}
