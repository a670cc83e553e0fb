package sim

import (
	"slices"
	"sort"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// EscalatedLabel is the label (Jira) or tag (Zendesk) an escalated ticket carries.
const EscalatedLabel = "escalated"

// visible reports whether the ticket exists on the desk at now: raised and not moved away.
func (pl *plan) visible(now time.Time) bool {
	return !pl.created.After(now) && (pl.dropAt.IsZero() || now.Before(pl.dropAt))
}

// seen is how many events have happened by now.
func (pl *plan) seen(now time.Time) int {
	return sort.Search(len(pl.events), func(i int) bool { return pl.events[i].at.After(now) })
}

// updated is the instant of the ticket's last change by now: its last event or handoff.
func (pl *plan) updated(now time.Time) time.Time {
	var at time.Time
	if n := pl.seen(now); n > 0 {
		at = pl.events[n-1].at
	}
	for _, h := range pl.handoffs {
		if !h.at.After(now) && h.at.After(at) {
			at = h.at
		}
	}
	return at
}

// cycleRun accumulates one run of the resolution clock while replaying.
type cycleRun struct {
	start, stop time.Time
	paused      time.Duration // closed spans waiting on the customer
}

// ticketAt replays the plan up to now into a fresh ticket; running clocks are observed at now.
func (pl *plan) ticketAt(d desk, now time.Time) *ticket.Ticket {
	key := d.key(pl.number)
	t := &ticket.Ticket{
		Source:   d.name,
		Key:      key,
		Summary:  pl.summary,
		URL:      d.url(key),
		Priority: pl.priority,
		Channel:  pl.channel,
		Created:  pl.created,
		Incident: pl.incident,
		Quality:  slices.Clone(pl.quality),
	}
	state := ticket.StateNew
	var runs []cycleRun
	var pauseStart time.Time
	leave := func(at time.Time) { // leaving a state: close a customer wait
		if state == ticket.StateWaitingCustomer && len(runs) > 0 {
			runs[len(runs)-1].paused += at.Sub(pauseStart)
		}
	}
	// The state history, for computed SLAs: every change of state at its instant, as a desk's
	// changelog (Jira) or audits (Zendesk) would give it.
	move := func(at time.Time, s ticket.State) {
		if s != state {
			t.Transitions = append(t.Transitions, ticket.Transition{At: at, State: s, Status: d.statuses[s]})
		}
		state = s
	}
	for _, e := range pl.events[:pl.seen(now)] {
		t.Updated = e.at
		switch e.kind {
		case evCreate:
			runs = append(runs, cycleRun{start: e.at})
			t.Transitions = append(t.Transitions, ticket.Transition{At: e.at, State: ticket.StateNew, Status: d.statuses[ticket.StateNew]})
		case evReply:
			t.FirstReply = e.at
			move(e.at, ticket.StateInProgress)
		case evState:
			leave(e.at)
			move(e.at, e.state)
			pauseStart = e.at
		case evEscalate:
			t.Escalated = true
		case evResolve:
			leave(e.at)
			move(e.at, ticket.StateResolved)
			t.Resolved = e.at
			runs[len(runs)-1].stop = e.at
		case evReopen:
			move(e.at, ticket.StateInProgress)
			t.Reopened++
			t.ReopenedAt = e.at
			t.Resolved = time.Time{}
			runs = append(runs, cycleRun{start: e.at})
		case evCSAT:
			t.CSAT, t.CSATAt = e.csat, e.at
		case evClose:
			move(e.at, ticket.StateClosed)
		}
	}
	t.State = state
	t.Status = d.statuses[state]
	t.Handling = pl.handlingAt(d, now)
	if last := t.Handling[len(t.Handling)-1].At; last.After(t.Updated) {
		t.Updated = last // a handoff is an update of the ticket
	}
	labels := []string{pl.label}
	if t.Escalated {
		labels = append(labels, EscalatedLabel)
	}
	t.Attributes = d.attributes(pl.cust, labels)
	t.Attributes.Fields = d.categoryFields(pl.topic)

	var waitingSince time.Time
	if state == ticket.StateWaitingCustomer {
		waitingSince = pauseStart
	}
	t.Clocks = []ticket.Clock{
		{Name: ticket.SLAFirstResponse, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{firstResponse(pl, t.FirstReply, now)}},
		{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: resolution(pl.resGoal, runs, waitingSince, now)},
	}
	return t
}

// firstResponse is the one cycle of the first-response clock: from creation to the first reply.
// Like every cycle here it is observed at now while it runs, and final as of its stop.
func firstResponse(pl *plan, reply, now time.Time) ticket.Cycle {
	c := ticket.Cycle{Start: pl.created, Stop: reply, Goal: pl.frGoal, BreachAt: pl.created.Add(pl.frGoal), ObservedAt: now}
	if reply.IsZero() {
		c.Elapsed = now.Sub(pl.created)
		c.Breached = c.Elapsed >= c.Goal
	} else {
		c.Elapsed = reply.Sub(pl.created)
		c.Breached = c.Elapsed > c.Goal
		c.ObservedAt = reply
	}
	return c
}

// resolution turns the replayed runs into resolution cycles. Waiting on the customer pauses the
// clock: paused time moves the breach instant later and does not count as elapsed. waitingSince is
// when the wait still going on at now began, zero when the ticket is not waiting on the customer.
func resolution(goal time.Duration, runs []cycleRun, waitingSince, now time.Time) []ticket.Cycle {
	out := make([]ticket.Cycle, len(runs))
	for i, r := range runs {
		c := ticket.Cycle{Start: r.start, Stop: r.stop, Goal: goal, ObservedAt: r.stop}
		end, paused := r.stop, r.paused
		if end.IsZero() {
			end, c.ObservedAt = now, now
			if !waitingSince.IsZero() {
				paused += now.Sub(waitingSince)
				c.Paused = true
			}
		}
		c.Elapsed = end.Sub(r.start) - paused
		c.BreachAt = r.start.Add(goal + paused)
		if c.Running() {
			c.Breached = c.Elapsed >= goal
		} else {
			c.Breached = c.Elapsed > goal
		}
		out[i] = c
	}
	return out
}
