package sla

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// genTickets returns n tickets created in the 60 days before now over the sources and customers
// of testConfig (the customer is in Attributes.Project, "" for an unmapped one): open, waiting,
// resolved and reopened ones, most with a state history, some with native clocks.
func genTickets(n int, seed uint64, now time.Time) []*ticket.Ticket {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	sources := []string{"zd", "zd", "zd", "sim", "sim", "jsm"}
	customers := []string{"acme", "acme", "nyco", ""}
	out := make([]*ticket.Ticket, n)
	for i := range out {
		created := now.Add(-time.Duration(r.Int64N(int64(60 * 24 * time.Hour)))).Truncate(time.Minute)
		t := &ticket.Ticket{
			Source:     sources[r.IntN(len(sources))],
			Key:        strconv.Itoa(i),
			Attributes: ticket.Attributes{Project: customers[r.IntN(len(customers))]},
			Priority:   ticket.Priorities[r.IntN(len(ticket.Priorities))],
			Created:    created,
			State:      ticket.StateNew,
		}
		at := created
		step := func(maxStep time.Duration) bool { // advance; false when the next event would be after now
			next := at.Add(time.Duration(1 + r.Int64N(int64(maxStep))))
			if next.After(now) {
				return false
			}
			at = next
			return true
		}
		move := func(s ticket.State) {
			t.Transitions = append(t.Transitions, ticket.Transition{At: at, State: s})
			t.State, t.Updated = s, at
		}
	events:
		for range 1 + r.IntN(6) {
			if !step(36 * time.Hour) {
				break
			}
			switch {
			case t.State == ticket.StateNew:
				t.FirstReply = at
				move(ticket.StateInProgress)
			case t.State == ticket.StateResolved:
				if r.IntN(3) > 0 {
					break events
				}
				t.Reopened++
				t.ReopenedAt, t.Resolved = at, time.Time{}
				move(ticket.StateInProgress)
			case t.State == ticket.StateWaitingCustomer || r.IntN(3) == 0:
				move(ticket.StateInProgress)
			case r.IntN(2) == 0:
				move(ticket.StateWaitingCustomer)
			default:
				t.Resolved = at
				move(ticket.StateResolved)
			}
		}
		if r.IntN(4) == 0 { // a quarter of the sources give no history
			t.Transitions = nil
		}
		if r.IntN(2) == 0 {
			t.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: created, Goal: 8 * time.Hour}}}}
		}
		out[i] = t
	}
	return out
}

// customerOfProject is the test's customer matcher: the customer id is the ticket's project.
func customerOfProject(t *ticket.Ticket) string { return t.Attributes.Project }

// withBacklog returns copies of tickets where all but about share of the open ones are resolved
// an hour after their last event, for a desk whose backlog is a realistic part of its history.
func withBacklog(tickets []*ticket.Ticket, share float64, seed uint64, now time.Time) []*ticket.Ticket {
	r := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]*ticket.Ticket, len(tickets))
	for i, t := range tickets {
		out[i] = t
		if !t.Open() || r.Float64() < share {
			continue
		}
		c := *t
		at := latest(c.Created, c.Updated).Add(time.Hour)
		if at.After(now) {
			at = now
		}
		c.State, c.Resolved, c.Updated = ticket.StateResolved, at, at
		if len(c.Transitions) > 0 {
			c.Transitions = append(slices.Clone(c.Transitions), ticket.Transition{At: at, State: ticket.StateResolved})
		}
		out[i] = &c
	}
	return out
}
