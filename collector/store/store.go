// Package store is the ticket store: every ticket of every source in memory, for snapshots, and
// persisted in one bbolt file, so a restart resumes from each source's cursor instead of
// re-syncing.
//
// Memory never runs ahead of disk: a batch is written in one bbolt transaction and only then
// applied to the in-memory index. Stored tickets are immutable *ticket.Ticket values shared with
// every reader; a change is a new pointer. Apply stores its own canonical copy of each ticket, so
// a source may reuse what it passed in; nobody may modify a ticket obtained from the store, whose
// strings, label lists, organization lists and field maps are shared between tickets to keep the
// heap small.
package store

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// FileName is the name of the store file inside the state directory.
const FileName = "custops.db"

// lockTimeout bounds the wait for the file lock: another process holding it is a configuration
// mistake (two collectors on one state_dir) to report, not to wait out.
const lockTimeout = time.Second

// ErrLocked is wrapped by Open when another process holds the store file.
var ErrLocked = errors.New("store file is locked by another process (is another custops using the same state_dir?)")

// Store holds every ticket of every source, in memory and on disk. Safe for concurrent use.
type Store struct {
	db     *bolt.DB
	path   string
	logger *slog.Logger

	// applyMu serializes writers (bbolt does too) and guards vocab, so the index lock mu is
	// held only for the pointer swaps, never across an fsync.
	applyMu sync.Mutex
	vocab   *vocab

	mu      sync.RWMutex
	sources map[string]*sourceState
}

// sourceState is the in-memory side of one source.
type sourceState struct {
	tickets map[string]*ticket.Ticket
	cursor  []byte
	synced  bool // the source completed a whole poll (MarkSynced), in this run or an earlier one
}

// options are the knobs tests turn; Open uses the defaults.
type options struct {
	timeout  time.Duration
	now      func() time.Time // names the moved-aside corrupt file
	noSync   bool             // skip fsync (tests that damage files on purpose)
	readOnly bool             // OpenReadOnly: a shared lock, nothing written
	keep     Keep             // OpenReadOnly's filter; nil loads every ticket
}

// Open opens (creating dir and file if needed) the store file <dir>/custops.db and loads every
// ticket into memory. A file that is shorter than bbolt's pages say (truncated), cannot be opened
// as bbolt, has another schema version (an older custops) or whose values fail their checksums or
// cannot be decoded is moved aside to <dir>/custops.db.corrupt-<UTC timestamp> with a Warn
// log naming both paths and the reason, and a fresh empty store is created (the sources then do a
// full sync). Nothing else is ever deleted. A file locked by another process is an error wrapping
// ErrLocked.
func Open(dir string, logger *slog.Logger) (*Store, error) {
	return open(dir, logger, options{timeout: lockTimeout, now: time.Now})
}

// Keep picks the tickets OpenReadOnly loads: it sees each ticket's source and attributes (what
// the customer rules read) before the rest of the record is decoded.
type Keep func(source string, a *ticket.Attributes) bool

// OpenReadOnly opens the store file <dir>/custops.db for reading alongside nothing that writes it
// (a running exporter's lock makes it fail with ErrLocked) and loads the tickets keep accepts, all
// of them when keep is nil. It is for one-shot readers such as `custops report`: it writes
// nothing, and a damaged file is an error (the exporter moves it aside on its next start). The
// store's writes fail.
func OpenReadOnly(dir string, keep Keep) (*Store, error) {
	s := &Store{path: filepath.Join(dir, FileName), logger: slog.New(slog.DiscardHandler)}
	err := s.openAndLoad(options{timeout: lockTimeout, readOnly: true, keep: keep})
	if bad := (*corruptError)(nil); errors.As(err, &bad) {
		return nil, fmt.Errorf("store file %s is damaged (the exporter moves it aside on its next start): %w", s.path, err)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

func open(dir string, logger *slog.Logger, o options) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating state directory: %w", err)
	}
	s := &Store{path: filepath.Join(dir, FileName), logger: logger}
	started := time.Now()
	err := s.openAndLoad(o)
	if err == nil {
		// Most of a restart's wait for /-/ready: worth a line at every start.
		logger.Info("store loaded", "path", s.path, "tickets", s.total(), "took", time.Since(started).Round(time.Millisecond))
		return s, nil
	}
	var bad *corruptError
	if !errors.As(err, &bad) {
		return nil, err
	}
	aside, mvErr := moveAside(s.path, o.now())
	if mvErr != nil {
		return nil, fmt.Errorf("moving aside unusable store file %s (%v): %w", s.path, bad, mvErr)
	}
	logger.Warn("store file unusable, moved aside; sources will sync from scratch",
		"path", s.path, "moved_to", aside, "reason", bad)
	if err := s.openAndLoad(o); err != nil {
		return nil, err
	}
	return s, nil
}

