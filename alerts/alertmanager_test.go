//go:build e2e

package alerts

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/internal/tools"
)

// alertmanager is a real Alertmanager started on a free loopback port for one test.
type alertmanager struct {
	url    string
	output *bytes.Buffer
}

// startAlertmanager starts the pinned binary with config and waits until /-/ready answers 200.
// It fails the test with the binary's output if the process exits first, which is how
// Alertmanager reports a configuration it cannot load.
func startAlertmanager(t *testing.T, config []byte) (*alertmanager, error) {
	t.Helper()
	bin := tools.Require(t, "alertmanager")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "alertmanager.yml")
	if err := os.WriteFile(cfg, config, 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	out := &bytes.Buffer{}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin,
		"--config.file="+cfg,
		"--storage.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--cluster.listen-address=",
		"--log.level=debug",
	)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start alertmanager: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-exited //nolint:errcheck // killed by cancel: the exit status says nothing
	})

	am := &alertmanager{url: "http://" + addr, output: out}
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			return nil, fmt.Errorf("alertmanager exited before ready (%v): %s", err, out)
		case <-deadline:
			return nil, fmt.Errorf("alertmanager not ready after 30s: %s", out)
		case <-tick.C:
			resp, err := http.Get(am.url + "/-/ready")
			if err != nil {
				continue
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return am, nil
			}
		}
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestAlertmanagerConfigLoads(t *testing.T) {
	b, err := AlertmanagerConfig(DefaultOptions())
	if err != nil {
		t.Fatalf("AlertmanagerConfig: %v", err)
	}
	if _, err := startAlertmanager(t, b); err != nil {
		t.Fatal(err)
	}
}

// TestAlertmanagerRejectsBrokenConfig proves the harness above can fail: a route to a receiver
// that does not exist must not come up ready.
func TestAlertmanagerRejectsBrokenConfig(t *testing.T) {
	b, err := AlertmanagerConfig(DefaultOptions())
	if err != nil {
		t.Fatalf("AlertmanagerConfig: %v", err)
	}
	broken := bytes.Replace(b, []byte("receiver: page"), []byte("receiver: pager"), 1)
	if bytes.Equal(broken, b) {
		t.Fatal("test setup: no 'receiver: page' to break")
	}
	_, err = startAlertmanager(t, broken)
	if err == nil || !strings.Contains(err.Error(), "pager") {
		t.Errorf("got %v, want an exit naming the undefined receiver pager", err)
	}
}

// webhook collects the alert names Alertmanager delivers to one receiver.
type webhook struct {
	srv    *httptest.Server
	alerts chan string
	seen   map[string]bool // delivered, read from alerts by an await that wanted another
}

func newWebhook(t *testing.T) *webhook {
	t.Helper()
	w := &webhook{alerts: make(chan string, 100), seen: map[string]bool{}}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		var msg struct {
			Alerts []struct {
				Labels map[string]string `json:"labels"`
			} `json:"alerts"`
		}
		if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		for _, a := range msg.Alerts {
			w.alerts <- a.Labels["alertname"] + "/" + a.Labels["customer"]
		}
	}))
	t.Cleanup(w.srv.Close)
	return w
}

// await waits for want to be delivered (or finds it delivered already, in whatever order
// Alertmanager sent the groups), failing after a deadline.
func (w *webhook) await(t *testing.T, want string) {
	t.Helper()
	if w.seen[want] {
		return
	}
	deadline := time.After(30 * time.Second)
	var got []string
	for {
		select {
		case a := <-w.alerts:
			w.seen[a] = true
			if a == want {
				return
			}
			got = append(got, a)
		case <-deadline:
			t.Fatalf("webhook: got %v, want %s delivered within 30s", got, want)
		}
	}
}

func (am *alertmanager) post(t *testing.T, alerts ...map[string]string) {
	t.Helper()
	var body []map[string]any
	for _, ls := range alerts {
		body = append(body, map[string]any{"labels": ls, "annotations": map[string]string{"summary": "test"}})
	}
	b, _ := json.Marshal(body)
	resp, err := http.Post(am.url+"/api/v2/alerts", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("post alerts: got %s %s, want 200", resp.Status, msg)
	}
}

