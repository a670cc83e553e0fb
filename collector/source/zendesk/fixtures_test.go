package zendesk

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// The files in testdata were recorded from a real Zendesk account by nukosuke/go-zendesk (MIT,
// testdata/LICENSE) and are used as they are.

func readFixture(t *testing.T, name string, into any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, into); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

func TestFixturesParse(t *testing.T) {
	var list struct {
		Tickets []apiTicket `json:"tickets"`
	}
	readFixture(t, "tickets.json", &list)
	var one struct {
		Ticket apiTicket `json:"ticket"`
	}
	readFixture(t, "ticket.json", &one)
	var many showManyPage
	readFixture(t, "ticket_show_many.json", &many)
	var orgs organizationsPage
	readFixture(t, "organizations.json", &orgs)
	var users struct {
		Users []apiUser `json:"users"`
	}
	readFixture(t, "users.json", &users)

	if len(list.Tickets) != 2 || list.Tickets[0].ID != 2 || list.Tickets[1].ID != 3 {
		t.Fatalf("tickets.json: got %+v, want tickets 2 and 3", list.Tickets)
	}
	if one.Ticket.ID != 2 || one.Ticket.Priority != nil || one.Ticket.Status != "solved" || *one.Ticket.OrganizationID != 360363695492 {
		t.Errorf("ticket.json: got %+v, want ticket 2, solved, no priority, organization 360363695492", one.Ticket)
	}
	if got := []int64{many.Tickets[0].ID, many.Tickets[1].ID}; !slices.Equal(got, []int64{2, 3}) {
		t.Errorf("ticket_show_many.json: got ids %v, want [2 3]", got)
	}
	if len(orgs.Organizations) != 2 || orgs.Organizations[0].Name != "Rebel Alliance" || orgs.Organizations[1].ID != 361898904440 {
		t.Errorf("organizations.json: got %+v", orgs.Organizations)
	}
	if len(users.Users) != 2 || users.Users[1].Email != "nukosuke@lavabit.com" || users.Users[0].Role != "end-user" {
		t.Errorf("users.json: got %+v", users.Users)
	}

	s := testSource(t, nil)
	cases := []struct {
		at   apiTicket
		want ticket.Ticket
	}{
		{list.Tickets[0], ticket.Ticket{Key: "2", Channel: ticket.ChannelEmail, State: ticket.StateResolved, Priority: ticket.P3,
			Summary: "Mail to create fixture ticket for testing", Created: time.Date(2019, 6, 3, 2, 23, 47, 0, time.UTC)}},
		{list.Tickets[1], ticket.Ticket{Key: "3", Channel: ticket.ChannelPortal, State: ticket.StateResolved, Priority: ticket.P3,
			Summary: "にゃー", Created: time.Date(2019, 6, 3, 2, 34, 52, 0, time.UTC)}},
	}
	for _, tc := range cases {
		t.Run(tc.want.Key, func(t *testing.T) {
			got := s.normalize(tc.at, nil, pageRefs{})
			if got.Key != tc.want.Key || got.Channel != tc.want.Channel || got.State != tc.want.State || got.Priority != tc.want.Priority ||
				got.Summary != tc.want.Summary || !got.Created.Equal(tc.want.Created) {
				t.Errorf("got key %s channel %s state %s priority %s summary %q created %v;\nwant %s %s %s %s %q %v",
					got.Key, got.Channel, got.State, got.Priority, got.Summary, got.Created,
					tc.want.Key, tc.want.Channel, tc.want.State, tc.want.Priority, tc.want.Summary, tc.want.Created)
			}
			if !slices.Contains(got.Quality, ticket.QualityUnknownPriority) {
				t.Errorf("quality: got %v, want unknown_priority (priority is null)", got.Quality)
			}
		})
	}
}

func TestPollRecordedFixturesThroughFake(t *testing.T) {
	h := newHarness(t, zendeskfake.Options{FixtureDir: "testdata"}, nil)
	h.clk.Set(time.Date(2019, 7, 1, 0, 0, 0, 0, time.UTC))
	h.mustPoll(t)
	if got := h.st.Len(); got != 2 {
		t.Fatalf("stored: got %d tickets, want the 2 recorded", got)
	}
	got, _ := h.st.Get("2")
	if want := []ticket.Organization{{ID: "360363695492"}}; !slices.Equal(got.Attributes.Organizations, want) {
		t.Errorf("organizations: got %v, want %v (not among the recorded organizations)", got.Attributes.Organizations, want)
	}
	// The organization is neither sideloaded nor in the list: the list is read once, not per page.
	if n := h.requestCount(endpointOrganizations, "200"); n != 1 {
		t.Errorf("organizations list requests: got %v, want 1", n)
	}
	if got.URL != h.url+"/agent/tickets/2" || !got.Resolved.Equal(time.Date(2019, 6, 5, 1, 13, 24, 0, time.UTC)) {
		t.Errorf("got url %q resolved %v", got.URL, got.Resolved)
	}
}
