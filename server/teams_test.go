package server

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/ticket"
)

// teamsConfig is testConfig with owners, a Zendesk team field-free team setup (groups) and an
// unmapped organization's tickets for the records.
const teamsConfig = testConfig + `
teams:
  - id: customer
    name: Customer
    when: {states: [waiting_customer]}
  - id: engineering
    name: Engineering
    when: {groups: [Engineering]}
    ola: {targets: {p1: 4h}}
  - id: support
    name: Technical Support
    when: {states: [new, in_progress]}
`

// newTeamsServer serves northwind (owner laura.kim) with SUP-1 waiting on Engineering since 5h
// ago (OLA 4h: breached), SUP-2 since 1h, SUP-3 waiting on the customer, SUP-4 with support;
// globex has no owner; two tickets of an unmapped organization.
func newTeamsServer(t *testing.T) *httptest.Server {
	t.Helper()
	text := strings.Replace(teamsConfig, "    csm: Secret Person\n", "    csm: Secret Person\n    owner: laura.kim\n", 1)
	cfg, err := config.Parse([]byte(text), "test.yml")
	if err != nil {
		t.Fatal(err)
	}
	eng := func(since time.Duration) func(*ticket.Ticket) {
		return func(t *ticket.Ticket) {
			t.Handling = []ticket.Handling{{At: t.Created, Group: "Tier 1"}, {At: now.Add(-since), Group: "Engineering"}}
		}
	}
	v, err := poller.NewView(cfg, []*ticket.Ticket{
		tk("SUP-2", 3*time.Hour, eng(time.Hour)),
		tk("SUP-1", 6*time.Hour, eng(5*time.Hour)),
		tk("SUP-3", 2*time.Hour, func(t *ticket.Ticket) { t.State = ticket.StateWaitingCustomer }),
		tk("SUP-4", time.Hour),
		tk("ZD-1", time.Hour, func(t *ticket.Ticket) {
			t.Source, t.Attributes.Organizations = "zendesk", []ticket.Organization{{ID: "7", Name: "Initech"}}
		}),
		tk("ZD-2", time.Hour, func(t *ticket.Ticket) {
			t.Source, t.Attributes.Organizations, t.State = "zendesk", []ticket.Organization{{ID: "7", Name: "Initech"}}, ticket.StateResolved
		}),
	}, now)
	if err != nil {
		t.Fatal(err)
	}
	h, err := New(Options{View: func() *poller.View { return v }, Ready: func() (bool, []string) { return true, nil },
		Metrics: promhttp.HandlerFor(prometheus.NewRegistry(), promhttp.HandlerOpts{}), Logger: slog.New(slog.DiscardHandler), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// TestWaitingOnList: the API's list of northwind's tickets waiting on Engineering, oldest wait
// first, each with its wait and its OLA clock by sla.StatusAt; the team counts beside it.
func TestWaitingOnList(t *testing.T) {
	srv := newTeamsServer(t)
	code, body := get(t, srv.URL+"/api/v1/customers/northwind/tickets?waiting_on=engineering")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	var list TicketList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, tv := range list.Tickets {
		keys = append(keys, tv.Key)
	}
	if strings.Join(keys, ",") != "SUP-1,SUP-2" {
		t.Fatalf("waiting on engineering: %v, want SUP-1 (5h) then SUP-2 (1h)", keys)
	}
	first := list.Tickets[0]
	if first.WaitingOnName != "Engineering" || first.WaitedSeconds != 5*3600 || first.OLA == nil || first.OLA.Status != "breached" || *first.OLA.RemainingSeconds != -3600 {
		t.Errorf("SUP-1: %+v ola %+v", first, first.OLA)
	}
	if second := list.Tickets[1]; second.OLA == nil || second.OLA.Status != "running" || *second.OLA.RemainingSeconds != 3*3600 {
		t.Errorf("SUP-2 OLA: %+v", second.OLA)
	}
	counts := map[string]int{}
	for _, tv := range list.Teams {
		counts[tv.ID] = tv.Open
	}
	if counts["engineering"] != 2 || counts["customer"] != 1 || counts["support"] != 1 {
		t.Errorf("teams: %+v", list.Teams)
	}
	if code, body := get(t, srv.URL+"/api/v1/customers/northwind/tickets?waiting_on=product"); code != 400 || !strings.Contains(body, "known: customer, engineering, support") {
		t.Errorf("an unknown team: %d %s", code, body)
	}
	code, page := get(t, srv.URL+"/customers/northwind/tickets?waiting_on=engineering")
	if code != 200 || !strings.Contains(page, "Waiting on Engineering, oldest wait first") || strings.Index(page, "SUP-1") > strings.Index(page, "SUP-2") {
		t.Errorf("the page: %d", code)
	}
}

// TestOwnerFilter: ?owner= keeps that owner's customers, on the API and the page.
func TestOwnerFilter(t *testing.T) {
	srv := newTeamsServer(t)
	_, body := get(t, srv.URL+"/api/v1/customers?owner=laura.kim")
	var list CustomerList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Customers) != 1 || list.Customers[0].ID != "northwind" || list.Owner != "laura.kim" {
		t.Errorf("laura.kim's customers: %+v", list.Customers)
	}
	_, body = get(t, srv.URL+"/api/v1/customers")
	if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Customers) != 2 {
		t.Errorf("every customer: %v %+v", err, list.Customers)
	}
	if code, _ := get(t, srv.URL+"/api/v1/customers?team=x"); code != 400 {
		t.Errorf("an unknown parameter: %d", code)
	}
	if _, page := get(t, srv.URL+"/customers?owner=laura.kim"); !strings.Contains(page, "Customers of laura.kim") || strings.Contains(page, `data-customer="globex"`) {
		t.Errorf("the page lists others")
	}
}

// TestRecordsPage: the unmapped organization and its tickets, the quiet customer (globex has no
// ticket), as JSON and on the page.
func TestRecordsPage(t *testing.T) {
	srv := newTeamsServer(t)
	_, body := get(t, srv.URL+"/api/v1/records")
	var rv RecordsView
	if err := json.Unmarshal([]byte(body), &rv); err != nil {
		t.Fatal(err)
	}
	if len(rv.Records.Unmapped) != 1 || rv.Records.Unmapped[0].Name != "Initech" || rv.Records.Unmapped[0].Tickets != 2 || rv.Records.Unmapped[0].Open != 1 {
		t.Errorf("unmapped: %+v", rv.Records.Unmapped)
	}
	if len(rv.Records.Quiet) != 1 || rv.Records.Quiet[0] != "globex" || rv.Counts["quiet_customer"] != 1 {
		t.Errorf("quiet: %+v %v", rv.Records.Quiet, rv.Counts)
	}
	if code, page := get(t, srv.URL+"/records"); code != 200 || !strings.Contains(page, "Initech") || !strings.Contains(page, `data-customer="globex"`) {
		t.Errorf("records page: %d", code)
	}
}