// apiAlert is what Alertmanager's API says about one alert.
type apiAlert struct {
	Labels    map[string]string `json:"labels"`
	Receivers []struct {
		Name string `json:"name"`
	} `json:"receivers"`
	Status struct {
		State       string   `json:"state"`
		InhibitedBy []string `json:"inhibitedBy"`
	} `json:"status"`
}

// awaitAlert polls the API until the alert with the given name and severity satisfies ok.
func (am *alertmanager) awaitAlert(t *testing.T, name, severity string, ok func(apiAlert) bool, want string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last []apiAlert
	for {
		select {
		case <-deadline:
			t.Fatalf("alert %s (%s): got %+v, want %s", name, severity, last, want)
		case <-tick.C:
			resp, err := http.Get(am.url + "/api/v2/alerts")
			if err != nil {
				continue
			}
			last = nil
			err = json.NewDecoder(resp.Body).Decode(&last)
			resp.Body.Close()
			if err != nil {
				continue
			}
			for _, a := range last {
				if a.Labels["alertname"] == name && a.Labels["severity"] == severity && ok(a) {
					return
				}
			}
		}
	}
}

// TestAlertmanagerRouting sends alerts through the real Alertmanager with the generated config:
// pages and warnings reach their own webhook, info goes to the silent receiver, and the two
// inhibit rules mute what they should.
func TestAlertmanagerRouting(t *testing.T) {
	page, warning := newWebhook(t), newWebhook(t)
	opts := DefaultOptions()
	opts.PageWebhookURL = page.srv.URL + "/page"
	opts.WarningWebhookURL = warning.srv.URL + "/warning"
	opts.GroupWait = 100 * time.Millisecond
	opts.GroupInterval = time.Second
	b, err := AlertmanagerConfig(opts)
	if err != nil {
		t.Fatalf("AlertmanagerConfig: %v", err)
	}
	am, err := startAlertmanager(t, b)
	if err != nil {
		t.Fatal(err)
	}
	customer := func(name, sev, cust string) map[string]string {
		return map[string]string{"alertname": name, "severity": sev, "kind": kindCustomer, "customer": cust}
	}

	t.Run("severities reach their receivers", func(t *testing.T) {
		am.post(t,
			customer("CustopsSLABreachImminent", severityCritical, "northwind"),
			customer("CustopsSLABreached", severityWarning, "northwind"),
			map[string]string{"alertname": "CustopsUnmappedTickets", "severity": severityInfo, "kind": kindSource, "source": "jsm"},
		)
		page.await(t, "CustopsSLABreachImminent/northwind")
		warning.await(t, "CustopsSLABreached/northwind")
		am.awaitAlert(t, "CustopsUnmappedTickets", severityInfo, func(a apiAlert) bool {
			return len(a.Receivers) == 1 && a.Receivers[0].Name == receiverInfo
		}, "routed to the info receiver only")
	})

	t.Run("critical mutes the warning of the same alert and customer", func(t *testing.T) {
		am.post(t,
			customer("CustopsTwoLevels", severityCritical, "fabrikam"),
			customer("CustopsTwoLevels", severityWarning, "fabrikam"),
			customer("CustopsTwoLevels", severityWarning, "contoso"),
		)
		am.awaitAlert(t, "CustopsTwoLevels", severityWarning, func(a apiAlert) bool {
			return a.Labels["customer"] == "fabrikam" && a.Status.State == "suppressed" && len(a.Status.InhibitedBy) > 0
		}, "fabrikam's warning suppressed by its critical")
		warning.await(t, "CustopsTwoLevels/contoso")
	})

	t.Run("a down desk mutes its own customers' alerts only", func(t *testing.T) {
		am.post(t,
			// What Prometheus sends while jsm is down: one per customer whose tickets jsm holds.
			map[string]string{"alertname": alertCustomerDataStale, "severity": severityInfo, "kind": kindSource, "customer": "northwind", "source": "jsm"},
			customer("CustopsOpenP1Incident", severityCritical, "northwind"),
			customer("CustopsOpenP1Incident", severityCritical, "contoso"),
		)
		am.awaitAlert(t, "CustopsOpenP1Incident", severityCritical, func(a apiAlert) bool {
			return a.Labels["customer"] == "northwind" && a.Status.State == "suppressed" && len(a.Status.InhibitedBy) > 0
		}, "northwind's alert suppressed by its desk's outage")
		page.await(t, "CustopsOpenP1Incident/contoso")
		am.awaitAlert(t, "CustopsOpenP1Incident", severityCritical, func(a apiAlert) bool {
			return a.Labels["customer"] == "contoso" && a.Status.State == "active"
		}, "contoso's alert active: its desk is healthy")
	})

	t.Run("a gold P1 breach pages and a bronze P3 breach warns, with their priority", func(t *testing.T) {
		sla := func(sev, cust, tier, prio string) map[string]string {
			ls := customer("CustopsSLABreachImminent", sev, cust)
			ls["tier"], ls["priority"] = tier, prio
			return ls
		}
		// The same customer too: a P1 page must not hide the queue's P3 warning.
		am.post(t, sla(severityCritical, "vandelay", "gold", "p1"), sla(severityWarning, "hooli", "bronze", "p3"), sla(severityWarning, "vandelay", "gold", "p3"))
		page.await(t, "CustopsSLABreachImminent/vandelay")
		warning.await(t, "CustopsSLABreachImminent/hooli")
		am.awaitAlert(t, "CustopsSLABreachImminent", severityWarning, func(a apiAlert) bool {
			return a.Labels["customer"] == "vandelay" && a.Status.State == "active" && len(a.Receivers) == 1 && a.Receivers[0].Name == receiverWarning
		}, "vandelay's P3 warning active beside its P1 page")
	})

	// Last: it mutes every customer alert that follows.
	t.Run("an absent exporter mutes every customer's alerts", func(t *testing.T) {
		am.post(t,
			map[string]string{"alertname": alertExporterAbsent, "severity": severityCritical, "kind": kindExporter},
			customer("CustopsSLABreached", severityWarning, "fabrikam"),
		)
		am.awaitAlert(t, "CustopsSLABreached", severityWarning, func(a apiAlert) bool {
			return a.Labels["customer"] == "fabrikam" && a.Status.State == "suppressed" && len(a.Status.InhibitedBy) > 0
		}, "fabrikam's alert suppressed while the exporter is absent")
	})
}

