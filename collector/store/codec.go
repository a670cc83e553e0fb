package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// The stored form of a ticket is a small binary record written with encoding/binary varints,
// chosen over encoding/json and encoding/gob by BenchmarkCodec (numbers in docs/bench/store.md):
//   - gob carries its type descriptors in every value, since bbolt keeps each ticket under its own
//     key (one gob stream per value): it was the largest and by far the slowest to decode;
//   - JSON, even of a mirror struct with short names and integer times, was about 3 times larger
//     and 10 times slower to decode than this record, and decoding allocates every string and
//     slice only for the interner to throw most of them away;
//   - this record decodes straight into the canonical ticket, looking repeated strings and lists
//     up by their bytes without allocating.
//
// The source and key are not in the record: the bucket and the bbolt key hold them. The layout is
// the order of encodeTicket; any change to it must bump recordVersion and schemaVersion (old
// files are then moved aside and re-synced). TestCodecCoversEveryField fails when a field is
// added to ticket.Ticket and not here.

// recordVersion is the first byte of every record. Version 2 dropped Clock.Origin and
// Cycle.ObservedAt; version 3 has them again.
const recordVersion = 3

// Time encodings: a tag, then the Unix seconds (varint) and, for the sub-second tags, the
// milliseconds or nanoseconds (uvarint). Jira times have milliseconds, Zendesk times seconds.
const (
	timeZero = iota
	timeSec
	timeMilli
	timeNano
)

// Flag bits of a ticket and of a cycle.
const (
	flagEscalated = 1 << iota
	flagIncident
)

const (
	flagBreached = 1 << iota
	flagPaused
)

// errRecord is wrapped by decodeTicket for bytes that are not a valid record.
var errRecord = errors.New("invalid ticket record")

// encoder appends a record.
type encoder struct{ b []byte }

func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) byte(v byte)      { e.b = append(e.b, v) }

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) strs(ss []string) {
	e.uvarint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.byte(timeZero)
		return
	}
	sec, ns := t.Unix(), t.Nanosecond()
	switch {
	case ns == 0:
		e.byte(timeSec)
		e.varint(sec)
	case ns%int(time.Millisecond) == 0:
		e.byte(timeMilli)
		e.varint(sec)
		e.uvarint(uint64(ns / int(time.Millisecond)))
	default:
		e.byte(timeNano)
		e.varint(sec)
		e.uvarint(uint64(ns))
	}
}

// encodeTicket returns the record of t.
func encodeTicket(t *ticket.Ticket) []byte {
	e := encoder{b: make([]byte, 0, 512)}
	e.byte(recordVersion)
	e.str(t.Summary)
	e.str(t.URL)
	a := &t.Attributes
	e.str(a.Project)
	e.uvarint(uint64(len(a.Organizations)))
	for _, o := range a.Organizations {
		e.str(o.ID)
		e.str(o.Name)
	}
	e.uvarint(uint64(len(a.Fields)))
	for _, k := range slices.Sorted(maps.Keys(a.Fields)) { // sorted: equal maps, equal bytes
		e.str(k)
		e.str(a.Fields[k])
	}
	e.strs(a.Labels)
	e.str(a.ReporterDomain)
	e.str(string(t.Priority))
	e.str(string(t.State))
	e.str(t.Status)
	e.str(string(t.Channel))
	e.time(t.Created)
	e.time(t.Updated)
	e.time(t.Resolved)
	e.time(t.FirstReply)
	var flags byte
	if t.Escalated {
		flags |= flagEscalated
	}
	if t.Incident {
		flags |= flagIncident
	}
	e.byte(flags)
	e.varint(int64(t.Reopened))
	e.time(t.ReopenedAt)
	e.str(string(t.CSAT))
	e.time(t.CSATAt)
	e.uvarint(uint64(len(t.Clocks)))
	for _, c := range t.Clocks {
		e.str(c.Name)
		e.str(c.Origin)
		e.uvarint(uint64(len(c.Cycles)))
		for _, y := range c.Cycles {
			e.time(y.Start)
			e.time(y.Stop)
			e.varint(int64(y.Goal))
			e.varint(int64(y.Elapsed))
			e.time(y.BreachAt)
			var flags byte
			if y.Breached {
				flags |= flagBreached
			}
			if y.Paused {
				flags |= flagPaused
			}
			e.byte(flags)
			e.time(y.ObservedAt)
		}
	}
	e.strs(t.Quality)
	e.uvarint(uint64(len(t.Transitions)))
	for _, tr := range t.Transitions {
		e.time(tr.At)
		e.str(string(tr.State))
	}
	return e.b
}

