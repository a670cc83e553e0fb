package zendesk

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// TestCategoryFacts keeps the ticket form id of the recorded ticket (testdata/ticket.json has
// ticket_form_id 360000389592) and the custom fields category_from names, in each value shape
// the Tickets API documents; without category rules nothing is kept.
func TestCategoryFacts(t *testing.T) {
	var one struct {
		Ticket apiTicket `json:"ticket"`
	}
	readFixture(t, "ticket.json", &one)
	rules := func(r ...config.CategoryRule) func(*config.Source) {
		return func(s *config.Source) { s.CategoryFrom = r }
	}
	form := config.CategoryRule{Kind: config.CategoryTicketForm}
	field := func(id string) config.CategoryRule { return config.CategoryRule{Kind: config.CategoryField, Field: id} }

	var custom apiTicket
	if err := json.Unmarshal([]byte(`{"id": 1, "ticket_form_id": null, "custom_fields": [
		{"id": 111, "value": "billing_question"},
		{"id": 222, "value": ["refunds", "cards"]},
		{"id": 333, "value": 42},
		{"id": 444, "value": true},
		{"id": 555, "value": null}
	]}`), &custom); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		at   apiTicket
		cfg  func(*config.Source)
		want map[string]string
	}{
		{"form of the recorded ticket", one.Ticket, rules(form), map[string]string{ticket.FieldTicketForm: "360000389592"}},
		{"no rules, nothing kept", one.Ticket, nil, nil},
		{"dropdown tag", custom, rules(field("111")), map[string]string{"111": "billing_question"}},
		{"multi-select: first tag", custom, rules(field("222")), map[string]string{"222": "refunds"}},
		{"number and checkbox", custom, rules(field("333"), field("444")), map[string]string{"333": "42", "444": "true"}},
		{"null and absent fields", custom, rules(form, field("555"), field("999")), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := testSource(t, tc.cfg).normalize(tc.at, nil, pageRefs{}).Attributes.Fields
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
