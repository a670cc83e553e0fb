package jirafake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// historyServer holds SUP-1 (new -> in_progress -> resolved) and SUP-2 (new -> waiting_customer),
// their changes interleaved in time, and SUP-3 never changed.
func historyServer(t *testing.T, flavor Flavor) (*Server, *httptest.Server) {
	t.Helper()
	s := New(Options{Flavor: flavor})
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	mk := func(key string, trs ...ticket.Transition) Issue {
		last := trs[len(trs)-1]
		return IssueFromTicket(&ticket.Ticket{Key: key, Attributes: ticket.Attributes{Project: "SUP"}, Priority: ticket.P3,
			State: last.State, Created: at, Updated: last.At, Transitions: trs})
	}
	err := s.Put(
		mk("SUP-1", ticket.Transition{At: at, State: ticket.StateNew}, ticket.Transition{At: at.Add(time.Hour), State: ticket.StateInProgress},
			ticket.Transition{At: at.Add(3 * time.Hour), State: ticket.StateResolved}),
		mk("SUP-2", ticket.Transition{At: at, State: ticket.StateNew}, ticket.Transition{At: at.Add(2 * time.Hour), State: ticket.StateWaitingCustomer}),
		mk("SUP-3", ticket.Transition{At: at, State: ticket.StateNew}),
	)
	if err != nil {
		t.Fatal(err)
	}
	return s, hs
}

func post(t *testing.T, hs *httptest.Server, path, body string) answer {
	t.Helper()
	resp, err := hs.Client().Post(hs.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decoding the answer: %v", err)
	}
	return answer{resp.StatusCode, out}
}

// flat lists a bulk answer's histories as "issueId:toString@HH".
func flat(t *testing.T, a answer) string {
	t.Helper()
	var out []string
	logs, _ := a.body["issueChangeLogs"].([]any)
	for _, l := range logs {
		lm := l.(map[string]any)
		for _, h := range lm["changeHistories"].([]any) {
			hm := h.(map[string]any)
			created, err := time.Parse(TimeLayout, hm["created"].(string))
			if err != nil {
				t.Fatalf("created: %v", err)
			}
			for _, it := range hm["items"].([]any) {
				im := it.(map[string]any)
				if im["fieldId"] != "status" || im["field"] != "status" {
					t.Errorf("item %v: want field and fieldId status", im)
				}
				out = append(out, fmt.Sprintf("%s:%s>%s@%02d", lm["issueId"], im["fromString"], im["toString"], created.Hour()))
			}
		}
	}
	return strings.Join(out, ",")
}

func TestBulkChangelog(t *testing.T) {
	s, hs := historyServer(t, Cloud)
	ids := map[string]string{}
	for _, k := range []string{"SUP-1", "SUP-2", "SUP-3"} {
		ids[k] = s.issues[k].issue.ID
	}
	want := fmt.Sprintf("%[1]s:Open>In Progress@13,%[2]s:Open>Waiting for customer@14,%[1]s:In Progress>Resolved@15", ids["SUP-1"], ids["SUP-2"])

	// Oldest first across issues; SUP-3 has no change; an unknown key is left out.
	a := post(t, hs, BulkChangelogPath, `{"issueIdsOrKeys":["SUP-1","SUP-2","SUP-3","SUP-404"],"fieldIds":["status"],"maxResults":1000}`)
	if a.status != 200 || flat(t, a) != want || a.body["nextPageToken"] != nil {
		t.Errorf("one page: got %d %s next %v, want 200 %s and no token", a.status, flat(t, a), a.body["nextPageToken"], want)
	}

	// Paged two histories at a time, ids accepted as keys are.
	var pages []string
	body := map[string]any{"issueIdsOrKeys": []string{ids["SUP-1"], "SUP-2"}, "fieldIds": []string{"status"}, "maxResults": 2}
	for range 5 {
		b, _ := json.Marshal(body)
		a := post(t, hs, BulkChangelogPath, string(b))
		if a.status != 200 {
			t.Fatalf("page %d: status %d %v", len(pages), a.status, a.body)
		}
		pages = append(pages, flat(t, a))
		tok, ok := a.body["nextPageToken"].(string)
		if !ok {
			break
		}
		body["nextPageToken"] = tok
	}
	if len(pages) != 2 || strings.Count(pages[0], ",") != 1 {
		t.Errorf("pages: got %q, want two pages, the first of two histories", pages)
	}
	if got := strings.Join(pages, ","); got != want {
		t.Errorf("paged: got %s, want %s", got, want)
	}

	// A field filter without status drops every history.
	if a := post(t, hs, BulkChangelogPath, `{"issueIdsOrKeys":["SUP-1"],"fieldIds":["assignee"]}`); a.status != 200 || flat(t, a) != "" {
		t.Errorf("assignee only: got %d %q, want 200 and nothing", a.status, flat(t, a))
	}

	for _, tc := range []struct{ name, body string }{
		{"no issues", `{"issueIdsOrKeys":[]}`},
		{"not json", `{"issueIdsOrKeys":`},
		{"token of another request", `{"issueIdsOrKeys":["SUP-3"],"nextPageToken":"` + encodeToken(1, "x") + `"}`},
		{"too many issues", `{"issueIdsOrKeys":[` + strings.Repeat(`"SUP-1",`, 1000) + `"SUP-2"]}`},
	} {
		if a := post(t, hs, BulkChangelogPath, tc.body); a.status != 400 {
			t.Errorf("%s: got %d, want 400", tc.name, a.status)
		}
	}
	recs := s.Requests()
	if r := recs[0]; r.Endpoint != "changelog" || r.Method != http.MethodPost || !bytes.Contains(r.Body, []byte(`"SUP-404"`)) {
		t.Errorf("recorded: got %s %s %q, want a changelog POST with its body", r.Method, r.Endpoint, r.Body)
	}
}

