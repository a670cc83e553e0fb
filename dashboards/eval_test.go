package dashboards

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
	"github.com/prometheus/prometheus/tsdb/chunks"
	"github.com/prometheus/prometheus/util/annotations"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/links"
)

// These tests run every board query through Prometheus' own PromQL engine, in process, over a
// synthetic scrape of every catalogue metric with the label sets the exporter emits (collector/catalog; plus
// job and instance, as a scrape adds them). They catch what parsing cannot: a label a query
// groups or joins on that the series do not carry, a many-to-many join, an empty result.

// evalAt is the fixed evaluation instant; the synthetic scrape covers the hour before it.
var evalAt = time.Unix(1_790_000_000, 0).UTC()

const (
	scrapeEvery = 15 * time.Second
	scrapeSpan  = time.Hour
)

// fakeSeries is one synthetic series: labels and a value at minute offset i of the scrape.
type fakeSeries struct {
	lset  labels.Labels
	value func(i int) float64
}

// syntheticScrape builds every catalogue metric for the given customers. Values differ per
// customer (k), so a query that mixed customers would return different numbers.
func syntheticScrape(customers []string) []fakeSeries {
	var out []fakeSeries
	add := func(metric string, value func(i int) float64, kv ...string) {
		all := append([]string{model.MetricNameLabel, metric, "job", "custops", "instance", "localhost" + links.DefaultListenAddress}, kv...)
		out = append(out, fakeSeries{labels.FromStrings(all...), value})
	}
	constant := func(v float64) func(int) float64 { return func(int) float64 { return v } }
	slas := []string{"first_response", "resolution"}
	cu := catalog.LabelCustomer
	for k, c := range customers {
		f := float64(k + 1)
		add(catalog.MetricCustomerInfo, constant(1), cu, c, catalog.LabelName, strings.ToUpper(c), catalog.LabelTier, "gold", catalog.LabelCSM, "A. Person", catalog.LabelOwner, "a.person")
		for pi, p := range ticket.Priorities {
			pr := string(p)
			for si, s := range ticket.OpenStates {
				add(catalog.MetricOpenTickets, constant(f*float64(pi+si+1)), cu, c, catalog.LabelPriority, pr, catalog.LabelState, string(s))
			}
			for ai, a := range catalog.AgeBuckets {
				add(catalog.MetricOpenTicketsByAge, constant(f*float64(ai+1)), cu, c, catalog.LabelPriority, pr, catalog.LabelAge, a.Name)
			}
			add(catalog.MetricOldestOpenTicketCreated, constant(float64(evalAt.Unix())-f*86400*float64(pi+1)), cu, c, catalog.LabelPriority, pr)
			add(catalog.MetricEscalatedOpenTickets, constant(f), cu, c, catalog.LabelPriority, pr)
			add(catalog.MetricOpenIncidents, constant(f), cu, c, catalog.LabelPriority, pr)
			for _, s := range slas {
				add(catalog.MetricSLABreachedOpenTickets, constant(f), cu, c, catalog.LabelSLA, s, catalog.LabelPriority, pr)
				add(catalog.MetricSLAAtRiskOpenTickets, constant(f), cu, c, catalog.LabelSLA, s, catalog.LabelPriority, pr)
			}
		}
		for pi, p := range ticket.Priorities {
			breach := float64(evalAt.Unix()) + f*3600*float64(pi+1)
			add(catalog.MetricSLANextBreachTimestamp, constant(breach), cu, c, catalog.LabelPriority, string(p))
		}
		add(catalog.MetricCustomerSourceInfo, constant(1), cu, c, catalog.LabelSource, []string{"jsm", "zendesk"}[k%2])
		for _, s := range slas {
			add(catalog.MetricCustomerSLATargetRatio, constant(0.9+0.01*f), cu, c, catalog.LabelSLA, s)
			for _, w := range catalog.Windows {
				add(catalog.MetricSLAComplianceRatio, constant(0.95-0.01*f), cu, c, catalog.LabelSLA, s, catalog.LabelWindow, w.Name)
				for _, r := range []string{catalog.ResultMet, catalog.ResultBreached} {
					add(catalog.MetricSLACompletedCycles, constant(10*f), cu, c, catalog.LabelSLA, s, catalog.LabelResult, r, catalog.LabelWindow, w.Name)
				}
			}
		}
		for _, w := range catalog.Windows {
			wn := w.Name
			add(catalog.MetricCreatedTickets, constant(20*f), cu, c, catalog.LabelWindow, wn)
			add(catalog.MetricResolvedTickets, constant(18*f), cu, c, catalog.LabelWindow, wn)
			add(catalog.MetricReopenedTickets, constant(f), cu, c, catalog.LabelWindow, wn)
			for _, ch := range ticket.Channels {
				add(catalog.MetricCreatedTicketsByChannel, constant(f), cu, c, catalog.LabelChannel, string(ch), catalog.LabelWindow, wn)
			}
			add(catalog.MetricOfficialChannelRatio, constant(0.9-0.01*f), cu, c, catalog.LabelWindow, wn)
			add(catalog.MetricCSATResponses, constant(9*f), cu, c, catalog.LabelRating, catalog.RatingGood, catalog.LabelWindow, wn)
			add(catalog.MetricCSATResponses, constant(f), cu, c, catalog.LabelRating, catalog.RatingBad, catalog.LabelWindow, wn)
			add(catalog.MetricCSATRatio, constant(0.9), cu, c, catalog.LabelWindow, wn)
		}
		for ci, cat := range []string{"Billing", "Access", catalog.CategoryOther} {
			add(catalog.MetricCreatedTicketsByCategory, constant(f*float64(3-ci)), cu, c, catalog.LabelCategory, cat, catalog.LabelWindow, catalog.Window30d)
		}
		for _, q := range []string{catalog.QuantileMedian, catalog.Quantile90} {
			add(catalog.MetricResponseTimeSeconds, constant(600*f), cu, c, model.QuantileLabel, q)
			add(catalog.MetricResolutionTimeSeconds, constant(36000*f), cu, c, model.QuantileLabel, q)
		}
		for ti, team := range []string{"customer", "engineering", "support"} {
			tf := f * float64(ti+1)
			add(catalog.MetricTeamOpenTickets, constant(tf), cu, c, catalog.LabelTeam, team)
			add(catalog.MetricTeamOldestWaitStart, constant(float64(evalAt.Unix())-3600*tf), cu, c, catalog.LabelTeam, team)
			add(catalog.MetricTeamOLABreachedTickets, constant(tf), cu, c, catalog.LabelTeam, team)
			add(catalog.MetricTeamOLAAtRiskTickets, constant(tf), cu, c, catalog.LabelTeam, team)
			add(catalog.MetricTeamOLANextBreach, constant(float64(evalAt.Unix())+3600*tf), cu, c, catalog.LabelTeam, team)
			for _, w := range catalog.TeamWaitWindows {
				for _, q := range []string{catalog.QuantileMedian, catalog.Quantile90} {
					add(catalog.MetricTeamWaitSeconds, constant(3600*tf), cu, c, catalog.LabelTeam, team, catalog.LabelWindow, w, model.QuantileLabel, q)
				}
				add(catalog.MetricTeamWaitSeconds+"_sum", constant(36000*tf), cu, c, catalog.LabelTeam, team, catalog.LabelWindow, w)
				add(catalog.MetricTeamWaitSeconds+"_count", constant(10*tf), cu, c, catalog.LabelTeam, team, catalog.LabelWindow, w)
			}
		}
		add(catalog.MetricCustomerRiskScore, constant(25*f), cu, c)
		for _, fa := range catalog.Factors {
			add(catalog.MetricCustomerRiskFactor, constant(f), cu, c, catalog.LabelFactor, fa)
		}
	}
	for k, s := range []string{"jsm", "zendesk"} {
		f := float64(k + 1)
		for _, ch := range []string{catalog.CheckUnmappedCustomer, ticket.QualityUnknownPriority} {
			add(catalog.MetricDataQualityTickets, constant(f), catalog.LabelSource, s, catalog.LabelCheck, ch)
		}
		add(catalog.MetricSourceUp, constant(1), catalog.LabelSource, s)
		add(catalog.MetricSourceLastSuccessTimestamp, func(i int) float64 { return float64(evalAt.Unix()) - 30 }, catalog.LabelSource, s)
		add(catalog.MetricSourcePollDuration, constant(2*f), catalog.LabelSource, s)
		add(catalog.MetricSourcePollInterval, constant(60), catalog.LabelSource, s)
		add(catalog.MetricSourceStaleAfter, constant(180), catalog.LabelSource, s)
		for _, code := range []string{"200", "429"} {
			add(catalog.MetricSourceRequestsTotal, func(i int) float64 { return f * float64(i) }, catalog.LabelSource, s, catalog.LabelEndpoint, "search", catalog.LabelCode, code)
		}
		add(catalog.MetricSourceRateLimitWaitsTotal, func(i int) float64 { return float64(i / 4) }, catalog.LabelSource, s)
		add(catalog.MetricSourceTickets, constant(100*f), catalog.LabelSource, s)
		add(catalog.MetricSourceClockSkew, constant(f-2), catalog.LabelSource, s)
	}
	for _, team := range []string{"customer", "engineering", "support"} {
		add(catalog.MetricTeamInfo, constant(1), catalog.LabelTeam, team, catalog.LabelName, strings.ToUpper(team))
	}
	for i, k := range catalog.RecordKinds {
		add(catalog.MetricRecordsDrift, constant(float64(i)), catalog.LabelRecord, k)
	}
	add(catalog.MetricSnapshotTimestamp, constant(float64(evalAt.Unix())-10))
	add(catalog.MetricSnapshotDuration, constant(0.05))
	add(catalog.MetricConfigLastReloadSuccessful, constant(1))
	for _, p := range ticket.Priorities {
		sev := "warning"
		if p == ticket.P1 {
			sev = "critical"
		}
		add(catalog.MetricSLAAlertSeverityInfo, constant(1), catalog.LabelTier, "gold", catalog.LabelPriority, string(p), catalog.LabelSeverity, sev)
	}
	add(catalog.MetricBuildInfo, constant(1), "version", "0.1.0", "revision", "abc123", "goversion", "go1.26.8")
	return out
}

