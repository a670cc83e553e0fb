package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// deskSource is a vendor's desk as the store sees a source poll it: a fixed list of tickets per
// source, applied from the stored cursor (the index of the last ticket applied) in batches, the
// cursor written with each batch and the source marked synced after the whole poll. A store that
// lost tickets but kept its cursor is not repaired by a poll, as with a real vendor.
type deskSource struct {
	tickets map[string][]*ticket.Ticket
	batch   int
}

func newDesk(perSource int) *deskSource {
	d := &deskSource{tickets: map[string][]*ticket.Ticket{}, batch: 40}
	for _, src := range []string{"jsm", "zendesk"} {
		d.tickets[src] = realisticBatch(src, 0, perSource, 0)
	}
	return d
}

// poll syncs every source from its cursor.
func (d *deskSource) poll(t *testing.T, s *Store) {
	t.Helper()
	for src, all := range d.tickets {
		v := s.Source(src)
		next := 0
		if c := v.Cursor(); c != nil {
			n, err := strconv.Atoi(string(c))
			if err != nil {
				t.Fatalf("%s: cursor %q: %v", src, c, err)
			}
			next = n
		}
		for lo := next; lo < len(all); lo += d.batch {
			hi := min(lo+d.batch, len(all))
			if err := v.Apply(source.Batch{Upserts: all[lo:hi], Cursor: []byte(strconv.Itoa(hi))}); err != nil {
				t.Fatalf("%s: Apply: %v", src, err)
			}
		}
		if err := s.MarkSynced(src); err != nil {
			t.Fatalf("%s: MarkSynced: %v", src, err)
		}
	}
}

// syncState is what a store holds after a poll: every ticket (sorted), each source's cursor and
// synced mark.
type syncState struct {
	tickets []*ticket.Ticket
	cursors map[string]string
	synced  map[string]bool
}

func stateOf(s *Store, d *deskSource) syncState {
	st := syncState{tickets: sorted(s.Tickets()), cursors: map[string]string{}, synced: map[string]bool{}}
	for src := range d.tickets {
		st.cursors[src] = string(s.Source(src).Cursor())
		st.synced[src] = s.Synced(src)
	}
	return st
}

