// Package sourcetest holds what the sources' tests share: a source.Store in memory.
package sourcetest

import (
	"slices"
	"sync"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// MemStore is a source.Store in memory that records every batch applied to it. Its fields are
// for assertions after a poll returns; its methods are safe for concurrent use during one.
type MemStore struct {
	mu          sync.Mutex
	CursorBytes []byte
	Tickets     map[string]*ticket.Ticket
	Batches     []source.Batch // successfully applied, in order
	Fail        error          // returned by Apply when set, which then changes nothing
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{Tickets: map[string]*ticket.Ticket{}} }

// Cursor returns the cursor of the last applied batch that carried one.
func (m *MemStore) Cursor() []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.CursorBytes)
}

// Get returns the stored ticket with the key.
func (m *MemStore) Get(key string) (*ticket.Ticket, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.Tickets[key]
	return t, ok
}

// OpenKeys returns the keys of the open tickets, sorted.
func (m *MemStore) OpenKeys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var keys []string
	for k, t := range m.Tickets {
		if t.Open() {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// Keys returns the keys of all the tickets, sorted.
func (m *MemStore) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.Tickets))
	for k := range m.Tickets {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Apply stores a batch, or fails with Fail.
func (m *MemStore) Apply(b source.Batch) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Fail != nil {
		return m.Fail
	}
	for _, t := range b.Upserts {
		m.Tickets[t.Key] = t
	}
	for _, k := range b.Deletes {
		delete(m.Tickets, k)
	}
	if b.Cursor != nil {
		m.CursorBytes = slices.Clone(b.Cursor)
	}
	m.Batches = append(m.Batches, b)
	return nil
}

// Len returns how many tickets are stored.
func (m *MemStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.Tickets)
}

// Upserts returns how many tickets all applied batches wrote.
func (m *MemStore) Upserts() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, b := range m.Batches {
		n += len(b.Upserts)
	}
	return n
}
