package zendesk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// Who handles a ticket, for the teams of the config (collector/team): its group (group_id, named
// from GET /api/v2/groups) and the source's team_field (a custom field), read when a team rule
// names them (config.Source.ReadHandling); and the owner of its organization (owner_field, an
// organization field).
//
// History. The export carries a ticket's fields as they are; what happened between two polls is
// in the incremental ticket event export (GET /api/v2/incremental/ticket_events: every update of
// every ticket since start_time, 1000 a page, https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-event-export,
// which Zendesk names for capturing change data rather than the audits list,
// https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_audits/). It is read only
// in a poll whose export showed a ticket whose status, group or team changed, from the export's
// previous high-water mark, so it costs ceil(updates since the last poll / 1000) requests then and
// nothing on a quiet poll; each changed ticket's history after its stored version is rebuilt from
// its updates, each at its own instant. After the first sync the updates of the 30 days before it
// are read too, backfillPages pages a poll (within the incremental exports' 10 a minute beside the
// ticket and metric event exports), for the history of the tickets it found.
const (
	endpointGroups = "groups"
	// historyBackfill is how far back the first sync reads the event export for the history of
	// the tickets it finds: the longest window that reads where tickets waited (30 days).
	historyBackfill = 30 * 24 * time.Hour
	// backfillPages bounds the event export pages the backfill reads in one poll.
	backfillPages = 2
	// groupTTL is how long the group names read are used before a ticket in an unknown group
	// makes the source read them again.
	groupTTL = time.Hour
)

// apiGroup is a group. Reference: https://developer.zendesk.com/api-reference/ticketing/groups/groups/
type apiGroup struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// groupsPage is one page of GET /api/v2/groups, cursor-paginated.
type groupsPage struct {
	Groups []apiGroup   `json:"groups"`
	Meta   *cursorMeta  `json:"meta"`
	Links  *cursorLinks `json:"links"`
}

// groupNames returns the account's group names, read when a ticket names a group the cache does
// not hold and the cache is older than groupTTL.
func (s *Source) groupNames(ctx context.Context, vc *vendorClock, ids []int64) (map[int64]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	unknown := slices.ContainsFunc(ids, func(id int64) bool { _, ok := s.groups[id]; return !ok })
	if unknown && !vc.local.Before(s.groupsExpire) {
		groups := map[int64]string{}
		q := url.Values{"page[size]": {"100"}}
		path := "/api/v2/groups.json"
		followed := tokens{}
		for pages := 0; ; pages++ {
			if pages >= maxPagesPerPoll {
				return nil, fmt.Errorf("%s: %w (%d)", endpointGroups, errPageBound, pages)
			}
			var page groupsPage
			if err := s.c.get(ctx, vc, endpointGroups, classAccount, path, q, &page); err != nil {
				return nil, err
			}
			for _, g := range page.Groups {
				groups[g.ID] = g.Name
			}
			if page.Meta == nil || !page.Meta.HasMore || page.Meta.AfterCursor == nil || *page.Meta.AfterCursor == "" {
				break
			}
			if err := followed.follow(endpointGroups, *page.Meta.AfterCursor); err != nil {
				return nil, err
			}
			q.Set("page[after]", *page.Meta.AfterCursor)
		}
		s.groups, s.groupsExpire = groups, vc.local.Add(groupTTL)
	}
	return maps.Clone(s.groups), nil
}

// handlingNow is who handles the ticket as the export shows it, dated at its update; ok is
// false when the source reads no handling.
func (s *Source) handlingNow(at apiTicket, refs pageRefs) (ticket.Handling, bool) {
	if !s.cfg.ReadHandling {
		return ticket.Handling{}, false
	}
	h := ticket.Handling{At: at.UpdatedAt}
	if at.GroupID != nil {
		h.GroupID = strconv.FormatInt(*at.GroupID, 10)
		h.Group = refs.groups[*at.GroupID]
	}
	h.Team = s.teamValue(at.CustomFields)
	return h, true
}

