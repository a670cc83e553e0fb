package ticket

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestClip: a ticket within the limits is returned as it is; one past any limit comes back as a
// copy cut to them and flagged truncated_field, and the original is untouched.
func TestClip(t *testing.T) {
	ok := &Ticket{Key: "SUP-1", Summary: "Card payments fail", Attributes: Attributes{
		Labels: []string{"customer-northwind"}, Organizations: []Organization{{Name: "Northwind"}}, Fields: map[string]string{"customfield_10050": "northwind"}}}
	if got := Clip(ok); got != ok {
		t.Errorf("a ticket within the limits was copied")
	}

	labels := make([]string, 500)
	for i := range labels {
		labels[i] = strings.Repeat("l", 300)
	}
	orgs := make([]Organization, 80)
	for i := range orgs {
		orgs[i] = Organization{ID: "1", Name: strings.Repeat("o", 1000)}
	}
	huge := &Ticket{
		Key:     "SUP-2",
		Summary: strings.Repeat("é", 15<<20), // 30 MB
		Attributes: Attributes{
			Labels: labels, Organizations: orgs,
			Fields: map[string]string{"customfield_10050": strings.Repeat("f", 1<<20)},
		},
		Quality: []string{QualityUnknownPriority},
	}
	got := Clip(huge)
	if got == huge {
		t.Fatal("a ticket past the limits was not copied")
	}
	checks := []struct {
		what string
		ok   bool
	}{
		{"summary at most MaxSummaryBytes", len(got.Summary) <= MaxSummaryBytes && len(got.Summary) > MaxSummaryBytes-4},
		{"summary valid UTF-8", utf8.ValidString(got.Summary)},
		{"labels cut to MaxLabels", len(got.Attributes.Labels) == MaxLabels},
		{"each label cut", len(got.Attributes.Labels[0]) == MaxNameBytes},
		{"organizations cut", len(got.Attributes.Organizations) == MaxOrganizations},
		{"organization names cut", len(got.Attributes.Organizations[0].Name) == MaxNameBytes},
		{"field value cut", len(got.Attributes.Fields["customfield_10050"]) == MaxFieldValueBytes},
		{"flagged truncated, earlier flags kept", slices.Equal(got.Quality, []string{QualityUnknownPriority, QualityTruncatedField})},
		{"original summary untouched", len(huge.Summary) == 30<<20},
		{"original labels untouched", len(huge.Attributes.Labels) == 500 && len(huge.Attributes.Labels[0]) == 300},
		{"original field untouched", len(huge.Attributes.Fields["customfield_10050"]) == 1<<20},
		{"original flags untouched", len(huge.Quality) == 1},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: failed", c.what)
		}
	}
	if again := Clip(got); again != got {
		t.Errorf("a clipped ticket is past the limits again")
	}
}
