package zendeskfake

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// The ticket metric events endpoint, as the reference and the connectors that read it describe it.
//
//   - https://developer.zendesk.com/api-reference/ticketing/tickets/ticket_metric_events/
//     ("List Ticket Metric Events"): events at or after start_time, in chronological order;
//     "Cursor pagination returns a maximum of 100 records per page"; "If the results are not
//     paginated, events will be returned as a time-based incremental export"; include_changes
//     "delivering a consistent and accurate representation of data changes".
//   - Cursor pagination's shape (meta.has_more, meta.after_cursor, meta.before_cursor,
//     links.next, links.prev; page[size], page[after]):
//     https://developer.zendesk.com/api-reference/introduction/pagination/
//   - Airbyte source-zendesk-support (streams.py, TicketMetricEvents) sends start_time with
//     page[size] (1000) on every request, page[after] from meta.after_cursor, until
//     meta.has_more is false.
//   - A time-based answer carries count, end_time, next_page and end_of_stream (the attribute
//     every incremental export has, "JSON Format" in
//     https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/).
//   - Events of type measure come with instance_id 0 (the example answers in Airbyte's
//     unit_tests/conftest.py and libzapi's tests: agent_work_time, instance_id 0, type measure).
//   - A breach event Zendesk invalidates later (the metric was fulfilled in time, the target
//     changed) is served again with "deleted": true; only a request with include_changes sees
//     that change, at the instant it happened (see DeleteBreach).

// maxEventsPage is the documented page maximum of the cursor-paginated answer.
const maxEventsPage = 100

// logEntry is one entry of the event log the endpoint serves: an event as it was put (at is its
// time), or a later change of one (change, at is when it changed).
type logEntry struct {
	at     time.Time
	ev     MetricEvent
	change bool
}

func compareEntries(a, b logEntry) int {
	return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.ev.ID, b.ev.ID), compareBool(a.change, b.change))
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// PutEvents adds ticket metric events; a zero ID gets the next one.
func (s *Server) PutEvents(evs ...MetricEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ev := range evs {
		if ev.ID == 0 {
			ev.ID = s.nextEvent
		}
		s.nextEvent = max(s.nextEvent, ev.ID+1)
		s.events = append(s.events, logEntry{at: ev.Time.Truncate(time.Second), ev: ev})
	}
	slices.SortStableFunc(s.events, compareEntries)
}

// DeleteBreach invalidates the live breach events of a metric instance, as Zendesk does when the
// metric is fulfilled before the breach or the target changes: the event reads "deleted": true
// from now on, and the change enters the log at the fake's now for include_changes readers.
// It returns how many events it invalidated.
func (s *Server) DeleteBreach(ticketID int64, metric string, instance int64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().Truncate(time.Second)
	n := 0
	for i := range s.events {
		e := &s.events[i]
		if e.change || e.ev.TicketID != ticketID || e.ev.Metric != metric || e.ev.InstanceID != instance ||
			e.ev.Type != "breach" || (e.ev.Deleted != nil && *e.ev.Deleted) {
			continue
		}
		deleted := true
		e.ev.Deleted = &deleted
		changed := e.ev
		s.events = append(s.events, logEntry{at: now, ev: changed, change: true})
		n++
	}
	slices.SortStableFunc(s.events, compareEntries)
	return n
}

// eventsCursor is the fake's page[after] token: the last entry served.
type eventsCursor struct {
	At     int64 `json:"a"`
	ID     int64 `json:"i"`
	Change bool  `json:"c,omitempty"`
}

