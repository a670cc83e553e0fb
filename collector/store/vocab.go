package store

import (
	"encoding/binary"
	"maps"
	"slices"
	"unique"

	"github.com/custops/custops/collector/ticket"
)

// vocab interns the strings that tickets repeat (source, project, organizations, labels, field
// names and values, priority, state, status, channel, CSAT, clock names and origins, quality
// checks, transition states) with the standard unique package, so 200,000 tickets hold one copy of
// each instead of one per ticket. It keeps one unique.Handle per distinct string: unique keeps a
// canonical copy only while a Handle to it is alive, and tickets hold plain strings, so without
// the handles every garbage collection would drop the copies and later tickets get new ones. The
// handles sit in a map by content, which also answers a string seen before without unique.Make:
// a restart interns some thirty strings per ticket, and the map look-up is the cheaper of the two
// (BenchmarkOpenLoad).
//
// It also shares equal label lists, organization lists, quality lists and custom field maps
// between tickets (a customer's tickets carry the same ones; a one-entry map alone costs about
// 300 bytes). unique cannot hold those, since slices and maps are not comparable, so they sit in
// tables keyed by their contents, each bounded by maxShared: past that many distinct values, new
// ones are kept unshared.
//
// The tables grow with the number of distinct values, which the sources' vocabularies bound, not
// with the ticket count. A field missing from ticket() is stored and read all the same; it only
// costs heap. Not safe for concurrent use: each load worker has its own, merged into the Store's.
type vocab struct {
	handles map[string]unique.Handle[string] // by the canonical copy's content
	lists   map[string][]string
	orgs    map[string][]ticket.Organization
	fields  map[string]map[string]string
	key     []byte // scratch for table keys
}

// maxShared bounds each table of shared lists and maps.
const maxShared = 1 << 14

func newVocab() *vocab {
	return &vocab{
		handles: map[string]unique.Handle[string]{},
		lists:   map[string][]string{},
		orgs:    map[string][]ticket.Organization{},
		fields:  map[string]map[string]string{},
	}
}

// str returns the canonical copy of s.
func (v *vocab) str(s string) string {
	if s == "" {
		return ""
	}
	if h, ok := v.handles[s]; ok {
		return h.Value()
	}
	h := unique.Make(s)
	v.handles[h.Value()] = h
	return h.Value()
}

// merge adds o's strings and shared values to v.
func (v *vocab) merge(o *vocab) {
	maps.Copy(v.handles, o.handles)
	mergeShared(v.lists, o.lists)
	mergeShared(v.orgs, o.orgs)
	mergeShared(v.fields, o.fields)
}

func mergeShared[V any](dst, src map[string]V) {
	for k, x := range src {
		if _, ok := dst[k]; !ok && len(dst) < maxShared {
			dst[k] = x
		}
	}
}

func intern[S ~string](v *vocab, s S) S { return S(v.str(string(s))) }

// ticket interns t's repeated strings in place, shares its lists and maps, and cuts its other
// slices to their length (a JSON decoder grows them by half again, so a dozen transitions would
// hold room for thirteen).
func (v *vocab) ticket(t *ticket.Ticket) {
	t.Source = v.str(t.Source)
	a := &t.Attributes
	a.Project = v.str(a.Project)
	a.Organizations = v.orgList(a.Organizations)
	a.Fields = v.fieldMap(a.Fields)
	a.Labels = v.strList(a.Labels)
	a.ReporterDomain = v.str(a.ReporterDomain)
	t.Priority = intern(v, t.Priority)
	t.State = intern(v, t.State)
	t.Status = v.str(t.Status)
	t.Channel = intern(v, t.Channel)
	t.CSAT = intern(v, t.CSAT)
	t.Clocks = exact(t.Clocks)
	for i := range t.Clocks {
		c := &t.Clocks[i]
		c.Name, c.Origin = v.str(c.Name), v.str(c.Origin)
		c.Cycles = exact(c.Cycles)
	}
	t.Quality = v.strList(t.Quality)
	t.Transitions = exact(t.Transitions)
	for i := range t.Transitions {
		t.Transitions[i].State = intern(v, t.Transitions[i].State)
	}
}

// keyOf returns the table key of a sequence of strings: each length-prefixed, so no two
// sequences share a key.
func (v *vocab) keyOf(ss ...string) []byte {
	v.key = v.key[:0]
	for _, s := range ss {
		v.key = binary.AppendUvarint(v.key, uint64(len(s)))
		v.key = append(v.key, s...)
	}
	return v.key
}

// shared returns the table's value for key, or stores and returns x.
func shared[V any](table map[string]V, key []byte, x V) V {
	if y, ok := table[string(key)]; ok { // no allocation for the look-up
		return y
	}
	if len(table) < maxShared {
		table[string(key)] = x
	}
	return x
}

// strList interns a label or quality list and returns the shared copy of it.
func (v *vocab) strList(l []string) []string {
	if len(l) == 0 {
		return l
	}
	l = exact(l)
	for i, s := range l {
		l[i] = v.str(s)
	}
	return shared(v.lists, v.keyOf(l...), l)
}

// orgList interns an organization list and returns the shared copy of it.
func (v *vocab) orgList(l []ticket.Organization) []ticket.Organization {
	if len(l) == 0 {
		return l
	}
	l = exact(l)
	parts := make([]string, 0, 2*len(l))
	for i := range l {
		o := &l[i]
		o.ID, o.Name = v.str(o.ID), v.str(o.Name)
		parts = append(parts, o.ID, o.Name)
	}
	return shared(v.orgs, v.keyOf(parts...), l)
}

// fieldMap interns a custom field map and returns the shared copy of it.
func (v *vocab) fieldMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil // the decoder makes an empty map of a record's empty one
	}
	keys := slices.Sorted(maps.Keys(m))
	parts := make([]string, 0, 2*len(m))
	for _, k := range keys {
		parts = append(parts, k, m[k])
	}
	if y, ok := v.fields[string(v.keyOf(parts...))]; ok {
		return y
	}
	out := make(map[string]string, len(m))
	for _, k := range keys {
		out[v.str(k)] = v.str(m[k])
	}
	return shared(v.fields, v.keyOf(parts...), out)
}

// exact returns s with its capacity equal to its length, copying only when it is not.
func exact[E any](s []E) []E {
	if cap(s) == len(s) {
		return s
	}
	return slices.Clone(s)
}
