package match

import (
	"testing"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

const testConfig = `
sources:
  - name: jsm
    type: jira
    url: https://example.atlassian.net
    auth: {token_env: JIRA_TOKEN}
    customer_from:
      - organization
      - field: customfield_10050
      - label_prefix: customer-
      - project
      - label
      - reporter_domain
  - name: zendesk
    type: zendesk
    url: https://example.zendesk.com
    auth: {token_env: ZENDESK_TOKEN}
  - name: byproject
    type: jira
    url: https://example.atlassian.net
    auth: {token_env: JIRA_TOKEN}
    customer_from: [project, organization]
customers:
  - id: northwind
    tier: gold
    match:
      organization: [Northwind Payments]
      zendesk_organization_id: [360001]
      project: [NW]
      email_domain: [northwind.example]
  - id: contoso
    tier: gold
    match:
      organization: [Contoso]
      field: [Contoso Ltd]
      label: [contoso-prod]
      project: [CON]
  - id: fabrikam
    tier: gold
    match: {email_domain: [fabrikam.example]}
tiers:
  gold: {}
`

func testMatcher(t testing.TB) *Matcher {
	t.Helper()
	cfg, err := config.Parse([]byte(testConfig), "match.yml")
	if err != nil {
		t.Fatal(err)
	}
	return New(cfg)
}

func TestCustomer(t *testing.T) {
	m := testMatcher(t)
	org := func(names ...string) []ticket.Organization {
		out := make([]ticket.Organization, len(names))
		for i, n := range names {
			out[i] = ticket.Organization{Name: n}
		}
		return out
	}
	cases := []struct {
		name   string
		source string
		attrs  ticket.Attributes
		want   string
	}{
		{"organization name", "jsm", ticket.Attributes{Organizations: org("Northwind Payments")}, "northwind"},
		{"organization name ignores case", "jsm", ticket.Attributes{Organizations: org("NORTHWIND payments")}, "northwind"},
		{"second organization matches", "jsm", ticket.Attributes{Organizations: org("Unknown Org", "Contoso")}, "contoso"},
		{"zendesk organization id", "zendesk", ticket.Attributes{Organizations: []ticket.Organization{{ID: "360001", Name: "NW Payments Inc"}}}, "northwind"},
		{"zendesk organization name", "zendesk", ticket.Attributes{Organizations: []ticket.Organization{{ID: "999", Name: "contoso"}}}, "contoso"},
		{"field value in match.field", "jsm", ticket.Attributes{Fields: map[string]string{"customfield_10050": "Contoso Ltd"}}, "contoso"},
		{"field value is a customer id", "jsm", ticket.Attributes{Fields: map[string]string{"customfield_10050": "Fabrikam"}}, "fabrikam"},
		{"other field ignored", "jsm", ticket.Attributes{Fields: map[string]string{"customfield_99999": "contoso"}}, ""},
		{"label prefix with customer id", "jsm", ticket.Attributes{Labels: []string{"urgent", "customer-northwind"}}, "northwind"},
		{"label prefix ignores case", "jsm", ticket.Attributes{Labels: []string{"Customer-Northwind"}}, "northwind"},
		{"label prefix with match.label", "jsm", ticket.Attributes{Labels: []string{"customer-contoso-prod"}}, "contoso"},
		{"label prefix alone", "jsm", ticket.Attributes{Labels: []string{"customer-"}}, ""},
		{"label prefix unknown rest", "jsm", ticket.Attributes{Labels: []string{"customer-globex"}}, ""},
		{"project", "jsm", ticket.Attributes{Project: "NW"}, "northwind"},
		{"project ignores case", "jsm", ticket.Attributes{Project: "con"}, "contoso"},
		{"label", "jsm", ticket.Attributes{Labels: []string{"vip", "contoso-prod"}}, "contoso"},
		{"reporter domain", "jsm", ticket.Attributes{ReporterDomain: "fabrikam.example"}, "fabrikam"},
		{"nothing matches", "jsm", ticket.Attributes{Project: "OPS", ReporterDomain: "gmail.com", Labels: []string{"vip"}}, ""},
		{"no attributes", "jsm", ticket.Attributes{}, ""},
		{"first rule wins: organization before project", "jsm", ticket.Attributes{Organizations: org("Contoso"), Project: "NW"}, "contoso"},
		{"first rule wins: project before organization", "byproject", ticket.Attributes{Organizations: org("Contoso"), Project: "NW"}, "northwind"},
		{"first rule wins: field before label prefix", "jsm", ticket.Attributes{Fields: map[string]string{"customfield_10050": "contoso"}, Labels: []string{"customer-northwind"}}, "contoso"},
		{"later rule when earlier misses", "jsm", ticket.Attributes{Organizations: org("Unknown"), ReporterDomain: "northwind.example"}, "northwind"},
		{"default rules are organization only", "zendesk", ticket.Attributes{Project: "NW", Labels: []string{"contoso-prod"}}, ""},
		{"unknown source", "servicenow", ticket.Attributes{Organizations: org("Northwind Payments")}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tk := &ticket.Ticket{Source: tc.source, Key: "X-1", Attributes: tc.attrs}
			if got := m.Customer(tk); got != tc.want {
				t.Errorf("Customer(%s %+v) = %q, want %q", tc.source, tc.attrs, got, tc.want)
			}
		})
	}
}

