package alerts

import (
	"strings"

	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/custops/custops/collector/catalog"
)

// Recorded series, named level:metric:operation after the Prometheus naming practice. Each
// aggregates away the target labels (job, instance, pod) and the dimensions the alerts do not
// need, so alert label sets are exactly customer plus the alert's own dimension; boards may read
// them too.
const (
	recBreachedSLA = "customer_sla_priority:" + catalog.MetricSLABreachedOpenTickets + ":sum"
	recBreached    = "customer:" + catalog.MetricSLABreachedOpenTickets + ":sum"
	recIncidents   = "customer_priority:" + catalog.MetricOpenIncidents + ":sum"
	recEscalated   = "customer:" + catalog.MetricEscalatedOpenTickets + ":sum"
	recCreated     = "customer_window:" + catalog.MetricCreatedTickets + ":sum"
	recResolved    = "customer_window:" + catalog.MetricResolvedTickets + ":sum"
	recCompliance  = "customer_sla_window:" + catalog.MetricSLAComplianceRatio + ":min"
	recTarget      = "customer_sla:" + catalog.MetricCustomerSLATargetRatio + ":max"
	recCSAT        = "customer_window:" + catalog.MetricCSATRatio + ":min"
	recCSATReplies = "customer_window:" + catalog.MetricCSATResponses + ":sum"
	recRisk        = "customer:" + catalog.MetricCustomerRiskScore + ":max"

	customerGroup   = "custops.customer"
	healthGroupName = "custops.health"
)

// recNextBreach is the time until the earliest upcoming breach per customer and priority, in
// seconds. The exporter exposes the instant; subtracting time() at evaluation makes the countdown
// move between polls. The recorded metric is the exposed one with "_timestamp_seconds" turned
// into "_seconds".
func recNextBreach() string {
	return "customer_priority:" + strings.TrimSuffix(catalog.MetricSLANextBreachTimestamp, "_timestamp_seconds") + "_seconds:min"
}

// recordingRules returns the recording rules in evaluation order.
func recordingRules() []rulefmt.Rule {
	c, s, w, p := catalog.LabelCustomer, catalog.LabelSLA, catalog.LabelWindow, catalog.LabelPriority
	return []rulefmt.Rule{
		{Record: recNextBreach(), Expr: catalog.Agg("min", catalog.MetricSLANextBreachTimestamp, c, p) + " - time()"},
		{Record: recBreachedSLA, Expr: catalog.Agg("sum", catalog.MetricSLABreachedOpenTickets, c, s, p)},
		{Record: recBreached, Expr: catalog.Agg("sum", catalog.MetricSLABreachedOpenTickets, c)},
		{Record: recIncidents, Expr: catalog.Agg("sum", catalog.MetricOpenIncidents, c, p)},
		{Record: recEscalated, Expr: catalog.Agg("sum", catalog.MetricEscalatedOpenTickets, c)},
		{Record: recCreated, Expr: catalog.Agg("sum", catalog.MetricCreatedTickets, c, w)},
		{Record: recResolved, Expr: catalog.Agg("sum", catalog.MetricResolvedTickets, c, w)},
		// min: with two exporters scraping the same desk, report the worse compliance.
		{Record: recCompliance, Expr: catalog.Agg("min", catalog.MetricSLAComplianceRatio, c, s, w)},
		{Record: recTarget, Expr: catalog.Agg("max", catalog.MetricCustomerSLATargetRatio, c, s)},
		{Record: recCSAT, Expr: catalog.Agg("min", catalog.MetricCSATRatio, c, w)},
		// sum over rating: all responses in the window.
		{Record: recCSATReplies, Expr: catalog.Agg("sum", catalog.MetricCSATResponses, c, w)},
		{Record: recRisk, Expr: catalog.Agg("max", catalog.MetricCustomerRiskScore, c)},
		{Record: recOLANextBreach(), Expr: catalog.Agg("min", catalog.MetricTeamOLANextBreach, c, catalog.LabelTeam) + " - time()"},
	}
}
