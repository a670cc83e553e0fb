package jira

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// teamSource is a source that reads who handles its issues: components, the fake's team field
// and links to ENG, as config.DeriveSources sets it for teams naming them.
func teamSource() config.Source {
	return config.Source{JQL: "project = SUP", TeamField: jirafake.FieldTeam, ReadHandling: true, TrackStates: true, LinkedProjects: []string{"ENG"}}
}

func fmtHandling(hs []ticket.Handling) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, fmt.Sprintf("%s %v team=%q linked=%v", h.At.Format("15:04"), h.Components, h.Team, h.Linked))
	}
	return strings.Join(parts, "; ")
}

// TestTeamHistoryFromChangelog follows SUP-1 through a day in which every change happens between
// two polls: opened 09:00, component Payments API added at 10:00 (to Engineering), waiting for
// the customer at 12:00, back in progress at 14:00, the component removed and the team field set
// to Support at 15:00. The second poll sees only the end state; the changelog gives every step at
// its instant, statuses included, in one changelog request (and no status-list read).
func TestTeamHistoryFromChangelog(t *testing.T) {
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return day.Add(time.Duration(h * float64(time.Hour))) }
	states := []ticket.Transition{
		{At: at(9), State: ticket.StateInProgress}, {At: at(12), State: ticket.StateWaitingCustomer}, {At: at(14), State: ticket.StateInProgress},
	}
	handling := []ticket.Handling{
		{At: at(9)}, {At: at(10), Components: []string{"Payments API"}}, {At: at(15), Team: "Support"},
	}
	for _, flavor := range []jirafake.Flavor{jirafake.Cloud, jirafake.DataCenter} {
		t.Run(string(flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: flavor}, teamSource())
			e.put(t, mk("SUP-1", at(9.5), func(tk *ticket.Ticket) {
				tk.Created, tk.Priority, tk.Transitions, tk.Handling = at(9), ticket.P2, states[:1], handling[:1]
			}))
			e.poll(t)
			e.fake.ResetRequests()
			e.put(t, mk("SUP-1", at(15), func(tk *ticket.Ticket) {
				tk.Created, tk.Priority, tk.Transitions, tk.Handling = at(9), ticket.P2, states, handling
			}))
			e.poll(t)
			got, _ := e.st.Get("SUP-1")
			if want := "09:00 [] team=\"\" linked=[]; 10:00 [Payments API] team=\"\" linked=[]; 15:00 [] team=\"Support\" linked=[]"; fmtHandling(got.Handling) != want {
				t.Errorf("handling:\n got  %s\n want %s", fmtHandling(got.Handling), want)
			}
			if !sameStates(got.Transitions, states) {
				t.Errorf("transitions: got [%s], want [%s]", fmtTrs(got.Transitions), fmtTrs(states))
			}
			var statuses []string
			for _, tr := range got.Transitions {
				statuses = append(statuses, tr.Status)
			}
			if want := []string{"In Progress", "Waiting for customer", "In Progress"}; !slices.Equal(statuses, want) {
				t.Errorf("statuses: got %q, want %q", statuses, want)
			}
			cl := e.changelogs()
			if len(cl) != 1 {
				t.Fatalf("changelog requests: got %d, want 1", len(cl))
			}
			if flavor == jirafake.Cloud {
				var body struct {
					FieldIDs []string `json:"fieldIds"`
				}
				if err := json.Unmarshal(cl[0].Body, &body); err != nil {
					t.Fatal(err)
				}
				if want := []string{"status", "components", "issuelinks", jirafake.FieldTeam}; !slices.Equal(body.FieldIDs, want) {
					t.Errorf("fieldIds %v, want %v", body.FieldIDs, want)
				}
			}
			// An edit that changes no handler and no status asks for nothing.
			e.fake.ResetRequests()
			e.put(t, mk("SUP-1", at(15.5), func(tk *ticket.Ticket) {
				tk.Created, tk.Priority, tk.Summary, tk.Transitions, tk.Handling = at(9), ticket.P2, "edited", states, handling
			}))
			e.poll(t)
			if n := len(e.changelogs()); n != 0 {
				t.Errorf("changelog requests after an edit: %d, want 0", n)
			}
			if got, _ := e.st.Get("SUP-1"); fmtHandling(got.Handling) != fmtHandling(handling) {
				t.Errorf("handling after an edit: %s", fmtHandling(got.Handling))
			}
		})
	}
}

