package poller

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
)

func TestFreshness(t *testing.T) {
	wall := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	v := &View{
		Config: &config.Config{StaleAfterPolls: 3},
		Wall:   wall,
		Sources: []SourceHealth{
			{Name: "fresh", Up: true, LastSuccess: wall.Add(-2 * time.Minute), PollInterval: time.Minute},
			{Name: "old", Up: true, LastSuccess: wall.Add(-3*time.Minute - time.Second), PollInterval: time.Minute},
			{Name: "down", Up: false, LastSuccess: wall.Add(-30 * time.Second), PollInterval: time.Minute},
			{Name: "never", PollInterval: time.Minute},
		},
	}
	got := v.Freshness()
	for i, want := range []struct {
		stale bool
		age   time.Duration
	}{{false, 2 * time.Minute}, {true, 3*time.Minute + time.Second}, {true, 30 * time.Second}, {true, 0}} {
		if got[i].Stale != want.stale || got[i].Age != want.age || got[i].Limit != 3*time.Minute || !got[i].Known {
			t.Errorf("%s: got %+v, want stale %v, age %s", got[i].Source, got[i], want.stale, want.age)
		}
	}
	if !v.Stale() {
		t.Errorf("a view with stale sources is not stale")
	}
	v.Sources = v.Sources[:1]
	if v.Stale() {
		t.Errorf("a view with one fresh source is stale")
	}
	v.Wall = time.Time{} // computed without polling: nothing is known, nothing is called stale
	if f := v.Freshness()[0]; f.Known || f.Stale {
		t.Errorf("without a wall clock: %+v", f)
	}
}