func (c eventsCursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseEventsCursor(v string) (eventsCursor, bool) {
	var c eventsCursor
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID <= 0 {
		return c, false
	}
	return c, true
}

// metricEvents serves GET /api/v2/incremental/ticket_metric_events: cursor-paginated with
// page[size], time-based without.
func (s *Server) metricEvents(w http.ResponseWriter, r *http.Request, q url.Values) {
	st, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
	if err != nil || st < 0 {
		badRequest(w, "start_time is required")
		return
	}
	changes := q.Get("include_changes") == "true"
	from, _ := slices.BinarySearchFunc(s.events, st, func(e logEntry, t int64) int { return cmp.Compare(e.at.Unix(), t) })
	if q.Has("page[size]") {
		s.metricEventsByCursor(w, r, q, from, changes)
		return
	}
	page, more := s.eventsPage(from, s.opts.EventsPageSize, changes)
	out := struct {
		Events      []MetricEvent `json:"ticket_metric_events"`
		NextPage    *string       `json:"next_page"`
		Count       int           `json:"count"`
		EndTime     int64         `json:"end_time"`
		EndOfStream bool          `json:"end_of_stream"`
	}{Events: logEvents(page), Count: len(page), EndTime: st, EndOfStream: !more}
	if len(page) > 0 {
		out.EndTime = page[len(page)-1].at.Unix()
	}
	if more {
		// The next page starts at the last event's second, so pages overlap on it: a second with
		// more events than a page holds cannot be paged past this way.
		next := requestURL(r, r.URL.Path, url.Values{"start_time": {strconv.FormatInt(out.EndTime, 10)}})
		out.NextPage = &next
	}
	writeJSON(w, http.StatusOK, out)
}

// eventsPage returns up to size log entries from index from on (changes only with changes), and
// whether more follow.
func (s *Server) eventsPage(from, size int, changes bool) ([]logEntry, bool) {
	var page []logEntry
	for i := from; i < len(s.events); i++ {
		if e := s.events[i]; changes || !e.change {
			if len(page) == size {
				return page, true
			}
			page = append(page, e)
		}
	}
	return page, false
}

func (s *Server) metricEventsByCursor(w http.ResponseWriter, r *http.Request, q url.Values, from int, changes bool) {
	size, err := strconv.Atoi(q.Get("page[size]"))
	if err != nil || size < 1 {
		badRequest(w, "page[size] is invalid")
		return
	}
	// A larger page[size] is served at the maximum, not refused: Airbyte's TicketMetricEvents
	// asks for 1000 in production.
	size = min(size, s.opts.EventsPageSize)
	if a := q.Get("page[after]"); a != "" {
		c, ok := parseEventsCursor(a)
		if !ok {
			badRequest(w, "page[after] is invalid")
			return
		}
		// Start after the entry the token names: the first entry past its key.
		last := logEntry{at: time.Unix(c.At, 0), ev: MetricEvent{ID: c.ID}, change: c.Change}
		after, _ := slices.BinarySearchFunc(s.events, last, func(e, t logEntry) int {
			return cmp.Or(cmp.Compare(e.at.Unix(), t.at.Unix()), cmp.Compare(e.ev.ID, t.ev.ID), compareBool(e.change, t.change))
		})
		if after < len(s.events) && s.events[after].at.Unix() == c.At && s.events[after].ev.ID == c.ID && s.events[after].change == c.Change {
			after++
		}
		from = max(from, after)
	}
	page, hasMore := s.eventsPage(from, size, changes)
	meta := map[string]any{"has_more": hasMore, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if n := len(page); n > 0 {
		last, first := page[n-1], page[0]
		after := eventsCursor{At: last.at.Unix(), ID: last.ev.ID, Change: last.change}.String()
		meta["after_cursor"] = after
		meta["before_cursor"] = eventsCursor{At: first.at.Unix(), ID: first.ev.ID, Change: first.change}.String()
		if hasMore {
			next := url.Values{"start_time": {q.Get("start_time")}, "page[size]": {q.Get("page[size]")}, "page[after]": {after}}
			if q.Has("include_changes") {
				next.Set("include_changes", q.Get("include_changes"))
			}
			links["next"] = requestURL(r, r.URL.Path, next)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"ticket_metric_events": logEvents(page), "meta": meta, "links": links})
}

// logEvents returns the events of log entries, never nil (an empty page is "[]").
func logEvents(page []logEntry) []MetricEvent {
	out := make([]MetricEvent, len(page))
	for i, e := range page {
		out[i] = e.ev
	}
	return out
}
