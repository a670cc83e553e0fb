package report

import (
	"cmp"
	"slices"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/history"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/human"
)

// BodyRows is how many rows a list shows in the report's body; a longer list is shown whole in an
// appendix, and the body says so: nothing is cut silently.
const BodyRows = 10

// List is one of the lists the meeting needs, complete.
type List struct {
	ID, Title, Intro string
	Columns          []string // after Ticket and Summary
	Rows             []Row
	Empty            string // said when there are no rows
	// Appendix is the letter of the appendix holding the whole list when it is longer than
	// BodyRows; "" when the body shows it all.
	Appendix string
}

// Row is one ticket of a list.
type Row struct {
	Key, Summary string
	URL          string   // the ticket in its desk, for internal pages only
	Cells        []string // one per column
	Class        string   // a state for styling: breached, open, resolved
}

// Body is what the report's body shows: every row, or the first BodyRows.
func (l List) Body() []Row {
	if len(l.Rows) > BodyRows {
		return l.Rows[:BodyRows]
	}
	return l.Rows
}

// More is how many rows only the appendix shows.
func (l List) More() int { return max(len(l.Rows)-BodyRows, 0) }

// numberAppendices gives each long list its appendix letter, in order.
func numberAppendices(lists []List) []List {
	letter := 'A'
	for i := range lists {
		if lists[i].More() > 0 {
			lists[i].Appendix = string(letter)
			letter++
		}
	}
	return lists
}

// breach is one SLA goal passed: the ticket, the SLA and when.
type breach struct {
	t         *ticket.Ticket
	sla       string
	at        time.Time
	completed bool
}

// breaches are the SLA goals passed in [from, until], judged by sla.StatusAt at until: a clock
// still running on an open ticket that is past its goal, or a cycle that completed late. Each
// is placed at its breach instant (the source's, else where the judge puts it); a completed late
// cycle whose instant is unknown is placed at its stop, a running one at the source's last reading.
// Sorted by instant.
func (c *customerContext) breaches(from, until time.Time) []breach {
	var out []breach
	for _, t := range c.tickets {
		for ki := range t.Clocks {
			k := &t.Clocks[ki]
			if k.Name == "" {
				continue
			}
			cal := c.cals.For(t, k, &c.policy)
			for _, y := range k.Cycles {
				if y.Start.After(until) || (y.Running() && !t.Open()) {
					continue // not begun, or a clock a source left running on a resolved ticket
				}
				st := sla.StatusAt(y, until, c.policy.AtRisk, cal)
				if st.State != sla.StateBreached {
					continue
				}
				at := st.BreachAt
				if at.IsZero() {
					at = cmp.Or(y.Stop, y.ObservedAt, y.Start)
				}
				if at.Before(from) || at.After(until) {
					continue
				}
				out = append(out, breach{t: t, sla: k.Name, at: at, completed: !y.Running()})
			}
		}
	}
	slices.SortStableFunc(out, func(a, b breach) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.t.Key, b.t.Key), cmp.Compare(a.sla, b.sla))
	})
	return out
}

