package alerts

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/common/model"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/internal/yamlfile"
)

// Alertmanager receivers, one per severity.
const (
	receiverPage    = "page"
	receiverWarning = "warning"
	receiverInfo    = "info"
)

// Repeat intervals: a page that is still firing is worth a reminder every hour; a warning sits in
// the queue and is repeated twice a day.
const (
	pageRepeat    = time.Hour
	warningRepeat = 12 * time.Hour
)

// amConfig is the part of the Alertmanager configuration custops writes. Plain structs rather
// than the alertmanager module, which is not a dependency; the test loads the result in the
// real alertmanager binary.
type amConfig struct {
	Route        amRoute     `yaml:"route"`
	InhibitRules []amInhibit `yaml:"inhibit_rules"`
	Receivers    []amReceiv  `yaml:"receivers"`
}

type amRoute struct {
	Receiver       string    `yaml:"receiver"`
	Matchers       []string  `yaml:"matchers,omitempty"`
	GroupBy        []string  `yaml:"group_by,omitempty,flow"`
	GroupWait      string    `yaml:"group_wait,omitempty"`
	GroupInterval  string    `yaml:"group_interval,omitempty"`
	RepeatInterval string    `yaml:"repeat_interval,omitempty"`
	Routes         []amRoute `yaml:"routes,omitempty"`
}

type amInhibit struct {
	SourceMatchers []string `yaml:"source_matchers"`
	TargetMatchers []string `yaml:"target_matchers"`
	Equal          []string `yaml:"equal,omitempty,flow"`
}

type amReceiv struct {
	Name             string        `yaml:"name"`
	PagerDutyConfigs []amPagerDuty `yaml:"pagerduty_configs,omitempty"`
	SlackConfigs     []amSlack     `yaml:"slack_configs,omitempty"`
	EmailConfigs     []amEmail     `yaml:"email_configs,omitempty"`
	WebhookConfigs   []amWebhook   `yaml:"webhook_configs,omitempty"`
}

type amPagerDuty struct {
	RoutingKeyFile string `yaml:"routing_key_file"`
	SendResolved   bool   `yaml:"send_resolved"`
}

type amSlack struct {
	APIURLFile   string `yaml:"api_url_file"`
	Channel      string `yaml:"channel,omitempty"`
	Title        string `yaml:"title"`
	Text         string `yaml:"text"`
	SendResolved bool   `yaml:"send_resolved"`
}

type amEmail struct {
	To               string `yaml:"to"`
	From             string `yaml:"from"`
	Smarthost        string `yaml:"smarthost"`
	AuthUsername     string `yaml:"auth_username,omitempty"`
	AuthPasswordFile string `yaml:"auth_password_file,omitempty"`
	SendResolved     bool   `yaml:"send_resolved"`
}

type amWebhook struct {
	URL          string `yaml:"url,omitempty"`
	URLFile      string `yaml:"url_file,omitempty"`
	SendResolved bool   `yaml:"send_resolved"`
}

// Slack message templates: each alert's summary with its runbook link, one line each.
const (
	slackTitle = `[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}`
	slackText  = "{{ range .Alerts }}{{ .Annotations.summary }} ({{ .Annotations.runbook_url }})\n{{ end }}"
)

// receiver turns integrations, and a webhook URL from a flag when set, into an Alertmanager
// receiver. Every integration sends resolved notifications, so a page closes when it ends.
func receiver(name string, in Integrations, webhookURL string) amReceiv {
	r := amReceiv{Name: name}
	for _, p := range in.PagerDuty {
		r.PagerDutyConfigs = append(r.PagerDutyConfigs, amPagerDuty{RoutingKeyFile: p.RoutingKeyFile, SendResolved: true})
	}
	for _, sl := range in.Slack {
		r.SlackConfigs = append(r.SlackConfigs, amSlack{APIURLFile: sl.APIURLFile, Channel: sl.Channel, Title: slackTitle, Text: slackText, SendResolved: true})
	}
	for _, e := range in.Email {
		r.EmailConfigs = append(r.EmailConfigs, amEmail{To: e.To, From: e.From, Smarthost: e.Smarthost,
			AuthUsername: e.AuthUsername, AuthPasswordFile: e.AuthPasswordFile, SendResolved: true})
	}
	for _, w := range in.Webhook {
		r.WebhookConfigs = append(r.WebhookConfigs, amWebhook{URL: w.URL, URLFile: w.URLFile, SendResolved: true})
	}
	if webhookURL != "" {
		r.WebhookConfigs = append(r.WebhookConfigs, amWebhook{URL: webhookURL, SendResolved: true})
	}
	return r
}

// amHeader explains the file to whoever deploys it, naming the flags of `custops generate` that
// change it.
func amHeader(page, warning amReceiv) string {
	return generatedHeader + `#
# Alertmanager routing for the custops alerts (docs/runbook.md explains the severities):
#   critical -> receiver "page"     (repeat every 1h while firing): ` + integrations(page) + `
#   warning  -> receiver "warning"  (repeat every 12h): ` + integrations(warning) + `
#   info     -> receiver "info"     (no notification; visible in Alertmanager and Grafana)
# The SLA alerts get their severity per tier and priority from the custops config
# (sla_severity) and carry priority and tier labels that routes may select on too.
#
# Receivers: custops generate --alertmanager.receivers=receivers.yml writes PagerDuty, Slack,
# email and webhook integrations from a small file (receivers.example.yml), each secret by file
# reference (routing_key_file, api_url_file, auth_password_file, url_file), so this file holds
# none. --alertmanager.page-webhook and --alertmanager.warning-webhook add a plain webhook.
# Without either, both receivers are webhook placeholders on loopback that reach nobody.
#
# Inhibition: a customer's alerts (kind="customer") are muted while CustopsCustomerDataStale
# fires for that customer, that is while a source holding its tickets is down or stale
# (custops_customer_source_info joins customers to their sources): a desk that goes down mutes
# its own customers only. While the exporter is not scraped, every customer's alerts are muted.
# A critical alert mutes the warning of the same alert, customer and priority.
#
# Owners and teams (the receivers file's owners: and teams:): a customer's alerts carry its
# owner (custops_customer_info's owner label), and an owner with a receiver gets its customers'
# pages and warnings, and nobody else's; the customers of other owners, or of none, fall back to
# "page" and "warning". CustopsOLABreachImminent carries the team and goes to that team's
# receiver when it has one. CustopsRecordsDrift (info) reaches "warning" once a week.
`
}

