package zendesk

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
)

// pollTickets pages through the cursor-based incremental ticket export: start_time on the first
// sync, then the stored after_cursor, until end_of_stream. It reports whether a ticket gained or
// changed its rating, which is when the satisfaction ratings are worth a request.
// Reference: https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-export-cursor-based
func (s *Source) pollTickets(ctx context.Context, st source.Store, cur *cursorState, now time.Time) (bool, error) {
	q := url.Values{
		"per_page": {strconv.Itoa(s.perPage)},
		"include":  {"users,organizations"},
	}
	if cur.Tickets == "" {
		q.Set("start_time", strconv.FormatInt(now.Add(-initialHistory).Unix(), 10))
	} else {
		q.Set("cursor", cur.Tickets)
	}
	rated, orgsFetched := false, false
	for {
		var page incrementalTicketsPage
		if err := s.c.get(ctx, endpointTickets, classIncremental, "/api/v2/incremental/tickets/cursor.json", q, &page); err != nil {
			return rated, err
		}
		tickets := make([]apiTicket, len(page.Tickets))
		var orgIDs []int64
		for i, raw := range page.Tickets {
			if err := json.Unmarshal(raw, &tickets[i]); err != nil {
				return rated, fmt.Errorf("%s: %w: ticket %d: %v", endpointTickets, vendorhttp.ErrMalformed, i, err)
			}
			if o := tickets[i].OrganizationID; o != nil {
				orgIDs = append(orgIDs, *o)
			}
		}
		orgs, missing := s.orgNames(page.Organizations, orgIDs)
		if len(missing) > 0 && !orgsFetched {
			orgsFetched = true // at most one list per poll, even when an id never resolves
			if err := s.fetchOrganizations(ctx); err != nil {
				return rated, err
			}
			orgs, _ = s.orgNames(nil, nil)
		}
		refs := pageRefs{users: make(map[int64]apiUser, len(page.Users)), orgs: orgs}
		for _, u := range page.Users {
			refs.users[u.ID] = u
		}
		var b source.Batch
		for _, at := range tickets {
			key := strconv.FormatInt(at.ID, 10)
			if at.Status == statusDeleted {
				b.Deletes = append(b.Deletes, key)
				continue
			}
			prev, _ := st.Get(key)
			t := s.normalize(at, prev, refs)
			if t.CSAT != ticket.CSATNone && (prev == nil || prev.CSAT != t.CSAT) {
				rated = true
			}
			b.Upserts = append(b.Upserts, t)
		}
		switch {
		case page.AfterCursor != nil && *page.AfterCursor != "":
			if !page.EndOfStream && *page.AfterCursor == cur.Tickets && len(page.Tickets) == 0 {
				return rated, fmt.Errorf("%s: %w", endpointTickets, errNoProgress)
			}
			cur.Tickets = *page.AfterCursor
		case !page.EndOfStream:
			return rated, fmt.Errorf("%s: %w: no after_cursor before the end of the stream", endpointTickets, vendorhttp.ErrMalformed)
		}
		b.Cursor = cur.encode()
		if err := st.Apply(b); err != nil {
			return rated, fmt.Errorf("zendesk: applying tickets: %w", err)
		}
		if page.EndOfStream {
			return rated, nil
		}
		q = url.Values{
			"per_page": {strconv.Itoa(s.perPage)},
			"include":  {"users,organizations"},
			"cursor":   {cur.Tickets},
		}
	}
}

// pollRatings reads satisfaction ratings since the last one seen and stamps each rated ticket
// with its score and the rating's own time.
// Reference: https://developer.zendesk.com/api-reference/ticketing/ticket-management/satisfaction_ratings/#list-satisfaction-ratings
func (s *Source) pollRatings(ctx context.Context, st source.Store, cur *cursorState, now time.Time) error {
	start := cur.Ratings
	if start == 0 {
		start = now.Add(-initialHistory).Unix()
	}
	q := url.Values{"start_time": {strconv.FormatInt(start, 10)}, "page[size]": {"100"}}
	for {
		var page ratingsPage
		if err := s.c.get(ctx, endpointRatings, classAccount, "/api/v2/satisfaction_ratings.json", q, &page); err != nil {
			return err
		}
		var b source.Batch
		for _, r := range page.Ratings {
			at := r.UpdatedAt
			if at.IsZero() {
				at = r.CreatedAt
			}
			cur.Ratings = max(cur.Ratings, at.Unix())
			if r.Score != "good" && r.Score != "bad" {
				continue // offered/unoffered: no answer
			}
			prev, ok := st.Get(strconv.FormatInt(r.TicketID, 10))
			if !ok || (prev.CSAT == ticket.CSAT(r.Score) && prev.CSATAt.Equal(at)) {
				continue
			}
			t := *prev
			t.CSAT, t.CSATAt = ticket.CSAT(r.Score), at
			b.Upserts = append(b.Upserts, &t)
		}
		b.Cursor = cur.encode()
		if err := st.Apply(b); err != nil {
			return fmt.Errorf("zendesk: applying ratings: %w", err)
		}
		next := page.NextPage
		if page.Meta != nil {
			if !page.Meta.HasMore {
				return nil
			}
			if page.Links != nil {
				next = page.Links.Next
			}
		}
		var ok bool
		if q, ok = nextQuery(next); !ok {
			return nil
		}
	}
}

