//go:build e2e

package exporter

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/custops/custops/internal/tools"
)

// TestGoldenPassesPromtool runs the real promtool's exposition linter on the golden file, as
// node_exporter's checkmetrics.sh does.
func TestGoldenPassesPromtool(t *testing.T) {
	promtool := tools.Require(t, "promtool")
	f, err := os.Open(filepath.Join("testdata", "collector.prom"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = f
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}
