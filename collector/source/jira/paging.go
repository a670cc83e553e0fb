package jira

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/source/vendorhttp"
)

// Every paging loop of the source is bounded (issue 13): a vendor that hands back a page token
// it gave before (A, B, A: the loop would never end), that keeps handing out new tokens for
// pages with nothing new, or that never says "last" fails the poll, and the source shows down,
// instead of asking forever.
const (
	// maxPages is the most pages one search or changelog fetch takes in one poll: a million
	// issues at 100 a page. A desk larger than that syncs over several polls (each page is
	// applied with its cursor), with the source down in between.
	maxPages = 10_000
	// maxIdlePages is how many pages in a row may bring nothing not seen before in the loop.
	// Key-set paging re-reads at most one page of issues it has seen (those of the newest
	// minute of the page before), so three in a row is a loop.
	maxIdlePages = 3
)

// errPagingLoop is wrapped by the error of a paging loop that hit its bounds.
var errPagingLoop = errors.New("paging loop")

// pageGuard bounds one paging loop.
type pageGuard struct {
	what   string // what pages, for the error: "search", "changelog"
	max    int    // pages allowed; 0: maxPages
	pages  int
	idle   int
	tokens map[string]bool
}

// next is called before asking for the page after one that came back: token is the
// continuation the vendor gave ("" for offset or key-set paging), progressed whether the page
// brought anything the loop had not seen.
func (g *pageGuard) next(token string, progressed bool) error {
	g.pages++
	if limit := cmp.Or(g.max, maxPages); g.pages >= limit {
		return fmt.Errorf("%w: %s went on for %d pages in one poll", errPagingLoop, g.what, g.pages)
	}
	if progressed {
		g.idle = 0
	} else if g.idle++; g.idle >= maxIdlePages {
		return fmt.Errorf("%w: %s gave %d pages in a row with nothing new", errPagingLoop, g.what, g.idle)
	}
	if token == "" {
		return nil
	}
	if g.tokens == nil {
		g.tokens = map[string]bool{}
	}
	if g.tokens[token] {
		return fmt.Errorf("%w: %s gave the page token %q again after %d pages", errPagingLoop, g.what, clipToken(token), g.pages)
	}
	g.tokens[token] = true
	return nil
}

// clipToken shortens a page token for an error: it is opaque, and can be long.
func clipToken(t string) string {
	if len(t) > 40 {
		return t[:40] + "..."
	}
	return t
}

// searchReq is one JQL search, paged by searchPages.
type searchReq struct {
	endpoint   string // counted under this name: "search", "changelog"
	jql        string
	fields     []string
	properties []string
	extra      url.Values // Data Center only: validateQuery, expand
	maxResults int
	// reconcile are Cloud issue ids whose results must be read after their latest write
	// (reconcileIssues, at most 50): the search is then sent as POST /rest/api/3/search/jql,
	// whose body carries them as a list. https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post
	reconcile []int64
}

// maxReconcileIssues is the most ids one search may reconcile ("Accepts max 50 ids",
// https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get;
// https://jira.atlassian.com/browse/JRACLOUD-96208).
const maxReconcileIssues = 50

// searchBody is the body of POST /rest/api/3/search/jql (SearchAndReconcileRequestBean).
type searchBody struct {
	JQL             string   `json:"jql"`
	Fields          []string `json:"fields,omitempty"`
	Properties      []string `json:"properties,omitempty"`
	MaxResults      int      `json:"maxResults"`
	NextPageToken   string   `json:"nextPageToken,omitempty"`
	ReconcileIssues []int64  `json:"reconcileIssues,omitempty"`
}

// searchPath is where a search goes: Cloud's search/jql (GET /rest/api/3/search/jql, 410 Gone
// for the old /search since 2025), Data Center's GET /rest/api/2/search.
func (s *Source) searchPath() string {
	if s.flavor == flavorCloud {
		return "/rest/api/3/search/jql"
	}
	return "/rest/api/2/search"
}

// fetchPage asks for one page of r: after token (Cloud) or from startAt (Data Center).
func (s *Source) fetchPage(ctx context.Context, r searchReq, token string, startAt int, out any) error {
	cloud := s.flavor == flavorCloud
	if cloud && len(r.reconcile) > 0 {
		body := searchBody{JQL: r.jql, Fields: r.fields, Properties: r.properties, MaxResults: r.maxResults,
			NextPageToken: token, ReconcileIssues: r.reconcile}
		return s.c.Do(ctx, vendorhttp.Request{Method: http.MethodPost, Endpoint: r.endpoint, Path: s.searchPath(), Body: body}, out)
	}
	q := url.Values{}
	if !cloud {
		for k, v := range r.extra {
			q[k] = v
		}
	}
	q.Set("jql", r.jql)
	q.Set("maxResults", strconv.Itoa(r.maxResults))
	q.Set("fields", strings.Join(r.fields, ","))
	if len(r.properties) > 0 {
		q.Set("properties", strings.Join(r.properties, ","))
	}
	if cloud && token != "" {
		q.Set("nextPageToken", token)
	} else if !cloud && startAt > 0 {
		q.Set("startAt", strconv.Itoa(startAt))
	}
	return s.c.Get(ctx, r.endpoint, s.searchPath(), q, out)
}