// teamValue is the value of the source's team_field among custom fields, or "".
func (s *Source) teamValue(fields []apiCustomField) string {
	if s.cfg.TeamField == "" {
		return ""
	}
	for _, f := range fields {
		if strconv.FormatInt(f.ID, 10) == s.cfg.TeamField {
			return fieldValue(f.Value)
		}
	}
	return ""
}

// changedHands reports whether a new version of a ticket changed state, status or handler from
// the stored one, or passed through others between two polls (its metric set's last status
// change after the stored version, more group stations than its history knows): what makes its
// history worth reading.
func changedHands(t, prev *ticket.Ticket, m *apiMetricSet) bool {
	if prev == nil {
		return false
	}
	if t.State != prev.State || !strings.EqualFold(t.Status, prev.Status) {
		return true
	}
	if m != nil && m.StatusUpdatedAt != nil && m.StatusUpdatedAt.After(prev.Updated) {
		return true
	}
	if m != nil && m.GroupStations > groupStations(t.Handling) {
		return true
	}
	a, b := t.Handling, prev.Handling
	return len(a) > 0 && (len(b) == 0 || !a[len(a)-1].SameHandler(b[len(b)-1]))
}

// groupStations counts the groups a handling history passed through, as Zendesk's metric set
// does: each assignment to a group other than the one before.
func groupStations(hs []ticket.Handling) int {
	n, last := 0, ""
	for _, h := range hs {
		if h.GroupID != "" && h.GroupID != last {
			n++
		}
		last = h.GroupID
	}
	return n
}

// ownerOf is the owner field of an organization, as text.
func (s *Source) ownerOf(o apiOrganization) string {
	if s.cfg.OwnerField == "" {
		return ""
	}
	return fieldValue(o.OrganizationFields[s.cfg.OwnerField])
}

// apiTicketEvent is one update of the incremental ticket event export: an audit and its child
// events. A field change is a child of event_type Change (Create at the ticket's creation)
// holding the field under its own name beside previous_value, custom fields under
// custom_ticket_fields; the audit form of the same change (field_name and value, as in
// ../shared/fixtures/zendesk/ticket_audits.json) is read too.
type apiTicketEvent struct {
	ID          int64                        `json:"id"`
	TicketID    int64                        `json:"ticket_id"`
	Timestamp   int64                        `json:"timestamp"`
	EventType   string                       `json:"event_type"`
	ChildEvents []map[string]json.RawMessage `json:"child_events"`
}

// ticketEventsPage is one page of the event export (time-based).
type ticketEventsPage struct {
	TicketEvents []apiTicketEvent `json:"ticket_events"`
	NextPage     *string          `json:"next_page"`
	EndTime      int64            `json:"end_time"`
	EndOfStream  bool             `json:"end_of_stream"`
}

// fieldChange is what one child event set: the field (status, custom_status_id, group_id or a
// custom field id) and its new value as text ("" for null).
type fieldChange struct {
	field, value string
}

