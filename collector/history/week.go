package history

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Week is an ISO 8601 week in one time zone: from Monday 00:00 to the next Monday 00:00 local
// time, [Start, End). Across a DST change a week is 167 or 169 hours long.
type Week struct {
	Year, Num  int       // ISO week-numbering year and week number (1..53)
	Start, End time.Time // in the week's zone
}

// WeekOf returns the ISO week that contains t, in loc.
func WeekOf(t time.Time, loc *time.Location) Week {
	year, num := t.In(loc).ISOWeek()
	return weekAt(year, num, loc)
}

// LastComplete returns the latest week that ended at or before now in loc: the week before the
// one now is in. It is the report's default week.
func LastComplete(now time.Time, loc *time.Location) Week { return WeekOf(now, loc).Add(-1) }

// weekAt returns ISO week (year, num) in loc. Week 1 is the week with 4 January in it.
func weekAt(year, num int, loc *time.Location) Week {
	jan4 := time.Date(year, time.January, 4, 0, 0, 0, 0, loc)
	monday := 4 - (int(jan4.Weekday())+6)%7 // day of January of week 1's Monday (may be <= 0)
	// time.Date normalizes days past the month's end, in local time, so the boundaries stay at
	// midnight whatever the DST changes in between.
	start := time.Date(year, time.January, monday+(num-1)*7, 0, 0, 0, 0, loc)
	end := time.Date(year, time.January, monday+num*7, 0, 0, 0, 0, loc)
	return Week{Year: year, Num: num, Start: start, End: end}
}

// Add returns the week n weeks later (earlier when n < 0), in the same zone.
func (w Week) Add(n int) Week {
	mid := time.Date(w.Start.Year(), w.Start.Month(), w.Start.Day()+7*n+3, 12, 0, 0, 0, w.Start.Location())
	return WeekOf(mid, w.Start.Location())
}

// Contains reports whether t falls in the week.
func (w Week) Contains(t time.Time) bool { return !t.Before(w.Start) && t.Before(w.End) }

// String writes the week as ISO 8601 does: 2026-W48.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Sunday is the last day of the week, for "week ending" headings.
func (w Week) Sunday() time.Time { return w.End.AddDate(0, 0, -1) }

var weekRE = regexp.MustCompile(`^(\d{4})-?W(\d{2})$`)

// ParseWeek reads an ISO week, 2026-W48 (or 2026W48), in loc.
func ParseWeek(s string, loc *time.Location) (Week, error) {
	m := weekRE.FindStringSubmatch(s)
	if m == nil {
		return Week{}, fmt.Errorf("week %q is not an ISO week like 2026-W48", s)
	}
	year, _ := strconv.Atoi(m[1])
	num, _ := strconv.Atoi(m[2])
	if n := WeeksIn(year); num < 1 || num > n {
		return Week{}, fmt.Errorf("week %q does not exist: %d has weeks 1 to %d", s, year, n)
	}
	return weekAt(year, num, loc), nil
}

// WeeksIn returns the number of ISO weeks of a year: 53 when 28 December falls in week 53.
func WeeksIn(year int) int {
	_, n := time.Date(year, time.December, 28, 12, 0, 0, 0, time.UTC).ISOWeek()
	return n
}
