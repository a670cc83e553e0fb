package store

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"github.com/custops/custops/collector/ticket"
)

// The file layout:
//
//	meta/schema                     schemaVersion
//	sources/<source>/cursor         the source's cursor (absent before its first cursor)
//	sources/<source>/synced         present once the source completed a whole poll (MarkSynced)
//	sources/<source>/count          how many tickets the source has, written with every batch
//	sources/<source>/schedule       the poller's maintenance schedule (schedule.go), opaque
//	sources/<source>/tickets/<key>  the ticket's JSON record
//
// Every value under sources/ is sealed with a checksum (record.go). The count lets a load tell a
// leaf page that lost tickets from a source that has fewer. Source buckets live under "sources"
// rather than at the top level so that no source name can collide with "meta".
var (
	bucketMeta    = []byte("meta")
	keySchema     = []byte("schema")
	bucketSources = []byte("sources")
	bucketTickets = []byte("tickets")
	keyCursor     = []byte("cursor")
	keySynced     = []byte("synced")
	keyCount      = []byte("count")
)

// schemaVersion names what the file's values mean. A file of another version is moved aside and
// the sources re-sync. "1" to "3" held hand-encoded binary records ("2" without Clock.Origin and
// Cycle.ObservedAt; before "3", a cursor counted as synced); "4" holds sealed JSON records, a
// ticket count and a separate synced mark; "5" holds sealed MessagePack records, and may still hold
// JSON ones from "4", which Open rewrites (upgrade.go).
const schemaVersion = "5"

// schemaJSON is the version whose files this one reads and upgrades in place.
const schemaJSON = "4"

// errPanic marks a panic or memory fault inside bbolt, turned into an error.
var errPanic = errors.New("bbolt panicked or faulted")

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

// loaded is what a load read: every source's state, and the strings its tickets share.
type loaded struct {
	sources map[string]*sourceState
	vocab   *vocab
	schema  string   // the file's schema version
	legacy  []string // the sources with JSON records, written by schema "4"
}

