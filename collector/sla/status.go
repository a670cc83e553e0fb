package sla

import (
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// State is what an SLA cycle is at an instant.
type State string

// The states of a cycle. A running cycle is StateRunning, StatePaused, StateAtRisk or
// StateBreached; a completed one StateMet or StateBreached (Status.Completed tells them apart).
const (
	StateRunning  State = "running"  // counting, with more than the at-risk threshold left
	StatePaused   State = "paused"   // not counting, not breached
	StateAtRisk   State = "at_risk"  // counting, not breached, at most the at-risk threshold left
	StateBreached State = "breached" // past its goal: still running, or completed late
	StateMet      State = "met"      // completed within its goal
)

// Status is what a cycle is at an instant: the one meaning every reader uses (the snapshot, the
// pages, the report, the engine, and the sources where they judge a breach).
type Status struct {
	State     State
	Completed bool // the cycle stopped: State is StateMet or StateBreached, final
	// Remaining is the working time left before the goal at the instant, negative once over it.
	// For a completed cycle it is what was left when it stopped.
	Remaining time.Duration
	// BreachAt is the instant the goal is (or was) reached; zero when not known, as for a paused
	// clock whose breach depends on when it resumes.
	BreachAt time.Time
}

// Counting reports whether the clock is running towards a breach that has not happened: running,
// not paused, not breached. Only such a clock has an upcoming breach.
func (s Status) Counting() bool { return s.State == StateRunning || s.State == StateAtRisk }

// StatusAt says what cycle c is at now, counting working time on cal (nil: wall-clock time;
// Calendars.For says which calendar a clock counts on). atRisk is the customer's threshold.
//
// A completed cycle is met or breached by the source's final verdict. A running cycle:
//   - paused: it counts nothing, so the working time left is what was left when the source read
//     it (Goal - Elapsed); it is breached only if that is used up or the source said so, and
//     never at risk: it cannot run out while paused.
//   - counting, with a breach instant from the source: the breach is at that instant, so a breach
//     instant that passed since the last poll counts; the time left is the working time on cal
//     from now to it (negative past it). For a clock read at ObservedAt with r left, the source's
//     breach instant is ObservedAt plus r of working time on its calendar (JSM's breachTime is
//     exactly that; "remaining time is the time from now until due, taking into account any
//     pauses", https://confluence.atlassian.com/servicemanagementserver0417/how-teams-see-slas-1072468255.html),
//     so on the same calendar this is r minus the working time between ObservedAt and now, and it
//     reaches zero at the vendor's instant to the second. On a calendar that is not the vendor's,
//     the breach still comes at the vendor's instant; only the time left is approximate.
//   - counting, without a breach instant, read at ObservedAt: the time left is Goal - Elapsed
//     minus the working time on cal from ObservedAt to now; the breach is where that reaches zero.
//
// A counting clock is at risk when not breached and at most atRisk.Of(Goal) is left.
func StatusAt(c ticket.Cycle, now time.Time, atRisk config.Threshold, cal *Calendar) Status {
	st := Status{Remaining: c.Goal - c.Elapsed, BreachAt: c.BreachAt}
	if !c.Running() {
		st.Completed, st.State = true, StateMet
		if c.Breached {
			st.State = StateBreached
		}
		return st
	}
	var over bool
	switch {
	case !c.Paused && !c.BreachAt.IsZero():
		st.Remaining = workBetween(cal, now, c.BreachAt)
		over = !now.Before(c.BreachAt)
	case !c.Paused && !c.ObservedAt.IsZero():
		if left := st.Remaining; left > 0 {
			st.BreachAt = addWork(cal, c.ObservedAt, left)
		}
		st.Remaining -= workBetween(cal, c.ObservedAt, now)
		over = st.Remaining <= 0
	default:
		// Paused, or read without an instant: what was left then is left now.
		over = st.Remaining <= 0
	}
	switch {
	case over || c.Breached:
		st.State = StateBreached
	case c.Paused:
		st.State = StatePaused
	case st.Remaining <= atRisk.Of(c.Goal):
		st.State = StateAtRisk
	default:
		st.State = StateRunning
	}
	return st
}

// workBetween returns the working time on cal from a to b, negative when b is before a; a nil
// calendar counts wall-clock time.
func workBetween(cal *Calendar, a, b time.Time) time.Duration {
	switch {
	case cal == nil:
		return b.Sub(a)
	case b.Before(a):
		return -cal.Elapsed(b, a)
	}
	return cal.Elapsed(a, b)
}

// addWork returns the instant d of working time on cal after t; a nil calendar adds wall time.
func addWork(cal *Calendar, t time.Time, d time.Duration) time.Time {
	if cal == nil {
		return t.Add(d)
	}
	return cal.Add(t, d)
}

// NextChange returns the earliest instant after now at which StatusAt(c, ·, atRisk, cal) may
// say another State than at now, as long as the source tells nothing new; zero when no instant
// will. It is StatusAt's own arithmetic run forward, so a reader that recomputes at that instant
// (the incremental snapshot) needs no clock ticking in between:
//   - a completed, paused or breached cycle, or a running one read without an instant, stays
//     what it is until the source reads it again;
//   - a counting cycle turns at risk when the working time left reaches atRisk.Of(Goal), then
//     breached at its breach instant.
func NextChange(c ticket.Cycle, now time.Time, atRisk config.Threshold, cal *Calendar) time.Time {
	return StatusAt(c, now, atRisk, cal).Next(now, c.Goal, atRisk, cal)
}

// Next is NextChange for the cycle s is the status of at now, whose goal is goal: for a reader
// that already asked StatusAt. The working time left only shrinks as time passes, so each
// instant is one forward walk on cal (Calendar.Add: the earliest instant at which a working time
// has passed).
func (s Status) Next(now time.Time, goal time.Duration, atRisk config.Threshold, cal *Calendar) time.Time {
	if !s.Counting() || s.BreachAt.IsZero() {
		return time.Time{}
	}
	// Counting, so not over: now is before the breach instant, whichever way it was found.
	if s.State == StateAtRisk {
		return s.BreachAt
	}
	// Running: at risk once the working time since now reaches what is left beyond the threshold
	// (Remaining > threshold here, so that instant is after now), and breached at the latest.
	if at := addWork(cal, now, s.Remaining-atRisk.Of(goal)); at.Before(s.BreachAt) {
		return at
	}
	return s.BreachAt
}
