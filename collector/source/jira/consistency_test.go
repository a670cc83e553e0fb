package jira

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// resolved marks a test ticket resolved at its updated instant.
func resolved(tk *ticket.Ticket) {
	tk.State, tk.Status, tk.Resolved = ticket.StateResolved, "Resolved", tk.Updated
}

// putBulk writes tickets as a bulk edit: Cloud's search finds them after BulkIndexDelay.
func (e *env) putBulk(t *testing.T, tickets ...*ticket.Ticket) {
	t.Helper()
	issues := make([]jirafake.Issue, len(tickets))
	for i, tk := range tickets {
		issues[i] = jirafake.IssueFromTicket(tk)
	}
	if err := e.fake.PutBulk(issues...); err != nil {
		t.Fatal(err)
	}
}

func (e *env) reconcile(t *testing.T) {
	t.Helper()
	if err := e.src.Reconcile(context.Background(), e.st); err != nil {
		t.Fatalf("Reconcile: %v", err)
	}
}

func (e *env) state(t *testing.T, key string) ticket.State {
	t.Helper()
	tk, ok := e.st.Get(key)
	if !ok {
		t.Fatalf("%s is not stored", key)
	}
	return tk.State
}

// TestLateIndexedUpdateIsFetched (issue 12 item 3): Jira Cloud's search finds an update seconds
// to minutes after it was made, bulk edits last ("Operations that impact numerous issues, such as
// ... bulk editing, may require more time to appear in search",
// https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/). A bulk edit that
// resolves SUP-1 is searchable only 6 minutes later, while an edit of SUP-2 five minutes after it
// shows at once. The poll in between moves the cursor past SUP-1's instant; with a one-minute
// overlap the resolution was never fetched. The look-back reads it.
func TestLateIndexedUpdateIsFetched(t *testing.T) {
	e := newEnv(t, jirafake.Options{BulkIndexDelay: 6 * time.Minute}, config.Source{JQL: "project = SUP"})
	for i := 1; i <= 3; i++ {
		e.put(t, mk(keyN(i), t0.Add(-2*time.Hour)))
	}
	e.poll(t)

	e.putBulk(t, mk(keyN(1), t0, resolved))
	e.clock.Advance(5 * time.Minute)
	e.put(t, mk(keyN(2), t0.Add(5*time.Minute), func(tk *ticket.Ticket) { tk.Summary = "edited" }))
	e.clock.Advance(30 * time.Second)
	e.poll(t) // finds SUP-2, not yet SUP-1
	if got := e.state(t, keyN(1)); got != ticket.StateInProgress {
		t.Fatalf("SUP-1 before its bulk edit is searchable: %s (the fake's index is not lagging)", got)
	}
	e.clock.Advance(2 * time.Minute)
	e.poll(t)
	if got := e.state(t, keyN(1)); got != ticket.StateResolved {
		t.Errorf("SUP-1 after its bulk edit became searchable: %s, want resolved", got)
	}
}

// TestReconcileReadsWhatTheIndexHides (issue 12 item 3): a bulk edit indexed an hour late is
// beyond any look-back. The reconcile pass reads the stored open tickets with their ids in
// reconcileIssues, which answers from their latest writes
// (https://developer.atlassian.com/cloud/jira/platform/search-and-reconcile/), so SUP-1's
// resolution lands within one reconcile interval; a poll that then meets the index's older copy
// of SUP-2 does not go back to it.
func TestReconcileReadsWhatTheIndexHides(t *testing.T) {
	e := newEnv(t, jirafake.Options{BulkIndexDelay: time.Hour}, config.Source{JQL: "project = SUP"})
	for i := 1; i <= 3; i++ {
		e.put(t, mk(keyN(i), t0.Add(-2*time.Hour)))
	}
	e.poll(t)

	e.putBulk(t, mk(keyN(1), t0, resolved))
	e.clock.Advance(20 * time.Minute)
	e.put(t, mk(keyN(2), t0.Add(20*time.Minute), func(tk *ticket.Ticket) { tk.Summary = "edited" }))
	e.clock.Advance(5 * time.Minute)
	e.putBulk(t, mk(keyN(2), t0.Add(25*time.Minute), resolved)) // the index keeps the 20-minute copy
	e.clock.Advance(time.Minute)
	e.poll(t)
	if got := e.state(t, keyN(1)); got != ticket.StateInProgress {
		t.Fatalf("SUP-1 found by a poll before its bulk edit is searchable: %s", got)
	}

	e.fake.ResetRequests()
	e.reconcile(t)
	for _, k := range []string{keyN(1), keyN(2)} {
		if got := e.state(t, k); got != ticket.StateResolved {
			t.Errorf("%s after reconcile: %s, want resolved", k, got)
		}
	}
	if got := e.state(t, keyN(3)); got != ticket.StateInProgress {
		t.Errorf("SUP-3 after reconcile: %s, want in_progress", got)
	}
	reqs := e.searches()
	if len(reqs) == 0 || reqs[0].Method != http.MethodPost || reqs[0].Query.Get("reconcileIssues") == "" {
		t.Fatalf("reconcile requests: %+v, want a POST naming reconcileIssues", reqs)
	}

	// The index still holds SUP-2 as it was 20 minutes in (open): a poll reads that copy and
	// must keep the newer one.
	e.clock.Advance(time.Minute)
	e.poll(t)
	if got := e.state(t, keyN(2)); got != ticket.StateResolved {
		t.Errorf("SUP-2 after a poll met the index's older copy: %s, want resolved", got)
	}
}

