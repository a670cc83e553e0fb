package catalog

// Where tickets wait: per customer and team, rendered from the snapshot of the last
// poll. The team label holds a team id from the config's teams: at most config.MaxTeams values.
const (
	MetricTeamInfo               = "custops_team_info"
	MetricTeamOpenTickets        = "custops_team_open_tickets"
	MetricTeamOldestWaitStart    = "custops_team_oldest_wait_start_timestamp_seconds"
	MetricTeamWaitSeconds        = "custops_team_wait_seconds"
	MetricTeamOLABreachedTickets = "custops_team_ola_breached_open_tickets"
	MetricTeamOLAAtRiskTickets   = "custops_team_ola_at_risk_open_tickets"
	MetricTeamOLANextBreach      = "custops_team_ola_next_breach_timestamp_seconds"
	// MetricRecordsDrift counts what keeps the customer records from being true, by kind
	// (RecordKinds): one series per kind, for the whole exporter.
	MetricRecordsDrift = "custops_records_drift"
)

// Label names of the team and records metrics. Owner is a label of custops_customer_info.
const (
	LabelTeam   = "team"
	LabelOwner  = "owner"
	LabelRecord = "record"
)

// Values of the record label of custops_records_drift.
const (
	// RecordUnmappedOrganization: an organization on tickets (open, or created in 30 days)
	// that maps to no customer.
	RecordUnmappedOrganization = "unmapped_organization"
	// RecordQuietCustomer: a configured customer with no ticket created in 30 days.
	RecordQuietCustomer = "quiet_customer"
	// RecordOneDeskCustomer: with several desks, a customer whose tickets of the last 30 days
	// come from one desk while its match rules name another desk's organization.
	RecordOneDeskCustomer = "one_desk_customer"
	// RecordMovedTicket: a ticket updated in 30 days whose customer changed since it was first
	// read (its organization or project moved).
	RecordMovedTicket = "moved_ticket"
)

// RecordKinds lists the kinds in label order.
var RecordKinds = []string{RecordUnmappedOrganization, RecordQuietCustomer, RecordOneDeskCustomer, RecordMovedTicket}

// Series one team adds to each customer: open tickets, the oldest wait's start, and the wait
// summary (two quantiles, sum and count) over each of TeamWaitWindows.
const teamSeries = 2 + 4*2

// olaSeries are what a team with an OLA adds on top: breached and at-risk tickets and the next
// breach.
const olaSeries = 3

// SeriesBudget is the most series one customer may have: FixedSeriesBudget for every family
// but the category breakdown and the teams; the category breakdown's top_categories + 1 (its
// names and other); and per configured team teamSeries, plus olaSeries for a team with an
// OLA. Teams are bounded by config (config.MaxTeams) and named there, as the categories are by
// top_categories, so the budget is known from the config before a ticket is read; README.md
// (Scaling) gives it for the default and the bounds.
func SeriesBudget(topCategories, teams, olaTeams int) int {
	return FixedSeriesBudget + topCategories + 1 + teams*teamSeries + olaTeams*olaSeries
}
