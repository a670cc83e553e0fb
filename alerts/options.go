// Package alerts builds the Prometheus recording and alerting rules and the Alertmanager
// configuration for custops from Go code, so the rules query exactly the metric names the exporter
// exposes (package collector) and link to exactly the boards package dashboards builds.
package alerts

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/custops/custops/links"
)

// Options are the knobs of the generated rules and Alertmanager configuration. Start from
// DefaultOptions: a zero field is an error, not a default, so a typo in a flag cannot silently
// disable an alert.
type Options struct {
	// GrafanaURL is the base URL of Grafana for dashboard_url annotations.
	GrafanaURL string
	// ExporterURL is the exporter's URL as a browser reaches it, for the meeting_url annotation of
	// customer alerts (the customer's ops-meeting page).
	ExporterURL string
	// RunbookURL is the URL of docs/runbook.md; runbook_url annotations append "#<alert anchor>".
	RunbookURL string
	// JobName is the Prometheus scrape job of the exporter, for CustopsExporterAbsent.
	JobName string
	// BreachLeadTime is how long before an SLA breach CustopsSLABreachImminent pages.
	BreachLeadTime time.Duration
	// OLALeadTime is how long before a team's OLA breach CustopsOLABreachImminent warns.
	OLALeadTime time.Duration

	// Receivers are the integrations of the page and warning receivers: PagerDuty, Slack, email
	// and webhooks, secrets by file reference (LoadReceivers reads them from a file).
	Receivers Receivers
	// PageWebhookURL, when set, adds a webhook to the page receiver (critical alerts). The
	// default is a documented placeholder on loopback.
	PageWebhookURL string
	// WarningWebhookURL, when set, adds a webhook to the warning receiver (the team's queue). The
	// default is a documented placeholder on loopback.
	WarningWebhookURL string
	// GroupWait is Alertmanager's group_wait: how long the first alert of a new group waits for
	// others. Short, because the page is time-critical; end-to-end tests shorten it further.
	GroupWait time.Duration
	// GroupInterval is Alertmanager's group_interval: how long before a changed group notifies again.
	GroupInterval time.Duration

	// EscalationsThreshold is how many escalated open tickets of one customer make
	// CustopsEscalationsPilingUp fire.
	EscalationsThreshold int
	// BacklogGrowthMin is how many more tickets a customer must have raised than were resolved
	// over 7 days for CustopsBacklogGrowing, so a quiet customer going from 1 to 2 does not fire.
	BacklogGrowthMin int
	// BacklogGrowthRatio is the relative margin: created over 7 days must exceed resolved by this
	// fraction (0.2 = 20% more created than resolved).
	BacklogGrowthRatio float64
	// CSATDrop is how far (as a ratio, 0.1 = 10 points) the 7d CSAT must fall below the 30d CSAT
	// for CustopsCSATDrop.
	CSATDrop float64
	// CSATMinResponses is the minimum number of 7d CSAT responses before a drop counts, since two
	// bad ratings out of three say little.
	CSATMinResponses int
	// RiskScoreThreshold is the customer risk score (0..100) at which CustopsCustomerRiskHigh fires.
	RiskScoreThreshold float64
}

// DefaultOptions returns the options the committed deploy/ files are generated with.
func DefaultOptions() Options {
	return Options{
		GrafanaURL:           "http://localhost:3000",
		ExporterURL:          "http://localhost" + links.DefaultListenAddress,
		RunbookURL:           "https://github.com/custops/custops/blob/main/docs/runbook.md",
		JobName:              "custops",
		BreachLeadTime:       30 * time.Minute,
		OLALeadTime:          time.Hour,
		PageWebhookURL:       "http://127.0.0.1:9095/page",
		WarningWebhookURL:    "http://127.0.0.1:9095/warning",
		GroupWait:            10 * time.Second,
		GroupInterval:        5 * time.Minute,
		EscalationsThreshold: 3,
		BacklogGrowthMin:     5,
		BacklogGrowthRatio:   0.2,
		CSATDrop:             0.1,
		CSATMinResponses:     5,
		RiskScoreThreshold:   70,
	}
}

// ErrInvalidOptions is wrapped by every Options validation error.
var ErrInvalidOptions = errors.New("invalid alert options")

// validate rejects options that would generate rules that never fire or links that lead nowhere.
func (o Options) validate() error {
	var errs []error
	for _, u := range []struct {
		name, value string
		optional    bool
	}{
		{"grafana URL", o.GrafanaURL, false},
		{"exporter URL", o.ExporterURL, false},
		{"runbook URL", o.RunbookURL, false},
		{"page webhook URL", o.PageWebhookURL, true},
		{"warning webhook URL", o.WarningWebhookURL, true},
	} {
		if u.optional && u.value == "" {
			continue
		}
		if err := checkURL(u.value); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: %w", u.name, u.value, err))
		}
	}
	if err := o.Receivers.validate(); err != nil {
		errs = append(errs, err)
	}
	// A receiver without an integration would swallow its alerts without a word.
	if o.Receivers.Page.empty() && o.PageWebhookURL == "" {
		errs = append(errs, errors.New("the page receiver has no integration: give a receivers file or a page webhook URL"))
	}
	if o.Receivers.Warning.empty() && o.WarningWebhookURL == "" {
		errs = append(errs, errors.New("the warning receiver has no integration: give a receivers file or a warning webhook URL"))
	}
	if o.JobName == "" {
		errs = append(errs, errors.New("job name is empty"))
	}
	// The page needs time to go through its own `for` before the breach happens.
	if o.OLALeadTime <= olaImminentFor {
		errs = append(errs, fmt.Errorf("OLA lead time %s must exceed the alert's for of %s", o.OLALeadTime, olaImminentFor))
	}
	if o.BreachLeadTime <= breachImminentFor {
		errs = append(errs, fmt.Errorf("breach lead time %s must exceed the alert's for of %s", o.BreachLeadTime, breachImminentFor))
	}
	if o.GroupWait <= 0 || o.GroupInterval <= 0 {
		errs = append(errs, fmt.Errorf("group wait %s and group interval %s must be positive", o.GroupWait, o.GroupInterval))
	}
	if o.EscalationsThreshold < 1 || o.BacklogGrowthMin < 1 || o.CSATMinResponses < 1 {
		errs = append(errs, errors.New("escalations threshold, backlog growth minimum and CSAT minimum responses must be at least 1"))
	}
	if o.BacklogGrowthRatio < 0 {
		errs = append(errs, fmt.Errorf("backlog growth ratio %g is negative", o.BacklogGrowthRatio))
	}
	if o.CSATDrop <= 0 || o.CSATDrop >= 1 {
		errs = append(errs, fmt.Errorf("CSAT drop %g must be between 0 and 1", o.CSATDrop))
	}
	if o.RiskScoreThreshold <= 0 || o.RiskScoreThreshold > 100 {
		errs = append(errs, fmt.Errorf("risk score threshold %g must be in (0, 100]", o.RiskScoreThreshold))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidOptions, err)
	}
	return nil
}

// checkURL accepts absolute http(s) URLs without template delimiters: the URLs end up inside
// Prometheus annotation templates, where "{{" would be expanded.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("not an absolute http(s) URL")
	}
	if strings.Contains(s, "{{") || strings.Contains(s, "}}") {
		return errors.New("contains a template delimiter")
	}
	return nil
}
