package sim

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

func TestNewWorldRejects(t *testing.T) {
	cases := []struct {
		name string
		opts WorldOptions
		want string
	}{
		{"unknown desk", WorldOptions{Desk: "servicenow", Start: testStart}, `unknown desk "servicenow"`},
		{"unknown scenario", WorldOptions{Desk: DeskJira, Scenario: "meltdown", Start: testStart}, `unknown scenario "meltdown"`},
		{"negative history", WorldOptions{Desk: DeskJira, History: -time.Hour, Start: testStart}, "negative history"},
		{"no start", WorldOptions{Desk: DeskJira}, "no start"},
		{"before epoch", WorldOptions{Desk: DeskJira, Start: time.Date(2020, 1, 10, 0, 0, 0, 0, time.UTC)}, "before the simulator's epoch"},
		{"bad base URL", WorldOptions{Desk: DeskZendesk, Start: testStart, BaseURL: "demo.zendesk.com"}, "not an http(s) URL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewWorld(tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("NewWorld error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestWorldDeterministic(t *testing.T) {
	for _, scenario := range []string{ScenarioDefault, ScenarioBreachSoon} {
		for _, desk := range []string{DeskJira, DeskZendesk} {
			t.Run(desk+"/"+scenario, func(t *testing.T) {
				opts := WorldOptions{Desk: desk, Seed: 42, Scenario: scenario}
				a, b := mustWorld(t, opts), mustWorld(t, opts)
				if got, want := a.Tickets(), b.Tickets(); !reflect.DeepEqual(got, want) {
					t.Fatalf("at start: two worlds with the same options differ (%d vs %d tickets)", len(got), len(want))
				}
				// a advances in small steps, b jumps: the tickets must not depend on the path.
				end := testStart.Add(36 * time.Hour)
				for now := testStart; !now.After(end); now = now.Add(13 * time.Minute) {
					a.Advance(now)
				}
				a.Advance(end)
				b.Advance(end)
				got, want := a.Tickets(), b.Tickets()
				if len(got) != len(want) {
					t.Fatalf("after 36h: %d tickets stepping, %d jumping", len(got), len(want))
				}
				for i := range got {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Fatalf("after 36h: ticket %d differs:\ngot  %+v\nwant %+v", i, got[i], want[i])
					}
				}
				if c := mustWorld(t, WorldOptions{Desk: desk, Seed: 43, Scenario: scenario}); reflect.DeepEqual(c.Tickets(), mustWorld(t, opts).Tickets()) {
					t.Errorf("seeds 42 and 43 gave the same tickets")
				}
			})
		}
	}
}

func TestWorldAdvanceMonotonic(t *testing.T) {
	w := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 1})
	later := testStart.Add(3 * time.Hour)
	w.Advance(later)
	before := w.Tickets()
	w.Advance(testStart.Add(time.Hour))
	if got := w.Now(); !got.Equal(later) {
		t.Errorf("Now after an earlier Advance = %s, want %s", got, later)
	}
	if after := w.Tickets(); !reflect.DeepEqual(after, before) {
		t.Errorf("an earlier Advance changed the tickets")
	}
}

// TestWorldSharesHours checks that two worlds started at different instants agree on the hours
// they both cover, keys included: what keeps a restarted simulator from duplicating tickets.
func TestWorldSharesHours(t *testing.T) {
	a := mustWorld(t, WorldOptions{Desk: DeskZendesk, Seed: 5, History: 48 * time.Hour})
	b := mustWorld(t, WorldOptions{Desk: DeskZendesk, Seed: 5, History: 72 * time.Hour, Start: testStart.Add(-24 * time.Hour)})
	b.Advance(testStart)
	want := map[string]*ticket.Ticket{}
	for _, tk := range b.Tickets() {
		want[tk.Key] = tk
	}
	for _, tk := range a.Tickets() {
		if !reflect.DeepEqual(tk, want[tk.Key]) {
			t.Fatalf("ticket %s differs between the worlds:\ngot  %+v\nwant %+v", tk.Key, tk, want[tk.Key])
		}
	}
	if len(a.Tickets()) == 0 {
		t.Fatal("no tickets")
	}
}

