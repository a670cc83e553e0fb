//go:build e2e

package alerts

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/custops/custops/internal/tools"
)

// writeRuleFile writes the generated rule file under the name the promtool test files load.
func writeRuleFile(t *testing.T, dir string) string {
	t.Helper()
	b, err := RuleFile(DefaultOptions())
	if err != nil {
		t.Fatalf("RuleFile: %v", err)
	}
	p := filepath.Join(dir, "custops.rules.yml")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPromtoolRules runs the hand-written promtool unit tests against the generated rules: the
// rule file is written next to a copy of each test file, since promtool resolves rule_files
// relative to the test file.
func TestPromtoolRules(t *testing.T) {
	tools.Require(t, "promtool")
	for _, f := range promtoolTestFiles(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			dir := t.TempDir()
			writeRuleFile(t, dir)
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			dst := filepath.Join(dir, filepath.Base(f))
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := tools.Run(t, "promtool", "test", "rules", dst); err != nil {
				t.Fatalf("promtool test rules %s: %v\n%s", filepath.Base(f), err, out)
			}
		})
	}
}

// TestRuleFilePassesPromtool runs promtool check rules on the generated file.
func TestRuleFilePassesPromtool(t *testing.T) {
	p := writeRuleFile(t, t.TempDir())
	out, err := tools.Run(t, "promtool", "check", "rules", p)
	if err != nil {
		t.Fatalf("promtool check rules: %v\n%s", err, out)
	}
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool check rules: got %q, want SUCCESS", out)
	}
}
