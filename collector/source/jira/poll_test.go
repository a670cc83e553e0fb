package jira

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// TestPollMultiPage: a first sync of 25 tickets a minute apart, pages of 10, takes three
// searches. Each page after the first asks again from the minute of the newest update it saw (key
// set, not startAt or nextPageToken: issue 12 item 6), and the ticket of that minute that came
// back is not applied twice.
func TestPollMultiPage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		flavor jirafake.Flavor
		path   string
	}{
		{"cloud", jirafake.Cloud, "/rest/api/3/search/jql"},
		{"datacenter", jirafake.DataCenter, "/rest/api/2/search"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: tc.flavor}, config.Source{JQL: "project = SUP", PageSize: 10})
			var tickets []*ticket.Ticket
			for i := 1; i <= 25; i++ {
				tickets = append(tickets, mk(keyN(i), t0.Add(-time.Duration(100-i)*time.Minute)))
			}
			e.put(t, tickets...)
			e.poll(t)

			if got := e.st.Len(); got != 25 {
				t.Errorf("stored tickets: got %d, want 25", got)
			}
			if got := e.st.Upserts(); got != 25 {
				t.Errorf("tickets applied: got %d, want 25 (none twice)", got)
			}
			s := e.searches()
			if len(s) != 3 {
				t.Fatalf("search requests: got %d, want 3 (25 tickets, pages of 10, one a minute)", len(s))
			}
			wantJQL := []string{
				"(project = SUP) ORDER BY updated ASC, key ASC",
				`(project = SUP) AND updated >= "2026-03-10 13:00" ORDER BY updated ASC, key ASC`, // SUP-10's minute
				`(project = SUP) AND updated >= "2026-03-10 13:09" ORDER BY updated ASC, key ASC`, // SUP-19's
			}
			for i, r := range s {
				if r.Path != tc.path {
					t.Errorf("request %d path: got %s, want %s", i, r.Path, tc.path)
				}
				if got := r.JQL(); got != wantJQL[i] {
					t.Errorf("request %d JQL: got %s, want %s", i, got, wantJQL[i])
				}
				if r.Query.Has("startAt") || r.Query.Has("nextPageToken") {
					t.Errorf("request %d pages by offset or token: %v", i, r.Query)
				}
				if got := r.Query.Get("maxResults"); got != "10" {
					t.Errorf("request %d maxResults: got %s, want 10", i, got)
				}
				if got := r.Query.Get("properties"); got != "request.channel.type" {
					t.Errorf("request %d properties: got %q, want request.channel.type", i, got)
				}
				fields := r.Query.Get("fields")
				for _, want := range []string{"updated", "status", "priority", jirafake.FieldFirstResponse, jirafake.FieldOrganizations} {
					if !strings.Contains(","+fields+",", ","+want+",") {
						t.Errorf("request %d fields %q lack %s", i, fields, want)
					}
				}
			}
			// One batch per page, each carrying the cursor that resumes after it.
			if got := len(e.st.Batches); got != 3 {
				t.Errorf("batches: got %d, want 3", got)
			}
			for i, b := range e.st.Batches {
				c, err := decodeCursor(b.Cursor)
				if err != nil {
					t.Fatalf("batch %d cursor: %v", i, err)
				}
				last := b.Upserts[len(b.Upserts)-1]
				if !c.Updated.Equal(last.Updated) || len(c.Keys) != 1 || c.Keys[0] != last.Key {
					t.Errorf("batch %d cursor: got %v %v, want %v [%s]", i, c.Updated, c.Keys, last.Updated, last.Key)
				}
			}
		})
	}
}

// TestPollDenseMinute: when more tickets share a minute than fit on a page, asking again from
// that minute would return the same page; the search pages on within the query instead (Cloud
// nextPageToken, Data Center startAt), and nothing is lost or applied twice.
func TestPollDenseMinute(t *testing.T) {
	for _, tc := range []struct {
		flavor   jirafake.Flavor
		pagingBy string
	}{
		{jirafake.Cloud, "nextPageToken"},
		{jirafake.DataCenter, "startAt"},
	} {
		t.Run(string(tc.flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: tc.flavor}, config.Source{JQL: "project = SUP", PageSize: 10})
			at := t0.Add(-time.Hour)
			for i := 1; i <= 25; i++ {
				e.put(t, mk(keyN(i), at.Add(time.Duration(i)*time.Second))) // all in one minute
			}
			e.poll(t)
			if got, want := e.st.Len(), 25; got != want || e.st.Upserts() != want {
				t.Errorf("stored %d, applied %d; want %d each", got, e.st.Upserts(), want)
			}
			s := e.searches()
			if len(s) != 3 {
				t.Fatalf("searches: got %d, want 3", len(s))
			}
			for i, r := range s {
				if got, want := r.Query.Has(tc.pagingBy), i > 0; got != want {
					t.Errorf("request %d has %s: got %v, want %v", i, tc.pagingBy, got, want)
				}
			}
			if s[1].JQL() != s[2].JQL() {
				t.Errorf("the dense minute was not paged within one query: %q then %q", s[1].JQL(), s[2].JQL())
			}
		})
	}
}

