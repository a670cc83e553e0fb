package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// changelogs returns the changelog requests recorded since the last reset.
func (e *env) changelogs() []jirafake.RecordedRequest {
	var out []jirafake.RecordedRequest
	for _, r := range e.fake.Requests() {
		if r.Endpoint == "changelog" {
			out = append(out, r)
		}
	}
	return out
}

// endpoint counts the requests to endpoint recorded since the last reset.
func (e *env) endpoint(name string) int {
	n := 0
	for _, r := range e.fake.Requests() {
		if r.Endpoint == name {
			n++
		}
	}
	return n
}

// askedKeys returns the issue keys a changelog request asked for: the bulk fetch's
// issueIdsOrKeys (Cloud) or the keys of the search's `key in (...)` (Data Center).
func askedKeys(t *testing.T, r jirafake.RecordedRequest) []string {
	t.Helper()
	if r.Method == "POST" {
		var body struct {
			IssueIDsOrKeys []string `json:"issueIdsOrKeys"`
			FieldIDs       []string `json:"fieldIds"`
			MaxResults     int      `json:"maxResults"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatalf("bulk changelog body %q: %v", r.Body, err)
		}
		if !slices.Equal(body.FieldIDs, []string{"status"}) || body.MaxResults != 1000 {
			t.Errorf("bulk changelog body: got fieldIds %v maxResults %d, want [status] 1000", body.FieldIDs, body.MaxResults)
		}
		return body.IssueIDsOrKeys
	}
	jql := r.JQL()
	in, ok := strings.CutPrefix(jql, "key in (")
	if !ok || !strings.HasSuffix(in, ")") || r.Query.Get("expand") != "changelog" {
		t.Fatalf("changelog search: got jql %q expand %q, want key in (...) and expand=changelog", jql, r.Query.Get("expand"))
	}
	var keys []string
	for _, k := range strings.Split(strings.TrimSuffix(in, ")"), ", ") {
		keys = append(keys, strings.Trim(k, `"`))
	}
	return keys
}

func trs(pairs ...any) []ticket.Transition {
	var out []ticket.Transition
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, ticket.Transition{At: pairs[i].(time.Time), State: pairs[i+1].(ticket.State)})
	}
	return out
}

func fmtTrs(h []ticket.Transition) string {
	var parts []string
	for _, tr := range h {
		parts = append(parts, tr.At.Format("15:04")+" "+string(tr.State))
	}
	return strings.Join(parts, ", ")
}

// TestComputedHistoryExact follows one ticket through new -> in_progress -> waiting_customer ->
// in_progress -> resolved -> in_progress (a reopen), a poll after each step, and checks after
// each that the stored history is exactly the ticket's, from the changelog of the step's status
// change and from nothing else (the first-seen new ticket needs none).
func TestComputedHistoryExact(t *testing.T) {
	base := t0.Add(-10 * time.Hour)
	full := trs(base, ticket.StateNew,
		base.Add(1*time.Hour), ticket.StateInProgress,
		base.Add(2*time.Hour), ticket.StateWaitingCustomer,
		base.Add(3*time.Hour), ticket.StateInProgress,
		base.Add(4*time.Hour), ticket.StateResolved,
		base.Add(5*time.Hour), ticket.StateInProgress)
	for _, tc := range []struct {
		flavor jirafake.Flavor
		sla    string
	}{
		{jirafake.Cloud, config.SLAComputed},
		{jirafake.DataCenter, config.SLAComputed},
		{jirafake.Cloud, config.SLABoth},
	} {
		t.Run(string(tc.flavor)+" "+tc.sla, func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: tc.flavor}, config.Source{JQL: "project = SUP", SLA: tc.sla})
			for i := range full {
				step := full[i]
				e.fake.ResetRequests()
				e.put(t, mk("SUP-1", step.At, func(tk *ticket.Ticket) {
					tk.Created, tk.State, tk.Transitions = base, step.State, full[:i+1]
					if step.State == ticket.StateResolved {
						tk.Resolved = step.At
					}
				}))
				e.poll(t)
				got, _ := e.st.Get("SUP-1")
				if got == nil || !sameStates(got.Transitions, full[:i+1]) {
					t.Fatalf("step %d (%s): got transitions [%s], want [%s]", i, step.State, fmtTrs(got.Transitions), fmtTrs(full[:i+1]))
				}
				cl := e.changelogs()
				want := 1
				if i == 0 {
					want = 0 // first seen in its initial state: nothing to ask
				}
				if len(cl) != want {
					t.Fatalf("step %d: changelog requests: got %d, want %d", i, len(cl), want)
				}
				if want == 1 {
					if keys := askedKeys(t, cl[0]); !slices.Equal(keys, []string{"SUP-1"}) {
						t.Errorf("step %d: changelog asked for %v, want [SUP-1]", i, keys)
					}
				}
			}
			if got := countOf(e.stats, "changelog", "200"); got != float64(len(full)-1) {
				t.Errorf("changelog requests counted: got %v, want %d", got, len(full)-1)
			}
			// A change that is not a status change keeps the history without asking.
			e.fake.ResetRequests()
			e.put(t, mk("SUP-1", base.Add(6*time.Hour), func(tk *ticket.Ticket) {
				tk.Created, tk.Summary, tk.Transitions = base, "edited", full
			}))
			e.poll(t)
			if got, _ := e.st.Get("SUP-1"); got.Summary != "edited" || !sameStates(got.Transitions, full) {
				t.Errorf("after an edit: got %q [%s], want edited [%s]", got.Summary, fmtTrs(got.Transitions), fmtTrs(full))
			}
			if n := len(e.changelogs()); n != 0 {
				t.Errorf("changelog requests after an edit: got %d, want 0", n)
			}
		})
	}
}

