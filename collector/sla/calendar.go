// Package sla computes contractual SLA clocks from a customer's policy and a business calendar,
// for sources without native SLA data or when the configuration says the contract rules.
package sla

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/custops/custops/collector/config"
)

// Calendar is a business calendar: weekly working spans in a time zone, minus holidays, or every
// instant (24x7). Spans are wall-clock times of each date in the zone, so a 09:00-18:00 day is nine
// hours on DST change days too, while a 24x7 calendar counts wall-clock time (23h or 25h days).
// A Calendar is immutable and safe for concurrent use.
type Calendar struct {
	loc       *time.Location
	always    bool             // 24x7: every instant is working time, no holidays
	week      [7][]config.Span // working spans by time.Weekday, sorted, disjoint
	nominal   [7]time.Duration // sum of each weekday's spans, as read on the wall clock
	weekTotal time.Duration    // sum of nominal: the working time of a week without DST or holidays
	holidays  []int64          // day numbers of holidays on worked weekdays, sorted, unique
	holPrefix []time.Duration  // holPrefix[i] is the nominal working time of holidays[:i]
}

// TwentyFourSeven returns the round-the-clock calendar named config.Calendar24x7.
func TwentyFourSeven() *Calendar {
	return &Calendar{loc: time.UTC, always: true}
}

// NewCalendar builds a calendar from its configuration, parsed with the config package's own
// helpers so that what validation accepts is exactly what runs.
func NewCalendar(c config.Calendar) (*Calendar, error) {
	loc, err := c.Location()
	if err != nil {
		return nil, fmt.Errorf("timezone: %w", err)
	}
	week, err := c.WeekHours()
	if err != nil {
		return nil, fmt.Errorf("hours: %w", err)
	}
	dates, err := c.HolidayDates()
	if err != nil {
		return nil, fmt.Errorf("holidays: %w", err)
	}
	cal := &Calendar{loc: loc, week: week}
	for wd, spans := range week {
		for _, s := range spans {
			cal.nominal[wd] += s.End - s.Start
		}
		cal.weekTotal += cal.nominal[wd]
	}
	if cal.weekTotal <= 0 {
		return nil, errors.New("hours: no working time in the week")
	}
	for _, d := range dates {
		n := daysFromCivil(d.Date())
		if cal.nominal[weekdayOf(n)] > 0 {
			cal.holidays = append(cal.holidays, n)
		}
	}
	slices.Sort(cal.holidays)
	cal.holidays = slices.Compact(cal.holidays)
	cal.holPrefix = make([]time.Duration, len(cal.holidays)+1)
	for i, n := range cal.holidays {
		cal.holPrefix[i+1] = cal.holPrefix[i] + cal.nominal[weekdayOf(n)]
	}
	return cal, nil
}

// Location returns the calendar's time zone.
func (c *Calendar) Location() *time.Location { return c.loc }

// Elapsed returns the working time between two instants; zero when to is not after from. It walks
// at most the first and last day span by span: whole days in between are counted from the weekly
// total, the sorted holidays and the zone's DST transitions in the range.
func (c *Calendar) Elapsed(from, to time.Time) time.Duration {
	if !from.Before(to) {
		return 0
	}
	if c.always {
		return to.Sub(from)
	}
	d0, d1 := c.day(from), c.day(to)
	if d0 == d1 {
		return c.work(c.plan(d0), from, to)
	}
	return c.work(c.plan(d0), from, time.Time{}) + c.fullDays(d0+1, d1) + c.work(c.plan(d1), time.Time{}, to)
}

// Add returns the earliest instant at which d working time has passed since from: the breach
// instant of a goal d started at from. A goal that ends exactly at closing time yields the closing
// instant, not the next opening. Whole weeks are skipped by their working total, so the cost
// grows with weeks and holidays in the range, not with days or minutes.
func (c *Calendar) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if c.always {
		return from.Add(d)
	}
	loc := from.Location()
	k := c.day(from)
	at, rest, ok := c.consume(c.plan(k), from, d)
	if ok {
		return at.In(loc)
	}
	d = rest
	k++
	for {
		// Jump whole weeks that surely end before the goal: holidays only make a jump shorter,
		// and a jump that overshoots (a DST day longer than its nominal hours) is halved.
		n := int64((d - 1) / c.weekTotal)
		for n > 0 {
			if w := c.fullDays(k, k+7*n); w < d {
				d -= w
				k += 7 * n
				break
			}
			n /= 2
		}
		if n == 0 {
			break
		}
	}
	for {
		at, rest, ok := c.consume(c.plan(k), time.Time{}, d)
		if ok {
			return at.In(loc)
		}
		d = rest
		k++
	}
}

// day returns the day number of the date of t in the calendar's zone.
func (c *Calendar) day(t time.Time) int64 {
	return daysFromCivil(t.In(c.loc).Date())
}

// isHoliday reports whether day n is a holiday on a worked weekday.
func (c *Calendar) isHoliday(n int64) bool {
	_, found := slices.BinarySearch(c.holidays, n)
	return found
}

