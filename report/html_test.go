package report

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	for _, tc := range []struct {
		in   time.Duration
		want string
	}{
		{0, "0m"},
		{45 * time.Minute, "45m"},
		{2*time.Hour + 10*time.Minute, "2h 10m"},
		{3*day + 4*time.Hour + 59*time.Minute, "3d 4h"},
		{-12 * time.Minute, "-12m"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := humanDuration(tc.in); got != tc.want {
				t.Errorf("humanDuration(%v) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestBars(t *testing.T) {
	got := Flow{Created: 10, Resolved: 5, Reopened: 0}.Bars()
	want := []Bar{{"Created", 10, 100}, {"Resolved", 5, 50}, {"Reopened", 0, 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("bar %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	if zero := (BacklogRow{}).AgeBars(); len(zero) != 5 || zero[0].Width != 0 || zero[0].Label != "Under 1 day" {
		t.Errorf("empty age bars: got %+v, want 5 zero-width bars", zero)
	}
}
