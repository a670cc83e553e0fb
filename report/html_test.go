package report

import (
	"testing"
)

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
