package sim

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/custops/custops/collector/source"
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
// the way the snapshot counts them (Cycle.BreachedAt and Cycle.AtRiskAt).
func clockTrouble(tk *ticket.Ticket, now time.Time) (breached, atRisk []string) {
	if !tk.Open() {
		return nil, nil
	}
	for _, c := range tk.Clocks {
		cy, ok := c.Ongoing()
		if !ok {
			continue
		}
		switch {
		case cy.BreachedAt(now):
			breached = append(breached, c.Name)
		case cy.AtRiskAt(now, time.Duration(atRiskFraction*float64(cy.Goal))):
			atRisk = append(atRisk, c.Name)
		}
	}
	return breached, atRisk
}

// memStore is a source.Store in memory that records the batches applied to it.
type memStore struct {
	mu      sync.Mutex
	cursor  []byte
	tickets map[string]*ticket.Ticket
	applied []source.Batch
	fail    error // returned by Apply when set
}

func newMemStore() *memStore { return &memStore{tickets: map[string]*ticket.Ticket{}} }

func (m *memStore) Cursor() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.cursor)
}

func (m *memStore) Get(key string) (*ticket.Ticket, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tickets[key]
	return t, ok
}

func (m *memStore) OpenKeys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for k, t := range m.tickets {
		if t.Open() {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func (m *memStore) Apply(b source.Batch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.fail != nil {
		return m.fail
	}
	for _, t := range b.Upserts {
		m.tickets[t.Key] = t
	}
	for _, k := range b.Deletes {
		delete(m.tickets, k)
	}
	if b.Cursor != nil {
		m.cursor = slices.Clone(b.Cursor)
	}
	m.applied = append(m.applied, b)
	return nil
}

// upserted counts the tickets written since batch i.
func (m *memStore) upserted(from int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, b := range m.applied[from:] {
		n += len(b.Upserts)
	}
	return n
}

func (m *memStore) batches() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.applied)
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
