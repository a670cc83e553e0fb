package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// The tests of `custops check --connect` run the check against the Jira and Zendesk fakes over
// HTTP. The few endpoints the fakes do not serve are small handlers in front of them, each
// answering from the fake's own data and as the vendor documents it.

const (
	checkJiraToken    = "jira-token-not-real"
	checkZendeskToken = "zendesk-token-not-real"
	checkEmail        = "ops@example.com"
)

// jsmOrganizations are the JSM organizations of the test site.
var jsmOrganizations = []ticket.Organization{{ID: "1", Name: "Northwind Payments"}, {ID: "2", Name: "Globex Merchant Services"}, {ID: "3", Name: "Blue Harbor Travel"}}

// checkJira serves a jirafake site with three SUP issues, and in front of it:
//   - POST /rest/api/3/search/approximate-count, answering {"count": n} with n the issues the
//     fake's own search finds for the JQL (Jira Cloud platform REST API v3, Issue search:
//     "Count issues using JQL"; it requires a bounded JQL);
//   - GET /rest/servicedeskapi/organization, paged by start and limit with isLastPage (JSM
//     Cloud REST API, Organization: "Get organizations"), with the same auth as the fake.
//
// Any other path outside /rest/ answers 404, as a Jira without that context path does.
func checkJira(t *testing.T, fields []jira.Field, orgs []ticket.Organization, extra ...jirafake.Issue) string {
	t.Helper()
	fake := jirafake.New(jirafake.Options{Flavor: jirafake.Cloud, Email: checkEmail, Token: checkJiraToken, Fields: fields})
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i, org := range []string{"Northwind Payments", "Northwind Payments", "Globex Merchant Services"} {
		tk := &ticket.Ticket{Key: fmt.Sprintf("SUP-%d", i+1), Summary: "Payouts delayed", Priority: ticket.P2,
			State: ticket.StateInProgress, Created: at, Updated: at,
			Attributes: ticket.Attributes{Project: "SUP", Organizations: []ticket.Organization{{Name: org}}}}
		if err := fake.Put(jirafake.IssueFromTicket(tk)); err != nil {
			t.Fatal(err)
		}
	}
	if err := fake.Put(extra...); err != nil {
		t.Fatal(err)
	}
	authorized := func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == checkEmail && p == checkJiraToken
	}
	mux := http.NewServeMux()
	mux.Handle("/rest/", fake)
	mux.HandleFunc("POST /rest/api/3/search/approximate-count", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r) {
			http.Error(w, "Client must be authenticated to access this resource.", http.StatusUnauthorized)
			return
		}
		var body struct {
			JQL string `json:"jql"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n, token := 0, ""
		for {
			q := url.Values{"jql": {body.JQL}, "fields": {"key"}, "maxResults": {"100"}}
			if token != "" {
				q.Set("nextPageToken", token)
			}
			req := httptest.NewRequest(http.MethodGet, "/rest/api/3/search/jql?"+q.Encode(), nil)
			req.Header = r.Header.Clone()
			rec := httptest.NewRecorder()
			fake.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				w.WriteHeader(rec.Code)
				_, _ = w.Write(rec.Body.Bytes())
				return
			}
			var page struct {
				Issues        []json.RawMessage `json:"issues"`
				NextPageToken string            `json:"nextPageToken"`
				IsLast        bool              `json:"isLast"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
				t.Errorf("the fake's search page: %v", err)
				return
			}
			n += len(page.Issues)
			if page.IsLast || page.NextPageToken == "" {
				break
			}
			token = page.NextPageToken
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count":%d}`, n)
	})
	mux.HandleFunc("GET /rest/servicedeskapi/organization", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r) {
			http.Error(w, "Client must be authenticated to access this resource.", http.StatusUnauthorized)
			return
		}
		start, _ := strconv.Atoi(r.URL.Query().Get("start"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		if limit <= 0 || limit > 50 {
			limit = 50
		}
		start = min(start, len(orgs))
		end := min(start+limit, len(orgs))
		values := []map[string]string{}
		for _, o := range orgs[start:end] {
			values = append(values, map[string]string{"id": o.ID, "name": o.Name})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"size": len(values), "start": start, "limit": limit, "isLastPage": end == len(orgs), "values": values})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// checkZendesk serves a zendeskfake account loaded with the recorded fixtures (organizations
// Rebel Alliance and Imperial Senate, three SLA policies, tickets), and in front of it:
//   - GET /api/v2/users/me.json, the signed-in admin, with the plan's X-Rate-Limit: 700
//     header ("Rate limits": X-Rate-Limit: 700 on an Enterprise account);
//   - GET /api/v2/tickets/count.json, {"count": {"value": n, "refreshed_at": ...}} with n the
//     fake's live tickets ("Count tickets").
//
// Both refuse other credentials with the fake's own 401.
func checkZendesk(t *testing.T, orgs ...zendeskfake.Organization) string {
	t.Helper()
	fake := zendeskfake.New(zendeskfake.Options{Email: checkEmail, Token: checkZendeskToken, FixtureDir: "../../collector/source/zendesk/testdata"})
	fake.PutOrganizations(orgs...)
	authorized := func(r *http.Request) bool {
		u, p, ok := r.BasicAuth()
		return ok && u == checkEmail+"/token" && p == checkZendeskToken
	}
	refuse := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"Couldn't authenticate you"}`))
	}
	mux := http.NewServeMux()
	mux.Handle("/", fake)
	mux.HandleFunc("GET /api/v2/users/me.json", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r) {
			refuse(w)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Rate-Limit", "700")
		_, _ = w.Write([]byte(`{"user":{"id":9000,"name":"custops exporter","email":"ops@example.com","role":"admin"}}`))
	})
	mux.HandleFunc("GET /api/v2/tickets/count.json", func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r) {
			refuse(w)
			return
		}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/v2/tickets.json", nil)
		req.Header = r.Header.Clone()
		fake.ServeHTTP(rec, req)
		var list struct {
			Count int `json:"count"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
			t.Errorf("the fake's ticket list: %v", err)
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"count":{"value":%d,"refreshed_at":"2026-11-30T09:00:00Z"}}`, list.Count)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

// checkConfig writes a config for the two desks; customers are extra customer entries.
func checkConfig(t *testing.T, jiraURL, zendeskURL, sla, customers string) string {
	t.Helper()
	dir := t.TempDir()
	for name, token := range map[string]string{"jira-token": checkJiraToken, "zendesk-token": checkZendeskToken} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(token+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := fmt.Sprintf(`sources:
  - name: jsm
    type: jira
    url: %s
    auth: {email: %s, token_file: jira-token}
    jql: project = SUP
    sla: %s
  - name: zendesk
    type: zendesk
    url: %s
    auth: {email: %s, token_file: zendesk-token}
    sla: both
