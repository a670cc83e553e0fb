package history

import (
	"time"

	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// OpenAt returns the span in which the ticket was open just before the instant at, if it was:
// the same rule as a week's backlog (begun before at, not ended before it).
func OpenAt(t *ticket.Ticket, at time.Time) (sla.Span, bool) {
	for _, s := range sla.OpenSpans(t) {
		if openAt(s, at) {
			return s, true
		}
	}
	return sla.Span{}, false
}

// StateAt returns the ticket's state just before the instant at and since when it was in it,
// read from its state history. A ticket without history is in its current state since its last
// update when that was before at, else, as far as anyone can tell, in its current state since
// it was created. Before creation it is "" (it did not exist).
func StateAt(t *ticket.Ticket, at time.Time) (ticket.State, time.Time) {
	if !t.Created.Before(at) {
		return "", time.Time{}
	}
	if len(t.Transitions) == 0 {
		if !t.Updated.IsZero() && t.Updated.Before(at) {
			return t.State, t.Updated
		}
		return t.State, t.Created
	}
	state, since := ticket.StateNew, t.Created
	for _, tr := range t.Transitions {
		if !tr.At.Before(at) {
			break
		}
		if tr.State != state && tr.State.Valid() {
			state, since = tr.State, tr.At
		}
	}
	if !t.Updated.Before(at) {
		return state, since
	}
	// The history may lag the current state (a change within one poll): after the last update,
	// the current state holds.
	if last := t.Transitions[len(t.Transitions)-1]; last.State != t.State && t.Updated.After(last.At) {
		return t.State, t.Updated
	}
	return state, since
}
