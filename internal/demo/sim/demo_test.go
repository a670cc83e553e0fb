package sim

import (
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// TestDemoConfig checks what the README and the demo promise of the demo config: a jira source
// jsm and a zendesk source, a 15s poll, the eight customers, and the gold goals (15m and 4h for
// p1) with silver at twice and bronze at three times them.
func TestDemoConfig(t *testing.T) {
	cfg := DemoConfig()
	if cfg.PollInterval != config.Duration(15*time.Second) {
		t.Errorf("poll_interval %s, want 15s", cfg.PollInterval)
	}
	if len(cfg.Sources) != 2 || cfg.Sources[0].Name != JiraSource || cfg.Sources[0].Type != config.TypeJira ||
		cfg.Sources[1].Name != ZendeskSource || cfg.Sources[1].Type != config.TypeZendesk {
		t.Errorf("sources %+v, want jsm (jira) and zendesk (zendesk)", cfg.Sources)
	}
	if len(cfg.Customers) != 8 {
		t.Errorf("%d customers, want 8", len(cfg.Customers))
	}
	gold := cfg.Tiers["gold"].SLA.Goals[ticket.P1]
	if gold[ticket.SLAFirstResponse] != config.Duration(15*time.Minute) || gold[ticket.SLAResolution] != config.Duration(4*time.Hour) {
		t.Errorf("gold p1 goals %v, want 15m and 4h", gold)
	}
	for tier, factor := range map[string]time.Duration{"silver": 2, "bronze": 3} {
		g := cfg.Tiers[tier].SLA.Goals[ticket.P1]
		if g[ticket.SLAFirstResponse] != config.Duration(factor*15*time.Minute) {
			t.Errorf("%s p1 first_response %s, want %dx gold", tier, g[ticket.SLAFirstResponse], factor)
		}
	}
	// With a place to reach each desk, the config passes the checks a file does.
	for i := range cfg.Sources {
		cfg.Sources[i].URL = DefaultBaseURL(cfg.Sources[i].Type)
		cfg.Sources[i].Auth.Secret = config.NewSecret("t")
	}
	if err := cfg.Validate("demo"); err != nil {
		t.Errorf("the demo config is invalid: %v", err)
	}
}

func TestDemoConfigIsACopy(t *testing.T) {
	a := DemoConfig()
	a.Customers[0].Name = "changed"
	a.Tiers["gold"].SLA.Goals[ticket.P1][ticket.SLAFirstResponse] = 0
	b := DemoConfig()
	if b.Customers[0].Name == "changed" || b.Tiers["gold"].SLA.Goals[ticket.P1][ticket.SLAFirstResponse] == 0 {
		t.Error("a change to DemoConfig's result reached the next call")
	}
}
