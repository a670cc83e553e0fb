package exporter

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/custops/custops/collector/catalog"
)

// cachedNote ends the HELP of every metric computed from the stored tickets: Prometheus' exporter
// guide allows caching for slow, rate-limited upstream APIs, and says the HELP should tell.
const cachedNote = " As of the last snapshot, computed after each poll; a scrape never calls the ticketing APIs."

// descInfo is what prometheus.Desc does not expose: the renderer groups metrics into families
// by name and writes their help.
type descInfo struct{ name, help string }

// descInfos is filled once by desc as the package-level descriptors are built.
var descInfos = map[*prometheus.Desc]descInfo{}

func desc(name, help string, labels ...string) *prometheus.Desc {
	d := prometheus.NewDesc(name, help, labels, nil)
	descInfos[d] = descInfo{name, help}
	return d
}

// Per-customer descriptors. Label order: customer first, then coarse to fine.
var (
	customerInfoDesc = desc(catalog.MetricCustomerInfo,
		"Customer metadata from the config (the owner from the desk's organization field when the config sets none); always 1, a join target for names, tiers and owners.",
		catalog.LabelCustomer, catalog.LabelName, catalog.LabelTier, catalog.LabelCSM, catalog.LabelOwner)
	openTicketsDesc = desc(catalog.MetricOpenTickets,
		"Open tickets (the backlog) by priority and state."+cachedNote,
		catalog.LabelCustomer, catalog.LabelPriority, catalog.LabelState)
	openTicketsByAgeDesc = desc(catalog.MetricOpenTicketsByAge,
		"Open tickets by priority and age bucket since creation."+cachedNote,
		catalog.LabelCustomer, catalog.LabelPriority, catalog.LabelAge)
	oldestOpenTicketCreatedDesc = desc(catalog.MetricOldestOpenTicketCreated,
		"When the oldest open ticket per priority was created, in Unix seconds; absent when none is open (its age is time() minus it)."+cachedNote,
		catalog.LabelCustomer, catalog.LabelPriority)
	escalatedOpenTicketsDesc = desc(catalog.MetricEscalatedOpenTickets,
		"Open tickets marked as escalated."+cachedNote,
		catalog.LabelCustomer, catalog.LabelPriority)
	openIncidentsDesc = desc(catalog.MetricOpenIncidents,
		"Open tickets that are incidents."+cachedNote,
		catalog.LabelCustomer, catalog.LabelPriority)
	slaBreachedDesc = desc(catalog.MetricSLABreachedOpenTickets,
		"Open tickets whose running SLA clock is already past its goal."+cachedNote,
		catalog.LabelCustomer, catalog.LabelSLA, catalog.LabelPriority)
	slaAtRiskDesc = desc(catalog.MetricSLAAtRiskOpenTickets,
		"Open tickets whose running SLA clock is not breached but has no more than the tier's at-risk threshold left."+cachedNote,
		catalog.LabelCustomer, catalog.LabelSLA, catalog.LabelPriority)
	slaNextBreachDesc = desc(catalog.MetricSLANextBreachTimestamp,
		"Unix time of the earliest upcoming breach of a running, unpaused SLA clock of an open ticket of the priority, whatever the SLA; absent when none, so alerts can fire between polls and route by priority."+cachedNote,
		catalog.LabelCustomer, catalog.LabelPriority)
	slaCompletedDesc = desc(catalog.MetricSLACompletedCycles,
		"SLA cycles that completed inside the trailing window, by result."+cachedNote,
		catalog.LabelCustomer, catalog.LabelSLA, catalog.LabelResult, catalog.LabelWindow)
	slaComplianceDesc = desc(catalog.MetricSLAComplianceRatio,
		"Share of SLA cycles completed inside the trailing window that met their goal; absent when none completed."+cachedNote,
		catalog.LabelCustomer, catalog.LabelSLA, catalog.LabelWindow)
	slaTargetDesc = desc(catalog.MetricCustomerSLATargetRatio,
		"Contractual SLA compliance target of the customer, from the config.",
		catalog.LabelCustomer, catalog.LabelSLA)
	createdDesc = desc(catalog.MetricCreatedTickets,
		"Tickets created inside the trailing window."+cachedNote,
		catalog.LabelCustomer, catalog.LabelWindow)
	resolvedDesc = desc(catalog.MetricResolvedTickets,
		"Tickets resolved inside the trailing window."+cachedNote,
		catalog.LabelCustomer, catalog.LabelWindow)
	reopenedDesc = desc(catalog.MetricReopenedTickets,
		"Tickets reopened inside the trailing window."+cachedNote,
		catalog.LabelCustomer, catalog.LabelWindow)
	createdByChannelDesc = desc(catalog.MetricCreatedTicketsByChannel,
		"Tickets created inside the trailing window by channel; agent means raised by an agent on the customer's behalf."+cachedNote,
		catalog.LabelCustomer, catalog.LabelChannel, catalog.LabelWindow)
	createdByCategoryDesc = desc(catalog.MetricCreatedTicketsByCategory,
		"Tickets created inside the trailing window by support category: the customer's top_categories categories, the rest as other."+cachedNote,
		catalog.LabelCustomer, catalog.LabelCategory, catalog.LabelWindow)
	officialChannelDesc = desc(catalog.MetricOfficialChannelRatio,
		"Share of tickets created inside the trailing window through the official channels; absent when none was created."+cachedNote,
		catalog.LabelCustomer, catalog.LabelWindow)
	csatResponsesDesc = desc(catalog.MetricCSATResponses,
		"Satisfaction answers received inside the trailing window, by rating."+cachedNote,
		catalog.LabelCustomer, catalog.LabelRating, catalog.LabelWindow)
	csatRatioDesc = desc(catalog.MetricCSATRatio,
		"Share of satisfaction answers inside the trailing window that were good; absent when none came."+cachedNote,
		catalog.LabelCustomer, catalog.LabelWindow)
	responseTimeDesc = desc(catalog.MetricResponseTimeSeconds,
		"Wall-clock seconds from creation to first agent response, over tickets first answered in the last 30 days."+cachedNote,
		catalog.LabelCustomer)
	resolutionTimeDesc = desc(catalog.MetricResolutionTimeSeconds,
		"Wall-clock seconds from creation to resolution, over tickets resolved in the last 30 days."+cachedNote,
		catalog.LabelCustomer)
	riskScoreDesc = desc(catalog.MetricCustomerRiskScore,
		"Customer risk score from 0 to 100: the weighted sum of the capped risk factors (docs/risk-score.md)."+cachedNote,
		catalog.LabelCustomer)
	riskFactorDesc = desc(catalog.MetricCustomerRiskFactor,
		"Points each risk factor contributes to the customer risk score."+cachedNote,
		catalog.LabelCustomer, catalog.LabelFactor)
	customerSourceDesc = desc(catalog.MetricCustomerSourceInfo,
		"Always 1: the source holds at least one of the customer's tickets, so its outage makes the customer's data stale; alerts join it to inhibit only that source's customers."+cachedNote,
		catalog.LabelCustomer, catalog.LabelSource)
	dataQualityDesc = desc(catalog.MetricDataQualityTickets,
		"Stored tickets of a source that failed a data-quality check, such as mapping to no customer."+cachedNote,
		catalog.LabelSource, catalog.LabelCheck)
	snapshotTimestampDesc = desc(catalog.MetricSnapshotTimestamp,
		"Unix time the served snapshot was computed at.")
	snapshotDurationDesc = desc(catalog.MetricSnapshotDuration,
		"Seconds the served snapshot took to compute.")
)

