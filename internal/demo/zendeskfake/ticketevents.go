package zendeskfake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// The incremental ticket event export, GET /api/v2/incremental/ticket_events.json: "a stream of
// changes that occurred on tickets. Each event is tied to an update on a ticket and contains all
// the fields that were updated in that change", time-based (start_time, next_page, end_time,
// end_of_stream), "excluding events occurring within one minute of the request"; start_time
// "must be at least one minute in the past"; 1000 events a page; the rate limit of the
// incremental exports (10 a minute). Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-event-export
// and "Exporting ticket events" / "Time-based incremental exports" in
// https://developer.zendesk.com/documentation/ticketing/managing-tickets/using-the-incremental-export-api/.
// Zendesk says of the List All Ticket Audits endpoint that it "should not be used for capturing
// change data ... use the Incremental Ticket Event Export API"
// (https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/).
//
// Each event is an "Audit" with its child_events; a field change is a child event of event_type
// "Change" holding the field under its own name with the new value and previous_value (e.g.
// {"status": "open", "previous_value": "new", "event_type": "Change"}), and the ticket's fields
// set at its creation are event_type "Create" children. Custom fields change under
// custom_ticket_fields {"<id>": value}. A page ends at a whole second (its end_time, the
// next page's start_time): it holds 1000 events and the rest of its last one's second, as the
// time-based exports keep items of one timestamp together ("Time-based incremental exports"), so
// the next page starts a second later than the page's events and serves none twice; the client
// still drops an event id it holds.

// TicketEvent is one update of a ticket: its changes at one instant.
type TicketEvent struct {
	ID        int64 // assigned in order when zero
	TicketID  int64
	Timestamp time.Time
	Changes   []FieldChange
}

// FieldChange is one field set by an update: status, group_id, custom_status_id, or a custom
// field by its id (Custom).
type FieldChange struct {
	Field    string
	Custom   bool
	Value    any
	Previous any
	Create   bool // set at creation (event_type Create), no previous value
}

// ticketEventsPageSize is the export's page size.
const ticketEventsPageSize = 1000

// PutTicketEvents adds updates to the event export.
func (s *Server) PutTicketEvents(evs ...TicketEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range evs {
		if e.ID == 0 {
			s.nextTicketEvent++
			e.ID = 880000000 + s.nextTicketEvent
		}
		s.ticketEvents = append(s.ticketEvents, e)
	}
	slices.SortStableFunc(s.ticketEvents, func(a, b TicketEvent) int { return a.Timestamp.Compare(b.Timestamp) })
}

// GroupIDOf is the fake's id of a Zendesk group named name.
func GroupIDOf(name string) int64 { return 360000000 + ticketID("group:"+name)%100000 }

// TeamFieldID is the custom field the fake's tickets carry their team in (a drop-down).
const TeamFieldID int64 = 360012345

// TicketEventsOf renders a ticket's state history and handling history as the updates that made
// them: its creation (status and group), then one update per change.
func TicketEventsOf(t *ticket.Ticket) []TicketEvent {
	id := ticketID(t.Key)
	type step struct {
		at      time.Time
		changes []FieldChange
	}
	var steps []step
	status := statusOf(ticket.StateNew)
	var group *int64
	team := ""
	create := []FieldChange{{Field: "status", Value: status, Create: true}}
	if len(t.Transitions) > 0 {
		status = statusOf(t.Transitions[0].State)
		create[0].Value = status
	}
	if len(t.Handling) > 0 {
		if h := t.Handling[0]; h.Group != "" {
			g := GroupIDOf(h.Group)
			group = &g
			create = append(create, FieldChange{Field: "group_id", Value: g, Create: true})
		}
		team = t.Handling[0].Team
	}
	steps = append(steps, step{unixTime(t.Created), create})
	for i := 1; i < len(t.Transitions); i++ {
		next := statusOf(t.Transitions[i].State)
		if next != status {
			steps = append(steps, step{unixTime(t.Transitions[i].At), []FieldChange{{Field: "status", Value: next, Previous: status}}})
			status = next
		}
	}
	for i := 1; i < len(t.Handling); i++ {
		h := t.Handling[i]
		var cs []FieldChange
		var g *int64
		if h.Group != "" {
			v := GroupIDOf(h.Group)
			g = &v
		}
		if !equalIDs(g, group) {
			cs = append(cs, FieldChange{Field: "group_id", Value: idOrNil(g), Previous: idOrNil(group)})
			group = g
		}
		if h.Team != team {
			cs = append(cs, FieldChange{Field: strconv.FormatInt(TeamFieldID, 10), Custom: true, Value: h.Team, Previous: team})
			team = h.Team
		}
		if len(cs) > 0 {
			steps = append(steps, step{unixTime(h.At), cs})
		}
	}
	slices.SortStableFunc(steps, func(a, b step) int { return a.at.Compare(b.at) })
	var out []TicketEvent
	for _, st := range steps {
		if n := len(out); n > 0 && out[n-1].Timestamp.Equal(st.at) {
			out[n-1].Changes = append(out[n-1].Changes, st.changes...)
			continue
		}
		out = append(out, TicketEvent{TicketID: id, Timestamp: st.at, Changes: st.changes})
	}
	return out
}

