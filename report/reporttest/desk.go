// Package reporttest generates a large, realistic desk for the report's benchmarks: customers with
// a history of weeks, state histories, SLA cycles, ratings and categories. The seed is fixed, so
// every run measures the same input.
package reporttest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// Desk returns a configuration of the given number of customers (a third gold on office hours,
// every one in its own time zone out of four, category_from on both sources) and n tickets
// created over the 100 days before now, spread evenly: 20% open, each with a state history, a
// first-response and a resolution clock, a rating on every third, a request type or a form.
func Desk(n, customers int, now time.Time) (*config.Config, []*ticket.Ticket) {
	rng := rand.New(rand.NewPCG(7, 11))
	d := func(v time.Duration) config.Duration { return config.Duration(v) }
	hour, day := time.Hour, 24*time.Hour
	goals := map[ticket.Priority]map[string]config.Duration{
		ticket.P1: {ticket.SLAFirstResponse: d(15 * time.Minute), ticket.SLAResolution: d(4 * hour)},
		ticket.P2: {ticket.SLAFirstResponse: d(hour), ticket.SLAResolution: d(8 * hour)},
		ticket.P3: {ticket.SLAFirstResponse: d(4 * hour), ticket.SLAResolution: d(3 * day)},
		ticket.P4: {ticket.SLAFirstResponse: d(day), ticket.SLAResolution: d(10 * day)},
	}
	cfg := config.New()
	cfg.StateDir = "unused"
	jsm, zd := config.NewSource("jsm", config.TypeJira), config.NewSource("zendesk", config.TypeZendesk)
	jsm.URL, zd.URL = "https://example.atlassian.net", "https://example.zendesk.com"
	jsm.Auth, zd.Auth = config.Auth{TokenEnv: "JIRA_TOKEN"}, config.Auth{TokenEnv: "ZENDESK_TOKEN"}
	jsm.CategoryFrom = []config.CategoryRule{{Kind: config.CategoryRequestType}}
	zd.CategoryFrom = []config.CategoryRule{{Kind: config.CategoryTicketForm}}
	cfg.Sources = []config.Source{jsm, zd}
	cfg.Calendars = map[string]config.Calendar{"office": {Timezone: "Europe/Vilnius", Hours: map[string]string{"mon-fri": "09:00-18:00"}}}
	gold, silver := config.NewTier(), config.NewTier()
	gold.SLA.Calendar, gold.SLA.Goals = "office", goals
	silver.ComplianceTarget, silver.AtRisk, silver.SLA.Goals = 0.9, config.Threshold{Duration: 30 * time.Minute}, goals
	cfg.Tiers = map[string]config.Tier{"gold": gold, "silver": silver}
	zones := []string{"Europe/Vilnius", "America/New_York", "UTC", "Asia/Singapore"}
	orgs := make([]string, customers)
	for i := range customers {
		id, org := fmt.Sprintf("customer-%04d", i), fmt.Sprintf("Organization %04d", i)
		tier := "gold"
		if i%3 != 0 {
			tier = "silver"
		}
		cfg.Customers = append(cfg.Customers, config.Customer{ID: id, Name: org, Tier: tier, CSM: "CSM " + id,
			Timezone: zones[i%len(zones)], Match: config.Match{Organization: []string{org}}})
		orgs[i] = org
	}
	requestTypes := []string{"Payouts", "Refunds", "Chargebacks", "API", "Webhooks", "Onboarding", "Settlement", "3-D Secure"}

	tickets := make([]*ticket.Ticket, n)
	for i := range tickets {
		src := []string{"jsm", "zendesk"}[i%2]
		p := ticket.Priorities[rng.IntN(4)]
		created := now.Add(-time.Duration(rng.Int64N(int64(100 * day))))
		t := &ticket.Ticket{
			Source: src, Key: fmt.Sprintf("SUP-%d", i), Summary: fmt.Sprintf("Request %d about %s", i, requestTypes[i%len(requestTypes)]),
			URL:        "https://example.atlassian.net/browse/SUP-" + fmt.Sprint(i),
			Attributes: ticket.Attributes{Organizations: []ticket.Organization{{Name: orgs[i%customers]}}},
			Priority:   p, Channel: ticket.Channels[rng.IntN(len(ticket.Channels))],
			Created: created, Escalated: rng.IntN(20) == 0, Incident: rng.IntN(10) == 0,
		}
		kind := requestTypes[rng.IntN(len(requestTypes))]
		if src == "jsm" {
			t.Attributes.Fields = map[string]string{ticket.FieldRequestType: kind}
		} else {
			t.Attributes.Fields = map[string]string{ticket.FieldTicketForm: fmt.Sprint(360000000 + rng.IntN(8))}
		}
		reply := created.Add(time.Duration(rng.Int64N(int64(8 * hour))))
		frGoal, resGoal := time.Duration(goals[p][ticket.SLAFirstResponse]), time.Duration(goals[p][ticket.SLAResolution])
		t.Transitions = []ticket.Transition{{At: created, State: ticket.StateNew}}
		t.State, t.Status, t.Updated = ticket.StateNew, "New", created
		first := ticket.Cycle{Start: created, Goal: frGoal, BreachAt: created.Add(frGoal), ObservedAt: now}
		if !reply.After(now) {
			t.FirstReply = reply
			first.Stop, first.ObservedAt, first.Elapsed = reply, reply, reply.Sub(created)
			first.Breached = first.Elapsed > frGoal
			t.Transitions = append(t.Transitions, ticket.Transition{At: reply, State: ticket.StateInProgress})
			t.State, t.Status, t.Updated = ticket.StateInProgress, "In Progress", reply
		}
		res := ticket.Cycle{Start: created, Goal: resGoal, BreachAt: created.Add(resGoal), ObservedAt: now}
		if done := reply.Add(time.Duration(rng.Int64N(int64(2 * resGoal)))); rng.IntN(5) != 0 && !done.After(now) {
			res.Stop, res.ObservedAt, res.Elapsed = done, done, done.Sub(created)
			res.Breached = res.Elapsed > resGoal
			t.Transitions = append(t.Transitions, ticket.Transition{At: done, State: ticket.StateResolved})
			t.State, t.Status, t.Resolved, t.Updated = ticket.StateResolved, "Resolved", done, done
			if rng.IntN(3) == 0 {
				t.CSAT, t.CSATAt = []ticket.CSAT{ticket.CSATGood, ticket.CSATGood, ticket.CSATBad}[rng.IntN(3)], done.Add(time.Hour)
				if t.CSATAt.After(now) {
					t.CSAT, t.CSATAt = ticket.CSATNone, time.Time{}
				}
			}
		} else if rng.IntN(4) == 0 && t.State == ticket.StateInProgress {
			at := t.Updated.Add(time.Hour)
			if !at.After(now) {
				t.Transitions = append(t.Transitions, ticket.Transition{At: at, State: ticket.StateWaitingCustomer})
				t.State, t.Status, t.Updated = ticket.StateWaitingCustomer, "Waiting for customer", at
			}
		}
		t.Clocks = []ticket.Clock{
			{Name: ticket.SLAFirstResponse, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{first}},
			{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{res}},
		}
		tickets[i] = t
	}
	return cfg, tickets
}