// Source health descriptors.
var (
	sourceUpDesc = desc(catalog.MetricSourceUp,
		"Whether the last poll of the source succeeded (1) or failed (0); after a restart, until its first poll, the last poll before it.",
		catalog.LabelSource)
	sourceLastSuccessDesc = desc(catalog.MetricSourceLastSuccessTimestamp,
		"Unix time of the source's last successful poll, kept across restarts; 0 before the first.",
		catalog.LabelSource)
	sourcePollDurationDesc = desc(catalog.MetricSourcePollDuration,
		"Seconds the source's last poll took.",
		catalog.LabelSource)
	sourcePollIntervalDesc = desc(catalog.MetricSourcePollInterval,
		"Configured seconds between polls of the source, for staleness alerts.",
		catalog.LabelSource)
	sourceStaleAfterDesc = desc(catalog.MetricSourceStaleAfter,
		"Seconds after the source's last successful poll at which its data counts as stale: its poll interval times the config's stale_after_polls.",
		catalog.LabelSource)
	sourceRequestsDesc = desc(catalog.MetricSourceRequestsTotal,
		"Requests sent to the source's API, by endpoint and HTTP status code (0 for a transport error).",
		catalog.LabelSource, catalog.LabelEndpoint, catalog.LabelCode)
	sourceRateLimitWaitsDesc = desc(catalog.MetricSourceRateLimitWaitsTotal,
		"Times the source's rate limit made the poller wait (429 Retry-After or pacing).",
		catalog.LabelSource)
	sourceTicketsDesc = desc(catalog.MetricSourceTickets,
		"Tickets of the source held in the store.",
		catalog.LabelSource)
	sourceClockSkewDesc = desc(catalog.MetricSourceClockSkew,
		"Seconds the source's clock (the Date header of its last answer) is ahead of the exporter's, negative when behind, in whole seconds; cursors never pass the source's own time.",
		catalog.LabelSource)
	configReloadDesc = desc(catalog.MetricConfigLastReloadSuccessful,
		"Whether the last configuration reload succeeded.")
	slaSeverityDesc = desc(catalog.MetricSLAAlertSeverityInfo,
		"Always 1: the severity of the SLA alerts for a tier and priority, from the config's sla_severity; the alert rules join it.",
		catalog.LabelTier, catalog.LabelPriority, catalog.LabelSeverity)
)

var allDescs = []*prometheus.Desc{
	customerInfoDesc, openTicketsDesc, openTicketsByAgeDesc, oldestOpenTicketCreatedDesc,
	escalatedOpenTicketsDesc, openIncidentsDesc, slaBreachedDesc, slaAtRiskDesc, slaNextBreachDesc,
	slaCompletedDesc, slaComplianceDesc, slaTargetDesc, createdDesc, resolvedDesc, reopenedDesc,
	createdByChannelDesc, createdByCategoryDesc, officialChannelDesc, csatResponsesDesc, csatRatioDesc, responseTimeDesc,
	resolutionTimeDesc, riskScoreDesc, riskFactorDesc, customerSourceDesc, dataQualityDesc, snapshotTimestampDesc,
	snapshotDurationDesc, sourceUpDesc, sourceLastSuccessDesc, sourcePollDurationDesc,
	sourcePollIntervalDesc, sourceStaleAfterDesc, sourceRequestsDesc, sourceRateLimitWaitsDesc, sourceTicketsDesc,
	sourceClockSkewDesc, configReloadDesc, slaSeverityDesc,
	teamInfoDesc, teamOpenDesc, teamOldestWaitDesc, teamWaitDesc, teamOLABreachedDesc,
	teamOLAAtRiskDesc, teamOLANextBreachDesc, recordsDriftDesc,
}
