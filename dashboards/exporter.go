package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/links"
)

// Exporter is the Exporter health board: is the data fresh, and what does polling cost upstream.
func Exporter(opts Options) (dashboard.Dashboard, error) {
	opts = opts.withDefaults()
	b := board(opts, links.DashboardExporter, "custops / Exporter health",
		"Source polling, upstream API usage, data quality and snapshot freshness of the custops exporter. Stale data shows here first.",
		"now-6h", "30s")
	for _, p := range []cog.Builder[dashboard.Panel]{
		// Row 1, y=0 h=4: is it healthy now.
		sourcesUpStat(1, 0), lastSuccessStat(2, 6), snapshotAgeStat(3, 12), reloadStat(4, 16), buildStat(5, 20),
		// Row 2, y=4 h=8: polling and the upstream APIs.
		pollDurationGraph(6, 0), requestsGraph(7, 8), rateLimitGraph(8, 16),
		// Row 3, y=12 h=8: what the exporter holds.
		ticketsHeldGraph(9, 0), dataQualityGraph(10, 8), snapshotDurationGraph(11, 16),
		// Row 4, y=20 h=8: whether the sources' clocks can be trusted.
		clockSkewGraph(12, 0),
		// Row 5, y=28 h=8: what an outage mutes and who gets paged.
		dataAgeGraph(13, 0), customersPerSourceStat(14, 8), severityTable(15, 16),
	} {
		b.WithPanel(p)
	}
	return b.Build()
}

// upDownMappings shows 1/0 health gauges as words with their colour.
func upDownMappings(up, down string) []dashboard.ValueMapping {
	green, red := colorGreen, colorRed
	return []dashboard.ValueMapping{{ValueMap: &dashboard.ValueMap{
		Type: dashboard.MappingTypeValueToText,
		Options: map[string]dashboard.ValueMappingResult{
			"1": {Text: &up, Color: &green},
			"0": {Text: &down, Color: &red},
		},
	}}}
}

func sourcesUpStat(id, x uint32) *stat.PanelBuilder {
	s := catalog.LabelSource
	return statPanel(spec{id: id, title: "Sources up", unit: unitNone, x: x, y: 0, w: 6, h: 4,
		desc: "Whether each source's last poll succeeded. A down source keeps serving its last good data, which then goes stale."},
		rangeQuery("A", catalog.Agg("max", catalog.MetricSourceUp, s), "{{"+s+"}}")).
		Mappings(upDownMappings("UP", "DOWN")).
		Thresholds(thresholds(levels(colorRed, step{1, colorGreen}))).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone).
		TextMode(common.BigValueTextModeValueAndName)
}

func lastSuccessStat(id, x uint32) *stat.PanelBuilder {
	s := catalog.LabelSource
	return statPanel(spec{id: id, title: "Since last successful poll", unit: unitSeconds, x: x, y: 0, w: 6, h: 4,
		desc: "Time since each source's last successful poll. Fixed bands: orange from 5 minutes, red from 15 minutes (default poll interval 1m)."},
		rangeQuery("A", "time() - "+catalog.Agg("max", catalog.MetricSourceLastSuccessTimestamp, s), "{{"+s+"}}")).
		Thresholds(thresholds(levels(colorGreen, step{300, colorOrange}, step{900, colorRed}))).
		Decimals(0).
		TextMode(common.BigValueTextModeValueAndName)
}

func snapshotAgeStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Snapshot age", unit: unitSeconds, x: x, y: 0, w: 4, h: 4,
		desc: "Time since the served snapshot was computed; every customer metric is this old. Fixed bands: orange from 5 minutes, red from 15."},
		rangeQuery("A", "time() - "+catalog.Agg("max", catalog.MetricSnapshotTimestamp), "age")).
		Thresholds(thresholds(levels(colorGreen, step{300, colorOrange}, step{900, colorRed}))).
		Decimals(0)
}

func reloadStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Config reload", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Whether the last configuration reload (SIGHUP, or PUT /-/reload with --web.enable-lifecycle) succeeded. A failed reload keeps the previous config."},
		rangeQuery("A", catalog.Agg("min", catalog.MetricConfigLastReloadSuccessful), "reload")).
		Mappings(upDownMappings("OK", "FAILED")).
		Thresholds(thresholds(levels(colorRed, step{1, colorGreen}))).
		ColorMode(common.BigValueColorModeBackground).
		GraphMode(common.BigValueGraphModeNone)
}

func buildStat(id, x uint32) *stat.PanelBuilder {
	return statPanel(spec{id: id, title: "Version", unit: unitNone, x: x, y: 0, w: 4, h: 4,
		desc: "Version and revision of the running exporter (custops_build_info)."},
		instantQuery("A", catalog.MetricBuildInfo, "{{version}} ({{revision}})")).
		Thresholds(thresholds(levels(colorBlue))).
		GraphMode(common.BigValueGraphModeNone).
		TextMode(common.BigValueTextModeName).
		ColorMode(common.BigValueColorModeNone)
}

func pollDurationGraph(id, x uint32) *timeseries.PanelBuilder {
	s := catalog.LabelSource
	return timeseriesPanel(spec{id: id, title: "Poll duration", unit: unitSeconds, x: x, y: 4, w: 8, h: 8,
		desc: "How long each source's last poll took (solid) against its configured poll interval (dashed). " +
			"A poll longer than the interval makes the poller skip ticks."},
		rangeQuery("A", catalog.Agg("max", catalog.MetricSourcePollDuration, s), "{{"+s+"}}"),
		rangeQuery("B", catalog.Agg("max", catalog.MetricSourcePollInterval, s), "{{"+s+"}} interval")).
		Min(0).
		OverrideByQuery("B", dashed())
}

func requestsGraph(id, x uint32) *timeseries.PanelBuilder {
	s, c := catalog.LabelSource, catalog.LabelCode
	return timeseriesPanel(spec{id: id, title: "API requests by status code", unit: unitReqPS, x: x, y: 4, w: 8, h: 8,
		desc: "Requests per second the exporter made to each ticketing API, by HTTP status code. 429s mean rate limiting, 5xx upstream trouble."},
		rangeQuery("A", catalog.Agg("sum", "rate("+catalog.MetricSourceRequestsTotal+"["+rateInterval+"])", s, c), "{{"+s+"}} {{"+c+"}}")).
		Min(0)
}

func rateLimitGraph(id, x uint32) *timeseries.PanelBuilder {
	s := catalog.LabelSource
	return timeseriesPanel(spec{id: id, title: "Rate-limit waits", unit: unitNone, x: x, y: 4, w: 8, h: 8,
		desc: "Times per interval a source waited because the API asked it to (429 with Retry-After, or a rate-limit header)."},
		rangeQuery("A", catalog.Agg("sum", "increase("+catalog.MetricSourceRateLimitWaitsTotal+"["+rateInterval+"])", s), "{{"+s+"}}")).
		Min(0).
		DrawStyle(common.GraphDrawStyleBars)
}

func ticketsHeldGraph(id, x uint32) *timeseries.PanelBuilder {
	s := catalog.LabelSource
	return timeseriesPanel(spec{id: id, title: "Tickets held", unit: unitNone, x: x, y: 12, w: 8, h: 8,
		desc: "Tickets each source has in the exporter's store. A sudden drop means a reconcile removed tickets or the scope changed."},
		rangeQuery("A", catalog.Agg("max", catalog.MetricSourceTickets, s), "{{"+s+"}}")).
		Min(0)
}

func dataQualityGraph(id, x uint32) *timeseries.PanelBuilder {
	s, c := catalog.LabelSource, catalog.LabelCheck
	return timeseriesPanel(spec{id: id, title: "Data quality", unit: unitNone, x: x, y: 12, w: 8, h: 8,
		desc: "Tickets failing a data-quality check, per source: unmapped_customer (no customer rule matched), " +
			"unknown_priority, unknown_status, unknown_channel (mapped to a default). Fix the source mappings in the config. " +
			"truncated_field: a summary, labels, organizations or a field value past custops' limits, stored cut. " +
			"unsupported_sla: an SLA the vendor measures that custops does not read (a Zendesk group SLA). " +
			"reporter_email_hidden: the vendor withholds the reporter's email (privacy settings), so reporter_domain rules cannot match it."},
		rangeQuery("A", catalog.Agg("sum", catalog.MetricDataQualityTickets, s, c), "{{"+s+"}} {{"+c+"}}")).
		Min(0)
}

