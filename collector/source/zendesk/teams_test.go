package zendesk

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/team"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// teamMod makes the source read groups, the fake's team field and the organizations' account
// manager, as config.DeriveSources sets it for teams naming groups and team_field.
func teamMod(c *config.Source) {
	c.TeamField = fmt.Sprint(zendeskfake.TeamFieldID)
	c.OwnerField = "account_manager"
	c.ReadHandling, c.TrackStates = true, true
}

// put serves a normalized ticket through the fake: its wire form and its updates.
func (h *harness) putTicket(tk *ticket.Ticket) {
	zt, _ := zendeskfake.FromTicket(tk)
	zt.OrganizationID = ptr(int64(7))
	h.fake.Put(zt)
	h.fake.PutTicketEvents(zendeskfake.TicketEventsOf(tk)...)
}

func fmtZHandling(hs []ticket.Handling) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, fmt.Sprintf("%s %s(%s)", h.At.Format("15:04"), h.Group, h.GroupID))
	}
	return strings.Join(parts, "; ")
}

// TestTeamHistoryFromTicketEvents: a P2 ticket opened at 03:00 with Tier 1, read by a poll at
// 03:30; then, all before the next poll at 10:00, handed to Engineering at 04:00, set pending at
// 06:00, open again at 08:00, back to Tier 1 at 09:00 (the hand-computed day of
// collector/team's TestWaitedAcrossReassignmentsAndPauses, six hours earlier). The export shows
// only the end state (open, Tier 1: the same as the first poll saw); the event export places
// every step at its instant, with one request, and the stays read from the stored ticket are
// the hand-computed ones. The organization's account manager is the owner.
func TestTeamHistoryFromTicketEvents(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, teamMod)
	h.fake.PutGroups(zendeskfake.Group{ID: zendeskfake.GroupIDOf("Tier 1"), Name: "Tier 1"}, zendeskfake.Group{ID: zendeskfake.GroupIDOf("Engineering"), Name: "Engineering"})
	h.fake.PutOrganizations(zendeskfake.Organization{ID: 7, Name: "Northwind Payments", OrganizationFields: map[string]any{"account_manager": "Jane.Doe@example.com"}})
	day := t0.Add(-6 * time.Hour) // 03:00
	at := func(hours float64) time.Time { return day.Add(time.Duration(hours * float64(time.Hour))) }
	full := &ticket.Ticket{
		Key: "500", Summary: "card payments fail", Priority: ticket.P2, State: ticket.StateInProgress, Channel: ticket.ChannelEmail,
		Created: at(0), Updated: at(6),
		Transitions: []ticket.Transition{{At: at(0), State: ticket.StateInProgress}, {At: at(3), State: ticket.StateWaitingCustomer}, {At: at(5), State: ticket.StateInProgress}},
		Handling:    []ticket.Handling{{At: at(0), Group: "Tier 1"}, {At: at(1), Group: "Engineering"}, {At: at(6), Group: "Tier 1"}},
	}
	first := *full
	first.Updated, first.Transitions, first.Handling = at(0.25), full.Transitions[:1], full.Handling[:1]
	h.clk.Set(at(0.5))
	h.putTicket(&first)
	h.mustPoll(t)
	got, _ := h.st.Get("500")
	if got == nil || got.Attributes.Organizations[0].Owner != "Jane.Doe@example.com" || config.OwnerHandle(got.Attributes.Organizations[0].Owner) != "jane.doe" {
		t.Fatalf("first poll: %+v", got)
	}
	if n := h.requestCount(endpointTicketEvents, ""); n != 1 {
		t.Errorf("first sync read the event export %v times, want 1 (the backfill of the last 30 days, one page here)", n)
	}
	before := h.requestCount(endpointTicketEvents, "")

	h.clk.Set(at(7))
	h.putTicket(full)
	h.mustPoll(t)
	got, _ = h.st.Get("500")
	gid := func(name string) string { return fmt.Sprint(zendeskfake.GroupIDOf(name)) }
	want := fmt.Sprintf("03:00 Tier 1(%s); 04:00 Engineering(%s); 09:00 Tier 1(%s)", gid("Tier 1"), gid("Engineering"), gid("Tier 1"))
	if fmtZHandling(got.Handling) != want {
		t.Errorf("handling:\n got  %s\n want %s", fmtZHandling(got.Handling), want)
	}
	var states []string
	for _, tr := range got.Transitions {
		states = append(states, tr.At.Format("15:04")+" "+string(tr.State)+" "+tr.Status)
	}
	// Created open (its creation update says so), pending at 06:00, open at 08:00.
	if w := []string{"03:00 in_progress open", "06:00 waiting_customer pending", "08:00 in_progress open"}; !slices.Equal(states, w) {
		t.Errorf("transitions:\n got  %q\n want %q", states, w)
	}
	if n := h.requestCount(endpointTicketEvents, "200") - before; n != 1 {
		t.Errorf("event export requests: %v, want 1", n)
	}

	// Where it waited, by the hand-computed rules: Support 03:00-04:00, Engineering 04:00-06:00, the customer 06:00-08:00, Engineering 08:00-09:00,
	// Support since 09:00.
	cfg := config.New()
	cfg.Teams = []config.Team{
		{ID: "customer", When: config.TeamMatch{States: []ticket.State{ticket.StateWaitingCustomer}}},
		{ID: "engineering", When: config.TeamMatch{Groups: []string{"Engineering"}}},
		{ID: "support", When: config.TeamMatch{States: []ticket.State{ticket.StateNew, ticket.StateInProgress}}},
	}
	cals, _ := sla.NewCalendars(cfg)
	ts := team.New(cfg, cals)
	var stays []string
	for _, s := range ts.Stays(got) {
		to := "now"
		if !s.Open() {
			to = s.To.Format("15:04")
		}
		stays = append(stays, ts.ID(s.Team)+" "+s.From.Format("15:04")+"-"+to)
	}
	if w := []string{"support 03:00-04:00", "engineering 04:00-06:00", "customer 06:00-08:00", "engineering 08:00-09:00", "support 09:00-now"}; !slices.Equal(stays, w) {
		t.Errorf("stays:\n got  %q\n want %q", stays, w)
	}
}

