//go:build unix

package config

import (
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestTokenFileFIFO: a FIFO as token_file is refused at once, naming it; opening it for reading
// used to wait for a writer for ever (issue 13, item 7).
func TestTokenFileFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "token")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := Auth{TokenFile: fifo}.Token()
		done <- err
	}()
	select {
	case err := <-done:
		if want := "auth: token_file " + fifo + " is not a regular file"; errString(err) != want {
			t.Errorf("got %v, want %s", err, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("reading a FIFO as token_file still waits for a writer")
	}
}
