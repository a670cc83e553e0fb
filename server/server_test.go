package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/report"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

const testConfig = `
sources:
  - name: jsm
    type: jira
    url: https://example.atlassian.net
    auth: {email: ops@example.com, token_env: CUSTOPS_TEST_UNUSED_TOKEN}
  - name: zendesk
    type: zendesk
    url: https://example.zendesk.com
    auth: {email: ops@example.com, token_env: CUSTOPS_TEST_UNUSED_TOKEN}
customers:
  - id: northwind
    name: Northwind Payments
    tier: gold
    csm: Secret Person
    match: {organization: [Northwind Payments]}
  - id: globex
    name: Globex
    tier: gold
    match: {organization: [Globex]}
tiers:
  gold:
    compliance_target: 0.95
    at_risk: 25%
    sla: {goals: {p1: {first_response: 1h}}}
`

// backend is what the server reads: a view computed from tickets by the real matcher and
// snapshot, and a readiness the test flips.
type backend struct {
	view  *poller.View
	ready bool
}

func (b *backend) Ready() (bool, []string) {
	if b.ready {
		return true, nil
	}
	return false, []string{"jsm"}
}

// tk builds an open p1 ticket of northwind whose first_response clock started `started` ago.
func tk(key string, started time.Duration, mut ...func(*ticket.Ticket)) *ticket.Ticket {
	c := ticket.Cycle{Start: now.Add(-started), Goal: time.Hour, BreachAt: now.Add(-started).Add(time.Hour)}
	t := &ticket.Ticket{
		Source: "jsm", Key: key, Summary: "Payouts <delayed> " + key, URL: "https://example.atlassian.net/browse/" + key,
		Attributes: ticket.Attributes{Organizations: []ticket.Organization{{Name: "Northwind Payments"}}},
		Priority:   ticket.P1, State: ticket.StateInProgress, Status: "In Progress", Channel: ticket.ChannelPortal,
		Created: now.Add(-started),
		Clocks:  []ticket.Clock{{Name: ticket.SLAFirstResponse, Cycles: []ticket.Cycle{c}}},
	}
	for _, m := range mut {
		m(t)
	}
	return t
}