customers:
  - {id: northwind, name: Northwind Payments, tier: gold, match: {organization: [Northwind Payments]}}
  - {id: globex, name: Globex, tier: gold, match: {organization: [Globex Merchant Services]}}
  - {id: rebels, name: Rebel Alliance, tier: gold, match: {zendesk_organization_id: [361898904439]}}
%stiers:
  gold: {}
`, jiraURL, checkEmail, sla, zendeskURL, checkEmail, customers)
	path := filepath.Join(dir, "custops.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// allOrganizations are both desks' organizations as customers: nothing unmatched.
const allOrganizations = `  - {id: harbor, name: Blue Harbor, tier: gold, match: {organization: [Blue Harbor Travel]}}
  - {id: senate, name: Imperial Senate, tier: gold, match: {organization: [imperial senate]}}
`

func runCheckConnect(t *testing.T, path string) (int, string, string) {
	t.Helper()
	code, out, errOut := runArgs("check", "--config.file="+path, "--connect", "--connect.timeout=30s")
	t.Logf("exit %d\n%s\n%s", code, out, errOut)
	return code, out, errOut
}

// connectSection is what check --connect printed after the config's description.
func connectSection(out string) string {
	_, s, _ := strings.Cut(out, "Connecting to ")
	return "Connecting to " + s
}

func TestCheckConnectGood(t *testing.T) {
	path := checkConfig(t, checkJira(t, jirafake.DefaultFields(), jsmOrganizations), checkZendesk(t), "native", allOrganizations)
	code, out, _ := runCheckConnect(t, path)
	if code != exitOK {
		t.Fatalf("exit %d, want %d", code, exitOK)
	}
	got := connectSection(out)
	for _, want := range []string{
		"  flavor               Jira Cloud 1001.0.0-SNAPSHOT (deploymentType Cloud)\n",
		"  signed in as         custops exporter (time zone UTC)\n",
		"  issues               3 match the JQL (project = SUP)\n",
		"  SLA fields           Time to first response (customfield_10030), Time to resolution (customfield_10031)\n",
		"  organizations field  Organizations (customfield_10002)\n",
		"  satisfaction field   Satisfaction (customfield_10034)\n",
		"  organizations        3\n",
		"  signed in as          custops exporter (role admin)\n",
		"  rate limit            700 requests a minute (X-Rate-Limit: Enterprise)\n",
		"  incremental export    allowed\n",
		"  SLA policies          3 [Incidents Incidents Incidents]\n",
		"  satisfaction ratings  readable\n",
		"  organizations         2\n",
		"\nEvery desk answered and matches the config.\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check --connect lacks %q", want)
		}
	}
	if strings.Contains(out, checkJiraToken) || strings.Contains(out, checkZendeskToken) {
		t.Errorf("check --connect prints a token")
	}
}

// TestCheckConnectWrongURLPath: a Data Center context path that is not there is a desk that
// cannot be polled (exit 4), and the message says what the URL must be.
func TestCheckConnectWrongURLPath(t *testing.T) {
	base := checkJira(t, jirafake.DefaultFields(), jsmOrganizations)
	path := checkConfig(t, base+"/jra", checkZendesk(t), "native", allOrganizations)
	code, out, errOut := runCheckConnect(t, path)
	want := "desk jsm cannot be polled: no Jira REST API at " + base + "/jra: GET /rest/api/2/serverInfo answered 404; url must be the site's base URL (Data Center: with its context path, like https://jira.example.com/jira)\n"
	if code != exitUnreachable || errOut != want {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUnreachable, want)
	}
	if !strings.Contains(out, "\nA desk cannot be polled as configured (exit 4).\n") {
		t.Errorf("the summary does not say a desk cannot be polled")
	}
}

// TestCheckConnectBadToken: a token the desk refuses is exit 4, naming the config keys to check
// and never the token.
func TestCheckConnectBadToken(t *testing.T) {
	zd := checkZendesk(t)
	path := checkConfig(t, checkJira(t, jirafake.DefaultFields(), jsmOrganizations), zd, "native", allOrganizations)
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "zendesk-token"), []byte("expired-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCheckConnect(t, path)
	want := `desk zendesk cannot be polled: zendesk source "zendesk": GET ` + zd + `/api/v2/users/me.json: 401 Unauthorized: authentication failed: check auth.email and the API token that auth.token_env or auth.token_file names (no email: an OAuth token)` + "\n"
	if code != exitUnreachable || errOut != want {
		t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUnreachable, want)
	}
	if strings.Contains(out+errOut, "expired-token") {
		t.Errorf("check --connect prints the token")
	}
}

// TestCheckConnectMissingField: a site without JSM SLA fields, read with sla: native, answers
// but needs attention (exit 5).
func TestCheckConnectMissingField(t *testing.T) {
	fields := slices.DeleteFunc(jirafake.DefaultFields(), func(f jira.Field) bool {
		return f.Schema.Custom == "com.atlassian.servicedesk:sd-sla-field"
	})
	path := checkConfig(t, checkJira(t, fields, jsmOrganizations), checkZendesk(t), "native", allOrganizations)
	code, out, _ := runCheckConnect(t, path)
	got := connectSection(out)
	for _, want := range []string{
		"  SLA fields           none\n",
		"  needs attention: no JSM SLA field on the site (schema com.atlassian.servicedesk:sd-sla-field): sla: native reads no clock; use sla: computed, or give the token's user access to the service desk projects\n",
		"\nEvery desk answered; 1 thing(s) need attention (exit 5).\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check --connect lacks %q", want)
		}
	}
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
}

// TestCheckConnectUnmatchedOrganizations: organizations of a desk that no customer matches, and
// a customer whose organization is on no desk, are named (exit 5).
func TestCheckConnectUnmatchedOrganizations(t *testing.T) {
	path := checkConfig(t, checkJira(t, jirafake.DefaultFields(), jsmOrganizations), checkZendesk(t), "native",
		"  - {id: contoso, name: Contoso Pay, tier: gold, match: {organization: [Contoso Pay]}}\n")
	code, out, _ := runCheckConnect(t, path)
	got := connectSection(out)
	for _, want := range []string{
		"\nOrganizations of jsm that match no customer: \"Blue Harbor Travel\" (id 3)\n",
		"\nOrganizations of zendesk that match no customer: \"Imperial Senate\" (id 361898904440)\n",
		"\nCustomers whose match.organization or match.zendesk_organization_id match no organization on any desk: contoso (Contoso Pay)\n",
		"\nEvery desk answered; 3 thing(s) need attention (exit 5).\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("check --connect lacks %q", want)
		}
	}
	if code != exitFindings {
		t.Errorf("exit %d, want %d", code, exitFindings)
	}
}