func TestBulkChangelogCloudOnly(t *testing.T) {
	_, hs := historyServer(t, DataCenter)
	if a := post(t, hs, BulkChangelogPath, `{"issueIdsOrKeys":["SUP-1"]}`); a.status != 404 {
		t.Errorf("Data Center bulk fetch: got %d, want 404", a.status)
	}
	_, hs = historyServer(t, Cloud)
	if a := get(t, hs, BulkChangelogPath, nil); a.status != http.StatusMethodNotAllowed {
		t.Errorf("GET bulk fetch: got %d, want 405", a.status)
	}
}

func TestSearchExpandChangelog(t *testing.T) {
	s, hs := historyServer(t, DataCenter)
	a := get(t, hs, "/rest/api/2/search", url.Values{"jql": {`key in ("SUP-1", "SUP-3")`}, "expand": {"changelog"}, "fields": {"status"}})
	if a.status != 200 || keys(a) != "SUP-1,SUP-3" {
		t.Fatalf("search: got %d %s", a.status, keys(a))
	}
	var got []string
	for _, is := range a.body["issues"].([]any) {
		cl := is.(map[string]any)["changelog"].(map[string]any)
		var items []string
		for _, h := range cl["histories"].([]any) {
			for _, it := range h.(map[string]any)["items"].([]any) {
				im := it.(map[string]any)
				if _, ok := im["fieldId"]; ok {
					t.Errorf("Data Center item with fieldId: %v", im)
				}
				items = append(items, fmt.Sprintf("%s(%s)>%s(%s)", im["fromString"], im["from"], im["toString"], im["to"]))
			}
		}
		got = append(got, fmt.Sprintf("%v:%s", cl["total"], strings.Join(items, ";")))
	}
	if want := "2:Open(1)>In Progress(3);In Progress(3)>Resolved(5) | 0:"; strings.Join(got, " | ") != want {
		t.Errorf("changelogs: got %s, want %s", strings.Join(got, " | "), want)
	}
	// Without expand, no changelog; the request counts as a search.
	a = get(t, hs, "/rest/api/2/search", url.Values{"jql": {`key = "SUP-1"`}, "fields": {"status"}})
	if is := a.body["issues"].([]any)[0].(map[string]any); is["changelog"] != nil {
		t.Errorf("changelog without expand: %v", is["changelog"])
	}
	recs := s.Requests()
	if recs[0].Endpoint != "changelog" || recs[1].Endpoint != "search" {
		t.Errorf("recorded endpoints: got %s, %s, want changelog, search", recs[0].Endpoint, recs[1].Endpoint)
	}
}

func TestStockStatuses(t *testing.T) {
	_, hs := historyServer(t, Cloud)
	resp, err := hs.Client().Get(hs.URL + "/rest/api/2/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list []struct {
		ID             string `json:"id"`
		Name           string `json:"name"`
		StatusCategory struct {
			Key string `json:"key"`
		} `json:"statusCategory"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, st := range list {
		got = append(got, st.ID+" "+st.Name+" "+st.StatusCategory.Key)
	}
	want := "1 Open new,3 In Progress indeterminate,10001 Waiting for customer indeterminate,10002 Waiting for third party indeterminate,5 Resolved done,6 Closed done"
	if strings.Join(got, ",") != want {
		t.Errorf("statuses: got %s, want %s", strings.Join(got, ","), want)
	}
}
