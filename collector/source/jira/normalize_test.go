package jira

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// mapWire maps one issue with the given field values (as Jira would send them) and properties.
func mapWire(t *testing.T, cfg config.Source, fields map[string]any, props map[string]any, prev *ticket.Ticket) (*ticket.Ticket, error) {
	t.Helper()
	base := map[string]any{
		"updated": "2026-03-10T10:00:00.000+0100",
		"created": "2026-03-09T10:00:00.000+0100",
		"project": map[string]any{"key": "SUP"},
		"status":  map[string]any{"name": "In Progress", "statusCategory": map[string]any{"key": "indeterminate"}},
		"priority": map[string]any{
			"name": "Medium",
		},
	}
	for k, v := range fields {
		if v == nil {
			delete(base, k)
			continue
		}
		base[k] = v
	}
	b, err := json.Marshal(map[string]any{"id": "1", "key": "SUP-1", "fields": base, "properties": props})
	if err != nil {
		t.Fatal(err)
	}
	m := testMapper(cfg)
	var is wireIssue
	if err := json.Unmarshal(b, &is); err != nil {
		t.Fatal(err)
	}
	r := readIssue(&is)
	return m.toTicket(&r, prev, t0)
}

func testMapper(cfg config.Source) *mapper {
	cfg.Name = "jsm"
	m := newMapper(cfg, "https://example.atlassian.net")
	m.setFields(discoverFields(jirafake.DefaultFields(), cfg.Fields))
	return m
}

func status(name, cat string) map[string]any {
	return map[string]any{"name": name, "statusCategory": map[string]any{"key": cat}}
}

func TestMapPriority(t *testing.T) {
	for _, tc := range []struct {
		name    string
		cfg     config.Source
		prio    any // the priority field, nil = absent
		want    ticket.Priority
		unknown bool
	}{
		{"Highest", config.Source{}, map[string]any{"name": "Highest"}, ticket.P1, false},
		{"Blocker", config.Source{}, map[string]any{"name": "Blocker"}, ticket.P1, false},
		{"Critical", config.Source{}, map[string]any{"name": "Critical"}, ticket.P1, false},
		{"High", config.Source{}, map[string]any{"name": "High"}, ticket.P2, false},
		{"Major", config.Source{}, map[string]any{"name": "Major"}, ticket.P2, false},
		{"Medium", config.Source{}, map[string]any{"name": "Medium"}, ticket.P3, false},
		{"Low", config.Source{}, map[string]any{"name": "Low"}, ticket.P4, false},
		{"Lowest", config.Source{}, map[string]any{"name": "Lowest"}, ticket.P4, false},
		{"Minor", config.Source{}, map[string]any{"name": "Minor"}, ticket.P4, false},
		{"Trivial lowercase", config.Source{}, map[string]any{"name": "trivial"}, ticket.P4, false},
		{"unknown to default p3", config.Source{}, map[string]any{"name": "Urgent"}, ticket.P3, true},
		{"unknown to configured default", config.Source{DefaultPriority: ticket.P2}, map[string]any{"name": "Urgent"}, ticket.P2, true},
		{"config override", config.Source{Priorities: map[string]ticket.Priority{"Urgent": ticket.P1}}, map[string]any{"name": "Urgent"}, ticket.P1, false},
		{"config over default name", config.Source{Priorities: map[string]ticket.Priority{"Medium": ticket.P2}}, map[string]any{"name": "Medium"}, ticket.P2, false},
		{"absent", config.Source{}, nil, ticket.P3, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk, err := mapWire(t, tc.cfg, map[string]any{"priority": tc.prio}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			unknown := slices.Contains(tk.Quality, ticket.QualityUnknownPriority)
			if tk.Priority != tc.want || unknown != tc.unknown {
				t.Errorf("got %s (unknown %v), want %s (unknown %v)", tk.Priority, unknown, tc.want, tc.unknown)
			}
		})
	}
}

