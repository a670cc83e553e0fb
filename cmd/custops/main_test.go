package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func runArgs(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// exampleConfig copies custops.example.yml into a directory of its own; with tokens, it also
// writes the token file it names and sets the variable.
func exampleConfig(t *testing.T, tokens bool) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile("../../custops.example.yml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "custops.yml")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	if !tokens {
		t.Setenv("JIRA_TOKEN", "")
		os.Unsetenv("JIRA_TOKEN")
		return path
	}
	t.Setenv("JIRA_TOKEN", "not-a-real-token")
	if err := os.MkdirAll(filepath.Join(dir, "secrets"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "secrets", "zendesk-token"), []byte("not-a-real-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckValidConfig(t *testing.T) {
	code, out, errOut := runArgs("check", "--config.file="+exampleConfig(t, true))
	if code != exitOK {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	for _, want := range []string{"is valid", "northwind"} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}

// TestCheckMissingTokens: a valid config whose tokens are not there exits 3, naming every
// missing token at once with its file and line.
func TestCheckMissingTokens(t *testing.T) {
	path := exampleConfig(t, false)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lineOf := func(s string) int {
		for i, l := range strings.Split(string(b), "\n") {
			if strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("the example config has no %q", s)
		return 0
	}
	code, _, errOut := runArgs("check", "--config.file="+path)
	want := path + ": 2 token(s) missing or unreadable; the sources cannot start:\n" +
		fmt.Sprintf("%s:%d: sources[0].auth.token_env: environment variable JIRA_TOKEN is not set (source jsm)\n", path, lineOf("token_env: JIRA_TOKEN")) +
		fmt.Sprintf("%s:%d: sources[1].auth.token_file: token file %s does not exist (source zendesk)\n", path, lineOf("token_file: secrets/zendesk-token"), filepath.Join(filepath.Dir(path), "secrets", "zendesk-token"))
	if code != exitCredentials || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit %d and:\n%s", code, errOut, exitCredentials, want)
	}
}

// TestCheckPastedURL: a page address pasted from the browser is an invalid config (exit 1) whose
// error says which base URL to use.
func TestCheckPastedURL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "custops.yml")
	cfg := "sources:\n  - name: jsm\n    type: jira\n    url: https://x.atlassian.net/jira/servicedesk/projects/SUP/queues/custom/1\n" +
		"    auth: {email: ops@example.com, token_env: JIRA_TOKEN}\ncustomers:\n  - {id: northwind, tier: gold, match: {organization: [Northwind]}}\ntiers:\n  gold: {}\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := runArgs("check", "--config.file="+path)
	want := path + ":4: sources[0].url: is a page address, not the site's base URL: use https://x.atlassian.net (drop /jira/servicedesk/projects/SUP/queues/custom/1)"
	if code != exitInvalid || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %s", code, errOut, exitInvalid, want)
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

func TestBuildVersion(t *testing.T) {
	for _, tc := range []struct{ main, want string }{
		{"v1.4.0", "v1.4.0"},
		{"v0.0.0-20261102100405-0123456789ab+dirty", "v0.0.0-20261102100405-0123456789ab+dirty"},
		{"(devel)", "devel"},
		{"", "devel"},
	} {
		bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/custops/custops", Version: tc.main}}
		if got := buildVersion(bi); got != tc.want {
			t.Errorf("buildVersion(main %q) = %q, want %q", tc.main, got, tc.want)
		}
	}
}

// TestGenerateReceivers: --alertmanager.receivers writes the file's integrations in place of the
// loopback placeholders; a webhook flag adds one; a receivers file with an inline secret stops
// generation with the file and line.
func TestGenerateReceivers(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := runArgs("generate", "--out="+dir, "--alertmanager.receivers=../../receivers.example.yml",
		"--alertmanager.warning-webhook=https://queue.example.com/hook")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(dir, "alertmanager/alertmanager.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key", "url: https://queue.example.com/hook"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("alertmanager.yml lacks %q", want)
		}
	}
	if strings.Contains(string(b), "127.0.0.1:9095") {
		t.Errorf("alertmanager.yml keeps the loopback placeholders beside the receivers file's")
	}

	bad := filepath.Join(dir, "receivers.yml")
	if err := os.WriteFile(bad, []byte("page:\n  pagerduty:\n    - routing_key: abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runArgs("generate", "--out="+dir, "--alertmanager.receivers="+bad)
	if want := bad + ":3: routing_key: secrets are not allowed inline"; code != 1 || !strings.Contains(errOut, want) {
		t.Errorf("inline secret: exit %d, stderr %q; want 1 and %q", code, errOut, want)
	}
}