// point is a float sample; chunks.Sample is an interface with no exported implementation.
type point struct {
	t int64
	f float64
}

func (p point) T() int64                      { return p.t }
func (p point) ST() int64                     { return 0 }
func (p point) F() float64                    { return p.f }
func (p point) H() *histogram.Histogram       { return nil }
func (p point) FH() *histogram.FloatHistogram { return nil }
func (p point) Type() chunkenc.ValueType      { return chunkenc.ValFloat }
func (p point) Copy() chunks.Sample           { return p }

// seriesSet serves a fixed slice of series.
type seriesSet struct {
	series []storage.Series
	i      int
}

func (s *seriesSet) Next() bool                        { s.i++; return s.i <= len(s.series) }
func (s *seriesSet) At() storage.Series                { return s.series[s.i-1] }
func (s *seriesSet) Err() error                        { return nil }
func (s *seriesSet) Warnings() annotations.Annotations { return nil }

// queryable serves the synthetic scrape to the engine.
func queryable(all []fakeSeries) storage.Queryable {
	start := evalAt.Add(-scrapeSpan)
	n := int(scrapeSpan / scrapeEvery)
	var series []storage.Series
	for _, s := range all {
		pts := make([]chunks.Sample, 0, n+1)
		for i := 0; i <= n; i++ {
			pts = append(pts, point{start.Add(time.Duration(i) * scrapeEvery).UnixMilli(), s.value(i)})
		}
		series = append(series, storage.NewListSeries(s.lset, pts))
	}
	slices.SortFunc(series, func(a, b storage.Series) int { return labels.Compare(a.Labels(), b.Labels()) })
	return &storage.MockQueryable{MockQuerier: &storage.MockQuerier{
		SelectMockFunction: func(_ bool, _ *storage.SelectHints, ms ...*labels.Matcher) storage.SeriesSet {
			var hit []storage.Series
			for _, s := range series {
				if matchesAll(s.Labels(), ms) {
					hit = append(hit, s)
				}
			}
			return &seriesSet{series: hit}
		},
	}}
}

