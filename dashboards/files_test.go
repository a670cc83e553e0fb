package dashboards

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/cog/plugins"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"gopkg.in/yaml.v3"

	"github.com/custops/custops/links"
)

func TestFilesKeys(t *testing.T) {
	files, err := Files(DefaultOptions())
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	var got []string
	for k := range files {
		got = append(got, k)
	}
	slices.Sort(got)
	want := []string{
		"grafana/dashboards/" + links.DashboardCustomer + ".json",
		"grafana/dashboards/" + links.DashboardExporter + ".json",
		"grafana/dashboards/" + links.DashboardOverview + ".json",
		"grafana/provisioning/dashboards/custops.yml",
		"grafana/provisioning/datasources/prometheus.yml",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("got keys %v, want %v", got, want)
	}
}

func TestFilesStable(t *testing.T) {
	a, err := Files(DefaultOptions())
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	b, err := Files(DefaultOptions())
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	for k, v := range a {
		t.Run(k, func(t *testing.T) {
			if !bytes.Equal(v, b[k]) {
				t.Errorf("two generations differ")
			}
			if !bytes.HasSuffix(v, []byte("\n")) || bytes.HasSuffix(v, []byte("\n\n")) {
				t.Errorf("got ending %q, want exactly one trailing newline", v[max(0, len(v)-5):])
			}
			if strings.HasSuffix(k, ".json") && !bytes.HasPrefix(v, []byte("{\n  \"")) {
				t.Errorf("got start %q, want 2-space indented JSON", v[:min(10, len(v))])
			}
		})
	}
}

// TestDashboardsRoundTrip decodes each board strictly into the SDK's Dashboard (unknown or
// mistyped fields fail) and encodes it again: the bytes must not change.
func TestDashboardsRoundTrip(t *testing.T) {
	plugins.RegisterDefaultPlugins()
	files, err := Files(DefaultOptions())
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	for _, uid := range []string{links.DashboardOverview, links.DashboardCustomer, links.DashboardExporter} {
		t.Run(uid, func(t *testing.T) {
			raw := files[DashboardsDir+"/"+uid+".json"]
			if !json.Valid(raw) {
				t.Fatalf("invalid JSON")
			}
			var strict dashboard.Dashboard
			if err := strictErr(strict.UnmarshalJSONStrict(raw)); err != nil {
				t.Fatalf("strict decode: %v", err)
			}
			var d dashboard.Dashboard
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if d.Uid == nil || *d.Uid != uid {
				t.Fatalf("got uid %v, want %s", d.Uid, uid)
			}
			again, err := MarshalDashboard(d)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			if !bytes.Equal(again, raw) {
				t.Errorf("round trip changed the board:\n got %d bytes\nwant %d bytes\nfirst difference at %d", len(again), len(raw), firstDiff(again, raw))
			}
		})
	}
}

// strictErr undoes the SDK's typed-nil error: UnmarshalJSONStrict returns an empty
// cog.BuildErrors, a non-nil error interface, when nothing went wrong.
func strictErr(err error) error {
	if be, ok := err.(cog.BuildErrors); ok && len(be) == 0 {
		return nil
	}
	return err
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestProvisioning(t *testing.T) {
	files, err := Files(DefaultOptions())
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	var dash struct {
		APIVersion int `yaml:"apiVersion"`
		Providers  []struct {
			Name, Folder, Type string
			Options            map[string]string
		}
	}
	if err := yaml.Unmarshal(files[DashboardsProvision], &dash); err != nil {
		t.Fatalf("dashboards provisioning: %v", err)
	}
	if len(dash.Providers) != 1 {
		t.Fatalf("got %d providers, want 1", len(dash.Providers))
	}
	p := dash.Providers[0]
	if dash.APIVersion != 1 || p.Type != "file" || p.Folder != "custops" || p.Options["path"] != "/var/lib/grafana/dashboards/custops" {
		t.Errorf("got apiVersion %d provider %+v, want a file provider for /var/lib/grafana/dashboards/custops in folder custops", dash.APIVersion, p)
	}

	var ds struct {
		APIVersion  int `yaml:"apiVersion"`
		Datasources []struct {
			Name, Type, UID, URL string
		}
	}
	if err := yaml.Unmarshal(files[DatasourceProvision], &ds); err != nil {
		t.Fatalf("datasource provisioning: %v", err)
	}
	if len(ds.Datasources) != 1 {
		t.Fatalf("got %d datasources, want 1", len(ds.Datasources))
	}
	d := ds.Datasources[0]
	if ds.APIVersion != 1 || d.Type != "prometheus" || d.UID != "prometheus" || d.URL != "http://prometheus:9090" {
		t.Errorf("got apiVersion %d datasource %+v, want prometheus uid prometheus at http://prometheus:9090", ds.APIVersion, d)
	}
	// The datasource variable's default must name the provisioned datasource.
	if DefaultOptions().DatasourceUID != d.UID {
		t.Errorf("got default datasource variable %q, want the provisioned uid %q", DefaultOptions().DatasourceUID, d.UID)
	}
}

func TestUnescapeHTML(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"less", `"a \u003c b"`, `"a < b"`},
		{"greater and amp", `"x \u003e= 1 \u0026 y"`, `"x >= 1 & y"`},
		{"escaped backslash kept", `"\\u003c"`, `"\\u003c"`},
		{"other escapes kept", `"\"q\" \n \u00e9"`, `"\"q\" \n \u00e9"`},
		{"trailing backslash", `\`, `\`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(unescapeHTML([]byte(c.in))); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}
