package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
)

// State history for computed SLAs (sla: computed or both). collector/sla places pauses,
// resolutions and reopens from a ticket's Transitions; Jira keeps them in the issue changelog,
// which a search does not return unless expanded, at a cost per issue. So the changelog is asked
// for only the issues of a page whose status changed since the stored version (or that are first
// seen and may have moved since creation); every other ticket keeps its stored history.
//
//   - Cloud: POST /rest/api/3/changelog/bulkfetch, up to 1000 issues a request, status changes
//     only, paged with nextPageToken:
//     https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-changelog-bulkfetch-post
//   - Data Center: GET /rest/api/2/search with `key in (...)` and expand=changelog, in chunks of
//     keys short enough for a GET URL (Data Center has no bulk changelog; its search returns
//     the whole changelog of each issue):
//     https://docs.atlassian.com/software/jira/docs/api/REST/latest/#api/2/search-search
//
// Both are counted under the endpoint "changelog".
const (
	bulkChangelogPath   = "/rest/api/3/changelog/bulkfetch"
	bulkChangelogIssues = 1000 // the most issues one bulk fetch accepts
	bulkChangelogMax    = 1000 // change histories per page
	searchChangelogKeys = 100  // keys in one `key in (...)`: short enough for a GET URL
)

// changeItem is one field change of a change history. For the status, from and to are status
// ids and fromString and toString their names; for a link, from and to are the linked issue's
// key (removed, added) and the strings a sentence ("This issue is blocked by ENG-7").
type changeItem struct {
	Field      string `json:"field"`
	FieldID    string `json:"fieldId"`
	From       string `json:"from"`
	FromString string `json:"fromString"`
	To         string `json:"to"`
	ToString   string `json:"toString"`
}

// isStatus reports whether the item changed the status. Data Center's items have no fieldId.
func (it changeItem) isStatus() bool {
	if it.FieldID != "" {
		return it.FieldID == "status"
	}
	return strings.EqualFold(it.Field, "status")
}

// changeHistory is one entry of an issue's changelog.
type changeHistory struct {
	Created changeTime   `json:"created"`
	Items   []changeItem `json:"items"`
}

// changeTime is a change history's instant: Jira's date-time string, or epoch milliseconds,
// which some Cloud answers carry.
type changeTime struct{ time.Time }

// UnmarshalJSON reads either form; anything else is the zero time (the history is then dated
// by its neighbours' order only, see transitionsOf).
func (t *changeTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		t.Time = timeOrZero(s)
		return nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		t.Time = time.UnixMilli(n).UTC()
	}
	return nil
}

// bulkChangelogRequest is the body of POST /rest/api/3/changelog/bulkfetch.
type bulkChangelogRequest struct {
	IssueIDsOrKeys []string `json:"issueIdsOrKeys"`
	FieldIDs       []string `json:"fieldIds"`
	MaxResults     int      `json:"maxResults"`
	NextPageToken  string   `json:"nextPageToken,omitempty"`
}

// bulkChangelogPage is its answer: change histories grouped by issue id, oldest first across
// issues, an issue's histories possibly spread over pages.
type bulkChangelogPage struct {
	IssueChangeLogs []struct {
		IssueID         string          `json:"issueId"`
		ChangeHistories []changeHistory `json:"changeHistories"`
	} `json:"issueChangeLogs"`
	NextPageToken *string `json:"nextPageToken"`
}

// changelogSearchPage is a Data Center search page with expand=changelog.
type changelogSearchPage struct {
	pageMeta
	Issues []struct {
		Key       string `json:"key"`
		Changelog struct {
			Histories []changeHistory `json:"histories"`
		} `json:"changelog"`
	} `json:"issues"`
}

// historyBatch holds pages, in order, until the changelogs of the issues among them that need
// one are fetched: Cloud's bulk fetch takes 1000 issues a request and a search page carries at
// most 100, so pages wait until their changed issues fill a request, which keeps the cost at
// one request per 1000 changed tickets rather than one per page.
type historyBatch struct {
	pages  []decodedPage
	counts []int       // per page, its issues in need not fetched yet
	need   []*issueRec // in page order, into pages' issues
	got    map[string]issueHistory
}

