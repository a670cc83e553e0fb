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

	promconfig "github.com/prometheus/common/config"
	"gopkg.in/yaml.v3"
)

const testToken = "tok-9f8e7d6c5b4a"

// TestHideConfigSecrets proves a token never shows in what the configuration prints: the
// config holds only where the token comes from, and the token itself, a prometheus/common
// config.Secret, encodes as "<secret>" (like blackbox_exporter's test of the same name). What
// the sources print (errors, logs) is proven in collector/source/vendorhttp.
func TestHideConfigSecrets(t *testing.T) {
	t.Setenv("CUSTOPS_TEST_TOKEN", testToken)
	cfg, err := Parse([]byte(`
sources:
  - name: jsm
    type: jira
    url: https://example.atlassian.net
    auth: {email: ops@example.com, token_env: CUSTOPS_TEST_TOKEN}
    http_client_config:
      proxy_url: http://proxy.example.com:3128
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
		Token promconfig.Secret `json:"token" yaml:"token"`
	}{tok}
	encodings := map[string]func(any) ([]byte, error){"json": json.Marshal, "yaml": yaml.Marshal}
	for name, marshal := range encodings {
		b, err := marshal(holder)
		if err != nil {
			t.Fatal(err)
		}
		var back struct{ Token string }
		if err := yaml.Unmarshal(b, &back); err != nil || back.Token != "<secret>" { // JSON is YAML
			t.Errorf("%s of the token = %s, want it as <secret>", name, b)
		}
	}
	// A source built in Go with the token itself (as the demo builds its desks').
	inMemory := Auth{Secret: &tok}
	if got, err := inMemory.Token(); err != nil || got != tok {
		t.Errorf("Token() of an in-memory secret: %d bytes, %v", len(got), err)
	}
	cfgJSON, _ := json.Marshal(cfg)
	cfgYAML, _ := yaml.Marshal(cfg)
	var text, jsonLog bytes.Buffer
	slog.New(slog.NewTextHandler(&text, nil)).Info("loaded", "config", cfg, "auth", cfg.Sources[0].Auth, "source", cfg.Sources[0])
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("loaded", "config", cfg, "source", cfg.Sources[0])
	var describe bytes.Buffer
	if err := cfg.Describe(&describe); err != nil {
		t.Fatal(err)
	}
	dumps := map[string]string{
		"config json":  string(cfgJSON),
		"config yaml":  string(cfgYAML),
		"%+v":          fmt.Sprintf("%+v", *cfg),
		"%#v":          fmt.Sprintf("%#v", *cfg),
		"Auth %+v":     fmt.Sprintf("%+v", cfg.Sources[0].Auth),
		"in memory":    fmt.Sprintf("%v %+v %#v %s", inMemory, inMemory, inMemory, inMemory.Describe()),
		"Describe":     describe.String(),
		"slog text":    text.String(),
		"slog json":    jsonLog.String(),
		"token errors": tokenErrors(t),
	}
	for name, out := range dumps {
		if strings.Contains(out, testToken) {
			t.Errorf("%s leaks the token: %s", name, out)
		}
	}
	if !strings.Contains(describe.String(), "token from env CUSTOPS_TEST_TOKEN") {
		t.Errorf("Describe does not say where the token comes from:\n%s", describe.String())
	}
	if !strings.Contains(text.String(), "CUSTOPS_TEST_TOKEN") {
		t.Errorf("the slog check printed no config at all: %s", text.String())
	}
}

// tokenErrors returns the error of reading a token_file that holds the token but is refused for
// its size.
func tokenErrors(t *testing.T) string {
	dir := t.TempDir()
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, []byte(strings.Repeat(testToken+"\n", 10000)), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Auth{TokenFile: big}.Token()
	if err == nil {
		t.Fatal("a 170 KB token_file was accepted")
	}
	return err.Error()
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
		{"in memory, empty", Auth{Secret: new(promconfig.Secret)}, "", "auth: the token given in memory is empty"},
		{"both", Auth{TokenEnv: "CUSTOPS_SET", TokenFile: withNewline}, "", "auth: set only one of token_env and token_file"},
		{"directory", Auth{TokenFile: dir}, "", "auth: token_file " + dir + " is not a regular file"},
		{"device", Auth{TokenFile: "/dev/zero"}, "", "auth: token_file /dev/zero is not a regular file"},
		{"too large", Auth{TokenFile: write("large", strings.Repeat("x", 65<<10))}, "", "auth: token_file " + filepath.Join(dir, "large") + " is larger than 64 KiB, not a token"},
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