func matchesAll(l labels.Labels, ms []*labels.Matcher) bool {
	for _, m := range ms {
		if !m.Matches(l.Get(m.Name)) {
			return false
		}
	}
	return true
}

// result is a query result rendered before the query is closed: closing hands the result's
// memory back to the engine's pools.
type result struct {
	text  string
	empty bool
}

// run evaluates one query and renders its result.
func run(t *testing.T, newQuery func() (promql.Query, error), expr string) result {
	t.Helper()
	q, err := newQuery()
	if err != nil {
		t.Fatalf("query %s: %v", expr, err)
	}
	defer q.Close()
	r := q.Exec(context.Background())
	if r.Err != nil {
		t.Fatalf("query %s: %v", expr, r.Err)
	}
	out := result{text: r.Value.String()}
	switch v := r.Value.(type) {
	case promql.Vector:
		out.empty = len(v) == 0
	case promql.Matrix:
		out.empty = len(v) == 0
	}
	return out
}

// evaluate runs expr as Grafana would for an instant panel and for a range panel (1m step over
// the last 30m).
func evaluate(t *testing.T, q storage.Queryable, expr string) (instant, ranged result) {
	t.Helper()
	ng := promql.NewEngine(promql.EngineOpts{MaxSamples: 1_000_000, Timeout: time.Minute, LookbackDelta: 5 * time.Minute})
	ctx := context.Background()
	instant = run(t, func() (promql.Query, error) { return ng.NewInstantQuery(ctx, q, nil, expr, evalAt) }, expr)
	ranged = run(t, func() (promql.Query, error) {
		return ng.NewRangeQuery(ctx, q, nil, expr, evalAt.Add(-30*time.Minute), evalAt, time.Minute)
	}, expr)
	return instant, ranged
}

