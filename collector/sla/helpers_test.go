package sla

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
)

// testCalendars are the calendars the tests share. Times in test tables are local wall clock in the calendar's zone
// ("2006-01-02 15:04"); expected instants are UTC (RFC 3339) so the zone offset is part of the
// hand reasoning: Vilnius is +02 (EET) in winter and +03 (EEST) from 2026-03-29 to 2026-10-25,
// New York -05 (EST) in winter and -04 (EDT) from 2026-03-08 to 2026-11-01.
func testCalendars() map[string]config.Calendar {
	return map[string]config.Calendar{
		// Vilnius office week, with Christmas Eve/Day, New Year's Eve/Day off (Thu, Fri, Thu, Fri).
		"vil": {Timezone: "Europe/Vilnius", Hours: map[string]string{"mon-fri": "09:00-18:00"},
			Holidays: []string{"2026-12-24", "2026-12-25", "2026-12-31", "2027-01-01"}},
		// Vilnius every day 09:00-18:00: shows DST change days (Sundays) keep nine hours.
		"vil-daily": {Timezone: "Europe/Vilnius", Hours: map[string]string{"daily": "09:00-18:00"}},
		// Vilnius every hour of every date: a span across the DST change itself.
		"vil-allday": {Timezone: "Europe/Vilnius", Hours: map[string]string{"daily": "00:00-24:00"}},
		// Vilnius with a lunch break and a short Saturday.
		"vil-lunch": {Timezone: "Europe/Vilnius", Hours: map[string]string{"mon-fri": "09:00-12:00,13:00-18:00", "sat": "10:00-14:00"}},
		"ny":        {Timezone: "America/New_York", Hours: map[string]string{"mon-fri": "09:00-17:00"}},
		"ny-daily":  {Timezone: "America/New_York", Hours: map[string]string{"daily": "09:00-17:00"}},
		// A New York night desk whose span contains the 02:00 DST change.
		"ny-night": {Timezone: "America/New_York", Hours: map[string]string{"daily": "00:00-06:00"}},
		// Spans whose ends fall in a DST gap or in a repeated hour: a skipped reading starts at
		// the jump, a repeated one at its first occurrence.
		"ny-gap":  {Timezone: "America/New_York", Hours: map[string]string{"daily": "01:30-02:00,02:30-04:00"}},
		"vil-gap": {Timezone: "Europe/Vilnius", Hours: map[string]string{"daily": "03:30-05:00"}},
		// No timezone: UTC.
		"utc": {Hours: map[string]string{"mon-fri": "09:00-17:00"}},
	}
}

// calendar builds one of testCalendars, or the 24x7 calendar.
func calendar(t testing.TB, name string) *Calendar {
	t.Helper()
	if name == config.Calendar24x7 {
		return TwentyFourSeven()
	}
	c, ok := testCalendars()[name]
	if !ok {
		t.Fatalf("no test calendar %q", name)
	}
	cal, err := NewCalendar(c)
	if err != nil {
		t.Fatalf("NewCalendar(%s): %v", name, err)
	}
	return cal
}

// zone loads a time zone by name; "" or "24x7" is UTC.
func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	if name == "" || name == config.Calendar24x7 {
		return time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// wallIn parses a local wall-clock time "2006-01-02 15:04" in loc.
func wallIn(t testing.TB, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// utc parses an RFC 3339 instant.
func utc(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// dur parses a Go duration.
func dur(t testing.TB, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// calendarConfig builds a config.Calendar.
func calendarConfig(tz string, hours map[string]string, holidays []string) config.Calendar {
	return config.Calendar{Timezone: tz, Hours: hours, Holidays: holidays}
}