// integrations lists a receiver's integrations for the header: "PagerDuty, Slack #ops".
func integrations(r amReceiv) string {
	var parts []string
	for range r.PagerDutyConfigs {
		parts = append(parts, "PagerDuty")
	}
	for _, s := range r.SlackConfigs {
		parts = append(parts, "Slack "+s.Channel)
	}
	for _, e := range r.EmailConfigs {
		parts = append(parts, "email to "+e.To)
	}
	for _, w := range r.WebhookConfigs {
		if w.URL != "" {
			parts = append(parts, "webhook "+w.URL)
		} else {
			parts = append(parts, "webhook from "+w.URLFile)
		}
	}
	return strings.Join(parts, ", ")
}

// AlertmanagerConfig returns the Alertmanager configuration: grouped by alert and customer, pages
// and warnings to their own receivers, a customer's alerts inhibited while its data is stale.
func AlertmanagerConfig(opts Options) ([]byte, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	sev := func(s string) []string { return []string{fmt.Sprintf("%s=%q", labelSeverity, s)} }
	name := func(s string) []string { return []string{fmt.Sprintf("%s=%q", model.AlertNameLabel, s)} }
	page := receiver(receiverPage, opts.Receivers.Page, opts.PageWebhookURL)
	warning := receiver(receiverWarning, opts.Receivers.Warning, opts.WarningWebhookURL)
	bySeverity := func(pageTo, warnTo string) []amRoute {
		return []amRoute{
			{Receiver: pageTo, Matchers: sev(severityCritical), RepeatInterval: model.Duration(pageRepeat).String()},
			{Receiver: warnTo, Matchers: sev(severityWarning), RepeatInterval: model.Duration(warningRepeat).String()},
			{Receiver: receiverInfo, Matchers: sev(severityInfo)},
		}
	}
	// The records drift is the one info alert that notifies: the queue hears of it once a week.
	routes := []amRoute{{Receiver: receiverWarning, Matchers: name(alertRecordsDrift), GroupBy: []string{model.AlertNameLabel},
		RepeatInterval: model.Duration(recordsRepeat).String()}}
	receivers := []amReceiv{page, warning}
	// A team's OLA alerts go to the team.
	for _, team := range slices.Sorted(maps.Keys(opts.Receivers.Teams)) {
		r := receiver("team-"+team, opts.Receivers.Teams[team], "")
		receivers = append(receivers, r)
		routes = append(routes, amRoute{Receiver: r.Name, Matchers: append(name(alertOLABreachImminent), fmt.Sprintf("%s=%q", catalog.LabelTeam, team)),
			RepeatInterval: model.Duration(warningRepeat).String()})
	}
	// An owner's customers' alerts go to the owner, pages and warnings alike; the rest fall
	// through to the severity routes (the fallback).
	for _, owner := range slices.Sorted(maps.Keys(opts.Receivers.Owners)) {
		r := receiver("owner-"+owner, opts.Receivers.Owners[owner], "")
		receivers = append(receivers, r)
		routes = append(routes, amRoute{Receiver: r.Name, Matchers: []string{fmt.Sprintf("%s=%q", catalog.LabelOwner, owner)},
			Routes: bySeverity(r.Name, r.Name)})
	}
	routes = append(routes, bySeverity(receiverPage, receiverWarning)...)
	cfg := amConfig{
		Route: amRoute{
			// Anything without a severity still reaches a person, through the queue.
			Receiver:       receiverWarning,
			GroupBy:        []string{model.AlertNameLabel, catalog.LabelCustomer},
			GroupWait:      model.Duration(opts.GroupWait).String(),
			GroupInterval:  model.Duration(opts.GroupInterval).String(),
			RepeatInterval: model.Duration(warningRepeat).String(),
			Routes:         routes,
		},
		InhibitRules: []amInhibit{
			{
				// One per customer and failing source: mutes exactly the customers it serves.
				SourceMatchers: name(alertCustomerDataStale),
				TargetMatchers: []string{fmt.Sprintf("%s=%q", labelKind, kindCustomer)},
				Equal:          []string{catalog.LabelCustomer},
			},
			{
				// No scrape, no data for anyone.
				SourceMatchers: name(alertExporterAbsent),
				TargetMatchers: []string{fmt.Sprintf("%s=%q", labelKind, kindCustomer)},
			},
			{
				// Priority too: a page for a P1 must not hide the queue's warning about a P3.
				SourceMatchers: sev(severityCritical),
				TargetMatchers: sev(severityWarning),
				Equal:          []string{model.AlertNameLabel, catalog.LabelCustomer, catalog.LabelPriority},
			},
		},
		// No integrations: info alerts are routed to "info" so they never notify.
		Receivers: append(receivers, amReceiv{Name: receiverInfo}),
	}
	b, err := yamlfile.Encode(amHeader(page, warning), cfg)
	if err != nil {
		return nil, fmt.Errorf("encode alertmanager config: %w", err)
	}
	return b, nil
}