// load checks the schema version (writing it into a new file) and reads every ticket, cursor,
// synced mark and count. Only an empty file (no buckets at all) is taken as new. Memory faults
// (a page beyond the end of a file that shrank after the check) become errors like panics do.
func load(db *bolt.DB, keep Keep) (l *loaded, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			l, err = nil, &corruptError{reason: "reading the file", err: fmt.Errorf("%w: %v", errPanic, r)}
		}
	}()
	empty := true
	if err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
	}); err != nil {
		return nil, &corruptError{reason: "reading the file", err: err}
	}
	l = &loaded{sources: map[string]*sourceState{}, vocab: newVocab(), schema: schemaVersion}
	if empty && db.IsReadOnly() {
		return l, nil
	}
	if empty {
		return l, db.Update(func(tx *bolt.Tx) error {
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
	err = db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return &corruptError{reason: "no schema version (not a custops store)"}
		}
		v := meta.Get(keySchema)
		if !bytes.Equal(v, []byte(schemaVersion)) && !bytes.Equal(v, []byte(schemaJSON)) {
			return &corruptError{reason: fmt.Sprintf("schema version %q, written by another custops; this one reads %q and %q", v, schemaJSON, schemaVersion)}
		}
		l.schema = string(v)
		srcs := tx.Bucket(bucketSources)
		if srcs == nil {
			return &corruptError{reason: "no sources bucket"}
		}
		var raws []rawSource
		if err := srcs.ForEachBucket(func(name []byte) error {
			raw, err := readSource(string(name), srcs.Bucket(name))
			raws = append(raws, raw)
			return err
		}); err != nil {
			return err
		}
		// Decoded while the transaction is open: the records are slices of bbolt's memory map.
		return l.decode(raws, keep)
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// rawSource is one source as read from the file, its records not yet decoded.
type rawSource struct {
	name    string
	cursor  []byte
	synced  bool
	count   int
	keys    [][]byte
	records [][]byte // sealed records
}

// readSource reads one source's bucket: its cursor, mark and count, and its records in key order,
// not yet checked against their checksums. The keys and records alias the memory map.
func readSource(name string, b *bolt.Bucket) (rawSource, error) {
	r := rawSource{name: name}
	bad := func(what string, err error) error {
		return &corruptError{reason: fmt.Sprintf("source %q %s", name, what), err: err}
	}
	if b == nil {
		return r, bad("is not a bucket", nil)
	}
	if v := b.Get(keyCursor); v != nil {
		c, err := unseal(keyCursor, v)
		if err != nil {
			return r, bad("cursor", err)
		}
		r.cursor = bytes.Clone(c) // bbolt's slice is only valid inside the transaction
	}
	if v := b.Get(keySynced); v != nil {
		if _, err := unseal(keySynced, v); err != nil {
			return r, bad("synced mark", err)
		}
		r.synced = true
	}
	if v := b.Get(keyCount); v != nil {
		c, err := unseal(keyCount, v)
		if err == nil {
			r.count, err = strconv.Atoi(string(c))
		}
		if err != nil {
			return r, bad("ticket count", err)
		}
	}
	tb := b.Bucket(bucketTickets)
	if tb == nil {
		if r.count != 0 {
			return r, bad(fmt.Sprintf("has no tickets, its count says %d", r.count), nil)
		}
		return r, nil
	}
	r.keys = make([][]byte, 0, r.count)
	r.records = make([][]byte, 0, r.count)
	var prev []byte
	err := tb.ForEach(func(k, v []byte) error {
		if v == nil {
			return bad(fmt.Sprintf("ticket %q is a bucket", clip(string(k))), nil)
		}
		// bbolt keeps keys sorted; a key out of order is a page that was damaged or misplaced.
		if prev != nil && bytes.Compare(prev, k) >= 0 {
			return bad(fmt.Sprintf("ticket %q out of order after %q", clip(string(k)), clip(string(prev))), nil)
		}
		prev = k
		r.keys = append(r.keys, k)
		r.records = append(r.records, v) // checked by the decoding workers, on every core
		return nil
	})
	if err != nil {
		return r, err
	}
	if len(r.keys) != r.count {
		return r, bad(fmt.Sprintf("has %d tickets, its count says %d", len(r.keys), r.count), nil)
	}
	return r, nil
}

// decode decodes every record of raws into l. It runs on every core because decoding JSON is
// nearly all of a restart and one core does not fit 200,000 tickets into the 3 s a restart may
// take (BenchmarkOpenLoad, docs/bench/store.md); records are independent, so workers claim chunks
// of them and share nothing but their result slots.
func (l *loaded) decode(raws []rawSource, keep Keep) error {
	type job struct {
		src    *rawSource
		out    []*ticket.Ticket
		legacy atomic.Bool // a record is JSON
	}
	jobs := make([]job, len(raws))
	for i := range raws {
		jobs[i].src, jobs[i].out = &raws[i], make([]*ticket.Ticket, len(raws[i].records))
	}
	// Work items: (job, first record) in chunks, claimed through one counter.
	const chunk = 512
	type item struct{ job, lo int }
	var items []item
	for j := range jobs {
		for lo := 0; lo < len(jobs[j].out); lo += chunk {
			items = append(items, item{j, lo})
		}
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(items)))
	vocabs := make([]*vocab, workers)
	errs := make([]error, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		vocabs[w] = newVocab()
		wg.Go(func() {
			// The records are in bbolt's memory map: a fault there must fail this load, not the
			// process.
			defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
			defer func() {
				if r := recover(); r != nil {
					errs[w] = &corruptError{reason: "reading the file", err: fmt.Errorf("%w: %v", errPanic, r)}
				}
			}()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(items) || errs[w] != nil {
					return
				}
				jb := &jobs[items[i].job]
				for k := items[i].lo; k < min(items[i].lo+chunk, len(jb.out)); k++ {
					t, legacy, err := decodeTicket(jb.src, k, vocabs[w], keep)
					if err != nil {
						errs[w] = err
						return
					}
					jb.out[k] = t
					if legacy {
						jb.legacy.Store(true)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for w := range vocabs {
		l.vocab.merge(vocabs[w])
	}
	for i := range jobs {
		jb := &jobs[i]
		name := l.vocab.str(jb.src.name)
		if jb.legacy.Load() {
			l.legacy = append(l.legacy, name)
		}
		st := &sourceState{tickets: make(map[string]*ticket.Ticket, len(jb.out)), cursor: jb.src.cursor, synced: jb.src.synced}
		for _, t := range jb.out {
			if t != nil {
				st.tickets[t.Key] = t
			}
		}
		l.sources[name] = st
	}
	return nil
}

// decodeTicket decodes record k of src and checks it is the ticket its place says; legacy tells a
// schema "4" (JSON) record. With keep, it first reads only the record's attributes and returns nil when
// keep refuses the ticket.
func decodeTicket(src *rawSource, k int, v *vocab, keep Keep) (t *ticket.Ticket, legacy bool, err error) {
	key := src.keys[k]
	bad := func(err error) error {
		return &corruptError{reason: fmt.Sprintf("source %q ticket %q", src.name, clip(string(key))), err: err}
	}
	rec, err := unseal(key, src.records[k])
	if err != nil {
		return nil, false, bad(err)
	}
	legacy = isJSON(rec)
	if keep != nil {
		a, err := attributes(rec)
		if err != nil {
			return nil, legacy, bad(err)
		}
		if !keep(src.name, &a) {
			return nil, legacy, nil
		}
	}
	if t, err = decodeRecord(rec, v); err != nil {
		return nil, legacy, bad(err)
	}
	if t.Source != src.name || t.Key != string(key) {
		return nil, legacy, bad(fmt.Errorf("%w: record of %s/%s", errRecord, clip(t.Source), clip(t.Key)))
	}
	return t, legacy, nil
}
