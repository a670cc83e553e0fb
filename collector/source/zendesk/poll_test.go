package zendesk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

func TestPollPagesThroughCursor(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.src.perPage = 10
	for i := range 25 {
		h.fake.Put(zTicket(int64(100+i), t0.Add(-time.Duration(25-i)*time.Minute)))
	}
	h.mustPoll(t)

	if got := h.st.Len(); got != 25 {
		t.Fatalf("stored tickets: got %d, want 25", got)
	}
	var exports []zendeskfake.Request
	for _, r := range h.fake.Requests() {
		if r.Path == "/api/v2/incremental/tickets/cursor.json" {
			exports = append(exports, r)
		}
	}
	if len(exports) != 3 {
		t.Fatalf("export requests: got %d, want 3 (25 tickets, 10 a page)", len(exports))
	}
	wantStart := strconv.FormatInt(t0.Add(-initialHistory).Unix(), 10)
	if got := exports[0].Query.Get("start_time"); got != wantStart || exports[0].Query.Has("cursor") {
		t.Errorf("first page: got start_time=%q cursor=%q, want start_time=%s and no cursor", got, exports[0].Query.Get("cursor"), wantStart)
	}
	for i, r := range exports {
		if got := r.Query.Get("per_page"); got != "10" {
			t.Errorf("page %d per_page: got %q, want 10", i, got)
		}
		if got := r.Query.Get("include"); got != "users,organizations,metric_sets" {
			t.Errorf("page %d include: got %q, want users,organizations,metric_sets", i, got)
		}
		if i > 0 && (r.Query.Get("cursor") == "" || r.Query.Has("start_time")) {
			t.Errorf("page %d: got query %v, want cursor and no start_time", i, r.Query)
		}
	}
	if exports[1].Query.Get("cursor") == exports[2].Query.Get("cursor") {
		t.Errorf("pages 2 and 3 sent the same cursor %q", exports[1].Query.Get("cursor"))
	}
	// One batch per page: the old open tickets' search and its done mark, three export pages and
	// the metric events page; the cursor is stored with each page.
	if got := len(h.st.Batches); got != 6 {
		t.Errorf("applied batches: got %d, want 6", got)
	}
	cur, ok := decodeCursor(h.st.Cursor())
	if !ok || cur.Tickets == "" || cur.Events == 0 {
		t.Errorf("stored cursor: got %+v (readable %v), want an after_cursor and an events start", cur, ok)
	}
}

func TestPollAsksOnlyForChanges(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.Put(zTicket(1, t0.Add(-2*time.Hour)), zTicket(2, t0.Add(-time.Hour)))
	h.mustPoll(t)
	cur, _ := decodeCursor(h.st.Cursor())

	h.fake.ResetRequests()
	before := h.stats.Requests()
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	reqs := h.fake.Requests()
	if len(reqs) != 2 {
		t.Fatalf("a poll with no changes: got %d requests %v, want 2", len(reqs), reqs)
	}
	if got, want := reqs[0].Query.Get("cursor"), cur.Tickets; got != want || reqs[0].Query.Has("start_time") {
		t.Errorf("tickets query: got %v, want cursor=%s only", reqs[0].Query, want)
	}
	if got, want := reqs[1].Query.Get("start_time"), strconv.FormatInt(cur.Events, 10); reqs[1].Path != "/api/v2/incremental/ticket_metric_events.json" || got != want {
		t.Errorf("events request: got %s %v, want start_time=%s", reqs[1].Path, reqs[1].Query, want)
	}
	var added float64
	for _, r := range h.stats.Requests() {
		added += r.Count
	}
	for _, r := range before {
		added -= r.Count
	}
	if added != 2 {
		t.Errorf("counted requests: got %v more, want 2", added)
	}

	// A change of the last minute is not exported yet (Zendesk holds the last minute back); the
	// next poll a minute later brings it.
	changed := zTicket(2, t0.Add(30*time.Second))
	changed.Status = "pending"
	h.fake.Put(changed)
	h.fake.ResetRequests()
	h.mustPoll(t)
	if got, _ := h.st.Get("2"); got.State != ticket.StateInProgress {
		t.Errorf("ticket changed 30s ago: got %q, want in_progress still", got.State)
	}
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	if got, _ := h.st.Get("2"); got.State != ticket.StateWaitingCustomer {
		t.Errorf("changed ticket state: got %q, want waiting_customer", got.State)
	}
	if got := h.fake.Requests(); len(got) != 4 || got[2].Query.Get("cursor") == "" {
		t.Errorf("polls after a change: got %v, want 2 requests each, the export by cursor", got)
	}
}

