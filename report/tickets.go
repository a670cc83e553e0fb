package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// Ticket states in the report's ticket list, most urgent first.
const (
	// StateBreached is an open ticket with a running SLA clock past its goal now.
	StateBreached = "breached"
	// StateAtRisk is an open ticket with a running clock within the at-risk threshold of its goal.
	StateAtRisk = "at_risk"
	// StateBreachedThisWeek is a ticket whose SLA cycle completed inside the reporting week after
	// its goal (for example a late first response, or a resolution after the deadline).
	StateBreachedThisWeek = "breached_this_week"
)

// Ticket is one ticket of the list of breached and at-risk tickets.
type Ticket struct {
	Key, Summary, Priority, Status string
	Open                           bool
	// Age is how long the ticket has been open: now - created while open, resolved - created
	// once resolved.
	Age   time.Duration
	State string  // StateBreached, StateAtRisk or StateBreachedThisWeek
	SLAs  []Clock // the clocks that put the ticket on the list
}

// Clock is one SLA clock of a listed ticket.
type Clock struct {
	Name  string
	State string // as Ticket.State
	// Left is the working time left before the goal, for an at-risk clock.
	Left time.Duration
}

// rank orders ticket states by urgency.
var rank = map[string]int{StateBreached: 0, StateAtRisk: 1, StateBreachedThisWeek: 2}

// ticketsOf lists the customer's tickets with an SLA clock breached or at risk now, or breached
// in the week ending at now, most urgent first (state, priority, oldest), capped at MaxTickets.
// Running clocks count only on open tickets, as in the snapshot and the exporter's ticket pages,
// and each cycle is judged by sla.StatusAt under the customer's policy, on the calendar cals say
// the clock counts on.
func ticketsOf(tickets []*ticket.Ticket, customerOf func(*ticket.Ticket) string, id string, policy config.Policy, cals *sla.Calendars, now time.Time) ([]Ticket, int) {
	var out []Ticket
	weekStart := now.Add(-Week)
	for _, t := range tickets {
		if customerOf == nil || customerOf(t) != id {
			continue
		}
		row := Ticket{
			Key: t.Key, Summary: t.Summary, Priority: string(t.Priority), Status: t.Status,
			Open: t.Open(), Age: now.Sub(t.Created),
		}
		if !row.Open && !t.Resolved.IsZero() {
			row.Age = t.Resolved.Sub(t.Created)
		}
		for ki := range t.Clocks {
			k := &t.Clocks[ki]
			if c, ok := clockState(k, row.Open, policy.AtRisk, cals.For(t, k, &policy), now, weekStart); ok {
				row.SLAs = append(row.SLAs, c)
				if row.State == "" || rank[c.State] < rank[row.State] {
					row.State = c.State
				}
			}
		}
		if row.State != "" {
			out = append(out, row)
		}
	}
	slices.SortStableFunc(out, func(a, b Ticket) int {
		return cmp.Or(
			cmp.Compare(rank[a.State], rank[b.State]),
			cmp.Compare(a.Priority, b.Priority),
			cmp.Compare(b.Age, a.Age), // oldest first
			cmp.Compare(a.Key, b.Key),
		)
	})
	if len(out) > MaxTickets {
		return out[:MaxTickets], len(out) - MaxTickets
	}
	return out, 0
}

// clockState judges one clock: its running cycle on an open ticket (breached or at risk now),
// else its latest cycle that completed breached inside the week; cal is the calendar it counts on.
func clockState(k *ticket.Clock, open bool, atRisk config.Threshold, cal *sla.Calendar, now, weekStart time.Time) (Clock, bool) {
	if cy, ok := k.Ongoing(); ok && open {
		switch st := sla.StatusAt(cy, now, atRisk, cal); st.State {
		case sla.StateBreached:
			return Clock{Name: k.Name, State: StateBreached}, true
		case sla.StateAtRisk:
			return Clock{Name: k.Name, State: StateAtRisk, Left: st.Remaining}, true
		}
	}
	for i := len(k.Cycles) - 1; i >= 0; i-- {
		cy := k.Cycles[i]
		if cy.Running() || !cy.Stop.After(weekStart) || cy.Stop.After(now) {
			continue
		}
		if sla.StatusAt(cy, now, atRisk, cal).State == sla.StateBreached {
			return Clock{Name: k.Name, State: StateBreachedThisWeek}, true
		}
	}
	return Clock{}, false
}
