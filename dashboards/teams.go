package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/custops/custops/collector/catalog"
)

// Where tickets wait (the config's teams): a row on the customer board and a team view on the
// overview. Series are per team id; the legends show the id, which the config names as people
// say it (engineering, support); the team view joins custops_team_info for the display names.

// waitingNowBars: the customer's open tickets by the team they wait on now.
func waitingNowBars(id, x uint32) *bargaugeBuilder {
	t := catalog.LabelTeam
	return barGaugePanel(spec{id: id, title: "Waiting on, now", unit: unitNone, x: x, y: 25, w: 8, h: 5,
		desc: "Open tickets by the team they wait on now (the first team of the config whose rules match: a state, status, group, component, team field or linked issue). Empty without teams in the config."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricTeamOpenTickets), t), "{{"+t+"}}")).
		Thresholds(thresholds(levels(colorBlue))).
		NoValue("no teams configured")
}

// waitedBars: how long the customer's tickets resolved in 30 days waited on each team, in all.
func waitedBars(id, x uint32) *bargaugeBuilder {
	t := catalog.LabelTeam
	return barGaugePanel(spec{id: id, title: "Time waited by team, 30d", unit: unitSeconds, x: x, y: 25, w: 8, h: 5,
		desc: "For the tickets resolved in the last 30 days, the total time they waited on each team, over every stay with it (reassignments included)."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricTeamWaitSeconds+"_sum", catalog.Eq(catalog.LabelWindow, catalog.Window30d)), t), "{{"+t+"}}")).
		Thresholds(thresholds(levels(colorBlue))).
		NoValue("no teams configured")
}

// olaStat: the customer's tickets past or near their team's OLA.
func olaStat(id, x uint32) *stat.PanelBuilder {
	t := catalog.LabelTeam
	return statPanel(spec{id: id, title: "Team OLA breached / at risk", unit: unitNone, x: x, y: 25, w: 8, h: 5,
		desc: "Open tickets whose running OLA cycle with a team is past the team's target (breached) or within its at-risk threshold, per team with an OLA."},
		instantQuery("A", catalog.Agg("sum", cust(catalog.MetricTeamOLABreachedTickets), t), "{{"+t+"}} breached"),
		instantQuery("B", catalog.Agg("sum", cust(catalog.MetricTeamOLAAtRiskTickets), t), "{{"+t+"}} at risk")).
		Thresholds(thresholds(countThresholds(colorOrange))).
		TextMode(common.BigValueTextModeValueAndName).
		GraphMode(common.BigValueGraphModeNone).
		NoValue("no team OLA")
}

// teamTable is the overview's team view: per team, for the owner's customers, the tickets
// waiting now, the longest current wait, the OLA breaches and risks and the time waited in 30
// days, with the team's name.
func teamTable(id, y uint32) *table.PanelBuilder {
	t := catalog.LabelTeam
	cols := []struct {
		ref, title, expr string
		props            []dashboard.DynamicConfigValue
	}{
		{"B", "Waiting now", catalog.Agg("sum", owned(catalog.MetricTeamOpenTickets), t), nil},
		{"C", "Longest wait", "time() - " + catalog.Agg("min", owned(catalog.MetricTeamOldestWaitStart), t), []dashboard.DynamicConfigValue{prop("unit", unitSeconds)}},
		{"D", "OLA breached", catalog.Agg("sum", owned(catalog.MetricTeamOLABreachedTickets), t), []dashboard.DynamicConfigValue{
			prop("thresholds", thresholdsValue(countThresholds(colorRed))), prop("custom.cellOptions", map[string]any{"type": "color-text"})}},
		{"E", "OLA at risk", catalog.Agg("sum", owned(catalog.MetricTeamOLAAtRiskTickets), t), []dashboard.DynamicConfigValue{
			prop("thresholds", thresholdsValue(countThresholds(colorOrange))), prop("custom.cellOptions", map[string]any{"type": "color-text"})}},
		{"G", "Next OLA breach in", catalog.Agg("min", owned(catalog.MetricTeamOLANextBreach), t) + " - time()", []dashboard.DynamicConfigValue{prop("unit", unitSeconds)}},
		{"F", "Waited 30d", catalog.Agg("sum", owned(catalog.Sel(catalog.MetricTeamWaitSeconds+"_sum", catalog.Eq(catalog.LabelWindow, catalog.Window30d))), t), []dashboard.DynamicConfigValue{prop("unit", unitSeconds)}},
	}
	targets := []*prometheus.DataqueryBuilder{tableQuery("A", catalog.Agg("max", catalog.MetricTeamInfo, t, catalog.LabelName))}
	keep := []any{t, catalog.LabelName}
	rename := map[string]any{t: "Team id", catalog.LabelName: "Team"}
	for _, c := range cols {
		targets = append(targets, tableQuery(c.ref, c.expr))
		keep = append(keep, "Value #"+c.ref)
		rename["Value #"+c.ref] = c.title
	}
	b := tablePanel(spec{id: id, title: "Where tickets wait, by team", unit: unitNone, x: 0, y: y, w: 16, h: 8,
		desc: "Per team of the config, for the customers of the owner picked above: open tickets waiting on it now, the longest current wait, " +
			"open tickets past (or near) the team's OLA and when the next one breaches, and the time tickets resolved in 30 days waited on it in all."},
		targets...).
		Transformations([]dashboard.DataTransformerConfig{
			{Id: "joinByField", Options: map[string]any{"byField": t, "mode": "outer"}},
			{Id: "filterFieldsByName", Options: map[string]any{"include": map[string]any{"names": keep}}},
			{Id: "organize", Options: map[string]any{"renameByName": rename, "excludeByName": map[string]any{}}},
		})
	for _, c := range cols {
		if c.props != nil {
			b.OverrideByName(c.title, c.props)
		}
	}
	return b
}

