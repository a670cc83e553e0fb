package store

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// base is the fixed instant test tickets are built around.
var base = time.Date(2026, 11, 2, 9, 30, 0, 123_000_000, time.UTC)

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

// bufLogger returns a logger writing text lines into the returned buffer.
func bufLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), &buf
}

// mustOpen opens a store in dir or fails the test.
func mustOpen(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, discard())
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	return s
}

// mustApply applies a batch or fails the test.
func mustApply(t testing.TB, s *Store, src string, b batchArgs) {
	t.Helper()
	if err := s.Source(src).Apply(b.batch()); err != nil {
		t.Fatalf("Apply(%s): %v", src, err)
	}
}

// realistic returns the i-th ticket of a realistic population, the shape the heap budget is
// stated for: a ~60 character summary, a key and URL, one organization, three labels, a custom
// field on one ticket in four, two SLA clocks (first response: one cycle; resolution: two to four
// cycles, as pauses and reopens restart it; each with the instant the source read it) and a
// state history of a dozen transitions, every
// time set the way a source sets it (Jira-style milliseconds). Ticket i is the same on every call;
// variant changes Updated and Status so tests can tell versions apart.
func realistic(src string, i, variant int) *ticket.Ticket {
	statuses := []string{"Waiting for support", "In Progress", "Waiting for customer", "Pending vendor", "Resolved", "Closed"}
	states := []ticket.State{ticket.StateNew, ticket.StateInProgress, ticket.StateWaitingCustomer, ticket.StateWaitingPartner, ticket.StateResolved, ticket.StateClosed}
	orgs := []string{"Acme Corp", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises", "Tyrell"}
	labels := []string{"customer-acme", "customer-globex", "billing", "outage", "api", "onboarding", "vip", "mobile", "sso", "export"}

	key := fmt.Sprintf("SUP-%d", 1000+i)
	created := base.Add(-time.Duration(i%720) * time.Hour).Add(-time.Duration(i%60) * time.Minute)
	st := (i + variant) % len(states)
	t := &ticket.Ticket{
		Source:  src,
		Key:     key,
		Summary: fmt.Sprintf("Customer cannot export the monthly invoice report as PDF #%05d", i%100000),
		URL:     "https://example.atlassian.net/browse/" + key,
		Attributes: ticket.Attributes{
			Project:        "SUP",
			Organizations:  []ticket.Organization{{ID: fmt.Sprint(100 + i%len(orgs)), Name: orgs[i%len(orgs)]}},
			Labels:         []string{labels[i%len(labels)], labels[(i+3)%len(labels)], labels[(i+7)%len(labels)]},
			ReporterDomain: "acme.example",
		},
		Priority:   ticket.Priorities[i%len(ticket.Priorities)],
		State:      states[st],
		Status:     statuses[st],
		Channel:    ticket.Channels[i%len(ticket.Channels)],
		Created:    created,
		Updated:    created.Add(time.Duration(30+variant) * time.Minute),
		FirstReply: created.Add(12 * time.Minute),
		Reopened:   i % 3,
		ReopenedAt: created.Add(3 * time.Hour),
		CSAT:       []ticket.CSAT{ticket.CSATNone, ticket.CSATGood, ticket.CSATBad}[i%3],
		CSATAt:     created.Add(50 * time.Hour),
		Escalated:  i%11 == 0,
		Incident:   i%13 == 0,
	}
	if i%4 == 0 {
		t.Attributes.Fields = map[string]string{"customfield_10050": orgs[i%len(orgs)]}
	}
	if !t.Open() {
		t.Resolved = created.Add(48 * time.Hour)
	}
	if i%17 == 0 {
		t.Quality = []string{ticket.QualityUnknownPriority}
	}
	for y := range 12 {
		t.Transitions = append(t.Transitions, ticket.Transition{
			At:    created.Add(time.Duration(y) * 97 * time.Minute),
			State: states[(y+i)%len(states)],
		})
	}
	clocks := []struct {
		name   string
		goal   time.Duration
		cycles int
	}{
		{ticket.SLAFirstResponse, 4 * time.Hour, 1},
		{ticket.SLAResolution, 24 * time.Hour, 2 + i%3},
	}
	for _, c := range clocks {
		clk := ticket.Clock{Name: c.name, Origin: ticket.OriginNative}
		for y := 0; y < c.cycles; y++ {
			start := created.Add(time.Duration(y) * 5 * time.Hour)
			cy := ticket.Cycle{
				Start:      start,
				Goal:       c.goal,
				Elapsed:    time.Duration(y+1) * 37 * time.Minute,
				BreachAt:   start.Add(c.goal),
				Breached:   (i+y)%9 == 0,
				Paused:     y == c.cycles-1 && i%5 == 0,
				ObservedAt: start.Add(time.Hour),
			}
			if y < c.cycles-1 || !t.Open() {
				cy.Stop = start.Add(2 * time.Hour)
				cy.ObservedAt = cy.Stop
			}
			clk.Cycles = append(clk.Cycles, cy)
		}
		t.Clocks = append(t.Clocks, clk)
	}
	return t
}

// realisticBatch returns tickets lo..hi-1 of src.
func realisticBatch(src string, lo, hi, variant int) []*ticket.Ticket {
	out := make([]*ticket.Ticket, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, realistic(src, i, variant))
	}
	return out
}

// batchArgs builds a source.Batch in tests.
type batchArgs struct {
	upserts []*ticket.Ticket
	deletes []string
	cursor  string // "" = nil cursor
}

// sorted returns ts sorted by source and key.
func sorted(ts []*ticket.Ticket) []*ticket.Ticket {
	out := append([]*ticket.Ticket(nil), ts...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source < out[j].Source
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// keys returns the IDs of ts in order.
func keys(ts []*ticket.Ticket) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID()
	}
	return out
}

func (b batchArgs) batch() source.Batch {
	out := source.Batch{Upserts: b.upserts, Deletes: b.deletes}
	if b.cursor != "" {
		out.Cursor = []byte(b.cursor)
	}
	return out
}

// stateDirWith returns a new state directory whose store file is a copy of testdata/<name>, and
// the file's bytes.
func stateDirWith(t *testing.T, name string) (string, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir, data
}