// changesOf reads the field changes of an update.
func changesOf(ev apiTicketEvent) []fieldChange {
	var out []fieldChange
	text := func(raw json.RawMessage) string {
		raw = bytes.TrimSpace(raw)
		if len(raw) == 0 || string(raw) == "null" {
			return ""
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
		return string(raw) // a number
	}
	for _, ch := range ev.ChildEvents {
		var typ string
		_ = json.Unmarshal(ch["event_type"], &typ)
		if typ == "" {
			_ = json.Unmarshal(ch["type"], &typ) // the audit form
		}
		if typ != "Change" && typ != "Create" {
			continue
		}
		if name := text(ch["field_name"]); name != "" {
			out = append(out, fieldChange{name, text(ch["value"])})
			continue
		}
		for _, f := range []string{"status", "custom_status_id", "group_id"} {
			if raw, ok := ch[f]; ok {
				out = append(out, fieldChange{f, text(raw)})
			}
		}
		if raw, ok := ch["custom_ticket_fields"]; ok {
			var cf map[string]json.RawMessage
			if json.Unmarshal(raw, &cf) == nil {
				for id, v := range cf {
					out = append(out, fieldChange{id, text(v)})
				}
			}
		}
	}
	return out
}

// pollHistory reads the updates since the export's previous high-water mark and rebuilds the
// history of the tickets in changed (by id, with the Unix second of the version stored before
// this poll) from the updates after that version.
func (s *Source) pollHistory(ctx context.Context, st source.Store, vc *vendorClock, since, until int64, changed map[int64]int64) error {
	if len(changed) == 0 {
		return nil
	}
	// The stored versions are as of the previous poll, whose export read every change up to the
	// second since: the updates after it are the new ones, and those after until (this poll's
	// high-water mark) are the next poll's.
	start := vc.clamp(since + 1) // the export refuses a start_time within the last minute
	byTicket := map[int64][]apiTicketEvent{}
	seen := map[int64]bool{}
	followed := tokens{}
	q := url.Values{"start_time": {strconv.FormatInt(start, 10)}}
	for pages := 0; ; pages++ {
		if pages >= maxPagesPerPoll {
			return fmt.Errorf("%s: %w (%d)", endpointTicketEvents, errPageBound, pages)
		}
		var page ticketEventsPage
		if err := s.c.get(ctx, vc, endpointTicketEvents, classIncremental, "/api/v2/incremental/ticket_events.json", q, &page); err != nil {
			return err
		}
		for _, ev := range page.TicketEvents {
			if _, want := changed[ev.TicketID]; seen[ev.ID] || !want {
				continue
			}
			seen[ev.ID] = true
			byTicket[ev.TicketID] = append(byTicket[ev.TicketID], ev)
		}
		if page.EndOfStream || len(page.TicketEvents) == 0 || page.EndTime > until {
			break
		}
		next := strconv.FormatInt(page.EndTime, 10)
		if err := followed.follow(endpointTicketEvents, next); err != nil {
			return err
		}
		q.Set("start_time", next)
	}
	var b source.Batch
	for id, evs := range byTicket {
		prev, ok := st.Get(strconv.FormatInt(id, 10))
		if !ok {
			continue
		}
		// What the version stored before this poll already says needs no rebuild.
		evs = slices.DeleteFunc(evs, func(ev apiTicketEvent) bool { return ev.Timestamp <= changed[id] })
		if len(evs) == 0 {
			continue
		}
		if t := s.rebuild(prev, evs); t != nil {
			b.Upserts = append(b.Upserts, t)
		}
	}
	if len(b.Upserts) == 0 {
		return nil
	}
	slices.SortFunc(b.Upserts, func(a, b *ticket.Ticket) int { return strings.Compare(a.Key, b.Key) })
	if err := st.Apply(b); err != nil {
		return fmt.Errorf("zendesk: applying ticket history: %w", err)
	}
	return nil
}

// backfillHistory reads up to backfillPages pages of the event export from cur.Backfill and
// rebuilds the history of every stored ticket they hold updates of, page by page (each page
// rebuilds from its first update on, keeping what earlier pages placed), each page applied with
// the cursor that resumes after it. It ends at the end of the stream or past the export's
// high-water mark, which the change reads of later polls cover.
func (s *Source) backfillHistory(ctx context.Context, st source.Store, cur *cursorState, vc *vendorClock) error {
	for pages := 0; cur.Backfill > 0 && pages < backfillPages; pages++ {
		q := url.Values{"start_time": {strconv.FormatInt(vc.clamp(cur.Backfill), 10)}}
		var page ticketEventsPage
		if err := s.c.get(ctx, vc, endpointTicketEvents, classIncremental, "/api/v2/incremental/ticket_events.json", q, &page); err != nil {
			return err
		}
		byTicket := map[int64][]apiTicketEvent{}
		for _, ev := range page.TicketEvents {
			byTicket[ev.TicketID] = append(byTicket[ev.TicketID], ev)
		}
		var b source.Batch
		for _, id := range slices.Sorted(maps.Keys(byTicket)) {
			if prev, ok := st.Get(strconv.FormatInt(id, 10)); ok {
				if t := s.rebuild(prev, byTicket[id]); t != nil {
					b.Upserts = append(b.Upserts, t)
				}
			}
		}
		next := page.EndTime
		if page.EndOfStream || len(page.TicketEvents) == 0 || next > cur.TicketsTime || next <= cur.Backfill {
			next = 0 // done: later updates are the change reads' to place
		}
		cur.Backfill = next
		b.Cursor = cur.encode()
		if err := st.Apply(b); err != nil {
			return fmt.Errorf("zendesk: applying the history backfill: %w", err)
		}
	}
	return nil
}

// rebuild replaces what a ticket's history says after the first of its updates by what the
// updates say, each at its instant; the ticket's own state and handling have the last word
// (an update of the last minute is not in the event export yet). Nil when nothing changes.
func (s *Source) rebuild(t *ticket.Ticket, evs []apiTicketEvent) *ticket.Ticket {
	slices.SortStableFunc(evs, func(a, b apiTicketEvent) int { return int(a.Timestamp - b.Timestamp) })
	from := time.Unix(evs[0].Timestamp, 0).UTC()
	nt := *t
	// Keep what happened before the first update read; the state and handler then are the
	// start of the rebuilt stretch.
	keepT := slices.IndexFunc(t.Transitions, func(tr ticket.Transition) bool { return !tr.At.Before(from) })
	if keepT < 0 {
		keepT = len(t.Transitions)
	}
	keepH := slices.IndexFunc(t.Handling, func(h ticket.Handling) bool { return !h.At.Before(from) })
	if keepH < 0 {
		keepH = len(t.Handling)
	}
	trs := slices.Clone(t.Transitions[:keepT])
	hs := slices.Clone(t.Handling[:keepH])
	team := s.cfg.TeamField
	s.mu.Lock()
	groups, statuses := s.groups, s.statusNames
	s.mu.Unlock()
	for _, ev := range evs {
		at := time.Unix(ev.Timestamp, 0).UTC()
		var h ticket.Handling
		if n := len(hs); n > 0 {
			h = hs[n-1]
		}
		h.Components, h.Linked = nil, nil
		handled := false
		for _, c := range changesOf(ev) {
			switch c.field {
			case "status", "custom_status_id":
				status := c.value
				var custom *customStatus
				if c.field == "custom_status_id" {
					id, _ := strconv.ParseInt(c.value, 10, 64)
					cs, ok := statuses[id]
					if !ok {
						continue
					}
					custom, status = &cs, cs.category
				}
				var scratch ticket.Ticket
				state := s.state(status, custom, &scratch)
				name := status
				if custom != nil {
					name = custom.label
				}
				if n := len(trs); n == 0 || trs[n-1].State != state || !strings.EqualFold(trs[n-1].Status, name) {
					trs = append(trs, ticket.Transition{At: at, State: state, Status: name})
				}
			case "group_id":
				h.GroupID, h.Group, handled = c.value, "", true
				if id, err := strconv.ParseInt(c.value, 10, 64); err == nil {
					h.Group = groups[id]
				}
			case team:
				if team != "" {
					h.Team, handled = c.value, true
				}
			}
		}
		if handled && s.cfg.ReadHandling {
			h.At = at
			if n := len(hs); n == 0 || !hs[n-1].SameHandler(h) {
				hs = append(hs, h)
			}
		}
	}
	// The current state and handler have the last word.
	if n := len(trs); n == 0 || trs[n-1].State != t.State || !strings.EqualFold(trs[n-1].Status, t.Status) {
		trs = append(trs, ticket.Transition{At: t.Updated, State: t.State, Status: t.Status})
	}
	if s.cfg.ReadHandling && len(t.Handling) > 0 {
		cur := t.Handling[len(t.Handling)-1]
		if n := len(hs); n == 0 || !hs[n-1].SameHandler(cur) {
			cur.At = latest(t.Updated, from)
			hs = append(hs, cur)
		}
	}
	trs, hs = ticket.LastOf(trs), ticket.LastOf(hs)
	if slices.Equal(trs, t.Transitions) && slices.EqualFunc(hs, t.Handling, func(a, b ticket.Handling) bool { return a.At.Equal(b.At) && a.SameHandler(b) }) {
		return nil
	}
	nt.Transitions, nt.Handling = trs, hs
	if !s.cfg.ReadHandling {
		nt.Handling = t.Handling
	}
	return &nt
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
