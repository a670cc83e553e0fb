package exporter

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/snapshot"
)

// Team descriptors (where tickets wait) and the records' drift. Label order: customer first,
// then the team, then coarse to fine.
var (
	teamInfoDesc = desc(catalog.MetricTeamInfo,
		"An internal team tickets can wait on, from the config's teams; always 1, a join target for team names.",
		catalog.LabelTeam, catalog.LabelName)
	teamOpenDesc = desc(catalog.MetricTeamOpenTickets,
		"Open tickets waiting on the team now (the first team in config whose rules match the ticket)."+cachedNote,
		catalog.LabelCustomer, catalog.LabelTeam)
	teamOldestWaitDesc = desc(catalog.MetricTeamOldestWaitStart,
		"Unix time the longest current wait on the team began; absent when no ticket waits on it (the wait is time() minus it)."+cachedNote,
		catalog.LabelCustomer, catalog.LabelTeam)
	teamWaitDesc = desc(catalog.MetricTeamWaitSeconds,
		"Time each ticket resolved inside the trailing window waited on the team over all its stays with it, in seconds, for the tickets that waited on it at all."+cachedNote,
		catalog.LabelCustomer, catalog.LabelTeam, catalog.LabelWindow)
	teamOLABreachedDesc = desc(catalog.MetricTeamOLABreachedTickets,
		"Open tickets whose running OLA cycle with the team is past the team's target."+cachedNote,
		catalog.LabelCustomer, catalog.LabelTeam)
	teamOLAAtRiskDesc = desc(catalog.MetricTeamOLAAtRiskTickets,
		"Open tickets whose running OLA cycle with the team is not breached but has no more than the OLA's at-risk threshold left."+cachedNote,
		catalog.LabelCustomer, catalog.LabelTeam)
	teamOLANextBreachDesc = desc(catalog.MetricTeamOLANextBreach,
		"Unix time of the earliest upcoming breach of a counting OLA cycle with the team; absent when none, so alerts can fire between polls."+cachedNote,
		catalog.LabelCustomer, catalog.LabelTeam)
	recordsDriftDesc = desc(catalog.MetricRecordsDrift,
		"What keeps the customer records from being true, by kind: unmapped organizations, customers without a ticket in 30 days, customers matched on one desk only, tickets whose customer changed (the Records page lists them)."+cachedNote,
		catalog.LabelRecord)
)

// collectTeams emits one customer's team series.
func collectTeams(emit func(prometheus.Metric), c *snapshot.Customer) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		emit(prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{c.ID}, labels...)...))
	}
	for i := range c.Teams {
		t := &c.Teams[i]
		gauge(teamOpenDesc, t.Open, t.ID)
		if !t.OldestSince.IsZero() {
			gauge(teamOldestWaitDesc, unixSeconds(t.OldestSince), t.ID)
		}
		for wi, w := range catalog.TeamWaitWindows {
			if wi < len(t.Waited) {
				summary(emit, teamWaitDesc, t.Waited[wi], c.ID, t.ID, w)
			}
		}
		if !t.HasOLA {
			continue
		}
		gauge(teamOLABreachedDesc, t.OLABreached, t.ID)
		gauge(teamOLAAtRiskDesc, t.OLAAtRisk, t.ID)
		if !t.OLANextBreach.IsZero() {
			gauge(teamOLANextBreachDesc, unixSeconds(t.OLANextBreach), t.ID)
		}
	}
}

// collectTeamInfo emits the configured teams' names.
func collectTeamInfo(emit func(prometheus.Metric), cfg *config.Config) {
	if cfg == nil {
		return
	}
	for _, t := range cfg.Teams {
		emit(prometheus.MustNewConstMetric(teamInfoDesc, prometheus.GaugeValue, 1, t.ID, t.Name))
	}
}

// collectRecords emits the records' drift, every kind.
func collectRecords(emit func(prometheus.Metric), r *snapshot.Records) {
	for _, k := range catalog.RecordKinds {
		emit(prometheus.MustNewConstMetric(recordsDriftDesc, prometheus.GaugeValue, float64(r.Count(k)), k))
	}
}
