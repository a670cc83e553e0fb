package collector

import "github.com/prometheus/client_golang/prometheus"

// cachedNote ends the HELP of every metric computed from the stored tickets: Prometheus' exporter
// guide allows caching for slow, rate-limited upstream APIs, and says the HELP should tell.
const cachedNote = " As of the last snapshot, computed after each poll; a scrape never calls the ticketing APIs."

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(name, help, labels, nil)
}

// Per-customer descriptors. Label order: customer first, then coarse to fine.
var (
	customerInfoDesc = desc(MetricCustomerInfo,
		"Customer metadata from the config; always 1, a join target for names and tiers.",
		LabelCustomer, LabelName, LabelTier, LabelCSM)
	openTicketsDesc = desc(MetricOpenTickets,
		"Open tickets (the backlog) by priority and state."+cachedNote,
		LabelCustomer, LabelPriority, LabelState)
	openTicketsByAgeDesc = desc(MetricOpenTicketsByAge,
		"Open tickets by priority and age bucket since creation."+cachedNote,
		LabelCustomer, LabelPriority, LabelAge)
	oldestOpenTicketAgeDesc = desc(MetricOldestOpenTicketAge,
		"Age in seconds of the oldest open ticket per priority, 0 when none is open."+cachedNote,
		LabelCustomer, LabelPriority)
	escalatedOpenTicketsDesc = desc(MetricEscalatedOpenTickets,
		"Open tickets marked as escalated."+cachedNote,
		LabelCustomer, LabelPriority)
	openIncidentsDesc = desc(MetricOpenIncidents,
		"Open tickets that are incidents."+cachedNote,
		LabelCustomer, LabelPriority)
	slaBreachedDesc = desc(MetricSLABreachedOpenTickets,
		"Open tickets whose running SLA clock is already past its goal."+cachedNote,
		LabelCustomer, LabelSLA, LabelPriority)
	slaAtRiskDesc = desc(MetricSLAAtRiskOpenTickets,
		"Open tickets whose running SLA clock is not breached but has no more than the tier's at-risk threshold left."+cachedNote,
		LabelCustomer, LabelSLA, LabelPriority)
	slaNextBreachDesc = desc(MetricSLANextBreachTimestamp,
		"Unix time of the earliest upcoming breach of a running, unpaused SLA clock; absent when none, so alerts can fire between polls."+cachedNote,
		LabelCustomer, LabelSLA)
	slaCompletedDesc = desc(MetricSLACompletedCycles,
		"SLA cycles that completed inside the trailing window, by result."+cachedNote,
		LabelCustomer, LabelSLA, LabelResult, LabelWindow)
	slaComplianceDesc = desc(MetricSLAComplianceRatio,
		"Share of SLA cycles completed inside the trailing window that met their goal; absent when none completed."+cachedNote,
		LabelCustomer, LabelSLA, LabelWindow)
	slaTargetDesc = desc(MetricCustomerSLATargetRatio,
		"Contractual SLA compliance target of the customer, from the config.",
		LabelCustomer, LabelSLA)
	createdDesc = desc(MetricCreatedTickets,
		"Tickets created inside the trailing window."+cachedNote,
		LabelCustomer, LabelWindow)
	resolvedDesc = desc(MetricResolvedTickets,
		"Tickets resolved inside the trailing window."+cachedNote,
		LabelCustomer, LabelWindow)
	reopenedDesc = desc(MetricReopenedTickets,
		"Tickets reopened inside the trailing window."+cachedNote,
		LabelCustomer, LabelWindow)
	createdByChannelDesc = desc(MetricCreatedTicketsByChannel,
		"Tickets created inside the trailing window by channel; agent means raised by an agent on the customer's behalf."+cachedNote,
		LabelCustomer, LabelChannel, LabelWindow)
	officialChannelDesc = desc(MetricOfficialChannelRatio,
		"Share of tickets created inside the trailing window through the official channels; absent when none was created."+cachedNote,
		LabelCustomer, LabelWindow)
	csatResponsesDesc = desc(MetricCSATResponses,
		"Satisfaction answers received inside the trailing window, by rating."+cachedNote,
		LabelCustomer, LabelRating, LabelWindow)
	csatRatioDesc = desc(MetricCSATRatio,
		"Share of satisfaction answers inside the trailing window that were good; absent when none came."+cachedNote,
		LabelCustomer, LabelWindow)
	responseTimeDesc = desc(MetricResponseTimeSeconds,
		"Wall-clock seconds from creation to first agent response, over tickets first answered in the last 30 days."+cachedNote,
		LabelCustomer)
	resolutionTimeDesc = desc(MetricResolutionTimeSeconds,
		"Wall-clock seconds from creation to resolution, over tickets resolved in the last 30 days."+cachedNote,
		LabelCustomer)
	riskScoreDesc = desc(MetricCustomerRiskScore,
		"Customer risk score from 0 to 100: the weighted sum of the capped risk factors (docs/risk-score.md)."+cachedNote,
		LabelCustomer)
	riskFactorDesc = desc(MetricCustomerRiskFactor,
		"Points each risk factor contributes to the customer risk score."+cachedNote,
		LabelCustomer, LabelFactor)
	dataQualityDesc = desc(MetricDataQualityTickets,
		"Stored tickets of a source that failed a data-quality check, such as mapping to no customer."+cachedNote,
		LabelSource, LabelCheck)
	snapshotTimestampDesc = desc(MetricSnapshotTimestamp,
		"Unix time the served snapshot was computed at.")
	snapshotDurationDesc = desc(MetricSnapshotDuration,
		"Seconds the served snapshot took to compute.")
)