// olaOverTime: OLA breaches per team over time, for the owner's customers.
func olaOverTime(id, y uint32) *timeseries.PanelBuilder {
	t := catalog.LabelTeam
	return timeseriesPanel(spec{id: id, title: "OLA breaches by team", unit: unitNone, x: 16, y: y, w: 8, h: 8,
		desc: "Open tickets past their team's OLA target, per team, for the customers of the owner picked above."},
		rangeQuery("A", catalog.Agg("sum", owned(catalog.MetricTeamOLABreachedTickets), t), "{{"+t+"}}")).
		Min(0)
}

// recordsStat: what keeps the customer records from being true, by kind (the Records page).
func recordsStat(id, x, y uint32, recordsURL string) *stat.PanelBuilder {
	k := catalog.LabelRecord
	return statPanel(spec{id: id, title: "Customer records to fix", unit: unitNone, x: x, y: y, w: 24, h: 4,
		desc: "Organizations on tickets that map to no customer, customers with no ticket in 30 days, customers matched on one desk only, tickets whose customer changed. The panel link opens the exporter's Records page."},
		instantQuery("A", catalog.Agg("max", catalog.MetricRecordsDrift, k), "{{"+k+"}}")).
		Thresholds(thresholds(countThresholds(colorOrange))).
		TextMode(common.BigValueTextModeValueAndName).
		GraphMode(common.BigValueGraphModeNone).
		Links(recordsLinks(recordsURL))
}

// ownerVariable picks the owners whose customers the overview shows: "my customers".
func ownerVariable() *dashboard.QueryVariableBuilder {
	q := "label_values(" + catalog.MetricCustomerInfo + ", " + catalog.LabelOwner + ")"
	all := ".*"
	return dashboard.NewQueryVariableBuilder(ownerVar).
		Label("Owner").
		Description("Show the customers of these owners (the customer's owner in the config, or its organization's owner field); All shows every customer, with or without an owner.").
		Datasource(datasourceRef()).
		Query(dashboard.StringOrMap{String: &q}).
		Definition(q).
		Refresh(dashboard.VariableRefreshOnDashboardLoad).
		Sort(dashboard.VariableSortAlphabeticalAsc).
		Multi(true).
		IncludeAll(true).
		AllValue(all).
		Current(dashboard.VariableOption{Text: dashboard.StringOrArrayOfString{String: strPtr("All")}, Value: dashboard.StringOrArrayOfString{String: strPtr("$__all")}})
}

func strPtr(s string) *string { return &s }

// recordsLinks opens the exporter's Records page.
func recordsLinks(url string) []cog.Builder[dashboard.DashboardLink] {
	return []cog.Builder[dashboard.DashboardLink]{dashboard.NewDashboardLinkBuilder("Records page").Url(url).TargetBlank(true)}
}
