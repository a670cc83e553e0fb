package alerts

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"

	"github.com/custops/custops/collector/catalog"
)

// Timing of the customer alerts. Two mechanisms, on purpose:
//   - `for` is the onset delay: the condition must hold that long before a notification.
//   - A max_over_time/min_over_time window is the clearing delay: once firing, a gauge that dips
//     for less than the window (a ticket changing hands, one odd poll) does not resolve and
//     re-fire the alert. The window is never longer than `for`, so a one-scrape spike cannot
//     fire an alert on its own.
//
// With a 1s scrape and evaluation interval the pages (critical) fire within 2 minutes: breach
// imminent after 1m, open P1 after 2m. The warnings take longer (10m to 1h) by design. Whether an
// SLA alert pages or warns is the config's (sla_severity, per tier and priority).
const (
	// breachImminentFor is short because the condition is a countdown that already includes the
	// lead time; waiting longer only eats into it.
	breachImminentFor = time.Minute

	breachedFor, breachedWindow       = 10 * time.Minute, 5 * time.Minute
	complianceFor, complianceWindow   = 30 * time.Minute, 15 * time.Minute
	p1For, p1Window                   = 2 * time.Minute, 2 * time.Minute
	escalationsFor, escalationsWindow = 30 * time.Minute, 10 * time.Minute
	backlogFor, csatFor               = time.Hour, time.Hour
	riskFor, riskWindow               = 30 * time.Minute, 10 * time.Minute
	customerRef                       = "{{ $labels.name }} ({{ $labels.customer }})"
	prioRef                           = "{{ $labels.priority | toUpper }}"
	severityRef                       = "{{ $labels.severity }} for {{ $labels.tier | title }} " + prioRef + " by the config's sla_severity"
	complianceWindows                 = catalog.Window7d + "|" + catalog.Window30d
)

// queryPercentage is an annotation template that shows the first value of a PromQL query as a
// percentage, for quoting the other side of a comparison (the target, the 30d level) next to
// $value. format gets the customer label and, when withSLA, the sla label; it sits inside a
// template string literal, so any other PromQL string in it takes single quotes.
func queryPercentage(format string, withSLA bool) string {
	args := " $labels.customer"
	if withSLA {
		args += " $labels.sla"
	}
	return `{{ with printf "` + format + `"` + args + ` | query }}{{ . | first | value | humanizePercentage }}{{ end }}`
}

