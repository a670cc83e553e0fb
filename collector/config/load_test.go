package config

import (
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/ticket"
)

// TestLoadInvalid proves each kind of mistake is reported with the exact file, line, field and
// message, and that one mistake yields exactly one error.
func TestLoadInvalid(t *testing.T) {
	cases := []struct {
		file, want string
	}{
		{"unknown-key", `:1: pol_interval: unknown key (did you mean poll_interval?)`},
		{"inline-token", `:6: sources[0].auth.token: secrets are not allowed inline; use token_env or token_file`},
		{"source-name", `:3: sources[0].name: invalid name "JSM!" (want lowercase letters, digits, _ and -)`},
		{"duplicate-source", `:8: sources[1].name: duplicate source name "jsm" (first at sources[0])`},
		{"source-type", `:4: sources[0].type: unknown type "servicenow" (known: jira, zendesk)`},
		{"url-missing", `:3: sources[0].url: is required for jira sources`},
		{"url", `:5: sources[0].url: invalid URL "example.atlassian.net" (want https://host[/path])`},
		{"flavor", `:5: sources[0].flavor: unknown flavor "server" (known: cloud, datacenter)`},
		{"auth-missing", `:6: sources[0].auth: token_env or token_file is required for jira sources`},
		{"auth-both", `:6: sources[0].auth: set only one of token_env and token_file`},
		{"sla-mode", `:5: sources[0].sla: unknown SLA mode "magic" (known: native, computed, both)`},
		{"priority-value", `:5: sources[0].priorities.Blocker: unknown priority "p0" (known: p1, p2, p3, p4)`},
		{"status-value", `:5: sources[0].statuses.Done: unknown state "finished" (known: new, in_progress, waiting_customer, waiting_partner, resolved, closed)`},
		{"channel", `:2: official_channels[1]: unknown channel "fax" (known: portal, email, api, chat, phone, agent, other)`},
		{"channel-value", `:5: sources[0].channels.slack: unknown channel "fax" (known: portal, email, api, chat, phone, agent, other)`},
		{"channels-zendesk", `:7: sources[0].channels: applies to jira sources only`},
		{"customer-id", `:9: customers[0].id: invalid id "Northwind" (want lowercase letters, digits, _ and -, starting with a letter or digit)`},
		{"duplicate-customer", `:12: customers[1].id: duplicate customer id "northwind" (first at customers[0])`},
		{"tier", `:13: customers[1].tier: unknown tier "platinum" (known: gold, silver)`},
		{"calendar-ref", `:18: tiers.gold.sla.calendar: unknown calendar "us-business" (known: 24x7, eu-business)`},
		{"timezone", `:25: calendars.eu-business.timezone: unknown time zone "Mars/Olympus" (want an IANA name like Europe/Vilnius)`},
		{"hours-key", `:26: calendars.eu-business.hours.mon-fry: invalid days "mon-fry" (want mon-fri, sat, mon,wed or daily)`},
		{"hours-value", `:26: calendars.eu-business.hours.mon-fri: invalid hours "18:00-09:00": start 18:00 is not before end 09:00`},
		{"holiday", `:27: calendars.eu-business.holidays[0]: invalid date "2026-13-01" (want YYYY-MM-DD)`},
		{"duration", `:1: poll_interval: invalid duration "5 minutes" (want e.g. 90s, 15m, 4h, 2d, 1w)`},
		{"poll-interval-zero", `:1: poll_interval: must be greater than 0`},
		{"retention", `:1: retention: must be at least 85d, the weekly report's 12 weeks and a day, got 30d`},
		{"goal-zero", `:20: tiers.gold.sla.goals.p1.first_response: goal must be greater than 0`},
		{"goal-priority", `:20: tiers.gold.sla.goals.p5: unknown priority "p5" (known: p1, p2, p3, p4)`},
		{"at-risk", `:22: tiers.silver.at_risk: must be a percentage between 0% and 100% (exclusive) or a positive duration, got 150%`},
		{"compliance-target", `:22: tiers.silver.compliance_target: must be in (0, 1], like 0.95, got 1.5`},
		{"risk-factor", `:2: risk.weights.churn: unknown risk factor "churn" (known: breached, at_risk, compliance_gap, incidents, backlog_growth, csat, ageing)`},
		{"risk-weight", `:2: risk.weights.csat: weight must be a number >= 0, got -1`},
		{"rule-kind", `:7: sources[0].customer_from[0]: unknown rule "organisation" (known: organization, project, label, reporter_domain, {field: <id>}, {label_prefix: <prefix>})`},
		{"rule-map", `:7: sources[0].customer_from[1]: unknown rule "field_id" (known: organization, project, label, reporter_domain, {field: <id>}, {label_prefix: <prefix>})`},
		{"rule-bare-field", `:7: sources[0].customer_from[1]: rule field needs the field id: {field: customfield_10050}`},
		{"type-mismatch", `:5: sources[0].page_size: expected an integer, got a scalar "many"`},
		{"duplicate-match", `:14: customers[1].match.organization[0]: "northwind payments" already identifies customer northwind`},
		{"pause-state", `:19: tiers.gold.sla.pause_states[0]: state "resolved" ends the clock; only open states can pause it (known: new, in_progress, waiting_customer, waiting_partner)`},
		{"zendesk-org-id", `:14: customers[1].match.zendesk_organization_id[0]: invalid Zendesk organization id "acme" (want digits)`},
		{"no-sources", `:2: sources: at least one source is required`},
		{"expected-list", `:7: sources[0].customer_from: expected a list, got a scalar "organization"`},
		{"duplicate-key", `:11: customers[0].tier: duplicate key (first at line 10)`},
		{"jql-zendesk", `:7: sources[0].jql: applies to jira sources only`},
		{"project-rule-zendesk", `:7: sources[0].customer_from[1]: rule project applies to jira sources only`},
		{"resolution-metric", `:7: sources[0].resolution_metric: unknown Zendesk SLA metric "full_resolution_time" (known: requester_wait_time, resolution_time, agent_work_time, reply_time, group_ownership_time, pausable_update_time, periodic_update_time)`},
		{"jql-order-by", `:5: sources[0].jql: must be a filter without ORDER BY (custops orders by updated to poll incrementally)`},
		{"http-basic-auth", `:8: sources[0].http_client_config.basic_auth: credentials come from the source's auth (token_env or token_file), not from http_client_config`},
		{"http-tls-key", `:10: sources[0].http_client_config.tls_config.key: secrets are not allowed inline; use key_file`},
		{"http-proxy-password", `:8: sources[0].http_client_config.proxy_url: must not carry credentials (secrets are not allowed inline); for a proxy that wants credentials set proxy_from_environment and give them in HTTPS_PROXY`},
		{"http-tls-both", `:8: sources[0].http_client_config: at most one of ca, ca_file & ca_ref must be configured`},
		{"http-unknown-key", `:8: sources[0].http_client_config.tls_config.ca_fle: unknown key (did you mean ca_file?)`},
		{"token-in-env", `:6: sources[0].auth.token_env: must be the name of an environment variable (like JIRA_TOKEN), not the token itself`},
		{"syntax", `:10: invalid YAML: mapping values are not allowed in this context`},
		{"empty", `: configuration is empty`},
		{"poll-interval-long", `:1: poll_interval: must be between 10s and 1d, got 100y`},
		{"poll-interval-short", `:8: sources[0].poll_interval: must be between 10s and 1d, got 1ms`},
		{"reconcile-interval", `:2: reconcile_interval: must be between 10s and 1d, got 30d`},
		{"timeout", `:8: sources[0].timeout: must be between 1s and 5m, got 1y`},
		{"second-document", `:29: a second YAML document (after ---): custops reads one; merge them or remove the ---`},
		{"aliases", `:7: YAML aliases expand the file by more than 1000000 nodes (this alias repeats the 111111 nodes of the anchor at line 6): write the values out or use fewer aliases`},
	}
	files, err := filepath.Glob("testdata/invalid-*.yml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("%d testdata/invalid-*.yml files but %d cases: every file needs its expected error", len(files), len(cases))
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := "testdata/invalid-" + tc.file + ".yml"
			cfg, err := Load(path)
			if err == nil {
				t.Fatalf("Load(%s) = %+v, want error %q", path, cfg, tc.want)
			}
			if cfg != nil {
				t.Errorf("Load(%s) returned a config with its error", path)
			}
			if got, want := err.Error(), path+tc.want; got != want {
				t.Errorf("Load(%s) error\n got: %s\nwant: %s", path, got, want)
			}
		})
	}
}

