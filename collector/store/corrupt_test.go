package store

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeBolt creates a bbolt file at path and lets fill shape it.
func writeBolt(t *testing.T, path string, fill func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatalf("creating %s: %v", path, err)
	}
	if err := db.Update(fill); err != nil {
		t.Fatalf("filling %s: %v", path, err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("closing %s: %v", path, err)
	}
}

// putSchema writes a meta bucket with the given version and an empty sources bucket.
func putSchema(tx *bolt.Tx, version string) error {
	meta, err := tx.CreateBucket(bucketMeta)
	if err != nil {
		return err
	}
	if err := meta.Put(keySchema, []byte(version)); err != nil {
		return err
	}
	_, err = tx.CreateBucket(bucketSources)
	return err
}

func TestUnusableFileIsMovedAside(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 15, 0, 0, time.FixedZone("X", 2*3600))
	const wantSuffix = ".corrupt-20261125T061500Z" // the UTC instant
	cases := []struct {
		name       string
		make       func(t *testing.T, path string)
		wantReason string
	}{
		{
			name: "random bytes",
			make: func(t *testing.T, path string) {
				r := rand.New(rand.NewPCG(1, 2))
				b := make([]byte, 64<<10)
				for i := range b {
					b[i] = byte(r.Uint32())
				}
				if err := os.WriteFile(path, b, 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantReason: "not a bbolt file",
		},
		{
			name: "a few random bytes",
			make: func(t *testing.T, path string) {
				if err := os.WriteFile(path, []byte("not a database\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			wantReason: "not a bbolt file",
		},
		{
			name: "other schema version",
			make: func(t *testing.T, path string) {
				writeBolt(t, path, func(tx *bolt.Tx) error { return putSchema(tx, "0") })
			},
			wantReason: "schema version",
		},
		{
			name: "schema version 1 (records with Clock.Origin and Cycle.ObservedAt)",
			make: func(t *testing.T, path string) {
				writeBolt(t, path, func(tx *bolt.Tx) error { return putSchema(tx, "1") })
			},
			wantReason: "schema version",
		},
		{
			name: "schema version 2 (records without Clock.Origin and Cycle.ObservedAt)",
			make: func(t *testing.T, path string) {
				writeBolt(t, path, func(tx *bolt.Tx) error { return putSchema(tx, "2") })
			},
			wantReason: "schema version",
		},
		{
			name: "schema version 3 (binary records with Clock.Origin and Cycle.ObservedAt)",
			make: func(t *testing.T, path string) {
				writeBolt(t, path, func(tx *bolt.Tx) error { return putSchema(tx, "3") })
			},
			wantReason: "schema version",
		},
		{
			name: "bbolt file of something else",
			make: func(t *testing.T, path string) {
				writeBolt(t, path, func(tx *bolt.Tx) error {
					b, err := tx.CreateBucket([]byte("widgets"))
					if err != nil {
						return err
					}
					return b.Put([]byte("a"), []byte("b"))
				})
			},
			wantReason: "no schema version",
		},
		{
			name: "undecodable ticket",
			make: func(t *testing.T, path string) {
				writeBolt(t, path, func(tx *bolt.Tx) error {
					if err := putSchema(tx, schemaVersion); err != nil {
						return err
					}
					src, err := tx.Bucket(bucketSources).CreateBucket([]byte("jsm"))
					if err != nil {
						return err
					}
					tb, err := src.CreateBucket(bucketTickets)
					if err != nil {
						return err
					}
					if err := src.Put(keyCount, seal(keyCount, []byte("1"))); err != nil {
						return err
					}
					return tb.Put([]byte("SUP-1"), seal([]byte("SUP-1"), []byte("{not json")))
				})
			},
			wantReason: "SUP-1",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName)
			c.make(t, path)
			original, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Files that must survive: an unrelated one and an earlier moved-aside store.
			others := map[string]string{
				"keep.txt":                             "keep me",
				FileName + ".corrupt-20250101T000000Z": "older corrupt store",
			}
			for name, content := range others {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}

			logger, logs := bufLogger()
			s, err := open(dir, logger, options{timeout: time.Second, now: func() time.Time { return now }})
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			defer s.Close()

			aside := path + wantSuffix
			got, err := os.ReadFile(aside)
			if err != nil {
				t.Fatalf("moved-aside file: %v", err)
			}
			if !bytes.Equal(got, original) {
				t.Errorf("moved-aside file differs from the original (%d bytes, want %d)", len(got), len(original))
			}
			for name, want := range others {
				got, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil || string(got) != want {
					t.Errorf("%s = %q, %v; want %q kept", name, got, err, want)
				}
			}
			entries, _ := os.ReadDir(dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			wantNames := []string{FileName, FileName + ".corrupt-20250101T000000Z", FileName + wantSuffix, "keep.txt"}
			if !slices.Equal(names, wantNames) {
				t.Errorf("dir holds %v, want %v", names, wantNames)
			}

			line := logs.String()
			for _, want := range []string{"level=WARN", "path=" + path, "moved_to=" + aside, c.wantReason} {
				if !strings.Contains(line, want) {
					t.Errorf("log %q does not contain %q", line, want)
				}
			}

			if got := len(s.Tickets()); got != 0 {
				t.Errorf("fresh store holds %d tickets, want 0", got)
			}
			mustApply(t, s, "jsm", batchArgs{upserts: realisticBatch("jsm", 0, 3, 0), cursor: "c1"})
			if err := s.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			s = mustOpen(t, dir)
			defer s.Close()
			if got := s.Count("jsm"); got != 3 {
				t.Errorf("Count after reopen = %d, want 3", got)
			}
		})
	}
}

func TestMoveAsideNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	now := time.Date(2026, 11, 25, 8, 15, 0, 0, time.UTC)
	taken := path + ".corrupt-20261125T081500Z"
	for name, content := range map[string]string{path: "second", taken: "first"} {
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	got, err := moveAside(path, now)
	if err != nil {
		t.Fatalf("moveAside: %v", err)
	}
	if want := taken + ".1"; got != want {
		t.Errorf("moveAside = %s, want %s", got, want)
	}
	for name, want := range map[string]string{taken: "first", taken + ".1": "second"} {
		if b, err := os.ReadFile(name); err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", name, b, err, want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("locked by another holder", func(t *testing.T) {
		dir := t.TempDir()
		s := mustOpen(t, dir)
		defer s.Close()
		_, err := open(dir, discard(), options{timeout: 50 * time.Millisecond, now: time.Now})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("second open error = %v, want %v", err, ErrLocked)
		}
		if !strings.Contains(err.Error(), filepath.Join(dir, FileName)) {
			t.Errorf("error %q does not name the file", err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 1 {
			t.Errorf("dir holds %d entries, want only the store file (a locked file is never moved aside)", len(entries))
		}
	})
	t.Run("a directory in the way is an error, not moved aside", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, FileName), 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := open(dir, discard(), options{timeout: 50 * time.Millisecond, now: time.Now})
		if err == nil {
			t.Fatalf("open: nil error, want one")
		}
		if fi, statErr := os.Stat(filepath.Join(dir, FileName)); statErr != nil || !fi.IsDir() {
			t.Errorf("the directory was moved or removed (%v)", statErr)
		}
	})
	t.Run("state dir is created", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b")
		s := mustOpen(t, dir)
		defer s.Close()
		if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
			t.Errorf("store file: %v", err)
		}
	})
}

