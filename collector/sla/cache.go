package sla

import "github.com/custops/custops/collector/ticket"

// cache holds the now-independent clocks of the tickets of the last Apply, by ticket pointer.
// Entries sit in a slice with the generation that last saw them, so dropping the ones a poll did
// not see is one sequential pass, not a walk through the map and every entry's memory.
type cache struct {
	index map[*ticket.Ticket]int32
	slots []slot
	free  []int32 // indexes of empty slots
}

// slot is one cache entry; an empty slot has a nil key.
type slot struct {
	key *ticket.Ticket
	ent *entry
	gen uint64
}

// get returns the entry of t and marks it seen in generation gen, or nil.
func (c *cache) get(t *ticket.Ticket, gen uint64) *entry {
	i, ok := c.index[t]
	if !ok {
		return nil
	}
	s := &c.slots[i]
	s.gen = gen
	return s.ent
}

// put stores the entry of t, seen in generation gen, over any previous one.
func (c *cache) put(t *ticket.Ticket, ent *entry, gen uint64, sizeHint int) {
	if c.index == nil {
		c.index = make(map[*ticket.Ticket]int32, sizeHint)
		c.slots = make([]slot, 0, sizeHint)
	}
	if i, ok := c.index[t]; ok {
		c.slots[i] = slot{t, ent, gen}
		return
	}
	var i int32
	if n := len(c.free); n > 0 {
		i, c.free = c.free[n-1], c.free[:n-1]
		c.slots[i] = slot{t, ent, gen}
	} else {
		i = int32(len(c.slots))
		c.slots = append(c.slots, slot{t, ent, gen})
	}
	c.index[t] = i
}

// sweep drops the entries not seen in generation gen.
func (c *cache) sweep(gen uint64) {
	for i := range c.slots {
		s := &c.slots[i]
		if s.key != nil && s.gen != gen {
			delete(c.index, s.key)
			*s = slot{}
			c.free = append(c.free, int32(i))
		}
	}
}

// len returns the number of entries.
func (c *cache) len() int { return len(c.index) }