// TestLoadMultipleErrors proves every mistake in a file is reported in one run, in file order,
// each as its own *FieldError.
func TestLoadMultipleErrors(t *testing.T) {
	const f = "testdata/multi-error.yml"
	_, err := Load(f)
	want := []string{
		f + `:2: poll_interval: invalid duration "soon" (want e.g. 90s, 15m, 4h, 2d, 1w)`,
		f + `:8: sources[0].auth.password: secrets are not allowed inline; use token_env or token_file`,
		f + `:9: sources[0].customer_from[1]: unknown rule "projects" (known: organization, project, label, reporter_domain, {field: <id>}, {label_prefix: <prefix>})`,
		f + `:14: sources[1].default_priority: unknown priority "urgent" (known: p1, p2, p3, p4)`,
		f + `:17: customers[0].tier: unknown tier "platinum" (known: gold)`,
		f + `:18: customers[1].id: invalid id "Contoso" (want lowercase letters, digits, _ and -, starting with a letter or digit)`,
		f + `:22: tiers.gold.compliance_target: must be in (0, 1], like 0.95, got 95`,
		f + `:28: calendars.eu-business.hours.mon-fri: invalid hours "9-18" (want HH:MM-HH:MM, e.g. 09:00-18:00)`,
		f + `:30: risk.weights.churn: unknown risk factor "churn" (known: breached, at_risk, compliance_gap, incidents, backlog_growth, csat, ageing)`,
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Load(%s) error %T %v, want config.Errors", f, err, err)
	}
	got := make([]string, len(errs))
	for i, e := range errs {
		got[i] = e.Error()
		var fe *FieldError
		if !errors.As(e, &fe) || fe.File != f || fe.Line == 0 || fe.Field == "" {
			t.Errorf("error %d is %#v, want a *FieldError with file, line and field", i, e)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Load(%s) errors\n got:\n  %s\nwant:\n  %s", f, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error output contains the inline password: %v", err)
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load("testdata/does-not-exist.yml")
	if err == nil || !strings.Contains(err.Error(), "testdata/does-not-exist.yml") {
		t.Errorf("Load(missing) error = %v, want one naming the file", err)
	}
}

func TestParseNotAMapping(t *testing.T) {
	_, err := Parse([]byte("- a\n- b\n"), "list.yml")
	if got, want := errString(err), "list.yml:1: expected a mapping of configuration keys, got a list"; got != want {
		t.Errorf("Parse(list) error\n got: %s\nwant: %s", got, want)
	}
}

// TestDefaults proves every documented default is applied to a minimal file.
func TestDefaults(t *testing.T) {
	cfg, err := Load("testdata/valid-minimal.yml")
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"poll_interval", cfg.PollInterval, Duration(time.Minute)},
		{"reconcile_interval", cfg.ReconcileInterval, Duration(15 * time.Minute)},
		{"retention", cfg.Retention, Duration(13 * 7 * 24 * time.Hour)},
		{"state_dir", cfg.StateDir, "./data"},
		{"official_channels", cfg.OfficialChannels, []ticket.Channel{"portal", "email", "api"}},
		{"risk.weights", cfg.Risk.Weights, DefaultRiskWeights},
		{"source.timeout", cfg.Sources[0].Timeout, Duration(30 * time.Second)},
		{"source.page_size", cfg.Sources[0].PageSize, 100},
		{"source.default_priority", cfg.Sources[0].DefaultPriority, ticket.P3},
		{"source.sla", cfg.Sources[0].SLA, "native"},
		{"source.resolution_metric", cfg.Sources[0].ResolutionMetric, "requester_wait_time"},
		{"source.incident_types", cfg.Sources[0].IncidentTypes, []string{"Incident"}},
		{"source.escalation.labels", cfg.Sources[0].Escalation.Labels, []string{"escalated"}},
		{"customer.name", cfg.Customers[0].Name, "northwind"},
		{"tier.compliance_target", cfg.Tiers["gold"].ComplianceTarget, 0.95},
		{"tier.at_risk", cfg.Tiers["gold"].AtRisk, Threshold{Fraction: 0.25}},
		{"tier.pause_states", cfg.Tiers["gold"].SLA.PauseStates, []ticket.State{ticket.StateWaitingCustomer}},
		{"silver.at_risk", cfg.Tiers["silver"].AtRisk, Threshold{Duration: time.Hour}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestTypeDefaults proves the defaults that depend on a source's type, and that NewSource, the
// starting point of a source built in Go, holds the same defaults as a file that sets only the
// name and type.
func TestTypeDefaults(t *testing.T) {
	cfg, err := Parse([]byte(`
sources:
  - {name: zd, type: zendesk, url: "https://x.zendesk.com", auth: {token_env: ZD}}
  - {name: jsm, type: jira, url: "https://x.atlassian.net", auth: {token_env: JIRA}}
`), "types.yml")
	if err != nil {
		t.Fatal(err)
	}
	zd, jsm := cfg.Sources[0], cfg.Sources[1]
	checks := []struct {
		name      string
		got, want any
	}{
		{"zendesk page_size", zd.PageSize, 1000},
		{"zendesk incident_types", zd.IncidentTypes, []string{"incident", "problem"}},
		{"zendesk customer_from", zd.CustomerFrom, []MatchRule{{Kind: MatchOrganization}}},
		{"jira page_size", jsm.PageSize, 100},
		{"jira incident_types", jsm.IncidentTypes, []string{"Incident"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}
	for _, parsed := range cfg.Sources {
		built := NewSource(parsed.Name, parsed.Type)
		built.URL, built.Auth = parsed.URL, parsed.Auth
		if !reflect.DeepEqual(built, parsed) {
			t.Errorf("NewSource(%q, %q) = %+v, want what the file gives: %+v", parsed.Name, parsed.Type, built, parsed)
		}
	}
	if NewSource("a", TypeJira).Escalation.Labels[0] = "changed"; DefaultSource.Escalation.Labels[0] != "escalated" {
		t.Errorf("NewSource shares its escalation labels with DefaultSource")
	}
}

// TestValidateBuiltInGo: a configuration built in Go is checked by the rules a file is, and a
// token given in memory stands for token_env or token_file.
func TestValidateBuiltInGo(t *testing.T) {
	cfg := New()
	src := NewSource("jsm", TypeJira)
	src.URL = "https://x.atlassian.net"
	cfg.Sources = []Source{src}
	want := `demo: sources[0].auth: token_env or token_file is required for jira sources`
	if err := cfg.Validate("demo"); errString(err) != want {
		t.Errorf("without a token: %v, want %s", err, want)
	}
	cfg.Sources[0].Auth.Secret = NewSecret("in-memory")
	if err := cfg.Validate("demo"); err != nil {
		t.Errorf("with a token in memory: %v", err)
	}
	if tok, err := cfg.Sources[0].Auth.Token(); err != nil || tok != "in-memory" {
		t.Errorf("Token() = %v, %v; want the in-memory token", err, err)
	}
	if got := cfg.Sources[0].Auth.Describe(); got != "bearer token given in memory" {
		t.Errorf("Describe() = %q", got)
	}
}

// TestNoFileSetsTheInMemoryToken: Auth.Secret has no YAML key, so a file naming it fails and
// the token never comes from the config text.
func TestNoFileSetsTheInMemoryToken(t *testing.T) {
	for _, key := range []string{"secret", "Secret", "-"} {
		_, err := Parse([]byte("sources:\n  - name: jsm\n    type: jira\n    url: https://x.atlassian.net\n    auth: {\""+key+"\": abc}\n"), "s.yml")
		if err == nil || !strings.Contains(err.Error(), "sources[0].auth."+key) {
			t.Errorf("auth.%s: err %v, want one naming the key", key, err)
		}
	}
}

// TestDefaultsNotShared proves decoding never writes into the Default values, which yaml.v3 would
// do for maps it merges into.
func TestDefaultsNotShared(t *testing.T) {
	before := map[string]float64{}
	for k, v := range DefaultRiskWeights {
		before[k] = v
	}
	cfg, err := Parse([]byte("sources: [{name: s, type: jira, url: \"https://x.atlassian.net\", auth: {token_env: T}}]\nrisk: {weights: {breached: 40}}\n"), "w.yml")
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Risk.Weights["breached"]; got != 40 {
		t.Errorf("breached weight = %v, want 40", got)
	}
	if got := cfg.Risk.Weights["csat"]; got != 10 {
		t.Errorf("csat weight = %v, want the default 10 kept beside the override", got)
	}
	if !reflect.DeepEqual(DefaultRiskWeights, before) {
		t.Errorf("DefaultRiskWeights changed to %v", DefaultRiskWeights)
	}
	cfg.OfficialChannels[0] = "other"
	if DefaultConfig.OfficialChannels[0] != ticket.ChannelPortal {
		t.Errorf("DefaultConfig.OfficialChannels shares its backing array with a loaded config")
	}
}

// TestExampleLoads proves the annotated example is valid and means what its comments say.
func TestExampleLoads(t *testing.T) {
	cfg, err := Load("../../custops.example.yml")
	if err != nil {
		t.Fatalf("custops.example.yml: %v", err)
	}
	if len(cfg.Sources) != 2 || len(cfg.Customers) != 3 || len(cfg.Tiers) != 2 || len(cfg.Calendars) != 1 {
		t.Errorf("example has %d sources, %d customers, %d tiers, %d calendars; want 2, 3, 2, 1",
			len(cfg.Sources), len(cfg.Customers), len(cfg.Tiers), len(cfg.Calendars))
	}
	jsm, _ := cfg.SourceByName("jsm")
	wantRules := []MatchRule{
		{Kind: MatchOrganization}, {Kind: MatchField, Field: "customfield_10050"},
		{Kind: MatchLabelPrefix, Prefix: "customer-"}, {Kind: MatchProject}, {Kind: MatchReporterDomain},
	}
	if !reflect.DeepEqual(jsm.CustomerFrom, wantRules) {
		t.Errorf("jsm customer_from = %v, want %v", jsm.CustomerFrom, wantRules)
	}
	nw, _ := cfg.CustomerByID("northwind")
	if got, want := nw.Match.ZendeskOrganizationID, []string{"360001234567"}; !slices.Equal(got, want) {
		t.Errorf("zendesk_organization_id written as a number = %q, want %q", got, want)
	}
	if got, want := jsm.HTTPClientConfig.TLSConfig.CAFile, filepath.Join("../..", "certs/corp-ca.pem"); got != want {
		t.Errorf("relative tls_config.ca_file = %q, want %q (anchored at the config's directory)", got, want)
	}
	if got := jsm.HTTPClientConfig.ProxyURL.String(); got != "http://proxy.example.com:3128" || !jsm.HTTPClientConfig.FollowRedirects {
		t.Errorf("http_client_config proxy_url = %q, follow_redirects %v; want the example's proxy, true", got, jsm.HTTPClientConfig.FollowRedirects)
	}
	zd, _ := cfg.SourceByName("zendesk")
	if !zd.HTTPClientConfig.FollowRedirects || !zd.HTTPClientConfig.EnableHTTP2 {
		t.Errorf("zendesk without http_client_config: follow_redirects %v, enable_http2 %v; want the defaults (true)", zd.HTTPClientConfig.FollowRedirects, zd.HTTPClientConfig.EnableHTTP2)
	}
	if got, want := zd.Auth.TokenFile, filepath.Join("../..", "secrets/zendesk-token"); got != want {
		t.Errorf("relative token_file = %q, want %q (anchored at the config's directory)", got, want)
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// TestMarshalRoundTrip proves every custom type writes back in the notation it reads, so a
// loaded configuration can be dumped and loaded again unchanged.
func TestMarshalRoundTrip(t *testing.T) {
	cfg, err := Load("../../custops.example.yml")
	if err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse(out, "roundtrip.yml")
	if err != nil {
		t.Fatalf("reloading the marshalled example: %v\n%s", err, out)
	}
	// Compared as text: a nil list is written as [] and read back empty, not nil.
	out2, err := yaml.Marshal(again)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != string(out2) {
		t.Errorf("round trip changed the configuration\nfirst:\n%s\nsecond:\n%s", out, out2)
	}
	for _, want := range []string{"at_risk: 25%", "poll_interval: 1m", "- field: customfield_10050", "resolution: 1w"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("marshalled example lacks %q:\n%s", want, out)
		}
	}
}
