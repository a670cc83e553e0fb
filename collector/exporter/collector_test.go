package exporter

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/prometheus/common/expfmt"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

type fakeState struct {
	view   *poller.View
	reload bool
}

func (f fakeState) View() *poller.View     { return f.view }
func (f fakeState) ReloadSuccessful() bool { return f.reload }

// withSnapshot is v with another snapshot: a new view, as the poller publishes.
func withSnapshot(v *poller.View, s *snapshot.Snapshot) *poller.View {
	c := *v
	c.Snapshot = s
	return &c
}

var at = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// testCustomer builds a customer with a few non-zero numbers in every family.
func testCustomer(id string) snapshot.Customer {
	c := snapshot.Customer{ID: id, Name: "Northwind Payments", Tier: "gold", CSM: "A. Person", Sources: []string{"jsm"}, Owner: "a.person"}
	c.NextBreach[0] = at.Add(10 * time.Minute) // p1
	c.NextBreach[2] = at.Add(3 * time.Hour)    // p3
	c.Open[0][1] = 2                           // p1 in_progress
	c.Open[2][0] = 5                           // p3 new
	c.Age[2][3] = 1                            // p3 7d_30d
	c.OldestCreated[2] = at.Add(-9 * 24 * time.Hour)
	c.Escalated[1] = 1
	c.Incidents[0] = 1
	c.SLAs = []snapshot.SLA{
		{Name: ticket.SLAFirstResponse, Target: 0.95, NextBreach: at.Add(10 * time.Minute),
			Met: []float64{3, 10, 40}, BreachedCycles: []float64{0, 1, 2}},
		{Name: ticket.SLAResolution, Target: 0.95, Breached: snapshot.PerPriority{1, 0, 0, 0},
			AtRisk: snapshot.PerPriority{0, 1, 0, 0}, Met: []float64{0, 0, 0}, BreachedCycles: []float64{0, 0, 0}},
	}
	for _, w := range catalog.Windows {
		tr := snapshot.Trend{Window: w.Name, ByChannel: map[ticket.Channel]float64{}}
		if w.Name != "1d" {
			tr.Created, tr.Resolved, tr.Reopened = 10, 8, 1
			tr.ByChannel[ticket.ChannelPortal], tr.ByChannel[ticket.ChannelAgent] = 7, 3
			tr.OfficialRatio = 0.7
			tr.CSATGood, tr.CSATBad = 4, 1
		}
		c.Trends = append(c.Trends, tr)
	}
	c.ResponseTime = snapshot.Summary{Count: 3, Sum: 600, Quantiles: map[float64]float64{0.5: 180, 0.9: 300}}
	c.ResolutionTime = snapshot.Summary{} // nothing resolved: NaN quantiles
	// The category breakdown at its bound for top_categories 5: five names and other.
	c.CategoryWindow = catalog.Window30d
	c.Categories = []snapshot.CategoryCount{{Name: "Billing", Count: 4}, {Name: "Access", Count: 2}, {Name: "Card payments", Count: 2}, {Name: "Disputes", Count: 1}, {Name: "uncategorized", Count: 1}, {Name: "other", Count: 1}}
	// Four teams, two with an OLA, every series present: where the budget is reached.
	waited := func(n uint64) []snapshot.Summary {
		return []snapshot.Summary{
			{Count: n, Sum: float64(n) * 3600, Quantiles: map[float64]float64{0.5: 3600, 0.9: 7200}},
			{Count: 2 * n, Sum: float64(n) * 9000, Quantiles: map[float64]float64{0.5: 3600, 0.9: 10800}},
		}
	}
	c.Teams = []snapshot.TeamStat{
		{ID: "customer", Name: "Customer", Open: 1, OldestSince: at.Add(-2 * time.Hour), Waited: waited(2)},
		{ID: "engineering", Name: "Engineering", Open: 2, OldestSince: at.Add(-50 * time.Hour), Waited: waited(3),
			HasOLA: true, OLABreached: 1, OLAAtRisk: 1, OLANextBreach: at.Add(3 * time.Hour)},
		{ID: "product", Name: "Product", Open: 1, OldestSince: at.Add(-9 * 24 * time.Hour), Waited: waited(1),
			HasOLA: true, OLANextBreach: at.Add(30 * time.Hour)},
		{ID: "support", Name: "Technical Support", Open: 3, OldestSince: at.Add(-time.Hour), Waited: []snapshot.Summary{{}, {}}},
	}
	c.Risk = 42.5
	c.RiskFactors = map[string]float64{catalog.FactorBreached: 8.3, catalog.FactorAtRisk: 3, catalog.FactorIncidents: 7.5}
	return c
}

// testTeams are the teams of testCustomer, for custops_team_info.
func testTeams() []config.Team {
	return []config.Team{
		{ID: "customer", Name: "Customer"}, {ID: "engineering", Name: "Engineering"},
		{ID: "product", Name: "Product"}, {ID: "support", Name: "Technical Support"},
	}
}