// lastPage reports whether a page ends its search: Cloud says so (isLast, or no token), Data
// Center counts (startAt + what came >= total; an empty page ends it too).
func (s *Source) lastPage(meta pageMeta, startAt, n int) bool {
	if s.flavor == flavorCloud {
		return meta.NextPageToken == "" || (meta.IsLast != nil && *meta.IsLast)
	}
	return n == 0 || startAt+n >= meta.Total
}

// searchPages runs a search page by page: each page decodes into a fresh newPage() value and
// goes to fn, which returns its paging fields and the keys it carried, before the next is asked
// for; so a failure part-way leaves the earlier pages applied. The loop is bounded (pageGuard).
func (s *Source) searchPages(ctx context.Context, r searchReq, newPage func() any, fn func(page any) (pageMeta, []string, error)) error {
	guard := pageGuard{what: r.endpoint, max: s.maxPages}
	seen := map[string]bool{}
	token, startAt := "", 0
	for {
		page := newPage()
		if err := s.fetchPage(ctx, r, token, startAt, page); err != nil {
			return err
		}
		meta, keys, err := fn(page)
		if err != nil {
			return err
		}
		if s.lastPage(meta, startAt, len(keys)) {
			return nil
		}
		progressed := false
		for _, k := range keys {
			if !seen[k] {
				seen[k], progressed = true, true
			}
		}
		next := ""
		if s.flavor == flavorCloud {
			next = meta.NextPageToken
		}
		if err := guard.next(next, progressed); err != nil {
			return fmt.Errorf("jira source %q: %w", s.cfg.Name, err)
		}
		token, startAt = next, startAt+len(keys)
	}
}

// pollPages runs the incremental search from the instant from (zero: the first sync) by key
// set: each page after the first asks again from the minute of the newest update it saw, and
// the issues seen before in this poll are not handed on again. Offset paging over ORDER BY
// updated skips an issue whenever another one is updated between two pages (the updated issue
// moves to the end and everything after it moves up one place:
// https://github.com/singer-io/tap-jira/issues/109); a query that starts after the last page
// cannot skip. Only a minute holding more updates than a page is continued within its query
// (startAt, nextPageToken); when something moved while such a minute was paged, the returned
// instant is that minute and the poll's cursor must not pass it, so the next poll reads the
// minute again. Without the searching user's time zone (zoneSlack) the dates cannot be placed to
// the minute, and the search pages within one query.
func (s *Source) pollPages(ctx context.Context, from time.Time, props []string, fn func(decodedPage) error) (time.Time, error) {
	keyset := s.zoneSlack == 0
	lower := from
	if !lower.IsZero() {
		lower = lower.Add(-s.zoneSlack).Truncate(time.Minute) // JQL dates are minutes
	}
	seen := map[string]time.Time{} // key -> updated, as handed on in this poll
	guard := pageGuard{what: "search", max: s.maxPages}
	token, startAt, total := "", 0, -1
	var dense time.Time // the minute paged within its query, if any
	moved := false      // an issue moved in the result set while it was paged
	for {
		r := searchReq{endpoint: "search", jql: incrementalJQL(s.filter, lower, s.loc), fields: s.fields,
			properties: props, maxResults: s.pageSize}
		var wire searchPage
		if err := s.fetchPage(ctx, r, token, startAt, &wire); err != nil {
			return time.Time{}, err
		}
		page := readPage(&wire)
		var oldest, newest time.Time
		fresh := page.issues[:0:0]
		for _, is := range page.issues {
			up := timeOrZero(is.sys.Updated)
			if up.After(newest) {
				newest = up
			}
			if oldest.IsZero() || up.Before(oldest) {
				oldest = up
			}
			if prev, ok := seen[is.Key]; ok {
				if !up.After(prev) {
					continue // the same update again: the page before ended in its minute
				}
				moved = true // updated while the poll paged: it came back at the end
			}
			seen[is.Key] = up
			fresh = append(fresh, is)
		}
		n := len(page.issues)
		page.issues = fresh
		if err := fn(page); err != nil {
			return time.Time{}, err
		}
		if s.lastPage(page.meta, startAt, n) {
			break
		}
		minute := newest.Truncate(time.Minute)
		if keyset && oldest.Truncate(time.Minute).Before(minute) {
			// Ask again from the newest minute: the issues of that minute seen already come
			// back first and are passed over, and those before it are not asked for again.
			lower, token, startAt, total = minute, "", 0, -1
			if err := guard.next("", len(fresh) > 0); err != nil {
				return time.Time{}, fmt.Errorf("jira source %q: %w", s.cfg.Name, err)
			}
			continue
		}
		// The whole page is in one minute (or no key set): asking from it would return the
		// same page, so page on within the query.
		if keyset && dense.IsZero() {
			dense = minute
		}
		if total >= 0 && page.meta.Total != total {
			moved = true // Data Center: the result set grew or shrank under the offsets
		}
		total = page.meta.Total
		next := ""
		if s.flavor == flavorCloud {
			next = page.meta.NextPageToken
		}
		if err := guard.next(next, len(fresh) > 0); err != nil {
			return time.Time{}, fmt.Errorf("jira source %q: %w", s.cfg.Name, err)
		}
		token, startAt = next, startAt+n
	}
	if !dense.IsZero() && moved {
		return dense, nil
	}
	return time.Time{}, nil
}
