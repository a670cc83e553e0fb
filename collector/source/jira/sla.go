package jira

import (
	"encoding/json"
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

// slaCycle is one cycle. remainingTime and elapsedTime are working time on the SLA's calendar
// and go negative once breached; breachTime is the wall-clock breach instant. Completed cycles
// carry stopTime and no paused.
type slaCycle struct {
	StartTime           *slaInstant  `json:"startTime"`
	StopTime            *slaInstant  `json:"stopTime"`
	BreachTime          *slaInstant  `json:"breachTime"`
	Breached            bool         `json:"breached"`
	Paused              bool         `json:"paused"`
	WithinCalendarHours bool         `json:"withinCalendarHours"`
	GoalDuration        *slaDuration `json:"goalDuration"`
	ElapsedTime         *slaDuration `json:"elapsedTime"`
	RemainingTime       *slaDuration `json:"remainingTime"`
}

type slaInstant struct {
	ISO8601     string `json:"iso8601"`
	EpochMillis *int64 `json:"epochMillis"`
}

func (i *slaInstant) time() time.Time {
	switch {
	case i == nil:
		return time.Time{}
	case i.EpochMillis != nil:
		return time.UnixMilli(*i.EpochMillis).UTC()
	}
	t, err := parseJiraTime(i.ISO8601)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

type slaDuration struct {
	Millis int64 `json:"millis"`
}

func (d *slaDuration) duration() time.Duration {
	if d == nil {
		return 0
	}
	return time.Duration(d.Millis) * time.Millisecond
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

// parseSLA turns a JSM SLA field value into a native clock: completed cycles oldest first, then
// the ongoing one. observed is the poll instant, when elapsed and remaining were read.
// fallbackName names the SLA when the value carries no name (the field's own name).
func parseSLA(raw json.RawMessage, fallbackName string, overrides map[string]string, observed time.Time) (ticket.Clock, bool) {
	var v slaValue
	if isNull(raw) || json.Unmarshal(raw, &v) != nil {
		return ticket.Clock{}, false
	}
	if len(v.CompletedCycles) == 0 && v.OngoingCycle == nil {
		return ticket.Clock{}, false // no SLA applies to this request (no goal matched)
	}
	name := v.Name
	if name == "" {
		name = fallbackName
	}
	c := ticket.Clock{Name: slaName(name, overrides), Origin: "native"}
	for _, cy := range v.CompletedCycles {
		c.Cycles = append(c.Cycles, ticket.Cycle{
			Start:    cy.StartTime.time(),
			Stop:     cy.StopTime.time(),
			Goal:     cy.GoalDuration.duration(),
			Elapsed:  cy.ElapsedTime.duration(),
			BreachAt: cy.BreachTime.time(),
			Breached: cy.Breached,
		})
	}
	if on := v.OngoingCycle; on != nil {
		cy := ticket.Cycle{
			Start:      on.StartTime.time(),
			Goal:       on.GoalDuration.duration(),
			Elapsed:    on.ElapsedTime.duration(),
			BreachAt:   on.BreachTime.time(),
			Breached:   on.Breached,
			Paused:     on.Paused,
			ObservedAt: observed,
		}
		// Elapsed is what the goal minus remaining says when JSM sent remaining only.
		if on.ElapsedTime == nil && on.RemainingTime != nil {
			cy.Elapsed = cy.Goal - on.RemainingTime.duration()
		}
		c.Cycles = append(c.Cycles, cy)
	}
	return c, true
}
