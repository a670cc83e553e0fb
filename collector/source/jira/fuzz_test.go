package jira

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// The fuzz targets below read what Jira sends (and what the source stores) as the vendor is the
// bound: any bytes must give an error or a sane result, never a panic. Their checked-in corpora
// are testdata/fuzz/<target>; scripts/test.sh runs each for a few seconds, and go test runs the
// corpora as tests.

var fuzzNow = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// checkClock holds what every clock the source builds must hold, whatever Jira sent: a name,
// and cycles with a positive goal (a clock without one would read as breached downstream).
func checkClock(t *testing.T, c ticket.Clock) {
	t.Helper()
	if c.Name == "" {
		t.Fatalf("a clock without a name: %+v", c)
	}
	for _, cy := range c.Cycles {
		if cy.Goal <= 0 {
			t.Fatalf("clock %s has a cycle with goal %s: %+v", c.Name, cy.Goal, cy)
		}
	}
}

// FuzzSLAField: a JSM SLA field value (sla.go).
func FuzzSLAField(f *testing.F) {
	for _, s := range []string{slaReadme, slaOngoingBreached, slaOngoingPaused, slaOngoingAtRisk, slaCompletedBreached, slaNoGoal} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v slaValue
		if json.Unmarshal(data, &v) != nil {
			return
		}
		c, ok := clockFromSLA(&v, "Time to resolution", map[string]string{"time to done": "done"}, fuzzNow)
		if ok != (len(c.Cycles) > 0) {
			t.Fatalf("ok=%v with %d cycles", ok, len(c.Cycles))
		}
		checkClock(t, c)
		_ = firstStop(&v)
	})
}

// FuzzCursor: the cursor the source stores (cursor.go). One it decodes encodes back to itself.
func FuzzCursor(f *testing.F) {
	f.Add([]byte(nil))
	f.Add(cursor{Updated: fuzzNow, Keys: []string{"SUP-1", "SUP-2"}, Scope: "0123456789abcdef"}.encode())
	f.Add([]byte(`{"updated":"2026-11-25T10:00:00.123+01:00","keys":["A-1"]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCursor(data)
		if err != nil {
			return
		}
		again, err := decodeCursor(c.encode())
		if err != nil || !again.Updated.Equal(c.Updated) || !slices.Equal(again.Keys, c.Keys) || again.Scope != c.Scope {
			t.Fatalf("cursor %+v encodes to %q, which decodes to %+v, %v", c, c.encode(), again, err)
		}
		_ = incrementalJQL("project = SUP", c.Updated, time.UTC)
	})
}

// FuzzSearchPage: a search page (decode.go), every issue normalized as a poll does
// (normalize.go) with JSM's fields known.
func FuzzSearchPage(f *testing.F) {
	for _, p := range fakePages(f) {
		f.Add(p)
	}
	if b, err := os.ReadFile("testdata/issues_in_sprint.json"); err == nil {
		f.Add(b)
	}
	m := newMapper(config.Source{Name: "jsm", CustomerFrom: []config.MatchRule{{Kind: config.MatchField, Field: jirafake.FieldCustomer}}}, "https://x.atlassian.net")
	m.setFields(fieldIDs{
		sla:          []string{jirafake.FieldFirstResponse, jirafake.FieldResolution},
		slaFieldName: map[string]string{jirafake.FieldFirstResponse: "Time to first response", jirafake.FieldResolution: "Time to resolution"},
		orgs:         jirafake.FieldOrganizations, satisfaction: jirafake.FieldSatisfaction,
		satisfactionDate: jirafake.FieldSatisfactionDate, requestType: jirafake.FieldRequestType,
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		var p searchPage
		if json.Unmarshal(data, &p) != nil {
			return
		}
		page := readPage(&p)
		for i := range page.issues {
			r := &page.issues[i]
			prev := &ticket.Ticket{Key: r.Key, State: ticket.StateResolved, Resolved: fuzzNow}
			for _, before := range []*ticket.Ticket{nil, prev} {
				tk, err := m.toTicket(r, before, fuzzNow)
				if err != nil {
					continue
				}
				if tk.Key != r.Key || tk.Key == "" || tk.Updated.IsZero() || !tk.Priority.Valid() || !tk.State.Valid() || !tk.Channel.Valid() {
					t.Fatalf("issue %q normalized to %+v", r.Key, tk)
				}
				for _, c := range tk.Clocks {
					checkClock(t, c)
				}
			}
		}
	})
}

// fakePages are search pages as jirafake serves them: tickets of every shape the fake renders
// (SLA clocks met, running, paused and breached; organizations; CSAT; resolved and open).
func fakePages(f *testing.F) [][]byte {
	fake := jirafake.New(jirafake.Options{})
	at := fuzzNow.Add(-48 * time.Hour)
	var issues []jirafake.Issue
	for i, st := range []ticket.State{ticket.StateNew, ticket.StateInProgress, ticket.StateWaitingCustomer, ticket.StateResolved} {
		tk := &ticket.Ticket{
			Key: "SUP-" + string(rune('1'+i)), Summary: "Fuzz seed", Priority: ticket.Priorities[i], State: st,
			Created: at, Updated: at.Add(time.Duration(i) * time.Hour), Channel: ticket.ChannelPortal,
			Attributes: ticket.Attributes{Organizations: []ticket.Organization{{Name: "Northwind"}}, Labels: []string{"escalated"},
				Fields: map[string]string{jirafake.FieldCustomer: "northwind"}},
			Clocks: []ticket.Clock{
				{Name: ticket.SLAFirstResponse, Cycles: []ticket.Cycle{{Start: at, Stop: at.Add(10 * time.Minute), Goal: time.Hour, Elapsed: 10 * time.Minute}}},
				{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: at, Goal: 4 * time.Hour, Elapsed: 5 * time.Hour, Breached: true, BreachAt: at.Add(4 * time.Hour), Paused: i == 2}}},
			},
		}
		if st == ticket.StateResolved {
			tk.Resolved, tk.CSAT, tk.CSATAt = tk.Updated, ticket.CSATGood, tk.Updated
		}
		issues = append(issues, jirafake.IssueFromTicket(tk))
	}
	if err := fake.Put(issues...); err != nil {
		f.Fatal(err)
	}
	var pages [][]byte
	for _, size := range []string{"2", "50"} {
		q := url.Values{"jql": {"project = SUP ORDER BY updated ASC"}, "maxResults": {size}, "fields": {"*all"}, "properties": {"request.channel.type"}}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/rest/api/3/search/jql?"+q.Encode(), nil))
		if rec.Code != http.StatusOK {
			f.Fatalf("seed page: %d %s", rec.Code, rec.Body)
		}
		pages = append(pages, rec.Body.Bytes())
	}
	return pages
}
