package zendesk

import (
	"slices"
	"strconv"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// Zendesk metric names as the ticket metric events API spells them.
// Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/
const (
	metricReplyTime         = "reply_time"
	metricRequesterWaitTime = "requester_wait_time"
	metricResolutionTime    = "resolution_time"
)

// slaNextReply is the clock of reply_time instances after the first (Zendesk's "next reply
// time"); instance 1 is the first reply and becomes first_response.
const slaNextReply = "next_reply_time"

// clockName maps a Zendesk metric instance to our SLA name: sla_names from config first, then
// reply_time -> first_response (instance 1) or next_reply_time, the configured resolution metric
// -> resolution, and every other metric under its own name.
func (s *Source) clockName(metric string, instance int64) string {
	if n, ok := s.cfg.SLANames[metric]; ok && n != "" {
		return n
	}
	switch {
	case metric == metricReplyTime && instance <= 1:
		return ticket.SLAFirstResponse
	case metric == metricReplyTime:
		return slaNextReply
	case metric == s.resolutionMetric:
		return ticket.SLAResolution
	}
	return metric
}

// cycleIndex maps an instance to the position of its cycle in the clock. Zendesk numbers
// instances from 1 (reply_time's next-reply instances from 2); only instances with an SLA are
// stored, so for metrics with several instances some without an SLA this is best effort.
func cycleIndex(name string, instance int64) int {
	base := int64(1)
	if name == slaNextReply {
		base = 2
	}
	return max(int(instance-base), 0)
}

// cycleState is one metric instance being rebuilt from its events. The Cycle is what is stored;
// what it cannot say lives in the cursor's instance state while it matters (cursorState.Instances):
// that the SLA counts business hours, and Zendesk's live breach event.
//
// The Cycle's ObservedAt is the instant of the last state change Zendesk reported (activate,
// pause, fulfill): while running and not paused the clock has been active since ObservedAt, with
// Elapsed accumulated before it. A stored cycle therefore resumes from the events of a later poll
// as it is.
//
// Time is counted on the cycle's calendar: the ticket's schedule for a business-hours target
// when it is known (cal), wall time otherwise.
type cycleState struct {
	c        ticket.Cycle
	name     string
	key      string // businessKey
	idx      int    // position in the clock's cycles
	business bool
	measured bool          // update_status applied: Zendesk's minutes are in Elapsed
	breachEv bool          // BreachAt is Zendesk's live breach event, not our projection
	cal      *sla.Calendar // the business calendar, used while business is set; nil: wall time
}

// calendar returns the calendar the cycle counts in: nil for wall time.
func (cs *cycleState) calendar() *sla.Calendar {
	if cs.business {
		return cs.cal
	}
	return nil
}

// worked returns the time the clock counts between two instants.
func (cs *cycleState) worked(from, to time.Time) time.Duration {
	if cal := cs.calendar(); cal != nil {
		return cal.Elapsed(from, to)
	}
	return nonNeg(to.Sub(from))
}

// shift returns the instant d of counted time after t. A d of zero or less (a goal used up before
// the clock became active again) is not after t: on a calendar it is t, in wall time as far before
// t as the goal was exceeded; either way the breach is in the past.
func (cs *cycleState) shift(t time.Time, d time.Duration) time.Time {
	if cal := cs.calendar(); cal != nil {
		return cal.Add(t, d)
	}
	return t.Add(d)
}

func (cs *cycleState) activate(t time.Time) {
	switch {
	case cs.c.Start.IsZero():
		cs.c.Start, cs.c.ObservedAt = t, t
	case !cs.c.Stop.IsZero():
		// "Activate events are also used to indicate that a ticket metric is no longer [...]
		// fulfilled": a reopened ticket resumes the same instance, with its elapsed time.
		cs.c.Stop, cs.c.Paused, cs.c.ObservedAt = time.Time{}, false, t
		cs.measured = false
	case cs.c.Paused:
		cs.c.Paused, cs.c.ObservedAt = false, t
	default:
		return
	}
	// The clock counts again: Zendesk moves its breach event by the pause (deleting the old
	// one), so the instant is projected until the new event comes.
	cs.project()
}

func (cs *cycleState) pause(t time.Time) {
	if !cs.c.Running() || cs.c.Paused || cs.c.Start.IsZero() {
		return
	}
	cs.c.Elapsed += cs.worked(cs.c.ObservedAt, t)
	cs.c.ObservedAt, cs.c.Paused = t, true
	if !cs.c.Breached && !cs.breachEv {
		// While paused the breach instant is unknown: it depends on when the clock resumes.
		cs.c.BreachAt = time.Time{}
	}
}

func (cs *cycleState) fulfill(t time.Time) {
	if !cs.c.Running() || cs.c.Start.IsZero() {
		return
	}
	if !cs.c.Paused {
		cs.c.Elapsed += cs.worked(cs.c.ObservedAt, t)
	}
	cs.c.Stop, cs.c.ObservedAt, cs.c.Paused = t, t, false
	// Met when fulfilled before the breach instant, breached when after it. A business-hours
	// target projected in wall time (no schedule) is not trusted for this: Zendesk's breach event
	// or its update_status minutes decide.
	trusted := !cs.business || cs.cal != nil || cs.breachEv
	if cs.c.Goal > 0 && !cs.c.BreachAt.IsZero() && t.After(cs.c.BreachAt) && trusted {
		cs.c.Breached = true
	}
}

// applySLA sets the goal. A target in business hours is projected on the ticket's schedule
// (cal) when it could be read. An apply_sla that changes the target (a priority change, another
// policy) is Zendesk's new verdict: a breach projected or announced under the old target no
// longer stands for a running clock, and the clock is projected again.
// LIMITATION(calendar): without a schedule (none on the account, unreadable, an unknown zone) a
// business-hours target is projected in wall time, so BreachAt comes early outside business
// hours; a Zendesk breach event, when one arrives, replaces the projection with Zendesk's own
// instant, and update_status replaces Elapsed with Zendesk's business minutes.
func (cs *cycleState) applySLA(goal time.Duration, business bool) {
	if goal == cs.c.Goal && business == cs.business {
		return // the same SLA applied again: nothing changes
	}
	cs.c.Goal, cs.business = goal, business
	if cs.c.Running() {
		cs.breachEv, cs.c.Breached = false, false
		if cs.c.Paused {
			cs.c.BreachAt = time.Time{}
		}
		cs.project()
	}
}

// breach takes Zendesk's breach instant t of the metric (a breach event that is not deleted).
func (cs *cycleState) breach(t, now time.Time) {
	if !cs.c.Running() {
		if !t.After(cs.c.Stop) {
			cs.c.BreachAt, cs.breachEv, cs.c.Breached = t, true, true // it breached, then was fulfilled
		}
		return // a breach instant after the fulfilment never happened
	}
	cs.c.BreachAt, cs.breachEv = t, true
	// Breached once Zendesk's instant has passed, judged as every reader judges a counting clock;
	// a clock paused since breached before its pause.
	counting := cs.c
	counting.Paused = false
	if sla.StatusAt(counting, now, config.Threshold{}, nil).State == sla.StateBreached {
		cs.c.Breached = true
	}
}

// unbreach takes a breach event Zendesk marked deleted: when it is the live one, Zendesk no
// longer stands by that breach, so neither does the cycle; its breach instant is projected again
// and a fulfilled cycle keeps only what Zendesk measured.
func (cs *cycleState) unbreach(t time.Time) {
	if !cs.breachEv || !cs.c.BreachAt.Equal(t) {
		return
	}
	cs.breachEv, cs.c.Breached = false, false
	switch {
	case !cs.c.Running():
		cs.c.Breached = cs.measured && cs.c.Goal > 0 && cs.c.Elapsed > cs.c.Goal
	case cs.c.Paused:
		cs.c.BreachAt = time.Time{}
	default:
		cs.project()
	}
}

// updateStatus takes Zendesk's own measure of a fulfilled metric (minutes, calendar and
// business): the cycle's elapsed time, and the verdict: breached when it exceeds the target,
// or when Zendesk's live breach event says so; met otherwise, whatever the projection said.
func (cs *cycleState) updateStatus(st apiEventStat) {
	if cs.c.Running() {
		return
	}
	m := st.Calendar
	if cs.business {
		m = st.Business
	}
	cs.c.Elapsed = time.Duration(min(max(m, 0), int64(maxTarget/time.Minute))) * time.Minute // never wrapped
	cs.measured = true
	if cs.c.Goal > 0 {
		cs.c.Breached = cs.c.Elapsed > cs.c.Goal || (cs.breachEv && !cs.c.BreachAt.After(cs.c.Stop))
	}
}

// project sets BreachAt for a running, unpaused clock: the instant it became active plus the goal
// left on the cycle's calendar, which shifts the breach by every pause/activate span before it.
func (cs *cycleState) project() {
	if cs.c.Goal <= 0 || !cs.c.Running() || cs.c.Paused || cs.c.Start.IsZero() {
		return
	}
	cs.breachEv = false
	cs.c.BreachAt = cs.shift(cs.c.ObservedAt, cs.c.Goal-cs.c.Elapsed)
}

func nonNeg(d time.Duration) time.Duration { return max(d, 0) }

// clockEvent reports whether an event can change a clock. Others are skipped before they reach
// a cycle: measure events (instance_id 0, Zendesk's periodic measurement; Airbyte's and libzapi's
// recorded examples) would otherwise stand for instance 1 and overwrite what earlier events of the
// batch did to it, and types Zendesk may add later mean nothing here.
// Reference: https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-metric-event-types-reference/
func clockEvent(ev apiMetricEvent) bool {
	if ev.InstanceID < 1 || ev.Metric == "" { // no metric, no clock to name (FuzzMetricEventsPage found one named "")
		return false
	}
	switch ev.Type {
	case "activate", "pause", "fulfill", "apply_sla", "breach", "update_status":
		return true
	}
	return false
}

// mergeEvents applies metric events (oldest first, all for t) to a copy of t and returns it:
// the source's own clocks, FirstReply from the first reply_time fulfil, Resolved from the
// solve that fulfilled requester_wait_time/resolution_time. Metrics without an SLA (no
// apply_sla, now or before) yield no clock: a goal-less clock would read as breached downstream.
// A group SLA (apply_group_sla) is not read: the ticket is flagged unsupported_sla instead.
//
// insts holds the instance states (business hours, live breach) carried between batches;
// mergeEvents reads and updates it. cal is the ticket's business calendar; nil counts business
// hours in wall time.
func (s *Source) mergeEvents(t *ticket.Ticket, evs []apiMetricEvent, now time.Time, insts instanceMap, cal *sla.Calendar) *ticket.Ticket {
	out := *t
	out.Clocks = slices.Clone(t.Clocks)
	type key struct {
		metric   string
		instance int64
	}
	states := map[key]*cycleState{}
	var order []*cycleState
	next := map[string]int{}
	get := func(ev apiMetricEvent) *cycleState {
		k := key{ev.Metric, ev.InstanceID}
		if cs, ok := states[k]; ok {
			return cs
		}
		name := s.clockName(ev.Metric, ev.InstanceID)
		ik := businessKey(ev)
		inst := insts[ik]
		cs := &cycleState{name: name, key: ik, idx: cycleIndex(name, ev.InstanceID), business: inst.Business, cal: cal}
		c, _ := out.Clock(name)
		if cs.idx < len(c.Cycles) {
			cs.c = c.Cycles[cs.idx]
			cs.breachEv = inst.Breach != 0 && cs.c.BreachAt.Unix() == inst.Breach
		} else {
			// A new instance goes after the stored ones and those already seen in this batch.
			cs.idx = max(next[name], len(c.Cycles))
			next[name] = cs.idx + 1
		}
		states[k] = cs
		order = append(order, cs)
		return cs
	}
	var solvedAt time.Time
	for _, ev := range evs {
		if ev.Type == "apply_group_sla" && !slices.Contains(out.Quality, ticket.QualityUnsupportedSLA) {
			out.Quality = append(slices.Clone(out.Quality), ticket.QualityUnsupportedSLA)
		}
		if !clockEvent(ev) {
			continue
		}
		cs := get(ev)
		switch ev.Type {
		case "activate":
			cs.activate(ev.Time)
		case "pause":
			cs.pause(ev.Time)
		case "fulfill":
			cs.fulfill(ev.Time)
			if ev.Metric == metricReplyTime && ev.InstanceID == 1 && (out.FirstReply.IsZero() || ev.Time.Before(out.FirstReply)) {
				out.FirstReply = ev.Time
			}
			if ev.Metric == metricRequesterWaitTime || ev.Metric == metricResolutionTime {
				solvedAt = ev.Time
			}
		case "apply_sla":
			goal, ok := slaTarget(ev.SLA)
			if !ok {
				continue
			}
			if cs.c.Start.IsZero() {
				// The activate event came in an earlier poll, before any SLA applied, and was not
				// kept. Instance 1 of reply_time, requester_wait_time and agent_work_time starts
				// at creation (per the event types reference); later instances at the apply.
				start := ev.Time
				if ev.InstanceID == 1 && !t.Created.IsZero() {
					start = t.Created
				}
				cs.c.Start, cs.c.ObservedAt = start, start
			}
			cs.applySLA(goal, ev.SLA.BusinessHours)
		case "breach":
			if ev.Deleted {
				cs.unbreach(ev.Time)
			} else {
				cs.breach(ev.Time, now)
			}
		case "update_status":
			if ev.Status != nil {
				cs.updateStatus(*ev.Status)
			}
		}
	}
	for _, cs := range order {
		// Keep what the Cycle cannot hold until Zendesk's own minutes settle the verdict.
		if insts == nil {
			// no state is carried (tests of one batch)
		} else if !cs.measured && (cs.business || cs.breachEv) && cs.c.Goal > 0 && out.State != ticket.StateClosed {
			st := instanceState{Key: cs.key, Business: cs.business}
			if cs.breachEv {
				st.Breach = cs.c.BreachAt.Unix()
			}
			insts[cs.key] = st
		} else {
			delete(insts, cs.key)
		}
		if cs.c.Goal <= 0 || cs.c.Start.IsZero() {
			continue
		}
		setCycle(&out, cs.name, cs.idx, cs.c)
	}
	if !solvedAt.IsZero() && !out.State.Open() {
		out.Resolved = solvedAt
	}
	return &out
}

// businessKey names a metric instance in cursorState.Business.
func businessKey(ev apiMetricEvent) string {
	return strconv.FormatInt(ev.TicketID, 10) + "/" + ev.Metric + "/" + strconv.FormatInt(ev.InstanceID, 10)
}

// maxTarget bounds an SLA target: a century, past any SLA, and far from the 292 years a
// time.Duration holds, so a vendor's number can never wrap into a negative or nonsense goal.
const maxTarget = 100 * 365 * 24 * time.Hour

// slaTarget reads an apply_sla target: target_in_seconds when present, else target in minutes.
// A target beyond maxTarget is none.
func slaTarget(sla *apiEventSLA) (time.Duration, bool) {
	switch {
	case sla == nil:
		return 0, false
	case sla.TargetInSeconds != nil && *sla.TargetInSeconds > 0:
		if *sla.TargetInSeconds > int64(maxTarget/time.Second) {
			return 0, false
		}
		return time.Duration(*sla.TargetInSeconds) * time.Second, true
	case sla.Target != nil && *sla.Target > 0:
		if *sla.Target > maxTarget.Minutes() {
			return 0, false
		}
		return time.Duration(*sla.Target * float64(time.Minute)), true
	}
	return 0, false
}

// setCycle stores c as cycle idx of the named clock, creating the clock or appending.
func setCycle(t *ticket.Ticket, name string, idx int, c ticket.Cycle) {
	i := slices.IndexFunc(t.Clocks, func(k ticket.Clock) bool { return k.Name == name })
	if i < 0 {
		t.Clocks = append(t.Clocks, ticket.Clock{Name: name, Origin: ticket.OriginNative})
		i = len(t.Clocks) - 1
	}
	cl := t.Clocks[i]
	cl.Cycles = slices.Clone(cl.Cycles)
	if idx < len(cl.Cycles) {
		cl.Cycles[idx] = c
	} else {
		cl.Cycles = append(cl.Cycles, c)
	}
	t.Clocks[i] = cl
}
