package alerts

import (
	"strings"
	"testing"
)

// TestReceiversExample: the annotated example file loads and generates a configuration with
// every integration it lists.
func TestReceiversExample(t *testing.T) {
	r, err := LoadReceivers("../receivers.example.yml")
	if err != nil {
		t.Fatal(err)
	}
	opts := DefaultOptions()
	opts.Receivers, opts.PageWebhookURL, opts.WarningWebhookURL = r, "", ""
	b, err := AlertmanagerConfig(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"routing_key_file: /etc/alertmanager/secrets/pagerduty-routing-key",
		"api_url_file: /etc/alertmanager/secrets/slack-webhook-url",
		"auth_password_file: /etc/alertmanager/secrets/smtp-password",
		"url_file: /etc/alertmanager/secrets/ticketing-webhook-url",
		"critical -> receiver \"page\"     (repeat every 1h while firing): PagerDuty, Slack #ops-pages",
		"warning  -> receiver \"warning\"  (repeat every 12h): Slack #customer-ops, email to customer-ops@example.com, webhook from /etc/alertmanager/secrets/ticketing-webhook-url",
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("generated configuration lacks %q:\n%s", want, b)
		}
	}
	if strings.Contains(string(b), "127.0.0.1:9095") {
		t.Errorf("the placeholder webhooks are still there beside real receivers")
	}
}

// TestParseReceiversErrors: each mistake is refused with a message naming the file, and the line
// where the YAML has one.
func TestParseReceiversErrors(t *testing.T) {
	for _, tc := range []struct{ name, file, want string }{
		{"inline PagerDuty key", "page:\n  pagerduty:\n    - routing_key: abc123\n",
			"receivers.yml:3: routing_key: secrets are not allowed inline; put it in a file and name it with routing_key_file"},
		{"inline Slack URL", "warning:\n  slack: [{api_url: 'https://hooks.slack.com/x'}]\n",
			"receivers.yml:2: api_url: secrets are not allowed inline; put it in a file and name it with api_url_file"},
		{"inline SMTP password", "warning:\n  email:\n    - {to: a@b.c, from: d@e.f, smarthost: 'h:25', auth_username: u, auth_password: hunter2}\n",
			"receivers.yml:3: auth_password: secrets are not allowed inline; put it in a file and name it with auth_password_file"},
		{"unknown key", "page:\n  opsgenie: []\n", "receivers.yml: yaml: unmarshal errors:\n  line 2: field opsgenie not found"},
		{"unknown receiver", "pager:\n  webhook: [{url: 'http://x'}]\n", "line 1: field pager not found"},
		{"missing key file", "page:\n  pagerduty: [{}]\n", "receivers.yml: page.pagerduty[0]: routing_key_file is required"},
		{"missing Slack URL file", "warning:\n  slack: [{channel: '#ops'}]\n", "receivers.yml: warning.slack[0]: api_url_file is required"},
		{"incomplete email", "warning:\n  email: [{to: a@b.c}]\n", "receivers.yml: warning.email[0]: to, from and smarthost are required"},
		{"smarthost without port", "warning:\n  email: [{to: a@b.c, from: d@e.f, smarthost: smtp.example.com}]\n", `warning.email[0]: smarthost "smtp.example.com": want host:port`},
		{"password without user", "warning:\n  email: [{to: a@b.c, from: d@e.f, smarthost: 'h:25', auth_password_file: /p}]\n", "warning.email[0]: auth_password_file needs auth_username"},
		{"webhook with both", "page:\n  webhook: [{url: 'http://x', url_file: /f}]\n", "page.webhook[0]: set one of url and url_file"},
		{"webhook relative URL", "page:\n  webhook: [{url: 'pager:9000'}]\n", `page.webhook[0]: url "pager:9000": not an absolute http(s) URL`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseReceivers([]byte(tc.file), "receivers.yml")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}
