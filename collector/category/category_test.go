package category

import (
	"reflect"
	"testing"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

func TestOf(t *testing.T) {
	cfg := &config.Config{Sources: []config.Source{
		{Name: "jsm", Type: config.TypeJira, CategoryFrom: []config.CategoryRule{
			{Kind: config.CategoryRequestType}, {Kind: config.CategoryField, Field: "customfield_10060"},
		}},
		{Name: "zendesk", Type: config.TypeZendesk,
			CategoryFrom: []config.CategoryRule{
				{Kind: config.CategoryTicketForm}, {Kind: config.CategoryLabelPrefix, Prefix: "cat_"},
			},
			CategoryNames: map[string]string{"360000389592": "Billing", "refunds": "Refunds"},
		},
		{Name: "plain", Type: config.TypeJira},
	}}
	r := New(cfg)
	tk := func(src string, fields map[string]string, labels ...string) *ticket.Ticket {
		return &ticket.Ticket{Source: src, Attributes: ticket.Attributes{Fields: fields, Labels: labels}}
	}
	for _, tc := range []struct {
		name string
		t    *ticket.Ticket
		want string
	}{
		{"request type", tk("jsm", map[string]string{ticket.FieldRequestType: "Get IT help", "customfield_10060": "x"}), "Get IT help"},
		{"second rule when the first is empty", tk("jsm", map[string]string{"customfield_10060": " Payments "}), "Payments"},
		{"nothing on the ticket", tk("jsm", nil), catalog.CategoryUncategorized},
		{"form id renamed", tk("zendesk", map[string]string{ticket.FieldTicketForm: "360000389592"}), "Billing"},
		{"tag prefix renamed", tk("zendesk", nil, "vip", "cat_refunds"), "Refunds"},
		{"tag prefix as is", tk("zendesk", nil, "cat_chargebacks"), "chargebacks"},
		{"bare prefix is no category", tk("zendesk", nil, "cat_"), catalog.CategoryUncategorized},
		{"source without rules", tk("plain", map[string]string{ticket.FieldRequestType: "ignored"}), catalog.CategoryUncategorized},
		{"unknown source", tk("gone", nil), catalog.CategoryUncategorized},
	} {
		if got := r.Of(tc.t); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if !r.Enabled() || New(&config.Config{}).Enabled() || New(nil).Enabled() {
		t.Errorf("Enabled: a config with category_from is enabled, one without is not")
	}
}

func TestTop(t *testing.T) {
	counts := map[string]int{"Billing": 7, "Access": 3, "Cards": 3, "Refunds": 1, "Empty": 0, "uncategorized": 4}
	got := Top(counts, 3)
	want := []Count{{"Billing", 7}, {"uncategorized", 4}, {"Access", 3}, {"other", 4}} // Cards (tie, by name) and Refunds are other
	if !reflect.DeepEqual(got, want) {
		t.Errorf("top 3:\ngot  %v\nwant %v", got, want)
	}
	if got := Top(map[string]int{"A": 1, "B": 2}, 5); !reflect.DeepEqual(got, []Count{{"B", 2}, {"A", 1}}) {
		t.Errorf("fewer than n: got %v, want no other", got)
	}
	if got := Top(map[string]int{"other": 2, "A": 1}, 1); !reflect.DeepEqual(got, []Count{{"A", 1}, {"other", 2}}) {
		t.Errorf("a category named other: got %v, want it folded into other", got)
	}
	if got := Top(nil, 3); len(got) != 0 {
		t.Errorf("nothing: got %v", got)
	}
}