// TestAlertmanagerReceivers: a receivers file with every kind of integration generates a
// configuration the real Alertmanager loads, holding no secret, and a webhook whose URL is read
// from a file (url_file) delivers the page.
func TestAlertmanagerReceivers(t *testing.T) {
	hook := newWebhook(t)
	dir := t.TempDir()
	secret := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const pdKey, slackURL, smtpPassword = "R0UT1NGKEY-not-real", "https://hooks.slack.example/services/T0/B0/XXXX", "smtp-s3cret"
	file := fmt.Sprintf(`page:
  pagerduty: [{routing_key_file: %s}]
  webhook: [{url_file: %s}]
warning:
  slack: [{api_url_file: %s, channel: "#ops"}]
  email:
    - {to: ops@example.com, from: alertmanager@example.com, smarthost: "127.0.0.1:1", auth_username: am, auth_password_file: %s}
`, secret("pagerduty-key", pdKey), secret("page-webhook-url", hook.srv.URL+"/page"), secret("slack-url", slackURL), secret("smtp-password", smtpPassword))
	r, err := ParseReceivers([]byte(file), "receivers.yml")
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Receivers, opts.PageWebhookURL, opts.WarningWebhookURL = r, "", ""
	opts.GroupWait, opts.GroupInterval = 100*time.Millisecond, time.Second
	b, err := AlertmanagerConfig(opts)
	if err != nil {
		t.Fatalf("AlertmanagerConfig: %v", err)
	}
	for _, s := range []string{pdKey, slackURL, smtpPassword, hook.srv.URL} {
		if bytes.Contains(b, []byte(s)) {
			t.Errorf("the generated configuration holds the secret %q", s)
		}
	}
	for _, want := range []string{"routing_key_file: ", "api_url_file: ", "auth_password_file: ", "url_file: ", "channel: '#ops'", "email to ops@example.com"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the generated configuration lacks %q:\n%s", want, b)
		}
	}
	am, err := startAlertmanager(t, b)
	if err != nil {
		t.Fatal(err)
	}
	am.post(t, map[string]string{"alertname": "CustopsOpenP1Incident", "severity": severityCritical, "kind": kindCustomer, "customer": "northwind"})
	hook.await(t, "CustopsOpenP1Incident/northwind")
}

