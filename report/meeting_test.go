package report

import (
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

func TestMeeting(t *testing.T) {
	tickets := append(weekTickets(),
		// K7: resolved on the 15th, reopened on Tuesday the 24th: a reopen since the meeting.
		tk("K7", created(vil("2026-11-10 09:00")), prio(ticket.P2), state(ticket.StateInProgress),
			transitions(ticket.Transition{At: vil("2026-11-10 09:00"), State: ticket.StateNew},
				ticket.Transition{At: vil("2026-11-15 09:00"), State: ticket.StateResolved},
				ticket.Transition{At: vil("2026-11-24 09:00"), State: ticket.StateInProgress})))
	m, err := MeetingFromView(viewOf(t, tickets...), "acme", MeetingOptions{Since: "2026-11-16"})
	if err != nil {
		t.Fatal(err)
	}
	keys := func(lists []List) map[string]string {
		out := map[string]string{}
		for _, l := range lists {
			var ks []string
			for _, r := range l.Rows {
				ks = append(ks, r.Key)
			}
			out[l.ID] = strings.Join(ks, ",")
		}
		return out
	}
	for id, want := range map[string]string{
		"new-incidents": "K3", "new-breaches": "K1,K3", "escalations": "K2", "reopened": "K7",
		"waiting-now": "K4", "at-risk-now": "K3", "incidents-now": "K3",
	} {
		got := keys(append(m.Changes, m.Open...))[id]
		if got != want {
			t.Errorf("%s: got %q, want %q", id, got, want)
		}
	}
	if len(m.Weeks) != Weeks || m.Weeks[Weeks-1] != "W48" || len(m.FactorTrend) != len(catalog.Factors) || len(m.FactorTrend[0].Points) != Weeks {
		t.Errorf("risk trend: weeks %v, %d factors", m.Weeks, len(m.FactorTrend))
	}
	if !strings.Contains(string(m.RiskTrend.SVG), `data-points="12"`) {
		t.Errorf("the risk trend chart has no point per week")
	}
	var b strings.Builder
	if err := m.HTML(&b); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	for _, want := range []string{acmeCSM, "Since the last meeting (16.11.2026 00:00 EET)", `<table id="factor-trend">`, `href="/customers/acme/report"`} {
		if !strings.Contains(html, want) {
			t.Errorf("the meeting page lacks %q", want)
		}
	}
	for _, forbidden := range []string{rivalName, rivalKey, rivalText} {
		if strings.Contains(html, forbidden) {
			t.Errorf("acme's meeting page shows rival's %q", forbidden)
		}
	}
}

// TestOpenRisks lists open tickets whose running clock is breached or at risk now, judged by
// sla.StatusAt as the snapshot judges it: breached first, then by priority.
func TestOpenRisks(t *testing.T) {
	fr := ticket.SLAFirstResponse
	paused := running(5 * time.Minute)
	paused.Paused = true
	v := viewOf(t,
		tk("AT-RISK", prio(ticket.P2), clock(fr, running(10*time.Minute))),   // within 25% of 1h
		tk("THRESHOLD", prio(ticket.P3), clock(fr, running(15*time.Minute))), // exactly at it
		tk("OUTSIDE", clock(fr, running(16*time.Minute))),
		tk("PAUSED", clock(fr, paused)),
		tk("BREACHED", prio(ticket.P4), clock(fr, running(-time.Minute))),
		tk("RESOLVED", resolved(now.Add(-time.Hour)), clock(fr, running(-time.Minute))),
		tk("RIVAL", customer("rival"), clock(fr, running(-time.Minute))),
	)
	c, err := newContext(v, "acme")
	if err != nil {
		t.Fatal(err)
	}
	l := c.openRisks()
	var got []string
	for _, r := range l.Rows {
		got = append(got, r.Key+" "+strings.Join(r.Cells[2:], " "))
	}
	want := "BREACHED breached over by 1m|AT-RISK at risk 10m|THRESHOLD at risk 15m"
	if strings.Join(got, "|") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, "|"), want)
	}
}
