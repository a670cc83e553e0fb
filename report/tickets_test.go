package report

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// acmeTickets lists acme's tickets as Build does, under acme's policy and the test calendars.
func acmeTickets(t *testing.T, tickets ...*ticket.Ticket) ([]Ticket, int) {
	t.Helper()
	cfg := testConfig()
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ticketsOf(tickets, byProject, "acme", cfg.Policy("acme"), cals, now)
}

func TestTicketList(t *testing.T) {
	fr, res := ticket.SLAFirstResponse, ticket.SLAResolution
	paused := running(5 * time.Minute)
	paused.Paused = true
	for _, tc := range []struct {
		name   string
		ticket *ticket.Ticket
		state  string // "" = not listed
		slas   []string
	}{
		{"running past its breach instant", tk("K", clock(fr, running(-time.Minute))), StateBreached, []string{fr}},
		{"flagged breached before its instant", tk("K", clock(fr, func() ticket.Cycle { c := running(30 * time.Minute); c.Breached = true; return c }())), StateBreached, []string{fr}},
		{"within 25% of a 1h goal", tk("K", clock(fr, running(10*time.Minute))), StateAtRisk, []string{fr}},
		{"exactly at the threshold", tk("K", clock(fr, running(15*time.Minute))), StateAtRisk, []string{fr}},
		{"outside the threshold", tk("K", clock(fr, running(16*time.Minute))), "", nil},
		{"paused near its goal", tk("K", clock(fr, paused)), "", nil},
		{"running clock on a resolved ticket", tk("K", resolved(ago(time.Hour)), clock(fr, running(-time.Minute))), "", nil},
		{"completed breached this week", tk("K", resolved(ago(day)), clock(res, stopped(ago(day), true))), StateBreachedThisWeek, []string{res}},
		{"completed breached 8 days ago", tk("K", resolved(ago(8*day)), clock(res, stopped(ago(8*day), true))), "", nil},
		{"completed breached exactly 7 days ago", tk("K", resolved(ago(7*day)), clock(res, stopped(ago(7*day), true))), "", nil},
		{"completed met this week", tk("K", resolved(ago(day)), clock(res, stopped(ago(day), false))), "", nil},
		{"late first response on an open ticket", tk("K", clock(fr, stopped(ago(time.Hour), true)), clock(res, running(2*time.Hour))), StateBreachedThisWeek, []string{fr}},
		{"breached now beats breached this week", tk("K", clock(fr, stopped(ago(time.Hour), true)), clock(res, running(-time.Minute))), StateBreached, []string{fr, res}},
		{"another customer's breach", tk("K", customer("rival"), clock(fr, running(-time.Minute))), "", nil},
		{"unmapped ticket", tk("K", customer(""), clock(fr, running(-time.Minute))), "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, more := acmeTickets(t, tc.ticket)
			if more != 0 {
				t.Errorf("more = %d, want 0", more)
			}
			if tc.state == "" {
				if len(got) != 0 {
					t.Errorf("got %+v, want nothing listed", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("got %d tickets, want 1", len(got))
			}
			var slas []string
			for _, c := range got[0].SLAs {
				slas = append(slas, c.Name)
			}
			if got[0].State != tc.state || !slices.Equal(slas, tc.slas) {
				t.Errorf("got state %q clocks %v, want %q %v", got[0].State, slas, tc.state, tc.slas)
			}
		})
	}
}

func TestTicketListOrder(t *testing.T) {
	fr := ticket.SLAFirstResponse
	tickets := []*ticket.Ticket{
		tk("WEEK", created(ago(2*day)), resolved(ago(day)), clock(fr, stopped(ago(day), true))),
		tk("RISK", clock(fr, running(5*time.Minute))),
		tk("P3-OLD", prio(ticket.P3), created(ago(3*day)), clock(fr, running(-time.Minute))),
		tk("P1-NEW", created(ago(time.Hour)), clock(fr, running(-time.Minute))),
		tk("P1-OLD", created(ago(5*time.Hour)), clock(fr, running(-time.Minute))),
	}
	got, _ := acmeTickets(t, tickets...)
	var keys []string
	for _, r := range got {
		keys = append(keys, r.Key)
	}
	want := []string{"P1-OLD", "P1-NEW", "P3-OLD", "RISK", "WEEK"}
	if !slices.Equal(keys, want) {
		t.Errorf("got %v, want %v", keys, want)
	}
	if got[3].SLAs[0].Left != 5*time.Minute {
		t.Errorf("at-risk clock left %v, want 5m", got[3].SLAs[0].Left)
	}
	if got[4].Age != day {
		t.Errorf("resolved ticket age %v, want its open time 24h", got[4].Age)
	}
}

// TestTicketListCapped lists 30 breached tickets: the page shows MaxTickets and counts the rest.
func TestTicketListCapped(t *testing.T) {
	var tickets []*ticket.Ticket
	for i := range 30 {
		tickets = append(tickets, tk(fmt.Sprintf("B-%02d", i), created(ago(time.Duration(i+1)*time.Hour)),
			clock(ticket.SLAResolution, running(-time.Minute))))
	}
	r, html := render(t, tickets)
	if len(r.Tickets) != MaxTickets || r.MoreTickets != 5 {
		t.Errorf("got %d tickets and %d more, want %d and 5", len(r.Tickets), r.MoreTickets, MaxTickets)
	}
	if n := strings.Count(html, "<tr data-key="); n != MaxTickets {
		t.Errorf("page shows %d ticket rows, want %d", n, MaxTickets)
	}
	if !strings.Contains(html, "… and 5 more.") {
		t.Errorf("page does not say how many more")
	}
	// Oldest first: B-29 (30h) leads, and the five youngest are the ones left out.
	if r.Tickets[0].Key != "B-29" || strings.Contains(html, `data-key="B-04"`) {
		t.Errorf("the cap kept the wrong tickets: first %s", r.Tickets[0].Key)
	}
}

func TestNoTickets(t *testing.T) {
	r, html := render(t, []*ticket.Ticket{tk("A-1", clock(ticket.SLAFirstResponse, running(time.Hour)))})
	if len(r.Tickets) != 0 || r.MoreTickets != 0 {
		t.Errorf("got %d tickets and %d more, want none", len(r.Tickets), r.MoreTickets)
	}
	if !strings.Contains(html, `id="no-tickets"`) || strings.Contains(html, `id="more-tickets"`) {
		t.Errorf("the page does not say that no ticket breached")
	}
}

// TestTicketListWorkingTimeLeft: the report judges a clock by sla.StatusAt on the calendar it
// counts on. A JSM clock read on Friday with 6h of office time left, which runs out on Monday
// 10:00, has 1h left on Saturday (at risk at 25% of its 16h goal) on the office calendar, and
// 46h on 24x7 (not listed).
func TestTicketListWorkingTimeLeft(t *testing.T) {
	sat := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	tkt := tk("SUP-9", clock(ticket.SLAResolution, ticket.Cycle{
		Start: time.Date(2026, 11, 19, 10, 0, 0, 0, time.UTC), Goal: 16 * time.Hour, Elapsed: 10 * time.Hour,
		BreachAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), ObservedAt: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}))
	tkt.Clocks[0].Origin = ticket.OriginNative
	cfg := &config.Config{
		Sources:   []config.Source{{Name: tkt.Source, Type: config.TypeJira}},
		Calendars: map[string]config.Calendar{"office": {Timezone: "UTC", Hours: map[string]string{"mon-fri": "09:00-17:00"}}},
	}
	cals, err := sla.NewCalendars(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		calendar string
		listed   bool
	}{
		{"office", true},
		{config.Calendar24x7, false},
	} {
		policy := config.Policy{AtRisk: config.Threshold{Fraction: 0.25}, SLA: config.SLAPolicy{Calendar: tc.calendar}}
		got, _ := ticketsOf([]*ticket.Ticket{tkt}, byProject, "acme", policy, cals, sat)
		if tc.listed != (len(got) == 1) || tc.listed && (got[0].State != StateAtRisk || got[0].SLAs[0].Left != time.Hour) {
			t.Errorf("%s: got %+v, want listed %v (at risk, 1h left)", tc.calendar, got, tc.listed)
		}
	}
}
