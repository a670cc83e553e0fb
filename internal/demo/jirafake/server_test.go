package jirafake

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

func newTestServer(t *testing.T, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	s := New(opts)
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	var issues []Issue
	for i, p := range []string{"SUP", "SUP", "OPS", "SUP"} {
		tk := &ticket.Ticket{Key: p + "-" + string(rune('1'+i)), Attributes: ticket.Attributes{Project: p, Labels: []string{"l" + string(rune('a'+i))}},
			Priority: ticket.P2, State: ticket.StateInProgress, Created: at, Updated: at.Add(time.Duration(i) * time.Hour)}
		issues = append(issues, IssueFromTicket(tk))
	}
	if err := s.Put(issues...); err != nil {
		t.Fatal(err)
	}
	return s, hs
}

type answer struct {
	status int
	body   map[string]any
}

func get(t *testing.T, hs *httptest.Server, path string, q url.Values) answer {
	t.Helper()
	resp, err := hs.Client().Get(hs.URL + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatalf("decoding the answer: %v", err)
	}
	return answer{resp.StatusCode, body}
}

func keys(a answer) string {
	var out []string
	issues, _ := a.body["issues"].([]any)
	for _, is := range issues {
		out = append(out, is.(map[string]any)["key"].(string))
	}
	return strings.Join(out, ",")
}

func TestJQL(t *testing.T) {
	_, hs := newTestServer(t, Options{TimeZone: "Europe/Vilnius"})
	for _, tc := range []struct {
		jql        string
		wantStatus int
		want       string // keys, or a fragment of the error message
	}{
		{`project = SUP ORDER BY updated ASC`, 200, "SUP-1,SUP-2,SUP-4"},
		{`project in (SUP, OPS) ORDER BY updated DESC`, 200, "SUP-4,OPS-3,SUP-2,SUP-1"},
		{`(project = SUP) AND updated >= "2026-03-10 16:00" ORDER BY updated ASC`, 200, "SUP-4"}, // 16:00 in Vilnius is 14:00 UTC
		{`(project = SUP) AND key in ("SUP-1", SUP-4)`, 200, "SUP-1,SUP-4"},
		{`labels = la OR labels in (ld)`, 200, "SUP-1,SUP-4"},
		{`project = SUP AND NOT labels = lb ORDER BY key ASC`, 200, "SUP-1,SUP-4"},
		{`statusCategory = "In Progress" AND project != SUP`, 200, "OPS-3"},
		{`key in (SUP-1, SUP-99)`, 400, "An issue with key 'SUP-99' does not exist for field 'key'."},
		{`ORDER BY updated ASC`, 400, "Unbounded JQL queries are not allowed here"},
		{`assignee = bob`, 400, "Field 'assignee' does not exist"},
		{`project = currentProject()`, 400, "JQL functions are not supported"},
		{`updated >= -1d`, 400, "Date value '-1d' for field 'updated' is invalid"},
		{`project = SUP ORDER BY rank`, 400, "Not able to sort using field 'rank'"},
		{`project = "SUP`, 400, "has not been completed"},
		{`project ~ SUP`, 400, "not supported"},
		{`project = SUP AND`, 400, "Expecting a field name"},
	} {
		t.Run(tc.jql, func(t *testing.T) {
			a := get(t, hs, "/rest/api/3/search/jql", url.Values{"jql": {tc.jql}, "fields": {"key"}})
			if a.status != tc.wantStatus {
				t.Fatalf("status: got %d, want %d (%v)", a.status, tc.wantStatus, a.body)
			}
			if tc.wantStatus == 200 {
				if got := keys(a); got != tc.want {
					t.Errorf("keys: got %s, want %s", got, tc.want)
				}
				return
			}
			msgs, _ := a.body["errorMessages"].([]any)
			if len(msgs) != 1 || !strings.Contains(msgs[0].(string), tc.want) {
				t.Errorf("errorMessages: got %v, want one containing %q", a.body["errorMessages"], tc.want)
			}
			if _, ok := a.body["errors"].(map[string]any); !ok {
				t.Errorf("error shape lacks errors: %v", a.body)
			}
		})
	}
}

