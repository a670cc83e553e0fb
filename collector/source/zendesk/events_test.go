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
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// TestEventsPagePastACrowdedSecond (issue 12 item 2): more events in one second than a page
// holds (a bulk macro) are paged through with the endpoint's cursor pagination, and the events
// after that second are applied in the same poll. The time-based export could not page past
// that second, so every SLA clock of the account froze.
func TestEventsPagePastACrowdedSecond(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.src.eventsPageSize = 100
	crowded := t0.Add(-3 * time.Hour)
	var evs []zendeskfake.MetricEvent
	for id := int64(1); id <= 150; id++ {
		h.fake.Put(zTicket(id, t0.Add(-4*time.Hour)))
		evs = append(evs, replyEvents(id, crowded, false)...) // 300 events in one second
	}
	later := t0.Add(-time.Hour)
	evs = append(evs, zendeskfake.MetricEvent{TicketID: 1, Metric: "reply_time", InstanceID: 1, Type: "fulfill", Time: later})
	h.fake.PutEvents(evs...)
	h.mustPoll(t)

	if got := firstResponse(t, h, "150"); !got.BreachAt.Equal(crowded.Add(2 * time.Hour)) {
		t.Errorf("ticket 150, last of the crowded second: got %+v, want its clock", got)
	}
	if got := firstResponse(t, h, "1"); got.Running() || !got.Stop.Equal(later) {
		t.Errorf("ticket 1 after the crowded second: got %+v, want fulfilled at %v", got, later)
	}
	var afters []string
	for _, r := range h.fake.Requests() {
		if r.Path == eventsPath {
			if r.Query.Get("page[size]") != "100" || r.Query.Get("include_changes") != "true" {
				t.Errorf("events request %v: want page[size]=100 and include_changes=true", r.Query)
			}
			afters = append(afters, r.Query.Get("page[after]"))
		}
	}
	if len(afters) != 4 || afters[0] != "" || afters[3] == "" {
		t.Errorf("events pages: got page[after] %q, want 4 pages (301 events), all but the first by cursor", afters)
	}
	// The next poll reads from the newest second on, and applies nothing twice.
	before := len(h.st.Batches)
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	if got := firstResponse(t, h, "1"); got.Running() || !got.Stop.Equal(later) {
		t.Errorf("ticket 1 after a second poll: got %+v", got)
	}
	for _, b := range h.st.Batches[before:] {
		if len(b.Upserts) != 0 {
			t.Errorf("second poll upserted %d tickets, want none (the overlap is applied once)", len(b.Upserts))
		}
	}
}

// TestEventsCursorHeldBehindVendorClock (issue 13 item 1): one event dated a year ahead is
// applied, but the events cursor stays behind Zendesk's clock (its Date header) less the
// margin, so the events of the next minutes are not skipped; the skew shows in the gauge and a
// log line.
func TestEventsCursorHeldBehindVendorClock(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.fake.Put(zTicket(1, t0.Add(-2*time.Hour)), zTicket(2, t0.Add(-2*time.Hour)))
	future := t0.AddDate(1, 0, 0)
	h.fake.PutEvents(replyEvents(1, t0.Add(-time.Hour), false)...)
	h.fake.PutEvents(zendeskfake.MetricEvent{TicketID: 1, Metric: "reply_time", InstanceID: 1, Type: "pause", Time: future})
	h.mustPoll(t)
	cur, _ := decodeCursor(h.st.Cursor())
	if limit := t0.Add(-cursorMargin).Unix(); cur.Events > limit {
		t.Fatalf("events cursor: got %v, want at most %v (Zendesk's clock less %v)", time.Unix(cur.Events, 0).UTC(), time.Unix(limit, 0).UTC(), cursorMargin)
	}
	// Zendesk's clock is right (the gauge says so); the record is what is ahead, and the log says so.
	if got, ok := h.stats.Skew(); !ok || got != 0 {
		t.Errorf("clock skew gauge: got %v (known %v), want 0: Zendesk's clock is custops'", got, ok)
	}
	if !strings.Contains(h.logs.String(), "zendesk_clock_skew") {
		t.Errorf("logs: want zendesk_clock_skew, got %s", h.logs.String())
	}
	// An event of the next minute arrives (and the future one comes again): the first is
	// applied, the second not twice.
	h.clk.Advance(3 * time.Minute)
	h.fake.PutEvents(replyEvents(2, t0.Add(time.Minute), false)...)
	h.mustPoll(t)
	if got := firstResponse(t, h, "2"); !got.BreachAt.Equal(t0.Add(time.Minute + 2*time.Hour)) {
		t.Errorf("ticket 2, changed after the skewed event: got %+v, want its clock", got)
	}
}

// TestEventsCursorFromAnOlderVersionComesBack (issue 13 item 1): a stored events cursor a year
// ahead (what the old code saved after a skewed event) is pulled back behind Zendesk's clock.
func TestEventsCursorFromAnOlderVersionComesBack(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	cur := cursorState{V: cursorVersion, OldOpenDone: true, Events: t0.AddDate(1, 0, 0).Unix()}
	h.fake.Put(zTicket(3, t0.Add(-2*time.Hour)))
	h.mustPoll(t) // the ticket
	stored, _ := decodeCursor(h.st.Cursor())
	cur.Tickets, cur.TicketsGood = stored.Tickets, stored.TicketsGood
	if err := h.st.Apply(source.Batch{Cursor: cur.encode()}); err != nil {
		t.Fatal(err)
	}
	h.fake.PutEvents(replyEvents(3, t0.Add(-10*time.Second), false)...)
	h.clk.Advance(time.Minute)
	h.mustPoll(t)
	if got := firstResponse(t, h, "3"); got.Goal != 2*time.Hour {
		t.Errorf("ticket 3: got %+v, want its clock from events before the stored cursor", got)
	}
	if cur, _ := decodeCursor(h.st.Cursor()); cur.Events > h.clk.Now().Add(-cursorMargin).Unix() {
		t.Errorf("events cursor: got %v, want behind Zendesk's clock", time.Unix(cur.Events, 0).UTC())
	}
	if !strings.Contains(h.logs.String(), "zendesk_events_cursor_ahead_of_vendor_clock") {
		t.Errorf("logs: want zendesk_events_cursor_ahead_of_vendor_clock")
	}
}