func testState() fakeState {
	stats := source.NewStats()
	stats.Request("search", "200")
	stats.Request("search", "200")
	stats.Request("search", "429")
	stats.RateLimitWait(2 * time.Second)
	stats.ClockSkew(-3 * time.Second)
	return fakeState{reload: true, view: &poller.View{
		Config: &config.Config{
			StaleAfterPolls: 3,
			Customers:       []config.Customer{{ID: "northwind", Tier: "gold"}},
			Tiers:           map[string]config.Tier{"gold": {SLASeverity: config.SeverityByPriority{ticket.P2: config.SeverityCritical}}},
			Teams:           testTeams(),
		},
		Took: 120 * time.Millisecond,
		Snapshot: &snapshot.Snapshot{
			At: at,
			Records: snapshot.Records{
				Unmapped:   []snapshot.UnmappedOrganization{{Source: "jsm", Name: "Northwind Payments Ltd", Tickets: 2, Open: 1}},
				Quiet:      []string{"globex"},
				MovedCount: 1,
			},
			Customers: []snapshot.Customer{testCustomer("northwind")},
			DataQuality: []snapshot.DataQuality{
				{Source: "jsm", Check: ticket.QualityUnmappedCustomer, Count: 2},
				{Source: "jsm", Check: ticket.QualityUnknownPriority, Count: 0},
			},
		},
		Sources: []poller.SourceHealth{{
			Name: "jsm", Up: true, LastSuccess: at.Add(-30 * time.Second), PollDuration: 1500 * time.Millisecond,
			PollInterval: time.Minute, Tickets: 1234, Stats: stats,
		}},
	}}
}

func TestCollectGolden(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(New(testState()))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			t.Fatal(err)
		}
	}
	golden := filepath.Join("testdata", "collector.prom")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./collector/exporter -update to create it)", err)
	}
	if err := testutil.GatherAndCompare(reg, bytes.NewReader(want)); err != nil {
		t.Errorf("exposition differs from %s (go test ./collector/exporter -update rewrites it):\n%v", golden, err)
	}
}

func TestCollectLintsClean(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(New(testState()))
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("lint: %s: %s", p.Metric, p.Text)
	}
}

func TestCollectSeriesPerCustomerWithinBudget(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(New(testState()))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	series := 0
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == catalog.LabelCustomer && l.GetValue() == "northwind" {
					series++
					if mf.GetType().String() == "SUMMARY" {
						series += len(m.GetSummary().GetQuantile()) + 1 // _sum and _count beside the quantiles
					}
				}
			}
		}
	}
	// Five categories and other, four teams of which two have an OLA: the budget with teams
	// and categories on.
	if budget := catalog.SeriesBudget(5, 4, 2); series > budget {
		t.Errorf("one customer renders %d series, over the budget of %d", series, budget)
	}
	t.Logf("series for one customer with two SLAs: %d", series)
}

func TestCollectAbsentValues(t *testing.T) {
	st := testState()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(New(st))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, mf := range mfs {
		got[mf.GetName()] = len(mf.GetMetric())
		if mf.GetName() == catalog.MetricResolutionTimeSeconds {
			for _, q := range mf.GetMetric()[0].GetSummary().GetQuantile() {
				if !math.IsNaN(q.GetValue()) {
					t.Errorf("empty summary quantile %v = %v, want NaN", q.GetQuantile(), q.GetValue())
				}
			}
		}
	}
	// Only p1 and p3 have a next breach; p2 and p4 have none and must be absent, not 0.
	if got[catalog.MetricSLANextBreachTimestamp] != 2 {
		t.Errorf("%s series = %d, want 2", catalog.MetricSLANextBreachTimestamp, got[catalog.MetricSLANextBreachTimestamp])
	}
	// Compliance only where cycles completed: first_response in 3 windows, resolution in none.
	if got[catalog.MetricSLAComplianceRatio] != 3 {
		t.Errorf("%s series = %d, want 3", catalog.MetricSLAComplianceRatio, got[catalog.MetricSLAComplianceRatio])
	}
	// Official ratio and CSAT ratio absent for the 1d window without tickets.
	if got[catalog.MetricOfficialChannelRatio] != 2 || got[catalog.MetricCSATRatio] != 2 {
		t.Errorf("ratios: official %d csat %d, want 2 and 2", got[catalog.MetricOfficialChannelRatio], got[catalog.MetricCSATRatio])
	}
}

func TestCollectBeforeFirstSnapshot(t *testing.T) {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(New(fakeState{reload: true}))
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if strings.HasPrefix(mf.GetName(), "custops_customer") {
			t.Errorf("%s rendered before any snapshot", mf.GetName())
		}
	}
}

func TestCatalogueMatchesDescs(t *testing.T) {
	names := map[string]bool{}
	for _, d := range allDescs {
		s := d.String()
		i := strings.Index(s, `fqName: "`) + len(`fqName: "`)
		names[s[i:i+strings.IndexByte(s[i:], '"')]] = true
	}
	names[catalog.MetricBuildInfo] = true // rendered by the version collector
	for _, n := range catalog.Catalogue {
		if !names[n] {
			t.Errorf("catalogue lists %s but no descriptor renders it", n)
		}
		delete(names, n)
	}
	for n := range names {
		t.Errorf("descriptor %s is missing from the catalogue", n)
	}
}
