package report

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/ticket"
)

var vilnius = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Vilnius")
	if err != nil {
		panic(err)
	}
	return loc
}()

// vil is a wall-clock time in Vilnius (EET, UTC+2, in November).
func vil(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, vilnius)
	if err != nil {
		panic(err)
	}
	return t
}

// weekTickets are acme's tickets around 2026-W47 (16 to 22 November in Vilnius), and one of
// rival's. TestReportByHand's numbers are worked out from these comments.
func weekTickets() []*ticket.Ticket {
	fr, res := ticket.SLAFirstResponse, ticket.SLAResolution
	return []*ticket.Ticket{
		// K1: W47, Billing, answered in 30m (met), resolved after 24h; its resolution goal
		// passed on the 17th at 14:00 (a breach of W47); a good rating on the 19th.
		tk("K1", created(vil("2026-11-17 10:00")), requestType("Billing"), firstReply(vil("2026-11-17 10:30")),
			resolved(vil("2026-11-18 10:00")), csat(ticket.CSATGood, vil("2026-11-19 09:00")),
			clock(fr, ticket.Cycle{Start: vil("2026-11-17 10:00"), Stop: vil("2026-11-17 10:30"), Goal: time.Hour, Elapsed: 30 * time.Minute, ObservedAt: vil("2026-11-17 10:30")}),
			clock(res, ticket.Cycle{Start: vil("2026-11-17 10:00"), Stop: vil("2026-11-18 10:00"), Goal: 4 * time.Hour, Elapsed: 24 * time.Hour, Breached: true, BreachAt: vil("2026-11-17 14:00"), ObservedAt: vil("2026-11-18 10:00")})),
		// K2: W46, P2, Access, escalated, open; answered after 2h.
		tk("K2", created(vil("2026-11-11 08:00")), prio(ticket.P2), requestType("Access"), escalated(), firstReply(vil("2026-11-11 10:00"))),
		// K3: a P1 incident opened on Friday of W47, still open; its first-response goal passed
		// at 11:00 that day (a breach of W47, still running).
		tk("K3", created(vil("2026-11-20 09:00")), incident(),
			clock(fr, ticket.Cycle{Start: vil("2026-11-20 09:00"), Goal: 2 * time.Hour, BreachAt: vil("2026-11-20 11:00"), ObservedAt: now})),
		// K4: P3 Cards by phone on the 19th, answered in 1h, waiting on the customer since 15:00.
		tk("K4", created(vil("2026-11-19 10:00")), prio(ticket.P3), requestType("Cards"), channel(ticket.ChannelPhone),
			firstReply(vil("2026-11-19 11:00")), state(ticket.StateWaitingCustomer),
			transitions(ticket.Transition{At: vil("2026-11-19 10:00"), State: ticket.StateNew},
				ticket.Transition{At: vil("2026-11-19 11:00"), State: ticket.StateInProgress},
				ticket.Transition{At: vil("2026-11-19 15:00"), State: ticket.StateWaitingCustomer})),
		// K5: W46, Billing, resolved after 24h, a bad rating.
		tk("K5", created(vil("2026-11-09 09:00")), prio(ticket.P2), requestType("Billing"),
			resolved(vil("2026-11-10 09:00")), csat(ticket.CSATBad, vil("2026-11-12 09:00"))),
		// K6: P4 on Saturday of W47, open, a summary with markup.
		tk("K6", created(vil("2026-11-21 12:00")), prio(ticket.P4), summary(`<script>alert("owned")</script> & more`)),
		// Rival's ticket: never in acme's report.
		tk(rivalKey, customer("rival"), summary(rivalText), created(vil("2026-11-18 09:00"))),
	}
}

func headlineOf(r *Report, id string) Headline {
	for _, h := range r.Headlines {
		if h.ID == id {
			return h
		}
	}
	return Headline{ID: "missing " + id}
}