// TestEventsRefusedPageAfterRestartsByTime (issue 13 item 2): a page[after] Zendesk refuses
// restarts the poll's events from the time cursor, with a log line, and nothing is lost.
func TestEventsRefusedPageAfterRestartsByTime(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	h.src.eventsPageSize = 2
	h.fake.Put(zTicket(4, t0.Add(-2*time.Hour)), zTicket(5, t0.Add(-2*time.Hour)))
	h.fake.PutEvents(replyEvents(4, t0.Add(-time.Hour), false)...)
	h.fake.PutEvents(replyEvents(5, t0.Add(-50*time.Minute), false)...)
	h.mustPoll(t) // tickets and events
	h.fake.PutEvents(zendeskfake.MetricEvent{TicketID: 4, Metric: "reply_time", InstanceID: 1, Type: "fulfill", Time: t0.Add(-10 * time.Minute)},
		zendeskfake.MetricEvent{TicketID: 5, Metric: "reply_time", InstanceID: 1, Type: "fulfill", Time: t0.Add(-9 * time.Minute)},
		zendeskfake.MetricEvent{TicketID: 5, Metric: "reply_time", InstanceID: 1, Type: "update_status", Time: t0.Add(-9 * time.Minute),
			Status: &zendeskfake.EventStatus{Calendar: 41, Business: 41}})
	h.clk.Advance(time.Minute)
	h.fake.ResetRequests()
	// The export and the first events page pass, then the second page's page[after] is refused.
	h.fake.FailNext(zendeskfake.Failure{Kind: zendeskfake.Refused, After: 2})
	h.mustPoll(t)
	for _, k := range []string{"4", "5"} {
		if got := firstResponse(t, h, k); got.Running() {
			t.Errorf("ticket %s: got %+v, want fulfilled", k, got)
		}
	}
	if !strings.Contains(h.logs.String(), "zendesk_events_cursor_refused_restarting_by_time") {
		t.Errorf("logs: want zendesk_events_cursor_refused_restarting_by_time")
	}
}

// TestEventsTokenLoopMarksDown (issue 13 item 2): tokens that alternate A/B end the poll with an
// error after a bounded number of requests, instead of a request storm with up = 1.
func TestEventsTokenLoopMarksDown(t *testing.T) {
	var n int
	h := newHarness(t, zendeskfake.Options{}, nil)
	h.synced(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != eventsPath {
			h.fake.ServeHTTP(w, r)
			return
		}
		n++
		tok := []string{"A", "B"}[n%2]
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"ticket_metric_events":[],"meta":{"has_more":true,"after_cursor":%q,"before_cursor":null},"links":{"next":"%s%s?page%%5Bafter%%5D=%s","prev":null}}`,
			tok, "http://"+r.Host, eventsPath, tok)
	}))
	defer srv.Close()
	h.src.cfg.URL = srv.URL
	h.repace(t, roomy, h.deps())
	err := h.poll(t)
	if !errors.Is(err, errNoProgress) || n > 3 {
		t.Errorf("got %v after %d events requests, want errNoProgress after at most 3", err, n)
	}
}

// TestPollDeletedBreachAcrossPolls (issue 12 item 4): a breach event read in one poll that
// Zendesk later invalidates (the target changed, the reply came in time) clears the breach in a
// later poll: the change arrives through include_changes.
func TestPollDeletedBreachAcrossPolls(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{}, nil)
	start := t0.Add(-3 * time.Hour)
	h.fake.Put(zTicket(6, t0.Add(-4*time.Hour)))
	h.fake.PutEvents(replyEvents(6, start, false)...)
	h.fake.PutEvents(zendeskfake.MetricEvent{TicketID: 6, Metric: "reply_time", InstanceID: 1, Type: "breach", Time: start.Add(2 * time.Hour), Deleted: ptr(false)})
	h.mustPoll(t)
	if got := firstResponse(t, h, "6"); !got.Breached {
		t.Fatalf("after the breach event: got %+v, want breached", got)
	}
	h.clk.Advance(5 * time.Minute)
	h.fake.PutEvents(zendeskfake.MetricEvent{TicketID: 6, Metric: "reply_time", InstanceID: 1, Type: "apply_sla", Time: h.clk.Now().Add(-time.Minute),
		SLA: &zendeskfake.EventSLA{Target: 240, TargetInSeconds: 4 * 3600}})
	if n := h.fake.DeleteBreach(6, "reply_time", 1); n != 1 {
		t.Fatal("no breach to delete")
	}
	h.clk.Advance(3 * time.Minute)
	h.mustPoll(t)
	got := firstResponse(t, h, "6")
	if got.Breached || !got.BreachAt.Equal(start.Add(4*time.Hour)) {
		t.Errorf("after the deleted breach and a 4h target: got %+v, want not breached, breach at %v", got, start.Add(4*time.Hour))
	}
	if st := sla.StatusAt(got, h.clk.Now(), config.Threshold{}, nil).State; st != sla.StateRunning {
		t.Errorf("status now: got %s, want running", st)
	}
	if got.Goal != 4*time.Hour {
		t.Errorf("goal: got %v, want 4h", got.Goal)
	}
}
