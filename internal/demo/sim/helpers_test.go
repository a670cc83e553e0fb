package sim

import (
	"sync"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/sla"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/collector/ticket"
)

// testStart is a Wednesday morning, UTC.
var testStart = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

func mustWorld(t testing.TB, opts WorldOptions) *World {
	t.Helper()
	if opts.Start.IsZero() {
		opts.Start = testStart
	}
	w, err := NewWorld(opts)
	if err != nil {
		t.Fatalf("NewWorld(%+v): %v", opts, err)
	}
	return w
}

// customerOf names the demo customer a world ticket belongs to, "" for the unmapped organization,
// by the same attributes the demo config's rules look at.
func customerOf(tk *ticket.Ticket) string {
	for _, c := range DemoCustomers() {
		for _, o := range tk.Attributes.Organizations {
			if o.Name == c.Organization && (c.ZendeskOrganizationID == "" || o.ID == c.ZendeskOrganizationID) {
				return c.ID
			}
		}
	}
	return ""
}

// atRiskFraction is the demo tiers' at-risk threshold: 25% of the goal left.
const atRiskFraction = 0.25

// clockTrouble reports the running clocks of an open ticket that are breached or at risk at now,
// the way the snapshot counts them (sla.StatusAt; the demo's calendar is 24x7).
func clockTrouble(tk *ticket.Ticket, now time.Time) (breached, atRisk []string) {
	if !tk.Open() {
		return nil, nil
	}
	for _, c := range tk.Clocks {
		cy, ok := c.Ongoing()
		if !ok {
			continue
		}
		switch sla.StatusAt(cy, now, config.Threshold{Fraction: atRiskFraction}, nil).State {
		case sla.StateBreached:
			breached = append(breached, c.Name)
		case sla.StateAtRisk:
			atRisk = append(atRisk, c.Name)
		}
	}
	return breached, atRisk
}

// memStore is the shared in-memory store with this package's helpers.
type memStore struct{ *sourcetest.MemStore }

func newMemStore() *memStore { return &memStore{sourcetest.NewMemStore()} }

// upserted counts the tickets written since batch i.
func (m *memStore) upserted(from int) int {
	n := 0
	for _, b := range m.Batches[from:] {
		n += len(b.Upserts)
	}
	return n
}

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
