package zendeskfake

import (
	"hash/fnv"
	"slices"
	"strconv"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Requester and agent ids FromTicket uses: an agent-raised ticket is submitted by the agent.
const (
	RequesterID int64 = 1001
	AgentID     int64 = 2001
)

// FromTicket renders a normalized ticket in Zendesk's wire format, with the metric events that
// rebuild its SLA clocks, so the demo can serve the simulator's tickets through this fake. It is
// the inverse of the zendesk source's mapping: p1..p4 -> urgent..low, states -> Zendesk statuses,
// channels -> via.channel (agent -> web with the agent as submitter), labels -> tags,
// first_response -> reply_time, resolution -> requester_wait_time.
func FromTicket(t *ticket.Ticket) (Ticket, []MetricEvent) {
	id := ticketID(t.Key)
	zt := Ticket{
		ID:          id,
		Subject:     t.Summary,
		Description: t.Summary,
		CreatedAt:   unixTime(t.Created),
		UpdatedAt:   unixTime(t.Updated),
		Status:      statusOf(t.State),
		RequesterID: RequesterID,
		SubmitterID: RequesterID,
		Tags:        slices.Clone(t.Attributes.Labels),
		IsPublic:    true,
	}
	// A ticket flagged with an unknown priority has none on the wire (Zendesk's null priority).
	if p := priorityOf(t.Priority); p != "" && !slices.Contains(t.Quality, ticket.QualityUnknownPriority) {
		zt.Priority = &p
	}
	typ := "question"
	if t.Incident {
		typ = "incident"
	}
	zt.Type = &typ
	zt.Via.Channel = channelOf(t.Channel)
	if t.Channel == ticket.ChannelAgent {
		zt.SubmitterID = AgentID
	}
	if t.Escalated && !slices.Contains(zt.Tags, "escalated") {
		zt.Tags = append(zt.Tags, "escalated")
	}
	if len(t.Attributes.Organizations) > 0 {
		if n, err := strconv.ParseInt(t.Attributes.Organizations[0].ID, 10, 64); err == nil {
			zt.OrganizationID = &n
		}
	}
	// The ticket form (Tickets API: "ticket_form_id ... The id of the ticket form to render for
	// the ticket") the simulated desk files the request under.
	if form, err := strconv.ParseInt(t.Attributes.Fields[ticket.FieldTicketForm], 10, 64); err == nil {
		zt.TicketFormID = &form
	}
	if t.CSAT != ticket.CSATNone {
		zt.SatisfactionRating = &SatisfactionRating{ID: id, Score: string(t.CSAT), At: unixTime(t.CSATAt)}
	}
	if n := len(t.Handling); n > 0 {
		// The group the ticket is assigned to now, and its team drop-down (TicketEventsOf
		// gives the history of both).
		if h := t.Handling[n-1]; h.Group != "" {
			g := GroupIDOf(h.Group)
			zt.GroupID = &g
		}
		if h := t.Handling[n-1]; h.Team != "" {
			zt.CustomFields = append(zt.CustomFields, CustomField{ID: TeamFieldID, Value: h.Team})
		}
	}
	zt.MetricSet = metricSetOf(id, t)
	return zt, eventsOf(id, t)
}

// metricSetOf renders the ticket metrics Zendesk keeps for a ticket (see MetricSet): the first
// reply as reply_time_in_seconds (and minutes) from creation, the solve time, the reopen count.
func metricSetOf(id int64, t *ticket.Ticket) *MetricSet {
	m := &MetricSet{ID: id, TicketID: id, CreatedAt: unixTime(t.Created), UpdatedAt: unixTime(t.Updated), Reopens: t.Reopened}
	if !t.FirstReply.IsZero() {
		secs := int64(unixTime(t.FirstReply).Sub(unixTime(t.Created)) / time.Second)
		mins := secs / 60
		m.Replies = 1
		m.ReplyTimeInSeconds = MetricTime{Calendar: &secs}
		m.ReplyTimeInMinutes = MetricTime{Calendar: &mins, Business: &mins}
	}
	if !t.Resolved.IsZero() && !t.State.Open() {
		at := unixTime(t.Resolved)
		m.SolvedAt = &at
	}
	// "status_updated_at: When the status of the ticket was last updated" and "group_stations:
	// Number of groups the ticket passed through"
	// (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metrics/).
	for i := len(t.Transitions) - 1; i > 0; i-- {
		if statusOf(t.Transitions[i].State) != statusOf(t.Transitions[i-1].State) {
			at := unixTime(t.Transitions[i].At)
			m.StatusUpdatedAt = &at
			break
		}
	}
	if m.StatusUpdatedAt == nil {
		at := unixTime(t.Created)
		m.StatusUpdatedAt = &at
	}
	m.GroupStations = groupStations(t.Handling)
	return m
}

// groupStations counts the groups a handling history passed through: each assignment to a group
// other than the one before.
func groupStations(hs []ticket.Handling) int {
	n, last := 0, ""
	for _, h := range hs {
		if h.Group != "" && h.Group != last {
			n++
		}
		last = h.Group
	}
	return n
}

// ticketID is the numeric id of a key: the key itself when numeric, else a stable hash.
func ticketID(key string) int64 {
	if n, err := strconv.ParseInt(key, 10, 64); err == nil && n > 0 {
		return n
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	return int64(h.Sum64()>>2) + 1
}

func priorityOf(p ticket.Priority) string {
	switch p {
	case ticket.P1:
		return "urgent"
	case ticket.P2:
		return "high"
	case ticket.P3:
		return "normal"
	case ticket.P4:
		return "low"
	}
	return ""
}

func statusOf(s ticket.State) string {
	switch s {
	case ticket.StateNew:
		return "new"
	case ticket.StateWaitingCustomer:
		return "pending"
	case ticket.StateWaitingPartner:
		return "hold"
	case ticket.StateResolved:
		return "solved"
	case ticket.StateClosed:
		return "closed"
	}
	return "open"
}

func channelOf(c ticket.Channel) string {
	switch c {
	case ticket.ChannelPortal, ticket.ChannelAgent:
		return "web"
	case ticket.ChannelEmail:
		return "email"
	case ticket.ChannelAPI:
		return "api"
	case ticket.ChannelChat:
		return "native_messaging"
	case ticket.ChannelPhone:
		return "voice"
	}
	return "any_channel"
}

// metricOf names the Zendesk metric and first instance of a clock.
func metricOf(name string) (string, int64) {
	switch name {
	case ticket.SLAFirstResponse:
		return "reply_time", 1
	case ticket.SLAResolution:
		return "requester_wait_time", 1
	case "next_reply_time":
		return "reply_time", 2
	}
	return name, 1
}

// eventsOf renders each clock cycle as activate + apply_sla at its start, then:
//   - a running, paused cycle: a pause once its elapsed time is used up;
//   - a running cycle whose breach instant lies past start+goal: a pause at the start and an
//     activate that shifts the breach to BreachAt;
//   - a stopped cycle: fulfill (and update_status) at the stop;
//   - a breached cycle: a breach event at BreachAt (or at the stop).
//
// The events' ids leave room per ticket; the fake numbers zero ids itself.
func eventsOf(id int64, t *ticket.Ticket) []MetricEvent {
	var evs []MetricEvent
	for _, c := range t.Clocks {
		metric, first := metricOf(c.Name)
		// Zendesk measures metrics periodically and reports it as a measure event with
		// instance_id 0 (see events.go); it changes no clock.
		evs = append(evs, MetricEvent{TicketID: id, Metric: metric, InstanceID: 0, Type: "measure", Time: unixTime(t.Updated)})
		for i, cy := range c.Cycles {
			inst := first + int64(i)
			ev := func(typ string, at time.Time) MetricEvent {
				return MetricEvent{TicketID: id, Metric: metric, InstanceID: inst, Type: typ, Time: unixTime(at)}
			}
			evs = append(evs, ev("activate", cy.Start))
			apply := ev("apply_sla", cy.Start)
			apply.SLA = &EventSLA{Target: cy.Goal.Minutes(), TargetInSeconds: int64(cy.Goal / time.Second),
				Policy: EventPolicy{ID: 1, Title: "custops demo", Description: "rendered from a normalized ticket"}}
			evs = append(evs, apply)
			switch {
			case cy.Running() && cy.Paused:
				evs = append(evs, ev("pause", cy.Start.Add(cy.Elapsed)))
			case cy.Running() && !cy.BreachAt.IsZero():
				if shift := cy.BreachAt.Sub(cy.Start) - cy.Goal; shift >= time.Second {
					evs = append(evs, ev("pause", cy.Start), ev("activate", cy.Start.Add(shift)))
				}
			case !cy.Running():
				evs = append(evs, ev("fulfill", cy.Stop))
				st := ev("update_status", cy.Stop)
				st.Status = &EventStatus{Calendar: int64(cy.Elapsed / time.Minute), Business: int64(cy.Elapsed / time.Minute)}
				evs = append(evs, st)
			}
			if cy.Breached {
				at := cy.BreachAt
				if at.IsZero() {
					at = cy.Stop
				}
				if !at.IsZero() {
					f := false
					b := ev("breach", at)
					b.Deleted = &f
					evs = append(evs, b)
				}
			}
		}
	}
	return evs
}
