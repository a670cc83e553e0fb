package store

import (
	"fmt"
	"sync"
	"testing"

	"github.com/custops/custops/collector/source"
)

// TestConcurrentApplyAndRead runs writers on several sources (two per source) against readers.
// Every batch holds batchSize new tickets, so a reader that ever sees a count that is not a
// multiple of batchSize saw half a batch. Run it with -race.
func TestConcurrentApplyAndRead(t *testing.T) {
	const (
		sources          = 3
		writersPerSource = 2
		batches          = 8
		batchSize        = 5
	)
	s := mustOpen(t, t.TempDir())
	defer s.Close()

	var writers sync.WaitGroup
	errs := make(chan error, sources*writersPerSource)
	for src := 0; src < sources; src++ {
		name := fmt.Sprintf("src%d", src)
		for w := 0; w < writersPerSource; w++ {
			writers.Add(1)
			go func() {
				defer writers.Done()
				v := s.Source(name)
				for b := 0; b < batches; b++ {
					lo := (w*batches + b) * batchSize
					err := v.Apply(source.Batch{
						Upserts: realisticBatch(name, lo, lo+batchSize, 0),
						Cursor:  []byte(fmt.Sprintf("w%d-b%d", w, b)),
					})
					if err != nil {
						errs <- err
						return
					}
				}
			}()
		}
	}

	done := make(chan struct{})
	var readers sync.WaitGroup
	torn := make(chan string, 16)
	for r := 0; r < 3; r++ {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				perSource := map[string]int{}
				for _, tk := range s.Tickets() {
					perSource[tk.Source]++
				}
				for src, n := range perSource {
					if n%batchSize != 0 {
						select {
						case torn <- fmt.Sprintf("Tickets() saw %d tickets of %s", n, src):
						default:
						}
					}
				}
				for src := 0; src < sources; src++ {
					name := fmt.Sprintf("src%d", src)
					if n := s.Count(name); n%batchSize != 0 {
						select {
						case torn <- fmt.Sprintf("Count(%s) = %d", name, n):
						default:
						}
					}
					v := s.Source(name)
					_ = v.OpenKeys()
					_ = v.Cursor()
					_ = s.Synced(name)
					if tk, ok := v.Get("SUP-1000"); ok && tk.Key != "SUP-1000" {
						select {
						case torn <- "Get returned " + tk.Key:
						default:
						}
					}
				}
			}
		}()
	}

	writers.Wait()
	close(done)
	readers.Wait()
	close(errs)
	close(torn)
	for err := range errs {
		t.Errorf("Apply: %v", err)
	}
	for msg := range torn {
		t.Errorf("reader saw a partial batch: %s", msg)
	}
	want := writersPerSource * batches * batchSize
	for src := 0; src < sources; src++ {
		name := fmt.Sprintf("src%d", src)
		if got := s.Count(name); got != want {
			t.Errorf("Count(%s) = %d, want %d", name, got, want)
		}
		var open int
		for _, tk := range s.Tickets(name) {
			if tk.State.Open() {
				open++
			}
		}
		if got := len(s.Source(name).OpenKeys()); got != open {
			t.Errorf("OpenKeys(%s) has %d keys, want %d", name, got, open)
		}
	}
}
