package sim

import (
	"context"
	"testing"
	"time"

	"github.com/custops/custops/collector/match"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// TestDemoConfigMapsEveryTicket polls each desk of the demo config with a sim source into a store
// and checks that the real matcher maps every ticket to the customer that raised it, leaving only
// the deliberately unconfigured organization unmapped, and that the tiers state the goals the
// simulated agents work to.
func TestDemoConfigMapsEveryTicket(t *testing.T) {
	cfg := DemoConfig()
	if len(cfg.Customers) != len(DemoCustomers()) {
		t.Fatalf("the demo config has %d customers, the simulator %d", len(cfg.Customers), len(DemoCustomers()))
	}
	for _, c := range DemoCustomers() {
		policy := cfg.Policy(c.ID)
		for _, p := range ticket.Priorities {
			fr, res := goals(c.Tier, p)
			if got, _ := policy.Goal(p, ticket.SLAFirstResponse); got != fr {
				t.Errorf("%s %s first_response goal %s, the simulator's %s", c.ID, p, got, fr)
			}
			if got, _ := policy.Goal(p, ticket.SLAResolution); got != res {
				t.Errorf("%s %s resolution goal %s, the simulator's %s", c.ID, p, got, res)
			}
		}
	}

	m := match.New(cfg)
	for _, sc := range cfg.Sources {
		t.Run(sc.Name, func(t *testing.T) {
			src, err := NewSource(sc.Name, WorldOptions{Desk: sc.Type, Seed: 1}, source.Deps{Now: func() time.Time { return testStart }})
			if err != nil {
				t.Fatalf("NewSource: %v", err)
			}
			st := newMemStore()
			if err := src.Poll(context.Background(), st); err != nil {
				t.Fatalf("Poll: %v", err)
			}
			perCustomer := map[string]int{}
			for _, tk := range st.Tickets {
				got, want := m.Customer(tk), customerOf(tk)
				if got != want {
					t.Errorf("%s (%v) maps to %q, want %q", tk.Key, tk.Attributes.Organizations, got, want)
				}
				perCustomer[got]++
			}
			if perCustomer[""] == 0 {
				t.Errorf("no unmapped ticket: the unmapped_customer check would have nothing to show")
			}
			if n := len(perCustomer) - 1; n != 4 {
				t.Errorf("tickets of %d customers (%v), want 4", n, perCustomer)
			}
		})
	}
}