func TestIncrementalAsksOnlyForChanges(t *testing.T) {
	// The searching user lives in New York: JQL dates must be written in that zone.
	e := newEnv(t, jirafake.Options{TimeZone: "America/New_York"}, config.Source{JQL: "project = SUP"})
	for i := 1; i <= 5; i++ {
		e.put(t, mk(keyN(i), t0.Add(-time.Duration(10-i)*time.Hour)))
	}
	e.poll(t)
	first := e.searches()
	if len(first) != 1 {
		t.Fatalf("first poll searches: got %d, want 1", len(first))
	}
	if got, want := first[0].JQL(), "(project = SUP) ORDER BY updated ASC, key ASC"; got != want {
		t.Errorf("first poll JQL: got %q, want %q", got, want)
	}

	// Two tickets change; the cursor is SUP-5's updated: t0-5h = 09:30 UTC = 05:30 in New York
	// (EDT from 8 March 2026), minus the 10m look-back.
	e.fake.ResetRequests()
	e.put(t, mk(keyN(2), t0.Add(10*time.Minute), func(tk *ticket.Ticket) { tk.Summary = "changed" }),
		mk(keyN(6), t0.Add(11*time.Minute)))
	before := e.st.Upserts()
	e.poll(t)
	s := e.searches()
	if len(s) != 1 {
		t.Fatalf("second poll searches: got %d, want 1", len(s))
	}
	if got, want := s[0].JQL(), `(project = SUP) AND updated >= "2026-03-10 05:20" ORDER BY updated ASC, key ASC`; got != want {
		t.Errorf("incremental JQL: got %q, want %q", got, want)
	}
	if got := e.st.Upserts() - before; got != 2 {
		t.Errorf("tickets applied by the incremental poll: got %d, want 2 (SUP-2, SUP-6)", got)
	}
	if tk, _ := e.st.Get(keyN(2)); tk == nil || tk.Summary != "changed" {
		t.Errorf("SUP-2 after incremental poll: got %+v, want the changed summary", tk)
	}
	for _, r := range e.fake.Requests() {
		if r.Endpoint != "search" {
			t.Errorf("second poll asked %s again; discovery happens once", r.Endpoint)
		}
	}
}

func TestOverlapDoesNotDoubleCount(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
	at := t0.Add(-30 * time.Second)
	// Two tickets at the cursor's exact instant, one resolved.
	e.put(t, mk(keyN(1), at), mk(keyN(2), at, func(tk *ticket.Ticket) {
		tk.State, tk.Resolved = ticket.StateResolved, at
	}))
	e.poll(t)
	batches := len(e.st.Batches)

	// Nothing changed: the overlap fetches both again, nothing is applied.
	e.poll(t)
	if got := len(e.st.Batches); got != batches {
		t.Errorf("batches after an idle poll: got %d, want %d (no write)", got, batches)
	}

	// SUP-2 reopens and SUP-3 arrives, both at the same instant as before; SUP-1 comes back
	// through the overlap untouched.
	e.put(t, mk(keyN(2), at.Add(time.Second)), mk(keyN(3), at))
	e.poll(t)
	last := e.st.Batches[len(e.st.Batches)-1]
	var keys []string
	for _, tk := range last.Upserts {
		keys = append(keys, tk.Key)
	}
	if got, want := strings.Join(keys, ","), "SUP-3,SUP-2"; got != want {
		t.Errorf("applied: got %s, want %s", got, want)
	}
	// Polling again must not count the reopen twice.
	e.poll(t)
	e.poll(t)
	tk, _ := e.st.Get(keyN(2))
	if tk.Reopened != 1 || !tk.ReopenedAt.Equal(at.Add(time.Second)) {
		t.Errorf("SUP-2 reopened: got %d at %v, want 1 at %v", tk.Reopened, tk.ReopenedAt, at.Add(time.Second))
	}
	// The updates are 30 s before Jira's clock (the fake's Date: t0), within the clock margin:
	// the cursor stays at t0 - clockMargin, and the polls read them again without applying them.
	c, _ := decodeCursor(e.st.Cursor())
	if !c.Updated.Equal(t0.Add(-clockMargin)) || len(c.Keys) != 0 {
		t.Errorf("cursor: got %v %v, want %v []", c.Updated, c.Keys, t0.Add(-clockMargin))
	}
}

