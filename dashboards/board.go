package dashboards

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
)

// board holds what every custops board shares: a stable UID, the custops tag, a Prometheus
// datasource variable, a shared crosshair and a dropdown linking to the other custops boards.
func board(opts Options, uid, title, desc, from, refresh string) *dashboard.DashboardBuilder {
	return dashboard.NewDashboardBuilder(title).
		Uid(uid).
		Description(desc).
		Tags([]string{Tag}).
		Editable().
		Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		Time(from, "now").
		Refresh(refresh).
		WithVariable(datasourceVariable(opts)).
		Link(dashboard.NewDashboardLinkBuilder("custops").
			Type(dashboard.DashboardLinkTypeDashboards).
			Tags([]string{Tag}).
			AsDropdown(true).
			IncludeVars(true).
			KeepTime(true).
			Tooltip("The other custops boards"))
}

// datasourceVariable lets the viewer pick any Prometheus; its default is opts.DatasourceUID.
func datasourceVariable(opts Options) *dashboard.DatasourceVariableBuilder {
	text := opts.DatasourceUID
	if text == ProvisionedDatasourceUID {
		text = provisionedDatasourceName
	}
	return dashboard.NewDatasourceVariableBuilder(datasourceVar).
		Label("Data source").
		Type("prometheus").
		Current(dashboard.VariableOption{
			Text:  dashboard.StringOrArrayOfString{String: &text},
			Value: dashboard.StringOrArrayOfString{String: &opts.DatasourceUID},
		})
}