func newTestServer(t *testing.T) (*httptest.Server, *backend) {
	t.Helper()
	cfg, err := config.Parse([]byte(testConfig), "test.yml")
	if err != nil {
		t.Fatal(err)
	}
	v, err := poller.NewView(cfg, []*ticket.Ticket{
		tk("SUP-1", 90*time.Minute), // breached 30m ago
		tk("SUP-2", 50*time.Minute), // 10m left of 60: at risk (25% = 15m)
		tk("SUP-3", 5*time.Minute, func(t *ticket.Ticket) { t.Escalated = true }),             // running
		tk("SUP-4", 5*time.Minute, func(t *ticket.Ticket) { t.State = ticket.StateResolved }), // not open
		tk("OTHER-1", 90*time.Minute, func(t *ticket.Ticket) { t.Attributes.Organizations = nil }),
		tk("ZD-1", 5*time.Minute, func(t *ticket.Ticket) {
			t.Source, t.Attributes.Organizations = "zendesk", []ticket.Organization{{Name: "Globex"}}
		}),
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	// Both sources polled a minute ago, as a running exporter's view says.
	v.Wall = now
	for i := range v.Sources {
		v.Sources[i] = poller.SourceHealth{Name: v.Sources[i].Name, Up: true, Synced: true,
			LastSuccess: now.Add(-time.Minute), PollDuration: time.Second, PollInterval: time.Minute}
	}
	b := &backend{view: v, ready: true}
	h, err := New(Options{
		View:    func() *poller.View { return b.view },
		Ready:   b.Ready,
		Metrics: promhttp.HandlerFor(prometheus.NewRegistry(), promhttp.HandlerOpts{}),
		Logger:  slog.New(slog.DiscardHandler),
		Version: "test",
		Report:  report.Handler(func() *poller.View { return b.view }),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, b
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTicketFilters(t *testing.T) {
	srv, _ := newTestServer(t)
	cases := []struct {
		name  string
		query string
		want  []string
	}{
		{"open by default, breached then at risk first", "", []string{"SUP-1", "SUP-2", "SUP-3"}},
		{"breached", "?breached=true", []string{"SUP-1"}},
		{"at risk", "?at_risk=true", []string{"SUP-2"}},
		{"escalated", "?escalated=true", []string{"SUP-3"}},
		{"all states", "?state=all", []string{"SUP-1", "SUP-2", "SUP-3", "SUP-4"}},
		{"one state", "?state=resolved", []string{"SUP-4"}},
		{"priority without match", "?priority=p2", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, srv.URL+"/api/v1/customers/northwind/tickets"+c.query)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			var list TicketList
			if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range list.Tickets {
				got = append(got, v.Key)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestTicketClockStatus(t *testing.T) {
	srv, _ := newTestServer(t)
	_, body := get(t, srv.URL+"/api/v1/customers/northwind/tickets")
	var list TicketList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"SUP-1": "breached", "SUP-2": "at_risk", "SUP-3": "running"}
	for _, v := range list.Tickets {
		if got := v.Clocks[0].Status; got != want[v.Key] {
			t.Errorf("%s: clock status %q, want %q", v.Key, got, want[v.Key])
		}
	}
	if rem := *list.Tickets[1].Clocks[0].RemainingSeconds; rem != 600 {
		t.Errorf("SUP-2 remaining = %v s, want 600", rem)
	}
}

func TestTicketErrors(t *testing.T) {
	srv, _ := newTestServer(t)
	cases := []struct {
		name, path string
		code       int
		msg        string
	}{
		{"unknown customer", "/api/v1/customers/nobody/tickets", 404, `unknown customer "nobody"`},
		{"bad state", "/api/v1/customers/northwind/tickets?state=sleeping", 400, `state "sleeping"`},
		{"bad priority", "/api/v1/customers/northwind/tickets?priority=urgent", 400, `priority "urgent"`},
		{"bad bool", "/api/v1/customers/northwind/tickets?breached=maybe", 400, `breached "maybe"`},
		{"unknown parameter", "/api/v1/customers/northwind/tickets?customer=globex", 400, `unknown parameter "customer"`},
		{"unknown customer page", "/customers/nobody/tickets", 404, `unknown customer`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, body := get(t, srv.URL+c.path)
			var e apiError
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Status != "error" {
				t.Fatalf("error body is not the JSON error shape: %s", body)
			}
			if code != c.code || !strings.Contains(e.Error, c.msg) {
				t.Errorf("got %d %q, want %d containing %q", code, e.Error, c.code, c.msg)
			}
		})
	}
}

func TestPagesAreCustomerSafe(t *testing.T) {
	srv, _ := newTestServer(t)
	for _, p := range []string{"/customers", "/customers/northwind/tickets", "/api/v1/customers", "/api/v1/customers/northwind/tickets"} {
		code, body := get(t, srv.URL+p)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", p, code)
		}
		if strings.Contains(body, "Secret Person") {
			t.Errorf("%s shows the internal CSM", p)
		}
		if strings.Contains(body, "OTHER-1") {
			t.Errorf("%s shows an unmapped ticket", p)
		}
	}
	_, page := get(t, srv.URL+"/customers/northwind/tickets")
	if !strings.Contains(page, "Payouts &lt;delayed&gt; SUP-1") {
		t.Errorf("ticket summary not escaped or missing")
	}
	if !strings.Contains(page, "(30m over)") || !strings.Contains(page, "(10m left)") {
		t.Errorf("clock times not shown as over/left:\n%s", page)
	}
}

func TestHealthAndReady(t *testing.T) {
	srv, b := newTestServer(t)
	if code, _ := get(t, srv.URL+"/-/healthy"); code != 200 {
		t.Errorf("healthy: %d", code)
	}
	if code, _ := get(t, srv.URL+"/-/ready"); code != 200 {
		t.Errorf("ready: %d", code)
	}
	b.ready = false
	code, body := get(t, srv.URL+"/-/ready")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "jsm") {
		t.Errorf("not ready: got %d %q, want 503 naming jsm", code, body)
	}
	if code, body := get(t, srv.URL+"/"); code != 200 || !strings.Contains(body, "custops") {
		t.Errorf("landing page: %d", code)
	}
}

// TestStateChangingEndpointsRefuseCrossSite: reload and the extra POST routes (the demo's
// switches) answer a person's curl (PUT, or POST with JSON) and a same-origin page, and refuse
// what another site can make a browser send: a cross-origin request by Sec-Fetch-Site or
// Origin, and a simple form POST.
func TestStateChangingEndpointsRefuseCrossSite(t *testing.T) {
	var reloads, switches int
	h, err := New(Options{
		View:    func() *poller.View { return nil },
		Ready:   func() (bool, []string) { return true, nil },
		Reload:  func() error { reloads++; return nil },
		Metrics: promhttp.HandlerFor(prometheus.NewRegistry(), promhttp.HandlerOpts{}),
		Logger:  slog.New(slog.DiscardHandler),
		Extra: map[string]http.Handler{"POST /-/demo/sources/{name}/{state}": http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			switches++
		})},
	})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, contentType, secFetchSite, origin string
		want                                            int
	}{
		{"curl PUT", http.MethodPut, "", "", "", http.StatusOK},
		{"script POST with JSON", http.MethodPost, "application/json; charset=utf-8", "", "", http.StatusOK},
		{"same-origin page", http.MethodPut, "", "same-origin", "http://exporter.example:10042", http.StatusOK},
		{"plain POST", http.MethodPost, "", "", "", http.StatusUnsupportedMediaType},
		{"form POST without browser headers", http.MethodPost, "application/x-www-form-urlencoded", "", "", http.StatusUnsupportedMediaType},
		{"cross-site form", http.MethodPost, "application/x-www-form-urlencoded", "cross-site", "https://evil.example", http.StatusForbidden},
		{"cross-site fetch with JSON", http.MethodPost, "application/json", "cross-site", "https://evil.example", http.StatusForbidden},
		{"another port of the same host", http.MethodPut, "", "same-site", "http://exporter.example:8080", http.StatusForbidden},
		{"foreign Origin without Sec-Fetch-Site", http.MethodPut, "", "", "https://evil.example", http.StatusForbidden},
	}
	for _, path := range []string{"/-/reload", "/-/demo/sources/jsm/down"} {
		for _, c := range cases {
			t.Run(path+" "+c.name, func(t *testing.T) {
				before := reloads + switches
				req := httptest.NewRequest(c.method, "http://exporter.example:10042"+path, strings.NewReader("{}"))
				for k, v := range map[string]string{"Content-Type": c.contentType, "Sec-Fetch-Site": c.secFetchSite, "Origin": c.origin} {
					if v != "" {
						req.Header.Set(k, v)
					}
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != c.want {
					t.Errorf("status %d, want %d: %s", rec.Code, c.want, rec.Body)
				}
				if changed := reloads+switches > before; changed != (c.want == http.StatusOK) {
					t.Errorf("state changed = %v with status %d", changed, rec.Code)
				}
			})
		}
	}
}

func TestReloadNeedsLifecycle(t *testing.T) {
	srv, _ := newTestServer(t) // built without Reload, as without --web.enable-lifecycle
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/-/reload", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("reload without --web.enable-lifecycle: status %d, want it refused", resp.StatusCode)
	}
}

// TestTicketViewWorkingTimeLeft: the pages judge a clock by sla.StatusAt on the calendar it counts
// on. A JSM clock read on Friday with 6h of office time left, which runs out on Monday 10:00, has
// 1h left on Saturday (at risk at 25% of its 16h goal) on the office calendar, 46h on 24x7.
func TestTicketViewWorkingTimeLeft(t *testing.T) {
	sat := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	breach := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	tkt := &ticket.Ticket{Source: "jsm", Key: "SUP-9", State: ticket.StateInProgress, Priority: ticket.P2,
		Clocks: []ticket.Clock{{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{{
			Start: time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC), Goal: 16 * time.Hour, Elapsed: 10 * time.Hour,
			BreachAt: breach, ObservedAt: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}}}}}
	cals, err := sla.NewCalendars(&config.Config{
		Sources:   []config.Source{{Name: "jsm", Type: config.TypeJira}},
		Calendars: map[string]config.Calendar{"office": {Timezone: "UTC", Hours: map[string]string{"mon-fri": "09:00-17:00"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		calendar string
		status   string
		left     float64
	}{
		{"office", "at_risk", 3600},
		{config.Calendar24x7, "running", 46 * 3600},
	} {
		policy := config.Policy{AtRisk: config.Threshold{Fraction: 0.25}, SLA: config.SLAPolicy{Calendar: tc.calendar}}
		v := ticketView(tkt, sat, &policy, cals)
		cv := v.Clocks[0]
		if cv.Status != tc.status || cv.RemainingSeconds == nil || *cv.RemainingSeconds != tc.left || v.AtRisk != (tc.status == "at_risk") ||
			v.NextBreach == nil || !v.NextBreach.Equal(breach) {
			t.Errorf("%s: got %+v (remaining %v), ticket at risk %v, next breach %v; want %s with %v s left, next breach %v",
				tc.calendar, cv, cv.RemainingSeconds, v.AtRisk, v.NextBreach, tc.status, tc.left, breach)
		}
	}
}
