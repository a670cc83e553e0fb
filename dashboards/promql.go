package dashboards

import (
	"strings"

	"github.com/custops/custops/collector"
	"github.com/custops/custops/collector/ticket"
)

// Grafana variables the queries use. Queries never name a datasource or a customer themselves.
const (
	datasourceVar = "datasource"
	customerVar   = "customer"
	rateInterval  = "$__rate_interval"
)

// Window label values the boards show. The exporter computes every trend over 1d, 7d and 30d
// (snapshot.Windows); the boards plot the two an operational review talks about.
const (
	window7d  = "7d"
	window30d = "30d"
)

// Values of the result and rating labels that the boards colour.
const (
	resultMet      = "met"
	resultBreached = "breached"
	ratingGood     = "good"
	ratingBad      = "bad"
)

// Quantiles of the response and resolution summaries.
const (
	quantileMedian = "0.5"
	quantile90     = "0.9"
)

// customerMatcher confines a query to the customer picked on the customer board. The lint checks
// that every customer-board query carries it, so no other customer can leak into a screenshot.
var customerMatcher = eq(collector.LabelCustomer, "$"+customerVar)

// sel is a vector selector: metric{m1, m2}.
func sel(metric string, matchers ...string) string {
	if len(matchers) == 0 {
		return metric
	}
	return metric + "{" + strings.Join(matchers, ", ") + "}"
}

// eq is an equality matcher.
func eq(label, value string) string { return label + `="` + value + `"` }

// re is a regular-expression matcher.
func re(label, value string) string { return label + `=~"` + value + `"` }

// by is an aggregation's grouping clause, "by (a, b)".
func by(labels ...string) string { return "by (" + strings.Join(labels, ", ") + ")" }

// agg applies an aggregation operator with a grouping: "sum by (a) (expr)".
func agg(op, expr string, labels ...string) string {
	if len(labels) == 0 {
		return op + "(" + expr + ")"
	}
	return op + " " + by(labels...) + " (" + expr + ")"
}

// trendWindows matches the 7d and 30d windows.
var trendWindows = re(collector.LabelWindow, window7d+"|"+window30d)

// p1 matches the most urgent priority.
var p1 = eq(collector.LabelPriority, string(ticket.P1))
