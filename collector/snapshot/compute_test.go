package snapshot

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

func TestCustomersAllPresentSortedWithConfigFields(t *testing.T) {
	s := compute() // no tickets at all
	if !s.At.Equal(now) {
		t.Errorf("At = %v, want %v", s.At, now)
	}
	type row struct{ ID, Name, Tier, CSM string }
	var got []row
	for _, c := range s.Customers {
		got = append(got, row{c.ID, c.Name, c.Tier, c.CSM})
	}
	want := []row{
		{"alpha", "Alpha Inc", "gold", "A. Person"},
		{"beta", "Beta GmbH", "gold", ""},
		{"zeta", "Zeta Ltd", "silver", "Z. Person"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("customers:\n got %v\nwant %v", got, want)
	}
	for _, c := range s.Customers {
		if c.Open != ([4][4]float64{}) || c.Risk != 0 || len(c.Trends) != len(catalog.Windows) || len(c.RiskFactors) != len(catalog.Factors) {
			t.Errorf("%s: empty customer not zero-valued and complete: open %v risk %v trends %d factors %d",
				c.ID, c.Open, c.Risk, len(c.Trends), len(c.RiskFactors))
		}
	}
}

func TestDataQuality(t *testing.T) {
	tickets := []*ticket.Ticket{
		tk(cust("")),                             // jsm: no rule matched
		tk(cust("ghost"), resolved(ago(40*day))), // jsm: matched an id not configured; closed long ago still counts
		tk(cust("alpha"), quality(ticket.QualityUnknownPriority, ticket.QualityUnknownPriority)), // counted once
		tk(cust("alpha"), quality(ticket.QualityUnmappedCustomer)),                               // the source's claim is not the snapshot's verdict
		tk(cust(""), quality(ticket.QualityReporterEmailHidden)),                                 // jsm: its reporter's email withheld, and unmatched
		tk(src("zendesk"), cust(""), quality(ticket.QualityUnknownStatus, ticket.QualityUnknownChannel)),
		tk(src("zendesk"), cust("beta"), quality(ticket.QualityUnknownStatus, ticket.QualityUnsupportedSLA)),
		tk(src("zendesk"), cust("beta"), quality(ticket.QualityTruncatedField)), // cut at the store's entry
		tk(src("elsewhere"), cust(""), quality(ticket.QualityUnknownStatus)),    // not configured: ignored
	}
	got := compute(tickets...).DataQuality
	want := []DataQuality{
		{"jsm", ticket.QualityReporterEmailHidden, 1},
		{"jsm", ticket.QualityTruncatedField, 0},
		{"jsm", ticket.QualityUnknownChannel, 0},
		{"jsm", ticket.QualityUnknownPriority, 1},
		{"jsm", ticket.QualityUnknownStatus, 0},
		{"jsm", ticket.QualityUnmappedCustomer, 3},
		{"jsm", ticket.QualityUnsupportedSLA, 0},
		{"zendesk", ticket.QualityReporterEmailHidden, 0},
		{"zendesk", ticket.QualityTruncatedField, 1},
		{"zendesk", ticket.QualityUnknownChannel, 1},
		{"zendesk", ticket.QualityUnknownPriority, 0},
		{"zendesk", ticket.QualityUnknownStatus, 2},
		{"zendesk", ticket.QualityUnmappedCustomer, 1},
		{"zendesk", ticket.QualityUnsupportedSLA, 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("data quality:\n got %v\nwant %v", got, want)
	}
}

func TestUnmappedAndUnconfiguredTicketsCountNowhereElse(t *testing.T) {
	s := compute(
		tk(cust(""), prio(ticket.P1), incident()),
		tk(cust("ghost"), prio(ticket.P1), incident()),
		tk(src("elsewhere"), cust("alpha"), prio(ticket.P1), incident()),
	)
	for _, c := range s.Customers {
		if c.Open != ([4][4]float64{}) || c.Trends[2].Created != 0 {
			t.Errorf("%s: got open %v created30d %v, want nothing", c.ID, c.Open, c.Trends[2].Created)
		}
	}
}

func TestMovedTicketCountsWhereItIsNow(t *testing.T) {
	// The same ticket was alpha's when stored; the rules now say beta.
	moved := tk(cust("alpha"), prio(ticket.P2), escalated())
	rules := map[string]string{"alpha": "beta"}
	s := Compute(Input{Tickets: []*ticket.Ticket{moved}, Now: now, Config: testConfig(),
		CustomerOf: func(t *ticket.Ticket) string { return rules[t.Attributes.Project] }})
	if got := customer(t, s, "alpha").Escalated[1]; got != 0 {
		t.Errorf("alpha escalated p2 = %v, want 0", got)
	}
	if got := customer(t, s, "beta").Escalated[1]; got != 1 {
		t.Errorf("beta escalated p2 = %v, want 1", got)
	}
	if got := customer(t, s, "beta").Trends[0].Created; got != 1 {
		t.Errorf("beta created 1d = %v, want 1", got)
	}
}

func TestComputeNeverMutatesTickets(t *testing.T) {
	tickets := []*ticket.Ticket{
		tk(clock(ticket.SLAResolution, stopped(ago(hour), true), running(4*hour, ago(time.Minute))), csat(ticket.CSATBad, ago(hour))),
		tk(cust("zeta"), quality(ticket.QualityUnknownChannel), firstReply(ago(30*time.Minute)), resolved(ago(10*time.Minute))),
		tk(cust("")),
	}
	before, err := json.Marshal(tickets)
	if err != nil {
		t.Fatal(err)
	}
	compute(tickets...)
	after, err := json.Marshal(tickets)
	if err != nil {
		t.Fatal(err)
	}
	if string(before) != string(after) {
		t.Errorf("tickets changed:\nbefore %s\n after %s", before, after)
	}
}

func TestNilConfigAndNilCustomerOf(t *testing.T) {
	if s := Compute(Input{Tickets: []*ticket.Ticket{tk()}, Now: now}); len(s.Customers) != 0 || !s.At.Equal(now) {
		t.Errorf("nil config: got %d customers at %v, want none at %v", len(s.Customers), s.At, now)
	}
	s := Compute(Input{Tickets: []*ticket.Ticket{tk(), tk(src("zendesk"))}, Now: now, Config: testConfig()})
	var unmapped []int
	for _, q := range s.DataQuality {
		if q.Check == ticket.QualityUnmappedCustomer {
			unmapped = append(unmapped, q.Count)
		}
	}
	if want := []int{1, 1}; !reflect.DeepEqual(unmapped, want) {
		t.Errorf("nil CustomerOf: unmapped per source = %v, want %v", unmapped, want)
	}
}

func TestEmptyConfig(t *testing.T) {
	s := Compute(Input{Tickets: []*ticket.Ticket{tk()}, Now: now, Config: &config.Config{}, CustomerOf: byProject})
	if len(s.Customers) != 0 || len(s.DataQuality) != 0 {
		t.Errorf("got %d customers, %d quality rows; want none", len(s.Customers), len(s.DataQuality))
	}
}

// TestCustomerSources: a customer lists, sorted, the configured sources that hold at least one
// of its tickets, resolved ones included; a customer without tickets lists none, and a source
// nobody configured never shows.
func TestCustomerSources(t *testing.T) {
	s := compute(
		tk(cust("alpha")),
		tk(cust("alpha"), src("zendesk"), resolved(ago(hour))),
		tk(cust("zeta"), src("zendesk")),
		tk(cust("zeta"), src("elsewhere")),
	)
	want := map[string][]string{"alpha": {"jsm", "zendesk"}, "beta": nil, "zeta": {"zendesk"}}
	for id, w := range want {
		if got := customer(t, s, id).Sources; !slices.Equal(got, w) {
			t.Errorf("%s: sources %v, want %v", id, got, w)
		}
	}
}
