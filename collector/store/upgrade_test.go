package store

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/custops/custops/collector/ticket"
)

// schema4Tickets are the tickets testdata/schema4.db holds (testdata/README.md).
func schema4Tickets() []*ticket.Ticket {
	jsm := append(realisticBatch("jsm", 0, 3, 0), filled("jsm"))
	return sorted(append(jsm, realisticBatch("zendesk", 0, 2, 0)...))
}

// openCopy copies testdata/schema4.db into a new state directory, lets edit change it, and opens
// it, returning the store and its log.
func openCopy(t *testing.T, edit func(tx *bolt.Tx) error) (*Store, string, string) {
	t.Helper()
	dir, _ := stateDirWith(t, "schema4.db")
	if edit != nil {
		db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Update(edit); err != nil {
			t.Fatal(err)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
	logger, logs := bufLogger()
	s, err := Open(dir, logger)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s, dir, logs.String()
}

// checkUpgraded asserts that s holds what the schema "4" file held and that its file holds only
// MessagePack records under schema "5", also after a reopen.
func checkUpgraded(t *testing.T, s *Store, dir string) {
	t.Helper()
	for _, when := range []string{"upgraded", "after reopen"} {
		if when == "after reopen" {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			logger, logs := bufLogger()
			var err error
			if s, err = Open(dir, logger); err != nil {
				t.Fatalf("reopen: %v", err)
			}
			if strings.Contains(logs.String(), "store upgraded") {
				t.Errorf("the reopen upgraded again: %s", logs)
			}
		}
		if got, want := sorted(s.Tickets()), schema4Tickets(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: tickets differ from what schema 4 stored:\ngot  %+v\nwant %+v", when, got, want)
		}
		if c := s.Source("jsm").Cursor(); string(c) != "jsm-cursor-1" || !s.Synced("jsm") {
			t.Errorf("%s: jsm cursor %q synced %v, want jsm-cursor-1 and synced", when, c, s.Synced("jsm"))
		}
		if c := s.Source("zendesk").Cursor(); string(c) != "zendesk-cursor-1" || s.Synced("zendesk") {
			t.Errorf("%s: zendesk cursor %q synced %v, want zendesk-cursor-1 and not synced", when, c, s.Synced("zendesk"))
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); string(v) != schemaVersion {
			t.Errorf("schema %q after the upgrade, want %q", v, schemaVersion)
		}
		return tx.Bucket(bucketSources).ForEachBucket(func(name []byte) error {
			return tx.Bucket(bucketSources).Bucket(name).Bucket(bucketTickets).ForEach(func(k, v []byte) error {
				if rec, err := unseal(k, v); err != nil || isJSON(rec) {
					t.Errorf("%s/%s after the upgrade: %v, JSON %v", name, k, err, err == nil && isJSON(rec))
				}
				return nil
			})
		})
	}); err != nil {
		t.Fatal(err)
	}
}

// TestSchema4FileIsUpgraded opens testdata/schema4.db, written by the custops of JSON records:
// every ticket, cursor and synced mark reads as that version stored them, the records are
// rewritten as MessagePack once, with one Info line saying so, and the file is marked schema "5".
func TestSchema4FileIsUpgraded(t *testing.T) {
	s, dir, logs := openCopy(t, nil)
	for _, want := range []string{"level=INFO", "store upgraded", "from_schema=4", "to_schema=5", "tickets_rewritten=6"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log %q does not contain %q", logs, want)
		}
	}
	checkUpgraded(t, s, dir)
}

// TestInterruptedUpgradeIsFinished: a file an upgrade marked "5" before it was interrupted still
// holds JSON records; the next start reads them and rewrites them.
func TestInterruptedUpgradeIsFinished(t *testing.T) {
	s, dir, logs := openCopy(t, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, []byte(schemaVersion))
	})
	for _, want := range []string{"store upgraded", "from_schema=5", "tickets_rewritten=6"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log %q does not contain %q", logs, want)
		}
	}
	checkUpgraded(t, s, dir)
}

// TestReadOnlyOpenReadsSchema4: `custops report` reads a file of JSON records as it is and
// changes nothing in it.
func TestReadOnlyOpenReadsSchema4(t *testing.T) {
	dir, old := stateDirWith(t, "schema4.db")
	path := filepath.Join(dir, FileName)
	s, err := OpenReadOnly(dir, func(src string, a *ticket.Attributes) bool { return src == "zendesk" })
	if err != nil {
		t.Fatal(err)
	}
	got := sorted(s.Tickets())
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if want := sorted(realisticBatch("zendesk", 0, 2, 0)); !reflect.DeepEqual(got, want) {
		t.Errorf("read-only open of a schema 4 file:\ngot  %+v\nwant %+v", got, want)
	}
	if now, err := os.ReadFile(path); err != nil || string(now) != string(old) {
		t.Errorf("the read-only open changed the file (%v)", err)
	}
}
