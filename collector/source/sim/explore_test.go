package sim

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

func TestExplore(t *testing.T) {
	start := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	for _, desk := range []string{DeskJira, DeskZendesk} {
		w, err := NewWorld(WorldOptions{Desk: desk, Seed: 1, Start: start})
		if err != nil {
			t.Fatal(err)
		}
		ts := w.Tickets()
		prio := map[ticket.Priority]int{}
		state := map[ticket.State]int{}
		ch := map[ticket.Channel]int{}
		var inc, esc, reo, csat, good, resolved, unk, open, brOpen, riskOpen, frBr, resBr, resDone int
		for _, tk := range ts {
			prio[tk.Priority]++
			state[tk.State]++
			ch[tk.Channel]++
			if tk.Incident {
				inc++
			}
			if tk.Escalated {
				esc++
			}
			if tk.Reopened > 0 {
				reo++
			}
			if tk.CSAT != "" {
				csat++
				if tk.CSAT == ticket.CSATGood {
					good++
				}
			}
			if !tk.Resolved.IsZero() {
				resolved++
			}
			if len(tk.Quality) > 0 {
				unk++
			}
			for _, c := range tk.Clocks {
				for _, cy := range c.Cycles {
					if !cy.Running() {
						if c.Name == "resolution" {
							resDone++
							if cy.Breached {
								resBr++
							}
						} else if cy.Breached {
							frBr++
						}
					}
				}
			}
			if tk.Open() {
				open++
				for _, c := range tk.Clocks {
					if cy, ok := c.Ongoing(); ok {
						if cy.BreachedAt(start) {
							brOpen++
						} else if cy.RemainingAt(start) <= cy.Goal/4 {
							riskOpen++
						}
					}
				}
			}
		}
		t.Logf("%s: n=%d prio=%v state=%v ch=%v inc=%d esc=%d reo=%d csat=%d good=%d resolved=%d unk=%d open=%d breachedOpen=%d atRisk=%d frBr=%d resBr=%d/%d",
			desk, len(ts), prio, state, ch, inc, esc, reo, csat, good, resolved, unk, open, brOpen, riskOpen, frBr, resBr, resDone)
		t.Log(ts[len(ts)-1].Key, ts[len(ts)-1].URL, ts[len(ts)-1].Attributes)
	}
}
