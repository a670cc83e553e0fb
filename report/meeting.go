package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/history"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/human"
	"github.com/custops/custops/links"
)

// Meeting is the internal ops-meeting page of one customer: what changed since the last
// meeting, the open items, and the risk factors' trend over the weeks.
type Meeting struct {
	ID, Name, Tier, CSM string
	Zone                *time.Location
	DateLayout          string
	At                  time.Time // the view's instant
	Since               time.Time // the last meeting

	Changes []List // new incidents, new SLA breaches, escalations, reopened tickets
	Open    []List // waiting on the customer, breached or at risk now, open incidents

	Risk        Risk
	RiskTrend   Chart
	Weeks       []string    // the trend's week labels
	FactorTrend []FactorRow // points per factor per week

	Sources []SourceState
	Banners []string
	Report  string // the customer report's path
}

// FactorRow is one risk factor's points at each week's end.
type FactorRow struct {
	Title  string
	Points []string
}

// MeetingOptions choose the meeting page's period.
type MeetingOptions struct {
	// Since is the last meeting: a date (2026-11-23, midnight in the customer's zone) or an RFC
	// 3339 instant; "" is 7 days before the view's instant.
	Since string
}

// MeetingFromView builds the meeting page from one published view.
func MeetingFromView(v *poller.View, id string, opts MeetingOptions) (*Meeting, error) {
	c, err := newContext(v, id)
	if err != nil {
		return nil, err
	}
	since, err := c.since(opts.Since)
	if err != nil {
		return nil, err
	}
	m := &Meeting{
		ID: c.customer.ID, Name: c.customer.Name, Tier: c.customer.Tier, CSM: c.customer.CSM,
		Zone: c.zone, DateLayout: c.layout, At: c.at, Since: since,
		Report: links.CustomerReport("", c.customer.ID),
	}
	m.Changes = c.changes(since)
	m.Open = c.openItems()
	if s, ok := v.Customer(id); ok {
		m.Risk = riskOf(s, c.cfg.Risk.Weights)
	}
	weeks := c.history(history.WeekOf(c.at, c.zone), Weeks)
	var points []map[string]float64
	m.RiskTrend, points = c.riskTrend(weeks)
	m.Weeks = weekLabels(weeks)
	for _, f := range catalog.Factors {
		row := FactorRow{Title: factorTitles[f]}
		for _, p := range points {
			row.Points = append(row.Points, score(p[f]))
		}
		m.FactorTrend = append(m.FactorTrend, row)
	}
	m.Sources, m.Banners = c.freshness()
	return m, nil
}

// since reads the last meeting's date or instant.
func (c *customerContext) since(s string) (time.Time, error) {
	if s == "" {
		return c.at.Add(-7 * 24 * time.Hour), nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, c.zone); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: since %q is neither a date like 2026-11-23 nor an RFC 3339 instant", ErrBadWeek, s)
}

