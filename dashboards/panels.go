package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/gauge"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// Grafana units used by the boards.
const (
	unitNone    = "none"
	unitSeconds = "s"
	unitPercent = "percentunit"
	unitReqPS   = "reqps"
)

// Colours, Grafana's named palette.
const (
	colorGreen  = "green"
	colorOrange = "orange"
	colorRed    = "red"
	colorBlue   = "blue"
)

// spec is what every panel must have: an explicit id and position, a title, a description and a
// unit. Panels are built from a spec so none of them can be left without one.
type spec struct {
	id          uint32
	title, desc string
	unit        string
	x, y, w, h  uint32
}

func (s spec) gridPos() dashboard.GridPos {
	return dashboard.GridPos{X: s.x, Y: s.y, W: s.w, H: s.h}
}

// datasourceRef points at the board's datasource variable, never at a concrete datasource.
func datasourceRef() common.DataSourceRef {
	typ, uid := "prometheus", "${"+datasourceVar+"}"
	return common.DataSourceRef{Type: &typ, Uid: &uid}
}

// rangeQuery is a range query for graphs.
func rangeQuery(ref, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(datasourceRef()).
		RefId(ref).
		Expr(expr).
		LegendFormat(legend).
		Range()
}

// instantQuery is an instant query for panels that show only the current value.
func instantQuery(ref, expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(datasourceRef()).
		RefId(ref).
		Expr(expr).
		LegendFormat(legend).
		Instant()
}

// tableQuery is an instant query in table format, one row per series, for joined tables.
func tableQuery(ref, expr string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().
		Datasource(datasourceRef()).
		RefId(ref).
		Expr(expr).
		Format(prometheus.PromQueryFormatTable).
		Instant()
}

// step is one threshold step: from at upwards, colour.
type step struct {
	at    float64
	color string
}

// levels are absolute thresholds: base colour below the first step.
func levels(base string, steps ...step) dashboard.ThresholdsConfig {
	all := []dashboard.Threshold{{Color: base}}
	for _, s := range steps {
		all = append(all, dashboard.Threshold{Value: &s.at, Color: s.color})
	}
	return dashboard.ThresholdsConfig{Mode: dashboard.ThresholdsModeAbsolute, Steps: all}
}

// thresholdsValue is levels as an override value. Override values are untyped in the SDK and come
// back from JSON as maps, so they are written as maps too: the file then round-trips byte for byte.
func thresholdsValue(cfg dashboard.ThresholdsConfig) map[string]any {
	steps := make([]map[string]any, 0, len(cfg.Steps))
	for _, s := range cfg.Steps {
		var v any
		if s.Value != nil {
			v = *s.Value
		}
		steps = append(steps, map[string]any{"color": s.Color, "value": v})
	}
	return map[string]any{"mode": string(cfg.Mode), "steps": steps}
}

// thresholds is the builder form of levels, for a panel's defaults.
func thresholds(cfg dashboard.ThresholdsConfig) *dashboard.ThresholdsConfigBuilder {
	return dashboard.NewThresholdsConfigBuilder().Mode(cfg.Mode).Steps(cfg.Steps)
}

// noThresholds is a single base colour, for panels whose colour carries no judgement.
func noThresholds() *dashboard.ThresholdsConfigBuilder { return thresholds(levels(colorGreen)) }

// prop is one override property.
func prop(id string, value any) dashboard.DynamicConfigValue {
	return dashboard.DynamicConfigValue{Id: id, Value: value}
}

// dashed draws a series as a dashed line: the contractual target and configured intervals, so a
// reference line never looks like a measurement.
func dashed() []dashboard.DynamicConfigValue {
	return []dashboard.DynamicConfigValue{
		prop("custom.lineStyle", map[string]any{"fill": "dash", "dash": []float64{10, 10}}),
		prop("custom.fillOpacity", 0),
	}
}

// fixedColor paints a field in one colour.
func fixedColor(color string) dashboard.DynamicConfigValue {
	return prop("color", map[string]any{"mode": "fixed", "fixedColor": color})
}