// cleanSync is the state a sync of d into an empty store ends with.
func cleanSync(t *testing.T, d *deskSource) syncState {
	t.Helper()
	clean, err := open(t.TempDir(), discard(), fastOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer clean.Close()
	d.poll(t, clean)
	return stateOf(clean, d)
}

// sameAs fails the test unless s holds want: the same tickets, field by field, the same cursors
// and synced marks.
func sameAs(t *testing.T, s *Store, d *deskSource, want syncState) {
	t.Helper()
	got := stateOf(s, d)
	if len(got.tickets) != len(want.tickets) {
		t.Fatalf("store holds %d tickets, a clean sync %d", len(got.tickets), len(want.tickets))
	}
	for i := range want.tickets {
		if !reflect.DeepEqual(got.tickets[i], want.tickets[i]) {
			t.Fatalf("ticket %s differs from a clean sync:\ngot  %+v\nwant %+v", want.tickets[i].ID(), got.tickets[i], want.tickets[i])
		}
	}
	if !reflect.DeepEqual(got.cursors, want.cursors) || !reflect.DeepEqual(got.synced, want.synced) {
		t.Errorf("cursors %v, synced %v; a clean sync: %v, %v", got.cursors, got.synced, want.cursors, want.synced)
	}
}

// fastOptions skip fsync: what a crash test damages is the file, not the disk's cache.
var fastOptions = options{timeout: lockTimeout, now: time.Now, noSync: true}

// corruption damages the closed store file at path.
type corruption struct {
	name   string
	damage func(t *testing.T, path string, r *rand.Rand)
	seeds  int // random placements tried
}

func rewrite(t *testing.T, path string, edit func(b []byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, edit(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

func truncate(t *testing.T, path string, size func(int64) int64) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size(fi.Size())); err != nil {
		t.Fatal(err)
	}
}

// highWater returns the bytes of the file's pages in use, by its meta page.
func highWater(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	m, err := readMeta(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	return int64(m.pgid) * int64(m.pageSize)
}

var corruptions = []corruption{
	{name: "zeroed", seeds: 1, damage: func(t *testing.T, path string, _ *rand.Rand) {
		rewrite(t, path, func(b []byte) []byte { return make([]byte, len(b)) })
	}},
	{name: "truncated to half", seeds: 1, damage: func(t *testing.T, path string, _ *rand.Rand) {
		truncate(t, path, func(n int64) int64 { return n / 2 })
	}},
	{name: "truncated to three quarters of its pages", seeds: 1, damage: func(t *testing.T, path string, _ *rand.Rand) {
		// bbolt maps a power of two of bytes, so the lost pages stay inside its memory map: reading
		// them is a SIGBUS, not garbage.
		truncate(t, path, func(int64) int64 { return highWater(t, path) / pageSize * 3 / 4 * pageSize })
	}},
	{name: "truncated to one page", seeds: 1, damage: func(t *testing.T, path string, _ *rand.Rand) {
		truncate(t, path, func(int64) int64 { return pageSize })
	}},
	{name: "truncated to one OS page", seeds: 1, damage: func(t *testing.T, path string, _ *rand.Rand) {
		truncate(t, path, func(int64) int64 { return 4096 })
	}},
	{name: "truncated by a few bytes", seeds: 1, damage: func(t *testing.T, path string, _ *rand.Rand) {
		truncate(t, path, func(n int64) int64 { return n - 100 })
	}},
	{name: "emptied to a few bytes", seeds: 1, damage: func(t *testing.T, path string, _ *rand.Rand) {
		truncate(t, path, func(int64) int64 { return 100 })
	}},
	{name: "garbage pages", seeds: 20, damage: func(t *testing.T, path string, r *rand.Rand) {
		rewrite(t, path, func(b []byte) []byte {
			pages := len(b) / pageSize
			for range 1 + r.IntN(3) {
				p := r.IntN(pages)
				for i := p * pageSize; i < (p+1)*pageSize; i++ {
					b[i] = byte(r.Uint32())
				}
			}
			return b
		})
	}},
	{name: "flipped bytes", seeds: 80, damage: func(t *testing.T, path string, r *rand.Rand) {
		rewrite(t, path, func(b []byte) []byte {
			for range 1 + r.IntN(8) {
				b[r.IntN(len(b))] ^= byte(1 + r.IntN(255))
			}
			return b
		})
	}},
}

// TestCorruptionRecovers is issue 13's crash test at the store's level: for each corruption
// pattern (and many random placements of the random ones), opening the damaged file ends with a
// usable store without a crash, and after a re-sync the store equals a clean sync ticket by ticket,
// also after one more restart. A damage the store cannot detect must therefore be harmless.
func TestCorruptionRecovers(t *testing.T) {
	desk := newDesk(100)
	want := cleanSync(t, desk)
	template := t.TempDir()
	s, err := open(template, discard(), fastOptions)
	if err != nil {
		t.Fatal(err)
	}
	desk.poll(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(template, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range corruptions {
		t.Run(c.name, func(t *testing.T) {
			movedAside := 0
			defer func() { t.Logf("%d of %d damaged files moved aside, the rest loaded intact", movedAside, c.seeds) }()
			for seed := range c.seeds {
				t.Run(fmt.Sprint(seed), func(t *testing.T) {
					dir := t.TempDir()
					path := filepath.Join(dir, FileName)
					if err := os.WriteFile(path, good, 0o600); err != nil {
						t.Fatal(err)
					}
					c.damage(t, path, rand.New(rand.NewPCG(uint64(seed), 13)))

					s, err := open(dir, discard(), fastOptions)
					if err != nil {
						t.Fatalf("Open of the damaged file: %v", err)
					}
					if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) > 0 {
						movedAside++
					}
					desk.poll(t, s)
					sameAs(t, s, desk, want)
					if err := s.Close(); err != nil {
						t.Fatalf("Close: %v", err)
					}
					if s, err = open(dir, discard(), fastOptions); err != nil {
						t.Fatalf("reopen: %v", err)
					}
					defer s.Close()
					desk.poll(t, s)
					sameAs(t, s, desk, want)
				})
			}
		})
	}
}
