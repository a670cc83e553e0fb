package human

import (
	"testing"
	"time"
)

func TestDuration(t *testing.T) {
	const day = 24 * time.Hour
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
		if got := Duration(tc.in); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNumber(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 3: "3", 2.5: "2.5", 42.46: "42.5", -1: "-1"} {
		if got := Number(in); got != want {
			t.Errorf("Number(%v) = %q, want %q", in, got, want)
		}
	}
}

// TestPageWords: the words the pages add to the shared vocabulary.
func TestPageWords(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fn       func(string) string
		in, want string
	}{
		{"Tier", Tier, "gold", "Gold"},
		{"ClockState", ClockState, "at_risk", "at risk"},
		{"ClockState", ClockState, "breached", "breached"},
		{"ClockState", ClockState, "some_state", "some state"},
	} {
		if got := tc.fn(tc.in); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}
