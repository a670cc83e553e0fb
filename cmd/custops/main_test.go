package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckValidConfig(t *testing.T) {
	code, out, errOut := runArgs("check", "--config.file=../../custops.example.yml")
	if code != 0 {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	for _, want := range []string{"is valid", "northwind"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckInvalidConfigListsEveryError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yml")
	bad := "poll_interval: -1m\nsources:\n  - name: jsm\n    type: jira\ncustomers:\n  - id: Bad Id\n    tier: platinum\n"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runArgs("check", "--config.file="+path)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"bad.yml:1: poll_interval", "bad.yml:3: sources[0]", "bad.yml:6: customers[0].id", "customers[0].tier"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("errors lack %q:\n%s", want, errOut)
		}
	}
}

func TestCheckMissingFile(t *testing.T) {
	code, _, errOut := runArgs("check", "--config.file=/nonexistent/custops.yml")
	if code != 1 || !strings.Contains(errOut, "/nonexistent/custops.yml") {
		t.Errorf("exit %d, stderr %q: want 1 naming the file", code, errOut)
	}
}

func TestUsageErrors(t *testing.T) {
	if code, _, _ := runArgs("frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, out, _ := runArgs("--help"); code != 0 || !strings.Contains(out, "demo") {
		t.Errorf("--help: exit %d, output %q", code, out)
	}
}

func TestGenerateWritesDeploy(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runArgs("generate", "--out="+dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, f := range []string{"prometheus/rules/custops.rules.yml", "alertmanager/alertmanager.yml", "grafana/dashboards/custops-customer.json", "kubernetes/base/deployment.yaml", "kubernetes/demo/kustomization.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("generate did not write %s: %v", f, err)
		}
		if !strings.Contains(out, f) {
			t.Errorf("generate did not list %s", f)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer ok.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(503) }))
	defer bad.Close()
	if code, _, errOut := runArgs("healthcheck", "--url="+ok.URL); code != 0 {
		t.Errorf("healthy: exit %d %s", code, errOut)
	}
	if code, _, _ := runArgs("healthcheck", "--url="+bad.URL); code != 1 {
		t.Errorf("unhealthy: exit %d, want 1", code)
	}
}