func equalIDs(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func idOrNil(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// ticketEventsExport answers GET /api/v2/incremental/ticket_events.json.
func (s *Server) ticketEventsExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	start, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
	now := s.now()
	switch {
	case err != nil:
		badRequest(w, "start_time is required and must be a Unix time")
		return
	case time.Unix(start, 0).After(now.Add(-time.Minute)):
		badRequest(w, "Too recent start_time. Use a start_time older than 1 minute")
		return
	}
	var page []TicketEvent          // ServeHTTP holds the lock
	cutoff := now.Add(-time.Minute) // the last minute is held back
	for _, e := range s.ticketEvents {
		if e.Timestamp.Unix() < start || e.Timestamp.After(cutoff) {
			continue
		}
		// A page holds 1000 events, and the rest of the second of its last one: a page never
		// ends inside a second, so the next start_time (its end_time) cannot serve it again.
		if len(page) >= ticketEventsPageSize && e.Timestamp.Unix() != page[len(page)-1].Timestamp.Unix() {
			break
		}
		page = append(page, e)
	}
	end := start
	if len(page) > 0 {
		end = page[len(page)-1].Timestamp.Unix() + 1
	}
	eos := len(page) < ticketEventsPageSize
	var b bytes.Buffer
	b.WriteString(`{"ticket_events":[`)
	for i, e := range page {
		if i > 0 {
			b.WriteByte(',')
		}
		writeTicketEvent(&b, e)
	}
	next := requestURL(r, "/api/v2/incremental/ticket_events.json", url.Values{"start_time": {strconv.FormatInt(end, 10)}})
	nb, _ := json.Marshal(next)
	b.WriteString(`],"next_page":`)
	b.Write(nb)
	b.WriteString(`,"count":` + strconv.Itoa(len(page)) + `,"end_time":` + strconv.FormatInt(end, 10) + `,"end_of_stream":` + strconv.FormatBool(eos) + `}`)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

// writeTicketEvent writes one event as the export does.
func writeTicketEvent(b *bytes.Buffer, e TicketEvent) {
	children := make([]map[string]any, 0, len(e.Changes))
	for i, c := range e.Changes {
		ch := map[string]any{"id": e.ID*10 + int64(i) + 1, "via": "Web form", "via_reference_id": nil, "event_type": "Change"}
		if c.Create {
			ch["event_type"] = "Create"
		} else {
			ch["previous_value"] = c.Previous
		}
		if c.Custom {
			ch["custom_ticket_fields"] = map[string]any{c.Field: c.Value}
		} else {
			ch[c.Field] = c.Value
		}
		children = append(children, ch)
	}
	out := map[string]any{
		"id": e.ID, "ticket_id": e.TicketID, "timestamp": e.Timestamp.Unix(), "created_at": e.Timestamp.UTC().Format(time.RFC3339),
		"updater_id": AgentID, "via": "Web form", "system": map[string]any{}, "event_type": "Audit", "merged_ticket_ids": []int64{},
		"child_events": children,
	}
	raw, _ := json.Marshal(out)
	b.Write(raw)
}

// Group is a Zendesk group, as GET /api/v2/groups lists it. Reference:
// https://developer.zendesk.com/api-reference/ticketing/groups/groups/ (id, name, description,
// default, deleted, created_at, updated_at, url; cursor pagination, 100 a page).
type Group struct {
	ID   int64
	Name string
}

// PutGroups adds groups.
func (s *Server) PutGroups(gs ...Group) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range gs {
		if i := slices.IndexFunc(s.groups, func(x Group) bool { return x.ID == g.ID }); i >= 0 {
			s.groups[i] = g
			continue
		}
		s.groups = append(s.groups, g)
	}
	slices.SortFunc(s.groups, func(a, b Group) int { return int(a.ID - b.ID) })
}

// groupsList answers GET /api/v2/groups(.json) with cursor pagination (page[size] up to 100,
// page[after]), meta {has_more, after_cursor} and links {next}.
func (s *Server) groupsList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	size := 100
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			badRequest(w, "page[size] must be between 1 and 100")
			return
		}
		size = n
	}
	after := int64(0)
	if v := q.Get("page[after]"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			badRequest(w, "invalid cursor")
			return
		}
		after = n
	}
	var out []map[string]any // ServeHTTP holds the lock
	more := false
	for _, g := range s.groups {
		if g.ID <= after {
			continue
		}
		if len(out) == size {
			more = true
			break
		}
		out = append(out, map[string]any{"id": g.ID, "name": g.Name, "description": "", "default": false, "deleted": false,
			"url": strings.TrimRight(s.opts.BaseURL, "/") + "/api/v2/groups/" + strconv.FormatInt(g.ID, 10) + ".json"})
	}
	meta := map[string]any{"has_more": more, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if more {
		cur := strconv.FormatInt(out[len(out)-1]["id"].(int64), 10)
		meta["after_cursor"] = cur
		links["next"] = requestURL(r, "/api/v2/groups.json", url.Values{"page[after]": {cur}, "page[size]": {strconv.Itoa(size)}})
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"groups": out, "meta": meta, "links": links})
}
