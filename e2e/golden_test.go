//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite e2e/testdata/demo.prom from the running demo")

// unstable matches the series whose values depend on the run rather than the tickets: process
// and Go runtime metrics, build info, request counters and timings.
var unstable = regexp.MustCompile(`^(# (HELP|TYPE) )?(go_|process_|promhttp_|custops_build_info|custops_source_(requests_total|rate_limit_waits_total|last_success_timestamp_seconds|poll_duration_seconds)|custops_snapshot_(timestamp|duration)_seconds)`)

// TestDemoGolden runs the real binary on the simulator with a frozen clock and a fixed seed and
// start, scrapes /metrics, drops the series that depend on the run, and diffs the rest against
// testdata/demo.prom (node_exporter's end-to-end test, for custops). -update rewrites the file.
func TestDemoGolden(t *testing.T) {
	base := startDemo(t, "--demo.direct", "--demo.speed=0", "--demo.start=2026-11-02T10:00:00Z", "--demo.seed=7")
	var got bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(scrape(t, base)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if line := sc.Text(); !unstable.MatchString(line) {
			got.WriteString(line + "\n")
		}
	}
	golden := filepath.Join("testdata", "demo.prom")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test ./e2e -run TestDemoGolden -update writes it)", err)
	}
	if got.String() != string(want) {
		gl, wl := strings.Split(got.String(), "\n"), strings.Split(string(want), "\n")
		shown := 0
		for i := 0; i < max(len(gl), len(wl)) && shown < 20; i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("line %d:\n got: %s\nwant: %s", i+1, g, w)
				shown++
			}
		}
		t.Errorf("/metrics differs from %s (go test ./e2e -run TestDemoGolden -update rewrites it after a deliberate change)", golden)
	}
}
