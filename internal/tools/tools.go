// Package tools finds the pinned Prometheus, promtool and Alertmanager binaries that
// scripts/install-tools.sh builds from the Go module proxy, for tests that run the real servers.
package tools

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Versions are the pinned releases; scripts/install-tools.sh builds the same ones.
const (
	PrometheusVersion   = "v0.316.0"
	AlertmanagerVersion = "v0.28.1"
)

// Dir is where the binaries live: $CUSTOPS_TOOLS_DIR, or the cache directory the install script
// uses by default.
func Dir() string {
	if d := os.Getenv("CUSTOPS_TOOLS_DIR"); d != "" {
		return d
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "custops", "tools", "prom-"+PrometheusVersion+"-am-"+AlertmanagerVersion)
}

// ErrMissing means a pinned binary is not installed.
var ErrMissing = errors.New("pinned binary not installed; run scripts/install-tools.sh")

// Find returns the path of the named binary (prometheus, promtool or alertmanager).
func Find(name string) (string, error) {
	p := filepath.Join(Dir(), name)
	if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
		return p, nil
	}
	return "", fmt.Errorf("%s in %s: %w", name, Dir(), ErrMissing)
}

// Require returns the path of the named binary or fails the test. It never skips: a missing
// binary is a missing install step, and CI must say so.
func Require(t testing.TB, name string) string {
	t.Helper()
	p, err := Find(name)
	if err != nil {
		t.Fatalf("%v (the README's test command installs it)", err)
	}
	return p
}

// Run runs a pinned binary with args and returns its combined output.
func Run(t testing.TB, name string, args ...string) (string, error) {
	t.Helper()
	out, err := exec.Command(Require(t, name), args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}
