package store

import (
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)

	// Three batches of jsm, one of zendesk, then a rewrite of ten jsm tickets without a cursor.
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 100, 0), cursor: "c1"})
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 100, 200, 0), cursor: "c2"})
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 200, 250, 0), cursor: "c3"})
	mustApply(t, s, "zendesk", batchArgs{upserts: realisticBatch("zendesk", 0, 40, 0), cursor: "z1"})
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 10, 1)})
	for _, src := range []string{"jsm", "zendesk"} {
		if err := s.MarkSynced(src); err != nil {
			t.Fatalf("MarkSynced(%s): %v", src, err)
		}
	}

	want := append(realisticBatch("jsm", 0, 10, 1), realisticBatch("jsm", 10, 250, 0)...)
	want = sorted(append(want, realisticBatch("zendesk", 0, 40, 0)...))
	wantCursors := map[string]string{"jsm": "c3", "zendesk": "z1"}

	check := func(t *testing.T, s *Store) {
		t.Helper()
		got := sorted(s.Tickets())
		if len(got) != len(want) {
			t.Fatalf("Tickets() has %d tickets, want %d", len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("ticket %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
			}
		}
		for src, c := range wantCursors {
			if got := string(s.Source(src).Cursor()); got != c {
				t.Errorf("Cursor(%s) = %q, want %q", src, got, c)
			}
			if !s.Synced(src) {
				t.Errorf("Synced(%s) = false, want true", src)
			}
		}
		if s.Synced("other") {
			t.Errorf("Synced(other) = true, want false")
		}
		if got, want := s.Count("jsm"), 250; got != want {
			t.Errorf("Count(jsm) = %d, want %d", got, want)
		}
		if got, want := len(s.Tickets("zendesk")), 40; got != want {
			t.Errorf("len(Tickets(zendesk)) = %d, want %d", got, want)
		}
		if got, want := len(s.Tickets("zendesk", "nope", "zendesk")), 40; got != want {
			t.Errorf("len(Tickets(zendesk, nope, zendesk)) = %d, want %d", got, want)
		}
	}
	t.Run("before close", func(t *testing.T) { check(t, s) })
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = mustOpen(t, dir)
	defer s.Close()
	t.Run("after reopen", func(t *testing.T) { check(t, s) })
}

