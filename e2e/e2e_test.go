//go:build e2e

// Package e2e runs the real custops binary, the pinned real Prometheus and Alertmanager, and the
// generated rules, routing and dashboards together on loopback.
package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/dashboards"
	"github.com/custops/custops/internal/demo/sim"
	"github.com/custops/custops/internal/tools"
)

// stack is everything one end-to-end run starts.
type stack struct {
	custops, prometheus, alertmanager string // base URLs
	hook                              *webhook
}

func startStack(t *testing.T) *stack {
	t.Helper()
	promBin := tools.Require(t, "prometheus")
	amBin := tools.Require(t, "alertmanager")
	custopsBin := buildCustops(t)
	dir := t.TempDir()

	hook := &webhook{}
	hookSrv := httptest.NewServer(hook)
	t.Cleanup(hookSrv.Close)

	cPort, pPort, aPort := freePort(t), freePort(t), freePort(t)
	s := &stack{
		custops:      "http://127.0.0.1:" + cPort,
		prometheus:   "http://127.0.0.1:" + pPort,
		alertmanager: "http://127.0.0.1:" + aPort,
		hook:         hook,
	}

	start(t, "custops", custopsBin, "demo",
		"--web.listen-address=127.0.0.1:"+cPort,
		"--demo.scenario=breach-soon",
		"--demo.poll-interval=1s",
		"--demo.state-dir="+filepath.Join(dir, "state"),
		"--log.level=debug")
	waitFor(t, "custops /-/ready", time.Minute, func() (bool, error) { return httpOK(s.custops + "/-/ready") })

	opts := alerts.DefaultOptions()
	opts.PageWebhookURL = hookSrv.URL + "/page"
	opts.WarningWebhookURL = hookSrv.URL + "/warning"
	opts.GroupWait, opts.GroupInterval = time.Second, time.Second // notify in seconds, not minutes
	rules, err := alerts.RuleFile(opts)
	if err != nil {
		t.Fatal(err)
	}
	amConfig, err := alerts.AlertmanagerConfig(opts)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "custops.rules.yml"), rules)
	write(t, filepath.Join(dir, "alertmanager.yml"), amConfig)
	write(t, filepath.Join(dir, "prometheus.yml"), []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: [custops.rules.yml]
alerting:
  alertmanagers:
    - static_configs: [{targets: ["127.0.0.1:%s"]}]
scrape_configs:
  - job_name: %s
    static_configs: [{targets: ["127.0.0.1:%s"]}]
`, aPort, opts.JobName, cPort)))

	start(t, "alertmanager", amBin,
		"--config.file="+filepath.Join(dir, "alertmanager.yml"),
		"--storage.path="+filepath.Join(dir, "am"),
		"--web.listen-address=127.0.0.1:"+aPort,
		"--cluster.listen-address=")
	start(t, "prometheus", promBin,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address=127.0.0.1:"+pPort)
	waitFor(t, "alertmanager ready", time.Minute, func() (bool, error) { return httpOK(s.alertmanager + "/-/ready") })
	waitFor(t, "prometheus ready", time.Minute, func() (bool, error) { return httpOK(s.prometheus + "/-/ready") })
	return s
}

func write(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestEndToEnd is the whole path a user relies on: the demo breaches, Prometheus evaluates the
// generated rules, Alertmanager pages the right customer through the generated routing, the
// healthy customer stays quiet, every dashboard query returns data, and a source outage raises
// the source alert and inhibits the customer data alerts.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: starts real servers for about two minutes")
	}
	s := startStack(t)

	t.Run("page for the breaching customer", func(t *testing.T) {
		var page deliveredAlert
		waitFor(t, "CustopsSLABreachImminent page for "+sim.BreachingCustomer, 4*time.Minute, func() (bool, error) {
			for _, a := range s.hook.alerts() {
				if a.Labels["alertname"] == "CustopsSLABreachImminent" && a.Labels["customer"] == sim.BreachingCustomer && a.Status == "firing" {
					page = a
					return true, nil
				}
			}
			return false, fmt.Errorf("received %d alerts so far", len(s.hook.alerts()))
		})
		if page.Path != "/page" {
			t.Errorf("breach imminent delivered to %s, want the page receiver", page.Path)
		}
		if page.Labels["severity"] != "critical" {
			t.Errorf("severity = %q, want critical", page.Labels["severity"])
		}
		for _, k := range []string{"summary", "description", "runbook_url", "dashboard_url"} {
			if page.Annotations[k] == "" {
				t.Errorf("annotation %s missing: %v", k, page.Annotations)
			}
		}
		if !strings.Contains(page.Annotations["description"], "Northwind") {
			t.Errorf("description does not name the customer: %q", page.Annotations["description"])
		}
		if !strings.Contains(page.Annotations["dashboard_url"], "var-customer="+sim.BreachingCustomer) {
			t.Errorf("dashboard_url does not preselect the customer: %q", page.Annotations["dashboard_url"])
		}
		if !strings.Contains(page.Annotations["runbook_url"], "#custopsslabreachimminent") {
			t.Errorf("runbook_url does not point at the alert's section: %q", page.Annotations["runbook_url"])
		}
	})

	t.Run("healthy customer gets no page", func(t *testing.T) {
		for _, a := range s.hook.alerts() {
			if a.Labels["customer"] != sim.HealthyCustomer {
				continue
			}
			if a.Path == "/page" || strings.HasPrefix(a.Labels["alertname"], "CustopsSLABreach") {
				t.Errorf("healthy customer %s got %s (%s) at %s", sim.HealthyCustomer, a.Labels["alertname"], a.Labels["severity"], a.Path)
			}
		}
	})

	t.Run("every dashboard query returns data", func(t *testing.T) {
		queries, err := dashboards.Queries(dashboards.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, q := range queries {
			expr := dashboards.Expand(q.Expr, sim.BreachingCustomer)
			var got []promSample
			waitFor(t, fmt.Sprintf("data for %s / %s (%s)", q.Board, q.Panel, q.RefID), 30*time.Second, func() (bool, error) {
				got, err = promQuery(ctx, s.prometheus, expr)
				return err == nil && len(got) > 0, err
			})
		}
	})

	t.Run("source outage alerts and inhibits customer alerts", func(t *testing.T) {
		put(t, s.custops+"/-/demo/sources/jsm/down")
		waitFor(t, "CustopsSourceDown for jsm", 4*time.Minute, func() (bool, error) {
			for _, a := range s.hook.alerts() {
				if a.Labels["alertname"] == "CustopsSourceDown" && a.Labels["source"] == "jsm" && a.Status == "firing" {
					return true, nil
				}
			}
			return false, nil
		})
		waitFor(t, "customer alerts of "+sim.BreachingCustomer+" inhibited", time.Minute, func() (bool, error) {
			return customerAlertsInhibited(s.alertmanager, sim.BreachingCustomer)
		})
		// Per source: the outage marks the data of jsm's customers stale, never a Zendesk
		// customer's, and no alert of a Zendesk customer is muted.
		desk := map[string]string{}
		for _, c := range sim.DemoCustomers() {
			desk[c.ID] = c.Desk
		}
		alerts, err := amAlerts(s.alertmanager)
		if err != nil {
			t.Fatal(err)
		}
		var stale, zendeskActive []string
		for _, a := range alerts {
			c := a.Labels["customer"]
			switch {
			case a.Labels["alertname"] == "CustopsCustomerDataStale":
				stale = append(stale, c)
				if desk[c] != sim.DeskJira || a.Labels["source"] != "jsm" {
					t.Errorf("data of %s (desk %s) marked stale by source %s while only jsm is down", c, desk[c], a.Labels["source"])
				}
			case a.Labels["kind"] == "customer" && desk[c] == sim.DeskZendesk:
				if a.Status.State == "suppressed" {
					t.Errorf("%s of %s (Zendesk, healthy) is muted by %v", a.Labels["alertname"], c, a.Status.InhibitedBy)
				} else {
					zendeskActive = append(zendeskActive, a.Labels["alertname"]+"/"+c)
				}
			}
		}
		if !slices.Contains(stale, sim.BreachingCustomer) {
			t.Errorf("no CustopsCustomerDataStale for %s; got it for %v", sim.BreachingCustomer, stale)
		}
		t.Logf("data stale for %v; Zendesk customers' alerts still active: %v", stale, zendeskActive)

		// A Zendesk customer's alert raised now, beside the real inhibitors, still pages.
		postAlert(t, s.alertmanager, map[string]string{"alertname": "CustopsOpenP1Incident", "severity": "critical", "kind": "customer", "customer": "contoso"})
		waitFor(t, "contoso's page delivered while jsm is down", time.Minute, func() (bool, error) {
			for _, a := range s.hook.alerts() {
				if a.Labels["alertname"] == "CustopsOpenP1Incident" && a.Labels["customer"] == "contoso" && a.Path == "/page" {
					return true, nil
				}
			}
			return false, nil
		})
	})
}
