package sim

import "github.com/custops/custops/collector/ticket"

// The desks a world can simulate.
const (
	DeskJira    = "jira"
	DeskZendesk = "zendesk"
)

// The customers the breach-soon scenario is about. Both are on the jira desk, so a single
// jira-desk world shows the red customer and the green one side by side.
const (
	// BreachingCustomer gets an open P1 incident whose first-response clock breaches 10 minutes
	// after the world starts.
	BreachingCustomer = "northwind"
	// HealthyCustomer has no open breached or at-risk clock, no incident and no escalation in
	// the breach-soon scenario: its agents answer at once.
	HealthyCustomer = "globex"
)

// JiraProject is the project every jira-desk ticket lives in.
const JiraProject = "SUP"

// DemoCustomer is one simulated customer and the attributes its tickets carry, which the demo
// config's match rules map back to it.
type DemoCustomer struct {
	ID     string // the `customer` label
	Name   string // display name, also the organization name on the desk
	Tier   string // gold | silver | bronze
	CSM    string // customer success manager
	Desk   string // DeskJira | DeskZendesk
	Domain string // email domain of the customer's reporters
	// Organization is the organization name tickets carry (JSM organization, Zendesk organization).
	Organization string
	// ZendeskOrganizationID is the Zendesk organization id; empty on the jira desk.
	ZendeskOrganizationID string
	// Project is the Jira project key; empty on the zendesk desk.
	Project string
}

// profile is a simulated customer with its habits.
type profile struct {
	DemoCustomer
	mapped     bool    // false for the organization nobody configured
	perDay     float64 // tickets on an average weekday
	agentShare float64 // share of tickets an agent raises on the customer's behalf
	slowness   float64 // agent slowness: 1 is the reference, higher breaches more
	channels   []channelWeight
}

type channelWeight struct {
	channel ticket.Channel
	weight  float64
}

func habit(portal, email, api, chat, phone float64) []channelWeight {
	return []channelWeight{
		{ticket.ChannelPortal, portal}, {ticket.ChannelEmail, email}, {ticket.ChannelAPI, api},
		{ticket.ChannelChat, chat}, {ticket.ChannelPhone, phone},
	}
}

// profiles returns every simulated customer of a desk, the unmapped organization last. Built per
// call so that no world can change another's customers.
func profiles(desk string) []*profile {
	var out []*profile
	for _, p := range allProfiles() {
		if p.Desk == desk {
			out = append(out, p)
		}
	}
	return out
}

func allProfiles() []*profile {
	jira := func(id, name, tier, csm, domain string) DemoCustomer {
		return DemoCustomer{ID: id, Name: name, Tier: tier, CSM: csm, Desk: DeskJira, Domain: domain, Organization: name, Project: JiraProject}
	}
	zendesk := func(id, name, tier, csm, domain, org string) DemoCustomer {
		return DemoCustomer{ID: id, Name: name, Tier: tier, CSM: csm, Desk: DeskZendesk, Domain: domain, Organization: name, ZendeskOrganizationID: org}
	}
	return []*profile{
		{DemoCustomer: jira(BreachingCustomer, "Northwind Payments", "gold", "Laura Kim", "northwindpayments.com"),
			mapped: true, perDay: 26, agentShare: 0.05, slowness: 1.0, channels: habit(45, 25, 20, 5, 5)},
		{DemoCustomer: jira(HealthyCustomer, "Globex Merchant Services", "silver", "Tomas Berg", "globexmerchant.com"),
			mapped: true, perDay: 16, agentShare: 0.03, slowness: 0.8, channels: habit(55, 30, 10, 5, 0)},
		{DemoCustomer: jira("initech", "Initech Card Processing", "bronze", "Priya Nair", "initech-cards.com"),
			mapped: true, perDay: 10, agentShare: 0.30, slowness: 1.35, channels: habit(20, 45, 5, 10, 20)},
		{DemoCustomer: jira("umbrella", "Umbrella Remittance", "silver", "Marco Rossi", "umbrellaremit.com"),
			mapped: true, perDay: 14, agentShare: 0.06, slowness: 1.1, channels: habit(40, 30, 25, 5, 0)},
		{DemoCustomer: jira("", "Blue Harbor Travel", "", "", "blueharbor.travel"),
			perDay: 0.8, agentShare: 0.1, slowness: 1.2, channels: habit(30, 60, 0, 10, 0)},

		{DemoCustomer: zendesk("contoso", "Contoso Pay", "gold", "Ana Silva", "contosopay.com", "360001"),
			mapped: true, perDay: 22, agentShare: 0.04, slowness: 0.9, channels: habit(35, 35, 20, 10, 0)},
		{DemoCustomer: zendesk("acme", "Acme Acquiring", "silver", "Jonas Weber", "acme-acquiring.com", "360002"),
			mapped: true, perDay: 14, agentShare: 0.22, slowness: 1.2, channels: habit(25, 40, 5, 15, 15)},
		{DemoCustomer: zendesk("hooli", "Hooli Wallet", "bronze", "Mei Chen", "hooliwallet.io", "360003"),
			mapped: true, perDay: 9, agentShare: 0.05, slowness: 1.4, channels: habit(30, 30, 10, 30, 0)},
		{DemoCustomer: zendesk("vandelay", "Vandelay FX", "gold", "Sam Okafor", "vandelayfx.com", "360004"),
			mapped: true, perDay: 12, agentShare: 0.06, slowness: 1.0, channels: habit(40, 20, 35, 5, 0)},
		{DemoCustomer: zendesk("", "Blue Harbor Travel", "", "", "blueharbor.travel", "360099"),
			perDay: 0.6, agentShare: 0.1, slowness: 1.2, channels: habit(30, 60, 0, 10, 0)},
	}
}

// DemoCustomers returns the eight simulated customers of both desks, in a fixed order. The
// organization on each desk that maps to no customer is not among them.
func DemoCustomers() []DemoCustomer {
	var out []DemoCustomer
	for _, p := range allProfiles() {
		if p.mapped {
			out = append(out, p.DemoCustomer)
		}
	}
	return out
}
