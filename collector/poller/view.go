package poller

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/match"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/team"
	"github.com/custops/custops/collector/ticket"
)

// View is one immutable picture of what custops knows, published after each recompute: the
// config it was computed under, the snapshot, the tickets behind it and the sources' health.
// Every reader (the /metrics collector, the pages, the report) reads one View, so what they
// show always adds up, at one instant.
type View struct {
	Config   *config.Config
	Snapshot *snapshot.Snapshot // its At is the view's instant
	Took     time.Duration      // how long the snapshot took to bring up to date
	// Wall is the wall clock when the view was computed, to judge the sources' LastSuccess
	// against; zero in a view computed without polling (NewView), whose fetch times are unknown.
	Wall time.Time
	// Sources is each configured source's health as of the recompute, in config order.
	Sources []SourceHealth
	// Complete reports that every source had finished a whole poll (in this run or before a
	// restart) when the view was computed, so it shows all of them.
	Complete bool

	rules *rules
	// tickets are each customer's tickets behind the snapshot, computed SLA clocks included, in
	// the order of Snapshot.Customers. Nobody may modify them.
	tickets [][]*ticket.Ticket
}

// SourceHealth is one source's poll state.
type SourceHealth struct {
	Name string
	Up   bool // the last poll succeeded
	// Synced: the source finished a whole poll, in this run or in one before a restart.
	Synced       bool
	LastSuccess  time.Time // wall clock of the last successful poll; zero before the first
	PollDuration time.Duration
	PollInterval time.Duration
	Tickets      int           // tickets of the source in the store
	Stats        *source.Stats // live request counters; nil in a view computed without polling
}

// At is the instant the view's numbers are computed at.
func (v *View) At() time.Time { return v.Snapshot.At }

// CustomerOf returns the id of the customer a ticket maps to under the view's config, or "".
func (v *View) CustomerOf(t *ticket.Ticket) string { return v.rules.matcher.Customer(t) }

// Customer returns the snapshot's aggregates of one customer.
func (v *View) Customer(id string) (*snapshot.Customer, bool) {
	if i, ok := v.customerIndex(id); ok {
		return &v.Snapshot.Customers[i], true
	}
	return nil, false
}

// customerIndex finds a customer in the snapshot, which lists them sorted by id.
func (v *View) customerIndex(id string) (int, bool) {
	return slices.BinarySearchFunc(v.Snapshot.Customers, id, func(c snapshot.Customer, id string) int { return cmp.Compare(c.ID, id) })
}

// Calendars returns the view's config's calendars: what sla.StatusAt counts each clock's time
// left on (Calendars.For).
func (v *View) Calendars() *sla.Calendars { return v.rules.calendars }

// Teams returns the view's config's teams: where each ticket waits (team.Teams.Stays).
func (v *View) Teams() *team.Teams { return v.rules.teams }

// TicketsOf returns the tickets that map to the customer, in no particular order. Nobody may
// modify the slice or the tickets.
func (v *View) TicketsOf(id string) []*ticket.Ticket {
	if i, ok := v.customerIndex(id); ok && i < len(v.tickets) {
		return v.tickets[i]
	}
	return nil
}

// Source returns the health of the named source.
func (v *View) Source(name string) (SourceHealth, bool) {
	for _, s := range v.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return SourceHealth{}, false
}

// rules is what the config decides about tickets: which customer a ticket is, the calendars its
// clocks count on, and the contract's computed SLA clocks. Built once per config and kept across
// recomputes (the engine caches).
type rules struct {
	cfg       *config.Config
	matcher   *match.Matcher
	calendars *sla.Calendars
	teams     *team.Teams // where tickets wait
	engine    *sla.Engine // nil when every source uses its native SLA data
}

func newRules(cfg *config.Config) (*rules, error) {
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		return nil, fmt.Errorf("SLA calendars: %w", err)
	}
	r := &rules{cfg: cfg, matcher: match.New(cfg), calendars: cals, teams: team.New(cfg, cals)}
	for _, sc := range cfg.Sources {
		if sc.SLA == config.SLAComputed || sc.SLA == config.SLABoth {
			engine, err := sla.NewEngine(cfg)
			if err != nil {
				return nil, fmt.Errorf("SLA engine: %w", err)
			}
			r.engine = engine
			break
		}
	}
	return r, nil
}

// NewView computes a view of tickets at now under cfg without polling: what `custops report`
// reads from a store. Its sources have no health beyond their names.
func NewView(cfg *config.Config, tickets []*ticket.Ticket, now time.Time) (*View, error) {
	r, err := newRules(cfg)
	if err != nil {
		return nil, err
	}
	started := time.Now()
	v := newLive(r, slices.Clone(tickets), now).view() // newLive reorders them
	v.Took = time.Since(started)
	for _, s := range cfg.Sources {
		v.Sources = append(v.Sources, SourceHealth{Name: s.Name, PollInterval: cfg.PollIntervalOf(s)})
	}
	return v, nil
}
