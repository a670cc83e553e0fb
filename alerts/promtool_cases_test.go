package alerts

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestEveryAlertHasPromtoolCases fails when an alert lacks a case where it fires (with its
// runbook and dashboard links asserted) or a case where it must stay quiet.
func TestEveryAlertHasPromtoolCases(t *testing.T) {
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, f := range promtoolTestFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var pt promtoolTests
		if err := yaml.Unmarshal(b, &pt); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, tc := range pt.Tests {
			for _, art := range tc.AlertRuleTest {
				if len(art.ExpAlerts) == 0 {
					quiet[art.Alertname] = true
				}
				for _, ea := range art.ExpAlerts {
					if ea.ExpAnnotations["runbook_url"] != "" && ea.ExpAnnotations["dashboard_url"] != "" &&
						ea.ExpAnnotations["description"] != "" && ea.ExpLabels[labelSeverity] != "" {
						fires[art.Alertname] = true
					}
				}
			}
		}
	}
	names := alertNames(t)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if !fires[name] {
				t.Errorf("no promtool case where %s fires with severity, description, runbook_url and dashboard_url asserted", name)
			}
			if !quiet[name] {
				t.Errorf("no promtool case where %s must not fire (exp_alerts: [])", name)
			}
		})
	}
	known := map[string]bool{}
	for _, n := range names {
		known[n] = true
	}
	var stray []string
	for n := range fires {
		if !known[n] {
			stray = append(stray, n)
		}
	}
	for n := range quiet {
		if !known[n] {
			stray = append(stray, n)
		}
	}
	sort.Strings(stray)
	if len(stray) > 0 {
		t.Errorf("promtool cases for alerts that do not exist: got %v, want none", stray)
	}
}

// alertNames lists the alerts of the default rule groups.
func alertNames(t *testing.T) []string {
	t.Helper()
	groups, err := Groups(DefaultOptions())
	if err != nil {
		t.Fatalf("Groups: %v", err)
	}
	var names []string
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				names = append(names, r.Alert)
			}
		}
	}
	return names
}

func promtoolTestFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "*.test.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.test.yml")
	}
	return files
}

// promtoolTests is the part of promtool's unit test file format the coverage check reads.
type promtoolTests struct {
	Tests []struct {
		Name          string `yaml:"name"`
		AlertRuleTest []struct {
			Alertname string `yaml:"alertname"`
			ExpAlerts []struct {
				ExpLabels      map[string]string `yaml:"exp_labels"`
				ExpAnnotations map[string]string `yaml:"exp_annotations"`
			} `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}
