package snapshot

import (
	"cmp"
	"slices"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/team"
	"github.com/custops/custops/collector/ticket"
)

// Change is one ticket replaced in the set an Incremental aggregates: Old is the version it
// holds (nil for a new ticket), New the version that takes its place (nil when the ticket left).
// Both must be the pointers the Incremental was given, as stored tickets are: a change is a new
// pointer, never a modified ticket.
type Change struct {
	Old, New *ticket.Ticket
}

// Incremental keeps a Snapshot current as tickets change and time passes, re-aggregating only
// the customers whose tickets changed (before and after a move) and those whose aggregates the
// passing of time changes: each customer's next such instant (a clock turning at risk or
// breached, an instant entering or leaving a window, an age bucket's edge) is noted when it is
// aggregated, and it is aggregated again once that instant comes; within a customer, only the
// shards of its tickets that changed or whose instant came are walked again (group). Every
// Snapshot it returns is the Snapshot Compute returns for the same tickets at the same instant
// (a property test holds it to that, with shards of a few tickets too).
//
// Not safe for concurrent use. The Snapshots and ticket lists it returns are immutable: a later
// Update never changes them, so readers may keep them.
type Incremental struct {
	in        Input // Tickets unused; Calendars always set
	customers []config.Customer
	index     map[string]int // customer id -> index in customers and groups (the snapshot's order)
	groups    []group
	sources   []string        // configured source names, sorted
	quality   []qualityCounts // running data-quality counts, by index in sources
	records   *recordsAcc
	snap      *Snapshot
	shardSize int // tickets per shard (group)
}

// group is one customer's tickets and when time alone next changes its aggregates.
//
// A large customer's numbers move with time every few seconds (some ticket of tens of thousands
// always crosses a window's edge soon), so its tickets are aggregated in shards: shard k is
// tickets[k*shardSize:(k+1)*shardSize], with its own partial aggregates and next instant, and a
// time-driven view walks only the shards whose instant came, then merges every shard's partial
// (builder.absorb). A customer of one shard is walked whole, as it costs no more.
type group struct {
	// tickets is replaced, never modified, once handed out (TicketsOf). A ticket is found in it
	// by a linear scan: the group is walked whole when it is aggregated again anyway, and an
	// index would cost memory per ticket.
	tickets []*ticket.Ticket
	shards  []shard
	next    int64 // nanos; noChange when none: the earliest of the shards'
	shared  bool  // tickets was handed out: copy before changing it
	dirty   bool  // some shard is dirty
}

// shard is one shard of a group: its partial aggregates (kept only while the group has more
// than one shard; nil until walked) and when time alone next changes them.
type shard struct {
	part  *partial
	next  int64
	dirty bool
}

// defaultShardSize is small enough that a time-driven view walks little more than the tickets
// whose instant came, large enough that the partials cost little memory beside the tickets
// (BenchmarkIncremental, docs/bench/snapshot.md).
const defaultShardSize = 256

// NewIncremental aggregates in.Tickets at in.Now, as Compute does (in one pass, the same way),
// and keeps what it needs to update the result. in.Config must not be nil.
func NewIncremental(in Input) *Incremental { return newIncremental(in, defaultShardSize) }

func newIncremental(in Input, shardSize int) *Incremental {
	if in.Calendars == nil {
		in.Calendars = calendarsOf(in.Config)
	}
	if in.Teams == nil {
		in.Teams = team.New(in.Config, in.Calendars)
	}
	in.names = customerNames(in.Config)
	tickets := in.Tickets
	in.Tickets = nil
	b := newBuilder(in, in.Config.Customers)
	x := &Incremental{in: in, index: b.index, sources: b.sources, shardSize: shardSize}
	x.customers = slices.Clone(in.Config.Customers)
	slices.SortStableFunc(x.customers, func(a, b config.Customer) int { return cmp.Compare(a.ID, b.ID) })
	x.groups = make([]group, len(x.customers))
	for _, t := range tickets {
		if ci := b.add(t); ci >= 0 {
			x.groups[ci].tickets = append(x.groups[ci].tickets, t)
		}
	}
	x.snap = &Snapshot{At: in.Now}
	b.finish(x.snap)
	x.quality = b.quality
	x.records = b.records
	for i := range x.groups {
		g := &x.groups[i]
		g.next = b.accs[i].next
		// The shards have no partials yet: the group's first time-driven view walks them all.
		g.shards = make([]shard, x.shardsOf(len(g.tickets)))
		for k := range g.shards {
			g.shards[k].next = g.next
		}
	}
	return x
}

// shardsOf is the number of shards of a group of n tickets.
func (x *Incremental) shardsOf(n int) int { return (n + x.shardSize - 1) / x.shardSize }

// touch marks dirty the shard that holds position i of group g's tickets, adding shards up to it.
func (x *Incremental) touch(g *group, i int) {
	k := i / x.shardSize
	for len(g.shards) <= k {
		g.shards = append(g.shards, shard{next: noChange})
	}
	g.shards[k].dirty = true
	g.dirty = true
}

// Snapshot returns the current snapshot.
func (x *Incremental) Snapshot() *Snapshot { return x.snap }

// TicketsOf returns the tickets of the customer with the id, in no particular order; nil for an
// unknown customer. The slice is never modified afterwards.
func (x *Incremental) TicketsOf(id string) []*ticket.Ticket {
	i, ok := x.index[id]
	if !ok {
		return nil
	}
	g := &x.groups[i]
	g.shared = true
	return g.tickets
}

// Next returns the earliest instant at which the passing of time alone changes the snapshot:
// when Update should run even without changes. Zero when no instant will.
func (x *Incremental) Next() time.Time {
	next := int64(noChange)
	for i := range x.groups {
		next = min(next, x.groups[i].next)
	}
	if next == noChange {
		return time.Time{}
	}
	return time.Unix(0, next).UTC()
}

