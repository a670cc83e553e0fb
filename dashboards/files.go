package dashboards

import (
	"encoding/json"
	"fmt"
	"path"

	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/custops/custops/internal/yamlfile"
)

// Paths of the generated files, relative to deploy/.
const (
	DashboardsDir       = "grafana/dashboards"
	DashboardsProvision = "grafana/provisioning/dashboards/custops.yml"
	DatasourceProvision = "grafana/provisioning/datasources/prometheus.yml"
)

// GrafanaDashboardsPath is where Grafana reads the boards from: deploy/grafana/dashboards is
// mounted there.
const GrafanaDashboardsPath = "/var/lib/grafana/dashboards/custops"

// PrometheusURL is the provisioned datasource's URL: the prometheus service of the compose file.
const PrometheusURL = "http://prometheus:9090"

// Boards builds every board in a fixed order: overview, customer, exporter.
func Boards(opts Options) ([]dashboard.Dashboard, error) {
	var out []dashboard.Dashboard
	for _, b := range []func(Options) (dashboard.Dashboard, error){Overview, Customer, Exporter} {
		d, err := b(opts)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Files renders the boards and Grafana's provisioning files, keyed by path relative to deploy/.
// The bytes are stable (2-space indent, trailing newline), so a test can compare them with the
// committed files.
func Files(opts Options) (map[string][]byte, error) {
	boards, err := Boards(opts)
	if err != nil {
		return nil, err
	}
	files := make(map[string][]byte, len(boards)+2)
	for _, d := range boards {
		b, err := MarshalDashboard(d)
		if err != nil {
			return nil, err
		}
		files[path.Join(DashboardsDir, *d.Uid+".json")] = b
	}
	if files[DashboardsProvision], err = yamlfile.Encode("", dashboardProvisioning()); err != nil {
		return nil, err
	}
	if files[DatasourceProvision], err = yamlfile.Encode("", datasourceProvisioning()); err != nil {
		return nil, err
	}
	return files, nil
}

// MarshalDashboard renders a board as Grafana reads it: indented JSON with a trailing newline and
// PromQL's <, > and & left readable.
func MarshalDashboard(d dashboard.Dashboard) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("marshal dashboard %s: %w", *d.Uid, err)
	}
	return append(unescapeHTML(b), '\n'), nil
}

// unescapeHTML undoes encoding/json's HTML escaping of <, > and &. The SDK's own MarshalJSON
// methods call json.Marshal, which escapes them whatever the outer encoder is told. Escapes are
// consumed in pairs, so an escaped backslash followed by "u003c" is left alone.
func unescapeHTML(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if b[i+1] == 'u' && i+6 <= len(b) {
			switch string(b[i+2 : i+6]) {
			case "003c":
				out = append(out, '<')
				i += 5
				continue
			case "003e":
				out = append(out, '>')
				i += 5
				continue
			case "0026":
				out = append(out, '&')
				i += 5
				continue
			}
		}
		out = append(out, b[i], b[i+1])
		i++
	}
	return out
}

// dashboardProvider is one entry of Grafana's dashboard provisioning file.
type dashboardProvider struct {
	Name                  string            `yaml:"name"`
	OrgID                 int               `yaml:"orgId"`
	Folder                string            `yaml:"folder"`
	Type                  string            `yaml:"type"`
	DisableDeletion       bool              `yaml:"disableDeletion"`
	AllowUIUpdates        bool              `yaml:"allowUiUpdates"`
	UpdateIntervalSeconds int               `yaml:"updateIntervalSeconds"`
	Options               map[string]string `yaml:"options"`
}

// dashboardProvisioning loads the boards from files. UI edits are refused: the boards are code,
// and an edit made in Grafana would be lost at the next generation.
func dashboardProvisioning() any {
	return struct {
		APIVersion int                 `yaml:"apiVersion"`
		Providers  []dashboardProvider `yaml:"providers"`
	}{1, []dashboardProvider{{
		Name:                  Tag,
		OrgID:                 1,
		Folder:                Tag,
		Type:                  "file",
		DisableDeletion:       true,
		AllowUIUpdates:        false,
		UpdateIntervalSeconds: 30,
		Options:               map[string]string{"path": GrafanaDashboardsPath},
	}}}
}

// datasource is one entry of Grafana's datasource provisioning file.
type datasource struct {
	Name      string         `yaml:"name"`
	Type      string         `yaml:"type"`
	UID       string         `yaml:"uid"`
	Access    string         `yaml:"access"`
	URL       string         `yaml:"url"`
	IsDefault bool           `yaml:"isDefault"`
	Editable  bool           `yaml:"editable"`
	JSONData  map[string]any `yaml:"jsonData"`
}

// datasourceProvisioning declares the Prometheus the boards default to, with the fixed uid the
// datasource variable's default names.
func datasourceProvisioning() any {
	return struct {
		APIVersion  int          `yaml:"apiVersion"`
		Datasources []datasource `yaml:"datasources"`
	}{1, []datasource{{
		Name:      provisionedDatasourceName,
		Type:      "prometheus",
		UID:       ProvisionedDatasourceUID,
		Access:    "proxy",
		URL:       PrometheusURL,
		IsDefault: true,
		Editable:  false,
		JSONData:  map[string]any{"httpMethod": "POST", "timeInterval": "30s"},
	}}}
}
