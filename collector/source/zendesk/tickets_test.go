package zendesk

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// storeCursor replaces the stored cursor, as an older version or a corruption left it.
func (h *harness) storeCursor(t *testing.T, mod func(*cursorState)) {
	t.Helper()
	cur, _ := decodeCursor(h.st.Cursor())
	mod(&cur)
	if err := h.st.Apply(source.Batch{Cursor: cur.encode()}); err != nil {
		t.Fatal(err)
	}
}

// TestRefusedExportCursorFallsBack (issue 13 item 2): an export cursor Zendesk refuses no longer
// poisons the source: the poll resumes from the last cursor Zendesk answered, or restarts from
// the newest change applied, with a log line, and the next polls work.
func TestRefusedExportCursorFallsBack(t *testing.T) {
	cases := []struct {
		name    string
		mod     func(*cursorState)
		wantLog string
	}{
		{"to the last good cursor", func(c *cursorState) { c.Tickets = "bm90LWEtY3Vyc29y" }, "zendesk_cursor_refused_resuming_last_good"},
		{"to a time-based restart", func(c *cursorState) { c.Tickets, c.TicketsGood = "bm90LWEtY3Vyc29y", "" }, "zendesk_cursor_refused_restarting_by_time"},
		{"from an older version's cursor", func(c *cursorState) { c.Tickets, c.TicketsGood, c.TicketsTime = "bm90LWEtY3Vyc29y", "", 0 }, "zendesk_cursor_refused_restarting_by_time"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, zendeskfake.Options{}, nil)
			h.fake.Put(zTicket(1, t0.Add(-time.Hour)))
			h.mustPoll(t)
			h.clk.Advance(time.Minute)
			h.mustPoll(t) // a poll by cursor: the cursor it sent is the last good one
			h.storeCursor(t, tc.mod)
			h.fake.Put(zTicket(2, h.clk.Now().Add(-5*time.Minute)))
			h.clk.Advance(2 * time.Minute)
			h.mustPoll(t)
			if _, ok := h.st.Get("2"); !ok {
				t.Error("ticket 2: not stored after the fallback")
			}
			if !strings.Contains(h.logs.String(), tc.wantLog) {
				t.Errorf("logs: want %s in %s", tc.wantLog, h.logs.String())
			}
			h.fake.Put(zTicket(3, h.clk.Now().Add(-time.Minute)))
			h.clk.Advance(2 * time.Minute)
			h.fake.ResetRequests()
			h.mustPoll(t)
			if _, ok := h.st.Get("3"); !ok {
				t.Error("ticket 3: not stored by the next poll")
			}
			if n := h.requestCount(endpointTickets, "400"); n != 1 {
				t.Errorf("refused export requests: got %v, want only the one", n)
			}
		})
	}
}

