package dashboards

import (
	"strconv"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/links"
)

// Risk score bands, shared by every panel that colours a risk score (0..100).
const (
	riskOrange = 30
	riskRed    = 60
)

// riskThresholds colour a risk score: green below 30, orange below 60, red above.
func riskThresholds() dashboard.ThresholdsConfig {
	return levels(colorGreen, step{riskOrange, colorOrange}, step{riskRed, colorRed})
}

// csatThresholds colour a CSAT ratio. No contractual CSAT target exists, so the bands are fixed.
func csatThresholds() dashboard.ThresholdsConfig {
	return levels(colorRed, step{0.8, colorOrange}, step{0.9, colorGreen})
}

// countThresholds colour a count that should be zero: green at 0, warn from 1.
func countThresholds(warn string) dashboard.ThresholdsConfig {
	return levels(colorGreen, step{1, warn})
}

// customerLink opens the customer board for the customer of a table row or series, keeping the
// datasource and time range.
func customerLink(customer string) *dashboard.DashboardLinkBuilder {
	return dashboard.NewDashboardLinkBuilder("Open customer board").
		Url(links.CustomerDashboard("", customer) + "&var-" + datasourceVar + "=${" + datasourceVar + "}&${__url_time_range}")
}

// Overview is the Customer overview board: every customer ranked by risk, with fleet trends.
func Overview(opts Options) (dashboard.Dashboard, error) {
	opts = opts.withDefaults()
	b := board(opts, links.DashboardOverview, "custops / Customer overview",
		"Every customer ranked by risk score, with SLA, backlog and CSAT at a glance, where their tickets wait, and the customer records to fix; the owner variable narrows it to one manager's customers. Internal: shows CSM and owner names.",
		"now-7d", "1m").
		WithVariable(ownerVariable())
	for _, p := range []cog.Builder[dashboard.Panel]{
		fleetCustomersStat(1, 0), fleetBreachesStat(2, 4), fleetAtRiskStat(3, 8),
		fleetP1IncidentsStat(4, 12), fleetHighRiskStat(5, 16), fleetUnmappedStat(6, 20),
		riskTable(7, 4),
		breachesOverTime(8, 18), backlogTrend(9, 18), topRiskOverTime(10, 18),
		// The team view, y=26: where the owner's customers' tickets wait.
		teamTable(11, 26), olaOverTime(12, 26),
		recordsStat(13, 0, 34, links.Records(opts.ExporterURL)),
	} {
		b.WithPanel(p)
	}
	return b.Build()
}

func fleetCustomersStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Customers", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Customers configured in the exporter (custops_customer_info series)."},
		rangeQuery("A", catalog.Agg("count", owned(catalog.MetricCustomerInfo)), "customers")).
		Thresholds(thresholds(levels(colorBlue))).
		GraphMode(common.BigValueGraphModeNone)
}

func fleetBreachesStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Open SLA breaches", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Running SLA clocks of open tickets already past their goal, all customers."},
		rangeQuery("A", catalog.Agg("sum", owned(catalog.MetricSLABreachedOpenTickets)), "breaches")).
		Thresholds(thresholds(countThresholds(colorRed)))
}

func fleetAtRiskStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "SLA clocks at risk", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Running, not yet breached SLA clocks within their tier's at-risk threshold, all customers."},
		rangeQuery("A", catalog.Agg("sum", owned(catalog.MetricSLAAtRiskOpenTickets)), "at risk")).
		Thresholds(thresholds(countThresholds(colorOrange)))
}

func fleetP1IncidentsStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Open P1 incidents", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Open incidents at priority p1, all customers."},
		rangeQuery("A", catalog.Agg("sum", owned(catalog.Sel(catalog.MetricOpenIncidents, p1))), "p1 incidents")).
		Thresholds(thresholds(countThresholds(colorRed)))
}

func fleetHighRiskStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Customers at high risk", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Customers whose risk score is 60 or more (red band)."},
		rangeQuery("A", catalog.Agg("sum", owned(catalog.MetricCustomerRiskScore)+" >= bool "+strconv.Itoa(riskRed)), "high risk")).
		Thresholds(thresholds(countThresholds(colorRed)))
}

func fleetUnmappedStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Tickets without customer", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Tickets no customer_from rule matched: counted, never dropped. Fix the customer match rules."},
		rangeQuery("A", catalog.Agg("sum", catalog.Sel(catalog.MetricDataQualityTickets, catalog.Eq(catalog.LabelCheck, catalog.CheckUnmappedCustomer))), "unmapped")).
		Thresholds(thresholds(countThresholds(colorOrange)))
}

// riskColumn is one column of the risk table: an instant query and how its cells look.
type riskColumn struct {
	ref, title, expr string
	props            []dashboard.DynamicConfigValue
}

// riskColumns are the risk table's value columns, one query each, joined on customer. Every query
// aggregates by customer so the join sees one row per customer whatever labels the series carry.
func riskColumns() []riskColumn {
	c := catalog.LabelCustomer
	compliance30d := catalog.Sel(catalog.MetricSLAComplianceRatio, catalog.Eq(catalog.LabelWindow, catalog.Window30d))
	cellColor := func(mode string) dashboard.DynamicConfigValue {
		return prop("custom.cellOptions", map[string]any{"type": mode})
	}
	thr := func(cfg dashboard.ThresholdsConfig) dashboard.DynamicConfigValue {
		return prop("thresholds", thresholdsValue(cfg))
	}
	return []riskColumn{
		{"B", "Risk", catalog.Agg("max", catalog.MetricCustomerRiskScore, c),
			[]dashboard.DynamicConfigValue{prop("decimals", 0), thr(riskThresholds()), cellColor("color-background")}},
		{"C", "Breaches", catalog.Agg("sum", catalog.MetricSLABreachedOpenTickets, c),
			[]dashboard.DynamicConfigValue{thr(countThresholds(colorRed)), cellColor("color-text")}},
		{"D", "At risk", catalog.Agg("sum", catalog.MetricSLAAtRiskOpenTickets, c),
			[]dashboard.DynamicConfigValue{thr(countThresholds(colorOrange)), cellColor("color-text")}},
		{"E", "Compliance 30d", catalog.Agg("min", compliance30d, c),
			[]dashboard.DynamicConfigValue{prop("unit", unitPercent), prop("decimals", 1)}},
		{"F", "vs target", catalog.Agg("min", compliance30d+" - on ("+c+", "+catalog.LabelSLA+") "+catalog.MetricCustomerSLATargetRatio, c),
			[]dashboard.DynamicConfigValue{prop("unit", unitPercent), prop("decimals", 1),
				thr(levels(colorRed, step{0, colorGreen})), cellColor("color-background")}},
		{"G", "Backlog", catalog.Agg("sum", catalog.MetricOpenTickets, c), nil},
		{"H", "Oldest ticket", "time() - " + catalog.Agg("min", catalog.MetricOldestOpenTicketCreated, c),
			[]dashboard.DynamicConfigValue{prop("unit", unitSeconds)}},
		{"I", "Open P1", catalog.Agg("sum", catalog.Sel(catalog.MetricOpenTickets, p1), c),
			[]dashboard.DynamicConfigValue{thr(countThresholds(colorRed)), cellColor("color-text")}},
		{"J", "CSAT 30d", catalog.Agg("max", catalog.Sel(catalog.MetricCSATRatio, catalog.Eq(catalog.LabelWindow, catalog.Window30d)), c),
			[]dashboard.DynamicConfigValue{prop("unit", unitPercent), prop("decimals", 0), thr(csatThresholds()), cellColor("color-text")}},
	}
}

