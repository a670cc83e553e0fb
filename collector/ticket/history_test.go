package ticket

import (
	"testing"
	"time"
)

var h0 = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// TestAppendBounded: the history keeps its newest MaxHistory entries and never shares the array
// of the version it extends.
func TestAppendBounded(t *testing.T) {
	var h []Transition
	for i := range MaxHistory + 5 {
		next := Append(h, Transition{At: h0.Add(time.Duration(i) * time.Minute), State: StateInProgress})
		if len(h) > 0 && &next[0] == &h[0] {
			t.Fatal("Append shares the stored ticket's array")
		}
		h = next
	}
	if len(h) != MaxHistory || !h[len(h)-1].At.Equal(h0.Add(time.Duration(MaxHistory+4)*time.Minute)) || !h[0].At.Equal(h0.Add(5*time.Minute)) {
		t.Errorf("got %d entries from %v to %v, want the newest %d", len(h), h[0].At, h[len(h)-1].At, MaxHistory)
	}
	if got := LastOf(make([]Handling, MaxHistory+3)); len(got) != MaxHistory {
		t.Errorf("LastOf kept %d entries, want %d", len(got), MaxHistory)
	}
}

// TestCarryHandling: a new ticket is handled by cur since it was created; a ticket whose handler
// did not change keeps its history as it is; a change is dated at the update that showed it.
func TestCarryHandling(t *testing.T) {
	support := Handling{Group: "Support", Team: "support"}
	eng := Handling{Group: "Engineering", Team: "engineering"}
	created, updated := h0, h0.Add(26*time.Hour)
	tk := &Ticket{Created: created, Updated: updated}

	if got := CarryHandling(support, tk, nil); len(got) != 1 || !got[0].At.Equal(created) || !got[0].SameHandler(support) {
		t.Errorf("new ticket: %+v, want support since created", got)
	}
	prev := &Ticket{Handling: []Handling{{At: created, Group: "Support", Team: "support"}}}
	if got := CarryHandling(support, tk, prev); len(got) != 1 || &got[0] != &prev.Handling[0] {
		t.Errorf("same handler: %+v, want the stored history itself", got)
	}
	got := CarryHandling(eng, tk, prev)
	if len(got) != 2 || !got[1].At.Equal(updated) || !got[1].SameHandler(eng) || !got[0].SameHandler(support) {
		t.Errorf("handler changed: %+v, want support then engineering from the update", got)
	}
	if len(prev.Handling) != 1 {
		t.Errorf("the stored history was changed: %+v", prev.Handling)
	}
}
