package jira

import (
	"strings"
	"time"
	"unicode"

	"github.com/custops/custops/collector/ticket"
)

// slaValue is a JSM SLA field (com.atlassian.servicedesk:sd-sla-field) as it appears on an
// issue, the same shape as GET /rest/servicedeskapi/request/{key}/sla returns per SLA:
// https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-sla-get
type slaValue struct {
	Name            string     `json:"name"`
	CompletedCycles []slaCycle `json:"completedCycles"`
	OngoingCycle    *slaCycle  `json:"ongoingCycle"`
}

// slaCycle is one cycle. remainingTime and elapsedTime are working time on the SLA's calendar as
// of the response, and remainingTime goes negative once breached; breachTime is the wall-clock
// instant remainingTime reaches zero, absent while paused (SlaInformationOngoingCycle has
// Optional<Instant> getBreachTime(),
// https://docs.atlassian.com/jira-servicedesk/4.13.20/com/atlassian/servicedesk/api/sla/info/SlaInformationOngoingCycle.html).
// Completed cycles carry stopTime and no paused. goalDuration is absent when no goal applies.
//
// Values, not pointers: an absent instant decodes as the zero value, and a cold sync of a large
// desk does not allocate per instant.
type slaCycle struct {
	StartTime           slaInstant   `json:"startTime"`
	StopTime            slaInstant   `json:"stopTime"`
	BreachTime          slaInstant   `json:"breachTime"`
	Breached            bool         `json:"breached"`
	Paused              bool         `json:"paused"`
	WithinCalendarHours bool         `json:"withinCalendarHours"`
	GoalDuration        slaDuration  `json:"goalDuration"`
	ElapsedTime         *slaDuration `json:"elapsedTime"` // absent: derived from remainingTime
	RemainingTime       slaDuration  `json:"remainingTime"`
}

// slaInstant is JSM's date-time object ({"iso8601", "jira", "friendly", "epochMillis"}); JSM
// always sends epochMillis, the one read (the strings are skipped without allocating).
type slaInstant struct {
	EpochMillis int64 `json:"epochMillis"`
}

func (i slaInstant) time() time.Time {
	if i.EpochMillis == 0 {
		return time.Time{}
	}
	return time.UnixMilli(i.EpochMillis).UTC()
}

type slaDuration struct {
	Millis int64 `json:"millis"`
}

// maxSLAMillis bounds a JSM duration: a century, past any SLA goal yet far from the 292 years a
// time.Duration holds, so goal minus remaining cannot overflow either (FuzzSLAField found a goal
// of 9.3e12 ms wrapping to a negative one). A goal beyond it counts as no goal.
const maxSLAMillis = 100 * 365 * 24 * int64(time.Hour/time.Millisecond)

// duration is the duration, clamped to maxSLAMillis either way.
func (d slaDuration) duration() time.Duration {
	return time.Duration(min(max(d.Millis, -maxSLAMillis), maxSLAMillis)) * time.Millisecond
}

// hasGoal reports whether a cycle's goal is one: positive and within maxSLAMillis.
func (cy slaCycle) hasGoal() bool {
	return cy.GoalDuration.Millis > 0 && cy.GoalDuration.Millis <= maxSLAMillis
}

// elapsed is elapsedTime, or the goal minus remainingTime when JSM sent remaining only.
func elapsed(cy slaCycle) time.Duration {
	if cy.ElapsedTime != nil {
		return cy.ElapsedTime.duration()
	}
	return cy.GoalDuration.duration() - cy.RemainingTime.duration()
}

// defaultSLAName maps JSM's stock SLA names (lowercased) to ours; config sla_names goes over them.
func defaultSLAName(lower string) (string, bool) {
	switch lower {
	case "time to first response":
		return ticket.SLAFirstResponse, true
	case "time to resolution":
		return ticket.SLAResolution, true
	}
	return "", false
}

// unnamedSLA names an SLA whose value and field have no name to snake_case: a clock must have a
// name (it is the sla label).
const unnamedSLA = "unnamed_sla"

// slaName is our name for a JSM SLA: config first, then the stock names, then the name itself
// lowercased in snake_case ("Time to close after resolution" -> time_to_close_after_resolution).
func slaName(name string, overrides map[string]string) string {
	lower := strings.ToLower(strings.TrimSpace(name))
	if n, ok := overrides[lower]; ok {
		return n
	}
	if n, ok := defaultSLAName(lower); ok {
		return n
	}
	return snakeCase(name)
}

func snakeCase(s string) string {
	var b strings.Builder
	gap := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if gap && b.Len() > 0 {
				b.WriteByte('_')
			}
			gap = false
			b.WriteRune(r)
		} else {
			gap = true
		}
	}
	return b.String()
}

// clockFromSLA turns a JSM SLA field value into a native clock, as JSM read it at observed (the
// poll instant): completed cycles oldest first, then the ongoing one, whose elapsed time and
// breach instant JSM computed at observed. fallbackName names the SLA when the value carries no
// name (the field's own name).
//
// A cycle without a goal is dropped, and a value left with no cycle yields no clock: JSM keeps
// timing an SLA whose goals have no target for the issue ("All remaining issues" with no target,
// https://confluence.atlassian.com/jirakb/some-slas-are-missing-for-newly-created-issues-in-a-jsm-project-1384131785.html)
// and then sends cycles without goalDuration (optional in SlaInformationOngoingCycleDTO and
// SlaInformationCompletedCycleDTO,
// https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-request/#api-rest-servicedeskapi-request-issueidorkey-sla-get).
// Such a cycle can be neither met nor breached, so it counts nowhere. The clock comes back named
// also when ok is false.
func clockFromSLA(v *slaValue, fallbackName string, overrides map[string]string, observed time.Time) (ticket.Clock, bool) {
	c := ticket.Clock{Name: slaName(v.Name, overrides), Origin: ticket.OriginNative}
	if c.Name == "" { // no name, or one of neither letters nor digits (found by FuzzSLAField)
		c.Name = slaName(fallbackName, overrides)
	}
	if c.Name == "" {
		c.Name = unnamedSLA
	}
	for _, cy := range v.CompletedCycles {
		if !cy.hasGoal() {
			continue
		}
		c.Cycles = append(c.Cycles, ticket.Cycle{
			Start:      cy.StartTime.time(),
			Stop:       cy.StopTime.time(),
			Goal:       cy.GoalDuration.duration(),
			Elapsed:    elapsed(cy),
			BreachAt:   cy.BreachTime.time(),
			Breached:   cy.Breached,
			ObservedAt: cy.StopTime.time(), // final as of its stop
		})
	}
	if on := v.OngoingCycle; on != nil && on.hasGoal() {
		c.Cycles = append(c.Cycles, ticket.Cycle{
			Start:      on.StartTime.time(),
			Goal:       on.GoalDuration.duration(),
			Elapsed:    elapsed(*on),
			BreachAt:   on.BreachTime.time(),
			Breached:   on.Breached,
			Paused:     on.Paused,
			ObservedAt: observed,
		})
	}
	return c, len(c.Cycles) > 0 // no cycles: no SLA with a goal applies to this request
}

// firstStop is when the SLA's first completed cycle stopped, goal or not; zero when none did. For
// the first-response SLA it is the first reply, which JSM times even when no goal applies.
func firstStop(v *slaValue) time.Time {
	if len(v.CompletedCycles) == 0 {
		return time.Time{}
	}
	return v.CompletedCycles[0].StopTime.time()
}
