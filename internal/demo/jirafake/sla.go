package jirafake

import (
	"slices"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// JSM reads an SLA field when it answers: a running cycle's elapsedTime and remainingTime are the
// working time on the SLA's calendar as of that moment, remainingTime goes negative and breached
// turns true once the goal is passed, breachTime is the wall-clock instant the goal is reached and
// is absent while the cycle is paused (SlaInformationOngoingCycle: Optional<Instant>
// getBreachTime(), https://docs.atlassian.com/jira-servicedesk/4.13.20/com/atlassian/servicedesk/api/sla/info/SlaInformationOngoingCycle.html),
// and a cycle no goal applies to comes without goalDuration, remainingTime and breachTime
// (optional in SlaInformationOngoingCycleDTO and SlaInformationCompletedCycleDTO,
// https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-sla-get).
// The fake keeps an issue's SLA cycles (Issue.SLAs) and renders the field at each answer, on
// Options.SLACalendar, so a client that trusts an answer's numbers longer than it should is
// caught by the next one.

// SLA is one JSM SLA of an issue, rendered into the field FieldID at each answer.
type SLA struct {
	Name string // the SLA's name as JSM shows it: "Time to first response"
	// Cycles are the SLA's cycles, oldest first; at most the last runs. A running cycle's
	// Elapsed is as of its ObservedAt (zero: its Start); a cycle with Goal 0 has no goal.
	Cycles []ticket.Cycle
}

// SLACalendar is the calendar JSM SLAs count time on: the same hours on each working day, in one
// time zone. A nil calendar counts around the clock.
type SLACalendar struct {
	Location *time.Location
	Days     []time.Weekday
	From, To time.Duration // from midnight, From < To <= 24h
}

// Work returns the working time between from and to (zero when to is not after from).
func (c *SLACalendar) Work(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	if c == nil {
		return to.Sub(from)
	}
	var total time.Duration
	day := from.In(c.Location)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, c.Location)
	for ; day.Before(to); day = day.AddDate(0, 0, 1) {
		if !slices.Contains(c.Days, day.Weekday()) {
			continue
		}
		open, shut := day.Add(c.From), day.Add(c.To)
		lo, hi := maxTime(open, from), minTime(shut, to)
		if hi.After(lo) {
			total += hi.Sub(lo)
		}
	}
	return total
}

// Within reports whether t is in working hours.
func (c *SLACalendar) Within(t time.Time) bool {
	if c == nil {
		return true
	}
	l := t.In(c.Location)
	since := l.Sub(time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, c.Location))
	return slices.Contains(c.Days, l.Weekday()) && since >= c.From && since < c.To
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// At renders the SLA as JSM answers it at now, counting a running cycle's time on cal.
func (v SLA) At(now time.Time, cal *SLACalendar) map[string]any { return v.render(now, cal, true) }

// render renders the SLA at now; without count, a running cycle is rendered as of its
// ObservedAt, its Elapsed as it is.
func (v SLA) render(now time.Time, cal *SLACalendar, count bool) map[string]any {
	out := map[string]any{"id": "1", "name": v.Name, "completedCycles": []any{}}
	var done []any
	for _, c := range v.Cycles {
		if !c.Running() {
			done = append(done, completedCycle(c))
			continue
		}
		elapsed := c.Elapsed
		if count && !c.Paused {
			from := c.ObservedAt
			if from.IsZero() {
				from = c.Start
			}
			elapsed += cal.Work(from, now)
		}
		m := map[string]any{
			"startTime":           instant(c.Start, true),
			"breached":            c.Goal > 0 && (c.Breached || elapsed > c.Goal),
			"paused":              c.Paused,
			"withinCalendarHours": cal.Within(now),
			"elapsedTime":         duration(elapsed, true),
		}
		if c.Goal > 0 {
			m["goalDuration"] = duration(c.Goal, true)
			m["remainingTime"] = duration(c.Goal-elapsed, true)
			if !c.Paused && !c.BreachAt.IsZero() {
				m["breachTime"] = instant(c.BreachAt, true)
			}
		}
		out["ongoingCycle"] = m
	}
	if done != nil {
		out["completedCycles"] = done
	}
	return out
}

// live reports whether the SLA's answer changes with time: a running cycle that is not paused.
func (v SLA) live() bool {
	n := len(v.Cycles)
	return n > 0 && v.Cycles[n-1].Running() && !v.Cycles[n-1].Paused
}

func completedCycle(c ticket.Cycle) map[string]any {
	m := map[string]any{
		"startTime":   instant(c.Start, false),
		"stopTime":    instant(c.Stop, false),
		"breached":    c.Goal > 0 && c.Breached,
		"elapsedTime": duration(c.Elapsed, false),
	}
	if c.Goal > 0 {
		m["goalDuration"] = duration(c.Goal, false)
		m["remainingTime"] = duration(c.Goal-c.Elapsed, false)
		if !c.BreachAt.IsZero() {
			m["breachTime"] = instant(c.BreachAt, false)
		}
	}
	return m
}

// goalless is the SLA JSM keeps on a request no goal applies to: it times the request all the
// same ("All remaining issues" with no target,
// https://confluence.atlassian.com/jirakb/some-slas-are-missing-for-newly-created-issues-in-a-jsm-project-1384131785.html),
// from creation to stop, or running while stop is zero and the request is open.
func goalless(name string, start, stop time.Time, open bool) (SLA, bool) {
	switch {
	case !stop.IsZero():
		return SLA{Name: name, Cycles: []ticket.Cycle{{Start: start, Stop: stop, Elapsed: stop.Sub(start)}}}, true
	case open:
		return SLA{Name: name, Cycles: []ticket.Cycle{{Start: start, ObservedAt: start}}}, true
	}
	return SLA{}, false
}