// fullDays returns the working time of the whole days [a, b).
func (c *Calendar) fullDays(a, b int64) time.Duration {
	if b <= a {
		return 0
	}
	n := b - a
	w := time.Duration(n/7) * c.weekTotal
	for i := range n % 7 {
		w += c.nominal[weekdayOf(a+i)]
	}
	i, _ := slices.BinarySearch(c.holidays, a)
	j, _ := slices.BinarySearch(c.holidays, b)
	w -= c.holPrefix[j] - c.holPrefix[i]
	return w + c.dstCorrection(a, b)
}

// dstCorrection returns how much the days [a, b) that contain a zone transition work more (a
// span across a fall-back) or less (a span across a spring-forward gap) than their nominal hours.
// Transitions are found with ZoneBounds, so the cost is the number of transitions in the range.
func (c *Calendar) dstCorrection(a, b int64) time.Duration {
	var corr time.Duration
	end := c.midnight(b)
	t := c.midnight(a)
	last := a - 1
	for {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.Before(end) || !next.After(t) {
			return corr
		}
		// A transition at midnight may belong to either neighbouring date: check both.
		for _, k := range [2]int64{c.day(next.Add(-time.Nanosecond)), c.day(next)} {
			if k <= last || k < a || k >= b {
				continue
			}
			last = k
			if !c.isHoliday(k) {
				corr += c.work(c.plan(k), time.Time{}, time.Time{}) - c.nominal[weekdayOf(k)]
			}
		}
		t = next
	}
}

// midnight returns the first instant of day n in the calendar's zone.
func (c *Calendar) midnight(n int64) time.Time { return c.wall(n, 0) }

// dayPlan is one date's working spans as instants.
type dayPlan struct {
	n       int64
	holiday bool
	base    time.Time // midnight, when the day has no zone transition
	simple  bool      // spans are base + offset
}

// plan prepares day n. Most days have no zone transition, and their spans are midnight plus the
// wall-clock offsets; the few that have one resolve each span end on its own.
func (c *Calendar) plan(n int64) dayPlan {
	p := dayPlan{n: n, holiday: c.isHoliday(n)}
	if p.holiday || len(c.week[weekdayOf(n)]) == 0 {
		return p
	}
	y, m, d := civilFromDays(n)
	t := time.Date(y, m, d, 0, 0, 0, 0, c.loc)
	start, end := t.ZoneBounds()
	_, off := t.Zone()
	valid := t.Unix()+int64(off) == n*86400
	// Midnight is unambiguous when the zone began hours before it; the day is regular when the
	// zone lasts past its end.
	if valid && (start.IsZero() || t.Sub(start) > 3*time.Hour) && (end.IsZero() || end.Sub(t) > 24*time.Hour) {
		p.base, p.simple = t, true
	}
	return p
}

// span returns the i-th working span of the planned day as instants.
func (c *Calendar) span(p dayPlan, s config.Span) (time.Time, time.Time) {
	if p.simple {
		return p.base.Add(s.Start), p.base.Add(s.End)
	}
	a, b := c.wall(p.n, s.Start), c.wall(p.n, s.End)
	if b.Before(a) {
		b = a
	}
	return a, b
}

// wall returns the earliest instant whose wall-clock reading in the zone is day n at offset off
// from midnight. A reading skipped by a spring-forward gap maps to the transition instant (the
// first instant at or after it); a reading repeated by a fall-back maps to its first occurrence.
// time.Date alone picks either side depending on the zone.
func (c *Calendar) wall(n int64, off time.Duration) time.Time {
	y, m, d := civilFromDays(n)
	t := time.Date(y, m, d, 0, 0, 0, int(off), c.loc)
	want := n*86400 + int64(off/time.Second)
	_, o := t.Zone()
	got := t.Unix() + int64(o)
	start, end := t.ZoneBounds()
	switch {
	case got < want && !end.IsZero():
		return end
	case got > want && !start.IsZero():
		return start
	}
	if !start.IsZero() {
		if _, po := start.Add(-time.Nanosecond).Zone(); po > o {
			if alt := time.Unix(want-int64(po), int64(off%time.Second)); alt.Before(start) {
				return alt.In(c.loc)
			}
		}
	}
	return t
}

// work returns the working time of the planned day within [lo, hi); a zero bound is open.
func (c *Calendar) work(p dayPlan, lo, hi time.Time) time.Duration {
	if p.holiday {
		return 0
	}
	var w time.Duration
	for _, s := range c.week[weekdayOf(p.n)] {
		a, b := c.span(p, s)
		if !lo.IsZero() && a.Before(lo) {
			a = lo
		}
		if !hi.IsZero() && b.After(hi) {
			b = hi
		}
		if b.After(a) {
			w += b.Sub(a)
		}
	}
	return w
}

// consume spends up to d working time of the planned day after lo (zero: from its start). It
// returns the instant d is used up, or what is left of d when the day ends first.
func (c *Calendar) consume(p dayPlan, lo time.Time, d time.Duration) (time.Time, time.Duration, bool) {
	if p.holiday {
		return time.Time{}, d, false
	}
	for _, s := range c.week[weekdayOf(p.n)] {
		a, b := c.span(p, s)
		if !lo.IsZero() && a.Before(lo) {
			a = lo
		}
		avail := b.Sub(a)
		if avail <= 0 {
			continue
		}
		if d <= avail {
			return a.Add(d), 0, true
		}
		d -= avail
	}
	return time.Time{}, d, false
}