// Update applies the changes in order and returns the snapshot at now: the customers the changes
// touched and the customers whose aggregates changed with time since the last snapshot are
// aggregated again, the others are kept as they were. An instant before the last snapshot's
// aggregates every customer again (a clock set back).
func (x *Incremental) Update(changes []Change, now time.Time) *Snapshot {
	for _, c := range changes {
		if c.Old != nil {
			x.remove(c.Old)
		}
		if c.New != nil {
			x.insert(c.New)
		}
	}
	at := nanos(now)
	back := now.Before(x.snap.At)
	for i := range x.groups {
		g := &x.groups[i]
		if !back && g.next > at {
			continue
		}
		for k := range g.shards {
			if sh := &g.shards[k]; back || sh.next <= at {
				sh.dirty, g.dirty = true, true
			}
		}
	}
	x.refresh(now)
	return x.snap
}

// sourceIndex is the index of the ticket's source among the configured ones, or -1: Compute
// skips the tickets of other sources, so Incremental does too.
func (x *Incremental) sourceIndex(t *ticket.Ticket) int { return slices.Index(x.sources, t.Source) }

// groupOf returns the index of t's customer, or -1 when t maps to no configured customer.
func (x *Incremental) groupOf(t *ticket.Ticket) int {
	if x.in.CustomerOf == nil {
		return -1
	}
	if i, ok := x.index[x.in.CustomerOf(t)]; ok {
		return i
	}
	return -1
}

// configured returns the id of t's customer among the configured ones, or "".
func (x *Incremental) configured(t *ticket.Ticket) string {
	if gi := x.groupOf(t); gi >= 0 {
		return x.customers[gi].ID
	}
	return ""
}

// insert adds t to its customer's tickets and counts its data quality.
func (x *Incremental) insert(t *ticket.Ticket) {
	src := x.sourceIndex(t)
	if src < 0 {
		return
	}
	q := &x.quality[src]
	gi := x.groupOf(t)
	if gi < 0 {
		q.count(t, 1)
		q[checkUnmapped]++
		x.records.add(t, "", x.configured, 1)
		return
	}
	if slices.Contains(x.groups[gi].tickets, t) {
		return
	}
	q.count(t, 1)
	x.records.add(t, x.customers[gi].ID, x.configured, 1)
	g := x.own(gi)
	g.tickets = append(g.tickets, t)
	x.touch(g, len(g.tickets)-1)
}

// remove takes t back out: from its customer's tickets and from the data-quality counts.
func (x *Incremental) remove(t *ticket.Ticket) {
	src := x.sourceIndex(t)
	if src < 0 {
		return
	}
	gi := x.groupOf(t)
	if gi < 0 {
		q := &x.quality[src]
		q.count(t, -1)
		q[checkUnmapped]--
		x.records.add(t, "", x.configured, -1)
		return
	}
	i := slices.Index(x.groups[gi].tickets, t)
	if i < 0 {
		return // not held: nothing of it was counted
	}
	x.quality[src].count(t, -1)
	x.records.add(t, x.customers[gi].ID, x.configured, -1)
	g := x.own(gi)
	last := len(g.tickets) - 1
	x.touch(g, i)
	x.touch(g, last)
	g.tickets[i] = g.tickets[last]
	g.tickets[last] = nil
	g.tickets = g.tickets[:last]
	g.shards = g.shards[:x.shardsOf(last)]
}

// own returns group gi with a tickets slice no reader holds.
func (x *Incremental) own(gi int) *group {
	g := &x.groups[gi]
	if g.shared {
		g.tickets = slices.Clip(slices.Clone(g.tickets))
		g.shared = false
	}
	return g
}

// refresh aggregates the dirty customers at now and publishes the new snapshot.
func (x *Incremental) refresh(now time.Time) {
	s := &Snapshot{At: now, Customers: slices.Clone(x.snap.Customers)}
	in := x.in
	in.Now = now
	for i := range x.groups {
		g := &x.groups[i]
		if !g.dirty {
			continue
		}
		s.Customers[i] = x.aggregate(g, in, x.customers[i:i+1])
	}
	s.Records = x.records.finish(s.Customers)
	s.DataQuality = make([]DataQuality, 0, len(x.sources)*numChecks)
	for si, name := range x.sources {
		for ci := range numChecks {
			s.DataQuality = append(s.DataQuality, DataQuality{Source: name, Check: checkName(ci), Count: x.quality[si][ci]})
		}
	}
	x.snap = s
}

// aggregate aggregates group g, of the one customer, at in.Now: the whole group when it has one
// shard, else its dirty shards (and those never walked) into their partials, then every
// partial into the customer.
func (x *Incremental) aggregate(g *group, in Input, customer []config.Customer) Customer {
	b := newBuilder(in, customer)
	if len(g.shards) <= 1 {
		for _, t := range g.tickets {
			b.addTo(0, t)
		}
		for k := range g.shards {
			g.shards[k] = shard{next: b.accs[0].next}
		}
	} else {
		for k := range g.shards {
			sh := &g.shards[k]
			if sh.dirty || sh.part == nil {
				sb := newBuilder(in, customer)
				for _, t := range g.tickets[k*x.shardSize : min((k+1)*x.shardSize, len(g.tickets))] {
					sb.addTo(0, t)
				}
				*sh = shard{part: sb.partial(), next: sb.accs[0].next}
			}
			b.absorb(sh.part)
		}
	}
	var one Snapshot
	b.finish(&one)
	g.next, g.dirty = b.accs[0].next, false
	return one.Customers[0]
}
