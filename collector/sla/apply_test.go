package sla

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// TestApplyModes checks each source mode on one ticket: native and unknown sources keep the
// pointer, computed replaces the clocks, both appends *_contract clocks after the native ones.
func TestApplyModes(t *testing.T) {
	vil := zone(t, "Europe/Vilnius")
	now := wallIn(t, vil, "2026-11-03 12:00")
	nativeClocks := []ticket.Clock{{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: wallIn(t, vil, "2026-11-02 09:00"), Goal: time.Hour}}}}
	mk := func(source, customer string) *ticket.Ticket {
		return &ticket.Ticket{
			Source: source, Key: "K-1", Priority: ticket.P2, State: ticket.StateInProgress,
			Created: wallIn(t, vil, "2026-11-02 09:00"), FirstReply: wallIn(t, vil, "2026-11-02 10:00"),
			Attributes: ticket.Attributes{Project: customer}, Clocks: slices.Clone(nativeClocks),
		}
	}
	e, err := NewEngine(testConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		source     string
		customer   string
		samePtr    bool
		wantNames  []string
		wantNative int // how many leading clocks are the native ones
	}{
		{"native keeps the ticket", "jsm", "acme", true, []string{"resolution"}, 1},
		{"unconfigured source keeps the ticket", "elsewhere", "acme", true, []string{"resolution"}, 1},
		{"computed replaces native clocks", "zd", "acme", false, []string{"first_response", "resolution"}, 0},
		{"both adds contract clocks", "sim", "acme", false, []string{"resolution", "first_response_contract", "resolution_contract"}, 1},
		{"computed without a contract drops native clocks", "zd", "", false, nil, 0},
		{"both without a contract keeps the ticket", "sim", "", true, []string{"resolution"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := mk(tc.source, tc.customer)
			before := *in
			before.Clocks = slices.Clone(in.Clocks)
			out := e.Apply([]*ticket.Ticket{in}, customerOfProject, now)
			if len(out) != 1 {
				t.Fatalf("got %d tickets, want 1", len(out))
			}
			got := out[0]
			if (got == in) != tc.samePtr {
				t.Errorf("same pointer = %t, want %t", got == in, tc.samePtr)
			}
			if !reflect.DeepEqual(*in, before) {
				t.Errorf("input ticket modified:\n got %+v\nwant %+v", *in, before)
			}
			var names []string
			for _, c := range got.Clocks {
				names = append(names, c.Name)
			}
			if !slices.Equal(names, tc.wantNames) {
				t.Errorf("clock names %v, want %v", names, tc.wantNames)
			}
			if tc.samePtr {
				return
			}
			if tc.wantNative > 0 && !reflect.DeepEqual(got.Clocks[:tc.wantNative], nativeClocks[:tc.wantNative]) {
				t.Errorf("native clocks %+v, want %+v", got.Clocks[:tc.wantNative], nativeClocks[:tc.wantNative])
			}
			want := e.Clocks(in, tc.customer, now)
			computed := slices.Clone(got.Clocks[tc.wantNative:])
			if len(computed) == 0 {
				computed = nil
			}
			for i := range computed {
				computed[i].Name = strings.TrimSuffix(computed[i].Name, ContractSuffix)
			}
			if !reflect.DeepEqual(computed, want) {
				t.Errorf("computed clocks\n got %+v\nwant %+v", computed, want)
			}
			rest, wantRest := *got, *in
			rest.Clocks, wantRest.Clocks = nil, nil
			if !reflect.DeepEqual(rest, wantRest) {
				t.Errorf("other fields changed:\n got %+v\nwant %+v", rest, wantRest)
			}
		})
	}
}

// TestApplyCacheMatchesCold: a warm engine, after polls at other instants, with tickets replaced
// and dropped in between, returns exactly what a fresh engine returns; and it forgets the tickets
// the last call did not see.
func TestApplyCacheMatchesCold(t *testing.T) {
	now := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	tickets := genTickets(3000, 42, now)
	warm, err := NewEngine(testConfig())
	if err != nil {
		t.Fatal(err)
	}
	warm.Apply(tickets, customerOfProject, now.Add(-time.Hour))
	warm.Apply(tickets, customerOfProject, now.Add(-time.Minute))

	// The next poll: a tenth of the tickets dropped, some replaced by changed copies.
	var next []*ticket.Ticket
	for i, tk := range tickets {
		switch {
		case i%10 == 0:
			continue
		case i%7 == 0:
			c := *tk
			c.Priority = ticket.P2
			c.Transitions = append(slices.Clone(tk.Transitions), ticket.Transition{At: now.Add(-30 * time.Minute), State: ticket.StateWaitingCustomer})
			c.State = ticket.StateWaitingCustomer
			tk = &c
		}
		next = append(next, tk)
	}
	later := now.Add(90 * time.Minute)
	got := warm.Apply(next, customerOfProject, later)
	cold, err := NewEngine(testConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := cold.Apply(next, customerOfProject, later)
	if len(got) != len(want) {
		t.Fatalf("got %d tickets, want %d", len(got), len(want))
	}
	differ := 0
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			if differ++; differ <= 3 {
				t.Errorf("ticket %s: warm\n %+v\ncold\n %+v", next[i].Key, got[i].Clocks, want[i].Clocks)
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d tickets differ between warm and cold engines", differ, len(got))
	}
	kept := 0
	cfg := testConfig()
	for _, tk := range next {
		pol := cfg.Policy(customerOfProject(tk))
		_, fr := pol.Goal(tk.Priority, ticket.SLAFirstResponse)
		_, res := pol.Goal(tk.Priority, ticket.SLAResolution)
		m := warm.modes[tk.Source]
		switch {
		case (m == "computed" || m == "both") && (fr || res):
			kept++ // contract clocks
		case m == "computed" && len(tk.Clocks) > 0:
			kept++ // the copy without the tool's clocks
		}
	}
	if warm.cache.len() != kept {
		t.Errorf("cache holds %d entries after the last Apply, want %d (the last call's tickets it changed)", warm.cache.len(), kept)
	}
}

// TestApplyCustomerChange: the same ticket pointer mapped to another customer gets the other
// customer's contract, not the cached one.
func TestApplyCustomerChange(t *testing.T) {
	vil := zone(t, "Europe/Vilnius")
	now := wallIn(t, vil, "2026-11-02 15:00")
	tk := &ticket.Ticket{Source: "zd", Key: "1", Priority: ticket.P3, State: ticket.StateNew, Created: wallIn(t, vil, "2026-11-02 09:00")}
	e, err := NewEngine(testConfig())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		customer string
		want     int // clocks: acme has no p3 goals, nyco has a p3 resolution goal
	}{
		{"acme first", "acme", 0},
		{"then nyco", "nyco", 1},
		{"back to acme", "acme", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := e.Apply([]*ticket.Ticket{tk}, func(*ticket.Ticket) string { return tc.customer }, now)
			if got := len(out[0].Clocks); got != tc.want {
				t.Errorf("got %d clocks %+v, want %d", got, out[0].Clocks, tc.want)
			}
		})
	}
}

