package team

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// testConfig has four teams, in match order: the customer (tickets waiting on it), Engineering
// (Zendesk group, Jira component, team field, linked ENG issue; an OLA of 4h at P2 round the
// clock, paused while the customer is asked), Product (a status), Support (the open states left).
func testConfig(t *testing.T, olaCal string, target time.Duration) *config.Config {
	t.Helper()
	cfg := config.New()
	cfg.Sources = []config.Source{config.NewSource("zd", config.TypeZendesk), config.NewSource("jsm", config.TypeJira)}
	cfg.Sources[1].TeamField = "customfield_10070"
	for i := range cfg.Sources {
		cfg.Sources[i].URL = "https://example.com"
		cfg.Sources[i].Auth.TokenEnv = "TOKEN"
	}
	cfg.Calendars = map[string]config.Calendar{
		"eu-business": {Timezone: "Europe/Vilnius", Hours: map[string]string{"mon-fri": "09:00-17:00"}},
	}
	cfg.Teams = []config.Team{
		{ID: "customer", Name: "Customer", When: config.TeamMatch{States: []ticket.State{ticket.StateWaitingCustomer}}},
		{ID: "engineering", Name: "Engineering", When: config.TeamMatch{
			Groups: []string{"Engineering"}, Components: []string{"Payments API"}, TeamField: []string{"Eng"}, LinkedProject: []string{"ENG"},
		}, OLA: &config.OLA{Calendar: olaCal, AtRisk: config.Threshold{Fraction: 0.25}, PausedBy: []string{"customer"},
			Targets: map[ticket.Priority]config.Duration{ticket.P2: config.Duration(target)}}},
		{ID: "product", Name: "Product", When: config.TeamMatch{Statuses: []string{"Waiting for Product"}}},
		{ID: "support", Name: "Technical Support", When: config.TeamMatch{States: []ticket.State{ticket.StateNew, ticket.StateInProgress, ticket.StateWaitingPartner}}},
	}
	if err := cfg.Validate("test"); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func newTeams(t *testing.T, cfg *config.Config) *Teams {
	t.Helper()
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg, cals)
}

// mon is Monday 2026-11-02 00:00 UTC.
var mon = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

func at(h float64) time.Time { return mon.Add(time.Duration(h * float64(time.Hour))) }

func tr(h float64, s ticket.State, status string) ticket.Transition {
	return ticket.Transition{At: at(h), State: s, Status: status}
}

func group(h float64, name string) ticket.Handling { return ticket.Handling{At: at(h), Group: name} }

func staysString(ts *Teams, stays []Stay) []string {
	out := make([]string, len(stays))
	for i, s := range stays {
		to := "now"
		if !s.Open() {
			to = s.To.Sub(mon).String()
		}
		out[i] = ts.ID(s.Team) + " " + s.From.Sub(mon).String() + "-" + to
	}
	return out
}

func equal(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s:\n got  %q\n want %q", what, got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s:\n got  %q\n want %q", what, got, want)
		}
	}
}

