package zendesk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
)

// pollOldOpen reads, once, the open tickets untouched since before the export's first start
// (initialHistory back): the export from a year back never returns them, yet they are the oldest
// part of the backlog. One search export finds them, "status<solved" (new, open, pending and
// hold) and "updated<" the day after that start (the overlap is harmless: the stored version wins
// when it is as new). Users come by id, as the search does not sideload them.
// References: "Export Search Results" in
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/search/ (cursor
// pagination, filter[type]=ticket, page[size] up to 1000), and the search syntax in
// https://support.zendesk.com/hc/en-us/articles/4408886879258 ("status<solved", "updated<").
func (s *Source) pollOldOpen(ctx context.Context, st source.Store, cur *cursorState, vc *vendorClock) error {
	day := vc.now().Add(-initialHistory).AddDate(0, 0, 1).UTC().Format(time.DateOnly)
	q := url.Values{
		"query":        {"type:ticket status<solved updated<" + day},
		"filter[type]": {"ticket"},
		"page[size]":   {"1000"},
	}
	followed := tokens{}
	for pages := 0; ; pages++ {
		if pages >= maxPagesPerPoll {
			return fmt.Errorf("%s: %w (%d)", endpointSearchExport, errPageBound, pages)
		}
		var page searchExportPage
		if err := s.c.get(ctx, vc, endpointSearchExport, classAccount, "/api/v2/search/export.json", q, &page); err != nil {
			return err
		}
		var tickets []apiTicket
		for i, raw := range page.Results {
			var at struct {
				apiTicket
				ResultType string `json:"result_type"`
			}
			if err := json.Unmarshal(raw, &at); err != nil {
				return fmt.Errorf("%s: %w: result %d: %v", endpointSearchExport, vendorhttp.ErrMalformed, i, err)
			}
			if at.ResultType == "" || at.ResultType == "ticket" {
				tickets = append(tickets, at.apiTicket)
			}
		}
		refs, err := s.pageRefs(ctx, vc, tickets, nil, nil, true)
		if err != nil {
			return err
		}
		var b source.Batch
		for _, at := range tickets {
			prev, _ := st.Get(strconv.FormatInt(at.ID, 10))
			if prev != nil && !prev.Updated.Before(at.UpdatedAt) {
				continue // the export delivered it already, as new
			}
			b.Upserts = append(b.Upserts, s.normalize(at, prev, refs))
		}
		if err := st.Apply(b); err != nil {
			return fmt.Errorf("zendesk: applying old open tickets: %w", err)
		}
		if page.Meta == nil || !page.Meta.HasMore {
			break
		}
		var next *string
		if page.Links != nil {
			next = page.Links.Next
		}
		nq, ok := nextQuery(next)
		if !ok {
			if page.Meta.AfterCursor == nil {
				return fmt.Errorf("%s: %w: has_more without a next page", endpointSearchExport, vendorhttp.ErrMalformed)
			}
			nq = url.Values{"query": q["query"], "filter[type]": {"ticket"}, "page[size]": q["page[size]"], "page[after]": {*page.Meta.AfterCursor}}
		}
		if err := followed.follow(endpointSearchExport, nq.Encode()); err != nil {
			return err
		}
		q = nq
	}
	cur.OldOpenDone = true
	if err := st.Apply(source.Batch{Cursor: cur.encode()}); err != nil {
		return fmt.Errorf("zendesk: applying old open tickets: %w", err)
	}
	return nil
}