func TestReportByHand(t *testing.T) {
	r, html := page(t, viewOf(t, weekTickets()...), Options{})
	if r.Week.String() != "2026-W47" || len(r.Weeks) != Weeks || r.Weeks[0].Week.String() != "2026-W36" {
		t.Fatalf("default week %s with %d weeks from %s; want the last complete week 2026-W47 and 12 weeks from 2026-W36", r.Week, len(r.Weeks), r.Weeks[0].Week)
	}
	for _, tc := range []struct {
		id           string
		raw          float64 // NaN: none
		value, words string
		verdict      string
	}{
		{"sla-first_response", 1, "100.0%", "no data the week before", "none"},
		{"sla-resolution", 0, "0.0%", "no data the week before", "none"},
		{"breaches", 2, "2", "up 2 from 0", "worse"},
		{"created", 4, "4", "up 2 from 2", "neutral"},
		{"resolved", 1, "1", "no change from 1", "same"},
		{"backlog", 4, "4", "up 3 from 1", "worse"},
		{"csat", 1, "100.0%", "up 100.0 points from 0.0%", "better"},
		{"official", 0.75, "75.0%", "down 25.0 points from 100.0%", "worse"},
		{"first-response", (45 * time.Minute).Seconds(), "45m", "down 1h 15m from 2h 0m", "better"},
		{"resolution", (24 * time.Hour).Seconds(), "1d 0h", "no change from 1d 0h", "same"},
	} {
		h := headlineOf(r, tc.id)
		if h.Raw != tc.raw || h.Value != tc.value || h.Words != tc.words || h.Verdict != tc.verdict {
			t.Errorf("%s: got %v %q %q %s, want %v %q %q %s", tc.id, h.Raw, h.Value, h.Words, h.Verdict, tc.raw, tc.value, tc.words, tc.verdict)
		}
		if !strings.Contains(html, fmt.Sprintf(`data-headline="%s" data-value="%s"`, tc.id, rawValue(tc.raw))) {
			t.Errorf("the page lacks headline %s with value %v", tc.id, tc.raw)
		}
	}
	if got := headlineOf(r, "backlog").Note; got != "P1 1 · P2 1 · P3 1 · P4 1, at 23.11.2026 00:00 EET" {
		t.Errorf("backlog note %q", got)
	}

	// Lists as of Monday 23 November 00:00 EET.
	want := map[string][]string{
		"breaches":    {"K1", "K3"},
		"incidents":   {"K3"},
		"waiting":     {"K4"},
		"escalations": {"K2"},
		"oldest":      {"K2", "K4", "K3", "K6"},
	}
	for _, l := range r.Lists {
		var keys []string
		for _, row := range l.Rows {
			keys = append(keys, row.Key)
		}
		if strings.Join(keys, ",") != strings.Join(want[l.ID], ",") {
			t.Errorf("list %s: got %v, want %v", l.ID, keys, want[l.ID])
		}
		if l.Appendix != "" {
			t.Errorf("list %s has an appendix with %d rows", l.ID, len(l.Rows))
		}
	}
	breachRow := r.Lists[0].Rows[0]
	if strings.Join(breachRow.Cells, "|") != "P1|Resolution|17.11.2026 14:00 EET|resolved" {
		t.Errorf("K1's breach row: %v", breachRow.Cells)
	}
	if got := strings.Join(r.Lists[2].Rows[0].Cells, "|"); got != "P3|19.11.2026 15:00 EET|3d 9h" {
		t.Errorf("K4 waiting since: %s", got)
	}

	// Themes: Billing 2 and uncategorized 2 (K3, K6) are the top 2; Access and Cards are other.
	var themes []string
	for _, row := range r.Themes.Rows {
		themes = append(themes, fmt.Sprintf("%s %d/%d", row.Name, row.ThisWeek, row.Total))
	}
	if got := strings.Join(themes, ", "); got != "Billing 1/2, Uncategorized 2/2, Other 1/2" {
		t.Errorf("themes: %s", got)
	}

	// Charts: one per SLA, flow, backlog, CSAT, official share, two medians; points as drawn.
	points := map[string]string{}
	for _, c := range r.Charts {
		m := regexp.MustCompile(`data-points="(\d+)"`).FindStringSubmatch(string(c.SVG))
		points[c.ID] = m[1]
	}
	for id, n := range map[string]string{
		"sla-first-response": "1", "sla-resolution": "1", // only W47 completed a cycle
		"flow": "24", "backlog": "48", // every week has a bar, zeros too
		"csat": "2", "official": "2", "first-response": "2", "resolution": "2",
	} {
		if points[id] != n {
			t.Errorf("chart %s has %s points, want %s", id, points[id], n)
		}
	}

	// Every time says its zone; the markup in a summary stays text.
	if !strings.Contains(html, "every time in Europe/Vilnius (UTC&#43;02:00)") || !strings.Contains(html, "data as of 25.11.2026 14:00 EET") {
		t.Errorf("the page does not name the zone or the instant")
	}
	if strings.Contains(html, "<script") || !strings.Contains(html, "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt; &amp; more") {
		t.Errorf("the summary's markup is not escaped")
	}
}

// TestCustomerReportHasNoInternalFields renders acme's customer report and finds none of what is
// internal or another customer's; the internal report has the internal fields.
func TestCustomerReportHasNoInternalFields(t *testing.T) {
	v := viewOf(t, weekTickets()...)
	r, html := page(t, v, Options{})
	if r.Internal != nil || r.Audience != Customer {
		t.Fatalf("the default report is internal")
	}
	for _, forbidden := range []string{acmeCSM, rivalName, rivalCSM, rivalKey, rivalText, "Risk score", "risk", "Risk", "internal", "/meeting", "gold"} {
		if strings.Contains(html, forbidden) {
			t.Errorf("the customer report contains %q", forbidden)
		}
	}
	_, internal := page(t, v, Options{Audience: Internal})
	for _, want := range []string{acmeCSM, "Risk score now", `<table id="risk-factors">`, "/customers/acme/meeting"} {
		if !strings.Contains(internal, want) {
			t.Errorf("the internal report lacks %q", want)
		}
	}
	for _, forbidden := range []string{rivalName, rivalCSM, rivalKey, rivalText} {
		if strings.Contains(internal, forbidden) {
			t.Errorf("the internal report of acme contains rival's %q", forbidden)
		}
	}
}

