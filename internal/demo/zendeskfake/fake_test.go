package zendeskfake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

const fixtures = "../../../collector/source/zendesk/testdata" // recorded by nukosuke/go-zendesk, MIT (LICENSE there)

func get(t *testing.T, srv *httptest.Server, path string, auth string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func compact(t *testing.T, b []byte) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return buf.String()
}

func TestServesRecordedFixturesAsTheyAre(t *testing.T) {
	srv := httptest.NewServer(New(Options{FixtureDir: fixtures}))
	defer srv.Close()
	file := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(fixtures, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	cases := []struct {
		name, path, fixture string
		key                 string // compare only this field (the recording lacks the pagination fields)
	}{
		{"ticket list", "/api/v2/tickets.json", "tickets.json", ""},
		{"organization list", "/api/v2/organizations.json", "organizations.json", "organizations"},
		{"sla policies", "/api/v2/slas/policies.json", "sla_policies.json", ""},
		{"show many", "/api/v2/tickets/show_many.json?ids=2,3", "ticket_show_many.json", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, srv, tc.path, "")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status: got %d, want 200", resp.StatusCode)
			}
			// Same content, field for field; only the whitespace of the recording may differ.
			if got, want := semantic(t, body, tc.key), semantic(t, file(tc.fixture), tc.key); got != want {
				t.Errorf("body:\n got %s\nwant %s", got, want)
			}
		})
	}
	_, body := get(t, srv, "/api/v2/slas/policies.json", "")
	if !bytes.Equal(body, file("sla_policies.json")) {
		t.Error("sla_policies.json: got a different byte stream, want the recording verbatim")
	}
}

// semantic renders JSON (or its field key) with sorted keys, so documents compare by content.
func semantic(t *testing.T, b []byte, key string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if key != "" {
		v = v.(map[string]any)[key]
	}
	out, _ := json.Marshal(v)
	return string(out)
}

func TestIncrementalExport(t *testing.T) {
	now := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	f := New(Options{Now: func() time.Time { return now }})
	srv := httptest.NewServer(f)
	defer srv.Close()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	org := int64(77)
	f.PutOrganizations(Organization{ID: org, Name: "Northwind"})
	f.PutUsers(User{ID: 5, Email: "a@northwind.example", Role: "end-user"})
	for i := range 5 {
		f.Put(Ticket{ID: int64(i + 1), Status: "open", UpdatedAt: base.Add(time.Duration(i) * time.Hour), RequesterID: 5, SubmitterID: 5, OrganizationID: &org})
	}
	type page struct {
		Tickets       []Ticket       `json:"tickets"`
		AfterCursor   *string        `json:"after_cursor"`
		AfterURL      *string        `json:"after_url"`
		EndOfStream   bool           `json:"end_of_stream"`
		Users         []User         `json:"users"`
		Organizations []Organization `json:"organizations"`
	}
	read := func(q string) page {
		t.Helper()
		resp, body := get(t, srv, "/api/v2/incremental/tickets/cursor.json?"+q, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %s", q, resp.StatusCode, body)
		}
		var p page
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(body, &keys)
		for _, k := range []string{"tickets", "after_url", "after_cursor", "before_url", "before_cursor", "end_of_stream"} {
			if _, ok := keys[k]; !ok {
				t.Errorf("%s: field %q missing", q, k)
			}
		}
		return p
	}
	start := strconv.FormatInt(base.Add(time.Hour).Unix(), 10)
	p1 := read("start_time=" + start + "&per_page=2&include=users,organizations")
	if len(p1.Tickets) != 2 || p1.Tickets[0].ID != 2 || p1.EndOfStream || p1.AfterCursor == nil {
		t.Fatalf("first page: got %d tickets (first %d), end %v; want tickets 2,3 and more to come", len(p1.Tickets), p1.Tickets[0].ID, p1.EndOfStream)
	}
	if len(p1.Users) != 1 || len(p1.Organizations) != 1 || p1.Organizations[0].Name != "Northwind" {
		t.Errorf("sideloads: got users %v organizations %v", p1.Users, p1.Organizations)
	}
	p2 := read("cursor=" + *p1.AfterCursor + "&per_page=2")
	if len(p2.Tickets) != 2 || p2.Tickets[0].ID != 4 || !p2.EndOfStream || p2.Users != nil {
		t.Fatalf("second page: got %+v, want tickets 4,5, end of stream, no sideloads", p2)
	}
	f.Delete(3)
	if p := read("cursor=" + *p2.AfterCursor); len(p.Tickets) != 0 || !p.EndOfStream {
		t.Errorf("right after a delete: got %+v, want nothing yet (the last minute is held back)", p.Tickets)
	}
	now = now.Add(time.Minute)
	p3 := read("cursor=" + *p2.AfterCursor)
	if len(p3.Tickets) != 1 || p3.Tickets[0].ID != 3 || p3.Tickets[0].Status != "deleted" || !p3.EndOfStream {
		t.Errorf("after a delete: got %+v, want ticket 3 with status deleted", p3.Tickets)
	}
	p4 := read("cursor=" + *p3.AfterCursor)
	if len(p4.Tickets) != 0 || !p4.EndOfStream || *p4.AfterCursor != *p3.AfterCursor {
		t.Errorf("nothing new: got %+v, want an empty last page with the same cursor", p4)
	}
	if resp, _ := get(t, srv, "/api/v2/incremental/tickets/cursor.json", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("no start_time nor cursor: got %d, want 400", resp.StatusCode)
	}
}

func TestFailuresAndAuth(t *testing.T) {
	f := New(Options{Email: "ops@example.com", Token: "tkn"})
	srv := httptest.NewServer(f)
	defer srv.Close()
	good := "Basic " + base64.StdEncoding.EncodeToString([]byte("ops@example.com/token:tkn"))
	path := "/api/v2/incremental/ticket_metric_events.json?start_time=0"

	f.FailNext(Failure{Kind: RateLimited, RetryAfter: 3 * time.Second, Count: 2}, Failure{Kind: ServerError, Status: 502}, Failure{Kind: Malformed}, Failure{Kind: Unauthorized})
	cases := []struct {
		name       string
		auth       string
		wantStatus int
		check      func(*http.Response, []byte) bool
	}{
		{"429 first", good, 429, func(r *http.Response, _ []byte) bool { return r.Header.Get("Retry-After") == "3" }},
		{"429 second", good, 429, func(r *http.Response, _ []byte) bool { return r.Header.Get("Retry-After") == "3" }},
		{"5xx", good, 502, nil},
		{"malformed", good, 200, func(_ *http.Response, b []byte) bool { return !json.Valid(b) }},
		{"401 injected", good, 401, nil},
		{"recovered", good, 200, func(_ *http.Response, b []byte) bool { return json.Valid(b) }},
		{"wrong token", "Basic " + base64.StdEncoding.EncodeToString([]byte("ops@example.com/token:nope")), 401, nil},
		{"no credentials", "", 401, nil},
	}
	for _, tc := range cases {
		resp, body := get(t, srv, path, tc.auth)
		if resp.StatusCode != tc.wantStatus || (tc.check != nil && !tc.check(resp, body)) {
			t.Errorf("%s: got %d %q (Retry-After %q), want %d", tc.name, resp.StatusCode, body, resp.Header.Get("Retry-After"), tc.wantStatus)
		}
	}
	reqs := f.Requests()
	if len(reqs) != len(cases) || !reqs[0].Authorized || reqs[6].Authorized || reqs[0].Query.Get("start_time") != "0" {
		t.Errorf("requests: got %+v", reqs)
	}
}
