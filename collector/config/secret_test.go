package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const testToken = "tok-9f8e7d6c5b4a"

// TestHideConfigSecrets proves a token never shows in formatting, encodings, errors or the
// Describe output, like blackbox_exporter's test of the same name.
func TestHideConfigSecrets(t *testing.T) {
	t.Setenv("CUSTOPS_TEST_TOKEN", testToken)
	cfg, err := Parse([]byte(`
sources:
  - name: jsm
    type: jira
    url: https://example.atlassian.net
    auth: {email: ops@example.com, token_env: CUSTOPS_TEST_TOKEN}
`), "secret.yml")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.Sources[0].Auth.Token()
	if err != nil {
		t.Fatal(err)
	}
	if string(tok) != testToken {
		t.Fatalf("Token() read %d bytes, not the variable's value", len(tok))
	}
	holder := struct {
		Token Secret `json:"token" yaml:"token"`
	}{tok}
	js, _ := json.Marshal(holder)
	ym, _ := yaml.Marshal(holder)
	var text, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("polled", "token", tok, "auth", cfg.Sources[0].Auth)
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("polled", "token", tok)
	var describe bytes.Buffer
	if err := cfg.Describe(&describe); err != nil {
		t.Fatal(err)
	}
	renderings := map[string]string{
		"%v":        fmt.Sprintf("%v", tok),
		"%s":        fmt.Sprintf("%s", tok),
		"%q":        fmt.Sprintf("%q", tok),
		"%x":        fmt.Sprintf("%x", tok),
		"%+v":       fmt.Sprintf("%+v", holder),
		"%#v":       fmt.Sprintf("%#v", holder),
		"String":    tok.String(),
		"Errorf":    fmt.Errorf("request failed with %v", tok).Error(),
		"json":      string(js),
		"yaml":      string(ym),
		"Describe":  describe.String(),
		"slog text": text.String(),
		"slog json": jsonLog.String(),
		"Auth %+v":  fmt.Sprintf("%+v", cfg.Sources[0].Auth),
		"Source %v": fmt.Sprintf("%v", cfg.Sources[0]),
	}
	for name, out := range renderings {
		if strings.Contains(out, testToken) {
			t.Errorf("%s leaks the token: %s", name, out)
		}
	}
	var decoded map[string]string
	if err := json.Unmarshal(js, &decoded); err != nil || decoded["token"] != secretMask {
		t.Errorf("json = %s, want the token as %q", js, secretMask)
	}
	for _, name := range []string{"%v", "%+v", "%#v", "yaml", "String", "slog text"} {
		if !strings.Contains(renderings[name], secretMask) {
			t.Errorf("%s = %q, want it to show %s", name, renderings[name], secretMask)
		}
	}
	if !strings.Contains(describe.String(), "token from env CUSTOPS_TEST_TOKEN") {
		t.Errorf("Describe does not say where the token comes from:\n%s", describe.String())
	}
}

func TestToken(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	withNewline := write("token", testToken+"\n")
	empty := write("empty", "\n")
	t.Setenv("CUSTOPS_SET", testToken)
	t.Setenv("CUSTOPS_EMPTY", "")
	cases := []struct {
		name    string
		auth    Auth
		want    string
		wantErr string
	}{
		{"env", Auth{TokenEnv: "CUSTOPS_SET"}, testToken, ""},
		{"file trims newline", Auth{TokenFile: withNewline}, testToken, ""},
		{"env unset", Auth{TokenEnv: "CUSTOPS_UNSET_VARIABLE"}, "", "auth: environment variable CUSTOPS_UNSET_VARIABLE is not set"},
		{"env empty", Auth{TokenEnv: "CUSTOPS_EMPTY"}, "", "auth: environment variable CUSTOPS_EMPTY is empty"},
		{"file empty", Auth{TokenFile: empty}, "", "auth: token_file " + empty + " is empty"},
		{"file missing", Auth{TokenFile: filepath.Join(dir, "nope")}, "", "auth: reading token_file: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"none", Auth{}, "", "auth: no token_env or token_file configured"},
		{"both", Auth{TokenEnv: "CUSTOPS_SET", TokenFile: withNewline}, "", "auth: set only one of token_env and token_file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.auth.Token()
			if string(got) != tc.want {
				t.Errorf("Token() = %d bytes, want %d bytes", len(got), len(tc.want))
			}
			if errString(err) != tc.wantErr && !(tc.wantErr == "" && err == nil) {
				t.Errorf("Token() error\n got: %v\nwant: %s", err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

func TestAuthDescribe(t *testing.T) {
	cases := []struct {
		auth Auth
		want string
	}{
		{Auth{Email: "ops@example.com", TokenEnv: "JIRA_TOKEN"}, "basic ops@example.com, token from env JIRA_TOKEN"},
		{Auth{TokenFile: "/run/secrets/pat"}, "bearer token from file /run/secrets/pat"},
		{Auth{}, "none"},
	}
	for _, tc := range cases {
		if got := tc.auth.Describe(); got != tc.want {
			t.Errorf("%+v.Describe() = %q, want %q", tc.auth, got, tc.want)
		}
	}
}

func TestLooksLikeEnvName(t *testing.T) {
	cases := []struct {
		in   string
		want bool
	}{
		{"JIRA_TOKEN", true},
		{"zendesk_token", true},
		{"CUSTOPS_ZENDESK_API_TOKEN_PRODUCTION", true},
		{"ATATT3xFfGF0aB9-kQz7", false},                   // Atlassian tokens have dashes and =
		{"wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", false}, // 40 mixed-case characters
		{"1PASSWORD", false},
	}
	for _, tc := range cases {
		if got := looksLikeEnvName(tc.in); got != tc.want {
			t.Errorf("looksLikeEnvName(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