// maxBatchPages bounds the pages held back (and the memory they keep) while changed tickets
// are few and far between, as in a cold sync of mostly new tickets.
const maxBatchPages = 50

func (b *historyBatch) add(page decodedPage, need []*issueRec) {
	b.pages = append(b.pages, page)
	b.counts = append(b.counts, len(need))
	b.need = append(b.need, need...)
}

// ready reports whether pages can go: none waits for a changelog, a full bulk request's worth
// waits, or maxBatchPages are held.
func (b *historyBatch) ready() bool {
	return len(b.need) == 0 || len(b.need) >= bulkChangelogIssues || len(b.pages) >= maxBatchPages
}

// flushHistories fetches changelogs, in whole bulk requests unless final (the search ended) or
// the batch holds maxBatchPages, and applies the pages whose issues all have theirs, in order.
func (s *Source) flushHistories(ctx context.Context, b *historyBatch, apply func(decodedPage) error, final bool) error {
	n := len(b.need)
	if !final && len(b.pages) < maxBatchPages {
		n -= n % bulkChangelogIssues
	}
	if n > 0 {
		h, err := s.histories(ctx, b.need[:n])
		if err != nil {
			return err
		}
		if b.got == nil {
			b.got = map[string]issueHistory{}
		}
		maps.Copy(b.got, h)
		b.need = b.need[n:]
	}
	for len(b.pages) > 0 && b.counts[0] <= n {
		n -= b.counts[0]
		p := b.pages[0]
		p.history = b.got
		if err := apply(p); err != nil {
			return err
		}
		b.pages, b.counts = b.pages[1:], b.counts[1:]
	}
	if len(b.pages) > 0 {
		b.counts[0] -= n // the part of the first page still held that was fetched
	} else {
		*b = historyBatch{}
	}
	return nil
}

// needing returns the issues of a page whose changelog must be fetched, before the page is
// applied; st.Get lags behind the pages held for a bulk fetch, which applyPage's merge tolerates.
func (s *Source) needing(st source.Store, recs []issueRec) []*issueRec {
	for i := range recs {
		s.learnStatus(recs[i].sys.Status)
	}
	var need []*issueRec
	for i := range recs {
		prev, had := st.Get(recs[i].Key)
		if s.needsHistory(&recs[i], prev, had) {
			need = append(need, &recs[i])
		}
	}
	return need
}

// histories returns the state (and handling) history of the issues, by key, from their
// changelogs.
func (s *Source) histories(ctx context.Context, need []*issueRec) (map[string]issueHistory, error) {
	if len(need) == 0 {
		return nil, nil
	}
	var raw map[string][]changeHistory
	var err error
	if s.flavor == flavorCloud {
		raw, err = s.bulkChangelogs(ctx, need)
	} else {
		raw, err = s.searchChangelogs(ctx, need)
	}
	if err != nil {
		return nil, err
	}
	if err := s.knowStatuses(ctx, raw); err != nil {
		return nil, err
	}
	var doneAt map[string]time.Time
	if s.m.readHandling {
		if doneAt, err = s.doneInstants(ctx, need); err != nil {
			return nil, err
		}
	}
	out := make(map[string]issueHistory, len(need))
	for _, r := range need {
		out[r.Key] = issueHistory{transitions: s.transitionsOf(r, raw[r.Key]), handling: s.m.handlingOf(r, raw[r.Key], doneAt)}
	}
	return out, nil
}

// needsHistory reports whether an issue's changelog must be fetched: a stored ticket whose
// status or handling changed (or that has no history yet, stored before computed SLAs or teams
// were on); a first-seen ticket unless it is plainly still as it was created (in a "new" state
// with no handler, or never updated since it was created). A ticket fetched again through the
// cursor's overlap needs nothing.
func (s *Source) needsHistory(r *issueRec, prev *ticket.Ticket, had bool) bool {
	up := timeOrZero(r.sys.Updated)
	state, _ := s.m.state(r.sys.Status)
	if had && prev != nil {
		if prev.Updated.Equal(up) {
			return false
		}
		return len(prev.Transitions) == 0 || prev.Status != r.sys.Status.Name || prev.State != state ||
			(s.m.readHandling && (len(prev.Handling) == 0 || s.m.handlingChanged(r, prev)))
	}
	if timeOrZero(r.sys.Created).Equal(up) {
		return false
	}
	return state != ticket.StateNew || s.m.handlingChanged(r, nil)
}

