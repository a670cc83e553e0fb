package sim

import (
	"testing"
	"time"
)

// BenchmarkNewWorld builds a jira-desk world: 30 days of history for its four customers.
func BenchmarkNewWorld(b *testing.B) {
	for b.Loop() {
		if _, err := NewWorld(WorldOptions{Desk: DeskJira, Seed: 1, Start: testStart}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTickets materializes every ticket of a 30-day world, what a first poll does.
func BenchmarkTickets(b *testing.B) {
	w := mustWorld(b, WorldOptions{Desk: DeskJira, Seed: 1})
	b.ResetTimer()
	for b.Loop() {
		w.Tickets()
	}
}

// BenchmarkPollStep is one steady-state poll's work: advance 15s and read what changed.
func BenchmarkPollStep(b *testing.B) {
	w := mustWorld(b, WorldOptions{Desk: DeskJira, Seed: 1})
	now := testStart
	b.ResetTimer()
	for b.Loop() {
		since := now
		now = now.Add(15 * time.Second)
		w.Advance(now)
		w.ChangedSince(since)
	}
}
