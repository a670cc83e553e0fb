package sim

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/ticket"
)

// TestBreachSoon checks both promises of the breach-soon scenario at Start, five minutes later
// and two hours later.
func TestBreachSoon(t *testing.T) {
	for _, seed := range []int64{1, 2, 3} {
		w := mustWorld(t, WorldOptions{Desk: DeskJira, Seed: seed, Scenario: ScenarioBreachSoon})
		breachAt := testStart.Add(10 * time.Minute)
		for _, after := range []time.Duration{0, 5 * time.Minute, 2 * time.Hour} {
			now := testStart.Add(after)
			w.Advance(now)
			tickets := w.Tickets()
			t.Run(fmt.Sprintf("seed %d/start+%s/breaching", seed, after), func(t *testing.T) {
				var incident *ticket.Ticket
				for _, tk := range tickets {
					fr, _ := tk.Clock(ticket.SLAFirstResponse)
					if customerOf(tk) == BreachingCustomer && tk.Priority == ticket.P1 && tk.Incident && fr.Cycles[0].BreachAt.Equal(breachAt) {
						incident = tk
					}
				}
				if incident == nil {
					t.Fatalf("no P1 incident of %s whose first response breaches at %s", BreachingCustomer, breachAt)
				}
				fr, _ := incident.Clock(ticket.SLAFirstResponse)
				c := fr.Cycles[0]
				if !incident.Open() {
					t.Errorf("%s is %s, want open", incident.Key, incident.State)
				}
				st := sla.StatusAt(c, now, config.Threshold{Fraction: atRiskFraction}, nil)
				if after < 10*time.Minute {
					if !c.Running() || c.Paused || st.State == sla.StateBreached || c.Breached {
						t.Errorf("first response at %s: running %v paused %v %s, want running, not paused, not breached", now, c.Running(), c.Paused, st.State)
					}
					if got, want := st.Remaining, breachAt.Sub(now); got != want {
						t.Errorf("remaining %s, want %s", got, want)
					}
				} else if st.State != sla.StateBreached {
					t.Errorf("first response at %s is not breached, want breached since %s", now, breachAt)
				}
			})
			t.Run(fmt.Sprintf("seed %d/start+%s/healthy", seed, after), func(t *testing.T) {
				n := 0
				for _, tk := range tickets {
					if customerOf(tk) != HealthyCustomer || !tk.Open() {
						continue
					}
					n++
					if breached, atRisk := clockTrouble(tk, now); len(breached)+len(atRisk) > 0 {
						t.Errorf("%s: breached clocks %v, at-risk clocks %v; want none", tk.Key, breached, atRisk)
					}
					if tk.Incident || tk.Escalated {
						t.Errorf("%s: incident %v, escalated %v; want neither", tk.Key, tk.Incident, tk.Escalated)
					}
				}
				if n == 0 {
					t.Errorf("%s has no open tickets: the promise would hold vacuously", HealthyCustomer)
				}
			})
		}
	}
}

// TestBreachSoonChangesOnlyItsCustomers checks that the scenario leaves a zendesk-desk world as it
// is, and on the jira desk changes only the healthy customer's tickets and adds the incident.
func TestBreachSoonChangesOnlyItsCustomers(t *testing.T) {
	a := mustWorld(t, WorldOptions{Desk: DeskZendesk, Seed: 1, Scenario: ScenarioBreachSoon})
	b := mustWorld(t, WorldOptions{Desk: DeskZendesk, Seed: 1})
	if !reflect.DeepEqual(a.Tickets(), b.Tickets()) {
		t.Errorf("zendesk desk: breach-soon changed the tickets")
	}
	others := func(w *World) map[string]*ticket.Ticket {
		out := map[string]*ticket.Ticket{}
		for _, tk := range w.Tickets() {
			if customerOf(tk) != HealthyCustomer {
				out[tk.Key] = tk
			}
		}
		return out
	}
	scenario := others(mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 1, Scenario: ScenarioBreachSoon}))
	normal := others(mustWorld(t, WorldOptions{Desk: DeskJira, Seed: 1}))
	var extra []string
	for k, tk := range scenario {
		if want, ok := normal[k]; !ok {
			extra = append(extra, k)
		} else if !reflect.DeepEqual(tk, want) {
			t.Errorf("jira desk: breach-soon changed %s of %s", k, customerOf(tk))
		}
	}
	if len(extra) != 1 || len(scenario) != len(normal)+1 || customerOf(scenario[extra[0]]) != BreachingCustomer {
		t.Errorf("jira desk: tickets only in breach-soon %v, want the one incident of %s", extra, BreachingCustomer)
	}
}