// changes are what happened in (since, now]: new incidents, SLA breaches, escalated tickets (new
// ones marked), and reopened tickets.
func (c *customerContext) changes(since time.Time) []List {
	after := func(x time.Time) bool { return x.After(since) && !x.After(c.at) }
	incidents := List{ID: "new-incidents", Title: "New incidents", Columns: []string{"Priority", "Opened", "Status now"},
		Empty: "No incident was opened since the last meeting."}
	breachList := List{ID: "new-breaches", Title: "New SLA breaches", Columns: []string{"Priority", "SLA", "Goal passed", "Now"},
		Empty: "No SLA goal was passed since the last meeting."}
	escalations := List{ID: "escalations", Title: "Escalations", Columns: []string{"Priority", "Opened", "Status now", "New"},
		Empty: "No escalated ticket is open or was resolved since the last meeting."}
	reopened := List{ID: "reopened", Title: "Reopened tickets", Columns: []string{"Priority", "Reopened", "Status now"},
		Empty: "No ticket was reopened since the last meeting."}
	type dated struct {
		t  *ticket.Ticket
		at time.Time
	}
	var inc, esc, reo []dated
	for _, t := range c.tickets {
		if t.Incident && after(t.Created) {
			inc = append(inc, dated{t, t.Created})
		}
		spans := sla.OpenSpans(t)
		resolvedSince := false
		for _, s := range spans {
			if s.From.After(t.Created) && after(s.From) {
				reo = append(reo, dated{t, s.From})
			}
			if !s.To.IsZero() && after(s.To) {
				resolvedSince = true
			}
		}
		if t.Escalated && (t.Open() || resolvedSince) {
			esc = append(esc, dated{t, t.Created})
		}
	}
	byTime := func(a, b dated) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.t.Key, b.t.Key)) }
	slices.SortFunc(inc, byTime)
	slices.SortFunc(esc, byTime)
	slices.SortFunc(reo, byTime)
	prio := func(t *ticket.Ticket) string { return human.Priority(string(t.Priority)) }
	for _, d := range inc {
		incidents.Rows = append(incidents.Rows, c.row(d.t, classOf(d.t), prio(d.t), c.time(d.at), d.t.Status))
	}
	for _, b := range c.breaches(since, c.at) {
		now := "still open"
		if !b.t.Open() {
			now = "resolved"
		}
		breachList.Rows = append(breachList.Rows, c.row(b.t, "breached", prio(b.t), human.SLA(b.sla), c.time(b.at), now))
	}
	for _, d := range esc {
		isNew := "no"
		if after(d.at) {
			isNew = "new"
		}
		escalations.Rows = append(escalations.Rows, c.row(d.t, classOf(d.t), prio(d.t), c.time(d.at), d.t.Status, isNew))
	}
	for _, d := range reo {
		reopened.Rows = append(reopened.Rows, c.row(d.t, classOf(d.t), prio(d.t), c.time(d.at), d.t.Status))
	}
	return []List{incidents, breachList, escalations, reopened}
}

// openItems are what is open now: tickets waiting on the customer, clocks breached or at risk,
// open incidents.
func (c *customerContext) openItems() []List {
	waiting := List{ID: "waiting-now", Title: "Waiting on the customer", Columns: []string{"Priority", "Waiting since", "Waiting for"},
		Empty: "No ticket is waiting on the customer."}
	incidents := List{ID: "incidents-now", Title: "Open incidents", Columns: []string{"Priority", "Started", "Open for", "Status"},
		Empty: "No incident is open."}
	type dated struct {
		t  *ticket.Ticket
		at time.Time
	}
	var wait, inc []dated
	for _, t := range c.tickets {
		if !t.Open() {
			continue
		}
		if t.State == ticket.StateWaitingCustomer {
			_, since := history.StateAt(t, c.at.Add(time.Nanosecond))
			wait = append(wait, dated{t, since})
		}
		if t.Incident {
			if s, ok := history.OpenAt(t, c.at.Add(time.Nanosecond)); ok {
				inc = append(inc, dated{t, s.From})
			}
		}
	}
	byTime := func(a, b dated) int { return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.t.Key, b.t.Key)) }
	slices.SortFunc(wait, byTime)
	slices.SortFunc(inc, func(a, b dated) int { return cmp.Or(cmp.Compare(a.t.Priority, b.t.Priority), byTime(a, b)) })
	for _, d := range wait {
		waiting.Rows = append(waiting.Rows, c.row(d.t, "open", human.Priority(string(d.t.Priority)), c.time(d.at), human.Duration(c.at.Sub(d.at))))
	}
	for _, d := range inc {
		incidents.Rows = append(incidents.Rows, c.row(d.t, "open", human.Priority(string(d.t.Priority)), c.time(d.at), human.Duration(c.at.Sub(d.at)), d.t.Status))
	}
	return []List{waiting, c.openRisks(), incidents}
}

func classOf(t *ticket.Ticket) string {
	if t.Open() {
		return "open"
	}
	return "resolved"
}
