package report

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

func TestBuildErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		snap    *snapshot.Snapshot
		id      string
		unknown bool
	}{
		{"unknown customer", testSnapshot(), "nobody", true},
		{"empty id", testSnapshot(), "", true},
		{"customer of the config missing from the snapshot", &snapshot.Snapshot{At: now}, "acme", true},
		{"no snapshot", nil, "acme", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(tc.snap, nil, byProject, testConfig(), tc.id, now)
			if err == nil {
				t.Fatal("got no error")
			}
			if got := errors.Is(err, ErrUnknownCustomer); got != tc.unknown {
				t.Errorf("errors.Is(%v, ErrUnknownCustomer) = %v, want %v", err, got, tc.unknown)
			}
		})
	}
}

// TestComplianceIsTheSnapshots checks every compliance cell against the handcrafted snapshot.
// The tickets passed in complete no cycle at all, so a recomputed ratio would differ.
func TestComplianceIsTheSnapshots(t *testing.T) {
	r, html := render(t, []*ticket.Ticket{tk("A-1")})
	for _, tc := range []struct {
		sla, window string
		met, total  int
		cell, mark  string
	}{
		{ticket.SLAFirstResponse, "7d", 3, 4, `<span class="ratio">75.0%</span> <span class="missed">✗ Missed</span><div class="note">3 of 4 on time</div>`, "✗ Missed"},
		{ticket.SLAFirstResponse, "30d", 9, 10, `<span class="ratio">90.0%</span> <span class="missed">✗ Missed</span><div class="note">9 of 10 on time</div>`, "✗ Missed"},
		{ticket.SLAResolution, "7d", 0, 0, `<span class="none">No completed tickets</span><div class="note">0 of 0 on time</div>`, "No completed tickets"},
		{ticket.SLAResolution, "30d", 40, 40, `<span class="ratio">100.0%</span> <span class="met">✓ Met</span><div class="note">40 of 40 on time</div>`, "✓ Met"},
	} {
		t.Run(tc.sla+"/"+tc.window, func(t *testing.T) {
			var got *Compliance
			for _, s := range r.SLAs {
				for i, w := range s.Window {
					if s.Name == tc.sla && w.Window == tc.window {
						got = &s.Window[i]
					}
				}
			}
			if got == nil {
				t.Fatalf("no %s %s compliance in %+v", tc.sla, tc.window, r.SLAs)
			}
			if got.Met != tc.met || got.Total != tc.total {
				t.Errorf("got %d/%d, want %d/%d", got.Met, got.Total, tc.met, tc.total)
			}
			row := htmlRow(t, html, "compliance", `data-sla="`+tc.sla+`"`)
			cell := fmt.Sprintf(`<td data-window="%s">%s</td>`, tc.window, tc.cell)
			if !strings.Contains(row, cell) {
				t.Errorf("row does not hold %q:\n%s", cell, row)
			}
			if !strings.Contains(row, tc.mark) {
				t.Errorf("row does not hold the mark %q:\n%s", tc.mark, row)
			}
		})
	}
	if row := htmlRow(t, html, "compliance", `data-sla="first_response"`); !strings.Contains(row, ">95.0%</td>") {
		t.Errorf("the target 95.0%% is not shown:\n%s", row)
	}
}

