package catalog

import "time"

// Priority label values, most urgent first. ticket.Priority takes its constants from these.
const (
	PriorityP1 = "p1"
	PriorityP2 = "p2"
	PriorityP3 = "p3"
	PriorityP4 = "p4"
)

// Severity label values, of custops_sla_alert_severity_info and of every alert: critical pages
// a human now, warning lands in the team's queue, info is recorded without a notification.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
	SeverityInfo     = "info"
)

// Priorities lists the priority label values in order.
var Priorities = []string{PriorityP1, PriorityP2, PriorityP3, PriorityP4}

// State label values. The first four are the open states, the backlog.
const (
	StateNew             = "new"
	StateInProgress      = "in_progress"
	StateWaitingCustomer = "waiting_customer"
	StateWaitingPartner  = "waiting_partner"
	StateResolved        = "resolved"
	StateClosed          = "closed"
)

// Channel label values. ChannelAgent means an agent raised the ticket on the customer's behalf.
const (
	ChannelPortal = "portal"
	ChannelEmail  = "email"
	ChannelAPI    = "api"
	ChannelChat   = "chat"
	ChannelPhone  = "phone"
	ChannelAgent  = "agent"
	ChannelOther  = "other"
)

// Well-known SLA label values; sources keep their own snake_case name for any other SLA.
const (
	SLAFirstResponse = "first_response"
	SLAResolution    = "resolution"
)

// Values of the result label of sla_completed_cycles.
const (
	ResultMet      = "met"
	ResultBreached = "breached"
)

// Values of the rating label of csat_responses.
const (
	RatingGood = "good"
	RatingBad  = "bad"
)

// Values of the check label of data_quality_tickets.
const (
	CheckUnmappedCustomer = "unmapped_customer"
	CheckUnknownPriority  = "unknown_priority"
	CheckUnknownStatus    = "unknown_status"
	CheckUnknownChannel   = "unknown_channel"
	CheckTruncatedField   = "truncated_field" // a field past ticket's limits, stored cut
	// CheckUnsupportedSLA: the vendor measures an SLA custops does not read (Zendesk group SLAs).
	CheckUnsupportedSLA = "unsupported_sla"
	// CheckReporterEmailHidden: the vendor withholds the reporter's email (a Jira Cloud
	// profile's privacy setting), so a reporter_domain rule cannot read it.
	CheckReporterEmailHidden = "reporter_email_hidden"
)

// Window is a trailing window ending at the snapshot instant: a value of the window label.
type Window struct {
	Name     string
	Duration time.Duration
}

// Window label values.
const (
	Window1d  = "1d"
	Window7d  = "7d"
	Window30d = "30d"
)

// Windows are the trailing windows of the trend metrics, in label order.
var Windows = []Window{{Window1d, 24 * time.Hour}, {Window7d, 7 * 24 * time.Hour}, {Window30d, 30 * 24 * time.Hour}}

// TeamWaitWindows are the windows of the team wait summaries, in label order: a week and a
// month, to keep their series per team at eight.
var TeamWaitWindows = []string{Window7d, Window30d}

// AgeBucket is one backlog age bucket, a value of the age label: tickets younger than Below
// (0 = unbounded).
type AgeBucket struct {
	Name  string
	Below time.Duration
}

// AgeBuckets are the backlog age buckets, in label order, with their upper bounds.
var AgeBuckets = []AgeBucket{
	{"lt_1d", 24 * time.Hour},
	{"1d_3d", 3 * 24 * time.Hour},
	{"3d_7d", 7 * 24 * time.Hour},
	{"7d_30d", 30 * 24 * time.Hour},
	{"gt_30d", 0},
}

// Risk factor names: values of the factor label of customer_risk_factor and the keys of the
// config's risk.weights.
const (
	FactorBreached      = "breached"
	FactorAtRisk        = "at_risk"
	FactorComplianceGap = "compliance_gap"
	FactorIncidents     = "incidents"
	FactorBacklogGrowth = "backlog_growth"
	FactorCSAT          = "csat"
	FactorAgeing        = "ageing"
)

// Factors lists the risk factors in label order.
var Factors = []string{FactorBreached, FactorAtRisk, FactorComplianceGap, FactorIncidents, FactorBacklogGrowth, FactorCSAT, FactorAgeing}

// Quantile label values of the response and resolution summaries.
const (
	QuantileMedian = "0.5"
	Quantile90     = "0.9"
)

// Quantiles are the summaries' quantiles, as numbers, in label order.
var Quantiles = []float64{0.5, 0.9}

// Values of the category label besides the categories' own names: tickets in a category outside
// a customer's top N, and tickets no category_from rule gave a category.
const (
	CategoryOther         = "other"
	CategoryUncategorized = "uncategorized"
)
