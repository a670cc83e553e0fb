package zendesk

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/internal/demo/zendeskfake"
)

// longSync fills a fake with tickets and events, runs one poll on the fake clock and returns
// the request times per path.
func longSync(tb testing.TB, tickets, perPage, eventsPerTicket int) (map[string][]time.Time, *harness) {
	h := newHarness(tb, zendeskfake.Options{}, nil)
	h.src.perPage = perPage
	var ts []zendeskfake.Ticket
	var evs []zendeskfake.MetricEvent
	for i := range tickets {
		at := t0.Add(-24 * time.Hour).Add(time.Duration(i) * time.Second)
		ts = append(ts, zTicket(int64(i+1), at))
		for e := range eventsPerTicket {
			evs = append(evs, zendeskfake.MetricEvent{TicketID: int64(i + 1), Metric: "reply_time", InstanceID: 1,
				Type: []string{"activate", "apply_sla", "pause", "activate"}[e%4], Time: at,
				SLA: &zendeskfake.EventSLA{Target: 60, TargetInSeconds: 3600}})
		}
	}
	h.fake.Put(ts...)
	h.fake.PutEvents(evs...)
	if err := h.src.Poll(context.Background(), h.st); err != nil {
		tb.Fatal(err)
	}
	if got := h.st.Len(); got != tickets {
		tb.Fatalf("stored: got %d, want %d", got, tickets)
	}
	return h.times, h
}

// maxInWindow is the most requests any window of length w holds.
func maxInWindow(times []time.Time, w time.Duration) int {
	most := 0
	for i := range times {
		n := 0
		for j := i; j < len(times) && times[j].Sub(times[i]) < w; j++ {
			n++
		}
		most = max(most, n)
	}
	return most
}

const (
	exportPath = "/api/v2/incremental/tickets/cursor.json"
	eventsPath = "/api/v2/incremental/ticket_metric_events.json"
)

func TestLongSyncStaysUnderRateLimits(t *testing.T) {
	times, h := longSync(t, 3000, 100, 2) // 30 export pages, 60 events pages
	if got := len(times[exportPath]); got != 30 {
		t.Fatalf("export requests: got %d, want 30", got)
	}
	if got := maxInWindow(times[exportPath], time.Minute); got > 10 {
		t.Errorf("export requests in one minute: got up to %d, want at most 10 (Zendesk's limit)", got)
	}
	if got := maxInWindow(times[eventsPath], time.Minute); got > 200 {
		t.Errorf("metric events requests in one minute: got up to %d, want at most 200", got)
	}
	if n := h.requestCount(endpointTickets, "429") + h.requestCount(endpointMetricEvents, "429"); n != 0 {
		t.Errorf("429s: got %v, want none", n)
	}
	if n, _ := h.stats.RateLimitWaits(); n == 0 {
		t.Error("rate limit waits: got none, want the pacing counted")
	}
}

// BenchmarkLongSync measures the pacing of a first sync against the fake: 5000 tickets in 50
// export pages of 100 and 20000 metric events in 200 pages, on the injected clock. Reported:
// requests per simulated minute for each endpoint and the simulated duration.
func BenchmarkLongSync(b *testing.B) {
	var exportRate, eventsRate, simMinutes float64
	for b.Loop() {
		times, _ := longSync(b, 5000, 100, 4)
		ex, evs := times[exportPath], times[eventsPath]
		exSpan := ex[len(ex)-1].Sub(ex[0]).Minutes()
		evSpan := evs[len(evs)-1].Sub(evs[0]).Minutes()
		exportRate = float64(len(ex)-1) / exSpan
		eventsRate = float64(len(evs)-1) / evSpan
		simMinutes = evs[len(evs)-1].Sub(ex[0]).Minutes()
		if maxInWindow(ex, time.Minute) > 10 {
			b.Fatalf("export requests over 10 in a minute: %d", maxInWindow(ex, time.Minute))
		}
	}
	b.ReportMetric(exportRate, "export_req/min")
	b.ReportMetric(eventsRate, "events_req/min")
	b.ReportMetric(simMinutes, "sim_minutes/sync")
}

// BenchmarkQuietPoll is the steady state: a poll with no changes, two requests.
func BenchmarkQuietPoll(b *testing.B) {
	h := newHarness(b, zendeskfake.Options{}, nil)
	h.fake.Put(zTicket(1, t0.Add(-time.Hour)))
	if err := h.src.Poll(context.Background(), h.st); err != nil {
		b.Fatal(err)
	}
	h.fake.ResetRequests()
	polls := 0
	for b.Loop() {
		h.clk.Advance(time.Minute)
		if err := h.src.Poll(context.Background(), h.st); err != nil {
			b.Fatal(err)
		}
		polls++
	}
	reqs := h.fake.Requests()
	b.ReportMetric(float64(len(reqs))/float64(polls), "requests/poll")
	if len(h.clk.Sleeps()) > 0 || strings.Contains(h.logs.String(), "rate_limited") {
		b.Fatalf("a quiet poll waited: %v", h.clk.Sleeps())
	}
}
