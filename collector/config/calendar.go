package config

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Span is one working span within a day, as offsets from local midnight; End may be 24h.
type Span struct {
	Start, End time.Duration
}

// dayNames are the day names hours keys use, Monday first as business weeks are written.
var dayNames = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// weekday converts an index into dayNames to a time.Weekday.
func weekday(i int) time.Weekday { return time.Weekday((i + 1) % 7) }

// parseDays reads an hours key: "mon-fri", "sat", "mon,wed", "mon-wed,fri" or "daily". It
// returns the days as time.Weekday values.
func parseDays(spec string) ([]time.Weekday, error) {
	if spec == "daily" {
		return []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}, nil
	}
	var days []time.Weekday
	for part := range strings.SplitSeq(spec, ",") {
		part = strings.TrimSpace(part)
		from, to, isRange := strings.Cut(part, "-")
		a := slices.Index(dayNames, from)
		b := a
		if isRange {
			b = slices.Index(dayNames, to)
		}
		if a < 0 || b < 0 {
			return nil, fmt.Errorf("invalid days %q (want mon-fri, sat, mon,wed or daily)", spec)
		}
		if b < a {
			return nil, fmt.Errorf("invalid days %q: %s comes after %s (weeks start on mon)", spec, from, to)
		}
		for i := a; i <= b; i++ {
			if d := weekday(i); !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
	}
	return days, nil
}

// parseClock reads "HH:MM" as an offset from midnight; "24:00" is allowed as an end.
func parseClock(s string) (time.Duration, bool) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil {
		return 0, false
	}
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}

// parseSpans reads an hours value: "09:00-18:00", or several spans "08:00-12:00,13:00-17:00".
func parseSpans(value string) ([]Span, error) {
	var spans []Span
	for part := range strings.SplitSeq(value, ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(part), "-")
		start, ok1 := parseClock(from)
		end, ok2 := parseClock(to)
		if !ok || !ok1 || !ok2 {
			return nil, fmt.Errorf("invalid hours %q (want HH:MM-HH:MM, e.g. 09:00-18:00)", value)
		}
		if start >= end {
			return nil, fmt.Errorf("invalid hours %q: start %s is not before end %s", value, from, to)
		}
		spans = append(spans, Span{start, end})
	}
	slices.SortFunc(spans, func(a, b Span) int { return int(a.Start - b.Start) })
	for i := 1; i < len(spans); i++ {
		if spans[i].Start < spans[i-1].End {
			return nil, fmt.Errorf("invalid hours %q: spans overlap", value)
		}
	}
	return spans, nil
}

// WeekHours returns the working spans of each weekday, indexed by time.Weekday; a day without
// spans is not worked.
func (c Calendar) WeekHours() ([7][]Span, error) {
	var week [7][]Span
	for _, key := range sortedKeys(c.Hours) {
		days, err := parseDays(key)
		if err != nil {
			return week, err
		}
		spans, err := parseSpans(c.Hours[key])
		if err != nil {
			return week, err
		}
		for _, d := range days {
			if week[d] != nil {
				return week, fmt.Errorf("%s is listed in more than one hours key", dayNames[(int(d)+6)%7])
			}
			week[d] = spans
		}
	}
	return week, nil
}

// Location loads the calendar's time zone; empty means UTC.
func (c Calendar) Location() (*time.Location, error) {
	if c.Timezone == "" {
		return time.UTC, nil
	}
	return time.LoadLocation(c.Timezone)
}

// HolidayDates parses the holidays as dates (midnight UTC; compare by year, month and day).
func (c Calendar) HolidayDates() ([]time.Time, error) {
	out := make([]time.Time, 0, len(c.Holidays))
	for _, h := range c.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return nil, fmt.Errorf("invalid holiday %q (want YYYY-MM-DD)", h)
		}
		out = append(out, d)
	}
	return out, nil
}

// IsHoliday reports whether the date of t, read in t's own location, is a holiday. Pass t already
// in the calendar's Location: loading the zone on every call would be slow.
func (c Calendar) IsHoliday(t time.Time) bool {
	return slices.Contains(c.Holidays, t.Format(time.DateOnly))
}