func TestMapStatus(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      config.Source
		status   map[string]any
		want     ticket.State
		unknown  bool
		resolved bool
	}{
		{"new category", config.Source{}, status("Open", "new"), ticket.StateNew, false, false},
		{"indeterminate category", config.Source{}, status("Investigating", "indeterminate"), ticket.StateInProgress, false, false},
		{"done category", config.Source{}, status("Done", "done"), ticket.StateResolved, false, true},
		{"Waiting for customer", config.Source{}, status("Waiting for customer", "indeterminate"), ticket.StateWaitingCustomer, false, false},
		{"Waiting for support", config.Source{}, status("Waiting for support", "new"), ticket.StateInProgress, false, false},
		{"Pending", config.Source{}, status("Pending", "indeterminate"), ticket.StateWaitingPartner, false, false},
		{"Waiting for third party", config.Source{}, status("Waiting for Third Party", "indeterminate"), ticket.StateWaitingPartner, false, false},
		{"Closed", config.Source{}, status("Closed", "done"), ticket.StateClosed, false, true},
		{"no category", config.Source{}, status("Archived", "undefined"), ticket.StateInProgress, true, false},
		{"config override", config.Source{Statuses: map[string]ticket.State{"Archived": ticket.StateClosed}}, status("Archived", "undefined"), ticket.StateClosed, false, true},
		{"config over stock name", config.Source{Statuses: map[string]ticket.State{"pending": ticket.StateWaitingCustomer}}, status("Pending", "indeterminate"), ticket.StateWaitingCustomer, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk, err := mapWire(t, tc.cfg, map[string]any{"status": tc.status, "resolutiondate": "2026-03-10T09:00:00.000+0000"}, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			unknown := slices.Contains(tk.Quality, ticket.QualityUnknownStatus)
			if tk.State != tc.want || unknown != tc.unknown {
				t.Errorf("got %s (unknown %v), want %s (unknown %v)", tk.State, unknown, tc.want, tc.unknown)
			}
			if got := !tk.Resolved.IsZero(); got != tc.resolved {
				t.Errorf("resolved set: got %v (%v), want %v", got, tk.Resolved, tc.resolved)
			}
			if tk.Status != tc.status["name"] {
				t.Errorf("status: got %q, want %q", tk.Status, tc.status["name"])
			}
		})
	}
}

// TestMapChannel maps JSM's request.channel.type (issue 12 item 11). The built-in values are
// those of CustomerRequestChannelSource (portal, anonymous_portal, email, api, jira:
// https://docs.atlassian.com/jira-servicedesk/5.12.17/com/atlassian/servicedesk/api/request/CustomerRequestChannelSource.html);
// anonymous_portal is the portal; jira is an agent unless config says otherwise; a value no one
// mapped (an app's custom channel) is other and counted under unknown_channel.
func TestMapChannel(t *testing.T) {
	rt := map[string]any{"requestType": map[string]any{"id": "1", "name": "Get help"}}
	ch := func(v string) map[string]any {
		return map[string]any{"request.channel.type": map[string]any{"value": v}}
	}
	for _, tc := range []struct {
		name     string
		channels map[string]ticket.Channel // config
		request  bool                      // has a JSM request type
		props    map[string]any
		want     ticket.Channel
		unknown  bool
	}{
		{"portal", nil, true, ch("portal"), ticket.ChannelPortal, false},
		{"anonymous portal is the portal", nil, true, ch("anonymous_portal"), ticket.ChannelPortal, false},
		{"email", nil, true, ch("email"), ticket.ChannelEmail, false},
		{"api", nil, true, ch("api"), ticket.ChannelAPI, false},
		{"jira is an agent", nil, true, ch("jira"), ticket.ChannelAgent, false},
		{"jira as configured", map[string]ticket.Channel{"Jira": ticket.ChannelAPI}, true, ch("jira"), ticket.ChannelAPI, false},
		{"a custom channel mapped", map[string]ticket.Channel{"slack": ticket.ChannelChat}, true, ch("slack"), ticket.ChannelChat, false},
		{"a custom channel no one mapped", nil, true, ch("slack"), ticket.ChannelOther, true},
		{"absent on a JSM request", nil, true, nil, ticket.ChannelOther, true},
		{"absent on a plain issue", nil, false, nil, ticket.ChannelOther, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fields := map[string]any{}
			if tc.request {
				fields[jirafake.FieldRequestType] = rt
			}
			tk, err := mapWire(t, config.Source{Channels: tc.channels}, fields, tc.props, nil)
			if err != nil {
				t.Fatal(err)
			}
			unknown := slices.Contains(tk.Quality, ticket.QualityUnknownChannel)
			if tk.Channel != tc.want || unknown != tc.unknown {
				t.Errorf("got %s (unknown %v), want %s (unknown %v)", tk.Channel, unknown, tc.want, tc.unknown)
			}
		})
	}
}

