package config

import (
	"maps"
	"slices"
	"time"

	"github.com/custops/custops/collector/ticket"
)

// Calendar24x7 is the calendar name that means "every hour of every day": no calendars entry is
// needed for it, and it is what an SLA policy without a calendar uses.
const Calendar24x7 = "24x7"

// Policy is a customer's effective contract: the tier's policy with the customer's overrides.
type Policy struct {
	ComplianceTarget float64
	AtRisk           Threshold
	SLA              SLAPolicy // calendar, goals per priority and SLA name, pause states
}

// Goal returns the goal of the named SLA for priority p, and whether the contract has one.
func (p Policy) Goal(prio ticket.Priority, sla string) (time.Duration, bool) {
	g, ok := p.SLA.Goals[prio][sla]
	return time.Duration(g), ok
}

// SLANames returns the SLA names that have a goal for any priority, sorted.
func (p Policy) SLANames() []string {
	var names []string
	for _, goals := range p.SLA.Goals {
		for name := range goals {
			if !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
	}
	slices.Sort(names)
	return names
}

// Policy returns the effective contract of the customer with the given id: its tier's policy with
// the customer's own overrides merged key by key (goals per priority per SLA name, calendar, pause
// states, compliance target). An unknown id yields the zero Policy. The result shares nothing with
// the configuration, so callers may keep or modify it.
func (c *Config) Policy(customerID string) Policy {
	i := c.customerIndex(customerID)
	if i < 0 {
		return Policy{}
	}
	cu := c.Customers[i]
	tier := c.Tiers[cu.Tier]
	p := Policy{
		ComplianceTarget: tier.ComplianceTarget,
		AtRisk:           tier.AtRisk,
		SLA:              mergeSLA(tier.SLA, cu.SLA),
	}
	if cu.ComplianceTarget != nil {
		p.ComplianceTarget = *cu.ComplianceTarget
	}
	return p
}

// mergeSLA lays the override over the base key by key and returns a fresh policy. An empty
// calendar means 24x7; a nil pause_states inherits while an explicit empty list clears them.
func mergeSLA(base SLAPolicy, override *SLAPolicy) SLAPolicy {
	out := SLAPolicy{
		Calendar:    base.Calendar,
		Goals:       make(map[ticket.Priority]map[string]Duration, len(base.Goals)),
		PauseStates: slices.Clone(base.PauseStates),
	}
	for prio, goals := range base.Goals {
		out.Goals[prio] = maps.Clone(goals)
	}
	if override != nil {
		if override.Calendar != "" {
			out.Calendar = override.Calendar
		}
		if override.PauseStates != nil {
			out.PauseStates = slices.Clone(override.PauseStates)
		}
		for prio, goals := range override.Goals {
			if out.Goals[prio] == nil {
				out.Goals[prio] = make(map[string]Duration, len(goals))
			}
			maps.Copy(out.Goals[prio], goals)
		}
	}
	if out.Calendar == "" {
		out.Calendar = Calendar24x7
	}
	return out
}

// Of returns the at-risk threshold for a clock with the given goal: the fraction of the goal, or
// the absolute duration when one is set.
func (t Threshold) Of(goal time.Duration) time.Duration {
	if t.Duration > 0 {
		return t.Duration
	}
	return time.Duration(t.Fraction * float64(goal))
}

// SourceByName returns the source with the given name.
func (c *Config) SourceByName(name string) (Source, bool) {
	for _, s := range c.Sources {
		if s.Name == name {
			return s, true
		}
	}
	return Source{}, false
}

// PollIntervalOf returns how often s is polled: its own poll_interval, or the global one.
func (c *Config) PollIntervalOf(s Source) time.Duration {
	if s.PollInterval > 0 {
		return time.Duration(s.PollInterval)
	}
	return time.Duration(c.PollInterval)
}

// CustomerByID returns the customer with the given id.
func (c *Config) CustomerByID(id string) (Customer, bool) {
	i := c.customerIndex(id)
	if i < 0 {
		return Customer{}, false
	}
	return c.Customers[i], true
}
