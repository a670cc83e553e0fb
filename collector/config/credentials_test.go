package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCredentials: every missing token is named at once, each with its file, line and
// source, telling an unset variable from an empty one and a missing file from an unreadable or
// empty one; a present token is not mentioned and never shown.
func TestCheckCredentials(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("good-token", "s3cret-token\n", 0o600)
	write("empty-token", "\n", 0o600)
	write("locked-token", "s3cret-token", 0o000)
	cfgText := `sources:
  - {name: a, type: jira, url: "https://a.atlassian.net", auth: {email: o@example.com, token_env: CUSTOPS_TEST_UNSET}}
  - {name: b, type: jira, url: "https://b.atlassian.net", auth: {email: o@example.com, token_env: CUSTOPS_TEST_EMPTY}}
  - {name: c, type: zendesk, url: "https://c.zendesk.com", auth: {email: o@example.com, token_file: missing-token}}
  - {name: d, type: zendesk, url: "https://d.zendesk.com", auth: {email: o@example.com, token_file: empty-token}}
  - {name: e, type: zendesk, url: "https://e.zendesk.com", auth: {email: o@example.com, token_file: locked-token}}
  - {name: f, type: zendesk, url: "https://f.zendesk.com", auth: {email: o@example.com, token_file: good-token}}
  - {name: g, type: jira, url: "https://g.atlassian.net", auth: {email: o@example.com, token_env: CUSTOPS_TEST_SET}}
customers:
  - {id: northwind, tier: gold, match: {organization: [Northwind Payments]}}
tiers:
  gold: {}
`
	path := filepath.Join(dir, "custops.yml")
	write("custops.yml", cfgText, 0o600)
	t.Setenv("CUSTOPS_TEST_EMPTY", "")
	t.Setenv("CUSTOPS_TEST_SET", "s3cret-token")
	os.Unsetenv("CUSTOPS_TEST_UNSET")
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		path + ":2: sources[0].auth.token_env: environment variable CUSTOPS_TEST_UNSET is not set (source a)",
		path + ":3: sources[1].auth.token_env: environment variable CUSTOPS_TEST_EMPTY is empty (source b)",
		path + ":4: sources[2].auth.token_file: token file " + filepath.Join(dir, "missing-token") + " does not exist (source c)",
		path + ":5: sources[3].auth.token_file: token file " + filepath.Join(dir, "empty-token") + " is empty (source d)",
	}
	if os.Geteuid() != 0 { // root reads a file of mode 000
		want = append(want, path+":6: sources[4].auth.token_file: token file "+filepath.Join(dir, "locked-token")+" cannot be read: permission denied (source e)")
	}
	err = cfg.CheckCredentials()
	if err == nil {
		t.Fatal("CheckCredentials: got nil, want every missing token")
	}
	if got := err.Error(); got != strings.Join(want, "\n") {
		t.Errorf("CheckCredentials:\n got: %s\nwant: %s", got, strings.Join(want, "\n"))
	}
	if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("an error shows a token: %v", err)
	}
}
