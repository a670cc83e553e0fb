package snapshot

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/ticket"
)

func org(id, name string) opt {
	return func(t *ticket.Ticket) { t.Attributes.Organizations = []ticket.Organization{{ID: id, Name: name}} }
}

// TestRecords, by hand: alpha's tickets all come from jsm while zendesk holds two tickets (one
// open) of "ALPHA Inc." that map to no customer: one unmapped organization, alpha matched on one
// desk. beta has no ticket created in 30 days (only an old one): quiet, and so is zeta (none).
// A ticket first read for beta now maps to alpha: moved.
func TestRecords(t *testing.T) {
	moved := tk(cust("alpha"), src("jsm"))
	moved.Key = "M-1"
	moved.Former = &ticket.Attributes{Project: "beta"}
	tickets := []*ticket.Ticket{
		tk(cust("alpha"), src("jsm")),
		moved,
		tk(cust(""), src("zendesk"), org("77", "ALPHA Inc.")),
		tk(cust(""), src("zendesk"), org("77", "ALPHA Inc."), resolved(ago(hour))),
		tk(cust("beta"), src("jsm"), created(ago(40*24*time.Hour))),
	}
	s := compute(tickets...)
	r := s.Records
	if len(r.Unmapped) != 1 || r.Unmapped[0] != (UnmappedOrganization{Source: "zendesk", ID: "77", Name: "ALPHA Inc.", Tickets: 2, Open: 1}) {
		t.Errorf("unmapped: %+v", r.Unmapped)
	}
	if len(r.OneDesk) != 1 || r.OneDesk[0].Customer != "alpha" || r.OneDesk[0].Desk != "jsm" || r.OneDesk[0].Other.ID != "77" {
		t.Errorf("one desk: %+v", r.OneDesk)
	}
	if len(r.Quiet) != 2 || r.Quiet[0] != "beta" || r.Quiet[1] != "zeta" {
		t.Errorf("quiet: %v", r.Quiet)
	}
	if r.MovedCount != 1 || r.Moved[0].Key != "M-1" || r.Moved[0].From != "beta" || r.Moved[0].To != "alpha" {
		t.Errorf("moved: %+v", r.Moved)
	}
}