// decoder reads a record. The bytes may be bbolt's memory map: it never writes to them and copies
// whatever it keeps. The first error sticks; later reads return zero values.
type decoder struct {
	b   []byte
	off int
	err error
	in  *interner
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d", errRecord, what, d.off)
	}
	d.off = len(d.b)
}

func (d *decoder) byte() byte {
	if d.off >= len(d.b) {
		d.fail("truncated")
		return 0
	}
	v := d.b[d.off]
	d.off++
	return v
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

// count reads a length or element count, which cannot exceed the bytes left: a corrupt count
// must not make the decoder allocate gigabytes.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)-d.off) {
		d.fail("count beyond the record")
		return 0
	}
	return int(n)
}

// bytes returns the next length-prefixed bytes, without copying.
func (d *decoder) bytes() []byte {
	n := d.count()
	v := d.b[d.off : d.off+n]
	d.off += n
	return v
}

// istr reads an interned string.
func (d *decoder) istr() string { return d.in.internBytes(d.bytes()) }

func (d *decoder) time() time.Time {
	tag := d.byte()
	if tag == timeZero {
		return time.Time{}
	}
	sec := d.varint()
	var ns uint64
	switch tag {
	case timeSec:
	case timeMilli:
		ns = d.uvarint() * uint64(time.Millisecond)
	case timeNano:
		ns = d.uvarint()
	default:
		d.fail("bad time tag")
	}
	if ns >= uint64(time.Second) {
		d.fail("bad sub-second part")
		return time.Time{}
	}
	return time.Unix(sec, int64(ns)).UTC()
}

// skipStrs moves past a string list and returns its encoded bytes, the key of shared lists.
func (d *decoder) skipStrs(pairs bool) []byte {
	start := d.off
	n := d.count()
	if pairs {
		n *= 2
	}
	for i := 0; i < n && d.err == nil; i++ {
		d.bytes()
	}
	return d.b[start:d.off]
}

