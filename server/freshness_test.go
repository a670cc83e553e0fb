package server

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// takeDown marks jsm's last poll failed, its last success 12 minutes before the wall instant.
func takeDown(b *backend) {
	for i := range b.view.Sources {
		if b.view.Sources[i].Name == "jsm" {
			b.view.Sources[i].Up = false
			b.view.Sources[i].LastSuccess = now.Add(-12 * time.Minute)
		}
	}
}

const jsmDownNote = "jsm is down: its last successful fetch was at 2026-11-25 11:48 UTC (12m ago). Its numbers below are as of then."

// TestAPIFreshness: the JSON API says per source when its data was last fetched and whether it
// is current, and per customer whether every source serving it is: a customer of the healthy
// desk stays fresh while the other desk is down.
func TestAPIFreshness(t *testing.T) {
	srv, b := newTestServer(t)
	takeDown(b)

	_, body := get(t, srv.URL+"/api/v1/customers")
	var list CustomerList
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatal(err)
	}
	if !list.At.Equal(now) {
		t.Errorf("at = %v, want the view's instant %v", list.At, now)
	}
	want := map[string]struct {
		state string
		up    bool
		age   float64
		note  string
	}{
		"jsm":     {"down", false, 720, jsmDownNote},
		"zendesk": {"fresh", true, 60, ""},
	}
	if len(list.Sources) != 2 {
		t.Fatalf("sources: got %+v, want jsm and zendesk", list.Sources)
	}
	for _, s := range list.Sources {
		w := want[s.Name]
		if s.State != w.state || s.Up != w.up || s.AgeSeconds == nil || *s.AgeSeconds != w.age || s.Note != w.note ||
			!s.Synced || s.StaleAfterSeconds != 180 || s.LastSuccess == nil {
			t.Errorf("source %s: got %+v, want state %s up %v age %vs note %q, synced, stale after 180s", s.Name, s, w.state, w.up, w.age, w.note)
		}
	}
	fresh := map[string]bool{}
	for _, c := range list.Customers {
		fresh[c.ID] = c.DataFresh
	}
	if fresh["northwind"] || !fresh["globex"] {
		t.Errorf("data_fresh: northwind %v (served by jsm, down), globex %v (zendesk only); want false and true", fresh["northwind"], fresh["globex"])
	}

	_, body = get(t, srv.URL+"/api/v1/customers/northwind/tickets")
	var tl TicketList
	if err := json.Unmarshal([]byte(body), &tl); err != nil {
		t.Fatal(err)
	}
	if len(tl.Sources) != 1 || tl.Sources[0].Name != "jsm" || tl.Sources[0].State != "down" || tl.Customer.DataFresh {
		t.Errorf("northwind's ticket list: sources %+v, data_fresh %v; want jsm down only, false", tl.Sources, tl.Customer.DataFresh)
	}
	_, body = get(t, srv.URL+"/api/v1/customers/globex/tickets")
	tl = TicketList{}
	if err := json.Unmarshal([]byte(body), &tl); err != nil {
		t.Fatal(err)
	}
	if len(tl.Sources) != 1 || tl.Sources[0].Name != "zendesk" || !tl.Customer.DataFresh {
		t.Errorf("globex's ticket list: sources %+v, data_fresh %v; want zendesk fresh only, true", tl.Sources, tl.Customer.DataFresh)
	}
}

