package jirafake

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// The fake serves an issue's changelog (Issue.Changelog) two ways, as Jira does:
//   - Cloud: POST /rest/api/3/changelog/bulkfetch, the change histories of up to 1000 issues
//     filtered by up to 10 field ids, oldest first across issues, paged with nextPageToken:
//     https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-changelog-bulkfetch-post
//   - both flavors: a search with expand=changelog puts each issue's whole changelog in its
//     "changelog" object (startAt, maxResults, total, histories):
//     https://docs.atlassian.com/software/jira/docs/api/REST/latest/#api/2/search-search
//
// Data Center's change items have no fieldId; Cloud's do.

// BulkChangelogPath is Cloud's bulk changelog endpoint.
const BulkChangelogPath = "/rest/api/3/changelog/bulkfetch"

// History is one entry of an issue's changelog: who changed what, when.
type History struct {
	ID      string // assigned in order when empty
	Created time.Time
	Items   []HistoryItem
}

// HistoryItem is one field change. For the status, From and To are status ids and FromString
// and ToString their names.
type HistoryItem struct {
	Field            string // "status"
	FieldType        string // "jira" for system fields
	FieldID          string // "status"; on the wire on Cloud only
	From, FromString string
	To, ToString     string
}

// StatusHistory renders a ticket's state history (Transitions, oldest first, the first entry
// being the state at creation) as status changes, with the status names and ids statusOf gives
// each state. Entries that do not change the state are skipped.
func StatusHistory(trs []ticket.Transition) []History {
	var out []History
	for i := 1; i < len(trs); i++ {
		from, to := trs[i-1].State, trs[i].State
		if from == to {
			continue
		}
		fromName, _ := statusOf(from)
		toName, _ := statusOf(to)
		out = append(out, History{
			ID:      strconv.Itoa(100 + i),
			Created: trs[i].At,
			Items: []HistoryItem{{Field: "status", FieldType: "jira", FieldID: "status",
				From: statusID(from), FromString: fromName, To: statusID(to), ToString: toName}},
		})
	}
	return out
}

// statusID is the id of the stock status statusOf names for a state (the ids of a fresh JSM
// site's statuses).
func statusID(s ticket.State) string {
	switch s {
	case ticket.StateNew:
		return "1"
	case ticket.StateWaitingCustomer:
		return "10001"
	case ticket.StateWaitingPartner:
		return "10002"
	case ticket.StateResolved:
		return "5"
	case ticket.StateClosed:
		return "6"
	}
	return "3"
}

