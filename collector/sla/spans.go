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
