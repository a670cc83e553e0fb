// Package dashboards builds custops' Grafana dashboards as code with grafana-foundation-sdk, so
// that a metric rename in package collector breaks the build instead of a board.
//
// Three boards: Customer overview (every customer ranked by risk), Customer detail (one customer,
// customer-safe, sized for one 1920x1080 screenshot) and Exporter health. Files renders them, with
// Grafana's provisioning files, into the tree under deploy/.
package dashboards

import (
	"github.com/custops/custops/links"
)

// ProvisionedDatasourceUID is the fixed uid of the Prometheus datasource that Files provisions, so
// the boards' datasource variable has a default that exists on a fresh Grafana.
const ProvisionedDatasourceUID = "prometheus"

// provisionedDatasourceName is the display name of the provisioned datasource.
const provisionedDatasourceName = "Prometheus"

// Tag is put on every board; the boards' "custops" dashboard links list boards by it.
const Tag = "custops"

// Options are the knobs of the generated boards.
type Options struct {
	// ExporterURL is where the exporter serves its ticket pages, as the browser reaches it.
	ExporterURL string
	// DatasourceUID is only the default of the datasource variable: queries always use
	// ${datasource}, so a board works against any Prometheus the viewer picks.
	DatasourceUID string
}

// DefaultOptions returns the options the committed files under deploy/ are generated with.
func DefaultOptions() Options {
	return Options{
		ExporterURL:   "http://localhost" + links.DefaultListenAddress,
		DatasourceUID: ProvisionedDatasourceUID,
	}
}

// withDefaults fills empty fields, so a zero Options still yields working boards.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.ExporterURL == "" {
		o.ExporterURL = d.ExporterURL
	}
	if o.DatasourceUID == "" {
		o.DatasourceUID = d.DatasourceUID
	}
	return o
}