// openAndLoad opens the bbolt file, checks or writes the schema version and loads every ticket
// (those o.keep accepts, read only, when o.readOnly). A file that is not what the store wrote
// comes back as a *corruptError with the db closed.
func (s *Store) openAndLoad(o options) error {
	if err := checkFile(s.path); err != nil {
		return err
	}
	db, err := openBolt(s.path, &bolt.Options{Timeout: o.timeout, PageSize: pageSize, NoSync: o.noSync, ReadOnly: o.readOnly, MmapFlags: mmapFlags})
	if err != nil {
		switch {
		case errors.Is(err, berrors.ErrTimeout):
			return fmt.Errorf("opening %s: %w", s.path, ErrLocked)
		case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum),
			errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrInvalidMapping),
			errors.Is(err, errPanic):
			return &corruptError{reason: "not a bbolt file", err: err}
		}
		return fmt.Errorf("opening store file %s: %w", s.path, err)
	}
	l, err := load(db, o.keep)
	if err != nil {
		// The file was readable as bbolt: closing it cannot lose anything we would keep.
		_ = db.Close()
		return err
	}
	s.db, s.sources, s.vocab = db, l.sources, l.vocab
	if !o.readOnly {
		if err := s.upgrade(l); err != nil {
			// Nothing is lost: the file holds records this version reads, and the next start
			// tries again.
			s.logger.Warn("store upgrade failed; it is tried again at the next start", "path", s.path, "err", err)
		}
	}
	return nil
}

// openBolt is bolt.Open with panics and memory faults turned into errors: bbolt panics on some
// corrupt pages and faults on a page past the end of the file, and a corrupt file must be moved
// aside, not crash the collector at every start. checkFile catches the known faults before; this
// is what remains if the file changes in between.
func openBolt(path string, opts *bolt.Options) (db *bolt.DB, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %v", errPanic, r)
		}
	}()
	return bolt.Open(path, 0o600, opts)
}

// update runs fn in a bbolt write transaction, with a panic or memory fault inside bbolt turned
// into an error: damage that no check at Open can see (a free page list that names a page in use)
// may make bbolt panic on a later write, and that must fail the batch, rolled back, not the
// process. Callers hold applyMu.
func (s *Store) update(fn func(tx *bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w writing the store file (damaged? it is checked again at the next start): %v", errPanic, r)
		}
	}()
	return s.db.Update(fn)
}

// Close closes the file, after any Apply in flight. The in-memory tickets stay readable; Apply
// fails from now on.
func (s *Store) Close() error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	return s.db.Close()
}

// Path returns the store file's path.
func (s *Store) Path() string { return s.path }

// Source returns the source.Store view of one source. The view is cheap; the source's buckets are
// created by its first Apply.
func (s *Store) Source(name string) source.Store { return &view{s: s, name: name} }

// Tickets returns every stored ticket of the named sources (all sources when names is empty), in no
// particular order, as a fresh slice of the immutable pointers: a consistent point-in-time view
// for the snapshot (no batch is half visible). Callers must not modify the tickets.
func (s *Store) Tickets(names ...string) []*ticket.Ticket {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var states []*sourceState
	if len(names) == 0 {
		for _, st := range s.sources {
			states = append(states, st)
		}
	} else {
		seen := make(map[string]bool, len(names))
		for _, n := range names {
			if st, ok := s.sources[n]; ok && !seen[n] {
				seen[n] = true
				states = append(states, st)
			}
		}
	}
	n := 0
	for _, st := range states {
		n += len(st.tickets)
	}
	out := make([]*ticket.Ticket, 0, n)
	for _, st := range states {
		for _, t := range st.tickets {
			out = append(out, t)
		}
	}
	return out
}

// total is the number of tickets of every source.
func (s *Store) total() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, st := range s.sources {
		n += len(st.tickets)
	}
	return n
}

// Count returns the number of stored tickets of the source.
func (s *Store) Count(source string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if st, ok := s.sources[source]; ok {
		return len(st.tickets)
	}
	return 0
}

// MarkSynced records, in a transaction of its own, that the source completed a whole poll, so
// that after a restart Synced reports it at once and /-/ready need not wait for a poll. A cursor
// alone does not make a source synced: a first sync writes one with every batch.
func (s *Store) MarkSynced(source string) error {
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	if err := s.putSourceKey(source, keySynced, nil); err != nil {
		return fmt.Errorf("marking source %q synced: %w", source, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state(source).synced = true
	return nil
}

// state returns the in-memory state of the source, creating it. Callers hold mu and applyMu.
func (s *Store) state(source string) *sourceState {
	st, ok := s.sources[source]
	if !ok {
		st = &sourceState{tickets: map[string]*ticket.Ticket{}}
		s.sources[s.vocab.str(source)] = st
	}
	return st
}

// Synced reports whether the source completed a whole poll (MarkSynced), in this run or before
// a restart, for /-/ready and the report.
func (s *Store) Synced(source string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st, ok := s.sources[source]
	return ok && st.synced
}

// Get returns the stored ticket of the source with the key. Callers must not modify it.
func (s *Store) Get(source, key string) (*ticket.Ticket, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if st, ok := s.sources[source]; ok {
		t, ok := st.tickets[key]
		return t, ok
	}
	return nil, false
}

// pageSize is the bbolt page size of a new file. A ticket's record is about 2 KiB, and bbolt
// splits a 4 KiB page at 90 % (FillPercent), so with the default pages most pages held one
// record and the file took twice the bytes of its records; 16 KiB pages hold seven.
// An existing file keeps the page size it was created with.
const pageSize = 16 << 10
