package alerts

import (
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/links"
)

// Severity and kind label values. The severity convention (docs/runbook.md): critical pages a
// human now, warning lands in the team's queue, info is recorded without a notification.
const (
	labelSeverity = catalog.LabelSeverity
	labelKind     = "kind"

	severityCritical = catalog.SeverityCritical
	severityWarning  = catalog.SeverityWarning
	severityInfo     = catalog.SeverityInfo

	// kindCustomer marks alerts about one customer's tickets: inhibited while a source is down,
	// because their data is then stale.
	kindCustomer = "customer"
	// kindSource marks alerts about a source (ticketing system) and its data.
	kindSource = "source"
	// kindExporter marks alerts about the exporter itself.
	kindExporter = "exporter"
)

// alert is one alerting rule before it becomes a rulefmt.Rule.
type alert struct {
	name string
	// severity is the alert's severity label; empty when the expression carries it per series
	// (the SLA alerts join custops_sla_alert_severity_info, so the config sets it per tier and
	// priority).
	severity    string
	kind        string
	expr        string
	forDur      time.Duration
	summary     string
	description string
}

// rule turns the alert into a rulefmt.Rule with the shared labels and link annotations.
func (a alert) rule(opts Options) (rulefmt.Rule, error) {
	expr, err := pretty(a.expr)
	if err != nil {
		return rulefmt.Rule{}, err
	}
	dashboard := links.Dashboard(opts.GrafanaURL, links.DashboardExporter)
	if a.kind == kindCustomer {
		dashboard = links.CustomerDashboard(opts.GrafanaURL, "{{ $labels.customer }}")
	}
	annotations := map[string]string{
		"summary":       a.summary,
		"description":   a.description,
		"runbook_url":   opts.RunbookURL + "#" + Anchor(a.name),
		"dashboard_url": dashboard,
	}
	if a.kind == kindCustomer {
		// The account team's page for the customer: what changed since the last meeting.
		annotations["meeting_url"] = links.CustomerMeeting(opts.ExporterURL, "{{ $labels.customer }}")
	}
	return rulefmt.Rule{
		Alert:       a.name,
		Expr:        expr,
		For:         model.Duration(a.forDur),
		Labels:      a.labels(),
		Annotations: annotations,
	}, nil
}

func (a alert) labels() map[string]string {
	ls := map[string]string{labelKind: a.kind}
	if a.severity != "" {
		ls[labelSeverity] = a.severity
	}
	return ls
}

// Anchor is the fragment GitHub gives a markdown heading: lowercase, spaces to hyphens, other
// punctuation dropped. The runbook's section for an alert is the heading with the alert's name.
func Anchor(heading string) string {
	var b []rune
	for _, r := range heading {
		switch {
		case r >= 'A' && r <= 'Z':
			b = append(b, r+'a'-'A')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b = append(b, r)
		case r == ' ':
			b = append(b, '-')
		}
	}
	return string(b)
}
