package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/report/reporttest"
)

// BenchmarkReportAllCommand is `custops report --all` on a store of 200,000 tickets across 1,000
// customers (reporttest.Desk): open and load the store, compute the view, write 1,000 reports and
// the index. The store is built once, outside the timing.
func BenchmarkReportAllCommand(b *testing.B) { benchReportCommand(b, true) }

// BenchmarkReportCommand is `custops report --customer` on the same store: most of it is loading
// the store and computing the view, which the exporter has in memory already.
func BenchmarkReportCommand(b *testing.B) { benchReportCommand(b, false) }

func benchReportCommand(b *testing.B, all bool) {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	cfg, tickets := reporttest.Desk(200_000, 1_000, at)
	dir := b.TempDir()
	cfg.StateDir = filepath.Join(dir, "state")
	st, err := store.Open(cfg.StateDir, nil)
	if err != nil {
		b.Fatal(err)
	}
	bySource := map[string][]*ticket.Ticket{}
	for _, t := range tickets {
		bySource[t.Source] = append(bySource[t.Source], t)
	}
	for name, ts := range bySource {
		for i := 0; i < len(ts); i += 5000 {
			if err := st.Source(name).Apply(source.Batch{Upserts: ts[i:min(i+5000, len(ts))], Cursor: []byte("c")}); err != nil {
				b.Fatal(err)
			}
		}
		if err := st.MarkSynced(name); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		b.Fatal(err)
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		b.Fatal(err)
	}
	cfgFile := filepath.Join(dir, "custops.yml")
	if err := os.WriteFile(cfgFile, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		out := b.TempDir()
		a := &reportArgs{config: cfgFile, all: true, out: out, at: at.Format(time.RFC3339), audience: "customer", format: "html"}
		if !all {
			a.all, a.customer, a.out = false, "customer-0001", filepath.Join(out, "r.html")
		}
		if code := (reportCommand{now: time.Now, sleep: sleepCtx}).run(context.Background(), a, io.Discard, os.Stderr); code != 0 {
			b.Fatalf("custops report --all: exit %d", code)
		}
	}
}