// TestMapHiddenReporterEmail: a Jira Cloud user whose profile hides the email comes without
// emailAddress (accountId only; "Depending on the user's privacy setting, this may be returned
// as null", https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-user-get).
// With a reporter_domain rule such a ticket is counted under reporter_email_hidden instead of
// silently matching no customer (issue 12 item 11); without one it is not a data problem.
func TestMapHiddenReporterEmail(t *testing.T) {
	byDomain := []config.MatchRule{{Kind: config.MatchOrganization}, {Kind: config.MatchReporterDomain}}
	hidden := map[string]any{"accountId": "5b10ac8d82e05b22cc7d4ef5", "displayName": "Mia Krystof", "active": true,
		"accountType": "atlassian", "timeZone": "Australia/Sydney"}
	nullEmail := map[string]any{"accountId": "5b10ac8d82e05b22cc7d4ef5", "emailAddress": nil, "displayName": "Mia Krystof"}
	shown := map[string]any{"accountId": "5b10ac8d82e05b22cc7d4ef5", "emailAddress": "mia@northwind.example", "displayName": "Mia Krystof"}
	for _, tc := range []struct {
		name     string
		rules    []config.MatchRule
		reporter any // nil: the field is null
		flagged  bool
		domain   string
	}{
		{"hidden, matched by domain", byDomain, hidden, true, ""},
		{"null email, matched by domain", byDomain, nullEmail, true, ""},
		{"shown", byDomain, shown, false, "northwind.example"},
		{"no reporter", byDomain, nil, false, ""},
		{"hidden, no domain rule", []config.MatchRule{{Kind: config.MatchOrganization}}, hidden, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fields := map[string]any{"reporter": tc.reporter}
			if tc.reporter == nil {
				fields = map[string]any{}
			}
			tk, err := mapWire(t, config.Source{CustomerFrom: tc.rules}, fields, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := slices.Contains(tk.Quality, ticket.QualityReporterEmailHidden); got != tc.flagged {
				t.Errorf("flagged %s: got %v, want %v (quality %v)", ticket.QualityReporterEmailHidden, got, tc.flagged, tk.Quality)
			}
			if tk.Attributes.ReporterDomain != tc.domain {
				t.Errorf("reporter domain: got %q, want %q", tk.Attributes.ReporterDomain, tc.domain)
			}
		})
	}
}