func TestPollMergesEventsIntoStoredTicket(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	created := t0.Add(-3 * time.Hour)
	tk := zTicket(7, t0.Add(-2*time.Hour))
	tk.CreatedAt = created
	h.fake.Put(tk)
	h.fake.PutEvents(
		zendeskfake.MetricEvent{TicketID: 7, Metric: "reply_time", InstanceID: 1, Type: "activate", Time: created},
		zendeskfake.MetricEvent{TicketID: 7, Metric: "reply_time", InstanceID: 1, Type: "apply_sla", Time: created,
			SLA: &zendeskfake.EventSLA{Target: 240, TargetInSeconds: 4 * 3600}},
	)
	h.mustPoll(t)
	got, _ := h.st.Get("7")
	c, ok := got.Clock(ticket.SLAFirstResponse)
	if !ok || len(c.Cycles) != 1 || !c.Cycles[0].BreachAt.Equal(created.Add(4*time.Hour)) {
		t.Fatalf("after the first poll: got clock %+v (found %v), want first_response breaching at %v", c, ok, created.Add(4*time.Hour))
	}

	// Only an event changes: the clock stops, the ticket itself stays as stored.
	reply := t0.Add(-time.Hour)
	h.fake.PutEvents(zendeskfake.MetricEvent{TicketID: 7, Metric: "reply_time", InstanceID: 1, Type: "fulfill", Time: reply})
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	got, _ = h.st.Get("7")
	c, _ = got.Clock(ticket.SLAFirstResponse)
	if cy := c.Cycles[0]; cy.Running() || cy.Breached || !cy.Stop.Equal(reply) {
		t.Errorf("after the fulfil: got cycle %+v, want met, stopped at %v", cy, reply)
	}
	if !got.FirstReply.Equal(reply) || got.Summary != "printer on fire" || got.Priority != ticket.P2 {
		t.Errorf("merged ticket: got first reply %v summary %q priority %q, want %v, the stored summary, p2", got.FirstReply, got.Summary, got.Priority, reply)
	}
}

func TestPollKeepsEventsOfTicketsNotExportedYet(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	at := t0.Add(-30 * time.Second)
	h.fake.PutEvents(
		zendeskfake.MetricEvent{TicketID: 9, Metric: "requester_wait_time", InstanceID: 1, Type: "activate", Time: at},
		zendeskfake.MetricEvent{TicketID: 9, Metric: "requester_wait_time", InstanceID: 1, Type: "apply_sla", Time: at,
			SLA: &zendeskfake.EventSLA{Target: 60}},
	)
	h.mustPoll(t)
	if cur, _ := decodeCursor(h.st.Cursor()); len(cur.Pending) != 2 {
		t.Fatalf("pending events: got %d, want 2 kept for ticket 9", len(cur.Pending))
	}
	h.fake.Put(zTicket(9, t0))
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	got, _ := h.st.Get("9")
	c, ok := got.Clock(ticket.SLAResolution)
	if !ok || !c.Cycles[0].BreachAt.Equal(at.Add(time.Hour)) {
		t.Errorf("resolution clock: got %+v (found %v), want breach at %v", c, ok, at.Add(time.Hour))
	}
	if cur, _ := decodeCursor(h.st.Cursor()); len(cur.Pending) != 0 {
		t.Errorf("pending after the ticket arrived: got %d, want 0", len(cur.Pending))
	}
}

func TestPollDeletedTicketLeavesStore(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.Put(zTicket(1, t0.Add(-time.Hour)), zTicket(2, t0.Add(-time.Hour)))
	h.mustPoll(t)
	h.fake.Delete(1)
	h.clk.Advance(time.Minute) // the deletion is a change, exported once it is a minute old
	h.mustPoll(t)
	if _, ok := h.st.Get("1"); ok {
		t.Error("ticket 1: got still stored, want deleted (status deleted in the export)")
	}
	if _, ok := h.st.Get("2"); !ok {
		t.Error("ticket 2: got gone, want kept")
	}
}

