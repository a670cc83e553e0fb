package zendesk

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// defaultPriorities maps Zendesk's stock priorities. Reference: "priority" in
// https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/ (urgent, high, normal, low).
func defaultPriorities() map[string]ticket.Priority {
	return map[string]ticket.Priority{"urgent": ticket.P1, "high": ticket.P2, "normal": ticket.P3, "low": ticket.P4}
}

// defaultStatuses maps Zendesk's statuses (new, open, pending, hold, solved, closed).
func defaultStatuses() map[string]ticket.State {
	return map[string]ticket.State{
		"new":     ticket.StateNew,
		"open":    ticket.StateInProgress,
		"pending": ticket.StateWaitingCustomer,
		"hold":    ticket.StateWaitingPartner,
		"solved":  ticket.StateResolved,
		"closed":  ticket.StateClosed,
	}
}

// statusDeleted is the status the incremental export gives a deleted ticket.
const statusDeleted = "deleted"

// channelOf maps via.channel. Reference:
// https://developer.zendesk.com/documentation/ticketing/reference-guides/via-object-reference/
// Names not listed (rule, closed_ticket, twitter, facebook, any_channel, ...) are "other"; a name
// Zendesk does not document is "other" too, flagged unknown_channel.
func channelOf(name string) (ticket.Channel, bool) {
	switch name {
	case "web", "help_center", "mobile", "mobile_sdk", "web_widget", "web_service":
		return ticket.ChannelPortal, true
	case "email":
		return ticket.ChannelEmail, true
	case "api":
		return ticket.ChannelAPI, true
	case "chat", "native_messaging", "messaging", "chat_transcript", "sunshine_conversations_api",
		"whatsapp", "line", "wechat", "instagram_dm", "messenger", "sms":
		return ticket.ChannelChat, true
	case "voice", "phone", "voicemail", "phone_call_inbound", "phone_call_outbound", "voice_transcript":
		return ticket.ChannelPhone, true
	case "rule", "closed_ticket", "ticket_sharing", "twitter", "facebook", "forum", "any_channel",
		"linked_problem", "merge", "batch", "system", "side_conversation", "answer_bot", "automatic_solution", "":
		return ticket.ChannelOther, true
	}
	return ticket.ChannelOther, false
}

// context of one page: what the sideloads and the caches tell about ids.
type pageRefs struct {
	users    map[int64]apiUser
	orgs     map[int64]string
	owners   map[int64]string // organizations' owner field (owner_field)
	statuses map[int64]customStatus
	groups   map[int64]string // group names (teams.go)
}

// normalize turns an exported ticket into a ticket.Ticket, carrying over from prev (the stored
// version, or nil) what the export does not repeat: clocks, first reply, reopen count, CSAT time,
// reporter domain when users were not sideloaded. The ticket's metric set, when sideloaded, is
// Zendesk's own account of the first reply, the solve and the reopens.
func (s *Source) normalize(at apiTicket, prev *ticket.Ticket, refs pageRefs) *ticket.Ticket {
	key := strconv.FormatInt(at.ID, 10)
	t := &ticket.Ticket{
		Source:  s.cfg.Name,
		Key:     key,
		Summary: at.Subject,
		URL:     s.uiBase + "/agent/tickets/" + key,
		Status:  at.Status,
		Created: at.CreatedAt,
		Updated: at.UpdatedAt,
	}
	t.Priority = s.priority(at.Priority, t)
	var custom *customStatus
	if at.CustomStatusID != nil {
		if cs, ok := refs.statuses[*at.CustomStatusID]; ok {
			custom = &cs
			t.Status = cs.label
		}
	}
	t.State = s.state(at.Status, custom, t)
	t.Channel = s.channel(at, refs, t)
	t.Incident = at.Type != nil && containsFold(s.incidentTypes, *at.Type)
	t.Attributes.Labels = slices.Clone(at.Tags)
	t.Attributes.Fields = s.categoryFacts(at)
	t.Escalated = slices.ContainsFunc(at.Tags, func(tag string) bool { return containsFold(s.cfg.Escalation.Labels, tag) }) ||
		containsFold(s.cfg.Escalation.Statuses, at.Status)
	if at.OrganizationID != nil {
		id := *at.OrganizationID
		t.Attributes.Organizations = []ticket.Organization{{ID: strconv.FormatInt(id, 10), Name: refs.orgs[id], Owner: refs.owners[id]}}
	}
	if at.RequesterID != nil {
		if u, ok := refs.users[*at.RequesterID]; ok {
			t.Attributes.ReporterDomain = ticket.EmailDomain(u.Email)
		}
	}
	if r := at.SatisfactionRating; r != nil && (r.Score == "good" || r.Score == "bad") {
		t.CSAT = ticket.CSAT(r.Score)
		// The rating's own time comes from the satisfaction ratings endpoint; until then the
		// update that carried the rating stands in for it.
		t.CSATAt = at.UpdatedAt
	}
	cur, reads := s.handlingNow(at, refs)
	if reads {
		t.Handling = ticket.CarryHandling(cur, t, prev)
	}
	ticket.CarryFormer(t, prev)
	if prev == nil {
		if !t.State.Open() {
			t.Resolved = at.UpdatedAt
		}
		t.Transitions = []ticket.Transition{{At: at.CreatedAt, State: ticket.StateNew, Status: s.statusName(ticket.StateNew)}}
		if t.State != ticket.StateNew {
			t.Transitions = append(t.Transitions, ticket.Transition{At: at.UpdatedAt, State: t.State, Status: t.Status})
		} else {
			t.Transitions[0].Status = t.Status
		}
		applyMetricSet(t, at.MetricSet)
		return t
	}
	t.Transitions = prev.Transitions
	if t.State != prev.State || (s.cfg.TrackStates && !strings.EqualFold(t.Status, prev.Status)) {
		t.Transitions = ticket.Append(prev.Transitions, ticket.Transition{At: at.UpdatedAt, State: t.State, Status: t.Status})
	}
	if len(t.Attributes.Organizations) == 1 && t.Attributes.Organizations[0].Owner == "" &&
		len(prev.Attributes.Organizations) == 1 && prev.Attributes.Organizations[0].ID == t.Attributes.Organizations[0].ID {
		t.Attributes.Organizations[0].Owner = prev.Attributes.Organizations[0].Owner
	}
	t.Clocks = prev.Clocks
	t.FirstReply = prev.FirstReply
	t.Reopened, t.ReopenedAt = prev.Reopened, prev.ReopenedAt
	if t.Attributes.ReporterDomain == "" {
		t.Attributes.ReporterDomain = prev.Attributes.ReporterDomain
	}
	if len(t.Attributes.Organizations) == 1 && t.Attributes.Organizations[0].Name == "" &&
		len(prev.Attributes.Organizations) == 1 && prev.Attributes.Organizations[0].ID == t.Attributes.Organizations[0].ID {
		t.Attributes.Organizations[0].Name = prev.Attributes.Organizations[0].Name
	}
	if t.CSAT == prev.CSAT {
		t.CSATAt = prev.CSATAt
	}
	switch {
	case !prev.State.Open() && t.State.Open():
		// Held solved, now open: a reopen. Zendesk cannot reopen a closed ticket (a follow-up is
		// a new ticket), so only solved -> open/pending/hold counts.
		t.Reopened++
		t.ReopenedAt = at.UpdatedAt
	case !t.State.Open() && !prev.State.Open() && !prev.Resolved.IsZero():
		t.Resolved = prev.Resolved // solved -> closed keeps the solve time
	case !t.State.Open():
		t.Resolved = at.UpdatedAt // the solved transition happened in this update
	}
	if slices.Contains(prev.Quality, ticket.QualityUnsupportedSLA) {
		t.Quality = append(t.Quality, ticket.QualityUnsupportedSLA) // learnt from metric events
	}
	applyMetricSet(t, at.MetricSet)
	return t
}