// legend is a bottom list legend.
func legend() *common.VizLegendOptionsBuilder {
	return common.NewVizLegendOptionsBuilder().
		DisplayMode(common.LegendDisplayModeList).
		Placement(common.LegendPlacementBottom).
		ShowLegend(true)
}

// lastValue reduces each series to its last non-null value.
func lastValue() *common.ReduceDataOptionsBuilder {
	return common.NewReduceDataOptionsBuilder().Calcs([]string{"lastNotNull"}).Values(false)
}

// timeseriesPanel is a line graph.
func timeseriesPanel(s spec, targets ...*prometheus.DataqueryBuilder) *timeseries.PanelBuilder {
	b := timeseries.NewPanelBuilder().
		Id(s.id).
		Title(s.title).
		Description(s.desc).
		Unit(s.unit).
		GridPos(s.gridPos()).
		Datasource(datasourceRef()).
		Thresholds(noThresholds()).
		Legend(legend()).
		LineWidth(1).
		FillOpacity(10).
		ShowPoints(common.VisibilityModeNever)
	for _, t := range targets {
		b.WithTarget(t)
	}
	return b
}

// statPanel is a big number per series.
func statPanel(s spec, targets ...*prometheus.DataqueryBuilder) *stat.PanelBuilder {
	b := stat.NewPanelBuilder().
		Id(s.id).
		Title(s.title).
		Description(s.desc).
		Unit(s.unit).
		GridPos(s.gridPos()).
		Datasource(datasourceRef()).
		ReduceOptions(lastValue()).
		Orientation(common.VizOrientationAuto).
		ColorMode(common.BigValueColorModeValue).
		GraphMode(common.BigValueGraphModeArea).
		TextMode(common.BigValueTextModeAuto)
	for _, t := range targets {
		b.WithTarget(t)
	}
	return b
}

// gaugePanel is a dial between lo and hi.
func gaugePanel(s spec, lo, hi float64, targets ...*prometheus.DataqueryBuilder) *gauge.PanelBuilder {
	b := gauge.NewPanelBuilder().
		Id(s.id).
		Title(s.title).
		Description(s.desc).
		Unit(s.unit).
		GridPos(s.gridPos()).
		Datasource(datasourceRef()).
		Min(lo).
		Max(hi).
		ReduceOptions(lastValue()).
		Orientation(common.VizOrientationAuto).
		ShowThresholdMarkers(true)
	for _, t := range targets {
		b.WithTarget(t)
	}
	return b
}

// bargaugeBuilder is the SDK's bar gauge builder; the alias keeps panel function signatures short.
type bargaugeBuilder = bargauge.PanelBuilder

// barGaugePanel is one horizontal bar per series, for breakdowns at this instant.
func barGaugePanel(s spec, targets ...*prometheus.DataqueryBuilder) *bargauge.PanelBuilder {
	b := bargauge.NewPanelBuilder().
		Id(s.id).
		Title(s.title).
		Description(s.desc).
		Unit(s.unit).
		GridPos(s.gridPos()).
		Datasource(datasourceRef()).
		Min(0).
		ReduceOptions(lastValue()).
		Orientation(common.VizOrientationHorizontal).
		DisplayMode(common.BarGaugeDisplayModeGradient).
		ValueMode(common.BarGaugeValueModeColor).
		NamePlacement(common.BarGaugeNamePlacementLeft).
		ShowUnfilled(true)
	for _, t := range targets {
		b.WithTarget(t)
	}
	return b
}

// tablePanel is a table of joined instant queries.
func tablePanel(s spec, targets ...*prometheus.DataqueryBuilder) *table.PanelBuilder {
	b := table.NewPanelBuilder().
		Id(s.id).
		Title(s.title).
		Description(s.desc).
		Unit(s.unit).
		GridPos(s.gridPos()).
		Datasource(datasourceRef()).
		ShowHeader(true).
		CellHeight(common.TableCellHeightSm).
		Footer(common.NewTableFooterOptionsBuilder().Show(false).Reducer([]string{})).
		Thresholds(noThresholds())
	for _, t := range targets {
		b.WithTarget(t)
	}
	return b
}