func TestTicketsAreFreshCopies(t *testing.T) {
	w := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 1})
	first := w.Tickets()
	first[0].Summary = "changed by a caller"
	first[0].Attributes.Organizations[0].Name = "changed"
	first[0].Clocks[0].Cycles[0].Goal = 0
	if second := w.Tickets(); reflect.DeepEqual(first[0], second[0]) {
		t.Errorf("a caller's change to a returned ticket reached the world")
	}
}

func TestArrivalsFollowDailyProfile(t *testing.T) {
	w := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 7})
	var office, night, weekday, weekend int
	weekdays, weekends := 0, 0
	for d := 0; d < 30; d++ {
		switch testStart.AddDate(0, 0, -d-1).Weekday() {
		case time.Saturday, time.Sunday:
			weekends++
		default:
			weekdays++
		}
	}
	for _, tk := range w.Tickets() {
		if tk.Created.Before(testStart.AddDate(0, 0, -30)) || !tk.Created.Before(testStart.Truncate(24*time.Hour)) {
			continue
		}
		switch h := tk.Created.Hour(); {
		case h >= 9 && h < 18:
			office++
		case h < 6:
			night++
		}
		switch tk.Created.Weekday() {
		case time.Saturday, time.Sunday:
			weekend++
		default:
			weekday++
		}
	}
	// Per hour, office hours are 12.5 times busier than the night; with 9 office hours against 6
	// night ones the expected ratio is about 19. Ask for 8 to leave room for chance.
	if office < 8*night {
		t.Errorf("tickets raised 09-18: %d, 00-06: %d; want the first at least 8 times the second", office, night)
	}
	perWeekday, perWeekend := float64(weekday)/float64(weekdays), float64(weekend)/float64(weekends)
	if perWeekday < 2*perWeekend {
		t.Errorf("tickets per weekday %.1f, per weekend day %.1f; want at least twice as many", perWeekday, perWeekend)
	}
	t.Logf("office %d, night %d, per weekday %.1f, per weekend day %.1f", office, night, perWeekday, perWeekend)
}

