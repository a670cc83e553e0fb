package zendeskfake

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// exportCursor is the fake's cursor: the export position and the start_time it began from.
type exportCursor struct {
	Seq   int64 `json:"s"`
	Start int64 `json:"t"`
}

func (c exportCursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func parseCursor(v string) (exportCursor, bool) {
	var c exportCursor
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || json.Unmarshal(b, &c) != nil {
		return c, false
	}
	return c, true
}

// exportHoldBack is how recent a change the incremental export leaves out: a start_time in the
// last minute is refused, and changes of the last minute are served by a later request. Airbyte
// source-zendesk-support (streams.py, check_start_time_param) keeps start_time a minute in the
// past because "requesting tickets in the future is not allowed, hits 400 - bad request", and
// names the error of the cursor export StartTimeTooRecent.
const exportHoldBack = time.Minute

// incrementalTickets serves the cursor-based incremental ticket export: tickets whose
// generated_timestamp is at or after start_time, in the order they changed, per_page (max 1000)
// at a time, with users, organizations and metric sets sideloaded on include=. Reference:
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/
// ("Incremental Ticket Export, Cursor Based": start_time, cursor, per_page, include,
// exclude_deleted; the answer's after_url, after_cursor, before_url, before_cursor,
// end_of_stream; generated_timestamp is what start_time compares with, not updated_at).
func (s *Server) incrementalTickets(w http.ResponseWriter, r *http.Request, q url.Values) {
	now := s.now()
	var cur exportCursor
	switch {
	case q.Get("cursor") != "":
		c, ok := parseCursor(q.Get("cursor"))
		if !ok {
			badRequest(w, "cursor is invalid")
			return
		}
		cur = c
	case q.Get("start_time") != "":
		st, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
		if err != nil || st < 0 {
			badRequest(w, "start_time is invalid")
			return
		}
		if st > now.Add(-exportHoldBack).Unix() {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "StartTimeTooRecent",
				"description": "Too recent start_time. Use a start_time at least one minute in the past"})
			return
		}
		cur = exportCursor{Start: st}
	default:
		badRequest(w, "start_time or cursor is required")
		return
	}
	perPage := 1000
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			badRequest(w, "per_page is invalid")
			return
		}
		perPage = min(n, 1000)
	}
	excludeDeleted := q.Get("exclude_deleted") == "true"
	var pending []*entry
	for _, e := range s.tickets {
		if e.seq > cur.Seq {
			pending = append(pending, e)
		}
	}
	slices.SortFunc(pending, func(a, b *entry) int { return int(a.seq - b.seq) })
	// The stream stops before the first change of the last minute: it and what follows come
	// with a later request.
	limit := s.seq
	for _, e := range pending {
		if e.generated.After(now.Add(-exportHoldBack)) {
			limit = e.seq - 1
			break
		}
	}
	var match []*entry
	for _, e := range pending {
		if e.seq <= limit && e.generated.Unix() >= cur.Start && !(excludeDeleted && e.status == "deleted") {
			match = append(match, e)
		}
	}
	page := match[:min(perPage, len(match))]
	end := len(page) == len(match)
	next := cur
	switch {
	case end:
		next.Seq = max(cur.Seq, limit)
	default:
		next.Seq = page[len(page)-1].seq
	}
	raws := make([]json.RawMessage, len(page))
	include := strings.Split(q.Get("include"), ",")
	for i, e := range page {
		raws[i] = e.raw
		if slices.Contains(include, "metric_sets") && e.metricSet != nil {
			raws[i] = withField(e.raw, "metric_set", e.metricSet)
		}
	}
	after := next.String()
	out := map[string]any{
		"tickets":       raws,
		"after_url":     requestURL(r, r.URL.Path, url.Values{"cursor": {after}}),
		"after_cursor":  after,
		"before_url":    nil,
		"before_cursor": nil,
		"end_of_stream": end,
	}
	if cur.Seq > 0 {
		before := exportCursor{Seq: cur.Seq, Start: cur.Start}.String()
		out["before_cursor"] = before
		out["before_url"] = requestURL(r, r.URL.Path, url.Values{"cursor": {before}})
	}
	if slices.Contains(include, "users") {
		out["users"] = s.sideloadUsers(page)
	}
	if slices.Contains(include, "organizations") {
		out["organizations"] = s.sideloadOrgs(page)
	}
	writeJSON(w, http.StatusOK, out)
}

// withField returns a JSON object with one more field.
func withField(raw json.RawMessage, name string, v any) json.RawMessage {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		panic(err) // stored by putRaw: valid
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // plain data
	}
	m[name] = b
	out, _ := json.Marshal(m)
	return out
}

func (s *Server) sideloadUsers(page []*entry) []json.RawMessage {
	out := []json.RawMessage{}
	seen := map[int64]bool{}
	for _, e := range page {
		for _, id := range []int64{e.requester, e.submitter} {
			if raw, ok := s.users[id]; ok && !seen[id] {
				seen[id] = true
				out = append(out, raw)
			}
		}
	}
	return out
}

func (s *Server) sideloadOrgs(page []*entry) []json.RawMessage {
	out := []json.RawMessage{}
	seen := map[int64]bool{}
	for _, e := range page {
		if e.org == nil || seen[*e.org] {
			continue
		}
		if i, ok := s.orgIDs[*e.org]; ok {
			seen[*e.org] = true
			out = append(out, s.orgs[i])
		}
	}
	return out
}