// pollEvents pages through the incremental ticket metric events (time-based, 100 a page) and
// merges each ticket's events into its stored version, so clocks survive when only events change.
// Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/#list-ticket-metric-events
func (s *Source) pollEvents(ctx context.Context, st source.Store, cur *cursorState, now time.Time) error {
	start := cur.Events
	if start == 0 {
		start = now.Add(-initialHistory).Unix()
	}
	if start > now.Add(-time.Minute).Unix() {
		// Incremental exports take a start_time at least a minute old (the last minute is never
		// served); the events of this minute come with the next poll.
		s.log.Debug("zendesk_metric_events_deferred", "start_time", start)
		return nil
	}
	seen := map[int64]bool{}
	for _, id := range cur.EventsSeen {
		seen[id] = true
	}
	// Events held back for tickets the export had not delivered yet go first: they are older.
	pending := cur.Pending
	cur.Pending = nil
	business := map[string]bool{}
	for _, k := range cur.Business {
		business[k] = true
	}
	for {
		q := url.Values{"start_time": {strconv.FormatInt(start, 10)}}
		var page metricEventsPage
		if err := s.c.get(ctx, endpointMetricEvents, classAccount, "/api/v2/incremental/ticket_metric_events.json", q, &page); err != nil {
			cur.Pending = append(pending, cur.Pending...)
			return err
		}
		evs, held := pending, len(pending)
		pending = nil
		fresh := 0
		for _, ev := range page.Events {
			if seen[ev.ID] && ev.Time.Unix() <= start {
				continue // the previous page or poll ended on this second and applied it
			}
			evs = append(evs, ev)
			fresh++
		}
		var cal *sla.Calendar
		if needsCalendar(business, evs) {
			var err error
			if cal, err = s.businessCalendar(ctx, now); err != nil {
				// The page is asked again next poll; the held events wait with it.
				cur.Pending = append(evs[:held:held], cur.Pending...)
				return err
			}
		}
		b := s.mergeBatch(st, evs, cur, now, business, cal)
		cur.Business = slices.Sorted(maps.Keys(business))
		if n := len(cur.Business); n > maxBusiness {
			cur.Business = cur.Business[n-maxBusiness:] // bounded: past the cap the lexically first keys go
		}
		end := page.EndTime
		if n := len(page.Events); n > 0 {
			end = max(end, page.Events[n-1].Time.Unix())
		}
		advanced := end > start
		if advanced {
			start = end
			clear(seen)
		}
		for _, ev := range page.Events {
			if ev.Time.Unix() == start {
				seen[ev.ID] = true
			}
		}
		cur.Events = start
		cur.EventsSeen = slices.Sorted(maps.Keys(seen))
		b.Cursor = cur.encode()
		if err := st.Apply(b); err != nil {
			return fmt.Errorf("zendesk: applying metric events: %w", err)
		}
		if len(page.Events) < s.eventsPageSize || page.NextPage == nil {
			return nil
		}
		if !advanced && fresh == 0 {
			// A full page of events all on one already-applied second: the time-based export
			// cannot page past it. Stop here; the next poll asks again.
			s.log.Warn("zendesk_metric_events_stuck", "start_time", start)
			return nil
		}
	}
}

// mergeBatch groups events by ticket, merges them into the stored tickets and keeps those for
// unknown tickets in cur.Pending (bounded in age and number).
func (s *Source) mergeBatch(st source.Store, evs []apiMetricEvent, cur *cursorState, now time.Time, business map[string]bool, cal *sla.Calendar) source.Batch {
	byTicket := map[int64][]apiMetricEvent{}
	var order []int64
	for _, ev := range evs {
		if _, ok := byTicket[ev.TicketID]; !ok {
			order = append(order, ev.TicketID)
		}
		byTicket[ev.TicketID] = append(byTicket[ev.TicketID], ev)
	}
	var b source.Batch
	for _, id := range order {
		tevs := byTicket[id]
		slices.SortStableFunc(tevs, func(a, b apiMetricEvent) int {
			return cmp.Or(a.Time.Compare(b.Time), cmp.Compare(a.ID, b.ID))
		})
		prev, ok := st.Get(strconv.FormatInt(id, 10))
		if !ok {
			for _, ev := range tevs {
				if now.Sub(ev.Time) < pendingTTL {
					cur.Pending = append(cur.Pending, ev)
				}
			}
			continue
		}
		b.Upserts = append(b.Upserts, s.mergeEvents(prev, tevs, now, business, cal))
	}
	if n := len(cur.Pending); n > maxPending {
		cur.Pending = cur.Pending[n-maxPending:]
	}
	return b
}

// needsCalendar reports whether events touch a business-hours SLA: an apply_sla counting business
// hours, or any event of an instance whose SLA does (business, from the cursor). Only then is
// the schedule read, so accounts and polls without such targets never ask for it.
func needsCalendar(business map[string]bool, evs []apiMetricEvent) bool {
	for _, ev := range evs {
		if (ev.Type == "apply_sla" && ev.SLA != nil && ev.SLA.BusinessHours) || business[businessKey(ev)] {
			return true
		}
	}
	return false
}