func TestApplySemantics(t *testing.T) {
	tk := func(i, variant int) *ticket.Ticket { return realistic("jsm", i, variant) }
	cases := []struct {
		name       string
		batches    []batchArgs
		wantKeys   []string // sorted IDs
		wantOpen   []string
		wantCursor []byte
		wantStatus map[string]string // key -> Status, to tell versions apart
	}{
		{
			name: "deletes remove tickets and a nil cursor keeps the previous one",
			batches: []batchArgs{
				{upserts: realisticBatch("jsm", 0, 6, 0), cursor: "c1"},
				{deletes: []string{"SUP-1000", "SUP-1002", "SUP-404"}},
			},
			wantKeys:   []string{"jsm/SUP-1001", "jsm/SUP-1003", "jsm/SUP-1004", "jsm/SUP-1005"},
			wantOpen:   []string{"SUP-1001", "SUP-1003"},
			wantCursor: []byte("c1"),
		},
		{
			name: "a key both upserted and deleted ends deleted",
			batches: []batchArgs{
				{upserts: []*ticket.Ticket{tk(0, 0), tk(1, 0)}, deletes: []string{"SUP-1001"}, cursor: "c1"},
			},
			wantKeys:   []string{"jsm/SUP-1000"},
			wantOpen:   []string{"SUP-1000"},
			wantCursor: []byte("c1"),
		},
		{
			name: "an upsert replaces the ticket and a new cursor replaces the old",
			batches: []batchArgs{
				{upserts: []*ticket.Ticket{tk(0, 0), tk(1, 0)}, cursor: "c1"},
				{upserts: []*ticket.Ticket{tk(0, 5)}, cursor: "c2"},
			},
			wantKeys:   []string{"jsm/SUP-1000", "jsm/SUP-1001"},
			wantOpen:   []string{"SUP-1001"}, // variant 5 moves ticket 0 to closed
			wantCursor: []byte("c2"),
			wantStatus: map[string]string{"SUP-1000": "Closed", "SUP-1001": "In Progress"},
		},
		{
			name:       "an empty batch changes nothing",
			batches:    []batchArgs{{}},
			wantKeys:   nil,
			wantOpen:   nil,
			wantCursor: nil,
		},
		{
			name:       "no cursor yet",
			batches:    []batchArgs{{upserts: []*ticket.Ticket{tk(4, 0)}}},
			wantKeys:   []string{"jsm/SUP-1004"},
			wantOpen:   nil, // state resolved
			wantCursor: nil,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s := mustOpen(t, dir)
			for _, b := range c.batches {
				mustApply(t, s, "jsm", b)
			}
			check := func(when string, s *Store) {
				v := s.Source("jsm")
				if got := keys(sorted(s.Tickets())); !slices.Equal(got, c.wantKeys) {
					t.Errorf("%s: tickets = %v, want %v", when, got, c.wantKeys)
				}
				if got := s.Count("jsm"); got != len(c.wantKeys) {
					t.Errorf("%s: Count = %d, want %d", when, got, len(c.wantKeys))
				}
				if got := v.OpenKeys(); !slices.Equal(got, c.wantOpen) {
					t.Errorf("%s: OpenKeys = %v, want %v", when, got, c.wantOpen)
				}
				if got := v.Cursor(); !bytes.Equal(got, c.wantCursor) {
					t.Errorf("%s: Cursor = %q, want %q", when, got, c.wantCursor)
				}
				if s.Synced("jsm") {
					t.Errorf("%s: Synced after batches alone, want false until MarkSynced", when)
				}
				for k, want := range c.wantStatus {
					got, ok := v.Get(k)
					if !ok || got.Status != want {
						t.Errorf("%s: Get(%s) = %v %v, want status %q", when, k, got, ok, want)
					}
				}
			}
			check("before close", s)
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			s = mustOpen(t, dir)
			defer s.Close()
			check("after reopen", s)
		})
	}
}

// TestSyncedOnlyByMarkSynced: a cursor, even after many batches, does not make a source synced
// (a first sync writes one with every batch); MarkSynced does, in its own transaction, and the
// mark survives a restart and later batches.
func TestSyncedOnlyByMarkSynced(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 3, 0), cursor: "page-1"})
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 3, 6, 0), cursor: "page-2"})
	if err := s.Source("zendesk").Apply(source.Batch{Cursor: []byte{}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	for _, src := range []string{"jsm", "zendesk"} {
		if s.Synced(src) {
			t.Errorf("Synced(%s) after batches with cursors, want false", src)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = mustOpen(t, dir)
	if s.Synced("jsm") {
		t.Errorf("Synced(jsm) after a restart with a cursor but no mark, want false")
	}
	if err := s.MarkSynced("jsm"); err != nil {
		t.Fatalf("MarkSynced: %v", err)
	}
	if err := s.MarkSynced("other"); err != nil { // a source with no tickets yet
		t.Fatalf("MarkSynced(other): %v", err)
	}
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 6, 7, 0), cursor: "page-3"})
	for _, when := range []string{"before close", "after reopen"} {
		if when == "after reopen" {
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			s = mustOpen(t, dir)
			defer s.Close()
		}
		if !s.Synced("jsm") || !s.Synced("other") {
			t.Errorf("%s: Synced(jsm), Synced(other) = %v, %v; want true, true", when, s.Synced("jsm"), s.Synced("other"))
		}
		if s.Synced("zendesk") {
			t.Errorf("%s: Synced(zendesk) = true without a mark", when)
		}
		if got := string(s.Source("jsm").Cursor()); got != "page-3" {
			t.Errorf("%s: Cursor = %q, want page-3", when, got)
		}
		if got := s.Source("zendesk").Cursor(); got == nil || len(got) != 0 {
			t.Errorf("%s: Cursor(zendesk) = %#v, want empty non-nil", when, got)
		}
		if got := s.Count("jsm"); got != 7 {
			t.Errorf("%s: Count = %d, want 7", when, got)
		}
	}
	if err := s.MarkSynced(""); !errors.Is(err, ErrInvalidBatch) {
		t.Errorf("MarkSynced(\"\") = %v, want %v", err, ErrInvalidBatch)
	}
}

