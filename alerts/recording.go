package alerts

import (
	"strings"

	"github.com/prometheus/prometheus/model/rulefmt"

	"github.com/custops/custops/collector"
)

// Recorded series, named level:metric:operation after the Prometheus naming practice. Each
// aggregates away the target labels (job, instance, pod) and the dimensions the alerts do not
// need, so alert label sets are exactly customer plus the alert's own dimension; boards may read
// them too.
const (
	recBreachedSLA = "customer_sla:" + collector.MetricSLABreachedOpenTickets + ":sum"
	recBreached    = "customer:" + collector.MetricSLABreachedOpenTickets + ":sum"
	recIncidents   = "customer_priority:" + collector.MetricOpenIncidents + ":sum"
	recEscalated   = "customer:" + collector.MetricEscalatedOpenTickets + ":sum"
	recCreated     = "customer_window:" + collector.MetricCreatedTickets + ":sum"
	recResolved    = "customer_window:" + collector.MetricResolvedTickets + ":sum"
	recCompliance  = "customer_sla_window:" + collector.MetricSLAComplianceRatio + ":min"
	recTarget      = "customer_sla:" + collector.MetricCustomerSLATargetRatio + ":max"
	recCSAT        = "customer_window:" + collector.MetricCSATRatio + ":min"
	recCSATReplies = "customer_window:" + collector.MetricCSATResponses + ":sum"
	recRisk        = "customer:" + collector.MetricCustomerRiskScore + ":max"

	customerGroup   = "custops.customer"
	healthGroupName = "custops.health"
)

// recNextBreach is the time until the earliest upcoming breach, in seconds. The exporter exposes
// the instant; subtracting time() at evaluation makes the countdown move between polls. The
// recorded metric is the exposed one with "_timestamp_seconds" turned into "_seconds".
func recNextBreach() string {
	return "customer_sla:" + strings.TrimSuffix(collector.MetricSLANextBreachTimestamp, "_timestamp_seconds") + "_seconds:min"
}

// recordingRules returns the recording rules in evaluation order.
func recordingRules() []rulefmt.Rule {
	c, s, w, p := collector.LabelCustomer, collector.LabelSLA, collector.LabelWindow, collector.LabelPriority
	agg := func(op, metric string, labels ...string) string {
		return op + " " + by(labels...) + " (" + metric + ")"
	}
	return []rulefmt.Rule{
		{Record: recNextBreach(), Expr: agg("min", collector.MetricSLANextBreachTimestamp, c, s) + " - time()"},
		{Record: recBreachedSLA, Expr: agg("sum", collector.MetricSLABreachedOpenTickets, c, s)},
		{Record: recBreached, Expr: agg("sum", collector.MetricSLABreachedOpenTickets, c)},
		{Record: recIncidents, Expr: agg("sum", collector.MetricOpenIncidents, c, p)},
		{Record: recEscalated, Expr: agg("sum", collector.MetricEscalatedOpenTickets, c)},
		{Record: recCreated, Expr: agg("sum", collector.MetricCreatedTickets, c, w)},
		{Record: recResolved, Expr: agg("sum", collector.MetricResolvedTickets, c, w)},
		// min: with two exporters scraping the same desk, report the worse compliance.
		{Record: recCompliance, Expr: agg("min", collector.MetricSLAComplianceRatio, c, s, w)},
		{Record: recTarget, Expr: agg("max", collector.MetricCustomerSLATargetRatio, c, s)},
		{Record: recCSAT, Expr: agg("min", collector.MetricCSATRatio, c, w)},
		// sum over rating: all responses in the window.
		{Record: recCSATReplies, Expr: agg("sum", collector.MetricCSATResponses, c, w)},
		{Record: recRisk, Expr: agg("max", collector.MetricCustomerRiskScore, c)},
	}
}