// TestNewEngineErrors: a broken calendar or a policy on an undefined calendar fails the engine.
func TestNewEngineErrors(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *config.Config)
	}{
		{"broken calendar", func(c *config.Config) {
			c.Calendars["vil"] = calendarConfig("Nowhere/City", map[string]string{"mon-fri": "09:00-18:00"}, nil)
		}},
		{"undefined calendar", func(c *config.Config) {
			tier := c.Tiers["gold"]
			tier.SLA.Calendar = "missing"
			c.Tiers["gold"] = tier
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			tc.mutate(cfg)
			if _, err := NewEngine(cfg); err == nil {
				t.Fatal("NewEngine: got nil error, want one")
			} else {
				t.Logf("got error %v", err)
			}
		})
	}
	if _, err := NewEngine(nil); err == nil {
		t.Error("NewEngine(nil): got nil error, want one")
	}
}

// TestApplyReusesFinalTickets: a ticket whose computed clocks all stopped is built once and the
// same output pointer comes back at later polls; a running one is rebuilt with its elapsed time
// grown by the working time in between.
func TestApplyReusesFinalTickets(t *testing.T) {
	vil := zone(t, "Europe/Vilnius")
	final := &ticket.Ticket{Source: "zd", Key: "F", Priority: ticket.P2, State: ticket.StateResolved,
		Created: wallIn(t, vil, "2026-11-02 09:00"), FirstReply: wallIn(t, vil, "2026-11-02 09:30"), Resolved: wallIn(t, vil, "2026-11-02 11:00")}
	running := &ticket.Ticket{Source: "zd", Key: "R", Priority: ticket.P2, State: ticket.StateInProgress,
		Created: wallIn(t, vil, "2026-11-02 09:00"), FirstReply: wallIn(t, vil, "2026-11-02 09:30")}
	e, err := NewEngine(testConfig())
	if err != nil {
		t.Fatal(err)
	}
	acme := func(*ticket.Ticket) string { return "acme" }
	in := []*ticket.Ticket{final, running}
	first := e.Apply(in, acme, wallIn(t, vil, "2026-11-02 12:00"))
	second := e.Apply(in, acme, wallIn(t, vil, "2026-11-02 14:30"))
	if first[0] != second[0] {
		t.Errorf("final ticket: got a new pointer at the second poll, want the same")
	}
	if first[1] == second[1] {
		t.Errorf("running ticket: got the same pointer at the second poll, want a new one")
	}
	res := func(tk *ticket.Ticket) ticket.Cycle {
		c, ok := tk.Clock(ticket.SLAResolution)
		if !ok || len(c.Cycles) != 1 {
			t.Fatalf("resolution clock: got %+v, want one cycle", c)
		}
		return c.Cycles[0]
	}
	// 09:00-12:00 is 3h, 09:00-14:30 is 5h30m on the office calendar.
	if got, want := res(first[1]).Elapsed, 3*time.Hour; got != want {
		t.Errorf("running elapsed at 12:00 = %v, want %v", got, want)
	}
	if got, want := res(second[1]).Elapsed, 5*time.Hour+30*time.Minute; got != want {
		t.Errorf("running elapsed at 14:30 = %v, want %v", got, want)
	}
	if got, want := res(second[0]).ObservedAt, final.Resolved; !got.Equal(want) {
		t.Errorf("final cycle observed at %v, want its stop %v", got, want)
	}
}

// TestTicketMatchesApply: Engine.Ticket computes, for one ticket, exactly what Apply returns for
// it, the same pointer where Apply leaves a ticket as it is.
func TestTicketMatchesApply(t *testing.T) {
	now := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	tickets := genTickets(3000, 7, now)
	e, err := NewEngine(testConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := e.Apply(tickets, customerOfProject, now)
	for i, tk := range tickets {
		got := e.Ticket(tk, customerOfProject(tk), now)
		if (got == tk) != (want[i] == tk) || !reflect.DeepEqual(got, want[i]) {
			t.Fatalf("ticket %s: Ticket\n %+v\nApply\n %+v", tk.Key, got, want[i])
		}
	}
}
