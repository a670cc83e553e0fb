// Package exporter renders the poller's view (the latest snapshot and the sources' health) as
// Prometheus metrics and serves /metrics. Collect emits const metrics only, so a scrape never
// calls a ticketing API and costs O(series), not O(tickets).
package exporter

import (
	"maps"
	"math"
	"slices"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// State is what a scrape reads: the published view and whether the last reload succeeded.
type State interface {
	// View returns the published view, nil before the first.
	View() *poller.View
	ReloadSuccessful() bool
}

// Collector renders State as const metrics: no *Vec state, so no stale series, and a scrape costs
// O(series), never O(tickets).
type Collector struct {
	state State
}

// New returns a Collector over state.
func New(state State) *Collector { return &Collector{state: state} }

// Describe sends every descriptor of the view's metrics.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		if d != configReloadDesc {
			ch <- d
		}
	}

}

// reloadCollector renders whether the last reload succeeded. It is served live, not from the
// render cache: a refused reload publishes no new view, and must show at once.
type reloadCollector struct{ state State }

func (r reloadCollector) Describe(ch chan<- *prometheus.Desc) { ch <- configReloadDesc }

func (r reloadCollector) Collect(ch chan<- prometheus.Metric) {
	v := 0.0
	if r.state.ReloadSuccessful() {
		v = 1
	}
	ch <- prometheus.MustNewConstMetric(configReloadDesc, prometheus.GaugeValue, v)
}

// Collect renders the current view: source health, then every customer.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	v := c.state.View()
	if v == nil {
		return
	}
	emit := func(m prometheus.Metric) { ch <- m }
	collectGlobal(emit, v)
	for i := range v.Snapshot.Customers {
		collectCustomer(emit, &v.Snapshot.Customers[i])
	}
}

// collectGlobal emits the series that belong to no customer: source health, data quality and
// the snapshot's own timing.
func collectGlobal(emit func(prometheus.Metric), v *poller.View) {
	for _, s := range v.Sources {
		collectSource(emit, s)
	}
	// The threshold the pages and the report call a source's data stale at, for
	// CustopsSourceStale: one meaning in one place (poller.View.Freshness).
	for _, f := range v.Freshness() {
		emit(prometheus.MustNewConstMetric(sourceStaleAfterDesc, prometheus.GaugeValue, f.Limit.Seconds(), f.Source))
	}
	collectSeverities(emit, v.Config)
	snap := v.Snapshot
	emit(prometheus.MustNewConstMetric(snapshotTimestampDesc, prometheus.GaugeValue, unixSeconds(snap.At)))
	emit(prometheus.MustNewConstMetric(snapshotDurationDesc, prometheus.GaugeValue, v.Took.Seconds()))
	for _, q := range snap.DataQuality {
		emit(prometheus.MustNewConstMetric(dataQualityDesc, prometheus.GaugeValue, float64(q.Count), q.Source, q.Check))
	}
	collectTeamInfo(emit, v.Config)
	collectRecords(emit, &snap.Records)
}

func collectSource(emit func(prometheus.Metric), s poller.SourceHealth) {
	up := 0.0
	if s.Up {
		up = 1
	}
	emit(prometheus.MustNewConstMetric(sourceUpDesc, prometheus.GaugeValue, up, s.Name))
	last := 0.0
	if !s.LastSuccess.IsZero() {
		last = unixSeconds(s.LastSuccess)
	}
	emit(prometheus.MustNewConstMetric(sourceLastSuccessDesc, prometheus.GaugeValue, last, s.Name))
	emit(prometheus.MustNewConstMetric(sourcePollDurationDesc, prometheus.GaugeValue, s.PollDuration.Seconds(), s.Name))
	emit(prometheus.MustNewConstMetric(sourcePollIntervalDesc, prometheus.GaugeValue, s.PollInterval.Seconds(), s.Name))
	emit(prometheus.MustNewConstMetric(sourceTicketsDesc, prometheus.GaugeValue, float64(s.Tickets), s.Name))
	if s.Stats == nil {
		return
	}
	for _, r := range s.Stats.Requests() {
		emit(prometheus.MustNewConstMetric(sourceRequestsDesc, prometheus.CounterValue, r.Count, s.Name, r.Endpoint, r.Code))
	}
	waits, _ := s.Stats.RateLimitWaits()
	emit(prometheus.MustNewConstMetric(sourceRateLimitWaitsDesc, prometheus.CounterValue, waits, s.Name))
	if skew, ok := s.Stats.Skew(); ok { // absent until an answer carried a Date
		emit(prometheus.MustNewConstMetric(sourceClockSkewDesc, prometheus.GaugeValue, skew.Seconds(), s.Name))
	}
}