// riskTable lists every customer, riskiest first. Each row links to that customer's board.
func riskTable(id, y uint32) *table.PanelBuilder {
	c := catalog.LabelCustomer
	info := []string{c, catalog.LabelName, catalog.LabelTier, catalog.LabelCSM, catalog.LabelOwner}
	targets := []*prometheus.DataqueryBuilder{tableQuery("A", catalog.Agg("max", catalog.Sel(catalog.MetricCustomerInfo, catalog.Re(catalog.LabelOwner, "${"+ownerVar+"}")), info...))}
	keep := append([]string{}, info...)
	rename := map[string]any{c: "Customer", catalog.LabelName: "Name", catalog.LabelTier: "Tier", catalog.LabelCSM: "CSM", catalog.LabelOwner: "Owner"}
	index := map[string]any{}
	for i, f := range info {
		index[f] = i
	}
	for i, col := range riskColumns() {
		targets = append(targets, tableQuery(col.ref, col.expr))
		value := "Value #" + col.ref
		keep = append(keep, value)
		rename[value] = col.title
		index[value] = len(info) + i
	}
	b := tablePanel(spec{id: id, title: "Customers by risk", unit: unitNone, x: 0, y: y, w: 24, h: 14,
		desc: "One row per customer, riskiest first. Risk is the exporter's 0-100 score (green < 30, orange < 60, red). " +
			"Compliance is the worst SLA over 30 days; vs target is its gap to that SLA's contractual target. " +
			"Click a row to open the customer's board."},
		targets...).
		Transformations([]dashboard.DataTransformerConfig{
			{Id: "joinByField", Options: map[string]any{"byField": c, "mode": "outer"}},
			{Id: "filterFieldsByName", Options: map[string]any{"include": map[string]any{"names": keep}}},
			{Id: "organize", Options: map[string]any{"renameByName": rename, "indexByName": index, "excludeByName": map[string]any{}}},
			{Id: "sortBy", Options: map[string]any{"sort": []map[string]any{{"field": "Risk", "desc": true}}}},
		}).
		SortBy([]cog.Builder[common.TableSortByFieldState]{common.NewTableSortByFieldStateBuilder().DisplayName("Risk").Desc(true)}).
		DataLinks([]cog.Builder[dashboard.DashboardLink]{customerLink("${__data.fields." + c + "}")})
	for _, col := range riskColumns() {
		if col.props != nil {
			b.OverrideByName(col.title, col.props)
		}
	}
	return b
}

// customerSeriesLink opens the customer board of the clicked series.
func customerSeriesLink() []cog.Builder[dashboard.DashboardLink] {
	return []cog.Builder[dashboard.DashboardLink]{customerLink("${__field.labels." + catalog.LabelCustomer + "}")}
}

func breachesOverTime(id, y uint32) *timeseries.PanelBuilder {
	return timeseriesPanel(spec{id: id, title: "Open SLA breaches by customer", unit: unitNone, x: 0, y: y, w: 8, h: 8,
		desc: "Running SLA clocks already past their goal, per customer. Click a series to open that customer's board."},
		rangeQuery("A", catalog.Agg("sum", owned(catalog.MetricSLABreachedOpenTickets), catalog.LabelCustomer), "{{"+catalog.LabelCustomer+"}}")).
		Min(0).
		DataLinks(customerSeriesLink())
}

func backlogTrend(id, y uint32) *timeseries.PanelBuilder {
	return timeseriesPanel(spec{id: id, title: "Backlog by customer", unit: unitNone, x: 8, y: y, w: 8, h: 8,
		desc: "Open tickets per customer. Click a series to open that customer's board."},
		rangeQuery("A", catalog.Agg("sum", owned(catalog.MetricOpenTickets), catalog.LabelCustomer), "{{"+catalog.LabelCustomer+"}}")).
		Min(0).
		DataLinks(customerSeriesLink())
}

func topRiskOverTime(id, y uint32) *timeseries.PanelBuilder {
	return timeseriesPanel(spec{id: id, title: "Top 5 riskiest customers", unit: unitNone, x: 16, y: y, w: 8, h: 8,
		desc: "Risk score (0-100) of the five riskiest customers at each instant; dashed lines mark the orange and red bands."},
		rangeQuery("A", "topk(5, "+catalog.Agg("max", owned(catalog.MetricCustomerRiskScore), catalog.LabelCustomer)+")", "{{"+catalog.LabelCustomer+"}}")).
		Min(0).
		Max(100).
		Thresholds(thresholds(riskThresholds())).
		ThresholdsStyle(common.NewGraphThresholdsStyleConfigBuilder().Mode(common.GraphThresholdsStyleModeDashed)).
		DataLinks(customerSeriesLink())
}
