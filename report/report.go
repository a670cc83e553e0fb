// Package report builds the weekly per-customer report: the page a customer operations manager
// hands to the customer at the weekly operational meeting. It is customer-safe by construction:
// Build reads one customer's aggregates from the snapshot and that customer's tickets only, and
// the Report type has no field for internal people (the CSM) or for any other customer.
//
// Every aggregate comes from the snapshot as collector/snapshot computed it, so the page always
// agrees with the metrics and the boards; only the list of breached and at-risk tickets is read
// from the tickets themselves, the way the exporter's ticket pages read them.
package report

import (
	"errors"
	"fmt"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// ErrUnknownCustomer is wrapped by Build when the customer is not in the snapshot.
var ErrUnknownCustomer = errors.New("unknown customer")

// Week is the reporting period: the report covers the 7 days ending at its instant.
const Week = 7 * 24 * time.Hour

// reportWindows are the snapshot windows the report shows: the week, and the month for context.
var reportWindows = []string{"7d", "30d"}

// MaxTickets caps the ticket list, so the page stays printable on a bad week; the rest is
// counted in Report.MoreTickets.
const MaxTickets = 25

// Report is one customer's weekly report. It holds only what may be shown to that customer.
type Report struct {
	ID, Name, Tier string

	// Now is the report's instant; the reporting week is (WeekStart, Now].
	Now, WeekStart time.Time
	// SnapshotAt is the instant of the aggregates (the served snapshot may lag Now by a few seconds).
	SnapshotAt time.Time

	SLAs []SLA // one per SLA, sorted by name

	// BreachedNow and AtRiskNow count running SLA clocks of open tickets, over every SLA.
	BreachedNow, AtRiskNow int

	Backlog Backlog

	Flow []Flow // the 7d and the 30d window, in that order

	Escalated PerPriority // open escalated tickets
	Incidents PerPriority // open incidents

	ResponseTime, ResolutionTime Timing // over 30d

	Risk Risk

	// Tickets are the tickets that breached or are at risk, most urgent first, at most
	// MaxTickets; MoreTickets counts those left out.
	Tickets     []Ticket
	MoreTickets int
}

// SLA is one SLA's compliance and its open clocks now.
type SLA struct {
	Name   string       // "first_response"
	Target float64      // contractual compliance target, 0..1
	Window []Compliance // 7d and 30d, in that order
	// BreachedNow and AtRiskNow count running clocks of open tickets, over every priority.
	BreachedNow, AtRiskNow int
	NextBreach             time.Time // earliest upcoming breach; zero when none
}

// Compliance is an SLA's result over one window: cycles that completed in it.
type Compliance struct {
	Window string // "7d"
	Met    int
	Total  int     // met + breached
	Ratio  float64 // met / total, valid when Total > 0
	// OK reports whether Ratio reaches the target; false when nothing completed.
	OK bool
}

// Backlog is the open tickets now, by priority.
type Backlog struct {
	Rows  []BacklogRow // p1..p4
	Total BacklogRow   // Priority "total"; Oldest is the oldest over every priority
}

// BacklogRow is one priority's open tickets.
type BacklogRow struct {
	Priority string
	ByState  [4]int // ticket.OpenStates order
	ByAge    [5]int // catalog.AgeBuckets order
	Open     int
	Oldest   time.Duration // age of the oldest open ticket; 0 when none
}

// Flow is one window's ticket flow, satisfaction and channels.
type Flow struct {
	Window                      string
	Created, Resolved, Reopened int

	CSATGood, CSATBad int
	CSATRatio         float64 // good / responses, valid when CSATResponses() > 0

	// OfficialRatio is the share created through the official channels, valid when Created > 0.
	OfficialRatio float64
	// ByAgent counts tickets an agent raised on the customer's behalf: requests that bypassed the
	// official channels.
	ByAgent int
}

// CSATResponses is the number of satisfaction answers in the window.
func (f Flow) CSATResponses() int { return f.CSATGood + f.CSATBad }

// PerPriority is a count per priority with its total.
type PerPriority struct {
	ByPriority [4]int // p1..p4
	Total      int
}

// Timing is a duration summary: how many, median and 90th percentile.
type Timing struct {
	Count       int
	Median, P90 time.Duration
}

// FromView builds a customer's report from one published view: its snapshot, that customer's
// tickets and its instant, so the figures and the ticket list agree.
func FromView(v *poller.View, customerID string) (Report, error) {
	return Build(v.Snapshot, v.TicketsOf(customerID), v.CustomerOf, v.Config, customerID, v.At())
}

// Build assembles the report of customerID at now from the snapshot and the stored tickets.
// customerOf maps a ticket to its customer id, as the snapshot was computed with; cfg supplies
// the customer's at-risk threshold and calendars for the ticket list. The aggregates are the
// snapshot's, not recomputed. It returns an error wrapping ErrUnknownCustomer when the snapshot has no such
// customer.
func Build(snap *snapshot.Snapshot, tickets []*ticket.Ticket, customerOf func(*ticket.Ticket) string, cfg *config.Config, customerID string, now time.Time) (Report, error) {
	if snap == nil {
		return Report{}, errors.New("report: no snapshot")
	}
	if cfg == nil {
		return Report{}, errors.New("report: no configuration")
	}
	var c *snapshot.Customer
	for i := range snap.Customers {
		if snap.Customers[i].ID == customerID {
			c = &snap.Customers[i]
			break
		}
	}
	if c == nil {
		return Report{}, fmt.Errorf("report: %w %q", ErrUnknownCustomer, customerID)
	}
	r := Report{
		ID: c.ID, Name: c.Name, Tier: c.Tier,
		Now: now, WeekStart: now.Add(-Week), SnapshotAt: snap.At,
		Backlog:        backlogOf(c, now),
		Escalated:      perPriority(c.Escalated),
		Incidents:      perPriority(c.Incidents),
		ResponseTime:   timingOf(c.ResponseTime),
		ResolutionTime: timingOf(c.ResolutionTime),
	}
	var wins []int
	for _, name := range reportWindows {
		wins = append(wins, windowIndex(name))
	}
	for _, s := range c.SLAs {
		row := slaOf(s, wins...)
		r.BreachedNow += row.BreachedNow
		r.AtRiskNow += row.AtRiskNow
		r.SLAs = append(r.SLAs, row)
	}
	for _, i := range wins {
		if i >= 0 && i < len(c.Trends) {
			r.Flow = append(r.Flow, flowOf(c.Trends[i]))
		}
	}
	r.Risk = riskOf(c, &r, cfg)
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		return Report{}, fmt.Errorf("report: %w", err)
	}
	r.Tickets, r.MoreTickets = ticketsOf(tickets, customerOf, customerID, cfg.Policy(customerID), cals, now)
	return r, nil
}

