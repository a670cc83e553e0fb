package zendeskfake

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ScheduleAssignment is a trigger's "Set schedule" on a ticket: from At the ticket's
// business-hours SLAs count on schedule ScheduleID instead of the account's default (the first
// schedule created). Fivetran's Zendesk connector keeps these as its ticket_schedule table
// ("The schedules applied to tickets through a trigger": ticket_id, created_at, schedule_id;
// dbt_zendesk models/staging/src_zendesk.yml), read from the ticket audit events ("we review the
// audit events", https://fivetran.com/docs/connectors/applications/zendesk/troubleshooting/sync-tickets-incrementally);
// dbt_zendesk's int_zendesk__ticket_schedules.sql gives every other ticket the default schedule.
type ScheduleAssignment struct {
	TicketID   int64
	ScheduleID int64
	At         time.Time
}

// AssignSchedule records schedule assignments, served as audit events of their tickets.
func (s *Server) AssignSchedule(as ...ScheduleAssignment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.assignments = append(s.assignments, as...)
	slices.SortStableFunc(s.assignments, func(a, b ScheduleAssignment) int { return a.At.Compare(b.At) })
}

// ticketAudits serves GET /api/v2/tickets/{id}/audits: the ticket's audits, oldest first, in the
// offset style of the recorded ticket_audits.json (audits, next_page, previous_page, count).
// Reference: "List Audits for a Ticket" in
// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/, events per
// https://developer.zendesk.com/documentation/ticketing/reference-guides/ticket-audit-events-reference/.
// The fake's audits are its schedule assignments, each an event
// {"type": "ScheduleAssignment", "previous_schedule_id": ..., "new_schedule_id": ...} set by a
// trigger (via.source.rel "trigger", as the recording's rule changes are).
func (s *Server) ticketAudits(w http.ResponseWriter, rest string) {
	id, err := strconv.ParseInt(strings.TrimSuffix(rest, "/audits"), 10, 64)
	e, ok := s.tickets[id]
	if err != nil || !ok || e.status == "deleted" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	type event struct {
		ID                 int64          `json:"id"`
		Type               string         `json:"type"`
		PreviousScheduleID *int64         `json:"previous_schedule_id"`
		NewScheduleID      int64          `json:"new_schedule_id"`
		Via                map[string]any `json:"via"`
	}
	type audit struct {
		ID        int64          `json:"id"`
		TicketID  int64          `json:"ticket_id"`
		CreatedAt time.Time      `json:"created_at"`
		AuthorID  int64          `json:"author_id"`
		Via       map[string]any `json:"via"`
		Metadata  map[string]any `json:"metadata"`
		Events    []event        `json:"events"`
	}
	audits := []audit{}
	var prev *int64
	for i, a := range s.assignments {
		if a.TicketID != id {
			continue
		}
		aid := int64(700000 + i)
		trigger := map[string]any{"channel": "rule", "source": map[string]any{"to": map[string]any{}, "from": map[string]any{"id": 1, "title": "Set schedule"}, "rel": "trigger"}}
		audits = append(audits, audit{ID: aid, TicketID: id, CreatedAt: a.At.Truncate(time.Second).UTC(), AuthorID: -1,
			Via: map[string]any{"channel": "rule"}, Metadata: map[string]any{"system": map[string]any{}, "custom": map[string]any{}},
			Events: []event{{ID: aid*10 + 1, Type: "ScheduleAssignment", PreviousScheduleID: prev, NewScheduleID: a.ScheduleID, Via: trigger}}})
		sid := a.ScheduleID
		prev = &sid
	}
	writeJSON(w, http.StatusOK, map[string]any{"audits": audits, "next_page": nil, "previous_page": nil, "count": len(audits)})
}
