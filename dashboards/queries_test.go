package dashboards

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/links"
)

func TestQueries(t *testing.T) {
	qs, err := Queries(DefaultOptions())
	if err != nil {
		t.Fatalf("Queries: %v", err)
	}
	perBoard := map[string]int{}
	seen := map[string]bool{}
	for _, q := range qs {
		perBoard[q.Board]++
		key := q.Board + "/" + q.Panel + "/" + q.RefID
		if seen[key] {
			t.Errorf("query %s listed twice", key)
		}
		seen[key] = true
		if q.Panel == "" || q.RefID == "" || q.Expr == "" {
			t.Errorf("got incomplete query %+v", q)
		}
	}
	for _, uid := range []string{links.DashboardOverview, links.DashboardCustomer, links.DashboardExporter} {
		if perBoard[uid] == 0 {
			t.Errorf("board %s: got no queries, want some", uid)
		}
	}
}

// TestUsedMetricsCoverCatalogue: every metric the exporter exposes is shown on some board, so no
// metric is exported for nothing and the live-query test exercises each of them.
func TestUsedMetricsCoverCatalogue(t *testing.T) {
	used, err := UsedMetrics(DefaultOptions())
	if err != nil {
		t.Fatalf("UsedMetrics: %v", err)
	}
	for _, m := range catalog.Catalogue {
		if !used[m] {
			t.Errorf("metric %s: got not shown on any board, want shown", m)
		}
	}
	for m := range used {
		if !slices.Contains(catalog.Catalogue, m) {
			t.Errorf("metric %s: got used, want only catalogue metrics", m)
		}
	}
}

func TestExpand(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"rate interval", `rate(x_total[$__rate_interval])`, `rate(x_total[5m])`},
		{"braced rate interval", `rate(x_total[${__rate_interval}])`, `rate(x_total[5m])`},
		{"interval", `avg_over_time(x[$__interval])`, `avg_over_time(x[1m])`},
		{"range", `increase(x_total[$__range])`, `increase(x_total[1h])`},
		{"customer", `x{customer="$customer"}`, `x{customer="acme"}`},
		{"braced customer", `x{customer="${customer}"}`, `x{customer="acme"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Expand(c.in, "acme"); got != c.want {
				t.Errorf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestMetricNames(t *testing.T) {
	e, err := ParseQuery(`sum by (source) (rate(a_total[$__rate_interval])) / on (source) b + time()`)
	if err != nil {
		t.Fatalf("ParseQuery: %v", err)
	}
	got := MetricNames(e)
	slices.Sort(got)
	if want := []string{"a_total", "b"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestOptions(t *testing.T) {
	if got, want := DefaultOptions().ExporterURL, "http://localhost:10042"; got != want {
		t.Errorf("default ExporterURL: got %s, want %s", got, want)
	}
	opts := Options{ExporterURL: "https://custops.example.com/", DatasourceUID: "prom-eu"}
	bs := generatedBoards(t, opts)
	cust := bs[links.DashboardCustomer]
	want := "https://custops.example.com/customers/${customer}/tickets"
	if !slices.ContainsFunc(cust.Links, func(l lintLink) bool { return l.URL == want }) {
		t.Errorf("customer board links %+v: want one to %s", cust.Links, want)
	}
	for uid, b := range bs {
		t.Run(uid, func(t *testing.T) {
			var parts map[string]json.RawMessage
			if err := json.Unmarshal([]byte(b.raw), &parts); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !strings.Contains(string(parts["templating"]), `"value": "prom-eu"`) {
				t.Errorf("templating %s: want the datasource variable to default to prom-eu", parts["templating"])
			}
			for k, v := range parts {
				if k != "templating" && strings.Contains(string(v), "prom-eu") {
					t.Errorf("%s names the datasource uid, want only ${datasource}", k)
				}
			}
		})
	}
}

func TestZeroOptionsUseDefaults(t *testing.T) {
	a, err := Files(Options{})
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	b, err := Files(DefaultOptions())
	if err != nil {
		t.Fatalf("Files: %v", err)
	}
	for k := range b {
		if string(a[k]) != string(b[k]) {
			t.Errorf("%s: zero Options differ from DefaultOptions", k)
		}
	}
}

// TestOverviewLinksToCustomer: each overview row opens the customer board with its customer.
func TestOverviewLinksToCustomer(t *testing.T) {
	b := generatedBoards(t, DefaultOptions())[links.DashboardOverview]
	want := links.CustomerDashboard("", "${__data.fields.customer}")
	for _, p := range b.panels() {
		if p.Type != "table" {
			continue
		}
		for _, l := range p.FieldConfig.Defaults.Links {
			if strings.HasPrefix(l.URL, want) {
				return
			}
		}
		t.Fatalf("table %q links %+v: want one starting %s", p.Title, p.FieldConfig.Defaults.Links, want)
	}
	t.Fatalf("overview has no table")
}
