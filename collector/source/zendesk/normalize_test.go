package zendesk

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

func testSource(t *testing.T, mod func(*config.Source)) *Source {
	t.Helper()
	cfg := config.Source{
		Name: "zd", URL: "https://acme.zendesk.com/",
		Auth:       config.Auth{TokenEnv: "ZD_TEST_TOKEN"},
		Escalation: config.Escalation{Labels: []string{"escalated"}, Statuses: []string{"hold"}},
	}
	if mod != nil {
		mod(&cfg)
	}
	t.Setenv("ZD_TEST_TOKEN", "x")
	s, err := newSource(cfg, sourceDepsForTest())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func apiT(mod func(*apiTicket)) apiTicket {
	at := apiTicket{
		ID: 35436, Subject: "VPN down", Status: "open", Priority: ptr("normal"),
		Via:         apiVia{Channel: json.RawMessage(`"email"`)},
		CreatedAt:   t0.Add(-time.Hour),
		UpdatedAt:   t0,
		RequesterID: ptr(int64(10)), SubmitterID: ptr(int64(10)),
	}
	if mod != nil {
		mod(&at)
	}
	return at
}

func TestNormalize(t *testing.T) {
	agent := pageRefs{users: map[int64]apiUser{20: {ID: 20, Role: "agent"}, 30: {ID: 30, Role: "end-user"}}}
	cases := []struct {
		name  string
		mod   func(*apiTicket)
		cfg   func(*config.Source)
		refs  pageRefs
		check func(t *testing.T, got *ticket.Ticket)
	}{
		{name: "identity", check: func(t *testing.T, got *ticket.Ticket) {
			if got.Key != "35436" || got.URL != "https://acme.zendesk.com/agent/tickets/35436" || got.Source != "zd" || got.Summary != "VPN down" {
				t.Errorf("got key %q url %q source %q summary %q", got.Key, got.URL, got.Source, got.Summary)
			}
		}},
		{name: "status open", check: state(ticket.StateInProgress)},
		{name: "status new", mod: func(a *apiTicket) { a.Status = "new" }, check: state(ticket.StateNew)},
		{name: "status pending", mod: func(a *apiTicket) { a.Status = "pending" }, check: state(ticket.StateWaitingCustomer)},
		{name: "status hold", mod: func(a *apiTicket) { a.Status = "hold" }, check: state(ticket.StateWaitingPartner)},
		{name: "status solved", mod: func(a *apiTicket) { a.Status = "solved" }, check: state(ticket.StateResolved)},
		{name: "status closed", mod: func(a *apiTicket) { a.Status = "closed" }, check: state(ticket.StateClosed)},
		{name: "status unknown", mod: func(a *apiTicket) { a.Status = "archived" }, check: func(t *testing.T, got *ticket.Ticket) {
			state(ticket.StateInProgress)(t, got)
			quality(ticket.QualityUnknownStatus)(t, got)
		}},
		{name: "status override", mod: func(a *apiTicket) { a.Status = "hold" }, cfg: func(c *config.Source) {
			c.Statuses = map[string]ticket.State{"Hold": ticket.StateInProgress}
		}, check: state(ticket.StateInProgress)},
		{name: "priority urgent", mod: func(a *apiTicket) { a.Priority = ptr("urgent") }, check: prio(ticket.P1)},
		{name: "priority high", mod: func(a *apiTicket) { a.Priority = ptr("high") }, check: prio(ticket.P2)},
		{name: "priority normal", check: prio(ticket.P3)},
		{name: "priority low", mod: func(a *apiTicket) { a.Priority = ptr("low") }, check: prio(ticket.P4)},
		{name: "priority null", mod: func(a *apiTicket) { a.Priority = nil }, cfg: func(c *config.Source) { c.DefaultPriority = ticket.P2 },
			check: func(t *testing.T, got *ticket.Ticket) {
				prio(ticket.P2)(t, got)
				quality(ticket.QualityUnknownPriority)(t, got)
			}},
		{name: "channel web", mod: via("web"), check: channel(ticket.ChannelPortal)},
		{name: "channel email", check: channel(ticket.ChannelEmail)},
		{name: "channel api", mod: via("api"), check: channel(ticket.ChannelAPI)},
		{name: "channel chat", mod: via("chat"), check: channel(ticket.ChannelChat)},
		{name: "channel native_messaging", mod: via("native_messaging"), check: channel(ticket.ChannelChat)},
		{name: "channel voice", mod: via("voice"), check: channel(ticket.ChannelPhone)},
		{name: "channel twitter", mod: via("twitter"), check: channel(ticket.ChannelOther)},
		{name: "channel unknown", mod: via("carrier_pigeon"), check: func(t *testing.T, got *ticket.Ticket) {
			channel(ticket.ChannelOther)(t, got)
			quality(ticket.QualityUnknownChannel)(t, got)
		}},
		{name: "web ticket an agent raised", refs: agent, mod: func(a *apiTicket) {
			via("web")(a)
			a.SubmitterID = ptr(int64(20))
		}, check: channel(ticket.ChannelAgent)},
		{name: "web ticket, submitter not sideloaded", mod: func(a *apiTicket) {
			via("web")(a)
			a.SubmitterID = ptr(int64(99))
		}, check: channel(ticket.ChannelAgent)},
		{name: "web ticket an end user submitted for another", refs: agent, mod: func(a *apiTicket) {
			via("web")(a)
			a.SubmitterID = ptr(int64(30))
		}, check: channel(ticket.ChannelPortal)},
		{name: "api ticket of an integration", refs: agent, mod: func(a *apiTicket) {
			via("api")(a)
			a.SubmitterID = ptr(int64(20))
		}, check: channel(ticket.ChannelAPI)},
		{name: "incident", mod: func(a *apiTicket) { a.Type = ptr("incident") }, check: func(t *testing.T, got *ticket.Ticket) {
			if !got.Incident {
				t.Error("incident: got false, want true")
			}
		}},
		{name: "problem", mod: func(a *apiTicket) { a.Type = ptr("problem") }, check: func(t *testing.T, got *ticket.Ticket) {
			if !got.Incident {
				t.Error("incident: got false, want true")
			}
		}},
		{name: "question", mod: func(a *apiTicket) { a.Type = ptr("question") }, check: func(t *testing.T, got *ticket.Ticket) {
			if got.Incident {
				t.Error("incident: got true, want false")
			}
		}},
		{name: "incident types override", mod: func(a *apiTicket) { a.Type = ptr("problem") }, cfg: func(c *config.Source) { c.IncidentTypes = []string{"incident"} },
			check: func(t *testing.T, got *ticket.Ticket) {
				if got.Incident {
					t.Error("incident: got true, want false")
				}
			}},
		{name: "tags and escalation", mod: func(a *apiTicket) { a.Tags = []string{"vip", "escalated"} }, check: func(t *testing.T, got *ticket.Ticket) {
			if !got.Escalated || !slices.Equal(got.Attributes.Labels, []string{"vip", "escalated"}) {
				t.Errorf("got escalated %v labels %v, want true [vip escalated]", got.Escalated, got.Attributes.Labels)
			}
		}},
		{name: "escalation by status", mod: func(a *apiTicket) { a.Status = "hold" }, check: func(t *testing.T, got *ticket.Ticket) {
			if !got.Escalated {
				t.Error("escalated: got false, want true")
			}
		}},
		{name: "organization", refs: pageRefs{orgs: map[int64]string{360001: "Northwind"}}, mod: func(a *apiTicket) { a.OrganizationID = ptr(int64(360001)) },
			check: func(t *testing.T, got *ticket.Ticket) {
				if want := []ticket.Organization{{ID: "360001", Name: "Northwind"}}; !slices.Equal(got.Attributes.Organizations, want) {
					t.Errorf("got %v, want %v", got.Attributes.Organizations, want)
				}
			}},
		{name: "csat", mod: func(a *apiTicket) { a.SatisfactionRating = &apiRatingOnTkt{ID: 1, Score: "good"} }, check: func(t *testing.T, got *ticket.Ticket) {
			if got.CSAT != ticket.CSATGood || !got.CSATAt.Equal(t0) {
				t.Errorf("got %q at %v, want good at %v", got.CSAT, got.CSATAt, t0)
			}
		}},
		{name: "csat offered only", mod: func(a *apiTicket) { a.SatisfactionRating = &apiRatingOnTkt{ID: 1, Score: "offered"} }, check: func(t *testing.T, got *ticket.Ticket) {
			if got.CSAT != ticket.CSATNone {
				t.Errorf("got %q, want none", got.CSAT)
			}
		}},
		{name: "solved when first seen", mod: func(a *apiTicket) { a.Status = "solved" }, check: func(t *testing.T, got *ticket.Ticket) {
			if !got.Resolved.Equal(t0) {
				t.Errorf("resolved: got %v, want %v", got.Resolved, t0)
			}
			want := []ticket.Transition{{At: t0.Add(-time.Hour), State: ticket.StateNew, Status: "new"}, {At: t0, State: ticket.StateResolved, Status: "solved"}}
			if !slices.Equal(got.Transitions, want) {
				t.Errorf("transitions: got %v, want %v", got.Transitions, want)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := testSource(t, tc.cfg)
			tc.check(t, s.normalize(apiT(tc.mod), nil, tc.refs))
		})
	}
}

func TestNormalizeCarriesOverAndDetectsReopen(t *testing.T) {
	s := testSource(t, nil)
	solvedAt := t0.Add(-3 * time.Hour)
	prev := &ticket.Ticket{
		Key: "35436", State: ticket.StateResolved, Resolved: solvedAt, Reopened: 1,
		FirstReply: t0.Add(-5 * time.Hour), CSAT: ticket.CSATBad, CSATAt: solvedAt,
		Clocks:     []ticket.Clock{{Name: ticket.SLAResolution}},
		Attributes: ticket.Attributes{ReporterDomain: "northwind.example", Organizations: []ticket.Organization{{ID: "7", Name: "Northwind"}}},
	}
	cases := []struct {
		name   string
		status string
		check  func(t *testing.T, got *ticket.Ticket)
	}{
		{"solved to open: reopened", "open", func(t *testing.T, got *ticket.Ticket) {
			if got.Reopened != 2 || !got.ReopenedAt.Equal(t0) || !got.Resolved.IsZero() {
				t.Errorf("got reopened %d at %v resolved %v, want 2 at %v, not resolved", got.Reopened, got.ReopenedAt, got.Resolved, t0)
			}
		}},
		{"solved to closed: solve time kept", "closed", func(t *testing.T, got *ticket.Ticket) {
			if got.Reopened != 1 || !got.Resolved.Equal(solvedAt) {
				t.Errorf("got reopened %d resolved %v, want 1 and %v", got.Reopened, got.Resolved, solvedAt)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			at := apiT(func(a *apiTicket) {
				a.Status = tc.status
				a.OrganizationID = ptr(int64(7))
				a.SatisfactionRating = &apiRatingOnTkt{Score: "bad"}
			})
			got := s.normalize(at, prev, pageRefs{})
			tc.check(t, got)
			if want := (ticket.Transition{At: t0, State: got.State, Status: tc.status}); len(got.Transitions) != 1 || got.Transitions[0] != want {
				t.Errorf("transitions: got %v, want the stored history plus %v", got.Transitions, want)
			}
			if len(got.Clocks) != 1 || !got.FirstReply.Equal(prev.FirstReply) || !got.CSATAt.Equal(solvedAt) ||
				got.Attributes.ReporterDomain != "northwind.example" || got.Attributes.Organizations[0].Name != "Northwind" {
				t.Errorf("carried over: got clocks %v first reply %v csat at %v domain %q orgs %v; want the stored ones",
					got.Clocks, got.FirstReply, got.CSATAt, got.Attributes.ReporterDomain, got.Attributes.Organizations)
			}
		})
	}
}

func state(want ticket.State) func(*testing.T, *ticket.Ticket) {
	return func(t *testing.T, got *ticket.Ticket) {
		t.Helper()
		if got.State != want {
			t.Errorf("state: got %q, want %q", got.State, want)
		}
	}
}

func prio(want ticket.Priority) func(*testing.T, *ticket.Ticket) {
	return func(t *testing.T, got *ticket.Ticket) {
		t.Helper()
		if got.Priority != want {
			t.Errorf("priority: got %q, want %q", got.Priority, want)
		}
	}
}

func channel(want ticket.Channel) func(*testing.T, *ticket.Ticket) {
	return func(t *testing.T, got *ticket.Ticket) {
		t.Helper()
		if got.Channel != want {
			t.Errorf("channel: got %q, want %q", got.Channel, want)
		}
	}
}

func quality(want string) func(*testing.T, *ticket.Ticket) {
	return func(t *testing.T, got *ticket.Ticket) {
		t.Helper()
		if !slices.Contains(got.Quality, want) {
			t.Errorf("quality: got %v, want %q in it", got.Quality, want)
		}
	}
}

func via(ch string) func(*apiTicket) {
	return func(a *apiTicket) { a.Via.Channel = json.RawMessage(`"` + ch + `"`) }
}