// TestReconcileAppliesSLARecalculation: JSM recalculates SLA fields (a goal edited) without
// touching updated; the reconcile pass applies what differs although updated did not move.
func TestReconcileAppliesSLARecalculation(t *testing.T) {
	for _, flavor := range []jirafake.Flavor{jirafake.Cloud, jirafake.DataCenter} {
		t.Run(string(flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: flavor}, config.Source{JQL: "project = SUP"})
			at := t0.Add(-time.Hour)
			withGoal := func(goal time.Duration) func(*ticket.Ticket) {
				return func(tk *ticket.Ticket) {
					tk.Clocks = []ticket.Clock{{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
						{Start: at, Goal: goal, Elapsed: 30 * time.Minute, BreachAt: at.Add(goal), ObservedAt: t0}}}}
				}
			}
			e.put(t, mk(keyN(1), at, withGoal(4*time.Hour)))
			e.poll(t)
			e.put(t, mk(keyN(1), at, withGoal(2*time.Hour))) // same updated
			e.poll(t)
			if tk, _ := e.st.Get(keyN(1)); tk.Clocks[0].Cycles[0].Goal != 4*time.Hour {
				t.Fatalf("a poll applied an issue whose updated did not move")
			}
			e.reconcile(t)
			tk, _ := e.st.Get(keyN(1))
			if got := tk.Clocks[0].Cycles[0]; got.Goal != 2*time.Hour || !got.BreachAt.Equal(at.Add(2*time.Hour)) {
				t.Errorf("after reconcile: goal %v breach %v, want 2h at %v", got.Goal, got.BreachAt, at.Add(2*time.Hour))
			}
			writes := len(e.st.Batches)
			e.reconcile(t)
			if len(e.st.Batches) != writes {
				t.Errorf("a reconcile with nothing changed wrote to the store")
			}
		})
	}
}

// TestReconcileLearnsIDsAfterARestart: a source started on a store it did not fill knows no
// issue ids, which reconcileIssues takes; a key-only read learns them first.
func TestReconcileLearnsIDsAfterARestart(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
	for i := 1; i <= 3; i++ {
		e.put(t, mk(keyN(i), t0.Add(-time.Hour)))
	}
	e.poll(t)
	src, err := newSource(e.src.cfg, e.deps) // a restart: same store, a new process
	if err != nil {
		t.Fatal(err)
	}
	e.src = src
	e.fake.ResetRequests()
	e.reconcile(t)
	reqs := e.searches()
	if len(reqs) != 2 {
		t.Fatalf("requests: got %d, want 2 (learn the ids, then read)", len(reqs))
	}
	if reqs[0].Method != http.MethodGet || reqs[0].Query.Get("fields") != "key" {
		t.Errorf("first request: %s fields=%q, want a key-only GET", reqs[0].Method, reqs[0].Query.Get("fields"))
	}
	if got := reqs[1].Query.Get("reconcileIssues"); reqs[1].Method != http.MethodPost || got != "10001,10002,10003" {
		t.Errorf("second request: %s reconcileIssues=%q, want POST 10001,10002,10003", reqs[1].Method, got)
	}
}

