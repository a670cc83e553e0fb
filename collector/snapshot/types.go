// Package snapshot turns the stored tickets into per-customer aggregates at an instant. Compute is
// a pure function of (tickets, now, config): no clock, no I/O, so every number is testable on a
// fake clock. The collector renders the result; a scrape never walks tickets.
package snapshot

import (
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Snapshot is every aggregate at one instant. It is immutable once built.
type Snapshot struct {
	At          time.Time
	Customers   []Customer    // sorted by ID; every configured customer, even with no tickets
	DataQuality []DataQuality // sorted by source then check; every source x check, zeros included
	Records     Records       // what keeps the customer records from being true
}

// DataQuality counts a source's tickets that failed one check (ticket.Quality* constants).
type DataQuality struct {
	Source string
	Check  string
	Count  int
}

// PerPriority holds one number per priority, indexed p1..p4 (index 0 is p1).
type PerPriority [4]float64

// PriorityIndex maps a priority to its PerPriority index; -1 for an invalid one.
func PriorityIndex(p ticket.Priority) int {
	switch p {
	case ticket.P1:
		return 0
	case ticket.P2:
		return 1
	case ticket.P3:
		return 2
	case ticket.P4:
		return 3
	}
	return -1
}

// Customer is one customer's aggregates.
type Customer struct {
	ID, Name, Tier, CSM string
	// Sources are the names of the sources that hold at least one of the customer's tickets,
	// sorted: whose outage makes this customer's numbers stale.
	Sources []string
	// Owner is who owns the customer: its config owner, else the owner field of the organization
	// on its most recently updated ticket that carries one (config.OwnerHandle of it); "" when
	// neither says.
	Owner string

	// Open counts open tickets by priority then open state (ticket.OpenStates order).
	Open [4][4]float64
	// Age counts open tickets by priority then age bucket (catalog.AgeBuckets order).
	Age [4][5]float64
	// OldestCreated is when the oldest open ticket per priority was created; zero when none is
	// open. An instant, not an age: it stays the same while time passes, so a customer whose
	// tickets did not change keeps its aggregates (readers compute the age as now minus it).
	OldestCreated [4]time.Time
	Escalated     PerPriority // open escalated tickets
	Incidents     PerPriority // open incidents
	// NextBreach is per priority the earliest upcoming breach of any counting SLA clock of an
	// open ticket, whatever the SLA; zero when none. Alerts route on the priority.
	NextBreach [4]time.Time

	SLAs []SLA // one per SLA name with a goal or a clock, sorted by name

	Trends []Trend // one per window, catalog.Windows order

	// Categories counts tickets created in CategoryWindow per support category: the
	// top_categories categories, most first, then catalog.CategoryOther; nil when no source has
	// category_from.
	Categories     []CategoryCount
	CategoryWindow string

	ResponseTime   Summary // first response, over 30d
	ResolutionTime Summary // resolution, over 30d

	Risk        float64            // 0..100
	RiskFactors map[string]float64 // factor -> points contributed

	// Teams is where the customer's tickets wait, one per configured team in config order; nil
	// without teams.
	Teams []TeamStat
}

// SLA is one customer's state of one named SLA.
type SLA struct {
	Name     string
	Breached PerPriority // running clocks of open tickets already past their goal
	AtRisk   PerPriority // running, not breached, remaining <= the tier's at-risk threshold
	// NextBreach is the earliest upcoming breach instant of a running, unpaused, not yet breached
	// clock; zero when none.
	NextBreach time.Time
	// Target is the contractual compliance target (0..1).
	Target float64
	// Met and BreachedCycles count completed cycles that stopped inside each window (catalog.Windows order).
	Met            []float64
	BreachedCycles []float64
}

// Compliance returns met / completed for window i and whether anything completed.
func (s SLA) Compliance(i int) (float64, bool) {
	total := s.Met[i] + s.BreachedCycles[i]
	if total == 0 {
		return 0, false
	}
	return s.Met[i] / total, true
}

// Trend is one window's flow counts.
type Trend struct {
	Window    string
	Created   float64
	Resolved  float64
	Reopened  float64
	ByChannel map[ticket.Channel]float64 // created per channel; every channel present
	// OfficialRatio is the share created through official channels; valid only when Created > 0.
	OfficialRatio float64
	CSATGood      float64
	CSATBad       float64
}

// CategoryCount is one support category's tickets.
type CategoryCount struct {
	Name  string
	Count float64
}

// Summary is a summary metric's state: count, sum and quantiles (0.5, 0.9) in seconds.
type Summary struct {
	Count     uint64
	Sum       float64
	Quantiles map[float64]float64
}
