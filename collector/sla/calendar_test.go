package sla

import (
	"testing"
	"time"
)

// TestCalendarHandChecked checks Elapsed(from, to) and Add(from, goal) on cases whose expected
// values were worked out by hand (reasoning in each comment), not by running the code. 2026-11-02
// is a Monday; the DST changes are Sundays: Vilnius 2026-03-29 (03:00 EET -> 04:00 EEST, 01:00Z)
// and 2026-10-25 (04:00 EEST -> 03:00 EET, 01:00Z); New York 2026-03-08 (02:00 EST -> 03:00 EDT,
// 07:00Z) and 2026-11-01 (02:00 EDT -> 01:00 EST, 06:00Z).
func TestCalendarHandChecked(t *testing.T) {
	tests := []struct {
		name        string
		cal, tz     string
		from, to    string // local wall clock in tz
		wantElapsed string
		goal        string
		wantBreach  string // UTC
	}{
		// Vilnius mon-fri 09:00-18:00, EET (+02) in November.
		{"same day within hours", "vil", "Europe/Vilnius", "2026-11-02 10:00", "2026-11-02 12:30", "2h30m",
			"4h", "2026-11-02T12:00:00Z"}, // 10:00 + 4h = 14:00 EET
		{"goal spills into the next morning", "vil", "Europe/Vilnius", "2026-11-02 16:00", "2026-11-03 10:00", "3h", // 2h Mon + 1h Tue
			"4h", "2026-11-03T09:00:00Z"}, // 2h Mon 16-18, 2h Tue 09-11 EET
		{"nine hours from opening end at closing, not next opening", "vil", "Europe/Vilnius", "2026-11-02 09:00", "2026-11-02 18:00", "9h",
			"9h", "2026-11-02T16:00:00Z"}, // 18:00 EET
		{"goal ends exactly at closing after a partial day", "vil", "Europe/Vilnius", "2026-11-02 14:00", "2026-11-03 09:00", "4h", // the night does not count
			"4h", "2026-11-02T16:00:00Z"}, // 14:00 + 4h = 18:00 EET
		{"opened before opening", "vil", "Europe/Vilnius", "2026-11-03 07:15", "2026-11-03 09:30", "30m",
			"1h", "2026-11-03T08:00:00Z"}, // counts from 09:00: 10:00 EET
		{"opened after closing", "vil", "Europe/Vilnius", "2026-11-03 20:00", "2026-11-04 09:45", "45m",
			"2h", "2026-11-04T09:00:00Z"}, // Wed 09:00 + 2h = 11:00 EET
		{"opened on a Saturday", "vil", "Europe/Vilnius", "2026-11-07 11:00", "2026-11-09 10:00", "1h",
			"3h", "2026-11-09T10:00:00Z"}, // Mon 09:00 + 3h = 12:00 EET
		{"Friday evening over the weekend", "vil", "Europe/Vilnius", "2026-11-06 17:00", "2026-11-09 09:30", "1h30m", // 1h Fri + 30m Mon
			"2h", "2026-11-09T08:00:00Z"}, // 1h Fri, 1h Mon: 10:00 EET
		{"Christmas Thu and Fri off", "vil", "Europe/Vilnius", "2026-12-23 17:00", "2026-12-28 18:00", "10h", // 1h Wed + 9h Mon
			"2h", "2026-12-28T08:00:00Z"}, // 1h Wed 23rd, holidays 24-25, weekend, 1h Mon 28th: 10:00 EET
		{"opened on a holiday", "vil", "Europe/Vilnius", "2026-12-24 10:00", "2026-12-26 12:00", "0s", // holiday and Saturday
			"30m", "2026-12-28T07:30:00Z"}, // Mon 28th 09:30 EET
		{"ten working days across four holidays", "vil", "Europe/Vilnius", "2026-12-21 09:00", "2027-01-08 00:00", "90h", // 10 days x 9h
			"90h", "2027-01-07T16:00:00Z"}, // Dec 21-23 (3), 28-30 (3), Jan 4-7 (4): Thu 7th 18:00 EET
		{"52 working weeks plus four holidays", "vil", "Europe/Vilnius", "2026-11-02 09:00", "2027-11-05 00:00", "2340h", // 52 x 45h
			"2340h", "2027-11-04T16:00:00Z"}, // 52 weeks end Fri 2027-10-29; 4 holidays push 4 days: Thu 2027-11-04 18:00 EET
		// Vilnius daily 09:00-18:00: the DST change Sundays keep nine working hours.
		{"Vilnius spring change day has nine hours", "vil-daily", "Europe/Vilnius", "2026-03-28 17:00", "2026-03-30 00:00", "10h", // 1h Sat + 9h Sun
			"10h", "2026-03-29T15:00:00Z"}, // 1h Sat, 9h Sun: 18:00 EEST (+03)
		{"Vilnius spring change: morning of the change day", "vil-daily", "Europe/Vilnius", "2026-03-29 00:00", "2026-03-29 10:00", "1h",
			"30m", "2026-03-29T06:30:00Z"}, // 09:30 EEST
		{"Vilnius autumn change day has nine hours", "vil-daily", "Europe/Vilnius", "2026-10-24 17:00", "2026-10-26 00:00", "10h",
			"10h", "2026-10-25T16:00:00Z"}, // 1h Sat (EEST), 9h Sun: 18:00 EET (+02)
		// Vilnius office week over the change weekends: instants move by an hour, working time does not.
		{"Vilnius office week across spring change", "vil", "Europe/Vilnius", "2026-03-27 17:00", "2026-03-30 09:30", "1h30m",
			"2h", "2026-03-30T07:00:00Z"}, // 1h Fri (EET), 1h Mon: 10:00 EEST
		{"Vilnius office week across autumn change", "vil", "Europe/Vilnius", "2026-10-23 17:00", "2026-10-26 09:30", "1h30m",
			"2h", "2026-10-26T08:00:00Z"}, // 1h Fri (EEST), 1h Mon: 10:00 EET
		// Vilnius all-day calendar: the change dates are 23h and 25h of working time.
		{"Vilnius all-day spring date has 23 hours", "vil-allday", "Europe/Vilnius", "2026-03-29 00:00", "2026-03-30 00:00", "23h",
			"6h", "2026-03-29T04:00:00Z"}, // from 22:00Z Sat: 6h of real time later is 04:00Z (07:00 EEST)
		{"Vilnius all-day goal ends at the spring jump", "vil-allday", "Europe/Vilnius", "2026-03-28 22:00", "2026-03-29 05:00", "6h", // 20:00Z -> 02:00Z
			"5h", "2026-03-29T01:00:00Z"}, // 2h Sat + 3h to 03:00 EET, the instant the clock jumps to 04:00
		{"Vilnius all-day autumn date has 25 hours", "vil-allday", "Europe/Vilnius", "2026-10-25 00:00", "2026-10-26 00:00", "25h",
			"25h", "2026-10-25T22:00:00Z"}, // Sun 00:00 EEST = Sat 21:00Z, + 25h = Sun 22:00Z = Mon 00:00 EET
		// New York mon-fri 09:00-17:00 over the change weekends.
		{"New York office week across spring change", "ny", "America/New_York", "2026-03-06 16:00", "2026-03-09 12:00", "4h", // 1h Fri + 3h Mon
			"2h", "2026-03-09T14:00:00Z"}, // 1h Fri (EST), 1h Mon: 10:00 EDT
		{"New York office week across autumn change", "ny", "America/New_York", "2026-10-30 16:30", "2026-11-02 09:30", "1h",
			"1h", "2026-11-02T14:30:00Z"}, // 30m Fri (EDT), 30m Mon: 09:30 EST
		// New York daily 09:00-17:00: eight hours on both change Sundays.
		{"New York spring change day has eight hours", "ny-daily", "America/New_York", "2026-03-08 00:00", "2026-03-09 00:00", "8h",
			"8h", "2026-03-08T21:00:00Z"}, // 17:00 EDT
		{"New York autumn change day has eight hours", "ny-daily", "America/New_York", "2026-11-01 00:00", "2026-11-02 00:00", "8h",
			"8h", "2026-11-01T22:00:00Z"}, // 17:00 EST
		// New York night desk 00:00-06:00: the span contains the change, so 5h in spring, 7h in autumn.
		{"New York night span loses the spring gap", "ny-night", "America/New_York", "2026-03-08 00:00", "2026-03-08 12:00", "5h", // 05:00Z to 10:00Z
			"5h30m", "2026-03-09T04:30:00Z"}, // 5h on Sunday, 30m Monday: 00:30 EDT
		{"New York night span gains the autumn hour", "ny-night", "America/New_York", "2026-11-01 00:00", "2026-11-01 12:00", "7h", // 04:00Z to 11:00Z
			"7h", "2026-11-01T11:00:00Z"}, // 06:00 EST
		{"New York night breach in the first 01:30", "ny-night", "America/New_York", "2026-11-01 00:00", "2026-11-01 00:45", "45m",
			"1h30m", "2026-11-01T05:30:00Z"}, // 01:30 EDT
		{"New York night breach in the repeated 01:30", "ny-night", "America/New_York", "2026-11-01 00:00", "2026-11-01 03:00", "4h", // 04:00Z to 08:00Z
			"2h30m", "2026-11-01T06:30:00Z"}, // 01:30 EST, an hour after the first 01:30
		// 24x7: wall-clock durations across a change.
		{"24x7 across Vilnius spring change", "24x7", "Europe/Vilnius", "2026-03-28 12:00", "2026-03-29 12:00", "23h", // 10:00Z to 09:00Z
			"24h", "2026-03-29T10:00:00Z"}, // Sat 12:00 EET = 10:00Z, + 24h = 13:00 EEST
		{"24x7 whole change weekend", "24x7", "Europe/Vilnius", "2026-03-28 00:00", "2026-03-30 00:00", "47h", // Fri 22:00Z to Sun 21:00Z
			"47h", "2026-03-29T21:00:00Z"}, // Mon 00:00 EEST
		{"24x7 across New York autumn change", "24x7", "America/New_York", "2026-10-31 12:00", "2026-11-01 12:00", "25h", // 16:00Z to 17:00Z
			"24h", "2026-11-01T16:00:00Z"}, // 11:00 EST
		// Split spans: lunch break 12:00-13:00 and Saturday 10:00-14:00.
		{"lunch break is skipped", "vil-lunch", "Europe/Vilnius", "2026-11-02 11:00", "2026-11-02 13:30", "1h30m",
			"2h", "2026-11-02T12:00:00Z"}, // 1h to 12:00, 1h from 13:00: 14:00 EET
		{"goal ends at lunch, not after it", "vil-lunch", "Europe/Vilnius", "2026-11-02 09:00", "2026-11-02 13:00", "3h",
			"3h", "2026-11-02T10:00:00Z"}, // 12:00 EET
		{"short Saturday", "vil-lunch", "Europe/Vilnius", "2026-11-06 17:00", "2026-11-09 09:00", "5h", // 1h Fri + 4h Sat
			"3h", "2026-11-07T10:00:00Z"}, // 1h Fri, 2h Sat 10-12 EET
		{"one week of the lunch calendar", "vil-lunch", "Europe/Vilnius", "2026-11-02 09:00", "2026-11-09 09:00", "44h", // 5 x 8h + 4h
			"44h", "2026-11-07T12:00:00Z"}, // Sat 14:00 EET
		// Span ends inside the change: New York 01:30-02:00 and 02:30-04:00, Vilnius 03:30-05:00.
		{"New York split spans on an ordinary day", "ny-gap", "America/New_York", "2026-11-02 00:00", "2026-11-02 12:00", "2h", // 30m + 1h30m
			"45m", "2026-11-02T07:45:00Z"}, // 30m to 02:00 EST (07:00Z), 15m from 02:30 EST (07:30Z)
		{"New York spans ending and starting in the spring gap", "ny-gap", "America/New_York", "2026-03-08 00:00", "2026-03-08 12:00", "1h30m", // 01:30-02:00 EST is 06:30Z-07:00Z (02:00 is the jump); 02:30 is skipped, so 07:00Z-08:00Z (04:00 EDT)
			"1h", "2026-03-08T07:30:00Z"}, // 30m, then 30m after the jump: 03:30 EDT
		{"New York spans on the autumn day: first 01:30, one 02:00", "ny-gap", "America/New_York", "2026-11-01 00:00", "2026-11-01 12:00", "3h", // 01:30 EDT (05:30Z) to 02:00 EST (07:00Z), then 02:30 EST (07:30Z) to 04:00 EST (09:00Z)
			"1h", "2026-11-01T06:30:00Z"}, // 05:30Z + 1h: 01:30 EST, the second 01:30
		{"Vilnius span starting in the spring gap starts at the jump", "vil-gap", "Europe/Vilnius", "2026-03-29 00:00", "2026-03-29 12:00", "1h", // 04:00 EEST (01:00Z) to 05:00 EEST (02:00Z)
			"30m", "2026-03-29T01:30:00Z"}, // 04:30 EEST
		{"Vilnius span starts at the first 03:30 in autumn", "vil-gap", "Europe/Vilnius", "2026-10-25 00:00", "2026-10-25 12:00", "2h30m", // 03:30 EEST (00:30Z) to 05:00 EET (03:00Z)
			"1h", "2026-10-25T01:30:00Z"}, // 00:30Z + 1h: 03:30 EET, the second 03:30
		{"Vilnius gap calendar on an ordinary day", "vil-gap", "Europe/Vilnius", "2026-10-26 00:00", "2026-10-26 12:00", "1h30m",
			"1h30m", "2026-10-26T03:00:00Z"}, // 05:00 EET
		// UTC calendar from an empty timezone; seconds matter.
		{"UTC to the second across closing", "utc", "", "2026-11-04 16:59", "2026-11-05 09:00", "1m",
			"90s", "2026-11-05T09:00:30Z"}, // 1m Wed, 30s Thu
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cal := calendar(t, tc.cal)
			loc := zone(t, tc.tz)
			from, to := wallIn(t, loc, tc.from), wallIn(t, loc, tc.to)
			if got, want := cal.Elapsed(from, to), dur(t, tc.wantElapsed); got != want {
				t.Errorf("Elapsed(%s, %s) = %v, want %v", tc.from, tc.to, got, want)
			}
			if got, want := cal.Add(from, dur(t, tc.goal)), utc(t, tc.wantBreach); !got.Equal(want) {
				t.Errorf("Add(%s, %s) = %s, want %s", tc.from, tc.goal, got.UTC().Format(time.RFC3339), want.Format(time.RFC3339))
			}
		})
	}
}