// TestChangelogOnlyForChangedTickets checks which tickets of a poll the changelog is asked
// for: a status change and a first-seen ticket past its initial state, not an edit, not a new
// ticket still new; and none on a quiet poll.
func TestChangelogOnlyForChangedTickets(t *testing.T) {
	for _, flavor := range []jirafake.Flavor{jirafake.Cloud, jirafake.DataCenter} {
		t.Run(string(flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: flavor}, config.Source{JQL: "project = SUP", SLA: config.SLAComputed})
			hist := map[string][]ticket.Transition{}
			working := func(key string, at time.Time) *ticket.Ticket {
				created := at.Add(-2 * time.Hour)
				hist[key] = trs(created, ticket.StateNew, created.Add(30*time.Minute), ticket.StateInProgress)
				return mk(key, at, func(tk *ticket.Ticket) { tk.Created, tk.Transitions = created, hist[key] })
			}
			for i := 1; i <= 5; i++ {
				e.put(t, working(keyN(i), t0.Add(-time.Duration(10-i)*time.Hour)))
			}
			e.poll(t)
			cl := e.changelogs()
			if len(cl) != 1 {
				t.Fatalf("cold sync changelog requests: got %d, want 1", len(cl))
			}
			if got, want := strings.Join(askedKeys(t, cl[0]), ","), "SUP-1,SUP-2,SUP-3,SUP-4,SUP-5"; got != want {
				t.Errorf("cold sync asked for %s, want %s (every ticket past its initial state)", got, want)
			}
			for i := 1; i <= 5; i++ {
				if got, _ := e.st.Get(keyN(i)); !sameStates(got.Transitions, hist[keyN(i)]) {
					t.Errorf("cold sync %s: got [%s], want [%s]", keyN(i), fmtTrs(got.Transitions), fmtTrs(hist[keyN(i)]))
				}
			}
			// "Open", which the changelogs name, is no polled issue's status: its category came
			// from the site's status list, read once.
			if got := e.endpoint("metadata"); got != 1 {
				t.Errorf("status list reads on the cold sync: got %d, want 1", got)
			}

			e.fake.ResetRequests()
			// SUP-1 waits for the customer; SUP-2 is edited; SUP-6 arrives new; SUP-7 arrives
			// already worked on.
			wait := t0.Add(time.Minute)
			hist["SUP-1"] = append(slices.Clone(hist["SUP-1"]), ticket.Transition{At: wait, State: ticket.StateWaitingCustomer})
			e.put(t,
				mk("SUP-1", wait, func(tk *ticket.Ticket) {
					tk.Created, tk.State, tk.Transitions = hist["SUP-1"][0].At, ticket.StateWaitingCustomer, hist["SUP-1"]
				}),
				mk("SUP-2", t0.Add(2*time.Minute), func(tk *ticket.Ticket) {
					tk.Created, tk.Summary, tk.Transitions = hist["SUP-2"][0].At, "edited", hist["SUP-2"]
				}),
				mk("SUP-6", t0.Add(3*time.Minute), func(tk *ticket.Ticket) {
					tk.State = ticket.StateNew
					tk.Transitions = trs(tk.Created, ticket.StateNew)
					hist["SUP-6"] = tk.Transitions
				}),
				working("SUP-7", t0.Add(4*time.Minute)))
			e.poll(t)
			cl = e.changelogs()
			if len(cl) != 1 {
				t.Fatalf("changelog requests: got %d, want 1", len(cl))
			}
			if got, want := strings.Join(askedKeys(t, cl[0]), ","), "SUP-1,SUP-7"; got != want {
				t.Errorf("changelog asked for %s, want %s", got, want)
			}
			if got := e.endpoint("metadata"); got != 0 {
				t.Errorf("status list reads on the second poll: got %d, want 0 (known by now)", got)
			}
			for _, k := range []string{"SUP-1", "SUP-2", "SUP-6", "SUP-7"} {
				if got, _ := e.st.Get(k); !sameStates(got.Transitions, hist[k]) {
					t.Errorf("%s: got [%s], want [%s]", k, fmtTrs(got.Transitions), fmtTrs(hist[k]))
				}
			}

			e.fake.ResetRequests()
			e.poll(t)
			if got := len(e.fake.Requests()); got != 1 {
				t.Errorf("quiet poll requests: got %d, want 1 (the search)", got)
			}
		})
	}
}