// TestAggregatesAreTheSnapshots checks the other sections against the snapshot's numbers.
func TestAggregatesAreTheSnapshots(t *testing.T) {
	r, html := render(t, nil)
	for _, tc := range []struct {
		name      string
		got, want any
	}{
		{"tier", r.Tier, "gold"},
		{"week start", r.WeekStart, now.Add(-7 * day)},
		{"breached now", r.BreachedNow, 2},
		{"at risk now", r.AtRiskNow, 1},
		{"open total", r.Backlog.Total.Open, 14},
		{"open p3 by state", r.Backlog.Rows[2].ByState, [4]int{3, 1, 4, 1}},
		{"age total", r.Backlog.Total.ByAge, [5]int{3, 3, 3, 2, 3}},
		{"oldest", r.Backlog.Total.Oldest, 45 * day},
		{"flows", len(r.Flow), 2},
		{"7d created", r.Flow[0].Created, 14},
		{"7d resolved", r.Flow[0].Resolved, 9},
		{"7d official ratio", r.Flow[0].OfficialRatio, 0.8571},
		{"7d by agent", r.Flow[0].ByAgent, 2},
		{"30d csat ratio", r.Flow[1].CSATRatio, 0.9},
		{"escalated", r.Escalated.Total, 3},
		{"incidents", r.Incidents.ByPriority, [4]int{1, 1, 0, 0}},
		{"response median", r.ResponseTime.Median, 30 * time.Minute},
		{"resolution p90", r.ResolutionTime.P90, 26 * time.Hour},
		{"risk", r.Risk.Score, 43.5},
		{"breached points", r.Risk.Factors[0].Points, 16.67},
		{"breached weight", r.Risk.Factors[0].Weight, 25.0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %v, want %v", tc.got, tc.want)
			}
		})
	}
	for _, want := range []string{
		`<tr data-window="7d"><td>Last 7 days</td><td class="num">4</td><td class="num">1</td><td class="num">5</td>
<td class="num">80.0%</td>`, // 7d CSAT 4 of 5
		`<tr data-window="7d"><td>Last 7 days</td><td class="num">14</td>
<td class="num">85.7%</td><td class="num">2</td>`, // 7d official ratio and agent-raised
		`<h2>Risk score: 43.5 of 100</h2>`,
		`<td class="num">16.7 / 25.0</td>`,
		`<td class="num">30m</td><td class="num">2h 0m</td>`,
		`Gold tier`,
		`Reporting week: 2026-11-18 12:00 UTC – 2026-11-25 12:00 UTC`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestCustomerSafe renders acme's report from tickets of two customers and a config naming both
// CSMs: nothing of the other customer and no internal person may appear.
func TestCustomerSafe(t *testing.T) {
	tickets := []*ticket.Ticket{
		tk("A-1", clock(ticket.SLAFirstResponse, running(-time.Minute))),
		tk(rivalKey, customer("rival"), summary(rivalText), clock(ticket.SLAFirstResponse, running(-time.Minute))),
	}
	_, html := render(t, tickets)
	if !strings.Contains(html, "<h1>Acme Acquiring</h1>") || !strings.Contains(html, `data-key="A-1"`) {
		t.Fatalf("the page does not show acme and its ticket:\n%s", html)
	}
	for _, forbidden := range []string{acmeCSM, rivalName, rivalCSM, rivalKey, rivalText, "rival", "csm", "CSM"} {
		if strings.Contains(html, forbidden) {
			t.Errorf("the page holds %q", forbidden)
		}
	}
	// Self-contained: nothing to fetch, nothing to run.
	for _, external := range []string{"src=", "href=", "<script", "<link", "url(", "@import"} {
		if strings.Contains(html, external) {
			t.Errorf("the page is not self-contained: it holds %q", external)
		}
	}
}

// TestSummaryEscaped keeps a ticket summary from injecting markup into the page.
func TestSummaryEscaped(t *testing.T) {
	_, html := render(t, []*ticket.Ticket{
		tk("A-1", summary(`<img src=x onerror=alert(1)>`), clock(ticket.SLAFirstResponse, running(-time.Minute))),
	})
	if strings.Contains(html, "<img") {
		t.Errorf("the summary was not escaped")
	}
	if !strings.Contains(html, "&lt;img src=x onerror=alert(1)&gt;") {
		t.Errorf("the escaped summary is missing")
	}
}

// htmlRow returns the first <tr> holding attr inside the table with the given id.
func htmlRow(t *testing.T, html, table, attr string) string {
	t.Helper()
	start := strings.Index(html, `<table id="`+table+`">`)
	if start < 0 {
		t.Fatalf("no table %q", table)
	}
	body := html[start:]
	body = body[:strings.Index(body, "</table>")]
	re := regexp.MustCompile(`(?s)<tr ` + regexp.QuoteMeta(attr) + `.*?</tr>`)
	row := re.FindString(body)
	if row == "" {
		t.Fatalf("table %q has no row with %s", table, attr)
	}
	return row
}
