package store

import (
	"fmt"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// upgradeBatch bounds the tickets one transaction of an upgrade rewrites, so that a large file is
// not rewritten in one transaction held in memory.
const upgradeBatch = 10_000

// upgrade rewrites the JSON records of l.legacy's sources as MessagePack from the tickets just
// loaded, and marks the file schemaVersion in the first transaction. It runs once, at the first
// start of this version on a schema "4" file. Every transaction leaves a file this version reads
// (records of both kinds are read, and a start that still finds JSON records rewrites them), and
// an older custops moves the marked file aside instead of misreading it.
func (s *Store) upgrade(l *loaded) error {
	if l.schema == schemaVersion && len(l.legacy) == 0 {
		return nil
	}
	s.applyMu.Lock() // as update's callers do; nobody else holds the store yet
	defer s.applyMu.Unlock()
	started := time.Now()
	marked, rewritten := l.schema == schemaVersion, 0
	for _, name := range l.legacy {
		tickets := l.sources[name].tickets
		keys := slices.Sorted(maps.Keys(tickets)) // bbolt writes keys in order fastest
		for lo := 0; lo < len(keys); lo += upgradeBatch {
			batch := keys[lo:min(lo+upgradeBatch, len(keys))]
			err := s.update(func(tx *bolt.Tx) error {
				if !marked {
					if err := tx.Bucket(bucketMeta).Put(keySchema, []byte(schemaVersion)); err != nil {
						return err
					}
				}
				_, tb, err := sourceBuckets(tx, name)
				if err != nil {
					return err
				}
				tb.FillPercent = 0.9 // as Apply writes them
				for _, k := range batch {
					data, err := tickets[k].MarshalMsg(nil)
					if err != nil {
						return fmt.Errorf("ticket %q: %w", clip(k), err)
					}
					if err := tb.Put([]byte(k), seal([]byte(k), data)); err != nil {
						return fmt.Errorf("ticket %q: %w", clip(k), err)
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("source %q: %w", name, err)
			}
			marked, rewritten = true, rewritten+len(batch)
		}
	}
	if !marked {
		if err := s.update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keySchema, []byte(schemaVersion))
		}); err != nil {
			return err
		}
	}
	s.logger.Info("store upgraded", "path", s.path, "from_schema", l.schema, "to_schema", schemaVersion,
		"tickets_rewritten", rewritten, "took", time.Since(started).Round(time.Millisecond))
	return nil
}
