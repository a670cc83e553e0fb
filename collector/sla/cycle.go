package sla

import (
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// cyclePlan is one cycle computed as far as it does not depend on the observation instant, so
// that it can be cached per immutable ticket and finished cheaply at every poll.
type cyclePlan struct {
	c       ticket.Cycle  // Start, Stop and Goal; for a completed cycle also Elapsed, BreachAt, Breached
	running bool          // the cycle has not stopped
	paused  bool          // running and in a pause state since since
	since   time.Time     // running: start of the open active span, or when the pause began
	prior   time.Duration // running: working time accrued before since
	reached bool          // the goal was reached before since, so BreachAt is final
	hasW    bool          // running and unpaused with wSince set
	wSince  time.Duration // cumulative working time at since from the engine's anchor
}

// planCycle computes a cycle over s on cal with the given goal, not counting the pauses. The
// breach instant is where the goal is reached counting only unpaused working time: each pause
// shifts it by the pause's working time. With a non-zero anchor, a running unpaused cycle also
// records the cumulative working time at its last resume, so that its elapsed time at any later
// instant is a subtraction.
func planCycle(cal *Calendar, s span, pauses []span, goal time.Duration, anchor time.Time) cyclePlan {
	cp := cyclePlan{c: ticket.Cycle{Start: s.from, Stop: s.to, Goal: goal}, running: s.open()}
	var elapsed time.Duration
	var breachAt time.Time
	reached := false
	active := func(a, b time.Time) {
		w := cal.Elapsed(a, b)
		if !reached && elapsed+w >= goal {
			reached, breachAt = true, cal.Add(a, goal-elapsed)
		}
		elapsed += w
	}
	cursor := s.from
	for _, p := range pauses {
		if !p.open() && !p.to.After(cursor) {
			continue
		}
		if !s.open() && !p.from.Before(s.to) {
			break
		}
		if p.from.After(cursor) {
			active(cursor, p.from)
		}
		end := p.to
		if !s.open() && (p.open() || p.to.After(s.to)) {
			end = s.to
		}
		if end.IsZero() {
			cp.paused, cp.since = true, latest(p.from, cursor)
			break
		}
		cursor = latest(cursor, end)
	}
	switch {
	case cp.paused:
		cp.prior = elapsed
	case !s.open():
		if s.to.After(cursor) {
			active(cursor, s.to)
		}
		cp.c.Elapsed = elapsed
		cp.c.Breached = elapsed > goal
		if !reached {
			// Met: the instant the goal would have been reached had the clock kept running.
			breachAt = cal.Add(s.to, goal-elapsed)
		}
	default:
		cp.since, cp.prior = cursor, elapsed
		if !reached {
			breachAt = cal.Add(cursor, goal-elapsed)
		}
		if !anchor.IsZero() {
			cp.hasW, cp.wSince = true, cumulative(cal, anchor, cursor)
		}
	}
	cp.reached = reached
	cp.c.BreachAt = breachAt
	return cp
}

// at finishes the cycle as observed at now: a running clock's elapsed time grows with now, and a
// paused one's breach instant moves with now until it resumes; whether it is breached at now is
// StatusAt's answer. A completed cycle is final: it does not depend on now (ObservedAt is its
// stop), so that it (and a ticket whose clocks all stopped) does not change from one poll to the
// next and can be handed out again as it is.
// With wNow set (the cumulative working time at now from the same anchor), a running unpaused
// cycle's elapsed time costs no calendar walk.
func (cp *cyclePlan) at(cal *Calendar, now time.Time, wNow *time.Duration) ticket.Cycle {
	c := cp.c
	if !cp.running {
		c.ObservedAt = c.Stop
		return c
	}
	c.ObservedAt = now
	switch {
	case cp.paused:
		c.Paused = true
		c.Elapsed = cp.prior
		if !cp.reached {
			c.BreachAt = cal.Add(latest(now, cp.since), c.Goal-cp.prior)
		}
	case cp.hasW && wNow != nil:
		c.Elapsed = cp.prior + max(0, *wNow-cp.wSince)
	default:
		c.Elapsed = cp.prior + cal.Elapsed(cp.since, now)
	}
	c.Breached = StatusAt(c, now, config.Threshold{}, cal).State == StateBreached
	return c
}

// cumulative returns the working time on cal from anchor to t, negative before the anchor. Since
// Elapsed is exactly additive, cumulative(cal, a, y) - cumulative(cal, a, x) == cal.Elapsed(x, y)
// for x <= y, whatever the anchor.
func cumulative(cal *Calendar, anchor, t time.Time) time.Duration {
	if t.Before(anchor) {
		return -cal.Elapsed(t, anchor)
	}
	return cal.Elapsed(anchor, t)
}
