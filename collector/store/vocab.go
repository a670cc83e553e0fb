package store

import (
	"slices"
	"unique"

	"github.com/custops/custops/collector/ticket"
)

// vocab interns the strings that tickets repeat (source, project, organizations, labels, field
// names and values, priority, state, status, channel, CSAT, clock names and origins, quality
// checks, transition states) with the standard unique package, so 200,000 tickets hold one copy of each
// instead of one per ticket. It also keeps one unique.Handle per distinct string: unique keeps a
// canonical copy only while a Handle to it is alive, and tickets hold plain strings, so without
// the handles every garbage collection would drop the copies and later tickets get new ones.
//
// The set grows with the number of distinct values, which the sources' vocabularies bound, not
// with the ticket count. A field missing from ticket() is stored and read all the same; it only
// costs heap. Not safe for concurrent use: each load worker has its own, merged into the Store's.
type vocab struct {
	handles map[unique.Handle[string]]struct{}
}

func newVocab() *vocab { return &vocab{handles: map[unique.Handle[string]]struct{}{}} }

// str returns the canonical copy of s.
func (v *vocab) str(s string) string {
	if s == "" {
		return ""
	}
	h := unique.Make(s)
	v.handles[h] = struct{}{}
	return h.Value()
}

// merge adds o's handles to v.
func (v *vocab) merge(o *vocab) {
	for h := range o.handles {
		v.handles[h] = struct{}{}
	}
}

func intern[S ~string](v *vocab, s S) S { return S(v.str(string(s))) }

// ticket interns t's repeated strings in place and cuts its slices to their length (a JSON
// decoder grows them by half again, so a dozen transitions would hold room for thirteen).
func (v *vocab) ticket(t *ticket.Ticket) {
	t.Source = v.str(t.Source)
	a := &t.Attributes
	a.Project = v.str(a.Project)
	a.Organizations = exact(a.Organizations)
	for i := range a.Organizations {
		o := &a.Organizations[i]
		o.ID, o.Name = v.str(o.ID), v.str(o.Name)
	}
	if len(a.Fields) > 0 {
		fields := make(map[string]string, len(a.Fields))
		for k, x := range a.Fields {
			fields[v.str(k)] = v.str(x)
		}
		a.Fields = fields
	}
	a.Labels = exact(a.Labels)
	for i, l := range a.Labels {
		a.Labels[i] = v.str(l)
	}
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
	t.Quality = exact(t.Quality)
	for i, q := range t.Quality {
		t.Quality[i] = v.str(q)
	}
	t.Transitions = exact(t.Transitions)
	for i := range t.Transitions {
		t.Transitions[i].State = intern(v, t.Transitions[i].State)
	}
}

// exact returns s with its capacity equal to its length, copying only when it is not.
func exact[E any](s []E) []E {
	if cap(s) == len(s) {
		return s
	}
	return slices.Clone(s)
}
