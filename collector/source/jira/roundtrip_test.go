package jira

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// TestRoundTrip sends normalized tickets through jirafake.IssueFromTicket, the fake's wire
// format and the client, and gets the same tickets back in every field that survives the wire
// (IssueFromTicket's doc lists them; Status comes back as the stock JSM name of the state).
func TestRoundTrip(t *testing.T) {
	base := t0.Add(-72 * time.Hour)
	frStop := base.Add(20 * time.Minute)
	tickets := []*ticket.Ticket{
		{
			Key: "SUP-1", Summary: "Payments fail for EU cards",
			Attributes: ticket.Attributes{Project: "SUP", Organizations: []ticket.Organization{{Name: "Northwind Payments"}},
				Fields: map[string]string{jirafake.FieldCustomer: "northwind"}, Labels: []string{"escalated", "vip"}, ReporterDomain: "northwind.example"},
			Priority: ticket.P1, State: ticket.StateInProgress, Status: "In Progress", Channel: ticket.ChannelEmail,
			Created: base, Updated: base.Add(3 * time.Hour), FirstReply: frStop,
			Escalated: true, Incident: true,
			Clocks: []ticket.Clock{
				{Name: ticket.SLAFirstResponse, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
					{Start: base, Stop: frStop, Goal: 30 * time.Minute, Elapsed: 20 * time.Minute, BreachAt: base.Add(30 * time.Minute), ObservedAt: frStop}}},
				{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
					{Start: base, Goal: 4 * time.Hour, Elapsed: 5 * time.Hour, BreachAt: base.Add(4 * time.Hour), Breached: true, ObservedAt: t0}}},
			},
		},
		{
			Key: "SUP-2", Summary: "Export is slow",
			Attributes: ticket.Attributes{Project: "SUP", Organizations: []ticket.Organization{{Name: "Acme"}, {Name: "Acme EU"}}},
			Priority:   ticket.P4, State: ticket.StateResolved, Status: "Resolved", Channel: ticket.ChannelPortal,
			Created: base, Updated: base.Add(48 * time.Hour), Resolved: base.Add(47 * time.Hour),
			CSAT: ticket.CSATGood, CSATAt: base.Add(48 * time.Hour),
		},
		{
			Key: "SUP-3", Summary: "Raised by an agent on the phone",
			Attributes: ticket.Attributes{Project: "SUP"},
			Priority:   ticket.P2, State: ticket.StateWaitingCustomer, Status: "Waiting for customer", Channel: ticket.ChannelAgent,
			Created: base.Add(time.Hour), Updated: base.Add(2 * time.Hour),
			Clocks: []ticket.Clock{{Name: ticket.SLAResolution, Origin: ticket.OriginNative, Cycles: []ticket.Cycle{
				{Start: base.Add(time.Hour), Goal: 8 * time.Hour, Elapsed: time.Hour, Paused: true, ObservedAt: t0}}}},
		},
		{
			Key: "SUP-4", Summary: "Closed after a bad experience",
			Attributes: ticket.Attributes{Project: "SUP"},
			Priority:   ticket.P3, State: ticket.StateClosed, Status: "Closed", Channel: ticket.ChannelAPI,
			Created: base, Updated: base.Add(5 * time.Hour), Resolved: base.Add(4 * time.Hour),
			CSAT: ticket.CSATBad, CSATAt: base.Add(5 * time.Hour),
		},
		{
			Key: "SUP-5", Summary: "Partner outage",
			Attributes: ticket.Attributes{Project: "SUP"},
			Priority:   ticket.P2, State: ticket.StateWaitingPartner, Status: "Waiting for third party", Channel: ticket.ChannelChat,
			Created: base, Updated: base.Add(6 * time.Hour),
		},
		{
			Key: "SUP-6", Summary: "New request",
			Attributes: ticket.Attributes{Project: "SUP"},
			Priority:   ticket.P3, State: ticket.StateNew, Status: "Open", Channel: ticket.ChannelOther,
			Created: base, Updated: base.Add(7 * time.Hour),
			// A JSM request without a channel: JSM stamps one on every request.
			Quality: []string{ticket.QualityUnknownChannel},
		},
		{
			// Sent with a priority name the default mapping does not know: back as the
			// default priority, flagged.
			Key: "SUP-7", Summary: "Priority nobody mapped",
			Attributes: ticket.Attributes{Project: "SUP"},
			Priority:   ticket.P3, State: ticket.StateNew, Status: "Open", Channel: ticket.ChannelPortal,
			Created: base, Updated: base.Add(8 * time.Hour),
			Quality: []string{ticket.QualityUnknownPriority},
		},
		{
			// No SLA goal applies to it: JSM times it all the same, with goal-less cycles
			// (jirafake sends them); they make no clock, but the first one's stop is the first
			// reply.
			Key: "SUP-8", Summary: "No goal for this request type",
			Attributes: ticket.Attributes{Project: "SUP"},
			Priority:   ticket.P4, State: ticket.StateResolved, Status: "Resolved", Channel: ticket.ChannelEmail,
			Created: base, Updated: base.Add(9 * time.Hour), Resolved: base.Add(9 * time.Hour), FirstReply: base.Add(2 * time.Hour),
		},
	}
	for _, flavor := range []jirafake.Flavor{jirafake.Cloud, jirafake.DataCenter} {
		t.Run(string(flavor), func(t *testing.T) {
			e := newEnv(t, jirafake.Options{Flavor: flavor}, config.Source{JQL: "project = SUP",
				CustomerFrom: []config.MatchRule{{Kind: config.MatchOrganization}, {Kind: config.MatchField, Field: jirafake.FieldCustomer}},
				Channels:     map[string]ticket.Channel{"chat": ticket.ChannelChat}})
			e.put(t, tickets...)
			e.poll(t)
			for _, want := range tickets {
				got, ok := e.st.Get(want.Key)
				if !ok {
					t.Errorf("%s missing", want.Key)
					continue
				}
				w := *want
				w.Source, w.URL = "jsm", e.http.URL+"/browse/"+want.Key
				if w.Attributes.Labels == nil {
					w.Attributes.Labels = []string{}
				}
				gj, _ := json.Marshal(got)
				wj, _ := json.Marshal(&w)
				if string(gj) != string(wj) {
					t.Errorf("%s:\n got %s\nwant %s", want.Key, gj, wj)
				}
			}
		})
	}
}