// learnStatus remembers the category of a status seen on an issue, so that a status named only
// in a changelog (which carries names, not categories) maps as it would on an issue.
func (s *Source) learnStatus(st wireStatus) {
	if st.Name == "" || st.StatusCategory.Key == "" {
		return
	}
	if s.categories == nil {
		s.categories = map[string]string{}
	}
	s.categories[strings.ToLower(st.Name)] = st.StatusCategory.Key
}

// statusRefresh is how long the site's status list, once read, answers for statuses a
// changelog names: a status added to a workflow later is read at most this late.
const statusRefresh = time.Hour

// knowStatuses reads the site's statuses (GET /rest/api/2/status, both flavors) when a
// changelog names a status whose state is unknown: one no polled issue is in now (the "Open" a
// ticket left) and that neither config nor the stock names map. It is read at most once per
// statusRefresh, so a status that no longer exists does not cost a request per poll.
func (s *Source) knowStatuses(ctx context.Context, raw map[string][]changeHistory) error {
	unknown := false
	for _, hist := range raw {
		for _, h := range hist {
			for _, it := range h.Items {
				if it.isStatus() && (!s.knownStatus(it.FromString) || !s.knownStatus(it.ToString)) {
					unknown = true
				}
			}
		}
	}
	if !unknown || (!s.statusesAt.IsZero() && s.now().Sub(s.statusesAt) < statusRefresh) {
		return nil
	}
	var list []wireStatus
	if err := s.c.Get(ctx, "status", "/rest/api/2/status", nil, &list); err != nil {
		return err
	}
	s.statusesAt = s.now()
	for _, st := range list {
		s.learnStatus(st)
	}
	return nil
}

// knownStatus reports whether a status name maps without guessing.
func (s *Source) knownStatus(name string) bool {
	if name == "" {
		return true // an item without a name (none on a status change) has nothing to learn
	}
	lower := strings.ToLower(name)
	if _, ok := s.m.statuses[lower]; ok {
		return true
	}
	_, ok := s.categories[lower]
	return ok
}

// stateOf maps a status name from a changelog with the issue mapping (config, stock names,
// then the category learnt from issues; unknown: in_progress).
func (s *Source) stateOf(name string) ticket.State {
	var ws wireStatus
	ws.Name = name
	ws.StatusCategory.Key = s.categories[strings.ToLower(name)]
	state, _ := s.m.state(ws)
	return state
}

// transitionsOf builds an issue's state history from its change histories: the state before
// the first status change (or the current one, without any) at Created, then each change of
// state, oldest first. The current status has the last word when the changelog lags behind it.
func (s *Source) transitionsOf(r *issueRec, hist []changeHistory) []ticket.Transition {
	type change struct {
		at       time.Time
		from, to string
	}
	var changes []change
	for _, h := range hist {
		for _, it := range h.Items {
			if it.isStatus() {
				changes = append(changes, change{h.Created.Time, it.FromString, it.ToString})
			}
		}
	}
	slices.SortStableFunc(changes, func(a, b change) int { return a.at.Compare(b.at) })
	created := timeOrZero(r.sys.Created)
	cur, _ := s.m.state(r.sys.Status)
	initial := cur
	if len(changes) > 0 {
		initial = s.stateOf(changes[0].from)
	}
	initialStatus := r.sys.Status.Name
	if len(changes) > 0 {
		initialStatus = changes[0].from
	}
	trs := []ticket.Transition{{At: created, State: initial, Status: initialStatus}}
	for _, c := range changes {
		last := trs[len(trs)-1]
		if st := s.stateOf(c.to); st != last.State || !strings.EqualFold(c.to, last.Status) {
			trs = append(trs, ticket.Transition{At: c.at, State: st, Status: c.to})
		}
	}
	if last := trs[len(trs)-1]; last.State != cur || !strings.EqualFold(last.Status, r.sys.Status.Name) {
		trs = append(trs, ticket.Transition{At: timeOrZero(r.sys.Updated), State: cur, Status: r.sys.Status.Name})
	}
	return ticket.LastOf(trs)
}

