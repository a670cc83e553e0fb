package history

import (
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// RiskInput is what Risk reads: one customer's tickets and contract.
type RiskInput struct {
	Tickets   []*ticket.Ticket
	Policy    config.Policy
	Calendars *sla.Calendars // which calendar each clock counts on; nil: wall-clock time
	Weights   map[string]float64
}

// Risk is the customer's risk score at an instant in the past, with the snapshot's formula
// (snapshot.RiskScore) over the facts as they were then: the tickets open at the instant
// (reconstructed from state history), the trailing 7 and 30 days before it, and each SLA clock
// that was running then, judged by sla.StatusAt as of that instant. A pause is known only while
// it lasts (a cycle carries its current Paused flag, not its history), so a clock paused then but
// running now counts as running then.
func Risk(in RiskInput, at time.Time) (float64, map[string]float64) {
	var f snapshot.RiskFacts
	from7, from30 := at.Add(-7*24*time.Hour), at.Add(-30*24*time.Hour)
	in7 := func(x time.Time) bool { return x.After(from7) && !x.After(at) }
	in30 := func(x time.Time) bool { return x.After(from30) && !x.After(at) }
	type counts struct{ met, breached float64 }
	completed := map[string]*counts{}
	for _, name := range in.Policy.SLANames() {
		completed[name] = &counts{}
	}
	for _, t := range in.Tickets {
		if t.Created.After(at) {
			continue
		}
		if in7(t.Created) {
			f.Created7++
		}
		spans := sla.OpenSpans(t)
		open := false
		for _, s := range spans {
			if !s.To.IsZero() && in7(s.To) {
				f.Resolved7++
			}
			// Open at the instant as the snapshot counts it at its now: created by then, not
			// resolved by then.
			if !s.From.After(at) && (s.To.IsZero() || s.To.After(at)) {
				open = true
			}
		}
		if open {
			f.Open++
			if at.Sub(t.Created) >= 7*24*time.Hour {
				f.OpenOver7d++
			}
			if t.Incident && (t.Priority == ticket.P1 || t.Priority == ticket.P2) {
				f.Incidents++
			}
		}
		if t.CSAT != ticket.CSATNone && in30(t.CSATAt) {
			f.Responses30++
			if t.CSAT == ticket.CSATGood {
				f.Good30++
			}
		}
		for ki := range t.Clocks {
			k := &t.Clocks[ki]
			if k.Name == "" {
				continue
			}
			for _, y := range k.Cycles {
				if !y.Running() && in30(y.Stop) {
					c := completed[k.Name]
					if c == nil {
						c = &counts{}
						completed[k.Name] = c
					}
					if y.Breached {
						c.breached++
					} else {
						c.met++
					}
				}
				if !open || !y.Start.Before(at) || (!y.Running() && y.Stop.Before(at)) {
					continue // only clocks running at the instant, on tickets open then
				}
				// The cycle as it was at the instant: running. Its source's breached and paused
				// flags hold then only if the source read them by then.
				then := y
				then.Stop = time.Time{}
				if !y.Running() || y.ObservedAt.After(at) {
					then.Breached, then.Paused = false, false
				}
				switch sla.StatusAt(then, at, in.Policy.AtRisk, calendarFor(in.Calendars, t, k, &in.Policy)).State {
				case sla.StateBreached:
					f.Breached++
				case sla.StateAtRisk:
					f.AtRisk++
				}
			}
		}
	}
	for _, c := range completed {
		if n := c.met + c.breached; n > 0 {
			f.Gap = max(f.Gap, in.Policy.ComplianceTarget-c.met/n)
		}
	}
	return snapshot.RiskScore(f, in.Weights)
}

// calendarFor is the calendar a clock counts on; wall-clock time without calendars.
func calendarFor(cs *sla.Calendars, t *ticket.Ticket, k *ticket.Clock, p *config.Policy) *sla.Calendar {
	if cs == nil {
		return nil
	}
	return cs.For(t, k, p)
}
