package sla

import (
	"slices"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// span is a wall-clock interval [from, to); a zero to means it has not ended.
type span struct {
	from, to time.Time
}

// open reports whether the span has not ended.
func (s span) open() bool { return s.to.IsZero() }

// timeline is what the clocks need from a ticket's history: the resolution cycles (each from
// creation or a reopen to a resolution) and the spans spent in a pause state, both oldest first.
type timeline struct {
	cycles []span
	pauses []span
}

// timelineOf reads the ticket's history. With Transitions, every resolution, reopen and pause is
// placed exactly. Without them only Created, Resolved, ReopenedAt and the current state are
// known: the last cycle runs from the last reopen, an earlier cycle is kept only when the source
// kept its resolution instant (one before the reopen), since inventing a stop would invent
// breaches; and a ticket now in a pause state counts as paused since its last update. The result
// reuses the slices of scratch, which may be the zero timeline.
func timelineOf(t *ticket.Ticket, paused func(ticket.State) bool, scratch timeline) timeline {
	tl := timeline{cycles: scratch.cycles[:0], pauses: scratch.pauses[:0]}
	if len(t.Transitions) > 0 {
		return fromTransitions(t, paused, tl)
	}
	last := span{from: t.Created}
	if t.Reopened > 0 && t.ReopenedAt.After(t.Created) {
		if !t.Resolved.IsZero() && t.Resolved.Before(t.ReopenedAt) && !t.Resolved.Before(t.Created) {
			tl.cycles = append(tl.cycles, span{t.Created, t.Resolved})
		}
		last.from = t.ReopenedAt
	}
	switch {
	case !t.State.Open():
		last.to = stopAt(t, last.from)
	case paused(t.State):
		tl.pauses = append(tl.pauses, span{from: latest(t.Updated, last.from)})
	}
	tl.cycles = append(tl.cycles, last)
	return tl
}

// fromTransitions walks the state history. The ticket starts new at Created; leaving the open
// states stops the cycle, entering them again starts a new one. The current State has the last
// word when the history lags behind it.
func fromTransitions(t *ticket.Ticket, paused func(ticket.State) bool, tl timeline) timeline {
	trs := t.Transitions
	if !slices.IsSortedFunc(trs, func(a, b ticket.Transition) int { return a.At.Compare(b.At) }) {
		trs = slices.SortedStableFunc(slices.Values(trs), func(a, b ticket.Transition) int { return a.At.Compare(b.At) })
	}
	state := ticket.StateNew
	cur := span{from: t.Created}
	running := true
	pause := span{from: t.Created}
	inPause := paused(state)
	lastAt := t.Created
	for _, tr := range trs {
		at := latest(tr.At, t.Created)
		lastAt = at
		if tr.State == state || !tr.State.Valid() {
			continue
		}
		if inPause && !(tr.State.Open() && paused(tr.State)) {
			pause.to = at
			tl.pauses = append(tl.pauses, pause)
			inPause = false
		}
		switch {
		case running && !tr.State.Open():
			cur.to = at
			tl.cycles = append(tl.cycles, cur)
			running = false
		case !running && tr.State.Open():
			cur = span{from: at}
			running = true
		}
		if running && paused(tr.State) && !inPause {
			pause = span{from: at}
			inPause = true
		}
		state = tr.State
	}
	switch {
	case running && !t.State.Open():
		stop := stopAt(t, latest(cur.from, lastAt))
		cur.to = stop
		tl.cycles = append(tl.cycles, cur)
		if inPause {
			pause.to = stop
			tl.pauses = append(tl.pauses, pause)
		}
		return tl
	case !running && t.State.Open():
		from := lastAt
		if t.ReopenedAt.After(from) {
			from = t.ReopenedAt
		}
		tl.cycles = append(tl.cycles, span{from: from})
		return tl
	}
	if running {
		tl.cycles = append(tl.cycles, cur)
		if inPause {
			tl.pauses = append(tl.pauses, pause)
		}
	}
	return tl
}

// stopAt is when a ticket that is no longer open stopped its last cycle: its resolution instant,
// else its last update, never before the cycle began.
func stopAt(t *ticket.Ticket, notBefore time.Time) time.Time {
	switch {
	case !t.Resolved.Before(notBefore):
		return t.Resolved
	case !t.Updated.Before(notBefore):
		return t.Updated
	}
	return notBefore
}

// firstResponse is the first-response cycle: from Created to the first reply or, for a ticket
// resolved without a public reply, to its first resolution (the request was answered by being
// resolved, as JSM's default "Time to first response" also stops on resolution).
func firstResponse(t *ticket.Ticket, tl timeline) span {
	s := span{from: t.Created}
	switch {
	case !t.FirstReply.IsZero():
		s.to = latest(t.FirstReply, t.Created)
	case len(tl.cycles) > 0 && !tl.cycles[0].open():
		s.to = tl.cycles[0].to
	}
	return s
}

// latest returns the later of two instants.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
