package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
	"github.com/prometheus/common/model"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/links"
)

// Customer is the Customer detail board: one customer, picked by the `customer` variable.
//
// It is shown to that customer in the weekly operational meeting, so it is customer-safe: every
// query is confined to customer="$customer", it never reads the CSM label, and it fits one
// 1920x1080 screenshot (30 grid units high).
func Customer(opts Options) (dashboard.Dashboard, error) {
	opts = opts.withDefaults()
	tickets := links.CustomerTickets(opts.ExporterURL, "${"+customerVar+"}")
	b := board(opts, links.DashboardCustomer, "custops / Customer",
		"One customer's SLA compliance against contract, backlog, flow, CSAT and risk. Customer-safe: shows nothing about other customers.",
		"now-30d", "5m").
		WithVariable(customerVariable()).
		Link(dashboard.NewDashboardLinkBuilder("Tickets of ${" + customerVar + "}").
			Type(dashboard.DashboardLinkTypeLink).
			Url(tickets).
			Icon("doc").
			TargetBlank(true).
			Tooltip("The exporter's list of this customer's open tickets")).
		Link(dashboard.NewDashboardLinkBuilder("Weekly report").
			Type(dashboard.DashboardLinkTypeLink).
			Url(links.CustomerReport(opts.ExporterURL, "${"+customerVar+"}")).
			Icon("doc").
			TargetBlank(true).
			Tooltip("The printable weekly report to hand to this customer")).
		Link(dashboard.NewDashboardLinkBuilder("Meeting page (internal)").
			Type(dashboard.DashboardLinkTypeLink).
			Url(links.CustomerMeeting(opts.ExporterURL, "${"+customerVar+"}")).
			Icon("info").
			TargetBlank(true).
			Tooltip("For the account team: what changed since the last meeting, open items and the risk trend"))
	for _, p := range []cog.Builder[dashboard.Panel]{
		// Row 1, y=0 h=5: now.
		riskGauge(1, 0), breachedStat(2, 4), atRiskStat(3, 7), nextBreachStat(4, 10),
		backlogStat(5, 14, tickets), oldestStat(6, 17), escalationsStat(7, 20),
		// Row 2, y=5 h=7: SLA and risk.
		complianceGraph(8, 0), cyclesBars(9, 9), riskFactorBars(10, 14), ageingBars(11, 19),
		// Row 3, y=12 h=7: flow and backlog.
		createdResolvedGraph(12, 0), backlogBars(13, 8), timesGraph(14, 16),
		// Row 4, y=19 h=6: customer experience, channels and support themes.
		csatGraph(15, 0), officialChannelGraph(16, 6), channelBars(17, 12), categoryBars(18, 18),
		// Row 5, y=25 h=5: where it waits.
		waitingNowBars(19, 0), waitedBars(20, 8), olaStat(21, 16),
	} {
		b.WithPanel(p)
	}
	return b.Build()
}

// customerVariable picks one customer; no "All", because the board must show exactly one.
func customerVariable() *dashboard.QueryVariableBuilder {
	q := "label_values(" + catalog.MetricCustomerInfo + ", " + catalog.LabelCustomer + ")"
	return dashboard.NewQueryVariableBuilder(customerVar).
		Label("Customer").
		Datasource(datasourceRef()).
		Query(dashboard.StringOrMap{String: &q}).
		Definition(q).
		Refresh(dashboard.VariableRefreshOnDashboardLoad).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(false).
		IncludeAll(false).
		AllowCustomValue(false)
}

// cust confines a selector to the board's customer.
func cust(metric string, matchers ...string) string {
	return catalog.Sel(metric, append([]string{customerMatcher}, matchers...)...)
}

func riskGauge(id, x uint32) *gauge.PanelBuilder {
	return gaugePanel(spec{id: id, title: "Risk score", unit: unitNone, x: x, y: 0, w: 4, h: 5,
		desc: "The exporter's 0-100 risk score: a weighted sum of capped factors (see Risk factors). Green < 30, orange < 60, red."},
		0, 100, instantQuery("A", catalog.Agg("max", cust(catalog.MetricCustomerRiskScore)), "risk")).
		Decimals(0).
		Thresholds(thresholds(riskThresholds()))
}

func breachedStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "SLA breached now", unit: unitNone, x: x, y: 0, w: 3, h: 5,
		desc: "Open tickets whose running SLA clock is already past its goal."},
		rangeQuery("A", catalog.Agg("sum", cust(catalog.MetricSLABreachedOpenTickets)), "breached")).
		Thresholds(thresholds(countThresholds(colorRed)))
}

func atRiskStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "SLA at risk now", unit: unitNone, x: x, y: 0, w: 3, h: 5,
		desc: "Open tickets whose running SLA clock is not breached yet but within the at-risk threshold of its goal."},
		rangeQuery("A", catalog.Agg("sum", cust(catalog.MetricSLAAtRiskOpenTickets)), "at risk")).
		Thresholds(thresholds(countThresholds(colorOrange)))
}

func nextBreachStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Next breach in", unit: unitSeconds, x: x, y: 0, w: 4, h: 5,
		desc: "Time until the earliest upcoming breach of a running clock, per priority, whatever the SLA. Empty when no clock is running. " +
			"Fixed bands: red under 1h, orange under 4h."},
		instantQuery("A", catalog.Agg("min", cust(catalog.MetricSLANextBreachTimestamp), catalog.LabelPriority)+" - time()", "{{"+catalog.LabelPriority+"}}")).
		Thresholds(thresholds(levels(colorRed, step{3600, colorOrange}, step{4 * 3600, colorGreen}))).
		GraphMode(common.BigValueGraphModeNone).
		TextMode(common.BigValueTextModeValueAndName).
		NoValue("no running clock")
}

func backlogStat(id, x uint32, tickets string) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Open tickets", unit: unitNone, x: x, y: 0, w: 3, h: 5,
		desc: "Open tickets (new, in progress, waiting). The panel link opens the exporter's ticket list."},
		rangeQuery("A", catalog.Agg("sum", cust(catalog.MetricOpenTickets)), "open")).
		Thresholds(thresholds(levels(colorBlue))).
		Links([]cog.Builder[dashboard.DashboardLink]{
			dashboard.NewDashboardLinkBuilder("Open tickets list").Url(tickets).TargetBlank(true),
		})
}

func oldestStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Oldest open ticket", unit: unitSeconds, x: x, y: 0, w: 3, h: 5,
		desc: "Age of the oldest open ticket, any priority. Fixed bands: orange from 7 days, red from 30 days."},
		rangeQuery("A", "time() - "+catalog.Agg("min", cust(catalog.MetricOldestOpenTicketCreated)), "oldest")).
		Thresholds(thresholds(levels(colorGreen, step{7 * 86400, colorOrange}, step{30 * 86400, colorRed}))).
		Decimals(0)
}

func escalationsStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Escalations and incidents", unit: unitNone, x: x, y: 0, w: 4, h: 5,
		desc: "Open escalated tickets and open incidents, any priority."},
		rangeQuery("A", catalog.Agg("sum", cust(catalog.MetricEscalatedOpenTickets)), "escalated"),
		rangeQuery("B", catalog.Agg("sum", cust(catalog.MetricOpenIncidents)), "incidents")).
		Thresholds(thresholds(countThresholds(colorOrange))).
		TextMode(common.BigValueTextModeValueAndName)
}

// complianceGraph draws compliance against the contractual target. The target differs per customer
// and SLA, so it is drawn as its own dashed series rather than as a fixed threshold.
func complianceGraph(id, x uint32) *timeseries.PanelBuilder {
	return timeseriesPanel(spec{id: id, title: "SLA compliance vs contract", unit: unitPercent, x: x, y: 5, w: 9, h: 7,
		desc: "Share of SLA cycles completed within goal over the trailing 7 and 30 days, per SLA. " +
			"Dashed: the contractual target for that SLA. Gaps mean no cycle completed in the window."},
		rangeQuery("A", catalog.Agg("max", cust(catalog.MetricSLAComplianceRatio, trendWindows), catalog.LabelSLA, catalog.LabelWindow),
			"{{"+catalog.LabelSLA+"}} {{"+catalog.LabelWindow+"}}"),
		rangeQuery("B", catalog.Agg("max", cust(catalog.MetricCustomerSLATargetRatio), catalog.LabelSLA), "{{"+catalog.LabelSLA+"}} target")).
		Max(1).
		Decimals(1).
		OverrideByQuery("B", append(dashed(), prop("custom.lineWidth", 2)))
}

