package sla

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
)

// propertyCalendars are the calendars the property tests run on: every shape of the table tests.
func propertyCalendars() []string {
	return []string{"vil", "vil-daily", "vil-allday", "vil-lunch", "ny", "ny-daily", "ny-night", "ny-gap", "vil-gap", "utc", config.Calendar24x7}
}

// randomInstant returns an instant in 2026-2027, half of the time within three days of a DST
// change in Vilnius or New York, on a whole minute or, a quarter of the time, any nanosecond.
func randomInstant(r *rand.Rand) time.Time {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var t time.Time
	if r.IntN(2) == 0 {
		changes := []string{"2026-03-08T07:00:00Z", "2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z", "2026-11-01T06:00:00Z"}
		c, _ := time.Parse(time.RFC3339, changes[r.IntN(len(changes))])
		t = c.Add(time.Duration(r.Int64N(int64(6*24*time.Hour))) - 3*24*time.Hour)
	} else {
		t = base.Add(time.Duration(r.Int64N(int64(2 * 365 * 24 * time.Hour))))
	}
	if r.IntN(4) != 0 {
		t = t.Truncate(time.Minute)
	}
	return t
}

// randomGoal returns a working duration from a minute to about a year of office hours, mostly short.
func randomGoal(r *rand.Rand) time.Duration {
	switch r.IntN(3) {
	case 0:
		return time.Duration(1+r.IntN(8*60)) * time.Minute
	case 1:
		return time.Duration(1+r.IntN(100*60)) * time.Minute
	}
	return time.Duration(1+r.Int64N(int64(2400*time.Hour))) + time.Nanosecond
}

// TestPropertyAddInvertsElapsed: the working time from from to Add(from, d) is d, and Add is the
// earliest such instant.
func TestPropertyAddInvertsElapsed(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, name := range propertyCalendars() {
		cal := calendar(t, name)
		for range 2000 {
			from, d := randomInstant(r), randomGoal(r)
			at := cal.Add(from, d)
			if got := cal.Elapsed(from, at); got != d {
				t.Fatalf("%s: Elapsed(%s, Add(_, %v) = %s) = %v, want %v", name, from, d, at, got, d)
			}
			if got := cal.Elapsed(from, at.Add(-time.Nanosecond)); got >= d {
				t.Fatalf("%s: Add(%s, %v) = %s is not the earliest: a nanosecond before already %v", name, from, d, at, got)
			}
		}
	}
}

// TestPropertyAddMonotonic: a longer goal never breaches earlier.
func TestPropertyAddMonotonic(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, name := range propertyCalendars() {
		cal := calendar(t, name)
		for range 2000 {
			from := randomInstant(r)
			d1, d2 := randomGoal(r), randomGoal(r)
			if d1 > d2 {
				d1, d2 = d2, d1
			}
			if a1, a2 := cal.Add(from, d1), cal.Add(from, d2); a2.Before(a1) {
				t.Fatalf("%s: Add(%s, %v) = %s after Add(_, %v) = %s", name, from, d1, a1, d2, a2)
			}
		}
	}
}

// TestPropertyElapsedAdditive: Elapsed(a, b) + Elapsed(b, c) == Elapsed(a, c) for a <= b <= c.
func TestPropertyElapsedAdditive(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, name := range propertyCalendars() {
		cal := calendar(t, name)
		for range 2000 {
			ts := []time.Time{randomInstant(r), randomInstant(r), randomInstant(r)}
			if r.IntN(2) == 0 { // also close triples, inside one day or one week
				ts[1] = ts[0].Add(time.Duration(r.Int64N(int64(30 * time.Hour))))
				ts[2] = ts[1].Add(time.Duration(r.Int64N(int64(8 * 24 * time.Hour))))
			}
			slices.SortFunc(ts, func(x, y time.Time) int { return x.Compare(y) })
			a, b, c := ts[0], ts[1], ts[2]
			if ab, bc, ac := cal.Elapsed(a, b), cal.Elapsed(b, c), cal.Elapsed(a, c); ab+bc != ac {
				t.Fatalf("%s: Elapsed(%s,%s)=%v + Elapsed(_,%s)=%v = %v, want Elapsed(a,c) = %v", name, a, b, ab, c, bc, ab+bc, ac)
			}
		}
	}
}

// TestPropertyElapsedMatchesMinuteCount compares Elapsed with an independent oracle: counting,
// minute by minute, the instants whose local wall clock falls in a span on a non-holiday date.
func TestPropertyElapsedMatchesMinuteCount(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, name := range propertyCalendars() {
		if name == config.Calendar24x7 || name == "ny-gap" || name == "vil-gap" {
			// The oracle reads wall clocks minute by minute, so it counts a repeated hour by its
			// readings; the calendar runs from the first occurrence of a span's start to its end.
			continue
		}
		cfg := testCalendars()[name]
		cal := calendar(t, name)
		working := minuteOracle(t, cfg)
		for range 40 {
			from := randomInstant(r).Truncate(time.Minute)
			to := from.Add(time.Duration(r.IntN(10*24*60)) * time.Minute)
			var want time.Duration
			for m := from; m.Before(to); m = m.Add(time.Minute) {
				if working(m) {
					want += time.Minute
				}
			}
			if got := cal.Elapsed(from, to); got != want {
				t.Fatalf("%s: Elapsed(%s, %s) = %v, minute count %v", name, from, to, got, want)
			}
		}
	}
}

// minuteOracle reports whether the minute starting at an instant is working time, read from the
// config directly: its weekday's spans on the local wall clock, not a holiday.
func minuteOracle(t *testing.T, c config.Calendar) func(time.Time) bool {
	t.Helper()
	loc, err := c.Location()
	if err != nil {
		t.Fatal(err)
	}
	week, err := c.WeekHours()
	if err != nil {
		t.Fatal(err)
	}
	return func(m time.Time) bool {
		l := m.In(loc)
		if slices.Contains(c.Holidays, l.Format(time.DateOnly)) {
			return false
		}
		off := time.Duration(l.Hour())*time.Hour + time.Duration(l.Minute())*time.Minute
		for _, s := range week[l.Weekday()] {
			if off >= s.Start && off < s.End {
				return true
			}
		}
		return false
	}
}