// applyMetricSet takes Zendesk's metric set of the ticket (include=metric_sets): the first reply
// at creation plus reply_time_in_seconds (when the metric events did not give it to the second
// already), the solve instant, the reopen count.
// Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metrics/
func applyMetricSet(t *ticket.Ticket, m *apiMetricSet) {
	if m == nil {
		return
	}
	if secs := m.ReplyTimeInSeconds.Calendar; secs != nil && *secs >= 0 && t.FirstReply.IsZero() {
		t.FirstReply = t.Created.Add(time.Duration(*secs) * time.Second)
	}
	if m.SolvedAt != nil && !m.SolvedAt.IsZero() && !t.State.Open() {
		t.Resolved = *m.SolvedAt
	}
	t.Reopened = max(t.Reopened, m.Reopens)
}

// statusName is the stock Zendesk status of a state, for the first entry of a history (a ticket
// starts new); "" for a state no stock status names.
func (s *Source) statusName(st ticket.State) string {
	if st == ticket.StateNew {
		return "new"
	}
	return ""
}

func (s *Source) priority(p *string, t *ticket.Ticket) ticket.Priority {
	if p != nil {
		if v, ok := s.priorities[strings.ToLower(*p)]; ok {
			return v
		}
	}
	// Null (no priority set) or a name nobody mapped.
	t.Quality = append(t.Quality, ticket.QualityUnknownPriority)
	return s.defaultPriority
}

// state maps a status: a custom status by its agent label when `statuses` names it, else by its
// category (the ticket's status field), like the stock statuses.
func (s *Source) state(status string, custom *customStatus, t *ticket.Ticket) ticket.State {
	if custom != nil {
		if v, ok := s.statuses[strings.ToLower(custom.label)]; ok {
			return v
		}
	}
	if v, ok := s.statuses[strings.ToLower(status)]; ok {
		return v
	}
	t.Quality = append(t.Quality, ticket.QualityUnknownStatus)
	return ticket.StateInProgress
}

// channel maps via.channel, and decides ChannelAgent: a ticket created through the web channel by
// someone other than its requester. End users on the web form or help center are always their
// own requester, so a different submitter on "web" is an agent using the agent interface to
// raise a ticket for the customer (the reference lists agent-created tickets under "web"). When
// users are sideloaded, a submitter whose role is end-user (a CC'd colleague, for instance) does
// not count. API-created tickets with a different submitter stay "api": that is an integration.
func (s *Source) channel(at apiTicket, refs pageRefs, t *ticket.Ticket) ticket.Channel {
	var name string
	if err := json.Unmarshal(at.Via.Channel, &name); err != nil {
		name = strings.Trim(string(at.Via.Channel), `"`) // old records carry a number
	}
	c, known := channelOf(name)
	if !known {
		t.Quality = append(t.Quality, ticket.QualityUnknownChannel)
	}
	if name == "web" && at.SubmitterID != nil && at.RequesterID != nil && *at.SubmitterID != *at.RequesterID {
		if u, ok := refs.users[*at.SubmitterID]; !ok || u.Role != "end-user" {
			return ticket.ChannelAgent
		}
	}
	return c
}

func containsFold(list []string, v string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, v) })
}