// TestWaitedAcrossReassignmentsAndPauses, by hand: a P2 Zendesk ticket opened Monday 09:00 with
// Tier 1 (Support), handed to Engineering at 10:00, set pending (waiting on the customer) at
// 12:00, open again at 14:00 (still Engineering's), back to Tier 1 at 15:00, solved at 16:00.
// Stays: Support 9-10, Engineering 10-12, customer 12-14, Engineering 14-15, Support 15-16.
// Waited: Support 2h, Engineering 3h, customer 2h. Engineering's OLA (4h round the clock, paused
// by the customer's stays): one cycle from 10:00 to 15:00, 3h elapsed, met, the customer's two
// hours not counted.
func TestWaitedAcrossReassignmentsAndPauses(t *testing.T) {
	ts := newTeams(t, testConfig(t, config.Calendar24x7, 4*time.Hour))
	tk := &ticket.Ticket{
		Source: "zd", Key: "1", Priority: ticket.P2, Created: at(9), Updated: at(16), Resolved: at(16),
		State: ticket.StateResolved, Status: "solved",
		Transitions: []ticket.Transition{
			tr(9, ticket.StateNew, "new"), tr(9.5, ticket.StateInProgress, "open"), tr(12, ticket.StateWaitingCustomer, "pending"),
			tr(14, ticket.StateInProgress, "open"), tr(16, ticket.StateResolved, "solved"),
		},
		Handling: []ticket.Handling{group(9, "Tier 1"), group(10, "Engineering"), group(15, "Tier 1")},
	}
	stays := ts.Stays(tk)
	equal(t, "stays", staysString(ts, stays), []string{
		"support 9h0m0s-10h0m0s", "engineering 10h0m0s-12h0m0s", "customer 12h0m0s-14h0m0s",
		"engineering 14h0m0s-15h0m0s", "support 15h0m0s-16h0m0s",
	})
	waited := ts.Waited(stays, at(20))
	for id, want := range map[string]time.Duration{"support": 2 * time.Hour, "engineering": 3 * time.Hour, "customer": 2 * time.Hour, "product": 0} {
		if got := waited[ts.Index(id)]; got != want {
			t.Errorf("waited on %s: got %s, want %s", id, got, want)
		}
	}
	cycles := ts.OLA(tk, stays, at(20))
	if len(cycles) != 1 {
		t.Fatalf("OLA cycles: got %d, want 1: %+v", len(cycles), cycles)
	}
	c := cycles[0].Cycle
	if !c.Start.Equal(at(10)) || !c.Stop.Equal(at(15)) || c.Elapsed != 3*time.Hour || c.Breached {
		t.Errorf("OLA cycle: got start %s stop %s elapsed %s breached %v; want 10h, 15h, 3h, met",
			c.Start.Sub(mon), c.Stop.Sub(mon), c.Elapsed, c.Breached)
	}
	if st := ts.Status(cycles[0].Team, c, at(20)); st.State != sla.StateMet || !st.Completed || st.Remaining != time.Hour {
		t.Errorf("status: got %+v, want met with 1h to spare", st)
	}

	// Seen at 13:00, while the customer is asked: Engineering's cycle is paused with 2h left.
	open := *tk
	open.State, open.Status, open.Updated, open.Resolved = ticket.StateWaitingCustomer, "pending", at(12), time.Time{}
	open.Transitions = tk.Transitions[:3]
	open.Handling = tk.Handling[:2]
	stays = ts.Stays(&open)
	equal(t, "stays at 13:00", staysString(ts, stays), []string{"support 9h0m0s-10h0m0s", "engineering 10h0m0s-12h0m0s", "customer 12h0m0s-now"})
	if team, since := Current(stays); ts.ID(team) != "customer" || !since.Equal(at(12)) {
		t.Errorf("current: %d since %s", team, since)
	}
	cycles = ts.OLA(&open, stays, at(13))
	if len(cycles) != 1 {
		t.Fatalf("OLA cycles at 13:00: %+v", cycles)
	}
	st := ts.Status(cycles[0].Team, cycles[0].Cycle, at(13))
	if st.State != sla.StatePaused || st.Remaining != 2*time.Hour {
		t.Errorf("status at 13:00: got %s with %s left, want paused with 2h", st.State, st.Remaining)
	}
}

// TestOLAOnBusinessCalendarAcrossWeekend, by hand: Engineering's P2 target is 16h of working
// time on eu-business (Mon-Fri 09:00-17:00 Vilnius, UTC+2 in November). A ticket reaches
// Engineering (its component) on Friday 2026-11-06 at 15:00 Vilnius: Friday counts 2h, the
// weekend nothing, Monday 8h (10h), Tuesday 6h more reaches 16h at 15:00. At risk with a quarter
// (4h) left: Tuesday 11:00. On Saturday noon 2h have elapsed and it is running, not at risk.
func TestOLAOnBusinessCalendarAcrossWeekend(t *testing.T) {
	ts := newTeams(t, testConfig(t, "eu-business", 16*time.Hour))
	vilnius, err := time.LoadLocation("Europe/Vilnius")
	if err != nil {
		t.Fatal(err)
	}
	local := func(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, vilnius) }
	tk := &ticket.Ticket{
		Source: "jsm", Key: "SUP-1", Priority: ticket.P2, Created: local(6, 10), Updated: local(6, 15),
		State: ticket.StateInProgress, Status: "In Progress",
		Transitions: []ticket.Transition{{At: local(6, 10), State: ticket.StateInProgress, Status: "In Progress"}},
		Handling:    []ticket.Handling{{At: local(6, 10)}, {At: local(6, 15), Components: []string{"Payments API"}}},
	}
	stays := ts.Stays(tk)
	if len(stays) != 2 || ts.ID(stays[1].Team) != "engineering" || !stays[1].From.Equal(local(6, 15)) || !stays[1].Open() {
		t.Fatalf("stays: %q", staysString(ts, stays))
	}
	saturday := local(7, 12)
	cycles := ts.OLA(tk, stays, saturday)
	if len(cycles) != 1 {
		t.Fatalf("cycles: %+v", cycles)
	}
	c := cycles[0].Cycle
	if c.Elapsed != 2*time.Hour || !c.BreachAt.Equal(local(10, 15)) {
		t.Errorf("on Saturday: elapsed %s, breach %s; want 2h and Tuesday 15:00", c.Elapsed, c.BreachAt.In(vilnius))
	}
	st := ts.Status(cycles[0].Team, c, saturday)
	if st.State != sla.StateRunning || st.Remaining != 14*time.Hour {
		t.Errorf("on Saturday: %s with %s left, want running with 14h", st.State, st.Remaining)
	}
	if next := ts.NextChange(cycles[0].Team, c, saturday); !next.Equal(local(10, 11)) {
		t.Errorf("next change: %s, want Tuesday 11:00 (at risk)", next.In(vilnius))
	}
	for _, tc := range []struct {
		when time.Time
		want sla.State
	}{
		{local(9, 17), sla.StateRunning},   // Monday evening: 10h elapsed, 6h left
		{local(10, 11), sla.StateAtRisk},   // Tuesday 11:00: 4h left
		{local(10, 15), sla.StateBreached}, // Tuesday 15:00: the target
	} {
		cyc := ts.OLA(tk, stays, tc.when)[0].Cycle
		if got := ts.Status(0+cycles[0].Team, cyc, tc.when).State; got != tc.want {
			t.Errorf("at %s: %s, want %s", tc.when.In(vilnius), got, tc.want)
		}
	}
}

