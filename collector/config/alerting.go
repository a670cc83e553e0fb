package config

import (
	"slices"
	"strings"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// Severity is an alert's severity label: critical pages a human now, warning lands in the
// team's queue, info is recorded without a notification (docs/runbook.md).
type Severity string

// The severities, most urgent first.
const (
	SeverityCritical Severity = catalog.SeverityCritical
	SeverityWarning  Severity = catalog.SeverityWarning
	SeverityInfo     Severity = catalog.SeverityInfo
)

// Severities lists the severities in order.
var Severities = []Severity{SeverityCritical, SeverityWarning, SeverityInfo}

// SeverityByPriority maps priorities to the severity of their SLA alerts; a priority left out
// falls back to the next level (tier, then the top-level sla_severity, then the default).
type SeverityByPriority map[ticket.Priority]Severity

// DefaultSLASeverity pages for P1 and warns for the rest: a P1 is the customer's outage, the
// others can wait for working hours in the team's queue. A config raises P2 to critical per
// tier (tiers.gold.sla_severity: {p2: critical}) or lowers P1 for a tier that pays for less.
var DefaultSLASeverity = SeverityByPriority{
	ticket.P1: SeverityCritical,
	ticket.P2: SeverityWarning,
	ticket.P3: SeverityWarning,
	ticket.P4: SeverityWarning,
}

// SLASeverityOf returns the severity of the SLA alerts (breach imminent, breached) of a ticket of
// priority p of a customer of the named tier: the tier's sla_severity, else the top-level one,
// else DefaultSLASeverity.
func (c *Config) SLASeverityOf(tier string, p ticket.Priority) Severity {
	if s, ok := c.Tiers[tier].SLASeverity[p]; ok {
		return s
	}
	if s, ok := c.SLASeverity[p]; ok {
		return s
	}
	return DefaultSLASeverity[p]
}

// alerting checks every sla_severity map.
func (v *validator) alerting(c *Config) {
	v.severities("sla_severity", c.SLASeverity)
	for _, name := range sortedKeys(c.Tiers) {
		v.severities(joinPath(joinPath("tiers", name), "sla_severity"), c.Tiers[name].SLASeverity)
	}
}

// severities checks one priority -> severity map.
func (v *validator) severities(path string, m SeverityByPriority) {
	keys := make([]string, 0, len(m))
	for p := range m {
		keys = append(keys, string(p))
	}
	slices.Sort(keys)
	for _, k := range keys {
		p := joinPath(path, k)
		switch s := m[ticket.Priority(k)]; {
		case !ticket.Priority(k).Valid():
			v.errf(p, "unknown priority %q %s", k, known(ticket.Priorities))
		case !slices.Contains(Severities, s):
			v.errf(p, "unknown severity %q %s", s, known(Severities))
		}
	}
}

// describeSeverities writes the severity of the SLA alerts per tier and priority.
func (c *Config) describeSeverities(p func(string, ...any)) {
	p("\nSLA alert severity (critical pages, warning goes to the queue, info notifies nobody)\n")
	head := make([]string, len(ticket.Priorities))
	for i, prio := range ticket.Priorities {
		head[i] = strings.ToUpper(string(prio))
	}
	p("  TIER\t%s\n", strings.Join(head, "\t"))
	for _, name := range sortedKeys(c.Tiers) {
		row := make([]string, len(ticket.Priorities))
		for i, prio := range ticket.Priorities {
			row[i] = string(c.SLASeverityOf(name, prio))
		}
		p("  %s\t%s\n", name, strings.Join(row, "\t"))
	}
}