func TestPollRatings(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.Put(zTicket(1, t0.Add(-time.Hour)))
	h.mustPoll(t)
	if n := h.requestCount(endpointRatings, ""); n != 0 {
		t.Fatalf("ratings requests without a rated ticket: got %v, want 0", n)
	}
	ratedAt := t0.Add(-20 * time.Minute)
	tk := zTicket(1, t0.Add(-10*time.Minute))
	tk.Status = "solved"
	tk.SatisfactionRating = &zendeskfake.SatisfactionRating{ID: 55, Score: "bad", At: ratedAt}
	h.fake.Put(tk)
	h.mustPoll(t)
	got, _ := h.st.Get("1")
	if got.CSAT != ticket.CSATBad || !got.CSATAt.Equal(ratedAt) {
		t.Errorf("csat: got %q at %v, want bad at %v (the rating's time)", got.CSAT, got.CSATAt, ratedAt)
	}
	if n := h.requestCount(endpointRatings, "200"); n != 1 {
		t.Errorf("ratings requests: got %v, want 1", n)
	}
}

func TestPollOrganizations(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.PutOrganizations(zendeskfake.Organization{ID: 360001, Name: "Northwind Payments"})
	h.fake.PutUsers(
		zendeskfake.User{ID: 10, Email: "Jane@Northwind.example", Role: "end-user"},
		zendeskfake.User{ID: 20, Email: "agent@desk.example", Role: "agent"},
	)
	tk := zTicket(1, t0.Add(-time.Hour))
	tk.OrganizationID = ptr(int64(360001))
	tk.Via.Channel = "web"
	tk.SubmitterID = 20
	h.fake.Put(tk)
	h.mustPoll(t)
	got, _ := h.st.Get("1")
	if want := []ticket.Organization{{ID: "360001", Name: "Northwind Payments"}}; !slices.Equal(got.Attributes.Organizations, want) {
		t.Errorf("organizations: got %v, want %v", got.Attributes.Organizations, want)
	}
	if got.Attributes.ReporterDomain != "northwind.example" {
		t.Errorf("reporter domain: got %q, want northwind.example", got.Attributes.ReporterDomain)
	}
	if got.Channel != ticket.ChannelAgent {
		t.Errorf("channel of a web ticket an agent submitted: got %q, want agent", got.Channel)
	}
	if n := h.requestCount(endpointOrganizations, ""); n != 0 {
		t.Errorf("organizations list requests when sideloaded: got %v, want 0", n)
	}
}

func TestPollFailuresKeepPreviousData(t *testing.T) {
	cases := []struct {
		name    string
		failure zendeskfake.Failure
		want    error
		tries   int // requests the failing poll makes
	}{
		{"malformed JSON", zendeskfake.Failure{Kind: zendeskfake.Malformed}, vendorhttp.ErrMalformed, 1},
		{"5xx past the retries", zendeskfake.Failure{Kind: zendeskfake.ServerError, Status: 502, Count: 10}, vendorhttp.ErrServer, 5},
		{"401", zendeskfake.Failure{Kind: zendeskfake.Unauthorized}, vendorhttp.ErrUnauthorized, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, zendeskfake.Options{}, nil)
			h.fake.Put(zTicket(1, t0.Add(-time.Hour)))
			h.mustPoll(t)
			cursor := h.st.Cursor()
			h.fake.Put(zTicket(2, t0))
			h.fake.ResetRequests()
			h.fake.FailNext(tc.failure)
			err := h.poll(t)
			if !errors.Is(err, tc.want) {
				t.Fatalf("poll error: got %v, want %v", err, tc.want)
			}
			if got := len(h.fake.Requests()); got != tc.tries {
				t.Errorf("requests: got %d, want %d", got, tc.tries)
			}
			if _, ok := h.st.Get("1"); !ok || h.st.Len() != 1 || string(h.st.Cursor()) != string(cursor) {
				t.Errorf("store after the failed poll: got %d tickets, cursor changed %v; want the previous data", h.st.Len(), string(h.st.Cursor()) != string(cursor))
			}
		})
	}
}

func TestBackoffOn5xx(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	h.repace(t, roomy, h.deps())
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.ServerError, Count: 2})
	h.mustPoll(t)
	want := []time.Duration{375 * time.Millisecond, 750 * time.Millisecond} // jitter pinned; pacing leaves room
	if got := h.clk.Sleeps(); !slices.Equal(got, want) {
		t.Errorf("sleeps: got %v, want %v", got, want)
	}
	if n := h.requestCount(endpointTickets, "503"); n != 2 {
		t.Errorf("503s counted: got %v, want 2", n)
	}
}