// TestTicketMovingBetweenTeamsTwice, by hand: Support 9-10, Engineering 10-11 (its team field),
// Support 11-13, Engineering 13-17 (a linked ENG issue), then resolved at 17:00. Engineering's
// OLA has two cycles, Support's stay ending the first: 1h (met) and 4h (met at exactly 4h: a
// breach is past the goal). Waited: Engineering 5h, Support 3h.
func TestTicketMovingBetweenTeamsTwice(t *testing.T) {
	ts := newTeams(t, testConfig(t, config.Calendar24x7, 4*time.Hour))
	tk := &ticket.Ticket{
		Source: "jsm", Key: "SUP-2", Priority: ticket.P2, Created: at(9), Updated: at(17), Resolved: at(17),
		State: ticket.StateResolved, Status: "Done",
		Transitions: []ticket.Transition{tr(9, ticket.StateInProgress, "In Progress"), tr(17, ticket.StateResolved, "Done")},
		Handling: []ticket.Handling{
			{At: at(9)}, {At: at(10), Team: "Eng"}, {At: at(11)}, {At: at(13), Linked: []string{"ENG-7"}},
		},
	}
	stays := ts.Stays(tk)
	equal(t, "stays", staysString(ts, stays), []string{
		"support 9h0m0s-10h0m0s", "engineering 10h0m0s-11h0m0s", "support 11h0m0s-13h0m0s", "engineering 13h0m0s-17h0m0s",
	})
	waited := ts.Waited(stays, at(30))
	if w := waited[ts.Index("engineering")]; w != 5*time.Hour {
		t.Errorf("engineering waited %s, want 5h", w)
	}
	if w := waited[ts.Index("support")]; w != 3*time.Hour {
		t.Errorf("support waited %s, want 3h", w)
	}
	cycles := ts.OLA(tk, stays, at(30))
	if len(cycles) != 2 {
		t.Fatalf("cycles: %+v", cycles)
	}
	for i, want := range []struct {
		start, stop float64
		elapsed     time.Duration
	}{{10, 11, time.Hour}, {13, 17, 4 * time.Hour}} {
		c := cycles[i].Cycle
		if !c.Start.Equal(at(want.start)) || !c.Stop.Equal(at(want.stop)) || c.Elapsed != want.elapsed || c.Breached {
			t.Errorf("cycle %d: %s-%s elapsed %s breached %v", i, c.Start.Sub(mon), c.Stop.Sub(mon), c.Elapsed, c.Breached)
		}
	}
}

// TestFirstTeamWins: a ticket that matches two teams is with the first listed; the status
// rule reads the current status when the history has none; a resolved ticket is with no team.
func TestFirstTeamWins(t *testing.T) {
	ts := newTeams(t, testConfig(t, config.Calendar24x7, 4*time.Hour))
	// Engineering's group and pending: the customer is listed first.
	tk := &ticket.Ticket{Source: "zd", Key: "3", Created: at(9), Updated: at(10), State: ticket.StateWaitingCustomer, Status: "pending",
		Handling: []ticket.Handling{group(9, "engineering")}}
	if team, _ := Current(ts.Stays(tk)); ts.ID(team) != "customer" {
		t.Errorf("pending in Engineering's group: %v", staysString(ts, ts.Stays(tk)))
	}
	// A status named in config, in a history without statuses.
	tk = &ticket.Ticket{Source: "jsm", Key: "SUP-3", Created: at(9), Updated: at(10), State: ticket.StateInProgress, Status: "Waiting for Product",
		Transitions: []ticket.Transition{{At: at(9), State: ticket.StateNew}, {At: at(10), State: ticket.StateInProgress}}}
	equal(t, "status", staysString(ts, ts.Stays(tk)), []string{"support 9h0m0s-10h0m0s", "product 10h0m0s-now"})
	// Resolved without a transition saying so: the stay ends at the resolution.
	tk = &ticket.Ticket{Source: "jsm", Key: "SUP-4", Created: at(9), Updated: at(12), Resolved: at(11), State: ticket.StateResolved,
		Transitions: []ticket.Transition{{At: at(9), State: ticket.StateInProgress}}}
	equal(t, "resolved", staysString(ts, ts.Stays(tk)), []string{"support 9h0m0s-11h0m0s"})
}