// mergeHistory is the history a new version of a ticket carries: the one fetched for it, else
// the stored one (extended by the current state if it changed without a fetch, which happens
// only when the ticket changed twice within one poll), else the current state since Created.
func mergeHistory(t, prev *ticket.Ticket, fetched []ticket.Transition, ok bool) []ticket.Transition {
	if ok {
		return fetched
	}
	if prev != nil && len(prev.Transitions) > 0 {
		if prev.Transitions[len(prev.Transitions)-1].State == t.State {
			return prev.Transitions
		}
		return ticket.Append(prev.Transitions, ticket.Transition{At: t.Updated, State: t.State})
	}
	return []ticket.Transition{{At: t.Created, State: t.State}}
}

// bulkChangelogs asks Cloud's bulk changelog for the status changes of the issues, 1000 issues
// a request, following nextPageToken.
func (s *Source) bulkChangelogs(ctx context.Context, need []*issueRec) (map[string][]changeHistory, error) {
	out := map[string][]changeHistory{}
	keyOf := map[string]string{}
	for _, r := range need {
		keyOf[r.ID] = r.Key
		keyOf[r.Key] = r.Key
	}
	for len(need) > 0 {
		chunk := need[:min(len(need), bulkChangelogIssues)]
		need = need[len(chunk):]
		req := bulkChangelogRequest{FieldIDs: s.m.changelogFields(), MaxResults: bulkChangelogMax}
		for _, r := range chunk {
			req.IssueIDsOrKeys = append(req.IssueIDsOrKeys, r.Key)
		}
		guard := pageGuard{what: "changelog", max: s.maxPages}
		for {
			var page bulkChangelogPage
			post := vendorhttp.Request{Method: http.MethodPost, Endpoint: "changelog", Path: bulkChangelogPath, Body: req}
			if err := s.c.Do(ctx, post, &page); err != nil {
				return nil, err
			}
			histories := 0
			for _, l := range page.IssueChangeLogs {
				histories += len(l.ChangeHistories)
				if k, ok := keyOf[l.IssueID]; ok {
					out[k] = append(out[k], l.ChangeHistories...)
				}
			}
			if page.NextPageToken == nil || *page.NextPageToken == "" {
				break
			}
			if err := guard.next(*page.NextPageToken, histories > 0); err != nil {
				return nil, fmt.Errorf("jira source %q: %w", s.cfg.Name, err)
			}
			req.NextPageToken = *page.NextPageToken
		}
	}
	return out, nil
}

// searchChangelogs asks Data Center's search for the issues' changelogs, in chunks of keys.
// validateQuery=warn: a key deleted since the page was fetched must not fail the chunk.
func (s *Source) searchChangelogs(ctx context.Context, need []*issueRec) (map[string][]changeHistory, error) {
	out := map[string][]changeHistory{}
	extra := url.Values{"expand": {"changelog"}, "validateQuery": {"warn"}}
	for len(need) > 0 {
		chunk := need[:min(len(need), searchChangelogKeys)]
		need = need[len(chunk):]
		keys := make([]string, len(chunk))
		for i, r := range chunk {
			keys[i] = r.Key
		}
		newPage := func() any { return &changelogSearchPage{} }
		r := searchReq{endpoint: "changelog", jql: reconcileJQL("", keys), fields: []string{"status"}, extra: extra, maxResults: len(chunk)}
		err := s.searchPages(ctx, r, newPage, func(v any) (pageMeta, []string, error) {
			page := v.(*changelogSearchPage)
			got := make([]string, len(page.Issues))
			for i, is := range page.Issues {
				got[i] = is.Key
				out[is.Key] = append(out[is.Key], is.Changelog.Histories...)
			}
			return page.pageMeta, got, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