// TestNewWithoutRules covers configs built in code, without the loader's defaults.
func TestNewWithoutRules(t *testing.T) {
	m := New(&config.Config{
		Sources:   []config.Source{{Name: "s"}},
		Customers: []config.Customer{{ID: "acme", Match: config.Match{Organization: []string{" Acme Corp "}}}, {ID: "dup", Match: config.Match{Organization: []string{"acme corp"}}}},
	})
	tk := &ticket.Ticket{Source: "s", Attributes: ticket.Attributes{Organizations: []ticket.Organization{{Name: "Acme Corp"}}}}
	if got := m.Customer(tk); got != "acme" {
		t.Errorf("Customer() = %q, want %q (default organization rule; first customer keeps a shared value)", got, "acme")
	}
}

func TestLookup(t *testing.T) {
	index := map[string]string{"northwind": "nw", "zürich ag": "zu"}
	long := "L"
	for len(long) <= 200 {
		long += "ong"
	}
	index[toLower(long)] = "long"
	cases := []struct{ in, want string }{
		{"northwind", "nw"},
		{"NorthWind", "nw"},
		{"ZÜRICH AG", "zu"},
		{long, "long"},
		{"", ""},
		{"south", ""},
	}
	for _, tc := range cases {
		if got := lookup(index, tc.in); got != tc.want {
			t.Errorf("lookup(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestCustomerAllocs proves matching allocates nothing, for every rule kind.
func TestCustomerAllocs(t *testing.T) {
	m := testMatcher(t)
	for _, tk := range benchTickets() {
		if n := testing.AllocsPerRun(100, func() { m.Customer(tk) }); n != 0 {
			t.Errorf("Customer(%+v) allocates %v times per call, want 0", tk.Attributes, n)
		}
	}
}

// benchTickets exercise every rule, mixed case, and a miss that walks all rules.
func benchTickets() []*ticket.Ticket {
	return []*ticket.Ticket{
		{Source: "jsm", Attributes: ticket.Attributes{Organizations: []ticket.Organization{{Name: "Northwind Payments"}}}},
		{Source: "jsm", Attributes: ticket.Attributes{Fields: map[string]string{"customfield_10050": "Contoso Ltd"}}},
		{Source: "jsm", Attributes: ticket.Attributes{Labels: []string{"needs-triage", "Customer-Northwind"}}},
		{Source: "jsm", Attributes: ticket.Attributes{Project: "CON"}},
		{Source: "jsm", Attributes: ticket.Attributes{ReporterDomain: "fabrikam.example"}},
		{Source: "zendesk", Attributes: ticket.Attributes{Organizations: []ticket.Organization{{ID: "360001", Name: "Other"}}}},
		{Source: "jsm", Attributes: ticket.Attributes{
			Organizations: []ticket.Organization{{Name: "Globex Corporation"}},
			Fields:        map[string]string{"customfield_10050": "Globex"},
			Labels:        []string{"vip", "customer-globex"},
			Project:       "OPS", ReporterDomain: "globex.example",
		}},
	}
}

func BenchmarkCustomer(b *testing.B) {
	m := testMatcher(b)
	tickets := benchTickets()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.Customer(tickets[i%len(tickets)])
	}
}

func BenchmarkCustomerMiss(b *testing.B) {
	m := testMatcher(b)
	tk := benchTickets()[6]
	b.ReportAllocs()
	for b.Loop() {
		m.Customer(tk)
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
