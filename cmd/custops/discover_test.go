package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
	"github.com/custops/custops/internal/demo/zendeskfake"
)

// TestCustomersDiscover runs `custops customers discover` against the two fakes: the JSM site
// has the organizations Northwind Payments, Globex Merchant Services (already a customer) and
// Blue Harbor Travel, and a project CPAY named Contoso Pay; the Zendesk account has Northwind
// Payments Ltd. (the same customer spelt otherwise, with its email domain and account manager),
// Contoso Pay and its recorded organizations (Rebel Alliance, already a customer, and Imperial
// Senate). The printed YAML proposes one customer per organization across desks, with the match
// rules; merged into the config, `custops check` accepts it; and the config file is untouched.
func TestCustomersDiscover(t *testing.T) {
	cpay := jirafake.IssueFromTicket(&ticket.Ticket{Key: "CPAY-1", Summary: "s", Priority: ticket.P3, State: ticket.StateInProgress,
		Attributes: ticket.Attributes{Project: "CPAY"}})
	cpay.Fields["project"] = json.RawMessage(`{"key":"CPAY","name":"Contoso Pay"}`)
	jiraURL := checkJira(t, jirafake.DefaultFields(), jsmOrganizations, cpay)
	zendeskURL := checkZendesk(t,
		zendeskfake.Organization{ID: 5001, Name: "Northwind Payments Ltd.", DomainNames: []string{"northwindpayments.com"},
			OrganizationFields: map[string]any{"account_manager": "Laura.Kim@custops.example"}},
		zendeskfake.Organization{ID: 5002, Name: "Contoso Pay", DomainNames: []string{"contosopay.com"}})
	path := checkConfig(t, jiraURL, zendeskURL, "native", "")
	// The Jira source's customers come from organizations and projects; the Zendesk source names
	// its organizations' owner field.
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(before), "    jql: project = SUP\n", "    jql: project = SUP\n    customer_from: [organization, project]\n", 1)
	text = strings.Replace(text, "    sla: both\n", "    sla: both\n    owner_field: account_manager\n", 1)
	text = strings.Replace(text, "  - {id: northwind, name: Northwind Payments, tier: gold, match: {organization: [Northwind Payments]}}\n", "", 1)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runArgs("customers", "discover", "--config.file="+path, "--timeout=30s")
	t.Logf("exit %d\n%s\n%s", code, out, errOut)
	if code != 0 {
		t.Fatalf("discover: exit %d", code)
	}
	var got struct {
		Customers []struct {
			ID, Name, Tier, Owner string
			Match                 struct {
				Organization          []string `yaml:"organization"`
				ZendeskOrganizationID []string `yaml:"zendesk_organization_id"`
				Project               []string `yaml:"project"`
				EmailDomain           []string `yaml:"email_domain"`
			}
		}
	}
	if err := yaml.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("printed YAML: %v", err)
	}
	ids := []string{}
	for _, c := range got.Customers {
		ids = append(ids, c.ID)
	}
	if want := []string{"blue-harbor-travel", "contoso-pay", "imperial-senate", "northwind-payments"}; !slices.Equal(ids, want) {
		t.Errorf("proposed %v, want %v (Globex and the Rebel Alliance are customers already)", ids, want)
	}
	for _, c := range got.Customers {
		switch c.ID {
		case "northwind-payments":
			if c.Name != "Northwind Payments" || !slices.Equal(c.Match.Organization, []string{"Northwind Payments", "Northwind Payments Ltd."}) ||
				!slices.Equal(c.Match.ZendeskOrganizationID, []string{"5001"}) || !slices.Equal(c.Match.EmailDomain, []string{"northwindpayments.com"}) ||
				c.Owner != "laura.kim" || c.Tier != "gold" {
				t.Errorf("northwind across the two desks: %+v", c)
			}
		case "contoso-pay":
			if !slices.Equal(c.Match.Project, []string{"CPAY"}) || !slices.Equal(c.Match.ZendeskOrganizationID, []string{"5002"}) {
				t.Errorf("contoso: %+v", c)
			}
		}
	}
	if !strings.Contains(out, "# found as jsm: Northwind Payments; zendesk: Northwind Payments Ltd. (id 5001)") {
		t.Errorf("the northwind entry does not say where it was found")
	}
	if after, _ := os.ReadFile(path); string(after) != text {
		t.Errorf("discover changed the config file")
	}

	// Merged into the config, the entries load.
	_, entries, ok := strings.Cut(out, "customers:\n")
	if !ok {
		t.Fatal("no customers list printed")
	}
	merged := strings.Replace(text, "customers:\n", "customers:\n"+entries, 1)
	mergedPath := filepath.Join(filepath.Dir(path), "merged.yml")
	if err := os.WriteFile(mergedPath, []byte(merged), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runArgs("check", "--config.file="+mergedPath); code != 0 {
		t.Errorf("check of the merged config: exit %d\n%s\n%s", code, out, errOut)
	}
}
