package history

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWeekEdges places instants around week boundaries that fall on or next to a DST change,
// worked out by hand from the zones' rules:
//   - Europe/Vilnius leaves summer time on Sunday 25 October 2026 (04:00 EEST -> 03:00 EET), so
//     2026-W43 lasts 169 hours and ends Monday 26 October 00:00 EET = 25 October 22:00 UTC;
//     it enters summer time on Sunday 29 March 2026 (03:00 EET -> 04:00 EEST), so 2026-W13 lasts
//     167 hours and ends Monday 30 March 00:00 EEST = 29 March 21:00 UTC.
//   - America/New_York leaves summer time on Sunday 1 November 2026 (02:00 EDT -> 01:00 EST), so
//     2026-W44 lasts 169 hours, from Monday 26 October 00:00 EDT = 04:00 UTC to Monday
//     2 November 00:00 EST = 05:00 UTC; it enters summer time on Sunday 8 March 2026, so
//     2026-W10 lasts 167 hours and ends Monday 9 March 00:00 EDT = 04:00 UTC.
func TestWeekEdges(t *testing.T) {
	vilnius, newYork := zone(t, "Europe/Vilnius"), zone(t, "America/New_York")
	for _, tc := range []struct {
		name string
		at   string
		loc  *time.Location
		want string
	}{
		{"Vilnius: last second of W43, after the clocks went back", "2026-10-25T21:59:59Z", vilnius, "2026-W43"},
		{"Vilnius: Monday 00:00 EET", "2026-10-25T22:00:00Z", vilnius, "2026-W44"},
		{"Vilnius: 03:30 on the DST Sunday, which happens twice", "2026-10-25T00:30:00Z", vilnius, "2026-W43"},
		{"Vilnius: last second of the short W13", "2026-03-29T20:59:59Z", vilnius, "2026-W13"},
		{"Vilnius: Monday 00:00 EEST", "2026-03-29T21:00:00Z", vilnius, "2026-W14"},
		{"New York: Sunday 23:59:59 EST of W44", "2026-11-02T04:59:59Z", newYork, "2026-W44"},
		{"New York: Monday 00:00 EST", "2026-11-02T05:00:00Z", newYork, "2026-W45"},
		{"New York: Monday 00:00 EDT before the change starts W44", "2026-10-26T04:00:00Z", newYork, "2026-W44"},
		{"New York: a second earlier is W43", "2026-10-26T03:59:59Z", newYork, "2026-W43"},
		{"New York: last second of the short W10", "2026-03-09T03:59:59Z", newYork, "2026-W10"},
		{"New York: Monday 00:00 EDT", "2026-03-09T04:00:00Z", newYork, "2026-W11"},
		{"the same instant is Monday in Vilnius", "2026-11-02T04:59:59Z", vilnius, "2026-W45"},
		{"1 January 2027 is in 2026's week 53", "2027-01-01T12:00:00Z", vilnius, "2026-W53"},
		{"Monday 4 January 2027 starts 2027-W01", "2027-01-03T22:00:00Z", vilnius, "2027-W01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := WeekOf(utc(tc.at), tc.loc).String(); got != tc.want {
				t.Errorf("WeekOf(%s, %s) = %s, want %s", tc.at, tc.loc, got, tc.want)
			}
		})
	}

	for _, tc := range []struct {
		week       string
		loc        *time.Location
		start, end string
		hours      float64
	}{
		{"2026-W43", vilnius, "2026-10-18T21:00:00Z", "2026-10-25T22:00:00Z", 169},
		{"2026-W13", vilnius, "2026-03-22T22:00:00Z", "2026-03-29T21:00:00Z", 167},
		{"2026-W44", newYork, "2026-10-26T04:00:00Z", "2026-11-02T05:00:00Z", 169},
		{"2026-W10", newYork, "2026-03-02T05:00:00Z", "2026-03-09T04:00:00Z", 167},
		{"2026-W48", vilnius, "2026-11-22T22:00:00Z", "2026-11-29T22:00:00Z", 168},
		{"2026-W53", vilnius, "2026-12-27T22:00:00Z", "2027-01-03T22:00:00Z", 168},
	} {
		w, err := ParseWeek(tc.week, tc.loc)
		if err != nil {
			t.Fatal(err)
		}
		if !w.Start.Equal(utc(tc.start)) || !w.End.Equal(utc(tc.end)) || w.End.Sub(w.Start).Hours() != tc.hours {
			t.Errorf("%s in %s: got [%s, %s) %vh, want [%s, %s) %vh", tc.week, tc.loc,
				w.Start.UTC().Format(time.RFC3339), w.End.UTC().Format(time.RFC3339), w.End.Sub(w.Start).Hours(), tc.start, tc.end, tc.hours)
		}
		if got := w.Start.In(tc.loc).Format("Mon 15:04"); got != "Mon 00:00" {
			t.Errorf("%s starts %s local, want Mon 00:00", tc.week, got)
		}
	}
}

func TestWeekArithmetic(t *testing.T) {
	ny := zone(t, "America/New_York")
	w, _ := ParseWeek("2026-W44", ny)
	for n, want := range map[int]string{-1: "2026-W43", 1: "2026-W45", -43: "2026-W01", -44: "2025-W52", 9: "2026-W53", 10: "2027-W01"} {
		if got := w.Add(n).String(); got != want {
			t.Errorf("2026-W44 %+d = %s, want %s", n, got, want)
		}
	}
	if got := LastComplete(utc("2026-11-02T04:59:59Z"), ny).String(); got != "2026-W43" {
		t.Errorf("last complete week on Sunday night = %s, want 2026-W43", got)
	}
	if got := LastComplete(utc("2026-11-02T05:00:00Z"), ny).String(); got != "2026-W44" {
		t.Errorf("last complete week on Monday 00:00 = %s, want 2026-W44", got)
	}
	if got := w.Sunday().Format("2006-01-02"); got != "2026-11-01" {
		t.Errorf("Sunday of 2026-W44 = %s", got)
	}
	if !w.Contains(utc("2026-10-26T04:00:00Z")) || w.Contains(utc("2026-11-02T05:00:00Z")) {
		t.Errorf("Contains: the start is in the week, the end is not")
	}
}

func TestParseWeekErrors(t *testing.T) {
	for in, want := range map[string]string{
		"2026-48":  `week "2026-48" is not an ISO week like 2026-W48`,
		"2027-W53": `week "2027-W53" does not exist: 2027 has weeks 1 to 52`,
		"2026-W00": `week "2026-W00" does not exist: 2026 has weeks 1 to 53`,
		"last":     `week "last" is not an ISO week like 2026-W48`,
	} {
		if _, err := ParseWeek(in, time.UTC); err == nil || err.Error() != want {
			t.Errorf("ParseWeek(%q): got %v, want %s", in, err, want)
		}
	}
	if w, err := ParseWeek("2026W48", time.UTC); err != nil || w.String() != "2026-W48" {
		t.Errorf("the basic form 2026W48: got %v, %v", w, err)
	}
}
