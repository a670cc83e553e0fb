package sim

import (
	"slices"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/ticket"
)

// demoDoc is the part of the demo config this package promises, read without the config
// package's own decoding so the promise is checked on the text itself.
type demoDoc struct {
	PollInterval string `yaml:"poll_interval"`
	Sources      []struct {
		Name string `yaml:"name"`
		Type string `yaml:"type"`
		Sim  struct {
			Desk string `yaml:"desk"`
		} `yaml:"sim"`
	} `yaml:"sources"`
	Customers []struct {
		ID    string `yaml:"id"`
		Name  string `yaml:"name"`
		Tier  string `yaml:"tier"`
		CSM   string `yaml:"csm"`
		Match struct {
			Organization          []string `yaml:"organization"`
			ZendeskOrganizationID []string `yaml:"zendesk_organization_id"`
		} `yaml:"match"`
	} `yaml:"customers"`
	Tiers map[string]struct {
		ComplianceTarget float64 `yaml:"compliance_target"`
		AtRisk           string  `yaml:"at_risk"`
		SLA              struct {
			Goals map[string]map[string]string `yaml:"goals"`
		} `yaml:"sla"`
	} `yaml:"tiers"`
	OfficialChannels []string `yaml:"official_channels"`
}

func TestDemoConfigAgreesWithWorld(t *testing.T) {
	var doc demoDoc
	if err := yaml.Unmarshal(DemoConfig(), &doc); err != nil {
		t.Fatalf("demo.yml: %v", err)
	}
	if doc.PollInterval != "15s" {
		t.Errorf("poll_interval %q, want 15s", doc.PollInterval)
	}
	desks := map[string]string{}
	for _, s := range doc.Sources {
		if s.Type != "sim" {
			t.Errorf("source %s has type %q, want sim", s.Name, s.Type)
		}
		desks[s.Name] = s.Sim.Desk
	}
	if desks["jsm"] != DeskJira || desks["zendesk"] != DeskZendesk || len(desks) != 2 {
		t.Errorf("sources and their desks %v, want jsm on jira and zendesk on zendesk", desks)
	}
	if want := []string{"portal", "email", "api"}; !slices.Equal(doc.OfficialChannels, want) {
		t.Errorf("official_channels %v, want %v", doc.OfficialChannels, want)
	}

	t.Run("customers", func(t *testing.T) {
		customers := DemoCustomers()
		if len(doc.Customers) != len(customers) {
			t.Fatalf("%d customers in demo.yml, %d simulated", len(doc.Customers), len(customers))
		}
		for i, want := range customers {
			got := doc.Customers[i]
			if got.ID != want.ID || got.Name != want.Name || got.Tier != want.Tier || got.CSM != want.CSM {
				t.Errorf("customer %d: %s %q %s %q, want %s %q %s %q", i, got.ID, got.Name, got.Tier, got.CSM, want.ID, want.Name, want.Tier, want.CSM)
			}
			if !slices.Contains(got.Match.Organization, want.Organization) {
				t.Errorf("%s: match.organization %v lacks %q", got.ID, got.Match.Organization, want.Organization)
			}
			if want.ZendeskOrganizationID != "" && !slices.Contains(got.Match.ZendeskOrganizationID, want.ZendeskOrganizationID) {
				t.Errorf("%s: match.zendesk_organization_id %v lacks %q", got.ID, got.Match.ZendeskOrganizationID, want.ZendeskOrganizationID)
			}
		}
	})

	t.Run("tiers", func(t *testing.T) {
		targets := map[string]float64{"gold": 0.95, "silver": 0.90, "bronze": 0.85}
		for name, target := range targets {
			tier, ok := doc.Tiers[name]
			if !ok {
				t.Errorf("tier %s missing", name)
				continue
			}
			if tier.ComplianceTarget != target || tier.AtRisk != "25%" {
				t.Errorf("tier %s: target %v at_risk %q, want %v and 25%%", name, tier.ComplianceTarget, tier.AtRisk, target)
			}
			for _, p := range ticket.Priorities {
				fr, res := goals(name, p)
				for sla, want := range map[string]time.Duration{ticket.SLAFirstResponse: fr, ticket.SLAResolution: res} {
					got, err := time.ParseDuration(tier.SLA.Goals[string(p)][sla])
					if err != nil || got != want {
						t.Errorf("tier %s %s %s goal %q, want %s as the simulator keeps it", name, p, sla, tier.SLA.Goals[string(p)][sla], want)
					}
				}
			}
		}
	})
}

func TestDemoConfigIsACopy(t *testing.T) {
	a := DemoConfig()
	a[0] = '!'
	if b := DemoConfig(); b[0] == '!' {
		t.Error("a change to DemoConfig's result reached the next call")
	}
}
