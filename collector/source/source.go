// Package source defines what every ticketing source implements and what it may see of the
// store. One package per system lives below it (jira, zendesk), with the HTTP layer they share
// (vendorhttp); the poller looks a source's constructor up by its config `type`.
package source

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// Batch is what one page (or a group of pages) of a poll writes: tickets to upsert, keys to
// delete and the cursor that resumes after them. The store applies a batch in one transaction, so
// the cursor never runs ahead of the tickets it covers.
type Batch struct {
	Upserts []*ticket.Ticket
	Deletes []string // keys within the source
	Cursor  []byte   // opaque to the store; nil keeps the previous cursor
}

// Store is what a source sees of the ticket store: its own cursor, its own tickets, and a way to
// write a batch.
type Store interface {
	// Cursor returns the cursor of the last applied batch, or nil before the first sync.
	Cursor() []byte
	// Get returns the stored ticket with the key, for sources that merge partial updates
	// (Zendesk metric events arrive apart from tickets).
	Get(key string) (*ticket.Ticket, bool)
	// OpenKeys returns the keys of the source's tickets that are open, for reconcile.
	OpenKeys() []string
	// Keys returns the keys of all the source's tickets, open or not, for the reconcile pass
	// that drops tickets deleted upstream after they were resolved.
	Keys() []string
	// Apply writes a batch atomically.
	Apply(Batch) error
}

// Source polls one ticketing system.
type Source interface {
	// Poll asks the system for what changed since st.Cursor() and applies it to st in batches.
	// It returns an error when the poll did not complete; batches applied before the error stay.
	Poll(ctx context.Context, st Store) error
	// Reconcile checks the stored tickets against the system and deletes those that no longer
	// exist or left the source's filter (open ones at least; a source may check resolved ones
	// too), and may re-read what a poll could have missed. Called on a slower interval than Poll.
	Reconcile(ctx context.Context, st Store) error
}

// Deps are what a source gets from the collector. Each source builds its own HTTP client from
// its config (collector/source/vendorhttp).
type Deps struct {
	Logger *slog.Logger
	Stats  *Stats
	Now    func() time.Time // injected clock
	// Sleep waits for d or until ctx ends; injected so rate-limit tests need not sleep for real.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) that spreads retry backoffs; injected so backoff tests
	// are exact. Default: math/rand/v2.
	Jitter func() float64
}

// Factory builds a source from its config.
type Factory func(cfg config.Source, deps Deps) (Source, error)

// Sleep waits for d or until ctx is done, whichever comes first.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// RequestKey identifies a request counter: the API endpoint (a bounded name such as "search",
// never a URL with ids) and the HTTP status code ("0" for a transport error).
type RequestKey struct {
	Endpoint string
	Code     string
}

// Stats counts a source's API traffic for the source health metrics. Safe for concurrent use.
type Stats struct {
	mu              sync.Mutex
	requests        map[RequestKey]float64
	rateLimitWaits  float64
	rateLimitWaited time.Duration
	skew            time.Duration
	skewKnown       bool
}

// NewStats returns empty counters.
func NewStats() *Stats { return &Stats{requests: map[RequestKey]float64{}} }

// Request counts one request to endpoint answered with code.
func (s *Stats) Request(endpoint, code string) {
	s.mu.Lock()
	s.requests[RequestKey{endpoint, code}]++
	s.mu.Unlock()
}

// RateLimitWait counts one wait imposed by the vendor's rate limit (429 or a pacing header).
func (s *Stats) RateLimitWait(d time.Duration) {
	s.mu.Lock()
	s.rateLimitWaits++
	s.rateLimitWaited += d
	s.mu.Unlock()
}

// ClockSkew records how far the vendor's clock was ahead of ours (negative: behind) in its last
// answer, as its Date header said.
func (s *Stats) ClockSkew(d time.Duration) {
	s.mu.Lock()
	s.skew, s.skewKnown = d, true
	s.mu.Unlock()
}

// Skew returns the last clock skew recorded, and false before any answer carried a date.
func (s *Stats) Skew() (time.Duration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.skew, s.skewKnown
}

// RequestCount is one counter value.
type RequestCount struct {
	RequestKey
	Count float64
}

// Requests returns every request counter, sorted.
func (s *Stats) Requests() []RequestCount {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RequestCount, 0, len(s.requests))
	for k, v := range s.requests {
		out = append(out, RequestCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Endpoint != out[j].Endpoint {
			return out[i].Endpoint < out[j].Endpoint
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// RateLimitWaits returns how many waits the rate limit imposed and their total length.
func (s *Stats) RateLimitWaits() (count float64, total time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimitWaits, s.rateLimitWaited
}