// windowIndex is the index of the named window in catalog.Windows, or -1.
func windowIndex(name string) int {
	for i, w := range catalog.Windows {
		if w.Name == name {
			return i
		}
	}
	return -1
}

func slaOf(s snapshot.SLA, windows ...int) SLA {
	row := SLA{Name: s.Name, Target: s.Target, NextBreach: s.NextBreach}
	for p := range s.Breached {
		row.BreachedNow += int(s.Breached[p])
		row.AtRiskNow += int(s.AtRisk[p])
	}
	for _, i := range windows {
		if i < 0 || i >= len(s.Met) || i >= len(s.BreachedCycles) {
			continue
		}
		cp := Compliance{Window: catalog.Windows[i].Name, Met: int(s.Met[i]), Total: int(s.Met[i] + s.BreachedCycles[i])}
		if ratio, ok := s.Compliance(i); ok {
			cp.Ratio = ratio
			cp.OK = ratio >= s.Target
		}
		row.Window = append(row.Window, cp)
	}
	return row
}

// ageAt is how long before now a ticket was created: 0 for none (zero) and for one created after
// now (clock skew between systems).
func ageAt(now, created time.Time) time.Duration {
	if created.IsZero() {
		return 0
	}
	return max(now.Sub(created), 0)
}

func backlogOf(c *snapshot.Customer, now time.Time) Backlog {
	b := Backlog{Total: BacklogRow{Priority: "total"}}
	for pi, p := range ticket.Priorities {
		row := BacklogRow{Priority: string(p), Oldest: ageAt(now, c.OldestCreated[pi])}
		for si, n := range c.Open[pi] {
			row.ByState[si] = int(n)
			row.Open += int(n)
			b.Total.ByState[si] += int(n)
		}
		for ai, n := range c.Age[pi] {
			row.ByAge[ai] = int(n)
			b.Total.ByAge[ai] += int(n)
		}
		b.Total.Open += row.Open
		b.Total.Oldest = max(b.Total.Oldest, row.Oldest)
		b.Rows = append(b.Rows, row)
	}
	return b
}

func flowOf(t snapshot.Trend) Flow {
	f := Flow{
		Window:  t.Window,
		Created: int(t.Created), Resolved: int(t.Resolved), Reopened: int(t.Reopened),
		CSATGood: int(t.CSATGood), CSATBad: int(t.CSATBad),
		OfficialRatio: t.OfficialRatio,
		ByAgent:       int(t.ByChannel[ticket.ChannelAgent]),
	}
	if n := t.CSATGood + t.CSATBad; n > 0 {
		f.CSATRatio = t.CSATGood / n
	}
	return f
}

func perPriority(v snapshot.PerPriority) PerPriority {
	var out PerPriority
	for i, n := range v {
		out.ByPriority[i] = int(n)
		out.Total += int(n)
	}
	return out
}

func timingOf(s snapshot.Summary) Timing {
	return Timing{
		Count:  int(s.Count),
		Median: seconds(s.Quantiles[0.5]),
		P90:    seconds(s.Quantiles[0.9]),
	}
}

func seconds(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
