package alerts

import (
	"fmt"
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
	Name           string      `yaml:"name"`
	WebhookConfigs []amWebhook `yaml:"webhook_configs,omitempty"`
}

type amWebhook struct {
	URL          string `yaml:"url"`
	SendResolved bool   `yaml:"send_resolved"`
}

// amHeader explains the file to whoever deploys it.
const amHeader = generatedHeader + `#
# Alertmanager routing for the custops alerts (docs/runbook.md explains the severities):
#   critical -> receiver "page"     (repeat every 1h while firing)
#   warning  -> receiver "warning"  (repeat every 12h)
#   info     -> receiver "info"     (no notification; visible in Alertmanager and Grafana)
# The webhook URLs are placeholders on loopback: generate with the real paging and ticketing
# integrations (PageWebhookURL and WarningWebhookURL of alerts.Options) or replace the receivers in
# your own Alertmanager configuration.
#
# Inhibition: while a source is down or stale, or the exporter is not scraped, every
# kind="customer" alert is muted, because its data is stale. Customer alerts carry no source label
# (a customer's tickets may come from several sources), so the rule cannot use "equal": one failing
# source mutes the alerts of every customer. CustopsSourceStale and CustopsExporterAbsent page
# instead.
`

// AlertmanagerConfig returns the Alertmanager configuration: grouped by alert and customer, pages
// and warnings to their own receivers, customer alerts inhibited while their data is stale.
func AlertmanagerConfig(opts Options) ([]byte, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	sev := func(s string) []string { return []string{fmt.Sprintf("%s=%q", labelSeverity, s)} }
	stale := []string{alertSourceDown, alertSourceStale, alertExporterAbsent}
	cfg := amConfig{
		Route: amRoute{
			// Anything without a severity still reaches a person, through the queue.
			Receiver:       receiverWarning,
			GroupBy:        []string{model.AlertNameLabel, catalog.LabelCustomer},
			GroupWait:      model.Duration(opts.GroupWait).String(),
			GroupInterval:  model.Duration(opts.GroupInterval).String(),
			RepeatInterval: model.Duration(warningRepeat).String(),
			Routes: []amRoute{
				{Receiver: receiverPage, Matchers: sev(severityCritical), RepeatInterval: model.Duration(pageRepeat).String()},
				{Receiver: receiverWarning, Matchers: sev(severityWarning), RepeatInterval: model.Duration(warningRepeat).String()},
				{Receiver: receiverInfo, Matchers: sev(severityInfo)},
			},
		},
		InhibitRules: []amInhibit{
			{
				SourceMatchers: []string{fmt.Sprintf("%s=~%q", model.AlertNameLabel, strings.Join(stale, "|"))},
				TargetMatchers: []string{fmt.Sprintf("%s=%q", labelKind, kindCustomer)},
			},
			{
				SourceMatchers: sev(severityCritical),
				TargetMatchers: sev(severityWarning),
				Equal:          []string{model.AlertNameLabel, catalog.LabelCustomer},
			},
		},
		Receivers: []amReceiv{
			{Name: receiverPage, WebhookConfigs: []amWebhook{{URL: opts.PageWebhookURL, SendResolved: true}}},
			{Name: receiverWarning, WebhookConfigs: []amWebhook{{URL: opts.WarningWebhookURL, SendResolved: true}}},
			// No integrations: info alerts are routed here so they never notify.
			{Name: receiverInfo},
		},
	}
	b, err := yamlfile.Encode(amHeader, cfg)
	if err != nil {
		return nil, fmt.Errorf("encode alertmanager config: %w", err)
	}
	return b, nil
}