func cyclesBars(id, x uint32) *bargaugeBuilder {
	return barGaugePanel(spec{id: id, title: "SLA cycles completed, 30d", unit: unitNone, x: x, y: 5, w: 5, h: 7,
		desc: "SLA cycles that stopped in the last 30 days, met or breached, per SLA."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricSLACompletedCycles, catalog.Eq(catalog.LabelWindow, catalog.Window30d)), catalog.LabelSLA, catalog.LabelResult),
			"{{"+catalog.LabelSLA+"}} {{"+catalog.LabelResult+"}}")).
		Thresholds(thresholds(levels(colorBlue))).
		OverrideByRegexp(".*"+catalog.ResultMet, []dashboard.DynamicConfigValue{fixedColor(colorGreen)}).
		OverrideByRegexp(".*"+catalog.ResultBreached, []dashboard.DynamicConfigValue{fixedColor(colorRed)})
}

func riskFactorBars(id, x uint32) *bargaugeBuilder {
	return barGaugePanel(spec{id: id, title: "Risk factors", unit: unitNone, x: x, y: 5, w: 5, h: 7,
		desc: "Points each factor adds to the risk score: why the score is what it is. Fixed bands: orange from 5, red from 10 points."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricCustomerRiskFactor), catalog.LabelFactor), "{{"+catalog.LabelFactor+"}}")).
		Thresholds(thresholds(levels(colorGreen, step{5, colorOrange}, step{10, colorRed})))
}

// ageingBars has one query per age bucket so the bars stay in age order, not label order.
func ageingBars(id, x uint32) *bargaugeBuilder {
	s := spec{id: id, title: "Backlog age", unit: unitNone, x: x, y: 5, w: 5, h: 7,
		desc: "Open tickets by age since creation. The two oldest buckets are coloured orange and red."}
	b := barGaugePanel(s).Thresholds(thresholds(levels(colorBlue)))
	n := len(catalog.AgeBuckets)
	for i, bucket := range catalog.AgeBuckets {
		b.WithTarget(instantQuery(refID(i), catalog.Agg("sum", cust(catalog.MetricOpenTicketsByAge, catalog.Eq(catalog.LabelAge, bucket.Name))), bucket.Name))
		switch i {
		case n - 2:
			b.OverrideByName(bucket.Name, []dashboard.DynamicConfigValue{fixedColor(colorOrange)})
		case n - 1:
			b.OverrideByName(bucket.Name, []dashboard.DynamicConfigValue{fixedColor(colorRed)})
		}
	}
	return b
}

func createdResolvedGraph(id, x uint32) *timeseries.PanelBuilder {
	w := catalog.LabelWindow
	return timeseriesPanel(spec{id: id, title: "Created vs resolved", unit: unitNone, x: x, y: 12, w: 8, h: 7,
		desc: "Tickets created, resolved and reopened over the trailing 7 and 30 days. Created above resolved means the backlog grows."},
		rangeQuery("A", catalog.Agg("sum", cust(catalog.MetricCreatedTickets, trendWindows), w), "created {{"+w+"}}"),
		rangeQuery("B", catalog.Agg("sum", cust(catalog.MetricResolvedTickets, trendWindows), w), "resolved {{"+w+"}}"),
		rangeQuery("C", catalog.Agg("sum", cust(catalog.MetricReopenedTickets, trendWindows), w), "reopened {{"+w+"}}")).
		Min(0)
}

func backlogBars(id, x uint32) *bargaugeBuilder {
	return barGaugePanel(spec{id: id, title: "Backlog by priority and state", unit: unitNone, x: x, y: 12, w: 8, h: 7,
		desc: "Open tickets now, by priority and workflow state."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricOpenTickets), catalog.LabelPriority, catalog.LabelState),
			"{{"+catalog.LabelPriority+"}} {{"+catalog.LabelState+"}}")).
		Thresholds(thresholds(levels(colorBlue))).
		DisplayMode(common.BarGaugeDisplayModeBasic)
}

// timesGraph plots the median and 90th percentile of time to first response and to resolution.
// The summaries are per customer (all priorities together), so max by (quantile) only drops
// target labels such as job and instance.
func timesGraph(id, x uint32) *timeseries.PanelBuilder {
	q := model.QuantileLabel
	quantiles := catalog.Re(q, catalog.QuantileMedian+"|"+catalog.Quantile90)
	return timeseriesPanel(spec{id: id, title: "Response and resolution time", unit: unitSeconds, x: x, y: 12, w: 8, h: 7,
		desc: "Median (p0.5) and 90th percentile (p0.9) time to first response and to resolution, over tickets of the last 30 days, all priorities."},
		rangeQuery("A", catalog.Agg("max", cust(catalog.MetricResponseTimeSeconds, quantiles), q), "response p{{"+q+"}}"),
		rangeQuery("B", catalog.Agg("max", cust(catalog.MetricResolutionTimeSeconds, quantiles), q), "resolution p{{"+q+"}}")).
		Min(0)
}