// TestTeamHistoryRequestCost: once the first sync's backfill is read (at most two pages a poll),
// the event export is read only in a poll whose export showed a ticket changing status or group,
// once per 1000 updates since the previous poll; a quiet poll costs what it costs without teams.
func TestTeamHistoryRequestCost(t *testing.T) {
	for _, k := range []int{0, 1, 999, 2500} {
		t.Run(fmt.Sprint("k=", k), func(t *testing.T) {
			withTeams := newHarness(t, zendeskfake.Options{}, teamMod)
			withTeams.fake.PutGroups(zendeskfake.Group{ID: zendeskfake.GroupIDOf("Tier 1"), Name: "Tier 1"}, zendeskfake.Group{ID: zendeskfake.GroupIDOf("Engineering"), Name: "Engineering"})
			plain := newHarness(t, zendeskfake.Options{}, nil)
			base := t0.Add(-3 * time.Hour)
			tickets := make([]*ticket.Ticket, 0, 2500)
			for i := range 2500 {
				created := base.Add(-time.Duration(i) * time.Second)
				tickets = append(tickets, &ticket.Ticket{Key: fmt.Sprint(1000 + i), Summary: "s", Priority: ticket.P3, State: ticket.StateInProgress,
					Created: created, Updated: created, Transitions: []ticket.Transition{{At: created, State: ticket.StateInProgress}},
					Handling: []ticket.Handling{{At: created, Group: "Tier 1"}}})
			}
			for _, h := range []*harness{withTeams, plain} {
				h.clk.Set(base.Add(10 * time.Minute))
				for _, tk := range tickets {
					h.putTicket(tk)
				}
				h.mustPoll(t)
			}
			quiet := func(h *harness) float64 {
				n := 0.0
				for _, r := range h.stats.Requests() {
					n += r.Count
				}
				return n
			}
			// The first sync's history backfill (2500 creation updates: three pages, two a
			// poll) ends in the next poll; a quiet poll is one after it.
			for range 5 {
				if c, _ := decodeCursor(withTeams.st.Cursor()); c.Backfill == 0 {
					break
				}
				withTeams.clk.Advance(time.Minute)
				withTeams.mustPoll(t)
			}
			if c, _ := decodeCursor(withTeams.st.Cursor()); c.Backfill != 0 {
				t.Fatalf("the history backfill has not ended: %d", c.Backfill)
			}
			for _, h := range []*harness{withTeams, plain} {
				h.clk.Advance(time.Minute)
			}
			a0, p0 := quiet(withTeams), quiet(plain)
			withTeams.mustPoll(t)
			plain.mustPoll(t)
			if a, p := quiet(withTeams)-a0, quiet(plain)-p0; a != p {
				t.Errorf("quiet poll: %v requests with teams, %v without", a, p)
			}
			// k tickets handed to Engineering, one update each.
			at := base.Add(20 * time.Minute)
			withTeams.clk.Set(at.Add(time.Duration(k)*time.Second + 5*time.Minute))
			for i := range k {
				tk := *tickets[i]
				tk.Updated = at.Add(time.Duration(i) * time.Second) // updates a second apart
				tk.Handling = []ticket.Handling{{At: tk.Created, Group: "Tier 1"}, {At: tk.Updated, Group: "Engineering"}}
				withTeams.putTicket(&tk)
			}
			before := withTeams.requestCount(endpointTicketEvents, "")
			withTeams.mustPoll(t)
			if got, want := withTeams.requestCount(endpointTicketEvents, "")-before, float64((k+999)/1000); got != want {
				t.Errorf("event export requests for %d tickets changing hands: got %v, want ceil(%d/1000) = %v", k, got, k, want)
			}
			if k > 0 {
				got, _ := withTeams.st.Get(tickets[k-1].Key)
				if n := len(got.Handling); n != 2 || got.Handling[1].Group != "Engineering" || !got.Handling[1].At.Equal(at.Add(time.Duration(k-1)*time.Second)) {
					t.Errorf("%s handling: %s", got.Key, fmtZHandling(got.Handling))
				}
			}
		})
	}
}
