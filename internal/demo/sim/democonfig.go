package sim

import (
	"strings"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// The demo's sources: the `source` label of the source reading each desk.
const (
	JiraSource    = "jsm"
	ZendeskSource = "zendesk"
)

// OwnerField is the Zendesk organization field holding the account manager's email.
const OwnerField = "account_manager"

// OwnerEmail is a CSM's email on the demo desks: "Ana Silva" is ana.silva@custops.example.
func OwnerEmail(csm string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(csm)), " ", ".") + "@custops.example"
}

// tierTargets are the demo tiers' compliance targets.
var tierTargets = map[string]float64{"gold": 0.95, "silver": 0.90, "bronze": 0.85}

// DemoConfig returns the simulated customers' contract as a configuration: a jira source
// (JiraSource) and a zendesk source (ZendeskSource) reading the two desks, the eight customers
// with the match rules that map their tickets back to them, and the tiers whose goals the
// simulated agents work to. The sources carry no URL and no credential, and state_dir is the
// default: internal/demo sets them to wherever it serves the desks. Each call returns a fresh
// configuration.
func DemoConfig() *config.Config {
	cfg := config.New()
	cfg.PollInterval = config.Duration(15 * time.Second)
	// Tickets moved out of scope leave the backlog within a minute.
	cfg.ReconcileInterval = config.Duration(time.Minute)
	cfg.Sources = []config.Source{
		config.NewSource(JiraSource, config.TypeJira),
		config.NewSource(ZendeskSource, config.TypeZendesk),
	}
	// Support themes: the JSM request type, the Zendesk ticket form named like it.
	cfg.Sources[0].CategoryFrom = []config.CategoryRule{{Kind: config.CategoryRequestType}}
	cfg.Sources[1].CategoryFrom = []config.CategoryRule{{Kind: config.CategoryTicketForm}}
	cfg.Sources[1].CategoryNames = TopicForms()
	// The Jira desk's chat and phone requests carry custom channels an app stamps
	// (jirafake.IssueFromTicket), mapped as a site with such apps maps them.
	cfg.Sources[0].Channels = map[string]ticket.Channel{"chat": ticket.ChannelChat, "phone": ticket.ChannelPhone}
	// Tickets of the organization nobody configured (on both desks) match no customer on
	// purpose: they show up under the unmapped_customer data-quality check.
	for _, c := range DemoCustomers() {
		m := config.Match{Organization: []string{c.Organization}}
		cu := config.Customer{ID: c.ID, Name: c.Name, Tier: c.Tier, CSM: c.CSM}
		if c.ZendeskOrganizationID != "" {
			m.ZendeskOrganizationID = []string{c.ZendeskOrganizationID}
		} else {
			// The Jira desk's customers have their owner in the config; the Zendesk desk's
			// come from their organization's account manager field (owner_field).
			cu.Owner = config.OwnerHandle(OwnerEmail(c.CSM))
		}
		cu.Match = m
		cfg.Customers = append(cfg.Customers, cu)
	}
	cfg.Sources[1].OwnerField = OwnerField
	// Where tickets wait: the customer, Engineering (the Jira desk's Payments API component, the
	// Zendesk desk's Engineering group; an OLA on office hours, paused while the customer is
	// asked), a third party, and support.
	cfg.Calendars = map[string]config.Calendar{"eu-office": {Timezone: "Europe/Vilnius", Hours: map[string]string{"mon-fri": "09:00-18:00"}}}
	cfg.Teams = []config.Team{
		{ID: "customer", Name: "Customer", When: config.TeamMatch{States: []ticket.State{ticket.StateWaitingCustomer}}},
		{ID: "engineering", Name: "Engineering", When: config.TeamMatch{Components: []string{EngineeringComponent}, Groups: []string{EngineeringGroup}},
			OLA: &config.OLA{Calendar: "eu-office", AtRisk: config.Threshold{Fraction: 0.25}, PausedBy: []string{"customer"},
				Targets: map[ticket.Priority]config.Duration{
					ticket.P1: config.Duration(2 * time.Hour), ticket.P2: config.Duration(4 * time.Hour),
					ticket.P3: config.Duration(9 * time.Hour), ticket.P4: config.Duration(18 * time.Hour),
				}}},
		{ID: "partner", Name: "Third party", When: config.TeamMatch{States: []ticket.State{ticket.StateWaitingPartner}}},
		{ID: "support", Name: "Technical Support", When: config.TeamMatch{States: []ticket.State{ticket.StateNew, ticket.StateInProgress}}},
	}
	cfg.DeriveSources()
	// The simulated desks keep their SLA clocks around the clock (the clocks are native, read
	// from the desk), so the tiers state the same 24x7 goals the simulated agents work to.
	cfg.Tiers = map[string]config.Tier{}
	for name, target := range tierTargets {
		t := config.NewTier()
		t.ComplianceTarget = target
		t.AtRisk = config.Threshold{Fraction: 0.25}
		t.SLA.Calendar = "24x7"
		t.SLA.PauseStates = []ticket.State{ticket.StateWaitingCustomer}
		t.SLA.Goals = map[ticket.Priority]map[string]config.Duration{}
		for _, p := range ticket.Priorities {
			fr, res := goals(name, p)
			t.SLA.Goals[p] = map[string]config.Duration{
				ticket.SLAFirstResponse: config.Duration(fr),
				ticket.SLAResolution:    config.Duration(res),
			}
		}
		cfg.Tiers[name] = t
	}
	return cfg
}
