package jira

import (
	"reflect"
	"slices"
	"testing"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// TestCategoryFacts keeps the request type's name and the named custom fields for category_from,
// and asks the search for those fields; without category rules nothing is kept.
func TestCategoryFacts(t *testing.T) {
	rt := map[string]any{"_links": map[string]any{}, "requestType": map[string]any{"id": "13", "name": "Get IT help", "serviceDeskId": "1"},
		"currentStatus": map[string]any{"status": "Waiting for support"}}
	fields := map[string]any{jirafake.FieldRequestType: rt, "customfield_10060": map[string]any{"value": "Payments", "id": "10021"}}
	for _, tc := range []struct {
		name  string
		rules []config.CategoryRule
		want  map[string]string
	}{
		{"request type", []config.CategoryRule{{Kind: config.CategoryRequestType}}, map[string]string{ticket.FieldRequestType: "Get IT help"}},
		{"a select field", []config.CategoryRule{{Kind: config.CategoryField, Field: "customfield_10060"}}, map[string]string{"customfield_10060": "Payments"}},
		{"no rules", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Source{CategoryFrom: tc.rules}
			tk, err := mapWire(t, cfg, fields, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(tk.Attributes.Fields, tc.want) {
				t.Errorf("got %v, want %v", tk.Attributes.Fields, tc.want)
			}
			for id := range tc.want {
				if id != ticket.FieldRequestType && !slices.Contains(testMapper(cfg).searchFields(), id) {
					t.Errorf("the search does not ask for %s", id)
				}
			}
		})
	}
}