// TestRequestCost measures what docs/bench/jira.md states: after the first sync, a poll whose k
// changed tickets are a minute or more apart costs ceil((k + o) / page size) searches, o being the
// tickets inside the look-back window applied already (here 2: the cursor's own and the one 5
// minutes before it), and exactly 1 when nothing changed.
func TestRequestCost(t *testing.T) {
	const pageSize, o = 10, 2
	for _, k := range []int{0, 1, 9, 10, 25, 40} {
		t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP", PageSize: pageSize})
			for i := 1; i <= 50; i++ {
				e.put(t, mk(keyN(i), t0.Add(-time.Duration(500-5*i)*time.Minute))) // 5m apart: two in the look-back
			}
			e.poll(t)
			e.clock.Advance(time.Hour)
			e.fake.ResetRequests()
			for i := 1; i <= k; i++ {
				e.put(t, mk(keyN(i), t0.Add(time.Duration(i)*time.Minute)))
			}
			before := e.st.Upserts()
			e.poll(t)
			got := len(e.fake.Requests())
			want := (k + o + pageSize - 1) / pageSize
			if got != want {
				t.Errorf("requests: got %d, want ceil((%d+%d)/%d) = %d", got, k, o, pageSize, want)
			}
			t.Logf("k=%d changed, page size %d: %d requests", k, pageSize, got)
			if applied := e.st.Upserts() - before; applied != k {
				t.Errorf("applied: got %d, want %d", applied, k)
			}
		})
	}
}

func TestFlavorDetection(t *testing.T) {
	for _, tc := range []struct {
		name       string
		opts       jirafake.Options
		wantFlavor string
		wantPath   string
	}{
		{"cloud", jirafake.Options{Flavor: jirafake.Cloud}, flavorCloud, "/rest/api/3/search/jql"},
		{"server", jirafake.Options{Flavor: jirafake.DataCenter}, flavorDataCenter, "/rest/api/2/search"},
		{"datacenter", jirafake.Options{Flavor: jirafake.DataCenter, DeploymentType: "DataCenter"}, flavorDataCenter, "/rest/api/2/search"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts, config.Source{JQL: "project = SUP"})
			e.src.flavor = "" // as if flavor were omitted from the config
			e.put(t, mk(keyN(1), t0))
			e.poll(t)
			if e.src.flavor != tc.wantFlavor {
				t.Errorf("flavor: got %s, want %s", e.src.flavor, tc.wantFlavor)
			}
			var paths []string
			for _, r := range e.fake.Requests() {
				paths = append(paths, r.Path)
			}
			want := "/rest/api/2/serverInfo,/rest/api/2/field,/rest/api/2/myself," + tc.wantPath
			if got := strings.Join(paths, ","); got != want {
				t.Errorf("requests: got %s, want %s", got, want)
			}
			if e.st.Len() != 1 {
				t.Errorf("stored: got %d, want 1", e.st.Len())
			}
		})
	}
}