// Source health descriptors.
var (
	sourceUpDesc = desc(MetricSourceUp,
		"Whether the last poll of the source succeeded (1) or failed (0).",
		LabelSource)
	sourceLastSuccessDesc = desc(MetricSourceLastSuccessTimestamp,
		"Unix time of the source's last successful poll; 0 before the first.",
		LabelSource)
	sourcePollDurationDesc = desc(MetricSourcePollDuration,
		"Seconds the source's last poll took.",
		LabelSource)
	sourcePollIntervalDesc = desc(MetricSourcePollInterval,
		"Configured seconds between polls of the source, for staleness alerts.",
		LabelSource)
	sourceRequestsDesc = desc(MetricSourceRequestsTotal,
		"Requests sent to the source's API, by endpoint and HTTP status code (0 for a transport error).",
		LabelSource, LabelEndpoint, LabelCode)
	sourceRateLimitWaitsDesc = desc(MetricSourceRateLimitWaitsTotal,
		"Times the source's rate limit made the poller wait (429 Retry-After or pacing).",
		LabelSource)
	sourceTicketsDesc = desc(MetricSourceTickets,
		"Tickets of the source held in the store.",
		LabelSource)
	configReloadDesc = desc(MetricConfigLastReloadSuccessful,
		"Whether the last configuration reload succeeded.")
)

var allDescs = []*prometheus.Desc{
	customerInfoDesc, openTicketsDesc, openTicketsByAgeDesc, oldestOpenTicketAgeDesc,
	escalatedOpenTicketsDesc, openIncidentsDesc, slaBreachedDesc, slaAtRiskDesc, slaNextBreachDesc,
	slaCompletedDesc, slaComplianceDesc, slaTargetDesc, createdDesc, resolvedDesc, reopenedDesc,
	createdByChannelDesc, officialChannelDesc, csatResponsesDesc, csatRatioDesc, responseTimeDesc,
	resolutionTimeDesc, riskScoreDesc, riskFactorDesc, dataQualityDesc, snapshotTimestampDesc,
	snapshotDurationDesc, sourceUpDesc, sourceLastSuccessDesc, sourcePollDurationDesc,
	sourcePollIntervalDesc, sourceRequestsDesc, sourceRateLimitWaitsDesc, sourceTicketsDesc,
	configReloadDesc,
}