func TestMapFlagsAndAttributes(t *testing.T) {
	cfg := config.Source{
		CustomerFrom: []config.MatchRule{{Kind: config.MatchOrganization}, {Kind: config.MatchField, Field: jirafake.FieldCustomer}},
	}
	updated := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		cfg    config.Source
		fields map[string]any
		prev   *ticket.Ticket
		check  func(t *testing.T, tk *ticket.Ticket)
	}{
		{"attributes", cfg, map[string]any{
			jirafake.FieldOrganizations: []any{map[string]any{"id": "1", "name": "Northwind Payments"}, map[string]any{"id": "2", "name": "Acme"}},
			jirafake.FieldCustomer:      map[string]any{"value": "northwind", "id": "10100"},
			"labels":                    []string{"vip", "customer-northwind"},
			"reporter":                  map[string]any{"emailAddress": "Jane@Northwind.EXAMPLE"},
			"summary":                   "Card payments fail",
		}, nil, func(t *testing.T, tk *ticket.Ticket) {
			want := ticket.Attributes{Project: "SUP",
				Organizations:  []ticket.Organization{{Name: "Northwind Payments"}, {Name: "Acme"}},
				Fields:         map[string]string{jirafake.FieldCustomer: "northwind"},
				Labels:         []string{"vip", "customer-northwind"},
				ReporterDomain: "northwind.example"}
			gj, _ := json.Marshal(tk.Attributes)
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Errorf("attributes:\n got %s\nwant %s", gj, wj)
			}
			if tk.Summary != "Card payments fail" || tk.URL != "https://example.atlassian.net/browse/SUP-1" {
				t.Errorf("summary, url: got %q %q", tk.Summary, tk.URL)
			}
		}},
		{"field not named by a rule is not kept", config.Source{}, map[string]any{jirafake.FieldCustomer: "northwind"}, nil, func(t *testing.T, tk *ticket.Ticket) {
			if tk.Attributes.Fields != nil {
				t.Errorf("fields: got %v, want none", tk.Attributes.Fields)
			}
		}},
		{"escalated by default label", config.Source{}, map[string]any{"labels": []string{"Escalated"}}, nil, func(t *testing.T, tk *ticket.Ticket) {
			if !tk.Escalated {
				t.Errorf("escalated: got false, want true")
			}
		}},
		{"escalated by configured status", config.Source{Escalation: config.Escalation{Statuses: []string{"Escalated to L3"}}},
			map[string]any{"status": status("Escalated to L3", "indeterminate"), "labels": []string{"escalated"}}, nil, func(t *testing.T, tk *ticket.Ticket) {
				if !tk.Escalated {
					t.Errorf("escalated: got false, want true")
				}
			}},
		{"configured escalation replaces the default label", config.Source{Escalation: config.Escalation{Statuses: []string{"Escalated to L3"}}},
			map[string]any{"labels": []string{"escalated"}}, nil, func(t *testing.T, tk *ticket.Ticket) {
				if tk.Escalated {
					t.Errorf("escalated: got true, want false")
				}
			}},
		{"incident by default type", config.Source{}, map[string]any{"issuetype": map[string]any{"name": "Incident"}}, nil, func(t *testing.T, tk *ticket.Ticket) {
			if !tk.Incident {
				t.Errorf("incident: got false, want true")
			}
		}},
		{"incident by configured type", config.Source{IncidentTypes: []string{"Outage"}}, map[string]any{"issuetype": map[string]any{"name": "Incident"}}, nil, func(t *testing.T, tk *ticket.Ticket) {
			if tk.Incident {
				t.Errorf("incident: got true, want false (only Outage)")
			}
		}},
		{"csat good with date", config.Source{}, map[string]any{
			jirafake.FieldSatisfaction: map[string]any{"rating": 4}, jirafake.FieldSatisfactionDate: "2026-03-10T08:00:00.000+0000"}, nil,
			func(t *testing.T, tk *ticket.Ticket) {
				if tk.CSAT != ticket.CSATGood || !tk.CSATAt.Equal(time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)) {
					t.Errorf("csat: got %q at %v, want good at 08:00", tk.CSAT, tk.CSATAt)
				}
			}},
		{"csat bad dated by update", config.Source{}, map[string]any{jirafake.FieldSatisfaction: map[string]any{"rating": 3}}, nil,
			func(t *testing.T, tk *ticket.Ticket) {
				if tk.CSAT != ticket.CSATBad || !tk.CSATAt.Equal(updated) {
					t.Errorf("csat: got %q at %v, want bad at %v", tk.CSAT, tk.CSATAt, updated)
				}
			}},
		{"csat date kept from the first sighting", config.Source{}, map[string]any{jirafake.FieldSatisfaction: map[string]any{"rating": 5}},
			&ticket.Ticket{State: ticket.StateResolved, CSAT: ticket.CSATGood, CSATAt: updated.Add(-time.Hour)},
			func(t *testing.T, tk *ticket.Ticket) {
				if !tk.CSATAt.Equal(updated.Add(-time.Hour)) {
					t.Errorf("csat at: got %v, want %v", tk.CSATAt, updated.Add(-time.Hour))
				}
			}},
		{"no rating", config.Source{}, map[string]any{jirafake.FieldSatisfaction: map[string]any{"rating": 0}}, nil,
			func(t *testing.T, tk *ticket.Ticket) {
				if tk.CSAT != ticket.CSATNone || !tk.CSATAt.IsZero() {
					t.Errorf("csat: got %q at %v, want none", tk.CSAT, tk.CSATAt)
				}
			}},
		{"reopened", config.Source{}, nil, &ticket.Ticket{State: ticket.StateResolved, Reopened: 1, ReopenedAt: updated.Add(-48 * time.Hour)},
			func(t *testing.T, tk *ticket.Ticket) {
				if tk.Reopened != 2 || !tk.ReopenedAt.Equal(updated) {
					t.Errorf("reopened: got %d at %v, want 2 at %v", tk.Reopened, tk.ReopenedAt, updated)
				}
			}},
		{"still open keeps the count", config.Source{}, nil, &ticket.Ticket{State: ticket.StateNew, Reopened: 1, ReopenedAt: updated.Add(-48 * time.Hour)},
			func(t *testing.T, tk *ticket.Ticket) {
				if tk.Reopened != 1 || !tk.ReopenedAt.Equal(updated.Add(-48*time.Hour)) {
					t.Errorf("reopened: got %d at %v, want 1 at %v", tk.Reopened, tk.ReopenedAt, updated.Add(-48*time.Hour))
				}
			}},
		{"resolved without resolution date keeps the first sighting", config.Source{}, map[string]any{"status": status("Done", "done")},
			&ticket.Ticket{State: ticket.StateResolved, Resolved: updated.Add(-time.Hour)},
			func(t *testing.T, tk *ticket.Ticket) {
				if !tk.Resolved.Equal(updated.Add(-time.Hour)) {
					t.Errorf("resolved: got %v, want %v", tk.Resolved, updated.Add(-time.Hour))
				}
			}},
		{"first reply from the first_response clock", config.Source{}, map[string]any{
			jirafake.FieldFirstResponse: json.RawMessage(slaReadme)}, nil,
			func(t *testing.T, tk *ticket.Ticket) {
				// The README value is named "Time to resolution": it is the resolution clock,
				// found under the first response field all the same, and sets no first reply.
				if _, ok := tk.Clock(ticket.SLAResolution); !ok || !tk.FirstReply.IsZero() {
					t.Errorf("clocks %v, first reply %v: want resolution clock and no first reply", tk.Clocks, tk.FirstReply)
				}
			}},
		{"first reply set", config.Source{}, map[string]any{
			jirafake.FieldFirstResponse: jirafake.SLAValue("Time to first response", []ticket.Cycle{
				{Start: updated.Add(-2 * time.Hour), Stop: updated.Add(-time.Hour), Goal: 2 * time.Hour, Elapsed: time.Hour}})}, nil,
			func(t *testing.T, tk *ticket.Ticket) {
				if !tk.FirstReply.Equal(updated.Add(-time.Hour)) {
					t.Errorf("first reply: got %v, want %v", tk.FirstReply, updated.Add(-time.Hour))
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk, err := mapWire(t, tc.cfg, tc.fields, nil, tc.prev)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, tk)
		})
	}
}

