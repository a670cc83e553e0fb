package zendeskfake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// showManyMax is the most ids a show_many request takes ("Accepts a comma-separated list of up
// to 100 ... ids", in the references cited below).
const showManyMax = 100

// ids parses a show_many ids parameter: at most 100 numbers, or false.
func ids(w http.ResponseWriter, q url.Values) ([]int64, bool) {
	parts := strings.Split(q.Get("ids"), ",")
	if len(parts) > showManyMax {
		badRequest(w, "too many ids (max 100)")
		return nil, false
	}
	var out []int64
	for _, v := range parts {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out, true
}

// showManyOrganizations serves GET /api/v2/organizations/show_many?ids=: the organizations among
// ids that exist. Reference: "Show Many Organizations" in
// https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/
func (s *Server) showManyOrganizations(w http.ResponseWriter, q url.Values) {
	want, ok := ids(w, q)
	if !ok {
		return
	}
	out := []json.RawMessage{}
	for _, id := range want {
		if i, ok := s.orgIDs[id]; ok {
			out = append(out, s.orgs[i])
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"organizations": out, "next_page": nil, "previous_page": nil, "count": len(out)})
}

// showManyUsers serves GET /api/v2/users/show_many?ids=: the users among ids that exist.
// Reference: "Show Many Users" in https://developer.zendesk.com/api-reference/ticketing/users/users/
func (s *Server) showManyUsers(w http.ResponseWriter, q url.Values) {
	want, ok := ids(w, q)
	if !ok {
		return
	}
	out := []json.RawMessage{}
	for _, id := range want {
		if raw, ok := s.users[id]; ok {
			out = append(out, raw)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out, "next_page": nil, "previous_page": nil, "count": len(out)})
}

// CustomStatus is a custom ticket status. Reference:
// https://developer.zendesk.com/api-reference/ticketing/tickets/custom_ticket_statuses/ (JSON
// format: status_category is one of new, open, pending, hold, solved; agent_label is the name
// agents see). A ticket with a custom status carries custom_status_id, and its status field holds
// the category.
type CustomStatus struct {
	ID             int64     `json:"id"`
	StatusCategory string    `json:"status_category"`
	AgentLabel     string    `json:"agent_label"`
	EndUserLabel   string    `json:"end_user_label"`
	Description    string    `json:"description"`
	Active         bool      `json:"active"`
	Default        bool      `json:"default"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// SetCustomStatuses replaces the account's custom ticket statuses.
func (s *Server) SetCustomStatuses(cs ...CustomStatus) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.customStatuses = slices.Clone(cs)
}

// listCustomStatuses serves GET /api/v2/custom_statuses (one list, no pagination, per the
// reference above).
func (s *Server) listCustomStatuses(w http.ResponseWriter) {
	out := s.customStatuses
	if out == nil {
		out = []CustomStatus{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"custom_statuses": out})
}

// searchExport serves GET /api/v2/search/export: the tickets matching a query, cursor-paginated
// (page[size] up to 1000, meta.has_more, meta.after_cursor, links.next), results in the Tickets
// API's JSON with "result_type": "ticket". Reference: "Export Search Results" in
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/search/ (filter[type]
// is required). The fake understands the query words custops sends, "type:ticket",
// "status<solved" and "updated<YYYY-MM-DD", and refuses others, so a source that asks for more
// than it is tested for finds out.
func (s *Server) searchExport(w http.ResponseWriter, r *http.Request, q url.Values) {
	if q.Get("filter[type]") != "ticket" {
		badRequest(w, "filter[type] is required")
		return
	}
	match, ok := parseSearch(q.Get("query"))
	if !ok {
		badRequest(w, "query not understood by the fake: "+q.Get("query"))
		return
	}
	var all []*entry
	for _, e := range s.tickets {
		if e.status != "deleted" && match(e) {
			all = append(all, e)
		}
	}
	slices.SortFunc(all, func(a, b *entry) int { return int(a.id - b.id) })
	size := 1000
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			badRequest(w, "page[size] must be between 1 and 1000")
			return
		}
		size = n
	}
	from := 0
	if a := q.Get("page[after]"); a != "" {
		c, ok := parseCursor(a)
		if !ok {
			badRequest(w, "page[after] is invalid")
			return
		}
		from, _ = slices.BinarySearchFunc(all, c.Seq, func(e *entry, id int64) int { return int(e.id - id) })
		if from < len(all) && all[from].id == c.Seq {
			from++
		}
	}
	page := all[from:min(from+size, len(all))]
	results := make([]json.RawMessage, len(page))
	for i, e := range page {
		results[i] = withField(e.raw, "result_type", "ticket")
	}
	hasMore := from+len(page) < len(all)
	meta := map[string]any{"has_more": hasMore, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if len(page) > 0 {
		after := exportCursor{Seq: page[len(page)-1].id}.String()
		meta["after_cursor"] = after
		if hasMore {
			links["next"] = requestURL(r, r.URL.Path, url.Values{"query": {q.Get("query")}, "filter[type]": {"ticket"},
				"page[size]": {strconv.Itoa(size)}, "page[after]": {after}})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results, "facets": nil, "meta": meta, "links": links})
}

var updatedBefore = regexp.MustCompile(`^updated<(\d{4}-\d{2}-\d{2})$`)

// parseSearch turns the query words the fake knows into a filter. Zendesk's status<solved means
// new, open, pending and hold (https://support.zendesk.com/hc/en-us/articles/4408886879258,
// "Searching tickets": status less than solved).
func parseSearch(query string) (func(*entry) bool, bool) {
	var conds []func(*entry) bool
	for _, word := range strings.Fields(query) {
		switch m := updatedBefore.FindStringSubmatch(word); {
		case word == "type:ticket":
		case word == "status<solved":
			conds = append(conds, func(e *entry) bool { return slices.Contains([]string{"new", "open", "pending", "hold"}, e.status) })
		case m != nil:
			day, err := time.Parse(time.DateOnly, m[1])
			if err != nil {
				return nil, false
			}
			conds = append(conds, func(e *entry) bool { return e.updated.Before(day) })
		default:
			return nil, false
		}
	}
	return func(e *entry) bool {
		for _, c := range conds {
			if !c(e) {
				return false
			}
		}
		return true
	}, true
}