func TestBackoffOverlapsPacing(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.ServerError, Count: 1})
	h.mustPoll(t)
	// The refused export used its slot: the retry waits for the next one (6.5s), which covers
	// the 375ms backoff instead of adding to it.
	if got := h.clk.Sleeps(); !slices.Equal(got, []time.Duration{6500 * time.Millisecond}) {
		t.Errorf("sleeps: got %v, want [6.5s]", got)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	h.fake.Put(zTicket(1, t0.Add(-time.Hour)))
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.RateLimited, RetryAfter: 30 * time.Second})
	h.mustPoll(t)
	if got := h.clk.Sleeps(); !slices.Equal(got, []time.Duration{30 * time.Second}) {
		t.Errorf("sleeps: got %v, want [30s] (the Retry-After)", got)
	}
	if n, total := h.stats.RateLimitWaits(); n != 1 || total != 30*time.Second {
		t.Errorf("rate limit waits: got %v totalling %v, want 1 of 30s", n, total)
	}
	if n := h.requestCount(endpointTickets, "429"); n != 1 {
		t.Errorf("429s counted: got %v, want 1", n)
	}
	if h.st.Len() != 1 {
		t.Errorf("stored: got %d, want 1 (the retry succeeded)", h.st.Len())
	}
}

func TestRetryAfterRealSecond(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	// A roomy budget, so the Retry-After alone decides the wait (the default export budget would
	// hold the retry 6.5s anyway: the refused request used its slot).
	deps := h.deps()
	deps.Now, deps.Sleep = time.Now, source.Sleep
	h.repace(t, roomy, deps)
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.RateLimited, RetryAfter: time.Second})
	start := time.Now()
	h.mustPoll(t)
	elapsed := time.Since(start)
	t.Logf("poll with a 1s Retry-After took %v", elapsed)
	if elapsed < time.Second || elapsed > 5*time.Second {
		t.Errorf("elapsed: got %v, want at least the 1s Retry-After and well under 5s", elapsed)
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{Email: testEmail, Token: "another-token"}, nil)
	err := h.poll(t)
	if !errors.Is(err, vendorhttp.ErrUnauthorized) {
		t.Fatalf("poll with a refused token: got %v, want ErrUnauthorized", err)
	}
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.ServerError, Count: 10})
	err2 := h.poll(t)
	out := strings.Join([]string{err.Error(), err2.Error(), h.logs.String(),
		fmt.Sprintf("%+v %#v %v %+v", h.src.cfg, h.src.cfg, h.src.c.Client, h.src)}, "\n")
	basic := base64.StdEncoding.EncodeToString([]byte(testEmail + "/token:" + testToken))
	for _, secret := range []string{testToken, basic} {
		if strings.Contains(out, secret) {
			t.Errorf("output contains the credential %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(h.logs.String(), "request_retry") {
		t.Errorf("logs: got %q, want the retries logged (so the check above looked at real output)", h.logs.String())
	}
}

func TestReconcile(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	var keep []zendeskfake.Ticket
	for i := range 250 {
		keep = append(keep, zTicket(int64(i+1), t0.Add(-time.Hour)))
	}
	h.fake.Put(keep...)
	h.mustPoll(t)
	h.fake.Delete(5)
	h.fake.Delete(205)
	ghost := &ticket.Ticket{Source: "zendesk", Key: "999999", State: ticket.StateInProgress}
	if err := h.st.Apply(source.Batch{Upserts: []*ticket.Ticket{ghost}}); err != nil {
		t.Fatal(err)
	}
	h.fake.ResetRequests()
	if err := h.src.Reconcile(context.Background(), h.st); err != nil {
		t.Fatal(err)
	}
	if got := len(h.fake.Requests()); got != 3 {
		t.Errorf("show_many requests for 251 open keys: got %d, want 3", got)
	}
	for _, k := range []string{"5", "205", "999999"} {
		if _, ok := h.st.Get(k); ok {
			t.Errorf("ticket %s: got kept, want deleted", k)
		}
	}
	if got := h.st.Len(); got != 248 {
		t.Errorf("stored: got %d, want 248", got)
	}
}

func TestUnauthorizedStatusIsNotRetried(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.Unauthorized})
	err := h.poll(t)
	if !errors.Is(err, vendorhttp.ErrUnauthorized) || len(h.fake.Requests()) != 1 {
		t.Errorf("got %v after %d requests, want ErrUnauthorized after 1", err, len(h.fake.Requests()))
	}
	if n := h.requestCount(endpointTickets, strconv.Itoa(http.StatusUnauthorized)); n != 1 {
		t.Errorf("401s counted: got %v, want 1", n)
	}
}

