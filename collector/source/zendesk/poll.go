package zendesk

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"context"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
)

// maxPagesPerPoll bounds every paging loop of a poll: an API that keeps answering "more" (a cursor
// that never ends, tokens that alternate) ends the poll with errPageBound, the source shows down,
// and the pages applied so far stay. Five thousand export pages are five million tickets.
const maxPagesPerPoll = 5000

var (
	// errNoProgress: an answer handed back a pagination token already followed in this poll.
	errNoProgress = errors.New("zendesk: pagination did not advance (a token came back)")
	// errPageBound: a paging loop reached maxPagesPerPoll.
	errPageBound = errors.New("zendesk: too many pages in one poll")
)

// tokens is the set of pagination tokens a loop followed, against an API that loops.
type tokens map[string]bool

// follow records tok, or reports errNoProgress when it was followed already.
func (t tokens) follow(endpoint, tok string) error {
	if t[tok] {
		return fmt.Errorf("%s: %w", endpoint, errNoProgress)
	}
	t[tok] = true
	return nil
}

// pollResult is what the ticket export tells the rest of the poll.
type pollResult struct {
	rated   bool    // a ticket gained or changed a satisfaction rating: read the ratings
	unrated []int64 // solved tickets without a legacy rating: ask for CSAT survey responses
	// changed are the tickets whose status or handler changed (teams configured): their
	// history is read from the ticket event export (teams.go).
	changed map[int64]int64 // id -> Unix second of the version stored before
}

// pollTickets pages through the cursor-based incremental ticket export: start_time on the first
// sync, then the stored after_cursor, until end_of_stream. A cursor Zendesk refuses falls back to
// the last one it answered, then to a time-based restart from the newest change applied.
// Reference: https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/#incremental-ticket-export-cursor-based
func (s *Source) pollTickets(ctx context.Context, st source.Store, cur *cursorState, vc *vendorClock) (pollResult, error) {
	var res pollResult
	sent := cur.Tickets
	q := s.exportQuery(sent, s.restartTime(cur, vc))
	followed := tokens{}
	fallbacks := 0
	for pages := 0; ; pages++ {
		if pages >= maxPagesPerPoll {
			return res, fmt.Errorf("%s: %w (%d)", endpointTickets, errPageBound, pages)
		}
		var page incrementalTicketsPage
		err := s.c.get(ctx, vc, endpointTickets, classIncremental, "/api/v2/incremental/tickets/cursor.json", q, &page)
		if err != nil && refused(err) && fallbacks < 2 {
			fallbacks++
			if sent != "" && cur.TicketsGood != "" && cur.TicketsGood != sent {
				s.log.Warn("zendesk_cursor_refused_resuming_last_good", "err", err)
				sent = cur.TicketsGood
			} else {
				start := s.restartTime(cur, vc)
				s.log.Warn("zendesk_cursor_refused_restarting_by_time", "err", err, "start_time", start)
				sent = ""
				q = s.exportQuery("", start)
				continue
			}
			q = s.exportQuery(sent, 0)
			continue
		}
		if err != nil {
			return res, err
		}
		if sent != "" {
			cur.TicketsGood = sent
		}
		b, err := s.ticketsBatch(ctx, st, vc, &page, cur, &res)
		if err != nil {
			return res, err
		}
		switch {
		case page.AfterCursor != nil && *page.AfterCursor != "":
			if !page.EndOfStream {
				if err := followed.follow(endpointTickets, *page.AfterCursor); err != nil {
					return res, err
				}
			}
			cur.Tickets = *page.AfterCursor
		case !page.EndOfStream:
			return res, fmt.Errorf("%s: %w: no after_cursor before the end of the stream", endpointTickets, vendorhttp.ErrMalformed)
		}
		b.Cursor = cur.encode()
		if err := st.Apply(b); err != nil {
			return res, fmt.Errorf("zendesk: applying tickets: %w", err)
		}
		if page.EndOfStream {
			return res, nil
		}
		sent = cur.Tickets
		q = s.exportQuery(sent, 0)
	}
}

// change notes a ticket whose history is to be read, with the Unix second of its stored version.
func (r *pollResult) change(id, stored int64) {
	if r.changed == nil {
		r.changed = map[int64]int64{}
	}
	r.changed[id] = stored
}

// exportQuery is the export's query: the cursor, or start_time when there is none.
func (s *Source) exportQuery(cursor string, start int64) url.Values {
	q := url.Values{
		"per_page": {strconv.Itoa(s.perPage)},
		"include":  {"users,organizations,metric_sets"},
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	} else {
		q.Set("start_time", strconv.FormatInt(start, 10))
	}
	return q
}

// restartTime is where a time-based export starts: after the newest change applied, or a year
// back on the first sync (older open tickets come from pollOldOpen); never later than Zendesk's
// clock allows.
func (s *Source) restartTime(cur *cursorState, vc *vendorClock) int64 {
	start := cur.TicketsTime
	if start == 0 {
		start = vc.now().Add(-initialHistory).Unix()
	}
	return vc.clamp(start)
}

// ticketsBatch normalizes a page of tickets into a batch and moves the cursor's high-water mark.
func (s *Source) ticketsBatch(ctx context.Context, st source.Store, vc *vendorClock, page *incrementalTicketsPage, cur *cursorState, res *pollResult) (source.Batch, error) {
	tickets := make([]apiTicket, len(page.Tickets))
	for i, raw := range page.Tickets {
		if err := json.Unmarshal(raw, &tickets[i]); err != nil {
			return source.Batch{}, fmt.Errorf("%s: %w: ticket %d: %v", endpointTickets, vendorhttp.ErrMalformed, i, err)
		}
	}
	sets := map[int64]*apiMetricSet{}
	for i := range page.MetricSets {
		sets[page.MetricSets[i].TicketID] = &page.MetricSets[i]
	}
	refs, err := s.pageRefs(ctx, vc, tickets, page.Users, page.Organizations, false)
	if err != nil {
		return source.Batch{}, err
	}
	var b source.Batch
	var newest int64
	for _, at := range tickets {
		newest = max(newest, at.GeneratedTimestamp)
		if at.GeneratedTimestamp > 0 {
			vc.record(time.Unix(at.GeneratedTimestamp, 0))
		}
		key := strconv.FormatInt(at.ID, 10)
		if at.Status == statusDeleted {
			b.Deletes = append(b.Deletes, key)
			continue
		}
		if at.MetricSet == nil {
			at.MetricSet = sets[at.ID]
		}
		prev, _ := st.Get(key)
		t := s.normalize(at, prev, refs)
		if t.CSAT != ticket.CSATNone && (prev == nil || prev.CSAT != t.CSAT) {
			res.rated = true
		}
		if !t.State.Open() && at.SatisfactionRating == nil {
			res.unrated = append(res.unrated, at.ID)
		}
		switch {
		case !s.cfg.TrackStates:
		case changedHands(t, prev, at.MetricSet):
			res.change(at.ID, prev.Updated.Unix())
		}
		b.Upserts = append(b.Upserts, t)
	}
	cur.TicketsTime = max(cur.TicketsTime, vc.clamp(newest))
	return b, nil
}