// TestExportTokenLoopMarksDown (issue 13 item 2): an export that keeps answering "more" with
// after_cursors that come back ends the poll with an error (the source shows down) after a few
// requests.
func TestExportTokenLoopMarksDown(t *testing.T) {
	var n int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"tickets":[],"after_cursor":%q,"after_url":null,"before_cursor":null,"before_url":null,"end_of_stream":false}`,
			[]string{"A", "B"}[n%2])
	}))
	defer srv.Close()
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	h.src.cfg.URL = srv.URL
	h.repace(t, roomy, h.deps())
	if err := h.poll(t); !errors.Is(err, errNoProgress) || n > 3 {
		t.Errorf("got %v after %d requests, want errNoProgress after at most 3", err, n)
	}
}

// TestComputedModeLearnsFirstReply (issue 12 item 1): with sla: computed the metric events are not
// read, and the ticket's metric set (include=metric_sets) gives the first reply to the second,
// the solve time and the reopens.
func TestComputedModeLearnsFirstReply(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, func(c *config.Source) { c.SLA = config.SLAComputed })
	created := t0.Add(-5 * time.Hour)
	secs, mins := int64(25*60+7), int64(25)
	solved := t0.Add(-time.Hour)
	open, done := zTicket(1, t0.Add(-2*time.Hour)), zTicket(2, solved)
	open.CreatedAt, done.CreatedAt = created, created
	done.Status = "solved"
	open.MetricSet = &zendeskfake.MetricSet{TicketID: 1, Replies: 1,
		ReplyTimeInSeconds: zendeskfake.MetricTime{Calendar: &secs}, ReplyTimeInMinutes: zendeskfake.MetricTime{Calendar: &mins, Business: &mins}}
	done.MetricSet = &zendeskfake.MetricSet{TicketID: 2, Reopens: 2, SolvedAt: &solved}
	h.fake.Put(open, done)
	h.mustPoll(t)
	got, _ := h.st.Get("1")
	if want := created.Add(25*time.Minute + 7*time.Second); !got.FirstReply.Equal(want) {
		t.Errorf("first reply: got %v, want %v", got.FirstReply, want)
	}
	got2, _ := h.st.Get("2")
	if !got2.Resolved.Equal(solved) || got2.Reopened != 2 || !got2.FirstReply.IsZero() {
		t.Errorf("solved without a reply: got resolved %v reopened %d first reply %v, want %v, 2, none", got2.Resolved, got2.Reopened, got2.FirstReply, solved)
	}
	if n := h.requestCount(endpointMetricEvents, ""); n != 0 {
		t.Errorf("metric events requests in computed mode: got %v, want 0", n)
	}
}

// TestFirstSyncBringsOldOpenTickets (issue 12 item 8): the first sync brings every open ticket,
// however old (the export starts a year back), with its organization and reporter domain; old
// solved tickets stay out, and later polls do not search again.
func TestFirstSyncBringsOldOpenTickets(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	old := t0.AddDate(-2, 0, 0)
	h.fake.PutOrganizations(zendeskfake.Organization{ID: 360007, Name: "Old Customer"})
	h.fake.PutUsers(zendeskfake.User{ID: 10, Email: "it@old-customer.example", Role: "end-user"})
	ancient, closed := zTicket(1, old), zTicket(2, old)
	ancient.Status, ancient.OrganizationID = "hold", ptr(int64(360007))
	closed.Status = "closed"
	h.fake.Put(ancient, closed, zTicket(3, t0.Add(-time.Hour)))
	h.mustPoll(t)
	got, ok := h.st.Get("1")
	if !ok {
		t.Fatal("open ticket untouched for two years: not stored")
	}
	if got.State != ticket.StateWaitingPartner || got.Attributes.Organizations[0].Name != "Old Customer" || got.Attributes.ReporterDomain != "old-customer.example" {
		t.Errorf("old open ticket: got state %s organizations %v domain %q", got.State, got.Attributes.Organizations, got.Attributes.ReporterDomain)
	}
	if _, ok := h.st.Get("2"); ok {
		t.Error("closed ticket untouched for two years: stored, want left out")
	}
	if _, ok := h.st.Get("3"); !ok {
		t.Error("recent ticket: not stored")
	}
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	if n := h.requestCount(endpointSearchExport, ""); n != 1 {
		t.Errorf("search export requests after two polls: got %v, want 1", n)
	}
}

// TestCustomStatusMappedByName (issue 12 item 12): a custom status maps through `statuses` by
// the name agents see, else by its category; the ticket shows the name.
func TestCustomStatusMappedByName(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, func(c *config.Source) {
		c.Statuses = map[string]ticket.State{"Waiting on vendor": ticket.StateWaitingPartner}
	})
	h.fake.SetCustomStatuses(
		zendeskfake.CustomStatus{ID: 77, StatusCategory: "open", AgentLabel: "Waiting on vendor", Active: true},
		zendeskfake.CustomStatus{ID: 78, StatusCategory: "pending", AgentLabel: "Awaiting customer data", Active: true},
	)
	a, b := zTicket(1, t0.Add(-time.Hour)), zTicket(2, t0.Add(-time.Hour))
	a.Status, a.CustomStatusID = "open", ptr(int64(77))
	b.Status, b.CustomStatusID = "pending", ptr(int64(78))
	h.fake.Put(a, b)
	h.mustPoll(t)
	got1, _ := h.st.Get("1")
	got2, _ := h.st.Get("2")
	if got1.State != ticket.StateWaitingPartner || got1.Status != "Waiting on vendor" || len(got1.Quality) != 0 {
		t.Errorf("named custom status: got %s %q %v, want waiting_partner \"Waiting on vendor\" and no quality flag", got1.State, got1.Status, got1.Quality)
	}
	if got2.State != ticket.StateWaitingCustomer || got2.Status != "Awaiting customer data" {
		t.Errorf("unnamed custom status: got %s %q, want its category's state, waiting_customer", got2.State, got2.Status)
	}
	if n := h.requestCount(endpointStatuses, ""); n != 1 {
		t.Errorf("custom statuses requests: got %v, want 1", n)
	}
}

// TestOrganizationsLookedUpByID (issue 12 item 12): an organization the sideload lacks is read
// by id with show_many, not by listing every organization of the account.
func TestOrganizationsLookedUpByID(t *testing.T) {
	var paths []string
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.PutOrganizations(zendeskfake.Organization{ID: 5, Name: "Five"}, zendeskfake.Organization{ID: 6, Name: "Six"})
	// Zendesk leaves an organization out of the sideload (for instance one the token may not
	// see in full): the fake in front drops the sideload.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path+"?"+r.URL.RawQuery)
		if r.URL.Path == exportPath {
			q := r.URL.Query()
			q.Set("include", "users,metric_sets")
			r.URL.RawQuery = q.Encode()
		}
		h.fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	h.src.cfg.URL = srv.URL
	h.repace(t, roomy, h.deps())
	tk := zTicket(1, t0.Add(-time.Hour))
	tk.OrganizationID = ptr(int64(6))
	h.fake.Put(tk)
	h.mustPoll(t)
	got, _ := h.st.Get("1")
	if got.Attributes.Organizations[0].Name != "Six" {
		t.Errorf("organization: got %v, want Six", got.Attributes.Organizations)
	}
	var orgs []string
	for _, p := range paths {
		if strings.HasPrefix(p, "/api/v2/organizations") {
			orgs = append(orgs, p)
		}
	}
	if len(orgs) != 1 || orgs[0] != "/api/v2/organizations/show_many.json?ids=6" {
		t.Errorf("organization requests: got %v, want one show_many of id 6", orgs)
	}
}

// TestCSATSurveyResponses (issue 12 item 10): an account on the CSAT survey (no legacy rating
// on its tickets) reports CSAT from the survey responses: good and bad count, neutral is an answer
// that is neither; an account that refuses the endpoint is not asked again for a while.
func TestCSATSurveyResponses(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	at := t0.Add(-30 * time.Minute)
	var ts []zendeskfake.Ticket
	for id := int64(1); id <= 3; id++ {
		tk := zTicket(id, t0.Add(-20*time.Minute))
		tk.Status = "solved"
		ts = append(ts, tk)
	}
	h.fake.Put(ts...)
	h.fake.PutSurveyResponses(
		zendeskfake.TicketSurveyResponse("r1", 1, 5, "good", at),
		zendeskfake.TicketSurveyResponse("r2", 2, 1, "bad", at),
		zendeskfake.TicketSurveyResponse("r3", 3, 3, "neutral", at),
	)
	h.mustPoll(t)
	for key, want := range map[string]ticket.CSAT{"1": ticket.CSATGood, "2": ticket.CSATBad, "3": ticket.CSATNone} {
		got, _ := h.st.Get(key)
		if got.CSAT != want || (want != ticket.CSATNone && !got.CSATAt.Equal(at)) {
			t.Errorf("ticket %s: got %q at %v, want %q at %v", key, got.CSAT, got.CSATAt, want, at)
		}
	}
	// A neutral answer already held writes nothing again.
	before := len(h.st.Batches)
	tk3 := ts[2]
	tk3.UpdatedAt = t0.Add(time.Minute)
	h.fake.Put(tk3)
	h.clk.Advance(3 * time.Minute)
	h.mustPoll(t)
	for _, b := range h.st.Batches[before:] {
		for _, u := range b.Upserts {
			if u.Key == "3" && u.Updated.Equal(tk3.UpdatedAt) && b.Cursor == nil {
				t.Errorf("ticket 3 written again for the neutral answer it holds")
			}
		}
	}
	// A changed answer is read when the ticket changes again.
	h.fake.PutSurveyResponses(zendeskfake.TicketSurveyResponse("r2", 2, 5, "good", at.Add(10*time.Minute)))
	tk := ts[1]
	tk.UpdatedAt = t0.Add(time.Minute)
	h.fake.Put(tk)
	h.clk.Advance(3 * time.Minute)
	h.mustPoll(t)
	if got, _ := h.st.Get("2"); got.CSAT != ticket.CSATGood {
		t.Errorf("ticket 2 after a changed answer: got %q, want good", got.CSAT)
	}

	// A legacy account: the endpoint is refused; the poll goes on and asks again an hour later.
	h2 := newHarness(t, zendeskfake.Options{}, nil)
	h2.synced(t)
	solved := zTicket(9, t0.Add(-10*time.Minute))
	solved.Status = "solved"
	h2.fake.Put(solved)
	h2.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.Unauthorized, After: 1})
	h2.mustPoll(t)
	solved.UpdatedAt = t0.Add(time.Minute)
	h2.fake.Put(solved)
	h2.clk.Advance(3 * time.Minute)
	h2.mustPoll(t)
	if n := h2.requestCount(endpointSurveys, ""); n != 1 {
		t.Errorf("survey requests on a refusing account: got %v, want 1 within the hour", n)
	}
}