// TestSchema2FileIsMovedAside opens testdata/schema2.db, a file written by the custops before the
// JSON records (schema "2", hand-encoded binary records; see testdata/README.md): it must be moved
// aside with a Warn line naming both paths and the reason, never read as tickets or cursors, and
// the sources start over in a fresh file.
func TestSchema2FileIsMovedAside(t *testing.T) {
	dir, old := stateDirWith(t, "schema2.db")
	path := filepath.Join(dir, FileName)
	now := time.Date(2026, 12, 1, 7, 0, 0, 0, time.UTC)
	logger, logs := bufLogger()
	s, err := open(dir, logger, options{timeout: time.Second, now: func() time.Time { return now }})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()

	aside := path + ".corrupt-20261201T070000Z"
	if got, err := os.ReadFile(aside); err != nil || !bytes.Equal(got, old) {
		t.Errorf("moved-aside file: %v, equal to the old file: %v", err, bytes.Equal(got, old))
	}
	line := logs.String()
	for _, want := range []string{"level=WARN", "path=" + path, "moved_to=" + aside, `schema version \"2\"`} {
		if !strings.Contains(line, want) {
			t.Errorf("log %q does not contain %q", line, want)
		}
	}
	if n := strings.Count(line, "\n"); n != 1 {
		t.Errorf("log has %d lines, want 1", n)
	}
	for _, src := range []string{"jsm", "zendesk"} {
		if s.Count(src) != 0 || s.Source(src).Cursor() != nil || s.Synced(src) {
			t.Errorf("%s: %d tickets, cursor %q, synced %v; want nothing from the old file", src, s.Count(src), s.Source(src).Cursor(), s.Synced(src))
		}
	}
}