func TestTicketMix(t *testing.T) {
	var all []*ticket.Ticket
	for _, desk := range []string{DeskJira, DeskZendesk} {
		for seed := int64(1); seed <= 3; seed++ {
			all = append(all, mustWorld(t, WorldOptions{Desk: desk, Seed: seed}).Tickets()...)
		}
	}
	n := float64(len(all))
	count := func(f func(*ticket.Ticket) bool) float64 {
		c := 0
		for _, tk := range all {
			if f(tk) {
				c++
			}
		}
		return float64(c)
	}
	resolvedOnce := func(tk *ticket.Ticket) bool { c, _ := tk.Clock(ticket.SLAResolution); return !c.Cycles[0].Running() }
	resolved := count(resolvedOnce)
	csat := count(func(tk *ticket.Ticket) bool { return tk.CSAT != ticket.CSATNone })
	incidentAt := func(p ticket.Priority) float64 {
		return count(func(tk *ticket.Ticket) bool { return tk.Priority == p && tk.Incident }) /
			count(func(tk *ticket.Ticket) bool { return tk.Priority == p })
	}
	cases := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"p1 share", count(func(tk *ticket.Ticket) bool { return tk.Priority == ticket.P1 }) / n, 0.02, 0.045},
		{"p2 share", count(func(tk *ticket.Ticket) bool { return tk.Priority == ticket.P2 }) / n, 0.12, 0.18},
		{"p3 share", count(func(tk *ticket.Ticket) bool { return tk.Priority == ticket.P3 }) / n, 0.50, 0.60},
		{"p4 share", count(func(tk *ticket.Ticket) bool { return tk.Priority == ticket.P4 }) / n, 0.23, 0.31},
		{"incident share", count(func(tk *ticket.Ticket) bool { return tk.Incident }) / n, 0.03, 0.07},
		{"incident share at p1 over p3", incidentAt(ticket.P1) / incidentAt(ticket.P3), 5, 100},
		{"escalated share", count(func(tk *ticket.Ticket) bool { return tk.Escalated }) / n, 0.025, 0.055},
		{"reopened share of resolved", count(func(tk *ticket.Ticket) bool { return tk.Reopened > 0 }) / resolved, 0.035, 0.065},
		{"csat share of resolved", csat / resolved, 0.26, 0.34},
		{"good csat share", count(func(tk *ticket.Ticket) bool { return tk.CSAT == ticket.CSATGood }) / csat, 0.80, 0.90},
		{"agent channel share", count(func(tk *ticket.Ticket) bool { return tk.Channel == ticket.ChannelAgent }) / n, 0.06, 0.11},
		{"unmapped share", count(func(tk *ticket.Ticket) bool { return customerOf(tk) == "" }) / n, 0.004, 0.02},
		{"unknown priority share", count(func(tk *ticket.Ticket) bool { return len(tk.Quality) > 0 }) / n, 0.003, 0.015},
		{"first response breached share", count(func(tk *ticket.Ticket) bool {
			c, _ := tk.Clock(ticket.SLAFirstResponse)
			return !c.Cycles[0].Running() && c.Cycles[0].Breached
		}) / n, 0.05, 0.2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got < tc.lo || tc.got > tc.hi {
				t.Errorf("got %.4f, want within [%.3f, %.3f] (%d tickets)", tc.got, tc.lo, tc.hi, len(all))
			}
		})
	}

	// CSAT is worse on tickets that breached a clock.
	good := func(breached bool) float64 {
		isBreached := func(tk *ticket.Ticket) bool {
			for _, c := range tk.Clocks {
				for _, cy := range c.Cycles {
					if cy.Breached {
						return true
					}
				}
			}
			return false
		}
		return count(func(tk *ticket.Ticket) bool { return tk.CSAT == ticket.CSATGood && isBreached(tk) == breached }) /
			count(func(tk *ticket.Ticket) bool { return tk.CSAT != ticket.CSATNone && isBreached(tk) == breached })
	}
	if met, breached := good(false), good(true); breached >= met-0.2 {
		t.Errorf("good CSAT share: %.2f when met, %.2f when breached; want the breached one lower by 0.2", met, breached)
	}

	// Some customers raise far more tickets through agents than others.
	agentShare := map[string][2]int{}
	for _, tk := range all {
		s := agentShare[customerOf(tk)]
		s[1]++
		if tk.Channel == ticket.ChannelAgent {
			s[0]++
		}
		agentShare[customerOf(tk)] = s
	}
	if lo, hi := agentShare[HealthyCustomer], agentShare["initech"]; float64(hi[0])/float64(hi[1]) < 4*float64(lo[0])/float64(lo[1]) {
		t.Errorf("agent-raised share: initech %d/%d, %s %d/%d; want initech's 4 times higher", hi[0], hi[1], HealthyCustomer, lo[0], lo[1])
	}
}