func TestMapRejectsIssueWithoutUpdated(t *testing.T) {
	_, err := mapWire(t, config.Source{}, map[string]any{"updated": nil}, nil, nil)
	if err == nil || !strings.Contains(err.Error(), "SUP-1") {
		t.Errorf("got %v, want an error naming SUP-1", err)
	}
}

func TestDiscoverFields(t *testing.T) {
	f := discoverFields(jirafake.DefaultFields(), config.Fields{})
	got := strings.Join([]string{strings.Join(f.sla, "+"), f.orgs, f.satisfaction, f.satisfactionDate, f.requestType}, " ")
	want := strings.Join([]string{jirafake.FieldFirstResponse + "+" + jirafake.FieldResolution, jirafake.FieldOrganizations,
		jirafake.FieldSatisfaction, jirafake.FieldSatisfactionDate, jirafake.FieldRequestType}, " ")
	if got != want {
		t.Errorf("discovered: got %s, want %s", got, want)
	}
	f = discoverFields(jirafake.DefaultFields(), config.Fields{SLA: []string{"customfield_1"}, Organizations: "customfield_2", Satisfaction: "customfield_3", RequestType: "customfield_4"})
	got = strings.Join([]string{strings.Join(f.sla, "+"), f.orgs, f.satisfaction, f.requestType}, " ")
	if want := "customfield_1 customfield_2 customfield_3 customfield_4"; got != want {
		t.Errorf("explicit: got %s, want %s", got, want)
	}
}

func TestStringValue(t *testing.T) {
	for _, tc := range []struct{ raw, want string }{
		{`"northwind"`, "northwind"},
		{`42`, "42"},
		{`{"value": "Gold", "id": "1"}`, "Gold"},
		{`[{"value": "A"}, {"value": "B"}]`, "A"},
		{`{"name": "Team X"}`, "Team X"},
		{`{"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": "north"}, {"type": "text", "text": "wind"}]}]}`, "northwind"},
		{`null`, ""},
	} {
		if got := stringValue(json.RawMessage(tc.raw)); got != tc.want {
			t.Errorf("stringValue(%s): got %q, want %q", tc.raw, got, tc.want)
		}
	}
}