// TestCalendarEdges covers the degenerate inputs.
func TestCalendarEdges(t *testing.T) {
	cal := calendar(t, "vil")
	loc := zone(t, "Europe/Vilnius")
	a, b := wallIn(t, loc, "2026-11-02 10:00"), wallIn(t, loc, "2026-11-02 11:00")
	if got := cal.Elapsed(b, a); got != 0 {
		t.Errorf("Elapsed backwards = %v, want 0", got)
	}
	if got := cal.Add(a, 0); !got.Equal(a) {
		t.Errorf("Add(a, 0) = %v, want %v", got, a)
	}
	if got := cal.Add(a, -time.Hour); !got.Equal(a) {
		t.Errorf("Add(a, -1h) = %v, want %v", got, a)
	}
}

// TestNewCalendarErrors rejects what the config validation rejects, and a week without hours.
func TestNewCalendarErrors(t *testing.T) {
	tests := []struct {
		name string
		cal  map[string]string
		tz   string
		hol  []string
	}{
		{"unknown zone", map[string]string{"mon-fri": "09:00-18:00"}, "Mars/Olympus", nil},
		{"bad hours", map[string]string{"mon-fri": "9-18"}, "UTC", nil},
		{"bad days", map[string]string{"mon-fry": "09:00-18:00"}, "UTC", nil},
		{"bad holiday", map[string]string{"mon-fri": "09:00-18:00"}, "UTC", []string{"2026-13-01"}},
		{"no hours", nil, "UTC", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewCalendar(calendarConfig(tc.tz, tc.cal, tc.hol))
			if err == nil {
				t.Fatalf("NewCalendar: got nil error, want one")
			}
			t.Logf("got error %v", err)
		})
	}
}
