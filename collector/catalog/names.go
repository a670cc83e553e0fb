// Package catalog is the metric catalogue: every metric name, label name and label value the
// exporter emits, and the PromQL helpers the generators build queries with. It is a leaf (it
// imports nothing of custops) so dashboards/ and alerts/ depend on it and nothing heavier.
//
// The names below are the one place they are spelled: a rename breaks the build instead of a board.
package catalog

// Namespace prefixes every metric.
const Namespace = "custops"

// Per-customer metrics, rendered from the snapshot of the last poll.
const (
	MetricCustomerInfo            = "custops_customer_info"
	MetricOpenTickets             = "custops_open_tickets"
	MetricOpenTicketsByAge        = "custops_open_tickets_by_age"
	MetricOldestOpenTicketCreated = "custops_oldest_open_ticket_created_timestamp_seconds"
	MetricEscalatedOpenTickets    = "custops_escalated_open_tickets"
	MetricOpenIncidents           = "custops_open_incidents"
	MetricSLABreachedOpenTickets  = "custops_sla_breached_open_tickets"
	MetricSLAAtRiskOpenTickets    = "custops_sla_at_risk_open_tickets"
	MetricSLANextBreachTimestamp  = "custops_sla_next_breach_timestamp_seconds"
	MetricSLACompletedCycles      = "custops_sla_completed_cycles"
	MetricSLAComplianceRatio      = "custops_sla_compliance_ratio"
	MetricCustomerSLATargetRatio  = "custops_customer_sla_target_ratio"
	MetricCreatedTickets          = "custops_created_tickets"
	MetricResolvedTickets         = "custops_resolved_tickets"
	MetricReopenedTickets         = "custops_reopened_tickets"
	MetricCreatedTicketsByChannel = "custops_created_tickets_by_channel"
	// MetricCreatedTicketsByCategory is bounded per customer: top_categories names, plus other.
	MetricCreatedTicketsByCategory = "custops_created_tickets_by_category"
	MetricOfficialChannelRatio     = "custops_official_channel_ratio"
	MetricCSATResponses            = "custops_csat_responses"
	MetricCSATRatio                = "custops_csat_ratio"
	MetricResponseTimeSeconds      = "custops_response_time_seconds"
	MetricResolutionTimeSeconds    = "custops_resolution_time_seconds"
	MetricCustomerRiskScore        = "custops_customer_risk_score"
	MetricCustomerRiskFactor       = "custops_customer_risk_factor"
	MetricDataQualityTickets       = "custops_data_quality_tickets"
	MetricCustomerSourceInfo       = "custops_customer_source_info"
	MetricSnapshotTimestamp        = "custops_snapshot_timestamp_seconds"
	MetricSnapshotDuration         = "custops_snapshot_duration_seconds"
)

// Source health and exporter metrics.
const (
	MetricSourceUp                   = "custops_source_up"
	MetricSourceLastSuccessTimestamp = "custops_source_last_success_timestamp_seconds"
	MetricSourcePollDuration         = "custops_source_poll_duration_seconds"
	MetricSourcePollInterval         = "custops_source_poll_interval_seconds"
	MetricSourceStaleAfter           = "custops_source_stale_after_seconds"
	MetricSourceRequestsTotal        = "custops_source_requests_total"
	MetricSourceRateLimitWaitsTotal  = "custops_source_rate_limit_waits_total"
	MetricSourceTickets              = "custops_source_tickets"
	MetricSourceClockSkew            = "custops_source_clock_skew_seconds"
	MetricConfigLastReloadSuccessful = "custops_config_last_reload_successful"
	MetricSLAAlertSeverityInfo       = "custops_sla_alert_severity_info"
	MetricBuildInfo                  = "custops_build_info"
)

// Label names.
const (
	LabelCustomer = "customer"
	LabelName     = "name"
	LabelTier     = "tier"
	LabelCSM      = "csm"
	LabelPriority = "priority"
	LabelState    = "state"
	LabelAge      = "age"
	LabelSLA      = "sla"
	LabelResult   = "result"
	LabelWindow   = "window"
	LabelChannel  = "channel"
	LabelCategory = "category"
	LabelRating   = "rating"
	LabelFactor   = "factor"
	LabelSource   = "source"
	LabelCheck    = "check"
	LabelEndpoint = "endpoint"
	LabelCode     = "code"
	LabelSeverity = "severity"
)

// FixedSeriesBudget is the per-customer series budget of every family but the category
// breakdown and the teams (SeriesBudget, teams.go).
const FixedSeriesBudget = 150

// Catalogue lists every metric the exporter exposes, for the generators' lint: each must be shown
// on a board or used by an alert, and nothing else may be queried.
var Catalogue = []string{
	MetricCustomerInfo, MetricOpenTickets, MetricOpenTicketsByAge, MetricOldestOpenTicketCreated,
	MetricEscalatedOpenTickets, MetricOpenIncidents, MetricSLABreachedOpenTickets,
	MetricSLAAtRiskOpenTickets, MetricSLANextBreachTimestamp, MetricSLACompletedCycles,
	MetricSLAComplianceRatio, MetricCustomerSLATargetRatio, MetricCreatedTickets,
	MetricResolvedTickets, MetricReopenedTickets, MetricCreatedTicketsByChannel,
	MetricCreatedTicketsByCategory, MetricOfficialChannelRatio, MetricCSATResponses, MetricCSATRatio, MetricResponseTimeSeconds,
	MetricResolutionTimeSeconds, MetricCustomerRiskScore, MetricCustomerRiskFactor,
	MetricDataQualityTickets, MetricCustomerSourceInfo, MetricSnapshotTimestamp, MetricSnapshotDuration,
	MetricSourceUp, MetricSourceLastSuccessTimestamp, MetricSourcePollDuration,
	MetricSourcePollInterval, MetricSourceStaleAfter, MetricSourceRequestsTotal, MetricSourceRateLimitWaitsTotal,
	MetricSourceTickets, MetricSourceClockSkew, MetricConfigLastReloadSuccessful, MetricSLAAlertSeverityInfo, MetricBuildInfo,
	MetricTeamInfo, MetricTeamOpenTickets, MetricTeamOldestWaitStart, MetricTeamWaitSeconds,
	MetricTeamOLABreachedTickets, MetricTeamOLAAtRiskTickets, MetricTeamOLANextBreach,
	MetricRecordsDrift,
}
