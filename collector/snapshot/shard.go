package snapshot

import "time"

// partial is what a builder of one customer accumulated over some of its tickets (a shard),
// before finish: absorbing the partials of every shard into a builder of the same customer
// leaves it as if it had walked all of them. Every field is a sum, an earliest or latest instant,
// a count per key or a list of samples, so the order of the shards does not matter. A field added
// to the accumulators must be merged in absorb: TestPropertyIncrementalEqualsCompute, run with
// shards of a few tickets, fails otherwise.
type partial struct {
	c          Customer
	acc        customerAcc
	categories map[string]int // nil without categories or without a ticket in their window
	response   []float64
	resolution []float64
	waited     samples // keyed as teamAccs.waited for customer 0
}

// partial takes the accumulators of b, a builder of one customer, unfinished. b must not be used
// afterwards.
func (b *builder) partial() *partial {
	p := &partial{c: b.customers[0], acc: b.accs[0], response: b.response.value, resolution: b.resolution.value}
	if b.categories != nil {
		p.categories = b.categories.counts[0]
	}
	if b.teams != nil {
		p.waited = b.teams.waited
	}
	return p
}

// absorb adds p to the accumulators of b, a builder of the same one customer.
func (b *builder) absorb(p *partial) {
	c, a := &b.customers[0], &b.accs[0]
	for pi := range c.Open {
		for si := range c.Open[pi] {
			c.Open[pi][si] += p.c.Open[pi][si]
		}
		for ai := range c.Age[pi] {
			c.Age[pi][ai] += p.c.Age[pi][ai]
		}
		c.OldestCreated[pi] = earliest(c.OldestCreated[pi], p.c.OldestCreated[pi])
		c.Escalated[pi] += p.c.Escalated[pi]
		c.Incidents[pi] += p.c.Incidents[pi]
		c.NextBreach[pi] = earliest(c.NextBreach[pi], p.c.NextBreach[pi])
	}
	for _, ps := range p.c.SLAs {
		s := slaFor(c, a.policy.ComplianceTarget, ps.Name)
		for pi := range s.Breached {
			s.Breached[pi] += ps.Breached[pi]
			s.AtRisk[pi] += ps.AtRisk[pi]
		}
		s.NextBreach = earliest(s.NextBreach, ps.NextBreach)
		for wi := range s.Met {
			s.Met[wi] += ps.Met[wi]
			s.BreachedCycles[wi] += ps.BreachedCycles[wi]
		}
	}
	for ti := range p.c.Teams {
		s, ps := &c.Teams[ti], &p.c.Teams[ti]
		s.Open += ps.Open
		s.OldestSince = earliest(s.OldestSince, ps.OldestSince)
		s.OLABreached += ps.OLABreached
		s.OLAAtRisk += ps.OLAAtRisk
		s.OLANextBreach = earliest(s.OLANextBreach, ps.OLANextBreach)
	}

	for wi := range a.trends {
		t, pt := &a.trends[wi], &p.acc.trends[wi]
		t.created += pt.created
		t.resolved += pt.resolved
		t.reopened += pt.reopened
		t.official += pt.official
		t.good += pt.good
		t.bad += pt.bad
		for ch := range t.channels {
			t.channels[ch] += pt.channels[ch]
		}
	}
	a.open += p.acc.open
	a.openOver7d += p.acc.openOver7d
	if o := &p.acc; o.owner != "" && (a.owner == "" || o.ownerAt > a.ownerAt || o.ownerAt == a.ownerAt && o.ownerKey > a.ownerKey) {
		a.owner, a.ownerAt, a.ownerKey = o.owner, o.ownerAt, o.ownerKey // noteOwner's rule
	}
	a.soon(p.acc.next)
	for si, ok := range p.acc.served {
		a.served[si] = a.served[si] || ok
	}

	if b.categories != nil && len(p.categories) > 0 {
		if b.categories.counts[0] == nil {
			b.categories.counts[0] = make(map[string]int, len(p.categories))
		}
		for k, n := range p.categories {
			b.categories.counts[0][k] += n
		}
	}
	for _, v := range p.response {
		b.response.add(0, v)
	}
	for _, v := range p.resolution {
		b.resolution.add(0, v)
	}
	if b.teams != nil {
		b.teams.waited.customer = append(b.teams.waited.customer, p.waited.customer...)
		b.teams.waited.value = append(b.teams.waited.value, p.waited.value...)
	}
}

// earliest is the earlier of two instants, zero meaning none; x on a tie. The walk and the merge
// of shards keep every "earliest instant" aggregate by it.
func earliest(x, y time.Time) time.Time {
	if x.IsZero() || !y.IsZero() && y.Before(x) {
		return y
	}
	return x
}
