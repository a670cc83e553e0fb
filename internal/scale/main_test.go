package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestStartupTimes reads the two start-up lines custops writes (collector/store and
// collector/poller log them) and refuses a log without them.
func TestStartupTimes(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "restart.log")
	if err := os.WriteFile(good, []byte(`time=2026-12-01T06:42:35.997Z level=INFO source=serve.go:20 msg="starting custops"
time=2026-12-01T06:42:41.115Z level=INFO source=store.go:115 msg="store loaded" component=store path=/tmp/sw/data/custops.db tickets=1000000 took=5.084s
time=2026-12-01T06:42:42.720Z level=INFO source=poller.go:320 msg="first complete view" customers=1000 took=844ms
`), 0o600); err != nil {
		t.Fatal(err)
	}
	load, view, err := startupTimes(good)
	if err != nil || load != 5084*time.Millisecond || view != 844*time.Millisecond {
		t.Errorf("startupTimes = %v, %v, %v; want 5.084s, 844ms", load, view, err)
	}
	bad := filepath.Join(dir, "crashed.log")
	if err := os.WriteFile(bad, []byte("msg=\"starting custops\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := startupTimes(bad); err == nil {
		t.Error("a log without the start-up lines gave no error")
	}
}

// TestStartupMedians: the medians are taken over the logs, each measure on its own.
func TestStartupMedians(t *testing.T) {
	dir := t.TempDir()
	var logs []string
	for i, lv := range [][2]string{{"1.7s", "800ms"}, {"9.1s", "700ms"}, {"1.5s", "900ms"}} {
		f := filepath.Join(dir, string(rune('a'+i))+".log")
		text := `msg="store loaded" tickets=1 took=` + lv[0] + "\n" + `msg="first complete view" customers=1 took=` + lv[1] + "\n"
		if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		logs = append(logs, f)
	}
	load, view, err := startupMedians(logs)
	if err != nil || load != 1700*time.Millisecond || view != 800*time.Millisecond {
		t.Errorf("startupMedians = %v, %v, %v; want 1.7s, 800ms", load, view, err)
	}
	if _, _, err := startupMedians(append(logs, filepath.Join(dir, "missing.log"))); err == nil {
		t.Error("a missing log gave no error")
	}
}
