package store

import (
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// TestRetention: at a cutoff, the resolved tickets quiet since before it are expired, to the
// nanosecond; an open ticket however old, a ticket reopened or answered after the cutoff, and
// one resolved at the cutoff itself are kept. Deleted through Apply, they are gone after a
// reopen too, and the others are there.
func TestRetention(t *testing.T) {
	cutoff := base.Add(-13 * 7 * 24 * time.Hour)
	long := cutoff.Add(-200 * 24 * time.Hour)
	mk := func(key string, state ticket.State, f func(*ticket.Ticket)) *ticket.Ticket {
		tk := &ticket.Ticket{Source: "jsm", Key: key, Priority: ticket.P3, State: state, Created: long, Updated: long}
		if !state.Open() {
			tk.Resolved = long.Add(time.Hour)
			tk.Updated = tk.Resolved
		}
		f(tk)
		return tk
	}
	tickets := []*ticket.Ticket{
		mk("OLD-RESOLVED", ticket.StateClosed, func(*ticket.Ticket) {}),
		mk("EDGE-BEFORE", ticket.StateResolved, func(tk *ticket.Ticket) {
			tk.Resolved, tk.Updated = cutoff.Add(-time.Nanosecond), cutoff.Add(-time.Nanosecond)
		}),
		mk("EDGE-AT", ticket.StateResolved, func(tk *ticket.Ticket) { tk.Resolved, tk.Updated = cutoff, cutoff }),
		mk("OPEN-ANCIENT", ticket.StateWaitingCustomer, func(*ticket.Ticket) {}),
		// Created and resolved long ago, reopened last week and resolved again: recent activity.
		mk("REOPENED", ticket.StateResolved, func(tk *ticket.Ticket) {
			tk.Reopened, tk.ReopenedAt = 1, base.Add(-7*24*time.Hour)
			tk.Resolved = base.Add(-6 * 24 * time.Hour)
		}),
		// Reopened and still open.
		mk("REOPENED-OPEN", ticket.StateInProgress, func(tk *ticket.Ticket) { tk.Reopened, tk.ReopenedAt = 1, base.Add(-time.Hour) }),
		// A satisfaction answer after the cutoff, which the 30d CSAT numbers read.
		mk("RATED", ticket.StateResolved, func(tk *ticket.Ticket) { tk.CSAT, tk.CSATAt = ticket.CSATBad, cutoff.Add(time.Hour) }),
		// A clock that stopped after the cutoff, although Updated says otherwise.
		mk("CLOCK", ticket.StateResolved, func(tk *ticket.Ticket) {
			tk.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: long, Stop: cutoff.Add(time.Minute), Goal: time.Hour}}}}
		}),
	}
	dir := t.TempDir()
	s := mustOpen(t, dir)
	mustApply(t, s, "jsm", batchArgs{upserts: tickets, cursor: "c1"})
	got := s.Expired("jsm", cutoff)
	if want := []string{"EDGE-BEFORE", "OLD-RESOLVED"}; !slices.Equal(got, want) {
		t.Fatalf("Expired = %v, want %v", got, want)
	}
	if err := s.Source("jsm").Apply(source.Batch{Deletes: got}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir)
	defer s.Close()
	if n := s.Count("jsm"); n != len(tickets)-2 {
		t.Errorf("after the reopen: %d tickets, want %d", n, len(tickets)-2)
	}
	for _, k := range []string{"EDGE-AT", "OPEN-ANCIENT", "REOPENED", "REOPENED-OPEN", "RATED", "CLOCK"} {
		if _, ok := s.Get("jsm", k); !ok {
			t.Errorf("%s was dropped", k)
		}
	}
	if c := s.Source("jsm").Cursor(); string(c) != "c1" {
		t.Errorf("cursor %q after the retention, want c1", c)
	}
	if got := s.Expired("jsm", cutoff); len(got) != 0 {
		t.Errorf("expired again: %v", got)
	}
}

// TestSourceRecordsSurviveReopen: the poller's schedule and health records are kept per source
// and apart from each other across a restart.
func TestSourceRecordsSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	if got, h := s.Schedule("jsm"), s.Health("jsm"); got != nil || h != nil {
		t.Errorf("a new store has schedule %q, health %q", got, h)
	}
	if err := s.SetSchedule("jsm", []byte(`{"next":"SUP-9"}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHealth("jsm", []byte(`{"up":true}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir)
	defer s.Close()
	if got := string(s.Schedule("jsm")); got != `{"next":"SUP-9"}` {
		t.Errorf("schedule after a reopen: %q", got)
	}
	if got := string(s.Health("jsm")); got != `{"up":true}` {
		t.Errorf("health after a reopen: %q", got)
	}
	if got, h := s.Schedule("zendesk"), s.Health("zendesk"); got != nil || h != nil {
		t.Errorf("another source has schedule %q, health %q", got, h)
	}
}