func TestApplyStoresACanonicalCopy(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	defer s.Close()
	in := realistic("jsm", 1, 0)
	berlin := time.FixedZone("CET", 3600)
	in.Created = in.Created.In(berlin)
	in.Quality = []string{}                    // empty, not nil
	in.Attributes.Fields = map[string]string{} // likewise
	want := realistic("jsm", 1, 0)             // what the store must hold: UTC, nil empties

	if err := s.Source("jsm").Apply(source.Batch{Upserts: []*ticket.Ticket{in}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	// The caller reuses its ticket and slices: the store must not see it.
	in.Summary = "changed"
	in.Attributes.Labels[0] = "changed"
	in.Clocks[0].Cycles[0].Goal = time.Nanosecond

	got, ok := s.Get("jsm", "SUP-1001")
	if !ok {
		t.Fatalf("Get: not found")
	}
	if got == in {
		t.Errorf("Get returned the caller's pointer, want the store's copy")
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stored ticket:\ngot  %+v\nwant %+v", got, want)
	}
}

func TestInterning(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	defer s.Close()
	// Two tickets whose repeated strings are separate allocations, as a JSON decoder makes them.
	a, b := realistic("jsm", 1, 0), realistic("jsm", 11, 0)
	b.Status = string([]byte(a.Status))
	b.Attributes.Labels[0] = string([]byte(a.Attributes.Labels[0]))
	if err := s.Source("jsm").Apply(source.Batch{Upserts: []*ticket.Ticket{a, b}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	ga, _ := s.Get("jsm", a.Key)
	gb, _ := s.Get("jsm", b.Key)
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	// unique drops a canonical copy once no Handle to it is left: the store must keep them, or
	// a ticket applied after a garbage collection gets copies of its own.
	runtime.GC()
	runtime.GC()
	c := realistic("jsm", 21, 0)
	c.Status = string([]byte(a.Status))
	if err := s.Source("jsm").Apply(source.Batch{Upserts: []*ticket.Ticket{c}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	gc, _ := s.Get("jsm", c.Key)
	for _, c := range []struct {
		name string
		x, y string
	}{
		{"status", ga.Status, gb.Status},
		{"status after a GC", ga.Status, gc.Status},
		{"transition state", string(ga.Transitions[4].State), string(gb.Transitions[0].State)},
		{"label", ga.Attributes.Labels[0], gb.Attributes.Labels[0]},
		{"clock name", ga.Clocks[0].Name, gb.Clocks[0].Name},
		{"source", ga.Source, gb.Source},
	} {
		if !same(c.x, c.y) {
			t.Errorf("%s %q: two copies in memory, want one", c.name, c.x)
		}
	}

	// Equal lists and maps are shared too: tickets 0 and 40 have the same labels, organization
	// and custom field.
	x, y := realistic("jsm", 0, 0), realistic("jsm", 40, 0)
	if err := s.Source("jsm").Apply(source.Batch{Upserts: []*ticket.Ticket{x, y}}); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	gx, _ := s.Get("jsm", x.Key)
	gy, _ := s.Get("jsm", y.Key)
	if &gx.Attributes.Labels[0] != &gy.Attributes.Labels[0] {
		t.Errorf("label lists %v: two copies, want one", gx.Attributes.Labels)
	}
	if &gx.Attributes.Organizations[0] != &gy.Attributes.Organizations[0] {
		t.Errorf("organization lists %v: two copies, want one", gx.Attributes.Organizations)
	}
	if reflect.ValueOf(gx.Attributes.Fields).UnsafePointer() != reflect.ValueOf(gy.Attributes.Fields).UnsafePointer() {
		t.Errorf("field maps %v: two copies, want one", gx.Attributes.Fields)
	}
}

func TestApplyRejects(t *testing.T) {
	bad := func(edit func(*ticket.Ticket)) []*ticket.Ticket {
		tk := realistic("jsm", 3, 0)
		edit(tk)
		return []*ticket.Ticket{realistic("jsm", 2, 0), tk}
	}
	cases := []struct {
		name    string
		batch   batchArgs
		wantErr error
	}{
		{"nil ticket", batchArgs{upserts: []*ticket.Ticket{nil}, cursor: "x"}, ErrInvalidBatch},
		{"ticket of another source", batchArgs{upserts: bad(func(t *ticket.Ticket) { t.Source = "zendesk" }), cursor: "x"}, ErrInvalidBatch},
		{"ticket without source", batchArgs{upserts: bad(func(t *ticket.Ticket) { t.Source = "" }), cursor: "x"}, ErrInvalidBatch},
		{"ticket without key", batchArgs{upserts: bad(func(t *ticket.Ticket) { t.Key = "" }), cursor: "x"}, ErrInvalidBatch},
		{"delete without key", batchArgs{deletes: []string{"SUP-1000", ""}, cursor: "x"}, ErrInvalidBatch},
		// bbolt fails the transaction after the first ticket was written: the rollback and the
		// untouched memory are what is tested.
		{"key longer than bbolt allows", batchArgs{upserts: bad(func(t *ticket.Ticket) { t.Key = strings.Repeat("K", bolt.MaxKeySize+1) }), deletes: []string{"SUP-1000"}, cursor: "x"}, berrors.ErrKeyTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s := mustOpen(t, dir)
			mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 2, 0), cursor: "c1"})
			before := sorted(s.Tickets())

			err := s.Source("jsm").Apply(c.batch.batch())
			if !errors.Is(err, c.wantErr) {
				t.Fatalf("Apply error = %v, want %v", err, c.wantErr)
			}
			if len(err.Error()) > 500 {
				t.Errorf("Apply error is %d bytes long, want a short message", len(err.Error()))
			}
			check := func(when string, s *Store) {
				if got := sorted(s.Tickets()); !reflect.DeepEqual(got, before) {
					t.Errorf("%s: tickets = %v, want unchanged %v", when, keys(got), keys(before))
				}
				if got := string(s.Source("jsm").Cursor()); got != "c1" {
					t.Errorf("%s: Cursor = %q, want unchanged c1", when, got)
				}
			}
			check("memory", s)
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			s = mustOpen(t, dir)
			defer s.Close()
			check("disk", s)
		})
	}
}

func TestApplyAfterCloseLeavesMemoryUnchanged(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 3, 0), cursor: "c1"})
	old, _ := s.Get("jsm", "SUP-1000")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	err := s.Source("jsm").Apply(source.Batch{
		Upserts: []*ticket.Ticket{realistic("jsm", 0, 1), realistic("jsm", 7, 0)},
		Deletes: []string{"SUP-1001"},
		Cursor:  []byte("c2"),
	})
	if err == nil {
		t.Fatalf("Apply after Close: nil error, want one")
	}
	if got, want := s.Count("jsm"), 3; got != want {
		t.Errorf("Count = %d, want %d", got, want)
	}
	if got, _ := s.Get("jsm", "SUP-1000"); got != old {
		t.Errorf("Get(SUP-1000) changed to %+v, want the old ticket", got)
	}
	if _, ok := s.Get("jsm", "SUP-1001"); !ok {
		t.Errorf("SUP-1001 deleted from memory, want kept")
	}
	if got := string(s.Source("jsm").Cursor()); got != "c1" {
		t.Errorf("Cursor = %q, want c1", got)
	}
}

func TestTicketsReturnsAFreshSlice(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	defer s.Close()
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 3, 0)})
	first := s.Tickets()
	for i := range first {
		first[i] = nil
	}
	for i, tk := range s.Tickets() {
		if tk == nil {
			t.Fatalf("Tickets()[%d] = nil after the caller cleared its earlier slice, want a ticket", i)
		}
	}
}

func TestApplyToUnnamedSourceIsRejected(t *testing.T) {
	s := mustOpen(t, t.TempDir())
	defer s.Close()
	tk := realistic("", 1, 0)
	err := s.Source("").Apply(source.Batch{Upserts: []*ticket.Ticket{tk}, Cursor: []byte("c")})
	if !errors.Is(err, ErrInvalidBatch) {
		t.Fatalf("Apply error = %v, want %v", err, ErrInvalidBatch)
	}
	if got := len(s.Tickets()); got != 0 {
		t.Errorf("store holds %d tickets, want 0", got)
	}
}
