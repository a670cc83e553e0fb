//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/sim"
)

// reportStart is the simulated instant the demo desks are synced at. The breach-soon scenario
// gives northwind an open P1 incident whose first response breaches ten minutes later.
var reportStart = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// reportAt is the report's instant: after that breach, so the ticket list has a breached ticket.
var reportAt = reportStart.Add(15 * time.Minute)

// demoConfigFile writes the demo's configuration as a user's file would hold it, with state_dir
// set and each source pointing at its simulated desk's address, and returns its path.
func demoConfigFile(t *testing.T, stateDir string) string {
	t.Helper()
	cfg := sim.DemoConfig()
	cfg.StateDir = stateDir
	// A customer no ticket maps to, for the empty state.
	cfg.Customers = append(cfg.Customers, config.Customer{ID: quietCustomer, Name: "Quiet Co", Tier: "bronze",
		Match: config.Match{Organization: []string{"Quiet Co"}}})
	for i := range cfg.Sources {
		cfg.Sources[i].URL = sim.DefaultBaseURL(cfg.Sources[i].Type)
		cfg.Sources[i].Auth = config.Auth{TokenEnv: "CUSTOPS_TOKEN_NOT_READ_BY_REPORT"}
	}
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "custops.yml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// reportState syncs the demo's simulated desks into a real store in a fresh state dir, the way
// the exporter would, and writes the demo config pointing state_dir at it. It returns the config
// file and the loaded config.
func reportState(t *testing.T) (string, *config.Config) {
	t.Helper()
	cfgFile := demoConfigFile(t, filepath.Join(t.TempDir(), "state"))
	cfg, err := config.Load(cfgFile)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(cfg.StateDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, sc := range cfg.Sources {
		src, err := sim.NewSource(sc.Name, sim.WorldOptions{Desk: sc.Type, Seed: 1, Scenario: sim.ScenarioBreachSoon, History: 13 * 7 * 24 * time.Hour},
			source.Deps{Now: func() time.Time { return reportStart }})
		if err != nil {
			t.Fatal(err)
		}
		if err := src.Poll(context.Background(), st.Source(sc.Name)); err != nil {
			t.Fatal(err)
		}
		if err := st.MarkSynced(sc.Name); err != nil { // a whole poll, as the poller records it
			t.Fatal(err)
		}
		if st.Count(sc.Name) == 0 {
			t.Fatalf("source %s synced no tickets", sc.Name)
		}
	}
	// A ticket of northwind whose summary is markup: it must stay text.
	evil := &ticket.Ticket{Source: sim.JiraSource, Key: "SUP-99999", Summary: scriptSummary, Priority: ticket.P2,
		State: ticket.StateInProgress, Status: "In Progress", Channel: ticket.ChannelPortal,
		Created: reportStart.Add(-3 * 24 * time.Hour), Updated: reportStart.Add(-3 * 24 * time.Hour),
		Attributes: ticket.Attributes{Project: sim.JiraProject, Organizations: []ticket.Organization{{Name: northwindOrganization(t)}}}}
	if err := st.Source(sim.JiraSource).Apply(source.Batch{Upserts: []*ticket.Ticket{evil}}); err != nil {
		t.Fatal(err)
	}
	return cfgFile, cfg
}

// quietCustomer has no tickets; scriptSummary is a summary that must stay text.
const (
	quietCustomer = "quietco"
	scriptSummary = `<script>document.title="owned"</script> Card <b>declines</b>`
)

func northwindOrganization(t *testing.T) string {
	for _, c := range sim.DemoCustomers() {
		if c.ID == sim.BreachingCustomer {
			return c.Organization
		}
	}
	t.Fatal("no northwind in the demo")
	return ""
}

// TestReportStoreLocked runs `custops report` while another process holds the store, as a
// running exporter would: it fails and points at the exporter's report page instead.
func TestReportStoreLocked(t *testing.T) {
	cfgFile, cfg := reportState(t)
	st, err := store.Open(cfg.StateDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cmd := exec.Command(buildCustops(t), "report", "--config.file="+cfgFile, "--customer=northwind",
		"--out="+filepath.Join(t.TempDir(), "r.html"))
	outb, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("custops report succeeded on a locked store:\n%s", outb)
	}
	for _, want := range []string{"in use by a running custops exporter", "/customers/northwind/report"} {
		if !strings.Contains(string(outb), want) {
			t.Errorf("output lacks %q:\n%s", want, outb)
		}
	}
}

// TestReportCommandErrors runs `custops report` on mistakes a user makes: each fails with exit
// code 1 and says what to do; --out=- writes the page to stdout.
func TestReportCommandErrors(t *testing.T) {
	cfgFile, _ := reportState(t)
	emptyDir := filepath.Join(t.TempDir(), "nothing")
	empty := demoConfigFile(t, emptyDir)
	// A store file with nothing synced, as an exporter that never reached its sources leaves.
	unsyncedDir := filepath.Join(t.TempDir(), "unsynced")
	st, err := store.Open(unsyncedDir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	unsynced := demoConfigFile(t, unsyncedDir)
	// A damaged store file: the report says so and leaves it for the exporter to move aside.
	damagedDir := filepath.Join(t.TempDir(), "damaged")
	if err := os.MkdirAll(damagedDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damagedDir, store.FileName), []byte("not a database\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	damaged := demoConfigFile(t, damagedDir)
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"unknown customer", []string{"--config.file=" + cfgFile, "--customer=nobody"}, 1, "", `unknown customer "nobody"`},
		{"bad --at", []string{"--config.file=" + cfgFile, "--customer=northwind", "--at=yesterday"}, 1, "", "not an RFC 3339 instant"},
		{"no store yet", []string{"--config.file=" + empty, "--customer=northwind"}, 1, "", "no store at"},
		{"nothing synced", []string{"--config.file=" + unsynced, "--customer=northwind"}, 1, "", "no source has synced"},
		{"damaged store", []string{"--config.file=" + damaged, "--customer=northwind"}, 1, "", filepath.Join(damagedDir, store.FileName) + " is damaged (the exporter moves it aside on its next start)"},
		{"missing config", []string{"--config.file=" + filepath.Join(t.TempDir(), "none.yml"), "--customer=northwind"}, 1, "", "reading config"},
		{"to stdout", []string{"--config.file=" + cfgFile, "--customer=globex", "--out=-", "--at=" + reportAt.Format(time.RFC3339)}, 0, "<h1>Globex Merchant Services</h1>", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(buildCustops(t), append([]string{"report"}, tc.args...)...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			_ = cmd.Run()
			if got := cmd.ProcessState.ExitCode(); got != tc.code {
				t.Errorf("exit code: got %d, want %d\nstderr: %s", got, tc.code, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout lacks %q: %.300s", tc.stdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr lacks %q: %s", tc.stderr, stderr.String())
			}
		})
	}
	if _, err := os.Stat(filepath.Join(emptyDir, store.FileName)); err == nil {
		t.Errorf("a report on a missing store created one")
	}
	if entries, err := os.ReadDir(damagedDir); err != nil || len(entries) != 1 || entries[0].Name() != store.FileName {
		t.Errorf("after a report on a damaged store the directory holds %v (%v); want the file alone, untouched", entries, err)
	}
}

// The browser checks of the report and meeting pages are in report_browser_test.go.