func collectCustomer(emit func(prometheus.Metric), c *snapshot.Customer) {
	id := c.ID
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		emit(prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{id}, labels...)...))
	}
	gauge(customerInfoDesc, 1, c.Name, c.Tier, c.CSM, c.Owner)

	for pi, p := range ticket.Priorities {
		prio := string(p)
		for si, s := range ticket.OpenStates {
			gauge(openTicketsDesc, c.Open[pi][si], prio, string(s))
		}
		for bi, b := range catalog.AgeBuckets {
			gauge(openTicketsByAgeDesc, c.Age[pi][bi], prio, b.Name)
		}
		if created := c.OldestCreated[pi]; !created.IsZero() {
			gauge(oldestOpenTicketCreatedDesc, unixSeconds(created), prio)
		}
		gauge(escalatedOpenTicketsDesc, c.Escalated[pi], prio)
		gauge(openIncidentsDesc, c.Incidents[pi], prio)
		if next := c.NextBreach[pi]; !next.IsZero() {
			gauge(slaNextBreachDesc, unixSeconds(next), prio)
		}
	}
	for _, src := range c.Sources {
		gauge(customerSourceDesc, 1, src)
	}

	for _, s := range c.SLAs {
		for pi, p := range ticket.Priorities {
			gauge(slaBreachedDesc, s.Breached[pi], s.Name, string(p))
			gauge(slaAtRiskDesc, s.AtRisk[pi], s.Name, string(p))
		}
		gauge(slaTargetDesc, s.Target, s.Name)
		for wi, w := range catalog.Windows {
			if wi >= len(s.Met) || wi >= len(s.BreachedCycles) {
				break
			}
			gauge(slaCompletedDesc, s.Met[wi], s.Name, "met", w.Name)
			gauge(slaCompletedDesc, s.BreachedCycles[wi], s.Name, "breached", w.Name)
			if ratio, ok := s.Compliance(wi); ok {
				gauge(slaComplianceDesc, ratio, s.Name, w.Name)
			}
		}
	}

	for _, t := range c.Trends {
		gauge(createdDesc, t.Created, t.Window)
		gauge(resolvedDesc, t.Resolved, t.Window)
		gauge(reopenedDesc, t.Reopened, t.Window)
		for _, ch := range ticket.Channels {
			gauge(createdByChannelDesc, t.ByChannel[ch], string(ch), t.Window)
		}
		if t.Created > 0 {
			gauge(officialChannelDesc, t.OfficialRatio, t.Window)
		}
		gauge(csatResponsesDesc, t.CSATGood, "good", t.Window)
		gauge(csatResponsesDesc, t.CSATBad, "bad", t.Window)
		if n := t.CSATGood + t.CSATBad; n > 0 {
			gauge(csatRatioDesc, t.CSATGood/n, t.Window)
		}
	}

	for _, k := range c.Categories {
		gauge(createdByCategoryDesc, k.Count, k.Name, c.CategoryWindow)
	}

	collectTeams(emit, c)

	summary(emit, responseTimeDesc, c.ResponseTime, id)
	summary(emit, resolutionTimeDesc, c.ResolutionTime, id)

	gauge(riskScoreDesc, c.Risk)
	for _, f := range catalog.Factors {
		gauge(riskFactorDesc, c.RiskFactors[f], f)
	}
}

// collectSeverities emits the SLA alert severity of every configured tier and priority, and of
// a tier a customer names without defining (config validation refuses that, but an alert must
// never lose its severity over it).
func collectSeverities(emit func(prometheus.Metric), cfg *config.Config) {
	tiers := slices.Sorted(maps.Keys(cfg.Tiers))
	for _, c := range cfg.Customers {
		if !slices.Contains(tiers, c.Tier) {
			tiers = append(tiers, c.Tier)
		}
	}
	for _, tier := range tiers {
		for _, p := range ticket.Priorities {
			emit(prometheus.MustNewConstMetric(slaSeverityDesc, prometheus.GaugeValue, 1, tier, string(p), string(cfg.SLASeverityOf(tier, p))))
		}
	}
}

func summary(emit func(prometheus.Metric), d *prometheus.Desc, s snapshot.Summary, labels ...string) {
	q := make(map[float64]float64, len(s.Quantiles))
	for k, v := range s.Quantiles {
		q[k] = v
	}
	if len(q) == 0 {
		q[0.5], q[0.9] = math.NaN(), math.NaN()
	}
	emit(prometheus.MustNewConstSummary(d, s.Count, s.Sum, q, labels...))
}

func unixSeconds(t time.Time) float64 {
	return float64(t.UnixNano()) / 1e9
}