// TestAlertmanagerOwnersAndTeams sends alerts through the real Alertmanager with a config
// generated from a receivers file naming an owner and a team: the owner's customers' page and
// warning reach the owner's webhook and not the on-call's; another owner's customer (and one
// without an owner) fall back to page and warning; an OLA alert of the team reaches the team's
// webhook; the records drift reaches the queue.
func TestAlertmanagerOwnersAndTeams(t *testing.T) {
	page, warning, laura, eng := newWebhook(t), newWebhook(t), newWebhook(t), newWebhook(t)
	opts := DefaultOptions()
	opts.PageWebhookURL = page.srv.URL + "/page"
	opts.WarningWebhookURL = warning.srv.URL + "/warning"
	opts.GroupWait = 100 * time.Millisecond
	opts.GroupInterval = time.Second
	opts.Receivers.Owners = map[string]Integrations{"laura.kim": {Webhook: []Webhook{{URL: laura.srv.URL + "/laura"}}}}
	opts.Receivers.Teams = map[string]Integrations{"engineering": {Webhook: []Webhook{{URL: eng.srv.URL + "/eng"}}}}
	b, err := AlertmanagerConfig(opts)
	if err != nil {
		t.Fatalf("AlertmanagerConfig: %v", err)
	}
	am, err := startAlertmanager(t, b)
	if err != nil {
		t.Fatal(err)
	}
	alert := func(name, sev, cust, owner string) map[string]string {
		ls := map[string]string{"alertname": name, "severity": sev, "kind": kindCustomer, "customer": cust}
		if owner != "" {
			ls["owner"] = owner
		}
		return ls
	}
	receivedBy := func(name, cust, receiver string) func(apiAlert) bool {
		return func(a apiAlert) bool {
			return a.Labels["customer"] == cust && len(a.Receivers) == 1 && a.Receivers[0].Name == receiver
		}
	}
	am.post(t,
		alert("CustopsOpenP1Incident", severityCritical, "northwind", "laura.kim"),
		alert("CustopsSLABreached", severityWarning, "northwind", "laura.kim"),
		alert("CustopsOpenP1Incident", severityCritical, "hooli", "mei.chen"),
		alert("CustopsSLABreached", severityWarning, "acme", ""),
	)
	laura.await(t, "CustopsOpenP1Incident/northwind")
	laura.await(t, "CustopsSLABreached/northwind")
	page.await(t, "CustopsOpenP1Incident/hooli")
	warning.await(t, "CustopsSLABreached/acme")
	am.awaitAlert(t, "CustopsOpenP1Incident", severityCritical, receivedBy("CustopsOpenP1Incident", "northwind", "owner-laura.kim"), "northwind's page to its owner only")
	am.awaitAlert(t, "CustopsOpenP1Incident", severityCritical, receivedBy("CustopsOpenP1Incident", "hooli", receiverPage), "hooli's page to the fallback")

	ola := alert(alertOLABreachImminent, severityWarning, "hooli", "mei.chen")
	ola["team"] = "engineering"
	product := alert(alertOLABreachImminent, severityWarning, "acme", "")
	product["team"] = "product"
	am.post(t, ola, product,
		map[string]string{"alertname": alertRecordsDrift, "severity": severityInfo, "kind": kindExporter, "record": "unmapped_organization"})
	eng.await(t, alertOLABreachImminent+"/hooli")
	warning.await(t, alertOLABreachImminent+"/acme") // a team without a receiver: the queue
	warning.await(t, alertRecordsDrift+"/")
	am.awaitAlert(t, alertOLABreachImminent, severityWarning, receivedBy(alertOLABreachImminent, "hooli", "team-engineering"), "the OLA alert to its team")
}