// decodeTicket builds the canonical in-memory ticket from a record: repeated strings and lists
// shared through the interner, slices at their exact length, empty slices and maps nil, times in
// UTC without a monotonic reading. Apply and Open both go through it, so a ticket reads the same
// before and after a restart.
//
// The key is the tail of the URL when the URL ends with it (Jira /browse/SUP-1, Zendesk
// /tickets/35436), which spares its allocation.
func decodeTicket(src string, key, data []byte, in *interner) (*ticket.Ticket, error) {
	d := &decoder{b: data, in: in}
	if v := d.byte(); v != recordVersion && d.err == nil {
		return nil, fmt.Errorf("%w: version %d, want %d", errRecord, v, recordVersion)
	}
	t := &ticket.Ticket{Source: in.intern(src)}

	// Summary and URL share one allocation.
	summary, url := d.bytes(), d.bytes()
	var buf [256]byte
	text := string(append(append(buf[:0], summary...), url...))
	t.Summary, t.URL = text[:len(summary)], text[len(summary):]
	if n, k := len(t.URL), len(key); k > 0 && n >= k && t.URL[n-k:] == string(key) {
		t.Key = t.URL[n-k:]
	} else {
		t.Key = string(key)
	}

	a := &t.Attributes
	a.Project = d.istr()
	a.Organizations = d.orgs()
	a.Fields = d.fields()
	a.Labels = d.strList()
	a.ReporterDomain = d.istr()
	t.Priority = ticket.Priority(d.istr())
	t.State = ticket.State(d.istr())
	t.Status = d.istr()
	t.Channel = ticket.Channel(d.istr())
	t.Created = d.time()
	t.Updated = d.time()
	t.Resolved = d.time()
	t.FirstReply = d.time()
	flags := d.byte()
	if flags&^(flagEscalated|flagIncident) != 0 {
		d.fail("unknown ticket flags")
	}
	t.Escalated, t.Incident = flags&flagEscalated != 0, flags&flagIncident != 0
	t.Reopened = int(d.varint())
	t.ReopenedAt = d.time()
	t.CSAT = ticket.CSAT(d.istr())
	t.CSATAt = d.time()
	t.Clocks = d.clocks()
	t.Quality = d.strList()
	if n := d.count(); n > 0 {
		t.Transitions = make([]ticket.Transition, n)
		for i := range t.Transitions {
			t.Transitions[i] = ticket.Transition{At: d.time(), State: ticket.State(d.istr())}
		}
	}
	if d.err == nil && d.off != len(d.b) {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	return t, nil
}

// strList reads a string list, shared with every other equal list.
func (d *decoder) strList() []string {
	start := d.off
	enc := d.skipStrs(false)
	if d.err != nil || len(enc) == 1 { // one byte: count 0
		return nil
	}
	return shared(d.in.lists, enc, func() []string {
		r := &decoder{b: d.b[start:d.off], in: d.in}
		out := make([]string, r.count())
		for i := range out {
			out[i] = r.istr()
		}
		return out
	})
}

// orgs reads an organization list, shared with every other equal list.
func (d *decoder) orgs() []ticket.Organization {
	start := d.off
	enc := d.skipStrs(true)
	if d.err != nil || len(enc) == 1 {
		return nil
	}
	return shared(d.in.orgs, enc, func() []ticket.Organization {
		r := &decoder{b: d.b[start:d.off], in: d.in}
		out := make([]ticket.Organization, r.count())
		for i := range out {
			out[i] = ticket.Organization{ID: r.istr(), Name: r.istr()}
		}
		return out
	})
}

// fields reads the matched custom fields, a map shared with every other equal map.
func (d *decoder) fields() map[string]string {
	start := d.off
	enc := d.skipStrs(true)
	if d.err != nil || len(enc) == 1 {
		return nil
	}
	return shared(d.in.fields, enc, func() map[string]string {
		r := &decoder{b: d.b[start:d.off], in: d.in}
		n := r.count()
		out := make(map[string]string, n)
		for range n {
			k := r.istr()
			out[k] = r.istr()
		}
		return out
	})
}

// clocks reads the SLA clocks, with every cycle of the ticket in one backing array of exactly the
// right size (one allocation, however many clocks); each clock's slice is capped so an append
// cannot spill into the next clock's cycles.
func (d *decoder) clocks() []ticket.Clock {
	n := d.count()
	if n == 0 {
		return nil
	}
	clocks := make([]ticket.Clock, n)
	var scratch [8]ticket.Cycle // most tickets have fewer cycles: no extra allocation
	cycles := scratch[:0]
	var endsBuf [4]int
	ends := endsBuf[:0]
	for i := range clocks {
		clocks[i].Name, clocks[i].Origin = d.istr(), d.istr()
		for range d.count() {
			var y ticket.Cycle
			y.Start = d.time()
			y.Stop = d.time()
			y.Goal = time.Duration(d.varint())
			y.Elapsed = time.Duration(d.varint())
			y.BreachAt = d.time()
			flags := d.byte()
			if flags&^(flagBreached|flagPaused) != 0 {
				d.fail("unknown cycle flags")
			}
			y.Breached, y.Paused = flags&flagBreached != 0, flags&flagPaused != 0
			y.ObservedAt = d.time()
			cycles = append(cycles, y)
		}
		ends = append(ends, len(cycles))
	}
	if len(cycles) == 0 {
		return clocks
	}
	all := make([]ticket.Cycle, len(cycles))
	copy(all, cycles)
	lo := 0
	for i, hi := range ends {
		if hi > lo {
			clocks[i].Cycles = all[lo:hi:hi]
		}
		lo = hi
	}
	return clocks
}
