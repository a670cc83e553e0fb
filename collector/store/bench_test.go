package store

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// loadTickets is the store size the load and heap benchmarks use: a large desk.
const loadTickets = 200_000

// buildStore writes n realistic tickets of two sources into a store in dir, in large batches (the
// cost measured here is the load, not the writing).
func buildStore(b testing.TB, dir string, n int) {
	b.Helper()
	s, err := Open(dir, discard())
	if err != nil {
		b.Fatal(err)
	}
	const batch = 5000
	for lo := 0; lo < n; lo += batch {
		src := []string{"jsm", "zendesk"}[(lo/batch)%2]
		hi := min(lo+batch, n)
		if err := s.Source(src).Apply(source.Batch{Upserts: realisticBatch(src, lo, hi, 0), Cursor: []byte(fmt.Sprint(hi))}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkApply applies batches of realistic tickets, each batch in its own transaction with
// bbolt's fsync, to a store that already holds 10,000 tickets: "insert" writes new keys (a first
// sync), "update" rewrites existing ones (steady-state polls). The batch size is the source's
// choice; 100 is the reference, 1000 shows how the fixed cost of a commit spreads.
func BenchmarkApply(b *testing.B) {
	for _, c := range []struct {
		mode string
		size int
	}{{"insert", 100}, {"update", 100}, {"insert", 1000}} {
		b.Run(fmt.Sprintf("%s/batch=%d", c.mode, c.size), func(b *testing.B) {
			dir := b.TempDir()
			buildStore(b, dir, 10_000)
			s, err := Open(dir, discard())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			v := s.Source("jsm")
			// New versions of jsm's 5,000 stored tickets (buildStore gives jsm the first 5,000
			// keys), generated up front; insert gives them fresh keys on every round.
			proto := realisticBatch("jsm", 0, 5_000, 1)
			batch := make([]*ticket.Ticket, c.size)
			n := 0
			for ; b.Loop(); n++ {
				for i := range batch {
					t := proto[(n*c.size+i)%len(proto)]
					if c.mode == "insert" {
						cp := *t
						cp.Key = fmt.Sprintf("NEW-%d-%d", n, i)
						t = &cp
					}
					batch[i] = t
				}
				if err := v.Apply(source.Batch{Upserts: batch, Cursor: []byte(fmt.Sprint(n))}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*c.size), "ns/ticket")
		})
	}
}

// BenchmarkOpenLoad reopens a store of 200,000 tickets: the file check, bbolt open, schema check,
// decoding and interning every ticket; ns/op is the restart's delay before /-/ready can turn true.
// Run with -cpu 1,2 to see what the parallel decode buys.
func BenchmarkOpenLoad(b *testing.B) {
	dir := b.TempDir()
	buildStore(b, dir, loadTickets)
	n := 0
	for ; b.Loop(); n++ {
		s, err := Open(dir, discard())
		if err != nil {
			b.Fatal(err)
		}
		if got := len(s.Tickets()); got != loadTickets {
			b.Fatalf("loaded %d tickets, want %d", got, loadTickets)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*loadTickets), "ns/ticket")
	fi, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/loadTickets, "file-B/ticket")
}

// BenchmarkHeapPerTicket reports the heap a loaded store of 200,000 realistic tickets holds, per
// ticket: HeapAlloc after a GC once the store is open, minus HeapAlloc after a GC before. The
// target is under 2048 B/ticket (docs/bench/store.md).
func BenchmarkHeapPerTicket(b *testing.B) {
	dir := b.TempDir()
	buildStore(b, dir, loadTickets)
	var perTicket float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := Open(dir, discard())
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if got := s.Count("jsm") + s.Count("zendesk"); got != loadTickets {
			b.Fatalf("loaded %d tickets, want %d", got, loadTickets)
		}
		perTicket = float64(after.HeapAlloc-before.HeapAlloc) / loadTickets
		runtime.KeepAlive(s)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(perTicket, "B/ticket")
}
