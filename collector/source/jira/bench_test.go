package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// benchIssues builds n JSM issues shaped like a busy desk's: organizations, labels, a customer
// field, a reporter, both SLA clocks (one completed, one running), a channel, some CSAT.
func benchIssues(n int) []jirafake.Issue {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	channels := []ticket.Channel{ticket.ChannelPortal, ticket.ChannelEmail, ticket.ChannelAPI, ticket.ChannelAgent}
	out := make([]jirafake.Issue, n)
	for i := range n {
		created := base.Add(time.Duration(i) * 20 * time.Second)
		tk := &ticket.Ticket{
			Key: fmt.Sprintf("SUP-%d", i+1), Summary: fmt.Sprintf("Request number %d about something", i+1),
			Attributes: ticket.Attributes{Project: "SUP", Organizations: []ticket.Organization{{Name: fmt.Sprintf("Customer %d", i%50)}},
				Fields: map[string]string{jirafake.FieldCustomer: fmt.Sprintf("customer-%d", i%50)}, Labels: []string{"support"},
				ReporterDomain: fmt.Sprintf("customer%d.example", i%50)},
			Priority: ticket.Priorities[i%4], State: ticket.States[i%6], Channel: channels[i%4],
			Created: created, Updated: created.Add(10 * time.Minute),
			Clocks: []ticket.Clock{
				{Name: ticket.SLAFirstResponse, Cycles: []ticket.Cycle{{Start: created, Stop: created.Add(5 * time.Minute), Goal: time.Hour, Elapsed: 5 * time.Minute, BreachAt: created.Add(time.Hour)}}},
				{Name: ticket.SLAResolution, Cycles: []ticket.Cycle{{Start: created, Goal: 8 * time.Hour, Elapsed: time.Hour, BreachAt: created.Add(8 * time.Hour)}}},
			},
		}
		if i%3 == 0 {
			tk.CSAT, tk.CSATAt = ticket.CSATGood, tk.Updated
		}
		tk.Transitions = []ticket.Transition{{At: created, State: ticket.StateNew}}
		if tk.State != ticket.StateNew {
			tk.Transitions = append(tk.Transitions, ticket.Transition{At: created.Add(5 * time.Minute), State: tk.State})
		}
		out[i] = jirafake.IssueFromTicket(tk)
	}
	return out
}

// BenchmarkDecodeApply is the source's own CPU per ticket: a search page of 100 realistic JSM
// issues, as the fake serves them for a poll, decoded with encoding/json, normalized and applied
// to an in-memory store, in order, as a poll does. Results and the command: docs/bench/jira.md.
func BenchmarkDecodeApply(b *testing.B) {
	const n = 100
	body := pageBody(b, n)
	cfg := config.Source{Name: "jsm", URL: "https://example.atlassian.net", Flavor: "cloud", JQL: "project = SUP",
		CustomerFrom: []config.MatchRule{{Kind: config.MatchOrganization}, {Kind: config.MatchField, Field: jirafake.FieldCustomer}}}
	src, err := newSource(cfg, source.Deps{Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	src.m.setFields(discoverFields(jirafake.DefaultFields(), cfg.Fields))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		var page searchPage
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&page); err != nil {
			b.Fatal(err)
		}
		st, cur := newMemStore(), cursor{}
		if got, err := src.applyPage(readPage(&page), st, &cur, true, time.Time{}); err != nil || got != n {
			b.Fatalf("applied %d (%v), want %d", got, err, n)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n*b.N), "cpu-µs/ticket")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/ticket")
}