// TestPagesFreshnessBanner: with a desk down the customer list, a ticket page of its customer
// and the reports list show the banner with the last-fetched time; a customer of the healthy
// desk shows none; with every desk fresh no page shows one, and each says when the data was
// fetched.
func TestPagesFreshnessBanner(t *testing.T) {
	srv, b := newTestServer(t)
	const banner = `<div id="freshness" role="alert">`
	for _, p := range []string{"/customers", "/customers/northwind/tickets", "/customers/globex/tickets", "/reports"} {
		_, page := get(t, srv.URL+p)
		if strings.Contains(page, banner) {
			t.Errorf("%s shows the banner while every source is fresh", p)
		}
		if !strings.Contains(page, "Data fetched: ") || !strings.Contains(page, "2026-11-25 11:59 UTC (1m ago)") {
			t.Errorf("%s does not say when the data was fetched:\n%s", p, page)
		}
	}

	takeDown(b)
	for _, p := range []string{"/customers", "/customers/northwind/tickets", "/reports"} {
		_, page := get(t, srv.URL+p)
		if !strings.Contains(page, banner) || !strings.Contains(page, jsmDownNote) {
			t.Errorf("%s: no banner saying %q:\n%s", p, jsmDownNote, page)
		}
		if !strings.Contains(page, "jsm 2026-11-25 11:48 UTC (12m ago)") {
			t.Errorf("%s does not say when jsm's data was fetched", p)
		}
	}
	_, page := get(t, srv.URL+"/customers")
	row := regexp.MustCompile(`<tr data-customer="northwind">.*\n.*`).FindString(page)
	if !strings.Contains(row, "data not current") {
		t.Errorf("northwind's row does not say its data is not current: %s", row)
	}
	row = regexp.MustCompile(`<tr data-customer="globex">.*\n.*`).FindString(page)
	if strings.Contains(row, "data not current") {
		t.Errorf("globex (zendesk only) is marked stale while only jsm is down: %s", row)
	}
	if _, page := get(t, srv.URL+"/customers/globex/tickets"); strings.Contains(page, banner) {
		t.Errorf("globex's ticket page shows a banner while only jsm, which serves it nothing, is down")
	}
}

// TestPagesUseTheSharedWords: the pages write SLA names, priorities, tiers and clock states as
// people say them, never as label values.
func TestPagesUseTheSharedWords(t *testing.T) {
	srv, _ := newTestServer(t)
	_, page := get(t, srv.URL+"/customers/northwind/tickets")
	for _, want := range []string{"First response: breached", "First response: at risk", "<td>P1</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}
	for _, raw := range []string{"first_response", "at_risk:", ">p1<"} {
		if strings.Contains(page, raw) {
			t.Errorf("ticket page shows the raw label value %q", raw)
		}
	}
	if _, page := get(t, srv.URL+"/customers"); !strings.Contains(page, "<td>Gold</td>") {
		t.Errorf("customer list does not write the tier as Gold")
	}
}

// TestNoDeadLinks follows every link of the landing page, and every link of the pages they
// lead to, on the server: each answers 200. Links to the ticketing systems are not followed.
func TestNoDeadLinks(t *testing.T) {
	srv, _ := newTestServer(t)
	hrefRE := regexp.MustCompile(`href="([^"]*)"`)
	base, _ := url.Parse(srv.URL + "/")
	seen := map[string]bool{}
	queue := []string{base.String()}
	linked := map[string]bool{}
	for depth := 0; depth < 3 && len(queue) > 0; depth++ {
		var next []string
		for _, u := range queue {
			if seen[u] {
				continue
			}
			seen[u] = true
			code, body := get(t, u)
			if code != http.StatusOK {
				t.Errorf("GET %s: %d, want 200", u, code)
				continue
			}
			for _, m := range hrefRE.FindAllStringSubmatch(body, -1) {
				ref, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
				if err != nil {
					t.Errorf("%s links to %q: %v", u, m[1], err)
					continue
				}
				from, _ := url.Parse(u)
				abs := from.ResolveReference(ref)
				if abs.Host != base.Host {
					continue // a ticket in Jira or Zendesk
				}
				abs.Fragment = ""
				if depth == 0 {
					linked[abs.Path] = true
				}
				next = append(next, abs.String())
			}
		}
		queue = next
	}
	for _, want := range []string{"/customers", "/reports", "/metrics", "/api/v1/customers"} {
		if !linked[want] {
			t.Errorf("the landing page does not link %s", want)
		}
	}
	if !seen[srv.URL+"/customers/northwind/report"] {
		t.Errorf("no page links northwind's weekly report")
	}
	_, landing := get(t, srv.URL+"/")
	if strings.Contains(landing, "debug/pprof") {
		t.Errorf("the landing page links pprof, which the exporter does not serve")
	}
	if !strings.Contains(landing, "Version: test") {
		t.Errorf("the landing page does not show the version")
	}
}
