package zendesk

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
)

// pollEvents pages through the incremental ticket metric events with the endpoint's cursor
// pagination (start_time and page[size] on every request, page[after] from meta.after_cursor,
// until meta.has_more is false; Airbyte source-zendesk-support, streams.py TicketMetricEvents),
// so any number of events sharing one second is paged through. include_changes brings the later
// changes of events already read: a breach event Zendesk invalidated comes again, deleted. Each
// ticket's events are merged into its stored version, so clocks survive when only events change.
//
// Between polls the cursor is a time: the newest event's second, never later than Zendesk's
// clock less cursorMargin, with the events applied from that second on remembered (Applied), so
// the overlap of the next request is not applied twice and an event dated ahead of Zendesk's
// clock does not carry the cursor past the events still to come. A page[after] token lives for
// one poll only: one Zendesk refuses restarts the poll from the time cursor.
// Reference: https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/
func (s *Source) pollEvents(ctx context.Context, st source.Store, cur *cursorState, vc *vendorClock) error {
	start := cur.Events
	if start == 0 {
		start = vc.now().Add(-initialHistory).Unix()
	}
	if start > vc.limit() {
		// An older version let a skewed event carry the cursor ahead of Zendesk's clock: it comes
		// back, and the events it skipped meanwhile are gone (read again they would count twice).
		s.log.Warn("zendesk_events_cursor_ahead_of_vendor_clock", "cursor", time.Unix(start, 0).UTC(), "vendor_now", vc.now().UTC())
		start = vc.clamp(start)
	}
	applied := newAppliedSet(cur.Applied)
	insts := newInstanceMap(cur.Instances)
	// Events held back for tickets the export had not delivered yet go first: they are older.
	pending := cur.Pending
	cur.Pending = nil
	reqStart := start
	q := s.eventsQuery(reqStart, "")
	followed := tokens{}
	restarted := false
	for pages := 0; ; pages++ {
		if pages >= maxPagesPerPoll {
			return fmt.Errorf("%s: %w (%d)", endpointMetricEvents, errPageBound, pages)
		}
		var page metricEventsPage
		err := s.c.get(ctx, vc, endpointMetricEvents, classAccount, "/api/v2/incremental/ticket_metric_events.json", q, &page)
		if err != nil && refused(err) && q.Has("page[after]") && !restarted {
			restarted = true
			s.log.Warn("zendesk_events_cursor_refused_restarting_by_time", "err", err, "start_time", start)
			reqStart, q, followed = start, s.eventsQuery(start, ""), tokens{}
			continue
		}
		if err != nil {
			return err
		}
		evs := pending
		pending = nil
		var newest int64
		for _, ev := range page.Events {
			vc.record(ev.Time)
			newest = max(newest, ev.Time.Unix())
			if k := applied.key(ev); !applied[k] {
				applied[k] = true
				evs = append(evs, ev)
			}
		}
		calFor, err := s.calendarsFor(ctx, vc, cur, insts, evs)
		if err != nil {
			return err // nothing of this page is stored: the next poll asks again
		}
		b := s.mergeBatch(st, evs, cur, vc, insts, calFor)
		cur.Instances = insts.list()
		start = max(start, vc.clamp(newest))
		cur.Events = start
		cur.Applied = applied.list(start)
		b.Cursor = cur.encode()
		if err := st.Apply(b); err != nil {
			return fmt.Errorf("zendesk: applying metric events: %w", err)
		}
		next, more, err := s.nextEventsQuery(&page, reqStart, len(evs), q)
		if err != nil || !more {
			return err
		}
		if err := followed.follow(endpointMetricEvents, next.Encode()); err != nil {
			return err
		}
		q = next
	}
}

// eventsQuery is a metric events request from start, after the page[after] token when given.
func (s *Source) eventsQuery(start int64, after string) url.Values {
	q := url.Values{
		"start_time":      {strconv.FormatInt(start, 10)},
		"page[size]":      {strconv.Itoa(s.eventsPageSize)},
		"include_changes": {"true"},
	}
	if after != "" {
		q.Set("page[after]", after)
	}
	return q
}

// nextEventsQuery reads where a page says the events go on: meta.has_more and meta.after_cursor
// when cursor-paginated; next_page and end_of_stream when Zendesk answered time-based (then a
// page of nothing new starting where the last began is the end: that export cannot page past a
// second fuller than a page, and only the cursor pagination asked for avoids it).
func (s *Source) nextEventsQuery(page *metricEventsPage, reqStart int64, fresh int, q url.Values) (url.Values, bool, error) {
	if page.Meta != nil {
		if !page.Meta.HasMore {
			return nil, false, nil
		}
		if page.Meta.AfterCursor == nil || *page.Meta.AfterCursor == "" {
			return nil, false, fmt.Errorf("%s: %w: has_more without an after_cursor", endpointMetricEvents, vendorhttp.ErrMalformed)
		}
		return s.eventsQuery(reqStart, *page.Meta.AfterCursor), true, nil
	}
	if page.EndOfStream || len(page.Events) == 0 {
		return nil, false, nil
	}
	next, ok := nextQuery(page.NextPage)
	if !ok {
		return nil, false, nil
	}
	if fresh == 0 && next.Get("start_time") == q.Get("start_time") {
		s.log.Warn("zendesk_metric_events_time_based_stall", "start_time", q.Get("start_time"))
		return nil, false, nil
	}
	return next, true, nil
}

// mergeBatch groups events by ticket, merges them into the stored tickets and keeps those for
// unknown tickets in cur.Pending (bounded in age and number). calFor gives a ticket's business
// calendar.
func (s *Source) mergeBatch(st source.Store, evs []apiMetricEvent, cur *cursorState, vc *vendorClock, insts instanceMap, calFor func(int64) *sla.Calendar) source.Batch {
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
				if vc.local.Sub(ev.Time) < pendingTTL {
					cur.Pending = append(cur.Pending, ev)
				}
			}
			continue
		}
		b.Upserts = append(b.Upserts, s.mergeEvents(prev, tevs, vc.now(), insts, calFor(id)))
	}
	if n := len(cur.Pending); n > maxPending {
		cur.Pending = cur.Pending[n-maxPending:]
	}
	return b
}

// calendarsFor returns each ticket's business calendar for events that need one: an apply_sla
// counting business hours, or any event of an instance whose SLA does. Only then are the schedules
// read (and, on accounts with several, the audits of the tickets a business-hours SLA is applied
// to), so accounts and polls without such targets never ask.
func (s *Source) calendarsFor(ctx context.Context, vc *vendorClock, cur *cursorState, insts instanceMap, evs []apiMetricEvent) (func(int64) *sla.Calendar, error) {
	var need bool
	var applied []int64
	for _, ev := range evs {
		isBusiness := ev.Type == "apply_sla" && ev.SLA != nil && ev.SLA.BusinessHours
		if isBusiness || insts[businessKey(ev)].Business {
			need = true
		}
		if isBusiness && !slices.Contains(applied, ev.TicketID) {
			applied = append(applied, ev.TicketID)
		}
	}
	if !need {
		return func(int64) *sla.Calendar { return nil }, nil
	}
	set, err := s.businessCalendars(ctx, vc)
	if err != nil {
		return nil, err
	}
	if set != nil && set.count > 1 && len(applied) > 0 {
		if err := s.ticketSchedules(ctx, vc, cur, applied); err != nil {
			return nil, err
		}
	}
	assigned := map[int64]int64{}
	for _, ts := range cur.Schedules {
		assigned[ts.Ticket] = ts.Schedule
	}
	return func(id int64) *sla.Calendar { return set.calendar(assigned[id]) }, nil
}
