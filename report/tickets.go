package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/internal/human"
)

// openRisks lists the customer's open tickets with a running SLA clock breached or at risk now,
// most urgent first (breached, then by priority, then by the least time left). Each clock is
// judged by sla.StatusAt under the customer's policy, on the calendar it counts on, exactly as
// the snapshot counts it, so the list adds up to the breached and at-risk numbers.
func (c *customerContext) openRisks() List {
	l := List{ID: "at-risk-now", Title: "Breached or at risk now",
		Intro:   "Open tickets whose SLA clock is past its goal or close to it, as of " + c.time(c.at) + ".",
		Columns: []string{"Priority", "SLA", "State", "Time left"}, Empty: "No open ticket's SLA clock is breached or at risk."}
	type item struct {
		row      Row
		breached bool
		prio     string
		left     time.Duration
	}
	var items []item
	for _, t := range c.tickets {
		if !t.Open() {
			continue
		}
		for ki := range t.Clocks {
			k := &t.Clocks[ki]
			cy, ok := k.Ongoing()
			if !ok || k.Name == "" {
				continue
			}
			st := sla.StatusAt(cy, c.at, c.policy.AtRisk, c.cals.For(t, k, &c.policy))
			switch st.State {
			case sla.StateBreached:
				items = append(items, item{c.row(t, "breached", human.Priority(string(t.Priority)), human.SLA(k.Name), "breached", "over by "+human.Duration(-st.Remaining)), true, string(t.Priority), st.Remaining})
			case sla.StateAtRisk:
				items = append(items, item{c.row(t, "warn", human.Priority(string(t.Priority)), human.SLA(k.Name), "at risk", human.Duration(st.Remaining)), false, string(t.Priority), st.Remaining})
			}
		}
	}
	slices.SortStableFunc(items, func(a, b item) int {
		return cmp.Or(-cmpBool(a.breached, b.breached), cmp.Compare(a.prio, b.prio), cmp.Compare(a.left, b.left), cmp.Compare(a.row.Key, b.row.Key))
	})
	for _, it := range items {
		l.Rows = append(l.Rows, it.row)
	}
	return l
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
