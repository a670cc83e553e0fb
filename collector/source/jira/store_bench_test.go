package jira

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/internal/demo/jirafake"
)

// BenchmarkDecodeApplyStore is BenchmarkDecodeApply with the real store behind the source: a
// page of 100 issues decoded, normalized and written in one bbolt transaction, as a poll does.
// cpu-µs/ticket is the process's CPU time per ticket (the fsync's wait is not CPU).
func BenchmarkDecodeApplyStore(b *testing.B) {
	const n = 100
	body := pageBody(b, n)
	cfg := config.Source{Name: "jsm", URL: "https://example.atlassian.net", Flavor: "cloud", JQL: "project = SUP",
		CustomerFrom: []config.MatchRule{{Kind: config.MatchOrganization}, {Kind: config.MatchField, Field: jirafake.FieldCustomer}}}
	src, err := newSource(cfg, source.Deps{Now: func() time.Time { return t0 }})
	if err != nil {
		b.Fatal(err)
	}
	src.m.setFields(discoverFields(jirafake.DefaultFields(), cfg.Fields))
	st, err := store.Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	view := st.Source("jsm")
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	round := 0
	for b.Loop() {
		round++
		var page searchPage
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&page); err != nil {
			b.Fatal(err)
		}
		// Each round writes the page as new tickets, so the store grows as in a cold sync.
		for i := range page.Issues {
			page.Issues[i].Key = fmt.Sprintf("%s-r%d", page.Issues[i].Key, round)
		}
		cur := cursor{}
		if got, err := src.applyPage(readPage(&page), view, &cur, true, time.Time{}); err != nil || got != n {
			b.Fatalf("applied %d (%v), want %d", got, err, n)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n*b.N), "cpu-µs/ticket")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/ticket")
	if got := st.Count("jsm"); got != n*round {
		b.Fatalf("store holds %d tickets, want %d", got, n*round)
	}
}
