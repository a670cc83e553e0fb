package snapshot

import (
	"reflect"
	"testing"
	"time"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// TestCategories: with category_from on jsm and top_categories 2, alpha's tickets created in the
// last 30 days rank Billing (3) and Access (2); Cards (1) falls outside the top 2 and is other
// with the request type nobody set (uncategorized, 1), while the 40-day-old Billing ticket counts
// nowhere. beta, categorized but without tickets, has an empty breakdown.
func TestCategories(t *testing.T) {
	cfg := testConfig()
	cfg.TopCategories = 2
	cfg.Sources[1].CategoryFrom = []config.CategoryRule{{Kind: config.CategoryRequestType}}
	kind := func(name string) opt {
		return func(t *ticket.Ticket) {
			if name != "" {
				t.Attributes.Fields = map[string]string{ticket.FieldRequestType: name}
			}
		}
	}
	var tickets []*ticket.Ticket
	for _, c := range []struct {
		name string
		age  int // days
	}{{"Billing", 1}, {"Billing", 3}, {"Billing", 29}, {"Access", 2}, {"Access", 10}, {"Cards", 5}, {"", 6}, {"Billing", 40}} {
		tickets = append(tickets, tk(kind(c.name), created(ago(time.Duration(c.age)*day))))
	}
	s := Compute(Input{Tickets: tickets, Now: now, Config: cfg, CustomerOf: byProject})
	alpha, beta := s.Customers[0], s.Customers[1]
	want := []CategoryCount{{"Billing", 3}, {"Access", 2}, {catalog.CategoryOther, 2}}
	if !reflect.DeepEqual(alpha.Categories, want) || alpha.CategoryWindow != "30d" {
		t.Errorf("alpha: got %v in %q, want %v in 30d", alpha.Categories, alpha.CategoryWindow, want)
	}
	if beta.Categories == nil || len(beta.Categories) != 0 {
		t.Errorf("beta: got %#v, want an empty breakdown", beta.Categories)
	}

	cfg.Sources[1].CategoryFrom = nil
	if s := Compute(Input{Tickets: tickets, Now: now, Config: cfg, CustomerOf: byProject}); s.Customers[0].Categories != nil {
		t.Errorf("without category_from: got %v, want no breakdown", s.Customers[0].Categories)
	}
}
