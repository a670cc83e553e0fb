package sim

import (
	"time"

	"github.com/custops/custops/collector/ticket"
)

// breachLead is how long after Start the breach-soon incident's first-response clock breaches.
const breachLead = 10 * time.Minute

// scripted returns the scenario's scripted ticket raised in hour h, if any. The breach-soon
// incident is raised so that its first-response goal runs out breachLead after Start, answered
// late, resolved late and rated bad: a whole bad day to watch unfold.
func (w *World) scripted(h int64) *plan {
	if w.opts.Scenario != ScenarioBreachSoon {
		return nil
	}
	var p *profile
	for _, q := range w.profiles {
		if q.ID == BreachingCustomer {
			p = q
		}
	}
	if p == nil { // the customer is not on this desk
		return nil
	}
	frGoal, resGoal := goals(p.Tier, ticket.P1)
	start := w.opts.Start
	created := start.Add(breachLead - frGoal)
	// A history shorter than the lead still gets the incident, in the first hour planned.
	if hour := max(hourIndex(created), hourIndex(w.from)); hour != h {
		return nil
	}
	return &plan{
		number:   hourIndex(created)*slotsPerHour + scriptedSlot + 1,
		cust:     p,
		created:  created,
		priority: ticket.P1,
		channel:  ticket.ChannelPhone,
		incident: true,
		summary:  incidentSummaries[0],
		label:    "api",
		frGoal:   frGoal,
		resGoal:  resGoal,
		events: []event{
			{at: created, kind: evCreate},
			{at: start.Add(20 * time.Minute), kind: evEscalate},
			{at: start.Add(90 * time.Minute), kind: evReply},
			{at: start.Add(5 * time.Hour), kind: evResolve},
			{at: start.Add(7 * time.Hour), kind: evCSAT, csat: ticket.CSATBad},
			{at: start.Add(3 * 24 * time.Hour), kind: evClose},
		},
	}
}
