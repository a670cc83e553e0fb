package store

import "strings"

// interner keeps one copy of each repeated string (source, status, project, organization, label,
// clock and quality names): 200,000 tickets share a few hundred distinct values, and one copy each
// is what keeps the store under 1 KiB of heap per ticket. It only grows, by the number of distinct
// values, which is bounded by the sources' configuration and vocabularies, not by ticket count.
//
// Not safe for concurrent use: the Store uses it under its apply mutex only.
type interner struct {
	m map[string]string
}

func newInterner() *interner { return &interner{m: map[string]string{}} }

// intern returns the canonical copy of s. The first copy is cloned so it never pins the buffer s
// was cut from.
func (in *interner) intern(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.m[s]; ok {
		return c
	}
	c := strings.Clone(s)
	in.m[c] = c
	return c
}

// strings returns a new slice of exactly len(ss) interned strings, or nil when ss is empty.
func (in *interner) strings(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = in.intern(s)
	}
	return out
}

// len reports the number of distinct strings held.
func (in *interner) len() int { return len(in.m) }