func TestTicketShape(t *testing.T) {
	cases := []struct {
		desk      string
		keyPrefix string
		urlPrefix string
		project   string
		orgID     bool
	}{
		{DeskJira, "SUP-", "https://demo.atlassian.net/browse/SUP-", "SUP", false},
		{DeskZendesk, "", "https://demo.zendesk.com/agent/tickets/", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.desk, func(t *testing.T) {
			w := mustWorld(t, WorldOptions{Desk: tc.desk, Seed: 3})
			statuses := map[string]bool{}
			keys := map[string]bool{}
			for _, tk := range w.Tickets() {
				if keys[tk.Key] {
					t.Fatalf("key %s twice", tk.Key)
				}
				keys[tk.Key] = true
				num := strings.TrimPrefix(tk.Key, tc.keyPrefix)
				if num == tk.Key && tc.keyPrefix != "" || strings.Trim(num, "0123456789") != "" {
					t.Fatalf("key %q, want %s<number>", tk.Key, tc.keyPrefix)
				}
				if tk.URL != tc.urlPrefix+num {
					t.Errorf("%s: URL %q, want %q", tk.Key, tk.URL, tc.urlPrefix+num)
				}
				if tk.Attributes.Project != tc.project {
					t.Errorf("%s: project %q, want %q", tk.Key, tk.Attributes.Project, tc.project)
				}
				if len(tk.Attributes.Organizations) != 1 || (tk.Attributes.Organizations[0].ID != "") != tc.orgID || tk.Attributes.Organizations[0].Name == "" {
					t.Errorf("%s: organizations %+v, want one with a name (and an id: %v)", tk.Key, tk.Attributes.Organizations, tc.orgID)
				}
				if tk.Attributes.ReporterDomain == "" || len(tk.Attributes.Labels) == 0 {
					t.Errorf("%s: reporter domain %q, labels %v; want both", tk.Key, tk.Attributes.ReporterDomain, tk.Attributes.Labels)
				}
				if has := strings.Contains(strings.Join(tk.Attributes.Labels, ","), EscalatedLabel); has != tk.Escalated {
					t.Errorf("%s: escalated %v but labels %v", tk.Key, tk.Escalated, tk.Attributes.Labels)
				}
				if !tk.Priority.Valid() || !tk.State.Valid() || !tk.Channel.Valid() || tk.Status == "" {
					t.Errorf("%s: priority %q state %q channel %q status %q", tk.Key, tk.Priority, tk.State, tk.Channel, tk.Status)
				}
				if tk.Open() != tk.Resolved.IsZero() {
					t.Errorf("%s: state %s with resolved %v", tk.Key, tk.State, tk.Resolved)
				}
				if tk.Updated.Before(tk.Created) || tk.Updated.After(w.Now()) {
					t.Errorf("%s: updated %v outside [created %v, now %v]", tk.Key, tk.Updated, tk.Created, w.Now())
				}
				statuses[tk.Status] = true
			}
			if len(statuses) != 6 {
				t.Errorf("statuses seen: %v, want all six", statuses)
			}
		})
	}
}

func TestClockInvariants(t *testing.T) {
	w := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 11})
	now := w.Now()
	for _, tk := range w.Tickets() {
		fr, ok1 := tk.Clock(ticket.SLAFirstResponse)
		res, ok2 := tk.Clock(ticket.SLAResolution)
		if !ok1 || !ok2 {
			t.Fatalf("%s: clocks %+v, want first_response and resolution", tk.Key, tk.Clocks)
		}
		if len(fr.Cycles) != 1 || fr.Cycles[0].Stop.IsZero() != tk.FirstReply.IsZero() {
			t.Errorf("%s: first response cycles %+v with first reply %v", tk.Key, fr.Cycles, tk.FirstReply)
		}
		if len(res.Cycles) != tk.Reopened+1 {
			t.Errorf("%s: %d resolution cycles for %d reopens", tk.Key, len(res.Cycles), tk.Reopened)
		}
		for i, c := range append(fr.Cycles, res.Cycles...) {
			end := c.Stop
			if c.Running() {
				end = now
			}
			paused := end.Sub(c.Start) - c.Elapsed
			if paused < 0 || !c.BreachAt.Equal(c.Start.Add(c.Goal+paused)) {
				t.Errorf("%s cycle %d: breach at %v, want start + goal + paused %v", tk.Key, i, c.BreachAt, paused)
			}
			if c.Breached != (c.Elapsed > c.Goal || c.Running() && c.Elapsed == c.Goal) {
				t.Errorf("%s cycle %d: breached %v with elapsed %v of %v", tk.Key, i, c.Breached, c.Elapsed, c.Goal)
			}
		}
		cur, running := res.Ongoing()
		if running != tk.Open() {
			t.Errorf("%s: resolution clock running %v in state %s", tk.Key, running, tk.State)
		}
		if running && cur.Paused != (tk.State == ticket.StateWaitingCustomer) {
			t.Errorf("%s: resolution clock paused %v in state %s", tk.Key, cur.Paused, tk.State)
		}
	}
}

// TestSomeClocksInTrouble checks that at any hour of a day some clock is breached and some is at
// risk, so the breach and at-risk panels are never all zero.
func TestSomeClocksInTrouble(t *testing.T) {
	for _, desk := range []string{DeskJira, DeskZendesk} {
		w := mustWorld(t, WorldOptions{Desk: desk, Seed: 1})
		for now := testStart; now.Before(testStart.Add(24 * time.Hour)); now = now.Add(3 * time.Hour) {
			w.Advance(now)
			breached, atRisk := 0, 0
			for _, tk := range w.Tickets() {
				b, r := clockTrouble(tk, now)
				breached += len(b)
				atRisk += len(r)
			}
			if breached == 0 || atRisk == 0 {
				t.Errorf("%s at %s: %d breached and %d at-risk clocks, want some of each", desk, now.Format(time.Kitchen), breached, atRisk)
			}
		}
	}
}

