package sim

import (
	"math/rand/v2"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Who works a ticket: support, and for some tickets Engineering for a stretch (a component on
// the Jira desk, a group on the Zendesk desk), sometimes twice. Drawn from a stream of the
// ticket's own (its number), so the other draws, and every ticket a world had before handoffs
// were simulated, stay as they were.

// The handlers the desks name.
const (
	// EngineeringComponent is the Jira component of a ticket Engineering works.
	EngineeringComponent = "Payments API"
	// EngineeringGroup and SupportGroup are the Zendesk groups.
	EngineeringGroup = "Engineering"
	SupportGroup     = "Tier 1"
)

// handoff is a move of a ticket to Engineering (eng) or back to support.
type handoff struct {
	at  time.Time
	eng bool
}

// Chances a ticket goes to Engineering, and that it goes a second time.
var (
	engineeringChance = map[ticket.Priority]float64{ticket.P1: 0.45, ticket.P2: 0.3, ticket.P3: 0.1, ticket.P4: 0.05}
	secondStintChance = 0.25
)

// planHandoffs draws the ticket's stints with Engineering between its first reply and its first
// resolution: a stint starts within the first half of that span and lasts 20-70% of what is left;
// a second one may follow in the rest.
func planHandoffs(pl *plan, ev []event, healthy bool) []handoff {
	if healthy {
		return nil
	}
	r := rand.New(rand.NewPCG(uint64(pl.number), 0x7ea5))
	p := engineeringChance[pl.priority]
	if pl.incident {
		p = 0.6
	}
	if !chance(r, p) {
		return nil
	}
	var from, to time.Time
	for _, e := range ev {
		switch {
		case e.kind == evReply && from.IsZero():
			from = e.at
		case e.kind == evResolve && to.IsZero():
			to = e.at
		}
	}
	if from.IsZero() || !to.After(from) {
		return nil
	}
	span := to.Sub(from)
	start := from.Add(scale(span, uniform(r, 0.05, 0.5)))
	end := start.Add(scale(to.Sub(start), uniform(r, 0.2, 0.7)))
	out := []handoff{{start, true}, {end, false}}
	if chance(r, secondStintChance) {
		again := end.Add(scale(to.Sub(end), uniform(r, 0.1, 0.5)))
		out = append(out, handoff{again, true}, handoff{again.Add(scale(to.Sub(again), uniform(r, 0.3, 0.8))), false})
	}
	if !pl.dropAt.IsZero() {
		for i, h := range out {
			if !h.at.Before(pl.dropAt) {
				return out[:i]
			}
		}
	}
	return out
}

// handlerOf is who handles a ticket of the desk: Engineering or support.
func (d desk) handlerOf(at time.Time, eng bool) ticket.Handling {
	h := ticket.Handling{At: at}
	switch {
	case d.name == DeskZendesk && eng:
		h.Group = EngineeringGroup
	case d.name == DeskZendesk:
		h.Group = SupportGroup
	case eng:
		h.Components = []string{EngineeringComponent}
	}
	return h
}

// handlingAt is the ticket's handling history by now.
func (pl *plan) handlingAt(d desk, now time.Time) []ticket.Handling {
	out := []ticket.Handling{d.handlerOf(pl.created, false)}
	for _, h := range pl.handoffs {
		if h.at.After(now) {
			break
		}
		out = append(out, d.handlerOf(h.at, h.eng))
	}
	return out
}