// ratings serves satisfaction ratings (good/bad answers) created at or after start_time; with
// page[size] in cursor pagination (meta, links), otherwise all at once in offset style.
func (s *Server) ratings(w http.ResponseWriter, r *http.Request, q url.Values) {
	var start int64
	if v := q.Get("start_time"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			badRequest(w, "start_time is invalid")
			return
		}
		start = n
	}
	var all []satisfactionRating
	for _, e := range s.tickets {
		if e.rating == nil || (e.rating.Score != "good" && e.rating.Score != "bad") || e.status == "deleted" {
			continue
		}
		at := e.rating.At
		if at.IsZero() {
			at = e.updated
		}
		if at.Unix() < start {
			continue
		}
		id := e.rating.ID
		if id == 0 {
			id = e.id
		}
		all = append(all, satisfactionRating{
			URL: requestURL(r, "/api/v2/satisfaction_ratings/"+strconv.FormatInt(id, 10)+".json", nil),
			ID:  id, RequesterID: e.requester, TicketID: e.id, Score: e.rating.Score, Comment: e.rating.Comment,
			CreatedAt: at, UpdatedAt: at,
		})
	}
	slices.SortFunc(all, func(a, b satisfactionRating) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	if all == nil {
		all = []satisfactionRating{}
	}
	page, meta, links, ok := cursorPage(w, r, q, all)
	if !ok {
		return
	}
	if meta == nil {
		writeJSON(w, http.StatusOK, map[string]any{"satisfaction_ratings": page, "next_page": nil, "previous_page": nil, "count": len(page)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"satisfaction_ratings": page, "meta": meta, "links": links})
}

// cursorPage cuts items by page[size] and page[after] (an index cursor). Without page[size] it
// returns everything and a nil meta, for the offset style.
func cursorPage[T any](w http.ResponseWriter, r *http.Request, q url.Values, items []T) ([]T, map[string]any, map[string]any, bool) {
	sz := q.Get("page[size]")
	if sz == "" {
		return items, nil, nil, true
	}
	size, err := strconv.Atoi(sz)
	if err != nil || size < 1 || size > 100 {
		badRequest(w, "page[size] must be 1..100")
		return nil, nil, nil, false
	}
	from := 0
	if a := q.Get("page[after]"); a != "" {
		b, err := base64.RawURLEncoding.DecodeString(a)
		n, err2 := strconv.Atoi(string(b))
		if err != nil || err2 != nil || n < 0 {
			badRequest(w, "page[after] is invalid")
			return nil, nil, nil, false
		}
		from = min(n, len(items))
	}
	to := min(from+size, len(items))
	after := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(to)))
	before := base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(from)))
	hasMore := to < len(items)
	meta := map[string]any{"has_more": hasMore, "after_cursor": after, "before_cursor": before}
	links := map[string]any{"prev": nil, "next": nil}
	if hasMore {
		next := url.Values{}
		for k, v := range q {
			next[k] = v
		}
		next.Set("page[after]", after)
		links["next"] = requestURL(r, r.URL.Path, next)
	}
	return items[from:to], meta, links, true
}

// organizations lists organizations: cursor style with page[size], else offset style like the
// recorded organizations.json.
func (s *Server) organizations(w http.ResponseWriter, r *http.Request, q url.Values) {
	all := slices.Clone(s.orgs)
	if all == nil {
		all = []json.RawMessage{}
	}
	page, meta, links, ok := cursorPage(w, r, q, all)
	if !ok {
		return
	}
	if meta == nil {
		writeJSON(w, http.StatusOK, map[string]any{"organizations": page, "next_page": nil, "previous_page": nil, "count": len(page)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"organizations": page, "meta": meta, "links": links})
}

func (s *Server) organization(w http.ResponseWriter, id string) {
	n, err := strconv.ParseInt(id, 10, 64)
	i, ok := s.orgIDs[n]
	if err != nil || !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]json.RawMessage{"organization": s.orgs[i]})
}

// showMany returns the tickets among ids that exist (deleted ones are gone), at most 100 ids.
func (s *Server) showMany(w http.ResponseWriter, q url.Values) {
	ids := strings.Split(q.Get("ids"), ",")
	if len(ids) > 100 {
		badRequest(w, "too many ids (max 100)")
		return
	}
	out := []json.RawMessage{}
	for _, v := range ids {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			continue
		}
		if e, ok := s.tickets[n]; ok && e.status != "deleted" {
			out = append(out, e.raw)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": out, "next_page": nil, "previous_page": nil, "count": len(out)})
}

// listTickets lists every live ticket by id, offset style (one page), like tickets.json.
func (s *Server) listTickets(w http.ResponseWriter) {
	var es []*entry
	for _, e := range s.tickets {
		if e.status != "deleted" {
			es = append(es, e)
		}
	}
	slices.SortFunc(es, func(a, b *entry) int { return int(a.id - b.id) })
	out := make([]json.RawMessage, len(es))
	for i, e := range es {
		out[i] = e.raw
	}
	writeJSON(w, http.StatusOK, map[string]any{"tickets": out, "next_page": nil, "previous_page": nil, "count": len(out)})
}

func (s *Server) showTicket(w http.ResponseWriter, id string) {
	n, err := strconv.ParseInt(id, 10, 64)
	e, ok := s.tickets[n]
	if err != nil || !ok || e.status == "deleted" {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]json.RawMessage{"ticket": e.raw})
}

// slaPolicies serves sla_policies.json exactly as recorded, or an empty list.
func (s *Server) slaPolicies(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if s.policies == nil {
		_, _ = w.Write([]byte(`{"sla_policies":[],"next_page":null,"previous_page":null,"count":0}`))
		return
	}
	_, _ = w.Write(s.policies)
}

// unixTime cuts a time to whole seconds in UTC, as the API reports times.
func unixTime(t time.Time) time.Time { return t.Truncate(time.Second).UTC() }