func TestPollMetricEventsAcrossPages(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{EventsPageSize: 3}, nil)
	h.src.eventsPageSize = 3
	s0 := t0.Add(-3 * time.Hour)
	tk := zTicket(1, t0.Add(-2*time.Hour))
	tk.CreatedAt = s0
	h.fake.Put(tk)
	m := func(typ string, at time.Time) zendeskfake.MetricEvent {
		return zendeskfake.MetricEvent{TicketID: 1, Metric: "reply_time", InstanceID: 1, Type: typ, Time: at}
	}
	apply := m("apply_sla", s0)
	apply.SLA = &zendeskfake.EventSLA{Target: 60, TargetInSeconds: 3600}
	// Pages of 3 overlapping on their last second: activate, apply | pause, activate (same
	// second as the pause) | pause, activate.
	h.fake.PutEvents(m("activate", s0), apply,
		m("pause", s0.Add(10*time.Minute)), m("activate", s0.Add(20*time.Minute)),
		m("pause", s0.Add(20*time.Minute)), m("activate", s0.Add(50*time.Minute)))
	h.mustPoll(t)

	got, _ := h.st.Get("1")
	c, _ := got.Clock(ticket.SLAFirstResponse)
	// Active 10m, paused 10m, active 0m, paused 30m: 40m of pauses shift the breach.
	want := ticket.Cycle{Start: s0, Goal: time.Hour, Elapsed: 10 * time.Minute, BreachAt: s0.Add(100 * time.Minute), ObservedAt: s0.Add(50 * time.Minute)}
	if len(c.Cycles) != 1 || c.Cycles[0] != want {
		t.Errorf("cycle:\n got %+v\nwant %+v", c.Cycles, want)
	}
	var pages []string
	for _, r := range h.fake.Requests() {
		if r.Path == eventsPath {
			pages = append(pages, r.Query.Get("page[after]"))
		}
	}
	if len(pages) != 2 || pages[0] != "" || pages[1] == "" {
		t.Errorf("metric events requests: got page[after] %q, want two pages, the second by cursor", pages)
	}
}

func TestBearerTokenWithoutEmail(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{Token: testToken}, func(c *config.Source) { c.Auth.Email = "" })
	h.fake.Put(zTicket(1, t0.Add(-time.Hour)))
	h.mustPoll(t)
	if reqs := h.fake.Requests(); len(reqs) == 0 || !reqs[0].Authorized || h.st.Len() != 1 {
		t.Errorf("got %+v and %d tickets, want authorized bearer requests and 1 ticket", reqs, h.st.Len())
	}
}

// TestRetryAfterOfADayEndsThePoll: a Retry-After beyond the layer's cap ends the poll at once
// (the source goes down with the reason) instead of sleeping in it, and the next poll sends
// nothing before Zendesk allows.
func TestRetryAfterOfADayEndsThePoll(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.Put(zTicket(1, t0.Add(-time.Hour)))
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.RateLimited, RetryAfter: 24 * time.Hour})
	err := h.poll(t)
	if !errors.Is(err, vendorhttp.ErrRateLimited) || !strings.Contains(err.Error(), "in 24h0m0s (429 with Retry-After)") {
		t.Fatalf("poll: got %v, want ErrRateLimited saying when and why", err)
	}
	h.clk.Advance(time.Hour)
	if err := h.poll(t); !errors.Is(err, vendorhttp.ErrRateLimited) {
		t.Fatalf("an hour later: got %v, want ErrRateLimited", err)
	}
	if got := len(h.fake.Requests()); got != 1 || len(h.clk.Sleeps()) != 0 {
		t.Errorf("requests %d, sleeps %v; want the one refused request and no sleep", got, h.clk.Sleeps())
	}
	h.clk.Advance(23 * time.Hour)
	h.mustPoll(t)
	if h.st.Len() != 1 {
		t.Errorf("stored after the day: %d, want 1", h.st.Len())
	}
}

// TestRedirectToAnotherPortKeepsToken: an answer that redirects to another port of the same
// host is refused before anything is sent there, so the token never reaches it.
func TestRedirectToAnotherPortKeepsToken(t *testing.T) {
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("Authorization"))
	}))
	defer other.Close()
	zd := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
	}))
	defer zd.Close()
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.src.cfg.URL = zd.URL
	h.repace(t, limits, h.deps())
	err := h.poll(t)
	if !errors.Is(err, vendorhttp.ErrRedirect) || strings.Contains(err.Error(), testToken) {
		t.Errorf("poll: got %v, want a refused redirect without the token", err)
	}
	if len(leaked) > 0 {
		t.Errorf("the other port got %d requests (Authorization %q)", len(leaked), leaked)
	}
}