// writeHistory writes one change history as Jira does.
func writeHistory(b *bytes.Buffer, h History, fieldIDs bool, keep func(HistoryItem) bool) {
	b.WriteString(`{"id":`)
	writeString(b, h.ID)
	b.WriteString(`,"author":{"displayName":"Agent","active":true},"created":`)
	writeString(b, h.Created.UTC().Format(TimeLayout))
	b.WriteString(`,"items":[`)
	n := 0
	for _, it := range h.Items {
		if keep != nil && !keep(it) {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		b.WriteString(`{"field":`)
		writeString(b, it.Field)
		b.WriteString(`,"fieldtype":`)
		writeString(b, it.FieldType)
		if fieldIDs && it.FieldID != "" {
			b.WriteString(`,"fieldId":`)
			writeString(b, it.FieldID)
		}
		for _, kv := range [...][2]string{{"from", it.From}, {"fromString", it.FromString}, {"to", it.To}, {"toString", it.ToString}} {
			b.WriteString(`,"` + kv[0] + `":`)
			writeString(b, kv[1])
		}
		b.WriteByte('}')
	}
	b.WriteString(`]}`)
}

// writeChangelog writes an issue's "changelog" object as a search with expand=changelog returns it.
func writeChangelog(b *bytes.Buffer, hist []History, fieldIDs bool) {
	b.WriteString(`,"changelog":{"startAt":0,"maxResults":`)
	b.WriteString(strconv.Itoa(len(hist)))
	b.WriteString(`,"total":`)
	b.WriteString(strconv.Itoa(len(hist)))
	b.WriteString(`,"histories":[`)
	for i, h := range hist {
		if i > 0 {
			b.WriteByte(',')
		}
		writeHistory(b, h, fieldIDs, nil)
	}
	b.WriteString(`]}`)
}

// The bulk fetch's limits, from the reference.
const (
	bulkMaxIssues  = 1000
	bulkMaxFields  = 10
	bulkMaxResults = 1000
)

// bulkChangelog answers POST /rest/api/3/changelog/bulkfetch.
func (s *Server) bulkChangelog(w http.ResponseWriter, body []byte) {
	var req struct {
		IssueIDsOrKeys []string `json:"issueIdsOrKeys"`
		FieldIDs       []string `json:"fieldIds"`
		MaxResults     *int     `json:"maxResults"`
		NextPageToken  string   `json:"nextPageToken"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Invalid request payload. Refer to the REST API documentation and try again.")
		return
	}
	switch {
	case len(req.IssueIDsOrKeys) == 0:
		writeError(w, http.StatusBadRequest, "issueIdsOrKeys must not be empty.")
		return
	case len(req.IssueIDsOrKeys) > bulkMaxIssues:
		writeError(w, http.StatusBadRequest, "The maximum number of issues is 1000.")
		return
	case len(req.FieldIDs) > bulkMaxFields:
		writeError(w, http.StatusBadRequest, "The maximum number of field ids is 10.")
		return
	}
	limit := bulkMaxResults
	if req.MaxResults != nil {
		if *req.MaxResults <= 0 {
			writeError(w, http.StatusBadRequest, "maxResults must be positive.")
			return
		}
		limit = min(*req.MaxResults, bulkMaxResults)
	}
	keep := func(it HistoryItem) bool {
		if len(req.FieldIDs) == 0 {
			return true
		}
		for _, f := range req.FieldIDs {
			if strings.EqualFold(f, it.FieldID) || (it.FieldID == "" && strings.EqualFold(f, it.Field)) {
				return true
			}
		}
		return false
	}

	type entry struct {
		id  int
		sid string
		h   History
	}
	var all []entry
	s.mu.Lock()
	var byID map[string]*stored // built only when an issue is named by its id
	seen := map[*stored]bool{}
	for _, k := range req.IssueIDsOrKeys {
		st, ok := s.issues[k]
		if !ok {
			if byID == nil {
				byID = make(map[string]*stored, len(s.issues))
				for _, st := range s.issues {
					byID[st.issue.ID] = st
				}
			}
			st, ok = byID[k]
		}
		if !ok || seen[st] {
			continue // an issue that does not exist or is not visible has no changelog to give
		}
		seen[st] = true
		id, _ := strconv.Atoi(st.issue.ID)
		for _, h := range st.issue.Changelog {
			for _, it := range h.Items {
				if keep(it) {
					all = append(all, entry{id, st.issue.ID, h})
					break
				}
			}
		}
	}
	s.mu.Unlock()
	sort.SliceStable(all, func(i, j int) bool {
		if !all[i].h.Created.Equal(all[j].h.Created) {
			return all[i].h.Created.Before(all[j].h.Created)
		}
		return all[i].id < all[j].id
	})

	scope := strings.Join(req.IssueIDsOrKeys, ",") + "\x00" + strings.Join(req.FieldIDs, ",")
	start := 0
	if req.NextPageToken != "" {
		var err error
		if start, err = decodeToken(req.NextPageToken, scope); err != nil {
			writeError(w, http.StatusBadRequest, "The provided next page token is invalid or expired.")
			return
		}
	}
	end := min(start+limit, len(all))
	start = min(start, end)

	b := s.bufs.Get().(*bytes.Buffer)
	defer s.bufs.Put(b)
	b.Reset()
	b.WriteString(`{"issueChangeLogs":[`)
	for i := start; i < end; {
		if i > start {
			b.WriteByte(',')
		}
		b.WriteString(`{"issueId":`)
		writeString(b, all[i].sid)
		b.WriteString(`,"changeHistories":[`)
		for j := i; j < end && all[j].sid == all[i].sid; j++ {
			if j > i {
				b.WriteByte(',')
			}
			writeHistory(b, all[j].h, true, keep)
		}
		b.WriteString(`]}`)
		j := i
		for j < end && all[j].sid == all[i].sid {
			j++
		}
		i = j
	}
	b.WriteString(`]`)
	if end < len(all) {
		b.WriteString(`,"nextPageToken":`)
		tb, _ := json.Marshal(encodeToken(end, scope))
		b.Write(tb)
	}
	b.WriteByte('}')
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Write(b.Bytes())
}

// stockStatuses is GET /rest/api/2/status for the statuses statusOf names, in the reference's
// shape (id, name, statusCategory).
func stockStatuses(base string) []map[string]any {
	var out []map[string]any
	for _, st := range ticket.States {
		name, cat := statusOf(st)
		id := statusID(st)
		out = append(out, map[string]any{
			"self": base + "/rest/api/2/status/" + id, "id": id, "name": name, "description": "",
			"statusCategory": map[string]any{"key": cat, "name": categoryName(cat)},
		})
	}
	return out
}
