package report

import (
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/ticket"
)

// now is the fake clock of every test: Wednesday of 2026-W48, so the default week is 2026-W47
// (16 to 22 November; Vilnius is UTC+2 then).
var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func ago(d time.Duration) time.Time { return now.Add(-d) }

// Names that must never reach acme's customer report.
const (
	acmeCSM   = "Laura Internal-Kim"
	rivalName = "Rival Holdings"
	rivalCSM  = "Rex Internal"
	rivalKey  = "RIV-77"
	rivalText = "Rival secret outage"
)

// testConfig has two customers on the gold tier (at risk at 25% of the goal); acme lives in
// Vilnius and writes dates day first. jsm files tickets under request types; two are named.
func testConfig() *config.Config {
	cfg := config.New()
	cfg.TopCategories = 2
	cfg.Sources = []config.Source{{Name: "jsm", Type: config.TypeJira, PollInterval: config.Duration(time.Minute),
		CustomerFrom: []config.MatchRule{{Kind: config.MatchProject}},
		CategoryFrom: []config.CategoryRule{{Kind: config.CategoryRequestType}}}}
	cfg.Customers = []config.Customer{
		{ID: "acme", Name: "Acme Acquiring", Tier: "gold", CSM: acmeCSM, Match: config.Match{Project: []string{"acme"}},
			Timezone: "Europe/Vilnius", DateFormat: "DD.MM.YYYY"},
		{ID: "rival", Name: rivalName, Tier: "gold", CSM: rivalCSM, Match: config.Match{Project: []string{"rival"}}},
	}
	cfg.Tiers = map[string]config.Tier{"gold": {
		ComplianceTarget: 0.95,
		AtRisk:           config.Threshold{Fraction: 0.25},
		SLA: config.SLAPolicy{Calendar: config.Calendar24x7, Goals: map[ticket.Priority]map[string]config.Duration{
			ticket.P1: {ticket.SLAFirstResponse: config.Duration(time.Hour), ticket.SLAResolution: config.Duration(4 * time.Hour)},
		}},
	}}
	cfg.Risk = config.Risk{Weights: map[string]float64{
		catalog.FactorBreached: 25, catalog.FactorAtRisk: 15, catalog.FactorComplianceGap: 20, catalog.FactorIncidents: 15,
		catalog.FactorBacklogGrowth: 10, catalog.FactorCSAT: 10, catalog.FactorAgeing: 5,
	}}
	return cfg
}

// viewOf computes a view of the tickets at now, as `custops report` does from a store.
func viewOf(t *testing.T, tickets ...*ticket.Ticket) *poller.View {
	t.Helper()
	v, err := poller.NewView(testConfig(), tickets, now)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// opt changes one field of a test ticket.
type opt func(*ticket.Ticket)

// tk returns an open p1 portal ticket of acme, created two hours ago, changed by opts.
func tk(key string, opts ...opt) *ticket.Ticket {
	t := &ticket.Ticket{
		Source: "jsm", Key: key, Summary: "Summary of " + key, URL: "https://jsm.example/browse/" + key,
		Attributes: ticket.Attributes{Project: "acme"},
		Priority:   ticket.P1, State: ticket.StateInProgress, Status: "In Progress",
		Channel: ticket.ChannelPortal, Created: ago(2 * time.Hour), Updated: ago(2 * time.Hour),
	}
	for _, o := range opts {
		o(t)
	}
	return t
}

func customer(id string) opt       { return func(t *ticket.Ticket) { t.Attributes.Project = id } }
func prio(p ticket.Priority) opt   { return func(t *ticket.Ticket) { t.Priority = p } }
func created(at time.Time) opt     { return func(t *ticket.Ticket) { t.Created, t.Updated = at, at } }
func summary(s string) opt         { return func(t *ticket.Ticket) { t.Summary = s } }
func state(s ticket.State) opt     { return func(t *ticket.Ticket) { t.State = s } }
func incident() opt                { return func(t *ticket.Ticket) { t.Incident = true } }
func escalated() opt               { return func(t *ticket.Ticket) { t.Escalated = true } }
func channel(c ticket.Channel) opt { return func(t *ticket.Ticket) { t.Channel = c } }
func firstReply(at time.Time) opt  { return func(t *ticket.Ticket) { t.FirstReply = at } }
func csat(c ticket.CSAT, at time.Time) opt {
	return func(t *ticket.Ticket) { t.CSAT, t.CSATAt = c, at }
}
func requestType(name string) opt {
	return func(t *ticket.Ticket) { t.Attributes.Fields = map[string]string{ticket.FieldRequestType: name} }
}
func resolved(at time.Time) opt {
	return func(t *ticket.Ticket) {
		t.State, t.Status, t.Resolved = ticket.StateResolved, "Resolved", at
		if at.After(t.Updated) {
			t.Updated = at
		}
	}
}
func transitions(trs ...ticket.Transition) opt {
	return func(t *ticket.Ticket) { t.Transitions = trs }
}

// clock adds an SLA clock with the given cycles.
func clock(name string, cycles ...ticket.Cycle) opt {
	return func(t *ticket.Ticket) { t.Clocks = append(t.Clocks, ticket.Clock{Name: name, Cycles: cycles}) }
}

// running is a running cycle with a 1h goal that breaches at now+left.
func running(left time.Duration) ticket.Cycle {
	return ticket.Cycle{Start: ago(time.Hour - left), Goal: time.Hour, BreachAt: now.Add(left), Elapsed: time.Hour - left, ObservedAt: now}
}

// page renders a report of acme and returns it with its HTML.
func page(t *testing.T, v *poller.View, opts Options) (*Report, string) {
	t.Helper()
	r, err := FromView(v, "acme", opts)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.HTML(&b); err != nil {
		t.Fatal(err)
	}
	return r, b.String()
}