// TestNativeModeAsksNoChangelog: with sla native (the default), status changes cost nothing
// more and tickets carry no history.
func TestNativeModeAsksNoChangelog(t *testing.T) {
	for _, sla := range []string{"", config.SLANative} {
		t.Run("sla="+sla, func(t *testing.T) {
			e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP", SLA: sla})
			created := t0.Add(-3 * time.Hour)
			h := trs(created, ticket.StateNew, created.Add(time.Hour), ticket.StateInProgress)
			e.put(t, mk("SUP-1", created.Add(time.Hour), func(tk *ticket.Ticket) { tk.Created, tk.Transitions = created, h }))
			e.poll(t)
			h = append(slices.Clone(h), ticket.Transition{At: t0, State: ticket.StateResolved})
			e.put(t, mk("SUP-1", t0, func(tk *ticket.Ticket) {
				tk.Created, tk.State, tk.Resolved, tk.Transitions = created, ticket.StateResolved, t0, h
			}))
			e.poll(t)
			if got, _ := e.st.Get("SUP-1"); got.State != ticket.StateResolved || got.Transitions != nil {
				t.Errorf("SUP-1: got %s with [%s], want resolved without history", got.State, fmtTrs(got.Transitions))
			}
			if n := len(e.changelogs()); n != 0 {
				t.Errorf("changelog requests: got %d, want 0", n)
			}
			for _, r := range e.stats.Requests() {
				if r.Endpoint == "changelog" {
					t.Errorf("stats count changelog requests: %+v", r)
				}
			}
			e.fake.ResetRequests()
			e.poll(t)
			if got := len(e.fake.Requests()); got != 1 {
				t.Errorf("quiet poll requests: got %d, want 1", got)
			}
		})
	}
}

// TestChangelogRequestCost measures what docs/bench/jira.md states: in computed mode on Cloud,
// a poll where k tickets changed status costs ceil(k / 1000) changelog requests (pages wait
// until their changed tickets fill a bulk request), on top of its searches.
func TestChangelogRequestCost(t *testing.T) {
	const total = 2500
	for _, k := range []int{0, 1, 999, 1000, 2500} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP", SLA: config.SLAComputed})
			issues := make([]*ticket.Ticket, 0, total)
			for i := 1; i <= total; i++ {
				at := t0.Add(-time.Duration(3*total-i) * time.Second)
				issues = append(issues, mk(keyN(i), at, func(tk *ticket.Ticket) {
					tk.State, tk.Transitions = ticket.StateNew, trs(tk.Created, ticket.StateNew)
				}))
			}
			e.put(t, issues...)
			e.poll(t)
			if n := len(e.changelogs()); n != 0 {
				t.Fatalf("cold sync of new tickets: got %d changelog requests, want 0", n)
			}
			e.fake.ResetRequests()
			issues = issues[:0]
			for i := 1; i <= k; i++ {
				at := t0.Add(time.Duration(i) * time.Second)
				issues = append(issues, mk(keyN(i), at, func(tk *ticket.Ticket) {
					tk.Created = at.Add(-time.Hour)
					tk.Transitions = trs(tk.Created, ticket.StateNew, at, ticket.StateInProgress)
				}))
			}
			e.put(t, issues...)
			e.poll(t)
			got, want := len(e.changelogs()), (k+999)/1000
			if got != want {
				t.Errorf("changelog requests: got %d, want ceil(%d/1000) = %d", got, k, want)
			}
			asked := 0
			for _, r := range e.changelogs() {
				asked += len(askedKeys(t, r))
			}
			if asked != k {
				t.Errorf("tickets asked for: got %d, want %d", asked, k)
			}
			for _, i := range []int{1, k} {
				if k == 0 {
					break
				}
				if tk, _ := e.st.Get(keyN(i)); len(tk.Transitions) != 2 || tk.Transitions[1].State != ticket.StateInProgress {
					t.Errorf("%s: got [%s], want new then in_progress", keyN(i), fmtTrs(tk.Transitions))
				}
			}
			t.Logf("k=%d status changes: %d changelog requests, %d searches", k, got, len(e.searches()))
		})
	}
}