// customerAlerts are the alerts about one customer's tickets, all labelled kind="customer".
func customerAlerts(opts Options) []alert {
	c, s := catalog.LabelCustomer, catalog.LabelSLA
	created7d := catalog.Sel(recCreated, catalog.Eq(catalog.LabelWindow, catalog.Window7d))
	resolved7d := catalog.Sel(recResolved, catalog.Eq(catalog.LabelWindow, catalog.Window7d))
	csat := func(window string) string { return catalog.Sel(recCSAT, catalog.Eq(catalog.LabelWindow, window)) }
	lead := model.Duration(opts.BreachLeadTime).String()

	alerts := []alert{
		{
			// Severity per tier and priority, from the config (sla_severity): a gold P1 pages, a
			// bronze P3 goes to the queue.
			name:    "CustopsSLABreachImminent",
			expr:    withSeverity(recNextBreach() + " < " + catalog.Num(opts.BreachLeadTime.Seconds()) + " > 0"),
			forDur:  breachImminentFor,
			summary: "{{ $labels.name }}: " + prioRef + " SLA breach in {{ $value | humanizeDuration }}",
			description: "An open " + prioRef + " ticket of " + customerRef + " breaches an SLA in " +
				"{{ $value | humanizeDuration }} (lead time " + lead + "; " + severityRef + "). " +
				"Work the ticket due first in the customer's ticket list before the clock runs out.",
		},
		{
			name:    "CustopsSLABreached",
			expr:    withSeverity("max_over_time(" + recBreachedSLA + catalog.Range(breachedWindow) + ") > 0"),
			forDur:  breachedFor,
			summary: "{{ $labels.name }}: open " + prioRef + " tickets past their {{ $labels.sla }} SLA",
			description: customerRef + " has {{ $value | humanize }} open " + prioRef + " ticket(s) past their " +
				"{{ $labels.sla }} SLA goal (" + severityRef + "). The breach already counts against the contract: resolve them and tell the customer.",
		},
		{
			name:     "CustopsSLAComplianceBelowTarget",
			severity: severityWarning,
			expr: withName("min_over_time(" + catalog.Sel(recCompliance, fmt.Sprintf("%s=~%q", catalog.LabelWindow, complianceWindows)) +
				catalog.Range(complianceWindow) + ") < " + catalog.On(c, s) + " group_left () " + recTarget),
			forDur:  complianceFor,
			summary: "{{ $labels.name }}: {{ $labels.sla }} SLA compliance over {{ $labels.window }} below target",
			description: customerRef + " met {{ $value | humanizePercentage }} of its {{ $labels.sla }} SLA over the last " +
				"{{ $labels.window }}, below the contractual target of " +
				queryPercentage(recTarget+"{"+c+"=%q,"+s+"=%q}", true) + ".",
		},
		{
			name:     "CustopsOpenP1Incident",
			severity: severityCritical,
			expr: withName("max_over_time(" + catalog.Sel(recIncidents, catalog.Eq(catalog.LabelPriority, catalog.PriorityP1)) +
				catalog.Range(p1Window) + ") > 0"),
			forDur:  p1For,
			summary: "{{ $labels.name }}: open P1 incident",
			description: customerRef + " has {{ $value | humanize }} open P1 incident(s). " +
				"Make sure an engineer owns each one and the customer has heard from us.",
		},
		{
			name:     "CustopsEscalationsPilingUp",
			severity: severityWarning,
			expr:     withName("max_over_time(" + recEscalated + catalog.Range(escalationsWindow) + ") >= " + fmt.Sprint(opts.EscalationsThreshold)),
			forDur:   escalationsFor,
			summary:  "{{ $labels.name }}: escalated tickets piling up",
			description: customerRef + " has {{ $value | humanize }} escalated open tickets (threshold " +
				fmt.Sprint(opts.EscalationsThreshold) + ").",
		},
		{
			// Created vs resolved over the exporter's own 7d window rather than the open backlog
			// against `offset 7d`: it works on the first day after deployment and does not depend
			// on Prometheus retention.
			name:     "CustopsBacklogGrowing",
			severity: severityWarning,
			expr: withName(created7d + " - " + resolved7d + " >= " + fmt.Sprint(opts.BacklogGrowthMin) +
				" and " + created7d + " > " + catalog.Num(1+opts.BacklogGrowthRatio) + " * " + resolved7d),
			forDur:  backlogFor,
			summary: "{{ $labels.name }}: backlog growing week on week",
			description: customerRef + " raised {{ $value | humanize }} more tickets than we resolved over the last 7 days " +
				"(created more than " + catalog.Num(opts.BacklogGrowthRatio*100) + "% above resolved): the backlog is growing.",
		},
		{
			name:     "CustopsCSATDrop",
			severity: severityWarning,
			expr: withName(csat(catalog.Window7d) + " < " + catalog.On(c) + " (" + csat(catalog.Window30d) + " - " + catalog.Num(opts.CSATDrop) + ")" +
				" and " + catalog.On(c) + " " + catalog.Sel(recCSATReplies, catalog.Eq(catalog.LabelWindow, catalog.Window7d)) + " >= " + fmt.Sprint(opts.CSATMinResponses)),
			forDur:  csatFor,
			summary: "{{ $labels.name }}: CSAT dropped",
			description: "CSAT of " + customerRef + " over the last 7d is {{ $value | humanizePercentage }}, more than " +
				catalog.Num(opts.CSATDrop*100) + " points below its 30d level of " +
				queryPercentage(catalog.Sel(recCSAT, c+"=%q", catalog.LabelWindow+"='"+catalog.Window30d+"'"), false) + ".",
		},
		{
			name:     "CustopsCustomerRiskHigh",
			severity: severityWarning,
			expr:     withName("max_over_time(" + recRisk + catalog.Range(riskWindow) + ") >= " + catalog.Num(opts.RiskScoreThreshold)),
			forDur:   riskFor,
			summary:  "{{ $labels.name }}: customer risk high",
			description: customerRef + " has a risk score of {{ $value | humanize }} out of 100 (threshold " +
				catalog.Num(opts.RiskScoreThreshold) + "). The customer board shows which factors add up to it.",
		},
	}
	for i := range alerts {
		alerts[i].kind = kindCustomer
	}
	return alerts
}
