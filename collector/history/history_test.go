package history

import (
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// local parses a wall-clock time in loc.
func local(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func tr(at time.Time, s ticket.State) ticket.Transition { return ticket.Transition{At: at, State: s} }

func done(name string, start, stop time.Time, breached bool) ticket.Clock {
	return ticket.Clock{Name: name, Cycles: []ticket.Cycle{{Start: start, Stop: stop, Goal: time.Hour, Breached: breached}}}
}

// handTickets are one customer's tickets around November 2026 in Europe/Vilnius (EET, UTC+2),
// where 2026-W45..W48 are 2-8, 9-15, 16-22 and 23-29 November. Every expected number in
// TestComputeByHand is worked out from the comments here.
func handTickets(v *time.Location) (category map[string]string, tickets []*ticket.Ticket) {
	// A: reopened across weeks. Created W45, resolved W46, reopened W47, resolved W48.
	a := &ticket.Ticket{Source: "jsm", Key: "A", Priority: ticket.P2, Channel: ticket.ChannelPortal,
		Created: local(v, "2026-11-02 09:00"), FirstReply: local(v, "2026-11-02 10:00"),
		State: ticket.StateClosed, Resolved: local(v, "2026-11-23 09:00"),
		Reopened: 1, ReopenedAt: local(v, "2026-11-17 12:00"),
		CSAT: ticket.CSATGood, CSATAt: local(v, "2026-11-23 10:00"),
		Transitions: []ticket.Transition{
			tr(local(v, "2026-11-02 09:00"), ticket.StateNew),
			tr(local(v, "2026-11-02 10:00"), ticket.StateInProgress),
			tr(local(v, "2026-11-11 09:00"), ticket.StateResolved), // 9 days = 216h after creation
			tr(local(v, "2026-11-17 12:00"), ticket.StateInProgress),
			tr(local(v, "2026-11-23 09:00"), ticket.StateResolved), // 21 days = 504h
			tr(local(v, "2026-11-25 09:00"), ticket.StateClosed),
		},
		Clocks: []ticket.Clock{
			done(ticket.SLAFirstResponse, local(v, "2026-11-02 09:00"), local(v, "2026-11-02 10:00"), false),
			{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{
				{Start: local(v, "2026-11-02 09:00"), Stop: local(v, "2026-11-11 09:00"), Goal: 72 * time.Hour, Breached: true},
				{Start: local(v, "2026-11-17 12:00"), Stop: local(v, "2026-11-23 09:00"), Goal: 72 * time.Hour},
			}},
		},
	}
	// B: open P1 since W46, answered after 30 minutes.
	b := &ticket.Ticket{Source: "jsm", Key: "B", Priority: ticket.P1, Channel: ticket.ChannelEmail,
		Created: local(v, "2026-11-13 10:00"), FirstReply: local(v, "2026-11-13 10:30"), State: ticket.StateInProgress,
		Transitions: []ticket.Transition{tr(local(v, "2026-11-13 10:00"), ticket.StateNew), tr(local(v, "2026-11-13 10:30"), ticket.StateInProgress)}}
	// C: P3 waiting on the customer since W47, raised by an agent, answered after 4 hours.
	c := &ticket.Ticket{Source: "jsm", Key: "C", Priority: ticket.P3, Channel: ticket.ChannelAgent,
		Created: local(v, "2026-11-20 08:00"), FirstReply: local(v, "2026-11-20 12:00"), State: ticket.StateWaitingCustomer,
		Transitions: []ticket.Transition{tr(local(v, "2026-11-20 08:00"), ticket.StateNew), tr(local(v, "2026-11-21 09:00"), ticket.StateWaitingCustomer)}}
	// D: P1 resolved exactly when W47 ends (Monday 23 November 00:00 EET): in W47's backlog,
	// resolved in W48 after 4 days 14 hours = 110h. Late first response (breached, W47),
	// resolution met (W48); a bad rating in W48.
	d := &ticket.Ticket{Source: "jsm", Key: "D", Priority: ticket.P1, Channel: ticket.ChannelPhone,
		Created: local(v, "2026-11-18 10:00"), FirstReply: local(v, "2026-11-18 12:00"),
		State: ticket.StateResolved, Resolved: local(v, "2026-11-23 00:00"),
		CSAT: ticket.CSATBad, CSATAt: local(v, "2026-11-24 15:00"),
		Clocks: []ticket.Clock{
			done(ticket.SLAFirstResponse, local(v, "2026-11-18 10:00"), local(v, "2026-11-18 12:00"), true),
			done(ticket.SLAResolution, local(v, "2026-11-18 10:00"), local(v, "2026-11-23 00:00"), false),
		}}
	// E: P4 created exactly when W48 starts: not in W47's backlog, in W48's.
	e := &ticket.Ticket{Source: "jsm", Key: "E", Priority: ticket.P4, Channel: ticket.ChannelAPI,
		Created: local(v, "2026-11-23 00:00"), State: ticket.StateNew}
	// F: over before the first week: counts nowhere.
	f := &ticket.Ticket{Source: "jsm", Key: "F", Priority: ticket.P2, Channel: ticket.ChannelPortal,
		Created: local(v, "2026-10-01 09:00"), Updated: local(v, "2026-10-05 09:00"),
		State: ticket.StateResolved, Resolved: local(v, "2026-10-05 09:00")}
	// G: P3 open since October, no state history: in every week's backlog.
	g := &ticket.Ticket{Source: "jsm", Key: "G", Priority: ticket.P3, Channel: ticket.ChannelPortal,
		Created: local(v, "2026-10-20 09:00"), State: ticket.StateInProgress}
	// H: created after the instant of the data: counts nowhere.
	h := &ticket.Ticket{Source: "jsm", Key: "H", Priority: ticket.P1, Channel: ticket.ChannelPortal,
		Created: local(v, "2026-12-01 09:00"), State: ticket.StateNew}
	category = map[string]string{"A": "Billing", "B": "Access", "C": "Billing", "D": "Cards", "E": "Access", "F": "Cards", "G": "Access", "H": "Cards"}
	return category, []*ticket.Ticket{a, b, c, d, e, f, g, h}
}

func TestComputeByHand(t *testing.T) {
	v := zone(t, "Europe/Vilnius")
	cats, tickets := handTickets(v)
	last, _ := ParseWeek("2026-W48", v)
	got := Compute(Input{
		Tickets:  tickets,
		Zone:     v,
		Now:      local(v, "2026-11-30 10:00"),
		Official: []ticket.Channel{ticket.ChannelPortal, ticket.ChannelEmail, ticket.ChannelAPI},
		Category: func(t *ticket.Ticket) string { return cats[t.Key] },
		SLAs:     []string{ticket.SLAFirstResponse, ticket.SLAResolution},
	}, last, 4)

	sla := func(fm, fb, rm, rb int) []SLAWeek {
		return []SLAWeek{{ticket.SLAFirstResponse, fm, fb}, {ticket.SLAResolution, rm, rb}}
	}
	want := []Weekly{
		{ // W45: A created (portal, Billing), answered after 1h, first response met.
			Created: 1, Official: 1, Backlog: [4]int{0, 1, 1, 0}, // A (p2), G (p3)
			SLAs: sla(1, 0, 0, 0), FirstResponse: Timing{1, time.Hour},
			Categories: map[string]int{"Billing": 1},
		},
		{ // W46: B created (email, Access); A resolved after 216h, its resolution breached.
			Created: 1, Official: 1, Resolved: 1, Backlog: [4]int{1, 0, 1, 0}, // B, G
			SLAs: sla(0, 0, 0, 1), FirstResponse: Timing{1, 30 * time.Minute}, Resolution: Timing{1, 216 * time.Hour},
			Categories: map[string]int{"Access": 1},
		},
		{ // W47: C (agent) and D (phone) created, none official; A reopened; D's first response
			// breached; answers after 4h and 2h: median 3h. D is open at the week's end.
			Created: 2, Official: 0, Reopened: 1, Backlog: [4]int{2, 1, 2, 0}, // B, D; A; C, G
			SLAs: sla(0, 1, 0, 0), FirstResponse: Timing{2, 3 * time.Hour},
			Categories: map[string]int{"Billing": 1, "Cards": 1},
		},
		{ // W48: E created (api); A (504h) and D (110h) resolved: median 307h, both met; one
			// good and one bad answer.
			Created: 1, Official: 1, Resolved: 2, Backlog: [4]int{1, 0, 2, 1}, // B; C, G; E
			SLAs: sla(0, 0, 2, 0), Resolution: Timing{2, 307 * time.Hour},
			CSATGood: 1, CSATBad: 1,
			Categories: map[string]int{"Access": 1},
		},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d weeks, want %d", len(got), len(want))
	}
	for i := range want {
		w := want[i]
		w.Week = last.Add(i - 3)
		w.Until = w.Week.End
		if !reflect.DeepEqual(got[i], w) {
			t.Errorf("%s:\ngot  %+v\nwant %+v", w.Week, got[i], w)
		}
	}

	// Support themes: Access 2, Billing 2, Cards 1 over the four weeks (F and H count in no
	// week). With the top 2, Cards falls outside and its W47 ticket is "other".
	themes := Themes(got, 2)
	wantThemes := []Theme{
		{Name: "Access", PerWeek: []int{0, 1, 0, 1}, Total: 2},
		{Name: "Billing", PerWeek: []int{1, 0, 1, 0}, Total: 2},
		{Name: catalog.CategoryOther, PerWeek: []int{0, 0, 1, 0}, Total: 1},
	}
	if !reflect.DeepEqual(themes, wantThemes) {
		t.Errorf("themes:\ngot  %+v\nwant %+v", themes, wantThemes)
	}
	if all := Themes(got, 5); len(all) != 3 || all[2].Name != "Cards" {
		t.Errorf("with room for every category there is no other: %+v", all)
	}
}

// TestComputeZone counts the same instant in the week of each customer's zone: Sunday 29
// November 23:30 UTC is Monday 01:30 in Vilnius (2026-W49) but Sunday 18:30 in New York
// (2026-W48).
func TestComputeZone(t *testing.T) {
	at := utc("2026-11-29T23:30:00Z")
	tickets := []*ticket.Ticket{{Source: "jsm", Key: "X", Priority: ticket.P2, Created: at, State: ticket.StateNew}}
	now := utc("2026-12-01T12:00:00Z")
	for _, tc := range []struct {
		zone      string
		w48, w49  int
		backlog48 int
	}{
		{"Europe/Vilnius", 0, 1, 0},
		{"America/New_York", 1, 0, 1},
	} {
		loc := zone(t, tc.zone)
		last := WeekOf(now, loc)
		weeks := Compute(Input{Tickets: tickets, Zone: loc, Now: now}, last, 2)
		if weeks[0].Week.String() != "2026-W48" || weeks[0].Created != tc.w48 || weeks[1].Created != tc.w49 || weeks[0].Backlog[1] != tc.backlog48 {
			t.Errorf("%s: got %s created %d, %s created %d, W48 backlog %v; want %d, %d, %d", tc.zone,
				weeks[0].Week, weeks[0].Created, weeks[1].Week, weeks[1].Created, weeks[0].Backlog, tc.w48, tc.w49, tc.backlog48)
		}
		// The current week ends at now: its backlog is measured then.
		if !weeks[1].Until.Equal(now) {
			t.Errorf("%s: the current week runs until %s, want now", tc.zone, weeks[1].Until)
		}
	}
}

// TestComputeEmpty: a customer without tickets still gets every week, with the contract's SLAs
// at zero and no ratio.
func TestComputeEmpty(t *testing.T) {
	last, _ := ParseWeek("2026-W48", time.UTC)
	weeks := Compute(Input{Zone: time.UTC, Now: last.End, SLAs: []string{"resolution"}}, last, 12)
	if len(weeks) != 12 || weeks[0].Week.String() != "2026-W37" {
		t.Fatalf("got %d weeks from %v", len(weeks), weeks[0].Week)
	}
	for _, w := range weeks {
		s, ok := w.SLA("resolution")
		if _, has := s.Ratio(); !ok || has || w.Created != 0 || w.BacklogTotal() != 0 {
			t.Errorf("%s: %+v", w.Week, w)
		}
		if _, ok := w.OfficialRatio(); ok {
			t.Errorf("%s: an official ratio without tickets", w.Week)
		}
	}
	if Compute(Input{Zone: time.UTC, Now: last.End}, last, 0) != nil {
		t.Errorf("zero weeks is nil")
	}
}

// TestStateAt reads the hand tickets' states at instants around their transitions.
func TestStateAt(t *testing.T) {
	v := zone(t, "Europe/Vilnius")
	_, tickets := handTickets(v)
	a, c, g := tickets[0], tickets[2], tickets[6]
	for _, tc := range []struct {
		name  string
		t     *ticket.Ticket
		at    string
		state ticket.State
		since string
	}{
		{"A before creation", a, "2026-11-02 09:00", "", ""},
		{"A new", a, "2026-11-02 09:30", ticket.StateNew, "2026-11-02 09:00"},
		{"A resolved in W46", a, "2026-11-15 23:00", ticket.StateResolved, "2026-11-11 09:00"},
		{"A reopened in W47", a, "2026-11-22 23:00", ticket.StateInProgress, "2026-11-17 12:00"},
		{"A at the instant of a transition is still in the old state", a, "2026-11-23 09:00", ticket.StateInProgress, "2026-11-17 12:00"},
		{"C waiting on the customer", c, "2026-11-23 00:00", ticket.StateWaitingCustomer, "2026-11-21 09:00"},
		{"G without history: its current state since creation", g, "2026-11-23 00:00", ticket.StateInProgress, "2026-10-20 09:00"},
	} {
		state, since := StateAt(tc.t, local(v, tc.at))
		wantSince := time.Time{}
		if tc.since != "" {
			wantSince = local(v, tc.since)
		}
		if state != tc.state || !since.Equal(wantSince) {
			t.Errorf("%s: got %q since %v, want %q since %v", tc.name, state, since, tc.state, wantSince)
		}
	}
	if s, ok := OpenAt(a, local(v, "2026-11-20 00:00")); !ok || !s.From.Equal(local(v, "2026-11-17 12:00")) {
		t.Errorf("A open in W47 from its reopen: got %v, %v", s, ok)
	}
	if _, ok := OpenAt(a, local(v, "2026-11-14 00:00")); ok {
		t.Errorf("A is not open in W46 after its resolution")
	}
}