func TestChangedSince(t *testing.T) {
	w := mustWorld(t, WorldOptions{Desk: DeskZendesk, Seed: 2})
	all := w.ChangedSince(time.Time{})
	if got, want := len(all), len(w.Tickets()); got != want {
		t.Fatalf("ChangedSince(zero) returned %d tickets, Tickets %d", got, want)
	}
	for i := 1; i < len(all); i++ {
		a, b := all[i-1], all[i]
		if b.Updated.Before(a.Updated) || b.Updated.Equal(a.Updated) && b.Key <= a.Key {
			t.Fatalf("not sorted by updated then key at %d: %s %v, %s %v", i, a.Key, a.Updated, b.Key, b.Updated)
		}
	}
	since := w.Now()
	w.Advance(since.Add(6 * time.Hour))
	changed := w.ChangedSince(since)
	want := 0
	for _, tk := range w.Tickets() {
		if tk.Updated.After(since) {
			want++
		}
	}
	if len(changed) != want || want == 0 {
		t.Errorf("ChangedSince(previous now) returned %d tickets, want the %d updated since (and some)", len(changed), want)
	}
	for _, tk := range changed {
		if !tk.Updated.After(since) {
			t.Errorf("%s updated %v, not after %v", tk.Key, tk.Updated, since)
		}
	}
}

// TestTicketsMoveOutOfScope checks that now and then a ticket leaves the desk while open.
func TestTicketsMoveOutOfScope(t *testing.T) {
	w := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 1})
	gone := 0
	prev := map[string]bool{}
	for now := testStart; now.Before(testStart.Add(21 * 24 * time.Hour)); now = now.Add(4 * time.Hour) {
		w.Advance(now)
		keys := w.Keys()
		present := map[string]bool{}
		for _, k := range keys {
			present[k] = true
		}
		for k := range prev {
			if !present[k] {
				gone++
				if _, ok := w.Ticket(k); ok {
					t.Errorf("Ticket(%s) found after it left Keys", k)
				}
			}
		}
		prev = present
	}
	if gone == 0 {
		t.Error("no ticket moved out of scope in three weeks")
	}
}

func TestCustomers(t *testing.T) {
	all := DemoCustomers()
	if len(all) != 8 {
		t.Fatalf("%d demo customers, want 8", len(all))
	}
	perDesk := map[string]int{}
	ids := map[string]bool{}
	for _, c := range all {
		perDesk[c.Desk]++
		if ids[c.ID] || c.ID != strings.ToLower(c.ID) || c.Name == "" || c.CSM == "" || c.Domain == "" {
			t.Errorf("customer %+v: want a unique lowercase id, a name, a CSM and a domain", c)
		}
		ids[c.ID] = true
	}
	if perDesk[DeskJira] != 4 || perDesk[DeskZendesk] != 4 {
		t.Errorf("customers per desk %v, want 4 each", perDesk)
	}
	for _, id := range []string{BreachingCustomer, HealthyCustomer} {
		w := mustWorld(t, WorldOptions{Desk: DeskJira})
		found := false
		for _, c := range w.Customers() {
			found = found || c.ID == id
		}
		if !found {
			t.Errorf("%s is not on the jira desk", id)
		}
	}
}

// TestWorldConcurrent runs readers beside a writer; with -race it proves the locking, and the
// readers check they never see time go backwards.
func TestWorldConcurrent(t *testing.T) {
	w := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 1, History: 48 * time.Hour})
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := time.Time{}
			for range 50 {
				now := w.Now()
				if now.Before(last) {
					errs <- fmt.Errorf("Now went back from %s to %s", last, now)
					return
				}
				last = now
				w.Tickets()
				w.ChangedSince(now.Add(-time.Hour))
				w.Keys()
			}
		}()
	}
	for i := range 200 {
		w.Advance(testStart.Add(time.Duration(i) * time.Minute))
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