// TestLongListAppendix: 14 open tickets make the oldest-tickets list longer than the body shows:
// the body has 10 and says where the rest is; the appendix has all 14.
func TestLongListAppendix(t *testing.T) {
	var tickets []*ticket.Ticket
	for i := range 14 {
		tickets = append(tickets, tk(fmt.Sprintf("L%02d", i), created(vil("2026-11-02 09:00").Add(time.Duration(i)*time.Hour))))
	}
	r, html := page(t, viewOf(t, tickets...), Options{})
	var oldest List
	for _, l := range r.Lists {
		if l.ID == "oldest" {
			oldest = l
		}
	}
	if len(oldest.Rows) != 14 || len(oldest.Body()) != BodyRows || oldest.More() != 4 || oldest.Appendix != "A" {
		t.Fatalf("oldest: %d rows, %d in the body, %d more, appendix %q", len(oldest.Rows), len(oldest.Body()), oldest.More(), oldest.Appendix)
	}
	if !strings.Contains(html, "4 more: the complete list of 14 is in Appendix A.") || !strings.Contains(html, `id="appendix-A"`) {
		t.Errorf("the body does not point at the appendix")
	}
	appendix := html[strings.Index(html, `id="appendix-A"`):]
	if n := strings.Count(appendix, `<tr class="open" data-key="L`); n != 14 {
		t.Errorf("the appendix has %d rows, want 14", n)
	}
}

// TestEmptyCustomer: a customer without a single ticket gets a clear empty state, no charts.
func TestEmptyCustomer(t *testing.T) {
	r, err := FromView(viewOf(t), "rival", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	if !r.Empty || !strings.Contains(html, `<section id="empty-state">`) || !strings.Contains(html, "No tickets from "+rivalName+" yet.") || strings.Contains(html, "<svg") {
		t.Errorf("no empty state:\n%s", html)
	}
}

func TestWeekOption(t *testing.T) {
	v := viewOf(t, weekTickets()...)
	r, _ := page(t, v, Options{Week: "2026-W46"})
	if r.Week.String() != "2026-W46" || headlineOf(r, "created").Raw != 2 {
		t.Errorf("week 2026-W46: %s with %v created", r.Week, headlineOf(r, "created").Raw)
	}
	// The current week runs until now.
	r, _ = page(t, v, Options{Week: "2026-W48"})
	if !r.WeekEnd().Equal(now) {
		t.Errorf("the current week ends at %s, want now", r.WeekEnd())
	}
	for week, want := range map[string]string{
		"2026-W49": "week 2026-W49 has not begun in Europe/Vilnius",
		"2026-W60": "does not exist",
		"last":     "is not an ISO week",
	} {
		_, err := FromView(v, "acme", Options{Week: week})
		if !errors.Is(err, ErrBadWeek) || !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("week %s: got %v, want ErrBadWeek saying %q", week, err, want)
		}
	}
	if _, err := FromView(v, "nobody", Options{}); !errors.Is(err, ErrUnknownCustomer) {
		t.Errorf("unknown customer: got %v", err)
	}
}

// TestFreshnessBanners: a source that is down or stale puts a banner on the report; a fresh
// one does not; a report made from the store says fetch times are not recorded.
func TestFreshnessBanners(t *testing.T) {
	base := viewOf(t, weekTickets()...)
	for _, tc := range []struct {
		name   string
		up     bool
		last   time.Duration // before the wall clock; 0: never
		wall   bool
		banner string // "" none
		status string
	}{
		{"fresh", true, time.Minute, true, "", "fresh"},
		{"stale", true, 10 * time.Minute, true, "Data from jsm is stale: last fetched at 25.11.2026 13:50 EET (10m 0s ago), more than 3m ago.", "stale"},
		{"down", false, 2 * time.Minute, true, "jsm is down: its last successful fetch was at 25.11.2026 13:58 EET (2m 0s ago).", "down"},
		{"never fetched", false, 0, true, "jsm has not been fetched yet", "not fetched yet"},
		{"from the store", true, 0, false, noticePrefix, "not recorded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := *base
			v.Sources = []poller.SourceHealth{{Name: "jsm", Up: tc.up, PollInterval: time.Minute}}
			if tc.last > 0 {
				v.Sources[0].LastSuccess = now.Add(-tc.last)
			}
			if tc.wall {
				v.Wall = now
			}
			r, html := page(t, &v, Options{})
			got := strings.Join(r.Banners, "\n")
			if (tc.banner == "") != (got == "") || !strings.Contains(strings.ReplaceAll(got, "0s ago", "0s ago"), strings.Split(tc.banner, " (")[0]) {
				t.Errorf("banners %q, want %q", got, tc.banner)
			}
			if r.Sources[0].Status != tc.status || !strings.Contains(html, `data-status="`+tc.status+`"`) {
				t.Errorf("status %q, want %q", r.Sources[0].Status, tc.status)
			}
			if tc.banner != "" && !strings.Contains(html, `role="alert"`) {
				t.Errorf("no banner on the page")
			}
		})
	}
}