// lists are the week's lists, all as of the week's end: SLA breaches of the week, open incidents,
// tickets waiting on the customer, escalations, and the open tickets oldest first.
func (c *customerContext) lists(w history.Weekly, breaches []breach) []List {
	until := w.Until
	end := c.time(until)
	breachList := List{ID: "breaches", Title: "SLA breaches of the week",
		Intro:   "Every SLA goal passed during the week, at the instant it passed.",
		Columns: []string{"Priority", "SLA", "Goal passed", "Now"}, Empty: "No SLA goal was passed this week."}
	for _, b := range breaches {
		now, class := "still open", "breached"
		if b.completed {
			now = "answered or resolved late"
		}
		if !b.t.Open() {
			now, class = "resolved", "resolved"
		}
		breachList.Rows = append(breachList.Rows, c.row(b.t, class, human.Priority(string(b.t.Priority)), human.SLA(b.sla), c.time(b.at), now))
	}

	incidents := List{ID: "incidents", Title: "Open incidents",
		Intro:   "Incidents open at the week's end (" + end + "), with how long each had been open then.",
		Columns: []string{"Priority", "Started", "Open for", "Status now"}, Empty: "No incident was open at the week's end."}
	waiting := List{ID: "waiting", Title: "Waiting for you",
		Intro:   "Tickets waiting on your answer at the week's end: your action items.",
		Columns: []string{"Priority", "Waiting since", "Waiting for"}, Empty: "No ticket was waiting on you at the week's end."}
	escalations := List{ID: "escalations", Title: "Escalations",
		Intro:   "Escalated tickets open at the week's end or resolved during the week.",
		Columns: []string{"Priority", "Opened", "At the week's end"}, Empty: "No escalated ticket this week."}
	oldest := List{ID: "oldest", Title: "Oldest open tickets",
		Intro:   "Every ticket open at the week's end, oldest first.",
		Columns: []string{"Priority", "Opened", "Age", "State then"}, Empty: "No ticket was open at the week's end."}

	type aged struct {
		t    *ticket.Ticket
		from time.Time
	}
	var inc, old, esc []aged
	var wait []aged
	for _, t := range c.tickets {
		span, open := history.OpenAt(t, until)
		if open {
			old = append(old, aged{t, t.Created})
			if t.Incident {
				inc = append(inc, aged{t, span.From})
			}
			if st, since := history.StateAt(t, until); st == ticket.StateWaitingCustomer {
				wait = append(wait, aged{t, since})
			}
		}
		if t.Escalated && !t.Created.After(until) && (open || resolvedIn(t, w.Week.Start, until)) {
			esc = append(esc, aged{t, t.Created})
		}
	}
	byPriority := func(a, b aged) int {
		return cmp.Or(cmp.Compare(a.t.Priority, b.t.Priority), a.from.Compare(b.from), cmp.Compare(a.t.Key, b.t.Key))
	}
	byAge := func(a, b aged) int { return cmp.Or(a.from.Compare(b.from), cmp.Compare(a.t.Key, b.t.Key)) }
	slices.SortFunc(inc, byPriority)
	slices.SortFunc(esc, byPriority)
	slices.SortFunc(wait, byAge)
	slices.SortFunc(old, byAge)
	for _, a := range inc {
		incidents.Rows = append(incidents.Rows, c.row(a.t, "open", human.Priority(string(a.t.Priority)), c.time(a.from), human.Duration(until.Sub(a.from)), a.t.Status))
	}
	for _, a := range wait {
		waiting.Rows = append(waiting.Rows, c.row(a.t, "open", human.Priority(string(a.t.Priority)), c.time(a.from), human.Duration(until.Sub(a.from))))
	}
	for _, a := range esc {
		state, class := "open", "open"
		if _, open := history.OpenAt(a.t, until); !open {
			state, class = "resolved during the week", "resolved"
		}
		escalations.Rows = append(escalations.Rows, c.row(a.t, class, human.Priority(string(a.t.Priority)), c.time(a.from), state))
	}
	for _, a := range old {
		st, _ := history.StateAt(a.t, until)
		oldest.Rows = append(oldest.Rows, c.row(a.t, "open", human.Priority(string(a.t.Priority)), c.time(a.from), human.Duration(until.Sub(a.from)), stateWords(st)))
	}
	return []List{breachList, incidents, waiting, escalations, oldest}
}

// row is a list row of a ticket.
func (c *customerContext) row(t *ticket.Ticket, class string, cells ...string) Row {
	return Row{Key: t.Key, Summary: t.Summary, URL: t.URL, Cells: cells, Class: class}
}

// resolvedIn reports whether the ticket was resolved in [from, until].
func resolvedIn(t *ticket.Ticket, from, until time.Time) bool {
	for _, s := range sla.OpenSpans(t) {
		if !s.To.IsZero() && !s.To.Before(from) && !s.To.After(until) {
			return true
		}
	}
	return false
}

// stateWords names a state the way the customer reads it.
func stateWords(s ticket.State) string {
	switch s {
	case ticket.StateWaitingCustomer:
		return "Waiting for you"
	case "":
		return "–"
	}
	return human.State(string(s))
}

// categoryTitle names a category for people.
func categoryTitle(name string) string {
	switch name {
	case catalog.CategoryOther:
		return "Other"
	case catalog.CategoryUncategorized:
		return "Uncategorized"
	}
	return name
}

const (
	categoryOther         = catalog.CategoryOther
	categoryUncategorized = catalog.CategoryUncategorized
)
