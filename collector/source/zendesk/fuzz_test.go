package zendesk

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// The fuzz targets below read what Zendesk sends (and what the source stores) as the vendor is
// the bound: any bytes must give an error or a sane result, never a panic. Their checked-in
// corpora are testdata/fuzz/<target>; scripts/test.sh runs each for a few seconds, and go test
// runs the corpora as tests.

// fuzzSource is a source for the fuzz targets: no request is ever sent.
func fuzzSource(f *testing.F) *Source {
	s, err := newSource(config.Source{
		Name: "zd", URL: "https://acme.zendesk.com", Auth: config.Auth{Secret: config.NewSecret("x")},
		Escalation: config.Escalation{Labels: []string{"escalated"}, Statuses: []string{"hold"}},
	}, sourceDepsForTest())
	if err != nil {
		f.Fatal(err)
	}
	return s
}

// FuzzCursor: the cursor the source stores (cursor.go). One it decodes (an old version's
// fields migrated) encodes to bytes that decode and encode to the same bytes again.
func FuzzCursor(f *testing.F) {
	f.Add([]byte(nil))
	f.Add(cursorState{V: cursorVersion, Tickets: "MTU0NjU0", TicketsGood: "MTU0NjUz", TicketsTime: 1764064700, Events: 1764064800,
		Applied: []appliedEvent{{ID: 3, T: 1764064800}}, Ratings: 1764064000,
		Pending:   []apiMetricEvent{{ID: 9, TicketID: 7, Metric: "reply_time", InstanceID: 1, Type: "activate", Time: t0}},
		Instances: []instanceState{{Key: "7/reply_time/1", Business: true}}}.encode())
	f.Add([]byte(`{"v":1,"tickets":"abc","events_start":1764064800,"events_seen":[4,5],"business_hours":["7/reply_time/1"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, ok := decodeCursor(data)
		if !ok {
			return
		}
		b := c.encode()
		again, ok := decodeCursor(b)
		if !ok || string(again.encode()) != string(b) {
			t.Fatalf("cursor %+v encodes to %q, which does not decode to itself: %+v", c, b, again)
		}
	})
}

// FuzzTicketsPage: a page of the incremental ticket export (wire.go), every ticket normalized
// as a poll does (normalize.go), new and over a stored version.
func FuzzTicketsPage(f *testing.F) {
	for _, p := range fakePages(f, "/api/v2/incremental/tickets/cursor.json?start_time=0&include=users,organizations&per_page=2",
		"/api/v2/incremental/tickets/cursor.json?start_time=0&include=users,organizations") {
		f.Add(p)
	}
	if b, err := os.ReadFile("testdata/tickets.json"); err == nil {
		f.Add(b) // a recorded list of tickets: the same objects in another envelope
	}
	s := fuzzSource(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var page incrementalTicketsPage
		if json.Unmarshal(data, &page) != nil {
			return
		}
		refs := pageRefs{users: map[int64]apiUser{}, orgs: map[int64]string{}}
		for _, u := range page.Users {
			refs.users[u.ID] = u
		}
		for _, o := range page.Organizations {
			refs.orgs[o.ID] = o.Name
		}
		for _, raw := range page.Tickets {
			var at apiTicket
			if json.Unmarshal(raw, &at) != nil {
				continue
			}
			key := strconv.FormatInt(at.ID, 10)
			prev := &ticket.Ticket{Key: key, State: ticket.StateResolved, Resolved: t0, Transitions: []ticket.Transition{{At: t0, State: ticket.StateResolved}}}
			for _, before := range []*ticket.Ticket{nil, prev} {
				tk := s.normalize(at, before, refs)
				if tk.Key != key || !tk.Priority.Valid() || !tk.State.Valid() || !tk.Channel.Valid() {
					t.Fatalf("ticket %d normalized to %+v", at.ID, tk)
				}
			}
		}
	})
}

// FuzzMetricEventsPage: a page of ticket metric events (wire.go), merged into a stored ticket as
// a poll merges them (clocks.go). Every clock the merge builds has a name and cycles with a
// positive goal.
func FuzzMetricEventsPage(f *testing.F) {
	for _, p := range fakePages(f, "/api/v2/incremental/ticket_metric_events.json?start_time=0") {
		f.Add(p)
	}
	s := fuzzSource(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		var page metricEventsPage
		if json.Unmarshal(data, &page) != nil {
			return
		}
		byTicket := map[int64][]apiMetricEvent{}
		for _, ev := range page.Events {
			byTicket[ev.TicketID] = append(byTicket[ev.TicketID], ev)
		}
		for id, evs := range byTicket {
			base := &ticket.Ticket{Key: strconv.FormatInt(id, 10), State: ticket.StateInProgress, Created: t0.Add(-time.Hour), Updated: t0}
			out := s.mergeEvents(base, evs, t0, instanceMap{}, nil)
			for _, c := range out.Clocks {
				if c.Name == "" {
					t.Fatalf("a clock without a name from %+v", evs)
				}
				for _, cy := range c.Cycles {
					if cy.Goal <= 0 {
						t.Fatalf("clock %s has a cycle with goal %s, from %+v", c.Name, cy.Goal, evs)
					}
				}
			}
		}
	})
}

// fakePages are the answers zendeskfake gives to paths, holding tickets of every shape it renders
// (clocks met, running and breached, organizations, CSAT, agent-raised, deleted).
func fakePages(f *testing.F, paths ...string) [][]byte {
	fake := zendeskfake.New(zendeskfake.Options{BaseURL: "https://acme.zendesk.com"})
	fake.PutOrganizations(zendeskfake.Organization{ID: 101, Name: "Northwind"})
	at := t0.Add(-48 * time.Hour)
	for i, st := range []ticket.State{ticket.StateNew, ticket.StateInProgress, ticket.StateWaitingCustomer, ticket.StateResolved} {
		tk := &ticket.Ticket{
			Key: strconv.Itoa(100 + i), Summary: "Fuzz seed", Priority: ticket.Priorities[i], State: st, Channel: ticket.Channels[i],
			Created: at, Updated: at.Add(time.Duration(i) * time.Hour), Escalated: i == 1,
			Attributes: ticket.Attributes{Organizations: []ticket.Organization{{ID: "101", Name: "Northwind"}}, Labels: []string{"vip"}},
			Clocks: []ticket.Clock{
				{Name: ticket.SLAFirstResponse, Cycles: []ticket.Cycle{{Start: at, Stop: at.Add(10 * time.Minute), Goal: time.Hour, Elapsed: 10 * time.Minute}}},
				{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: at, Goal: 4 * time.Hour, Breached: true, BreachAt: at.Add(5 * time.Hour)}}},
			},
		}
		if st == ticket.StateResolved {
			tk.Resolved, tk.CSAT, tk.CSATAt = tk.Updated, ticket.CSATBad, tk.Updated
		}
		zt, evs := zendeskfake.FromTicket(tk)
		fake.Put(zt)
		fake.PutEvents(evs...)
	}
	fake.Delete(103)
	var pages [][]byte
	for _, p := range paths {
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			f.Fatalf("seed page %s: %d %s", p, rec.Code, rec.Body)
		}
		pages = append(pages, rec.Body.Bytes())
	}
	return pages
}

// TestSLATargetBounds: a target beyond a century is no target, so a vendor's number never wraps
// into a negative or nonsense goal; within it, both units read as before.
func TestSLATargetBounds(t *testing.T) {
	secs := func(n int64) *apiEventSLA { return &apiEventSLA{TargetInSeconds: &n} }
	mins := func(n float64) *apiEventSLA { return &apiEventSLA{Target: &n} }
	cases := []struct {
		sla  *apiEventSLA
		want time.Duration
		ok   bool
	}{
		{secs(3600), time.Hour, true},
		{mins(90), 90 * time.Minute, true},
		{secs(int64(maxTarget / time.Second)), maxTarget, true},
		{secs(9_300_000_000_000), 0, false},
		{mins(1e300), 0, false},
		{secs(-5), 0, false},
	}
	for _, c := range cases {
		if got, ok := slaTarget(c.sla); got != c.want || ok != c.ok {
			t.Errorf("slaTarget(%+v) = %s, %v; want %s, %v", c.sla, got, ok, c.want, c.ok)
		}
	}
}
