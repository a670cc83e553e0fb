package main

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/internal/demo"
)

const reloadConfig = `state_dir: %s
sources:
  - name: jsm
    type: jira
    url: https://jsm.example.invalid
    auth: {token_env: CUSTOPS_RELOAD_TEST_TOKEN}
    poll_interval: 10s
customers:
  - id: northwind
    name: Northwind Payments
    tier: gold
    match: {organization: [Northwind Payments]}
%s
tiers:
  gold: {sla: {goals: {p1: {first_response: 15m}}}}
`

// TestReload: a valid new config is swapped in; an invalid one is refused, the running one kept,
// and custops_config_last_reload_successful says so. The jira source polls the demo's simulator
// in process (the demo's factories), so the test needs no network.
func TestReload(t *testing.T) {
	d, err := demo.Start(demo.Options{Direct: true, Start: time.Now(), PollInterval: 50 * time.Millisecond, History: 24 * time.Hour, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "custops.yml")
	write := func(extra string) {
		t.Helper()
		body := strings.Replace(strings.Replace(reloadConfig, "%s", filepath.Join(dir, "state"), 1), "%s", extra, 1)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("")
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	e, err := startInstance(cfg, d.Factories, slog.New(slog.DiscardHandler), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer e.close()
	e.load = func() (*config.Config, error) { return config.Load(path) }

	write("  - id: globex\n    name: Globex\n    tier: gold\n    match: {organization: [Globex Merchant Services]}")
	if err := e.reload(); err != nil {
		t.Fatalf("valid reload: %v", err)
	}
	if n := len(e.poller.Config().Customers); n != 2 || !e.ReloadSuccessful() {
		t.Errorf("after a valid reload: %d customers, successful=%v; want 2, true", n, e.ReloadSuccessful())
	}

	write("  - id: Not Valid\n    tier: platinum")
	if err := e.reload(); err == nil || !strings.Contains(err.Error(), "custops.yml:") {
		t.Errorf("invalid reload: err %v, want one naming the file and line", err)
	}
	if n := len(e.poller.Config().Customers); n != 2 || e.ReloadSuccessful() {
		t.Errorf("after a refused reload: %d customers, successful=%v; want the old 2, false", n, e.ReloadSuccessful())
	}
}