// TestQueriesReturnData: every board query evaluates without error and returns data.
func TestQueriesReturnData(t *testing.T) {
	qs, err := Queries(DefaultOptions())
	if err != nil {
		t.Fatalf("Queries: %v", err)
	}
	store := queryable(syntheticScrape([]string{"acme", "globex"}))
	for _, pq := range qs {
		t.Run(fmt.Sprintf("%s/%s/%s", pq.Board, pq.Panel, pq.RefID), func(t *testing.T) {
			expr := Expand(pq.Expr, "acme")
			instant, ranged := evaluate(t, store, expr)
			if instant.empty || ranged.empty {
				t.Errorf("%s: got instant empty %v, range empty %v; want data in both", expr, instant.empty, ranged.empty)
			}
		})
	}
}

// TestCustomerBoardIsolation: the customer board's numbers for acme are the same whether or not
// another customer's series exist, so a screenshot can never carry another customer's data.
func TestCustomerBoardIsolation(t *testing.T) {
	qs, err := Queries(DefaultOptions())
	if err != nil {
		t.Fatalf("Queries: %v", err)
	}
	alone := queryable(syntheticScrape([]string{"acme"}))
	crowd := queryable(syntheticScrape([]string{"acme", "globex", "initech"}))
	n := 0
	for _, pq := range qs {
		if pq.Board != links.DashboardCustomer {
			continue
		}
		n++
		t.Run(pq.Panel+"/"+pq.RefID, func(t *testing.T) {
			expr := Expand(pq.Expr, "acme")
			ai, ar := evaluate(t, alone, expr)
			ci, cr := evaluate(t, crowd, expr)
			if ai.text != ci.text || ar.text != cr.text {
				t.Errorf("%s:\n got with other customers instant %s range %s\nwant as alone instant %s range %s", expr, ci.text, cr.text, ai.text, ar.text)
			}
		})
	}
	if n == 0 {
		t.Fatalf("no customer board queries")
	}
}

// TestEvaluationCatches proves the two checks above can fail: an unfiltered query changes with
// other customers present, and a query on a label value nobody has returns nothing.
func TestEvaluationCatches(t *testing.T) {
	alone := queryable(syntheticScrape([]string{"acme"}))
	crowd := queryable(syntheticScrape([]string{"acme", "globex"}))
	t.Run("leak", func(t *testing.T) {
		expr := catalog.Agg("sum", catalog.MetricOpenTickets)
		_, a := evaluate(t, alone, expr)
		_, c := evaluate(t, crowd, expr)
		if a.text == c.text {
			t.Errorf("%s: got the same result with and without globex, want different", expr)
		}
	})
	t.Run("empty", func(t *testing.T) {
		expr := catalog.Sel(catalog.MetricOpenTickets, catalog.Eq(catalog.LabelCustomer, "nobody"))
		i, r := evaluate(t, crowd, expr)
		if !i.empty || !r.empty {
			t.Errorf("%s: got instant empty %v range empty %v, want both empty", expr, i.empty, r.empty)
		}
	})
}
