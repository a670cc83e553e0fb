package snapshot

import (
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// newSLAs returns one SLA per goal name of the customer's policy, over all priorities, so a
// contracted SLA is reported even before any ticket carries its clock.
func newSLAs(p config.Policy) []SLA {
	names := p.SLANames()
	out := make([]SLA, len(names))
	for i, n := range names {
		out[i] = newSLA(n, p.ComplianceTarget)
	}
	return out
}

// newSLA returns an empty SLA; both per-window slices share one allocation.
func newSLA(name string, target float64) SLA {
	n := len(catalog.Windows)
	counts := make([]float64, 2*n)
	return SLA{Name: name, Target: target, Met: counts[:n:n], BreachedCycles: counts[n:]}
}

// slaFor finds c's SLA by name, adding it when a ticket carries a clock its policy does not name.
// A linear scan: a customer has a handful of SLAs.
func slaFor(c *Customer, target float64, name string) *SLA {
	for i := range c.SLAs {
		if c.SLAs[i].Name == name {
			return &c.SLAs[i]
		}
	}
	c.SLAs = append(c.SLAs, newSLA(name, target))
	return &c.SLAs[len(c.SLAs)-1]
}

// addClocks folds t's SLA clocks, t having priority index p. Completed cycles count on every
// ticket by the window their Stop falls in; running cycles count only on open tickets, because a
// clock a source left running on a resolved ticket is not a threat to anyone. A clock without a
// name is skipped: it could not be labelled.
func (b *builder) addClocks(c *Customer, a *customerAcc, t *ticket.Ticket, p int, open bool) {
	for ki := range t.Clocks {
		k := &t.Clocks[ki]
		if k.Name == "" {
			continue
		}
		s := slaFor(c, a.policy.ComplianceTarget, k.Name)
		for yi := range k.Cycles {
			y := &k.Cycles[yi]
			if y.Running() {
				if open {
					c.NextBreach[p] = earliest(c.NextBreach[p], b.addRunning(s, a, t, k, y, p))
				}
				continue
			}
			breached := sla.StatusAt(*y, b.now, a.policy.AtRisk, nil).State == sla.StateBreached
			stop := nanos(y.Stop)
			a.soon(b.win.edge(stop))
			for i := range s.Met {
				if !b.win.in(i, stop) {
					continue
				}
				if breached {
					s.BreachedCycles[i]++
				} else {
					s.Met[i]++
				}
			}
		}
	}
}

// addRunning classifies a running cycle of an open ticket at now by sla.StatusAt, on the calendar
// the clock counts on: breached (a breach instant that passed since the last poll already counts),
// at risk, and the next breach of a clock that is still counting, which it also returns (zero
// when the clock has none ahead); and notes when that changes.
func (b *builder) addRunning(s *SLA, a *customerAcc, t *ticket.Ticket, k *ticket.Clock, y *ticket.Cycle, p int) time.Time {
	cal := b.calendars.For(t, k, &a.policy)
	st := sla.StatusAt(*y, b.now, a.policy.AtRisk, cal)
	if next := st.Next(b.now, y.Goal, a.policy.AtRisk, cal); !next.IsZero() {
		a.soon(nanos(next))
	}
	switch st.State {
	case sla.StateBreached:
		s.Breached[p]++
	case sla.StateAtRisk:
		s.AtRisk[p]++
	}
	if !st.Counting() || !st.BreachAt.After(b.now) {
		return time.Time{}
	}
	s.NextBreach = earliest(s.NextBreach, st.BreachAt)
	return st.BreachAt
}
