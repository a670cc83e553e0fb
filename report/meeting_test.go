package report

import (
	"strings"
	"testing"

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