// TestReconcileDropsDeletedResolvedTickets (issue 13 item 8): a resolved ticket deleted in Jira
// leaves the store at the next reconcile, as an open one does; so does a closed one moved out of
// the filter. Few resolved tickets are checked by key; many, by a key-only listing of the filter
// and a check of the keys missing from it.
func TestReconcileDropsDeletedResolvedTickets(t *testing.T) {
	for _, tc := range []struct {
		name     string
		flavor   jirafake.Flavor
		closed   int
		listPage string // maxResults of the listing; "" no listing
	}{
		{"cloud few", jirafake.Cloud, 5, ""},
		{"cloud many", jirafake.Cloud, 250, "5000"},
		{"datacenter few", jirafake.DataCenter, 5, ""},
		{"datacenter many", jirafake.DataCenter, 250, "1000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: tc.flavor, PageSize: 1000}, config.Source{JQL: "project = SUP", PageSize: 100})
			for i := 1; i <= tc.closed; i++ {
				e.put(t, mk(keyN(i), t0.Add(-time.Duration(i)*time.Minute), resolved))
			}
			e.put(t, mk("SUP-9999", t0.Add(-time.Hour)))
			e.poll(t)
			e.fake.Delete(keyN(2))
			e.put(t, mk(keyN(3), t0.Add(-3*time.Minute), resolved, func(tk *ticket.Ticket) { tk.Attributes.Project = "OPS" }))
			e.fake.ResetRequests()
			e.reconcile(t)
			if _, ok := e.st.Get(keyN(2)); ok {
				t.Errorf("the deleted resolved ticket SUP-2 is still stored")
			}
			if _, ok := e.st.Get(keyN(3)); ok {
				t.Errorf("the resolved ticket SUP-3 moved out of the filter is still stored")
			}
			if got, want := e.st.Len(), tc.closed-2+1; got != want {
				t.Errorf("stored: %d, want %d", got, want)
			}
			listed := ""
			for _, r := range e.searches() {
				if strings.HasSuffix(r.JQL(), "ORDER BY key ASC") {
					listed = r.Query.Get("maxResults")
					if r.Query.Get("fields") != "key" {
						t.Errorf("listing asked fields %q, want key", r.Query.Get("fields"))
					}
				}
			}
			if listed != tc.listPage {
				t.Errorf("listing page: %q, want %q", listed, tc.listPage)
			}
			t.Logf("%d requests", len(e.searches()))
		})
	}
}

// TestFutureIssueDoesNotMoveTheCursor (issue 13 item 1): one issue stamped ten minutes after
// Jira's own clock (the Date of its answers) must not carry the cursor there, or every issue
// changed in those ten minutes is never fetched. The cursor stays at Jira's "now" minus
// clockMargin, the issue is logged once, and the gauge shows the vendor's clock.
func TestFutureIssueDoesNotMoveTheCursor(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
	e.put(t, mk(keyN(1), t0.Add(-time.Hour)), mk(keyN(2), t0.Add(10*time.Minute)))
	e.poll(t)
	c, _ := decodeCursor(e.st.Cursor())
	if c.Updated.After(t0.Add(-clockMargin)) {
		t.Errorf("cursor %v, want at most Jira's now - %v = %v", c.Updated, clockMargin, t0.Add(-clockMargin))
	}
	if n := strings.Count(e.logs.String(), "issue_updated_in_future"); n != 1 {
		t.Errorf("logged issue_updated_in_future %d times, want once", n)
	}

	e.clock.Advance(3 * time.Minute)
	e.put(t, mk(keyN(3), t0.Add(2*time.Minute)))
	e.clock.Advance(2 * time.Minute)
	e.poll(t)
	if _, ok := e.st.Get(keyN(3)); !ok {
		t.Errorf("SUP-3, changed before the future-stamped issue's instant, was never fetched")
	}
	if n := strings.Count(e.logs.String(), "issue_updated_in_future"); n != 1 {
		t.Errorf("logged issue_updated_in_future %d times after two polls, want once", n)
	}
	if skew, ok := e.stats.Skew(); !ok || skew != 0 {
		t.Errorf("clock skew: %v (known %v), want 0: the fake's clock is ours", skew, ok)
	}
}

// TestVendorClockBehindOurs: Jira's clock five minutes behind ours (the fake on its own clock).
// The cursor is held by Jira's clock, not ours, and the skew shows on the gauge.
func TestVendorClockBehindOurs(t *testing.T) {
	vendor := sourcetest.NewClock(t0.Add(-5 * time.Minute))
	e := newEnv(t, jirafake.Options{Now: vendor.Now}, config.Source{JQL: "project = SUP"})
	e.put(t, mk(keyN(1), t0.Add(-5*time.Minute).Add(-20*time.Second))) // just now, by Jira
	e.poll(t)
	c, _ := decodeCursor(e.st.Cursor())
	if want := t0.Add(-5 * time.Minute).Add(-clockMargin); !c.Updated.Equal(want) {
		t.Errorf("cursor %v, want Jira's now - margin = %v", c.Updated, want)
	}
	if skew, ok := e.stats.Skew(); !ok || skew != -5*time.Minute {
		t.Errorf("clock skew: %v (known %v), want -5m", skew, ok)
	}
}

