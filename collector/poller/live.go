package poller

import (
	"cmp"
	"slices"
	"time"
	"unsafe"

	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// live is what views are computed from under one config: the incremental snapshot of the stored
// tickets, which each recompute brings up to date with the changes the sources made since.
//
// The incremental snapshot holds the tickets the snapshot reads: a stored ticket itself, or its
// copy with the contract's computed clocks (the SLA engine's, for sources in computed or both
// mode), computed once when the stored ticket changed. derived maps a stored ticket to that copy,
// for the tickets the engine replaced.
type live struct {
	rules   *rules
	inc     *snapshot.Incremental
	derived map[*ticket.Ticket]*ticket.Ticket
}

// newLive aggregates the stored tickets at now under r. It reorders stored.
func newLive(r *rules, stored []*ticket.Ticket, now time.Time) *live {
	l := &live{rules: r, derived: map[*ticket.Ticket]*ticket.Ticket{}}
	sortInMemoryOrder(stored)
	tickets := stored
	if r.engine != nil {
		tickets = make([]*ticket.Ticket, len(stored))
		for i, t := range stored {
			tickets[i] = l.derive(t, now)
		}
	}
	l.inc = snapshot.NewIncremental(snapshot.Input{
		Tickets:    tickets,
		Now:        now,
		Config:     r.cfg,
		CustomerOf: r.matcher.Customer,
		Calendars:  r.calendars,
		Teams:      r.teams,
	})
	return l
}

// derive returns the ticket the snapshot reads for a stored ticket, remembering a copy.
func (l *live) derive(t *ticket.Ticket, now time.Time) *ticket.Ticket {
	if l.rules.engine == nil {
		return t
	}
	d := l.rules.engine.Ticket(t, l.rules.matcher.Customer(t), now)
	if d != t {
		l.derived[t] = d
	}
	return d
}

// held returns the ticket the snapshot holds for a stored ticket, and forgets the copy.
func (l *live) held(t *ticket.Ticket) *ticket.Ticket {
	if d, ok := l.derived[t]; ok {
		delete(l.derived, t)
		return d
	}
	return t
}

// update applies the stored tickets' changes and brings the snapshot to now.
func (l *live) update(changes []snapshot.Change, now time.Time) *snapshot.Snapshot {
	for i, c := range changes {
		if c.Old != nil {
			changes[i].Old = l.held(c.Old)
		}
		if c.New != nil {
			changes[i].New = l.derive(c.New, now)
		}
	}
	return l.inc.Update(changes, now)
}

// next is the instant at which time alone next changes the snapshot; zero when none.
func (l *live) next() time.Time { return l.inc.Next() }

// view returns a view of the current snapshot; Took, Sources, Complete and Wall are the
// caller's to fill.
func (l *live) view() *View {
	snap := l.inc.Snapshot()
	tickets := make([][]*ticket.Ticket, len(snap.Customers))
	for i, c := range snap.Customers {
		tickets[i] = l.inc.TicketsOf(c.ID)
	}
	return &View{Config: l.rules.cfg, Snapshot: snap, rules: l.rules, tickets: tickets}
}

// sortInMemoryOrder sorts the tickets by their address, so that the walk of every stored
// ticket (the first view after a start, a reload) reads memory forwards: the store allocated
// them as it decoded them, and a walk in its map's order misses the cache on nearly every ticket,
// which made that view twice as slow (docs/scale.md). The address is only compared, never used;
// Go's heap does not move objects. No number depends on the order.
func sortInMemoryOrder(tickets []*ticket.Ticket) {
	slices.SortFunc(tickets, func(a, b *ticket.Ticket) int {
		return cmp.Compare(uintptr(unsafe.Pointer(a)), uintptr(unsafe.Pointer(b)))
	})
}