// TestRoundTripHistory: a ticket's state history survives ticket -> jirafake -> client when the
// source asks for it, for histories ending in each state, on both flavors. A ticket first seen
// in a new state is taken as never moved (needsHistory), so its history here is its creation.
func TestRoundTripHistory(t *testing.T) {
	base := t0.Add(-48 * time.Hour)
	var tickets []*ticket.Ticket
	for i, end := range ticket.States {
		h := trs(base, ticket.StateNew, base.Add(time.Hour), ticket.StateWaitingPartner,
			base.Add(2*time.Hour), ticket.StateClosed, base.Add(3*time.Hour), ticket.StateInProgress)
		switch end {
		case ticket.StateNew:
			h = h[:1]
		case ticket.StateInProgress:
		default:
			h = append(h, ticket.Transition{At: base.Add(4 * time.Hour), State: end})
		}
		last := h[len(h)-1]
		tickets = append(tickets, mk(keyN(i+1), last.At.Add(time.Minute), func(tk *ticket.Ticket) {
			tk.Created, tk.State, tk.Transitions = base, end, h
			if !end.Open() {
				tk.Resolved = last.At
			}
		}))
	}
	for _, flavor := range []jirafake.Flavor{jirafake.Cloud, jirafake.DataCenter} {
		t.Run(string(flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: flavor}, config.Source{JQL: "project = SUP", SLA: config.SLABoth})
			e.put(t, tickets...)
			e.poll(t)
			for _, want := range tickets {
				got, _ := e.st.Get(want.Key)
				if got == nil || got.State != want.State || !sameStates(got.Transitions, want.Transitions) {
					t.Errorf("%s: got %v [%s], want %s [%s]", want.Key, got != nil, fmtTrs(got.Transitions), want.State, fmtTrs(want.Transitions))
				}
			}
		})
	}
}

// TestChangelogFailureHoldsThePage: a changelog that cannot be read fails the poll before the
// page it belongs to is applied, so the cursor stays and the next poll gets the change again.
func TestChangelogFailureHoldsThePage(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP", SLA: config.SLAComputed})
	created := t0.Add(-3 * time.Hour)
	h := trs(created, ticket.StateNew)
	e.put(t, mk("SUP-1", created, func(tk *ticket.Ticket) { tk.Created, tk.State, tk.Transitions = created, ticket.StateNew, h }))
	e.poll(t)
	cursor := string(e.st.Cursor())

	h = append(slices.Clone(h), ticket.Transition{At: t0, State: ticket.StateInProgress})
	e.put(t, mk("SUP-1", t0, func(tk *ticket.Ticket) { tk.Created, tk.Transitions = created, h }))
	const attempts = 5 // the layer's four retries and the first try
	e.fake.FailNext(attempts, jirafake.Fault{Endpoint: "changelog", Status: 503})
	err := e.src.Poll(t.Context(), e.st)
	if !errors.Is(err, vendorhttp.ErrServer) {
		t.Fatalf("poll with the changelog down: got %v, want ErrServer", err)
	}
	if got, _ := e.st.Get("SUP-1"); got.State != ticket.StateNew || string(e.st.Cursor()) != cursor {
		t.Errorf("after the failure: got %s and a moved cursor %v, want the stored version kept", got.State, string(e.st.Cursor()) != cursor)
	}
	if got := countOf(e.stats, "changelog", "503"); got != attempts {
		t.Errorf("changelog 503s counted: got %v, want %d", got, attempts)
	}
	e.poll(t)
	if got, _ := e.st.Get("SUP-1"); !sameStates(got.Transitions, h) {
		t.Errorf("after recovery: got [%s], want [%s]", fmtTrs(got.Transitions), fmtTrs(h))
	}
}

// sameStates compares state histories by instant and state: the statuses each entry also
// carries (for team rules) are asserted by the team tests.
func sameStates(a, b []ticket.Transition) bool {
	return slices.EqualFunc(a, b, func(x, y ticket.Transition) bool { return x.At.Equal(y.At) && x.State == y.State })
}