func clockSkewGraph(id, x uint32) *timeseries.PanelBuilder {
	s := catalog.LabelSource
	return timeseriesPanel(spec{id: id, title: "Source clock skew", unit: unitSeconds, x: x, y: 20, w: 24, h: 8,
		desc: "How far each source's clock (the Date header of its answers) is ahead of the exporter's; negative when behind. " +
			"Cursors never pass the source's own time, so skew costs re-reads, never lost changes; minutes of skew on either side " +
			"still skew ages and time-left between polls: fix NTP on the side that is off."},
		rangeQuery("A", catalog.Agg("max", catalog.MetricSourceClockSkew, s), "{{"+s+"}}"))
}

func snapshotDurationGraph(id, x uint32) *timeseries.PanelBuilder {
	return timeseriesPanel(spec{id: id, title: "Snapshot duration", unit: unitSeconds, x: x, y: 12, w: 8, h: 8,
		desc: "How long computing the last snapshot from the store took. It runs after every poll, off the scrape path."},
		rangeQuery("A", catalog.Agg("max", catalog.MetricSnapshotDuration), "snapshot")).
		Min(0)
}

func dataAgeGraph(id, x uint32) *timeseries.PanelBuilder {
	s := catalog.LabelSource
	return timeseriesPanel(spec{id: id, title: "Data age against the stale threshold", unit: unitSeconds, x: x, y: 28, w: 8, h: 8,
		desc: "Time since each source's last successful poll (solid) against its stale threshold, the poll interval times stale_after_polls (dashed). " +
			"Above the dashed line the pages show a banner and CustopsSourceStale fires."},
		rangeQuery("A", "time() - "+catalog.Agg("max", catalog.MetricSourceLastSuccessTimestamp, s), "{{"+s+"}}"),
		rangeQuery("B", catalog.Agg("max", catalog.MetricSourceStaleAfter, s), "{{"+s+"}} stale after")).
		Min(0).
		OverrideByQuery("B", dashed())
}

func customersPerSourceStat(id, x uint32) *stat.PanelBuilder {
	s := catalog.LabelSource
	return statPanel(spec{id: id, title: "Customers per source", unit: unitNone, x: x, y: 28, w: 8, h: 8,
		desc: "Customers whose tickets each source holds: while a source is down or stale, these customers' alerts are inhibited, and no others."},
		instantQuery("A", "count "+catalog.By(s)+" ("+catalog.Agg("max", catalog.MetricCustomerSourceInfo, catalog.LabelCustomer, s)+")", "{{"+s+"}}")).
		Thresholds(thresholds(levels(colorBlue))).
		GraphMode(common.BigValueGraphModeNone).
		TextMode(common.BigValueTextModeValueAndName).
		ColorMode(common.BigValueColorModeNone)
}

func severityTable(id, x uint32) *table.PanelBuilder {
	return tablePanel(spec{id: id, title: "SLA alert severity", unit: unitNone, x: x, y: 28, w: 8, h: 8,
		desc: "The severity of CustopsSLABreachImminent and CustopsSLABreached per tier and priority, from the config's sla_severity: " +
			"critical pages, warning goes to the queue, info notifies nobody."},
		tableQuery("A", catalog.Agg("max", catalog.MetricSLAAlertSeverityInfo, catalog.LabelTier, catalog.LabelPriority, catalog.LabelSeverity))).
		Transformations([]dashboard.DataTransformerConfig{
			{Id: "organize", Options: map[string]any{
				"excludeByName": map[string]any{"Time": true, "Value": true},
				"indexByName":   map[string]any{catalog.LabelTier: 0, catalog.LabelPriority: 1, catalog.LabelSeverity: 2},
			}},
		})
}
