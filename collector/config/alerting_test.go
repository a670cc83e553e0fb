package config

import (
	"path/filepath"
	"testing"

	"github.com/custops/custops/collector/ticket"
)

// TestLoadInvalidAlerting: each mistake in sla_severity is one error with its
// file, line, field and message.
func TestLoadInvalidAlerting(t *testing.T) {
	cases := []struct{ file, want string }{
		{"severity-value", `:1: sla_severity.p1: unknown severity "page" (known: critical, warning, info)`},
		{"severity-priority", `:1: sla_severity.p0: unknown priority "p0" (known: p1, p2, p3, p4)`},
		{"tier-severity", `:14: tiers.bronze.sla_severity.p1: unknown severity "warn" (known: critical, warning, info)`},
	}
	files, err := filepath.Glob("testdata/alerting/invalid-*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("%d testdata/alerting/invalid-*.yml files but %d cases: every file needs its expected error", len(files), len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := "testdata/alerting/invalid-" + tc.file + ".yml"
			_, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%s) succeeded, want error %q", path, tc.want)
			}
			if got, want := err.Error(), path+tc.want; got != want {
				t.Errorf("Load(%s) error\n got: %s\nwant: %s", path, got, want)
			}
		})
	}
}

// TestSLASeverityOf: a tier's own sla_severity wins, then the top-level one, then the default;
// each priority falls back on its own.
func TestSLASeverityOf(t *testing.T) {
	cfg, err := Load("testdata/alerting/valid.yml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		tier string
		prio ticket.Priority
		want Severity
	}{
		{"gold", ticket.P1, SeverityCritical}, // default
		{"gold", ticket.P2, SeverityCritical}, // top-level
		{"gold", ticket.P3, SeverityWarning},  // default
		{"bronze", ticket.P1, SeverityWarning},
		{"bronze", ticket.P2, SeverityWarning}, // the tier's over the top-level
		{"bronze", ticket.P4, SeverityWarning},
		{"unknown", ticket.P2, SeverityCritical},
	}
	for _, c := range cases {
		if got := cfg.SLASeverityOf(c.tier, c.prio); got != c.want {
			t.Errorf("SLASeverityOf(%s, %s) = %s, want %s", c.tier, c.prio, got, c.want)
		}
	}
}
