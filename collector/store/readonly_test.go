package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/ticket"
)

// TestOpenReadOnlyKeeps: a read-only open loads exactly the tickets keep accepts, each equal to
// the one a full open loads, judged on the attributes keep was shown; it keeps the synced marks,
// writes nothing to the file and refuses writes.
func TestOpenReadOnlyKeeps(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 300, 1), cursor: "c1"})
	mustApply(t, s, "zendesk", batchArgs{upserts: realisticBatch("zendesk", 0, 200, 2), cursor: "c2"})
	if err := s.MarkSynced("jsm"); err != nil {
		t.Fatal(err)
	}
	full := sorted(s.Tickets())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}

	keep := func(src string, a *ticket.Attributes) bool {
		return src == "zendesk" || (len(a.Organizations) > 0 && a.Organizations[0].Name == "Globex")
	}
	var want []*ticket.Ticket
	for _, tk := range full {
		if keep(tk.Source, &tk.Attributes) {
			want = append(want, tk)
		}
	}
	if len(want) == len(full) || len(want) <= 200 {
		t.Fatalf("the filter keeps %d of %d: the test needs it to drop some jsm tickets and keep others", len(want), len(full))
	}

	ro, err := OpenReadOnly(dir, keep)
	if err != nil {
		t.Fatal(err)
	}
	got := sorted(ro.Tickets())
	if !slices.Equal(keys(got), keys(want)) {
		t.Fatalf("kept %d tickets, want %d", len(got), len(want))
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Fatalf("ticket %s differs from the full load:\ngot  %+v\nwant %+v", got[i].ID(), got[i], want[i])
		}
	}
	if !ro.Synced("jsm") || ro.Synced("zendesk") {
		t.Errorf("synced marks: jsm %v zendesk %v, want true false", ro.Synced("jsm"), ro.Synced("zendesk"))
	}
	if err := ro.Source("jsm").Apply(source.Batch{Upserts: realisticBatch("jsm", 0, 1, 3)}); err == nil {
		t.Errorf("a read-only store accepted a write")
	}
	all, err := OpenReadOnly(dir, nil)
	if err == nil {
		if n := len(all.Tickets()); n != len(full) {
			t.Errorf("without keep: %d tickets, want all %d", n, len(full))
		}
		_ = all.Close()
	} else {
		t.Errorf("a second reader: %v", err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("a read-only open changed the file")
	}
}

// TestOpenReadOnlyRefuses: a file a writer holds is ErrLocked; a damaged file is an error that
// leaves the file where it is (moving it aside is the exporter's job).
func TestOpenReadOnlyRefuses(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir)
	mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 50, 1), cursor: "c"})
	if _, err := OpenReadOnly(dir, nil); !errors.Is(err, ErrLocked) {
		t.Errorf("while a writer holds the file: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Flip a byte of a record: its checksum no longer matches.
	i := bytes.Index(data, []byte("summary"))
	if i < 0 {
		t.Fatal("no record found in the file")
	}
	data[i+10] ^= 0x20 // a letter of the summary
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(dir, func(string, *ticket.Attributes) bool { return false }); err == nil || !strings.Contains(err.Error(), path+" is damaged") {
		t.Errorf("a damaged record: %v, want an error naming the file as damaged", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != FileName {
		t.Errorf("the state directory after a failed read-only open: %v, want the file alone, where it was", entries)
	}
}