func csatGraph(id, x uint32) *timeseries.PanelBuilder {
	w := catalog.LabelWindow
	return timeseriesPanel(spec{id: id, title: "CSAT", unit: unitPercent, x: x, y: 19, w: 6, h: 6,
		desc: "Share of good CSAT ratings over the trailing 7 and 30 days (left), and 30-day responses by rating (right, bars). " +
			"No contractual CSAT target exists, so the dashed bands are fixed: red under 80%, orange under 90%."},
		rangeQuery("A", catalog.Agg("max", cust(catalog.MetricCSATRatio, trendWindows), w), "CSAT {{"+w+"}}"),
		rangeQuery("B", catalog.Agg("sum", cust(catalog.MetricCSATResponses, catalog.Eq(w, catalog.Window30d)), catalog.LabelRating), "{{"+catalog.LabelRating+"}} responses 30d")).
		Max(1).
		Thresholds(thresholds(csatThresholds())).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed)).
		OverrideByQuery("B", []dashboard.DynamicConfigValue{
			prop("unit", unitNone),
			prop("max", nil),
			prop("custom.axisPlacement", string(common.AxisPlacementRight)),
			prop("custom.drawStyle", string(common.GraphDrawStyleBars)),
			prop("custom.thresholdsStyle", map[string]any{"mode": string(common.GraphThresholdsStyleModeOff)}),
		}).
		OverrideByName(catalog.RatingGood+" responses 30d", []dashboard.DynamicConfigValue{fixedColor(colorGreen)}).
		OverrideByName(catalog.RatingBad+" responses 30d", []dashboard.DynamicConfigValue{fixedColor(colorRed)})
}

func officialChannelGraph(id, x uint32) *timeseries.PanelBuilder {
	w := catalog.LabelWindow
	return timeseriesPanel(spec{id: id, title: "Requests through official channels", unit: unitPercent, x: x, y: 19, w: 6, h: 6,
		desc: "Share of tickets raised through the official channels (portal, email, API) over the trailing 7 and 30 days; " +
			"the rest bypassed them, e.g. raised by an agent after a call. Fixed dashed bands: red under 80%, orange under 90%."},
		rangeQuery("A", catalog.Agg("max", cust(catalog.MetricOfficialChannelRatio, trendWindows), w), "official {{"+w+"}}")).
		Max(1).
		Thresholds(thresholds(levels(colorRed, step{0.8, colorOrange}, step{0.9, colorGreen}))).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed))
}

func channelBars(id, x uint32) *bargaugeBuilder {
	return barGaugePanel(spec{id: id, title: "Created by channel, 30d", unit: unitNone, x: x, y: 19, w: 6, h: 6,
		desc: "Tickets created in the last 30 days by the channel they came through. agent means raised by an agent on the customer's behalf."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricCreatedTicketsByChannel, catalog.Eq(catalog.LabelWindow, catalog.Window30d)), catalog.LabelChannel),
			"{{"+catalog.LabelChannel+"}}")).
		Thresholds(thresholds(levels(colorBlue)))
}

// categoryBars shows the support themes: tickets of the last 30 days per category, the
// customer's top_categories and other, as the weekly report ranks them.
func categoryBars(id, x uint32) *bargaugeBuilder {
	c := catalog.LabelCategory
	return barGaugePanel(spec{id: id, title: "Support themes, 30d", unit: unitNone, x: x, y: 19, w: 6, h: 6,
		desc: "Tickets created in the last 30 days by support category (JSM request type, Zendesk form, field or tag, per category_from): " +
			"the customer's top categories, the rest as other. Empty when no source sets category_from."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricCreatedTicketsByCategory, catalog.Eq(catalog.LabelWindow, catalog.Window30d)), c),
			"{{"+c+"}}")).
		Thresholds(thresholds(levels(colorBlue))).
		NoValue("no categories configured")
}

// refID is the i-th query's refId: A, B, ...
func refID(i int) string { return string(rune('A' + i)) }