// TestReconcileDeletes: the reconcile pass reads the stored open tickets again, whole, and
// deletes those deleted upstream or moved out of the filter. On Cloud the read is a POST to
// search/jql naming the tickets' ids in reconcileIssues (read after their latest write).
func TestReconcileDeletes(t *testing.T) {
	for _, flavor := range []jirafake.Flavor{jirafake.Cloud, jirafake.DataCenter} {
		t.Run(string(flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: flavor}, config.Source{JQL: "project = SUP"})
			for i := 1; i <= 5; i++ {
				e.put(t, mk(keyN(i), t0.Add(-time.Duration(i)*time.Hour)))
			}
			e.poll(t)
			// Upstream, SUP-2 and SUP-5 are deleted and SUP-4 moves out of the filter (another
			// project); none of it shows up in an incremental poll.
			e.fake.Delete(keyN(2))
			e.fake.Delete(keyN(5))
			e.put(t, mk(keyN(4), t0.Add(-4*time.Hour), func(tk *ticket.Ticket) { tk.Attributes.Project = "OPS" }))
			e.poll(t)
			if e.st.Len() != 5 {
				t.Fatalf("before reconcile: got %d tickets, want 5", e.st.Len())
			}
			e.fake.ResetRequests()
			if err := e.src.Reconcile(context.Background(), e.st); err != nil {
				t.Fatalf("Reconcile: %v", err)
			}
			if got, want := strings.Join(e.st.Keys(), ","), "SUP-1,SUP-3"; got != want {
				t.Errorf("after reconcile: got %s, want %s", got, want)
			}
			if reqs := e.searches(); len(reqs) > 0 {
				r := reqs[0] // Cloud asks again without the deleted keys
				if !strings.Contains(","+r.Query.Get("fields")+",", ",status,") || !strings.Contains(r.Query.Get("fields"), jirafake.FieldResolution) {
					t.Errorf("reconcile asked fields %q, want the status and SLA fields", r.Query.Get("fields"))
				}
				if !strings.HasPrefix(r.JQL(), "(project = SUP) AND key in (") {
					t.Errorf("reconcile JQL: got %q, want the filter AND key in (...)", r.JQL())
				}
				wantMethod, wantReconcile := http.MethodGet, ""
				if flavor == jirafake.Cloud {
					wantMethod, wantReconcile = http.MethodPost, "10001,10002,10003,10004,10005"
				}
				if r.Method != wantMethod || r.Query.Get("reconcileIssues") != wantReconcile {
					t.Errorf("reconcile request: %s reconcileIssues=%q, want %s %q", r.Method, r.Query.Get("reconcileIssues"), wantMethod, wantReconcile)
				}
			}
			// Cloud refuses the deleted keys with 400, naming each, and the chunk is asked again
			// without them; Data Center is asked with validateQuery=warn and answers at once.
			wantReq := map[jirafake.Flavor]int{jirafake.Cloud: 2, jirafake.DataCenter: 1}[flavor]
			if got := len(e.searches()); got != wantReq {
				t.Errorf("reconcile requests: got %d, want %d", got, wantReq)
			}
		})
	}
}

// TestReconcileChunks: open tickets are read again 50 a request on Cloud (reconcileIssues takes
// at most 50 ids) and 100 on Data Center (a `key in (...)` short enough for a GET URL).
func TestReconcileChunks(t *testing.T) {
	for _, tc := range []struct {
		flavor jirafake.Flavor
		want   int
	}{{jirafake.Cloud, 5}, {jirafake.DataCenter, 3}} {
		t.Run(string(tc.flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: tc.flavor}, config.Source{JQL: "project = SUP"})
			for i := 1; i <= 250; i++ {
				e.put(t, mk(keyN(i), t0.Add(-time.Duration(i)*time.Minute)))
			}
			e.poll(t)
			e.fake.ResetRequests()
			if err := e.src.Reconcile(context.Background(), e.st); err != nil {
				t.Fatalf("Reconcile: %v", err)
			}
			if got := len(e.searches()); got != tc.want {
				t.Errorf("reconcile requests for 250 open tickets: got %d, want %d chunks", got, tc.want)
			}
			if e.st.Len() != 250 {
				t.Errorf("tickets after a reconcile that found all: got %d, want 250", e.st.Len())
			}
			if got := len(e.st.Batches); got != 3 {
				t.Errorf("store writes: got %d batches, want the poll's 3 (nothing changed)", got)
			}
		})
	}
}

func TestJQLChangeResyncs(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
	e.put(t, mk(keyN(1), t0.Add(-time.Hour)))
	e.poll(t)
	cfg := e.src.cfg
	cfg.JQL = "project in (SUP, OPS)"
	src, err := newSource(cfg, e.deps)
	if err != nil {
		t.Fatal(err)
	}
	e.fake.ResetRequests()
	if err := src.Poll(context.Background(), e.st); err != nil {
		t.Fatal(err)
	}
	s := e.searches()
	if len(s) != 1 || s[0].JQL() != "(project in (SUP, OPS)) ORDER BY updated ASC, key ASC" {
		t.Errorf("after a filter change: got %v, want one full search", s)
	}
}
