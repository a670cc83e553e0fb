package zendesk

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/sla"
)

// weekdaySchedule is a Monday-Friday schedule open from opens to closes (minutes from midnight).
func weekdaySchedule(zone string, opens, closes int) apiSchedule {
	sch := apiSchedule{ID: 1, Name: "Support", TimeZone: zone}
	for d := 1; d <= 5; d++ {
		sch.Intervals = append(sch.Intervals, apiInterval{StartTime: d*minutesPerDay + opens, EndTime: d*minutesPerDay + closes})
	}
	return sch
}

func mustCalendar(t testing.TB, sch apiSchedule, hols ...apiHoliday) *sla.Calendar {
	t.Helper()
	zone, err := ianaZone(sch.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := scheduleCalendar(sch, zone, hols)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestIANAZone(t *testing.T) {
	cases := []struct {
		name, in, want string
		err            bool
	}{
		{name: "Rails US name", in: "Pacific Time (US & Canada)", want: "America/Los_Angeles"},
		{name: "Rails city name", in: "Tokyo", want: "Asia/Tokyo"},
		{name: "IANA name passes through", in: "Europe/Vilnius", want: "Europe/Vilnius"},
		{name: "unknown name", in: "Atlantis Standard Time", err: true},
		{name: "empty", in: "", err: true},
		{name: "Local is not a zone of the account", in: "Local", err: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ianaZone(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("ianaZone(%q): got %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestRailsZonesAllLoad(t *testing.T) {
	for rails, iana := range railsZones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%q -> %q: %v", rails, iana, err)
		}
	}
}

func TestScheduleCalendar(t *testing.T) {
	utc := func(y int, m time.Month, d, h, mi int) time.Time { return time.Date(y, m, d, h, mi, 0, 0, time.UTC) }
	cases := []struct {
		name     string
		sch      apiSchedule
		hols     []apiHoliday
		from     time.Time
		add      time.Duration
		want     time.Time
		elapsedA time.Time // Elapsed(elapsedA, elapsedB) == elapsed
		elapsedB time.Time
		elapsed  time.Duration
	}{
		{
			name: "weekdays 09-18, Friday 17:00 plus 2h is Monday 10:00",
			sch:  weekdaySchedule("UTC", 9*60, 18*60), from: utc(2026, 11, 20, 17, 0), add: 2 * time.Hour,
			want:     utc(2026, 11, 23, 10, 0),
			elapsedA: utc(2026, 11, 20, 0, 0), elapsedB: utc(2026, 11, 27, 0, 0), elapsed: 5 * 9 * time.Hour,
		},
		{
			name: "holiday range closes Monday and Tuesday",
			sch:  weekdaySchedule("UTC", 9*60, 18*60),
			hols: []apiHoliday{{StartDate: "2026-11-23", EndDate: "2026-11-24"}},
			from: utc(2026, 11, 20, 17, 0), add: 2 * time.Hour, want: utc(2026, 11, 25, 10, 0),
			elapsedA: utc(2026, 11, 20, 0, 0), elapsedB: utc(2026, 11, 27, 0, 0), elapsed: 3 * 9 * time.Hour,
		},
		{
			name: "split day and an interval over midnight (split, though the reference forbids it)",
			sch: apiSchedule{TimeZone: "UTC", Intervals: []apiInterval{
				{StartTime: minutesPerDay + 8*60, EndTime: minutesPerDay + 12*60},
				{StartTime: minutesPerDay + 13*60, EndTime: minutesPerDay + 17*60},
				{StartTime: 2*minutesPerDay + 22*60, EndTime: 3*minutesPerDay + 2*60}, // Tue 22:00 - Wed 02:00
			}},
			from: utc(2026, 11, 23, 11, 0), add: 2 * time.Hour, want: utc(2026, 11, 23, 14, 0),
			elapsedA: utc(2026, 11, 24, 21, 0), elapsedB: utc(2026, 11, 25, 3, 0), elapsed: 4 * time.Hour,
		},
		{
			name: "Rails zone: 09:00 in Tokyo is 00:00 UTC",
			sch:  weekdaySchedule("Tokyo", 9*60, 18*60), from: utc(2026, 11, 22, 12, 0), add: time.Hour,
			want:     utc(2026, 11, 23, 1, 0),
			elapsedA: utc(2026, 11, 23, 0, 0), elapsedB: utc(2026, 11, 23, 9, 0), elapsed: 9 * time.Hour,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cal := mustCalendar(t, tc.sch, tc.hols...)
			if got := cal.Add(tc.from, tc.add); !got.Equal(tc.want) {
				t.Errorf("Add(%v, %v): got %v, want %v", tc.from, tc.add, got, tc.want)
			}
			if got := cal.Elapsed(tc.elapsedA, tc.elapsedB); got != tc.elapsed {
				t.Errorf("Elapsed(%v, %v): got %v, want %v", tc.elapsedA, tc.elapsedB, got, tc.elapsed)
			}
		})
	}
}

func TestScheduleCalendarErrors(t *testing.T) {
	cases := []struct {
		name string
		sch  apiSchedule
		hols []apiHoliday
		want string
	}{
		{name: "no intervals", sch: apiSchedule{TimeZone: "UTC"}, want: "no working time"},
		{name: "bad holiday date", sch: weekdaySchedule("UTC", 540, 1080), hols: []apiHoliday{{StartDate: "23/11/2026"}}, want: "start_date"},
		{name: "bad holiday end", sch: weekdaySchedule("UTC", 540, 1080), hols: []apiHoliday{{StartDate: "2026-11-23", EndDate: "soon"}}, want: "end_date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scheduleCalendar(tc.sch, "UTC", tc.hols)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestHolidayDates(t *testing.T) {
	cases := []struct {
		name string
		in   apiHoliday
		want []string
	}{
		{name: "one day", in: apiHoliday{StartDate: "2026-12-25", EndDate: "2026-12-25"}, want: []string{"2026-12-25"}},
		{name: "no end date", in: apiHoliday{StartDate: "2026-12-25"}, want: []string{"2026-12-25"}},
		{name: "across the new year", in: apiHoliday{StartDate: "2026-12-31", EndDate: "2027-01-02"}, want: []string{"2026-12-31", "2027-01-01", "2027-01-02"}},
		{name: "end before start", in: apiHoliday{StartDate: "2026-12-31", EndDate: "2026-12-30"}, want: nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := holidayDates(tc.in)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	long, _ := holidayDates(apiHoliday{StartDate: "2000-01-01", EndDate: "2099-12-31"})
	if len(long) != maxHolidayDays {
		t.Errorf("a century-long holiday: got %d days, want the cap %d", len(long), maxHolidayDays)
	}
}