func TestCloudSearchShape(t *testing.T) {
	_, hs := newTestServer(t, Options{PageSize: 2})
	q := url.Values{"jql": {"project = SUP ORDER BY updated ASC"}}
	a := get(t, hs, "/rest/api/3/search/jql", q)
	issues := a.body["issues"].([]any)
	if len(issues) != 2 || len(issues[0].(map[string]any)) != 1 {
		t.Errorf("without fields: got %v, want ids only", issues)
	}
	tok, _ := a.body["nextPageToken"].(string)
	if tok == "" || a.body["isLast"] != false {
		t.Fatalf("first page: nextPageToken %q isLast %v", tok, a.body["isLast"])
	}
	q.Set("nextPageToken", tok)
	q.Set("fields", "summary,updated")
	q.Set("properties", "request.channel.type")
	a = get(t, hs, "/rest/api/3/search/jql", q)
	if _, has := a.body["nextPageToken"]; has || a.body["isLast"] != true || keys(a) != "SUP-4" {
		t.Errorf("last page: got %v", a.body)
	}
	is := a.body["issues"].([]any)[0].(map[string]any)
	if f := is["fields"].(map[string]any); len(f) != 2 || f["summary"] == nil {
		t.Errorf("fields: got %v, want summary and updated", f)
	}
	if _, ok := is["properties"].(map[string]any); !ok {
		t.Errorf("properties missing: %v", is)
	}
	q.Set("jql", "project = OPS")
	if a := get(t, hs, "/rest/api/3/search/jql", q); a.status != 400 {
		t.Errorf("token replayed with another query: got %d, want 400", a.status)
	}
	if a := get(t, hs, "/rest/api/2/search", url.Values{"jql": {"project = SUP"}}); a.status != http.StatusGone {
		t.Errorf("Cloud /rest/api/2/search: got %d, want 410", a.status)
	}
}

func TestDataCenterSearchShape(t *testing.T) {
	_, hs := newTestServer(t, Options{Flavor: DataCenter, PageSize: 2})
	a := get(t, hs, "/rest/api/2/search", url.Values{"jql": {"project = SUP ORDER BY updated ASC"}, "startAt": {"2"}})
	if a.body["total"] != 3.0 || a.body["startAt"] != 2.0 || a.body["maxResults"] != 2.0 || keys(a) != "SUP-4" {
		t.Errorf("page: got %v", a.body)
	}
	is := a.body["issues"].([]any)[0].(map[string]any)
	if f := is["fields"].(map[string]any); f["priority"] == nil || f["status"] == nil {
		t.Errorf("without fields DC returns navigable fields: got %v", f)
	}
	a = get(t, hs, "/rest/api/2/search", url.Values{"jql": {"key in (SUP-1, SUP-99)"}, "validateQuery": {"warn"}})
	if a.status != 200 || keys(a) != "SUP-1" || a.body["warningMessages"] == nil {
		t.Errorf("validateQuery=warn: got %d %v", a.status, a.body)
	}
	if a := get(t, hs, "/rest/api/3/search/jql", url.Values{"jql": {"project = SUP"}}); a.status != 404 {
		t.Errorf("DC search/jql: got %d, want 404", a.status)
	}
}

func TestFaultsAndRecording(t *testing.T) {
	s, hs := newTestServer(t, Options{Flavor: DataCenter, Token: "pat"})
	s.FailNext(2, Fault{Endpoint: "search", Status: 429, RetryAfter: "3"})
	s.FailNext(1, Fault{Status: 503})
	req := func(path string) *http.Response {
		r, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		r.Header.Set("Authorization", "Bearer pat")
		resp, err := hs.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	var got []string
	for _, p := range []string{"/rest/api/2/myself", "/rest/api/2/search?jql=project%3DSUP", "/rest/api/2/search?jql=project%3DSUP", "/rest/api/2/field"} {
		resp := req(p)
		got = append(got, resp.Status[:3]+resp.Header.Get("Retry-After"))
	}
	if want := "503,4293,4293,200"; strings.Join(got, ",") != want {
		t.Errorf("answers: got %s, want %s", strings.Join(got, ","), want)
	}
	resp, _ := hs.Client().Get(hs.URL + "/rest/api/2/field")
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("without the token: got %d, want 401", resp.StatusCode)
	}
	recs := s.Requests()
	if len(recs) != 5 || recs[1].Endpoint != "search" || recs[1].JQL() != "project=SUP" || recs[4].Status != 401 {
		t.Errorf("recorded: %+v", recs)
	}
}

func TestPutRejects(t *testing.T) {
	s := New(Options{})
	for name, is := range map[string]Issue{
		"no key":     {Fields: map[string]json.RawMessage{"updated": json.RawMessage(`"2026-03-10T12:00:00.000+0000"`)}},
		"no updated": {Key: "SUP-1", Fields: map[string]json.RawMessage{}},
		"bad json":   {Key: "SUP-1", Fields: map[string]json.RawMessage{"updated": json.RawMessage(`"2026-03-10T12:00:00.000+0000"`), "x": json.RawMessage(`{`)}},
	} {
		if err := s.Put(is); err == nil {
			t.Errorf("%s: Put accepted it", name)
		}
	}
}
