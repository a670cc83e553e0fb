package store

import (
	"strings"

	"github.com/custops/custops/collector/ticket"
)

// maxShared bounds each table of shared slices and maps. Label sets, organization lists and
// quality lists repeat across tickets (a customer's tickets carry the same ones), but nothing
// bounds their combinations; past this many distinct ones, new values are simply not shared.
const maxShared = 1 << 14

// interner keeps one copy of each repeated value: strings (source, status, project,
// organization, label, clock, field and quality names), and whole label lists, organization lists,
// quality lists and field maps, which tickets share because stored tickets are immutable. 200,000
// tickets hold a few hundred distinct strings and a few thousand distinct lists, and one copy each
// is what keeps the store's heap per ticket down.
//
// The string table only grows, by the number of distinct values, which the sources' vocabularies
// bound, not the ticket count. Not safe for concurrent use: the Store uses it under its apply mutex
// only.
type interner struct {
	strs   map[string]string
	lists  map[string][]string // label and quality lists, by their encoded bytes
	orgs   map[string][]ticket.Organization
	fields map[string]map[string]string
}

func newInterner() *interner {
	return &interner{
		strs:   map[string]string{},
		lists:  map[string][]string{},
		orgs:   map[string][]ticket.Organization{},
		fields: map[string]map[string]string{},
	}
}

// intern returns the canonical copy of s. The first copy is cloned so it never pins the buffer s
// was cut from.
func (in *interner) intern(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in.strs[s]; ok {
		return c
	}
	c := strings.Clone(s)
	in.strs[c] = c
	return c
}

// internBytes is intern for bytes: a hit costs no allocation (the compiler does not copy b for
// the lookup), which is most of the decoding of a stored ticket.
func (in *interner) internBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if c, ok := in.strs[string(b)]; ok {
		return c
	}
	c := string(b)
	in.strs[c] = c
	return c
}

// shared looks a value up by its encoded bytes in table, building and remembering it on a miss
// while the table has room.
func shared[V any](table map[string]V, enc []byte, build func() V) V {
	if v, ok := table[string(enc)]; ok {
		return v
	}
	v := build()
	if len(table) < maxShared {
		table[string(enc)] = v
	}
	return v
}
