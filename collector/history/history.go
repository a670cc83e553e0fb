// Package history computes a customer's weekly history from its stored tickets: per ISO week in
// the customer's time zone, the tickets created and resolved, the backlog at the week's end by
// priority (reconstructed from each ticket's state history), the SLA cycles that completed met or
// breached, satisfaction answers, the share raised through official channels, the median first
// response and resolution times, and tickets per category.
//
// Like collector/snapshot it is a pure function of (tickets, instant, config choices): no clock,
// no I/O, never mutating a ticket, so every number is testable by hand on a fake clock. It reads
// only the tickets it is given: one customer's, from the view's per-customer index
// (poller.View.TicketsOf), so a report never walks the whole store.
package history

import (
	"cmp"
	"slices"
	"sort"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/category"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// Input is what Compute reads.
type Input struct {
	// Tickets are one customer's tickets, read only.
	Tickets []*ticket.Ticket
	// Zone is the customer's time zone: weeks run Monday 00:00 to Monday 00:00 in it.
	Zone *time.Location
	// Now is the instant of the data: nothing after it counts, and a week that has not ended
	// ends at Now.
	Now time.Time
	// Official lists the official channels (config official_channels).
	Official []ticket.Channel
	// Category returns a ticket's category; nil leaves Weekly.Categories empty.
	Category func(*ticket.Ticket) string
	// SLAs are the SLA names every week lists even when no cycle completed (the contract's).
	SLAs []string
}

// Weekly is one week of a customer's history.
type Weekly struct {
	Week Week
	// Until is the instant the week's counts run to: the week's End, or Now for a week that has
	// not ended. The backlog is measured at it.
	Until time.Time

	Created  int // tickets created in the week
	Resolved int // resolutions in the week: a ticket resolved, reopened and resolved again counts twice
	Reopened int // reopens in the week
	// Backlog counts the tickets open at Until by priority, p1..p4 (the ticket's current
	// priority: sources keep no priority history).
	Backlog [4]int

	SLAs []SLAWeek // sorted by name

	CSATGood, CSATBad int
	Official          int // tickets created in the week through an official channel

	FirstResponse Timing // tickets first answered in the week: first reply - created
	Resolution    Timing // resolutions in the week: resolved - created

	Categories map[string]int // tickets created in the week per category
}

// SLAWeek counts one SLA's cycles that completed in the week, by the week their clock stopped
// in, as the snapshot's windows count them.
type SLAWeek struct {
	Name          string
	Met, Breached int
}

// Ratio returns met / completed, and whether any cycle completed.
func (s SLAWeek) Ratio() (float64, bool) {
	if n := s.Met + s.Breached; n > 0 {
		return float64(s.Met) / float64(n), true
	}
	return 0, false
}

// Timing is a count of durations and their median.
type Timing struct {
	Count  int
	Median time.Duration // the middle value; the mean of the two middle ones for an even count
}

// BacklogTotal is the week-end backlog over every priority.
func (w Weekly) BacklogTotal() int { return w.Backlog[0] + w.Backlog[1] + w.Backlog[2] + w.Backlog[3] }

// OfficialRatio is the share of the week's new tickets raised through an official channel, and
// whether any ticket was created.
func (w Weekly) OfficialRatio() (float64, bool) {
	if w.Created == 0 {
		return 0, false
	}
	return float64(w.Official) / float64(w.Created), true
}

// CSATRatio is the share of good answers, and whether there was any answer.
func (w Weekly) CSATRatio() (float64, bool) {
	if n := w.CSATGood + w.CSATBad; n > 0 {
		return float64(w.CSATGood) / float64(n), true
	}
	return 0, false
}

// SLA returns the week's counts of the named SLA.
func (w Weekly) SLA(name string) (SLAWeek, bool) {
	for _, s := range w.SLAs {
		if s.Name == name {
			return s, true
		}
	}
	return SLAWeek{Name: name}, false
}

// Compute returns the n weeks ending with last, oldest first. Every ticket is read once.
func Compute(in Input, last Week, n int) []Weekly {
	if n <= 0 {
		return nil
	}
	c := newComputer(in, last, n)
	for _, t := range in.Tickets {
		c.add(t)
	}
	return c.finish()
}

// computer holds the accumulators of one Compute call.
type computer struct {
	in       Input
	weeks    []Weekly
	starts   []time.Time // each week's Start, ascending
	official [8]bool     // by channel index in ticket.Channels; unknown channels are not official
	slaIndex []map[string]int
	response [][]time.Duration
	resolve  [][]time.Duration
}

func newComputer(in Input, last Week, n int) *computer {
	c := &computer{
		in:       in,
		weeks:    make([]Weekly, n),
		starts:   make([]time.Time, n),
		slaIndex: make([]map[string]int, n),
		response: make([][]time.Duration, n),
		resolve:  make([][]time.Duration, n),
	}
	for i := range c.weeks {
		w := last.Add(i - (n - 1))
		until := w.End
		if in.Now.Before(until) {
			until = in.Now
		}
		c.weeks[i] = Weekly{Week: w, Until: until}
		c.starts[i] = w.Start
		c.slaIndex[i] = map[string]int{}
		for _, name := range in.SLAs {
			c.sla(i, name)
		}
		if in.Category != nil {
			c.weeks[i].Categories = map[string]int{}
		}
	}
	for _, ch := range in.Official {
		if j := slices.Index(ticket.Channels, ch); j >= 0 {
			c.official[j] = true
		}
	}
	return c
}

// week returns the index of the week at, or -1 when at is zero, after Now or outside the weeks.
func (c *computer) week(at time.Time) int {
	if at.IsZero() || at.After(c.in.Now) {
		return -1
	}
	i := sort.Search(len(c.starts), func(i int) bool { return c.starts[i].After(at) }) - 1
	if i < 0 || !at.Before(c.weeks[i].Week.End) {
		return -1
	}
	return i
}

// sla returns week i's counts of the named SLA, adding them when new.
func (c *computer) sla(i int, name string) *SLAWeek {
	w := &c.weeks[i]
	if j, ok := c.slaIndex[i][name]; ok {
		return &w.SLAs[j]
	}
	c.slaIndex[i][name] = len(w.SLAs)
	w.SLAs = append(w.SLAs, SLAWeek{Name: name})
	return &w.SLAs[len(w.SLAs)-1]
}

// add folds one ticket into every week it touches.
func (c *computer) add(t *ticket.Ticket) {
	first := c.starts[0]
	if t.Created.After(c.in.Now) || (!t.Open() && latest(t).Before(first)) {
		return // not yet created, or over before the first week began
	}
	if i := c.week(t.Created); i >= 0 {
		w := &c.weeks[i]
		w.Created++
		if j := slices.Index(ticket.Channels, t.Channel); j >= 0 && c.official[j] {
			w.Official++
		}
		if c.in.Category != nil {
			w.Categories[c.in.Category(t)]++
		}
	}
	prio := snapshot.PriorityIndex(t.Priority)
	if prio < 0 {
		prio = 2 // as the snapshot counts an invalid priority: p3, the default default_priority
	}
	for _, s := range sla.OpenSpans(t) {
		if s.From.After(t.Created) {
			if i := c.week(s.From); i >= 0 {
				c.weeks[i].Reopened++
			}
		}
		if i := c.week(s.To); i >= 0 {
			c.weeks[i].Resolved++
			c.resolve[i] = append(c.resolve[i], max(s.To.Sub(t.Created), 0))
		}
		for i := range c.weeks {
			if openAt(s, c.weeks[i].Until) {
				c.weeks[i].Backlog[prio]++
			}
		}
	}
	if i := c.week(t.FirstReply); i >= 0 {
		c.response[i] = append(c.response[i], max(t.FirstReply.Sub(t.Created), 0))
	}
	if i := c.week(t.CSATAt); i >= 0 {
		switch t.CSAT {
		case ticket.CSATGood:
			c.weeks[i].CSATGood++
		case ticket.CSATBad:
			c.weeks[i].CSATBad++
		}
	}
	for ki := range t.Clocks {
		k := &t.Clocks[ki]
		if k.Name == "" {
			continue // the snapshot skips it too: it could not be labelled
		}
		for yi := range k.Cycles {
			y := &k.Cycles[yi]
			if y.Running() {
				continue
			}
			if i := c.week(y.Stop); i >= 0 {
				if s := c.sla(i, k.Name); y.Breached {
					s.Breached++
				} else {
					s.Met++
				}
			}
		}
	}
}

// openAt reports whether the span was open just before the instant at: begun before it and not
// ended before it. A ticket resolved exactly at a week's end is in that week's backlog (its
// resolution counts in the next week); one created exactly then is not.
func openAt(s sla.Span, at time.Time) bool {
	return s.From.Before(at) && (s.To.IsZero() || !s.To.Before(at))
}

// latest is the last instant anything happened to the ticket that a week counts.
func latest(t *ticket.Ticket) time.Time {
	out := t.Created
	for _, x := range []time.Time{t.Updated, t.Resolved, t.ReopenedAt, t.FirstReply, t.CSATAt} {
		if x.After(out) {
			out = x
		}
	}
	if n := len(t.Transitions); n > 0 && t.Transitions[n-1].At.After(out) {
		out = t.Transitions[n-1].At
	}
	for _, k := range t.Clocks {
		for _, y := range k.Cycles {
			if y.Stop.After(out) {
				out = y.Stop
			}
		}
	}
	return out
}

func (c *computer) finish() []Weekly {
	for i := range c.weeks {
		w := &c.weeks[i]
		slices.SortFunc(w.SLAs, func(a, b SLAWeek) int { return cmp.Compare(a.Name, b.Name) })
		w.FirstResponse = timing(c.response[i])
		w.Resolution = timing(c.resolve[i])
	}
	return c.weeks
}

// timing sorts ds in place and returns their count and median.
func timing(ds []time.Duration) Timing {
	out := Timing{Count: len(ds)}
	if len(ds) == 0 {
		return out
	}
	slices.Sort(ds)
	mid := len(ds) / 2
	if len(ds)%2 == 1 {
		out.Median = ds[mid]
	} else {
		out.Median = ds[mid-1] + (ds[mid]-ds[mid-1])/2
	}
	return out
}

// Theme is one category's new tickets per week; the theme named catalog.CategoryOther gathers
// the categories outside the top N.
type Theme struct {
	Name    string
	PerWeek []int // the weeks' order
	Total   int
}

// Themes ranks the categories by their tickets over all the weeks and returns the top n, most
// first (category.Top's order), then "other" with the rest, each with its count per week.
func Themes(weeks []Weekly, n int) []Theme {
	totals := map[string]int{}
	for _, w := range weeks {
		for name, k := range w.Categories {
			totals[name] += k
		}
	}
	top := category.Top(totals, n)
	out := make([]Theme, len(top))
	index := make(map[string]int, len(top))
	for i, c := range top {
		out[i] = Theme{Name: c.Name, PerWeek: make([]int, len(weeks)), Total: c.Count}
		index[c.Name] = i
	}
	other, hasOther := index[catalog.CategoryOther]
	for wi, w := range weeks {
		for name, k := range w.Categories {
			if i, ok := index[name]; ok && name != catalog.CategoryOther {
				out[i].PerWeek[wi] += k
			} else if hasOther {
				out[other].PerWeek[wi] += k
			}
		}
	}
	return out
}