// pageBody is a search page of n realistic issues from the fake, with the fields, properties
// and page size a poll asks for.
func pageBody(tb testing.TB, n int) []byte {
	tb.Helper()
	fake := jirafake.New(jirafake.Options{PageSize: n})
	if err := fake.Put(benchIssues(n)...); err != nil {
		tb.Fatal(err)
	}
	hs := httptest.NewServer(fake)
	defer hs.Close()
	m := testMapper(config.Source{})
	q := url.Values{"jql": {"project = SUP"}, "maxResults": {strconv.Itoa(n)},
		"fields": {strings.Join(m.searchFields(), ",")}, "properties": {"request.channel.type"}}
	resp, err := http.Get(hs.URL + "/rest/api/3/search/jql?" + q.Encode())
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		tb.Fatalf("fake search: %d %v", resp.StatusCode, err)
	}
	return body
}

// BenchmarkColdSync syncs 100,000 tickets from an empty store through the fake server on
// loopback: HTTP, JSON decoding, normalization and applying batches to an in-memory store. With
// sla computed, the changelogs of the five sixths of the tickets that are past their initial
// state come through the bulk changelog as well. Results and the command: docs/bench/jira.md.
func BenchmarkColdSync(b *testing.B) {
	const n = 100_000
	issues := benchIssues(n)
	for _, tc := range []struct {
		flavor   jirafake.Flavor
		pageSize int
		sla      string
	}{
		{jirafake.Cloud, 100, ""},
		{jirafake.DataCenter, 100, ""},
		{jirafake.DataCenter, 1000, ""},
		{jirafake.Cloud, 100, config.SLAComputed},
	} {
		name := fmt.Sprintf("%s/page=%d", tc.flavor, tc.pageSize)
		if tc.sla != "" {
			name += "/sla=" + tc.sla
		}
		b.Run(name, func(b *testing.B) {
			// The fake's clock stands still with the source's: it renders running SLA fields as
			// of its clock (a real Jira's work), and a standing clock lets it keep their answers.
			fake := jirafake.New(jirafake.Options{Flavor: tc.flavor, PageSize: tc.pageSize, Now: func() time.Time { return t0 }})
			if err := fake.Put(issues...); err != nil {
				b.Fatal(err)
			}
			hs := httptest.NewServer(fake)
			defer hs.Close()
			deps := source.Deps{
				Logger: slog.New(slog.DiscardHandler), Stats: source.NewStats(),
				Now: func() time.Time { return t0 }, Sleep: func(context.Context, time.Duration) error { return nil },
			}
			cfg := config.Source{Name: "jsm", URL: hs.URL, Flavor: string(tc.flavor), JQL: "project = SUP", PageSize: tc.pageSize, SLA: tc.sla,
				CustomerFrom: []config.MatchRule{{Kind: config.MatchOrganization}, {Kind: config.MatchField, Field: jirafake.FieldCustomer}}}
			// One untimed sync first: it fills the fake's query result and encoded issues, so
			// the timed syncs measure the source (HTTP, decoding, normalizing, applying), not the
			// fake's one-off work a real Jira does on its side.
			warm, err := New(cfg, deps)
			if err != nil {
				b.Fatal(err)
			}
			if err := warm.Poll(context.Background(), newMemStore()); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			for range b.N {
				src, err := New(cfg, deps)
				if err != nil {
					b.Fatal(err)
				}
				st := newMemStore()
				if err := src.Poll(context.Background(), st); err != nil {
					b.Fatal(err)
				}
				if st.Len() != n {
					b.Fatalf("stored %d, want %d", st.Len(), n)
				}
				if tk, _ := st.Get("SUP-2"); tc.sla != "" && len(tk.Transitions) != 2 {
					b.Fatalf("SUP-2 history %v, want two entries", tk.Transitions)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "tickets/s")
			var changelogs float64
			for _, r := range deps.Stats.Requests() {
				if r.Endpoint == "changelog" {
					changelogs += r.Count
				}
			}
			b.ReportMetric(changelogs/float64(b.N+1), "changelog-req/sync")
			// CPU time of the whole process (client, fake server and GC) per ticket: steadier
			// than wall time on a machine shared with other work.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n*b.N), "cpu-µs/ticket")
		})
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