// TestTeamHistoryRequestCost: a poll in which k of 2,500 tickets changed hands (a component, not
// the status) costs ceil(k / 1000) changelog requests on Cloud (ceil(k / 100) searches on Data
// Center) on top of its searches, and a quiet poll costs what it costs without teams: the same
// search requests (the look-back re-reads the last minutes' tickets either way) and nothing else.
func TestTeamHistoryRequestCost(t *testing.T) {
	const total = 2500
	for _, tc := range []struct {
		flavor jirafake.Flavor
		page   int
		ks     []int
	}{
		{jirafake.Cloud, 1000, []int{0, 1, 1000, 2500}},
		{jirafake.DataCenter, 100, []int{0, 1, 150}},
	} {
		for _, k := range tc.ks {
			t.Run(fmt.Sprintf("%s k=%d", tc.flavor, k), func(t *testing.T) {
				e := newEnv(t, jirafake.Options{Flavor: tc.flavor}, teamSource())
				plain := newEnv(t, jirafake.Options{Flavor: tc.flavor}, config.Source{JQL: "project = SUP"})
				issues := make([]*ticket.Ticket, 0, total)
				for i := 1; i <= total; i++ {
					at := t0.Add(-time.Duration(3*total-i) * time.Second)
					issues = append(issues, mk(keyN(i), at, func(tk *ticket.Ticket) {
						tk.Created, tk.State = at, ticket.StateNew
						tk.Transitions = []ticket.Transition{{At: at, State: ticket.StateNew}}
						tk.Handling = []ticket.Handling{{At: at}}
					}))
				}
				e.put(t, issues...)
				plain.put(t, issues...)
				e.poll(t)
				plain.poll(t)
				if n := len(e.changelogs()); n != 0 {
					t.Fatalf("cold sync of new, unhandled tickets: %d changelog requests, want 0", n)
				}
				e.fake.ResetRequests()
				plain.fake.ResetRequests()
				e.poll(t)
				plain.poll(t)
				if n, want := len(e.fake.Requests()), len(plain.fake.Requests()); n != want || len(e.changelogs()) != 0 {
					t.Errorf("quiet poll: %d requests (%d changelog), want %d as without teams and none for history", n, len(e.changelogs()), want)
				}
				e.fake.ResetRequests()
				issues = issues[:0]
				for i := 1; i <= k; i++ {
					at := t0.Add(time.Duration(i) * time.Second)
					issues = append(issues, mk(keyN(i), at, func(tk *ticket.Ticket) {
						tk.Created, tk.State = at.Add(-time.Hour), ticket.StateNew
						tk.Transitions = []ticket.Transition{{At: tk.Created, State: ticket.StateNew}}
						tk.Handling = []ticket.Handling{{At: tk.Created}, {At: at, Components: []string{"Payments API"}}}
					}))
				}
				e.put(t, issues...)
				e.poll(t)
				if got, want := len(e.changelogs()), (k+tc.page-1)/tc.page; got != want {
					t.Errorf("changelog requests for %d tickets changing hands: got %d, want ceil(%d/%d) = %d", k, got, k, tc.page, want)
				}
				if k > 0 {
					if got, _ := e.st.Get(keyN(k)); len(got.Handling) != 2 || !got.Handling[1].At.Equal(t0.Add(time.Duration(k)*time.Second)) {
						t.Errorf("%s handling: %s", keyN(k), fmtHandling(got.Handling))
					}
				}
			})
		}
	}
}

// TestLinkedIssueDoneAt: SUP-2 was linked at 11:00 to ENG-7 ("is blocked by"), which was done at
// 13:00 (its statuscategorychangedate). Polled at 14:00 with the link showing ENG-7 done, the
// history says linked from 11:00 to 13:00, from one changelog request and one search for ENG-7's
// instant; ENG-9, open and linked at 12:00, stays.
func TestLinkedIssueDoneAt(t *testing.T) {
	day := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return day.Add(time.Duration(h * float64(time.Hour))) }
	e := newEnv(t, jirafake.Options{}, teamSource())
	tk := mk("SUP-2", at(14), func(tk *ticket.Ticket) {
		tk.Created = at(9)
		tk.Transitions = []ticket.Transition{{At: at(9), State: ticket.StateInProgress}}
		tk.Handling = []ticket.Handling{{At: at(9)}, {At: at(11), Linked: []string{"ENG-7"}}, {At: at(12), Linked: []string{"ENG-7", "ENG-9"}}}
	})
	is := jirafake.IssueFromTicket(tk)
	links, _ := json.Marshal([]any{jirafake.Link("1", "ENG-7", ticket.StateResolved), jirafake.Link("2", "ENG-9", ticket.StateInProgress)})
	is.Fields["issuelinks"] = links
	eng7 := jirafake.EngineeringIssue("ENG-7", ticket.StateResolved, at(8), at(13))
	eng9 := jirafake.EngineeringIssue("ENG-9", ticket.StateInProgress, at(8), at(12))
	if err := e.fake.Put(is, eng7, eng9); err != nil {
		t.Fatal(err)
	}
	e.src.filter = "project = SUP"
	e.poll(t)
	got, _ := e.st.Get("SUP-2")
	want := `09:00 [] team="" linked=[]; 11:00 [] team="" linked=[ENG-7]; 12:00 [] team="" linked=[ENG-7 ENG-9]; 13:00 [] team="" linked=[ENG-9]`
	if fmtHandling(got.Handling) != want {
		t.Errorf("handling:\n got  %s\n want %s", fmtHandling(got.Handling), want)
	}
	if n := countOf(e.stats, "linked", "200"); n != 1 {
		t.Errorf("linked-issue searches: %v, want 1", n)
	}
}