// TestNoDateHeaderBoundsByServerInfo: answers without a Date header (a proxy that strips it):
// the cursor is bounded by serverInfo's serverTime instead, read once a poll.
func TestNoDateHeaderBoundsByServerInfo(t *testing.T) {
	e := newEnvWrapped(t, jirafake.Options{Flavor: jirafake.Cloud}, config.Source{JQL: "project = SUP"}, func(f *jirafake.Server) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			f.ServeHTTP(noDate{w}, r)
		})
	})
	e.put(t, mk(keyN(1), t0.Add(-time.Hour)), mk(keyN(2), t0.Add(10*time.Minute)))
	e.poll(t)
	c, _ := decodeCursor(e.st.Cursor())
	if c.Updated.After(t0.Add(-clockMargin)) {
		t.Errorf("cursor %v, want at most serverTime - margin = %v", c.Updated, t0.Add(-clockMargin))
	}
	n := 0
	for _, r := range e.fake.Requests() {
		if r.Endpoint == "serverInfo" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("serverInfo requests: %d, want 1", n)
	}
}

// noDate drops the Date header an answer would carry.
type noDate struct{ http.ResponseWriter }

func (n noDate) WriteHeader(code int) {
	n.Header()["Date"] = nil // net/http adds one unless told not to
	n.ResponseWriter.WriteHeader(code)
}

func (n noDate) Write(b []byte) (int, error) {
	n.Header()["Date"] = nil
	return n.ResponseWriter.Write(b)
}

// TestDataCenterPagingSkipsNothingWhenIssuesMove (issue 12 item 6): Data Center pages by startAt
// over ORDER BY updated. When an issue of the first page is updated before the second page is
// asked for, it moves to the end and every issue after it moves up one place: startAt=10 then
// starts past the issue that was 11th (the fake reproduces it, as
// https://github.com/singer-io/tap-jira/issues/109 reports of real Jira). Key-set paging asks
// again from the newest minute seen instead and loses nothing.
func TestDataCenterPagingSkipsNothingWhenIssuesMove(t *testing.T) {
	var searches atomic.Int32
	e := newEnvWrapped(t, jirafake.Options{Flavor: jirafake.DataCenter}, config.Source{JQL: "project = SUP", PageSize: 10},
		func(f *jirafake.Server) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f.ServeHTTP(w, r)
				if strings.HasSuffix(r.URL.Path, "/search") && searches.Add(1) == 1 {
					// Between the first page and the second, an agent edits SUP-3.
					_ = f.Put(jirafake.IssueFromTicket(mk(keyN(3), t0, func(tk *ticket.Ticket) { tk.Summary = "edited while paging" })))
				}
			})
		})
	for i := 1; i <= 30; i++ {
		e.put(t, mk(keyN(i), t0.Add(-time.Duration(100-i)*time.Minute)))
	}
	e.poll(t)
	for i := 1; i <= 30; i++ {
		if _, ok := e.st.Get(keyN(i)); !ok {
			t.Errorf("%s was skipped", keyN(i))
		}
	}
	if tk, _ := e.st.Get(keyN(3)); tk == nil || tk.Summary != "edited while paging" {
		t.Errorf("SUP-3's edit made while paging was not applied: %+v", tk)
	}
}

// TestDenseMinuteMovedIsReadAgain: more updates in one minute than a page holds are paged by
// offset within the query; when one of them moves while that minute is paged, an issue may be
// skipped, so the poll's cursor stays at that minute and the next poll reads it again.
func TestDenseMinuteMovedIsReadAgain(t *testing.T) {
	var searches atomic.Int32
	e := newEnvWrapped(t, jirafake.Options{Flavor: jirafake.DataCenter}, config.Source{JQL: "project = SUP", PageSize: 10},
		func(f *jirafake.Server) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				f.ServeHTTP(w, r)
				if strings.HasSuffix(r.URL.Path, "/search") && searches.Add(1) == 1 {
					_ = f.Put(jirafake.IssueFromTicket(mk(keyN(2), t0, func(tk *ticket.Ticket) { tk.Summary = "edited while paging" })))
				}
			})
		})
	at := t0.Add(-time.Hour)
	for i := 1; i <= 25; i++ {
		e.put(t, mk(keyN(i), at.Add(time.Duration(i)*time.Second)))
	}
	e.poll(t)
	if !strings.Contains(e.logs.String(), "search_moved_while_paging") {
		t.Errorf("the move was not noticed")
	}
	c, _ := decodeCursor(e.st.Cursor())
	if c.Updated.After(at.Truncate(time.Minute)) {
		t.Errorf("cursor %v passed the dense minute %v", c.Updated, at.Truncate(time.Minute))
	}
	e.poll(t)
	for i := 1; i <= 25; i++ {
		if _, ok := e.st.Get(keyN(i)); !ok {
			t.Errorf("%s is missing after the second poll", keyN(i))
		}
	}
}
