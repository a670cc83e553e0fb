package sla

import (
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Span is a wall-clock interval [From, To); a zero To has not ended.
type Span struct {
	From, To time.Time
}

// OpenSpans returns when the ticket was open (in the backlog), oldest first: each span runs from
// its creation or a reopen to a resolution. It reads the state history exactly as the computed
// clocks do (timelineOf), so the weekly backlog and the resolution clocks agree on when a ticket
// was resolved and reopened.
func OpenSpans(t *ticket.Ticket) []Span {
	tl := timelineOf(t, func(ticket.State) bool { return false }, timeline{})
	out := make([]Span, len(tl.cycles))
	for i, c := range tl.cycles {
		out[i] = Span{From: c.from, To: c.to}
	}
	return out
}

// CycleAt is a clock's cycle over s with the given goal on cal, not counting the pauses, as
// observed at now: the arithmetic of the computed SLA clocks (planCycle, then at), for clocks
// of other kinds, such as a team's OLA (collector/team). A running cycle's Elapsed and BreachAt
// are as of now; a completed one's are final and its ObservedAt is its stop. What the cycle is
// at an instant is then StatusAt's to say, as for any other clock. pauses must be sorted and
// may reach outside s.
func CycleAt(cal *Calendar, s Span, pauses []Span, goal time.Duration, now time.Time) ticket.Cycle {
	ps := make([]span, len(pauses))
	for i, p := range pauses {
		ps[i] = span{from: p.From, to: p.To}
	}
	cp := planCycle(cal, span{from: s.From, to: s.To}, ps, goal, time.Time{})
	return cp.at(cal, now, nil)
}
