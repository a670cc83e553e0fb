// Package config loads and validates the custops YAML configuration.
//
// The types here are the user-facing contract documented in CONFIGURATION.md and example.yml.
// Every key is strict: an unknown key, a wrong type or an impossible value is an error that names
// the file, the line and the field.
package config

import (
	"time"

	promconfig "github.com/prometheus/common/config"

	"github.com/custops/custops/collector/ticket"
)

// Config is the whole configuration file.
type Config struct {
	PollInterval      Duration            `yaml:"poll_interval"`      // default for every source: 1m
	ReconcileInterval Duration            `yaml:"reconcile_interval"` // open-ticket reconcile: 15m
	Retention         Duration            `yaml:"retention"`          // resolved tickets quiet this long leave the store: 13w
	StateDir          string              `yaml:"state_dir"`          // embedded store lives here: ./data
	Sources           []Source            `yaml:"sources"`
	Customers         []Customer          `yaml:"customers"`
	Tiers             map[string]Tier     `yaml:"tiers"`
	Calendars         map[string]Calendar `yaml:"calendars"`
	OfficialChannels  []ticket.Channel    `yaml:"official_channels"` // default [portal, email, api]
	Risk              Risk                `yaml:"risk"`

	// The weekly report and freshness: see report.go.
	TopCategories   int    `yaml:"top_categories"`    // categories named per customer, the rest is "other": 5
	StaleAfterPolls int    `yaml:"stale_after_polls"` // a source's data is stale after this many poll intervals: 3
	Report          Report `yaml:"report"`

	// SLASeverity is the severity of the SLA alerts per priority, for every tier that does not
	// set its own; priorities left out keep DefaultSLASeverity.
	SLASeverity SeverityByPriority `yaml:"sla_severity"`

	// Teams are where tickets wait, in match order (teams.go); at most MaxTeams.
	Teams []Team `yaml:"teams"`

	byID   map[string]int // customer id -> index in Customers (index.go)
	origin origin         // where the config was read from, for errors found after Parse (credentials.go)
}

// Source is one ticketing system to poll.
type Source struct {
	Name         string   `yaml:"name"`          // the `source` label: [a-z0-9_-]+
	Type         string   `yaml:"type"`          // jira | zendesk
	URL          string   `yaml:"url"`           // base URL of the instance
	Flavor       string   `yaml:"flavor"`        // jira only: cloud | datacenter; detected when empty
	Auth         Auth     `yaml:"auth"`          // credentials, by reference only
	JQL          string   `yaml:"jql"`           // jira only: the user's filter
	PollInterval Duration `yaml:"poll_interval"` // default: the top-level poll_interval
	Timeout      Duration `yaml:"timeout"`       // per request: 30s
	PageSize     int      `yaml:"page_size"`     // jira: 100, zendesk: 1000

	// HTTPClientConfig is how the source reaches its vendor: TLS (a private CA, a client
	// certificate), a proxy, HTTP/2, redirects; blackbox_exporter's per-module
	// http_client_config. Its credential fields are refused: the token comes from Auth.
	HTTPClientConfig promconfig.HTTPClientConfig `yaml:"http_client_config"`

	CustomerFrom []MatchRule `yaml:"customer_from"` // ordered; the first rule that matches wins

	Priorities      map[string]ticket.Priority `yaml:"priorities"`       // source priority name -> p1..p4, over the defaults
	DefaultPriority ticket.Priority            `yaml:"default_priority"` // for unknown names: p3
	Statuses        map[string]ticket.State    `yaml:"statuses"`         // source status name -> state, over the defaults
	Channels        map[string]ticket.Channel  `yaml:"channels"`         // jira only: JSM request channel -> channel, over the defaults
	Escalation      Escalation                 `yaml:"escalation"`
	IncidentTypes   []string                   `yaml:"incident_types"` // jira issue types / zendesk types: [Incident] / [incident, problem]
	SLA             string                     `yaml:"sla"`            // native | computed | both: native
	SLANames        map[string]string          `yaml:"sla_names"`      // source SLA name -> our name
	Fields          Fields                     `yaml:"fields"`         // jira only: explicit field ids over discovery

	// ResolutionMetric is the Zendesk SLA metric that counts as resolution: requester_wait_time.
	ResolutionMetric string `yaml:"resolution_metric"`

	// CategoryFrom says what a ticket's support category is (see report.go); the first rule that
	// yields a value wins. CategoryNames renames raw values (a form id, a tag) for people.
	CategoryFrom  []CategoryRule    `yaml:"category_from"`
	CategoryNames map[string]string `yaml:"category_names"`

	// TeamField is the custom field holding the team a ticket is with (a Jira field id like
	// customfield_10070, a Zendesk custom field id), read when a team's when names team_field.
	TeamField string `yaml:"team_field"`
	// OwnerField is the Zendesk organization field (its key) naming the customer's owner, for
	// customers whose config sets no owner.
	OwnerField string `yaml:"owner_field"`

	// Derived from the teams when the configuration is loaded (DeriveSources), not written in a
	// file: whether the source reads who handles its tickets (groups, components, the team
	// field, links) and their history, and the Jira projects linked issues are looked for in.
	ReadHandling   bool     `yaml:"-"`
	LinkedProjects []string `yaml:"-"`
	// TrackStates: teams are configured, so the source keeps each ticket's state history (with
	// its statuses) even when its SLAs are native.
	TrackStates bool `yaml:"-"`
}

// Auth references a credential; the secret itself never appears in the config text.
type Auth struct {
	Email     string `yaml:"email"`      // Jira Cloud / Zendesk user; empty means a bearer token
	TokenEnv  string `yaml:"token_env"`  // name of the environment variable holding the token
	TokenFile string `yaml:"token_file"` // or a file holding it (trailing newline trimmed)
	// Secret is the token itself, for configurations built in Go (the demo hands its loopback
	// desks' tokens to the sources this way); no file can set it. A pointer, so that printing an
	// Auth shows an address, never the token.
	Secret *promconfig.Secret `yaml:"-" json:"-"`
}

// Escalation says which tickets count as escalated.
type Escalation struct {
	Labels   []string `yaml:"labels"`   // Jira labels / Zendesk tags: [escalated]
	Statuses []string `yaml:"statuses"` // source status names: [Escalated]
}

// Fields holds explicit Jira field ids; empty ones are discovered from /rest/api/2/field.
type Fields struct {
	SLA           []string `yaml:"sla"`
	Organizations string   `yaml:"organizations"`
	Satisfaction  string   `yaml:"satisfaction"`
	RequestType   string   `yaml:"request_type"`
}

// MatchRuleKind names what a customer_from rule looks at.
type MatchRuleKind string

// The rule kinds. Written as a bare word in YAML, or as {field: id} / {label_prefix: p}.
const (
	MatchOrganization   MatchRuleKind = "organization"    // JSM organization name or Zendesk organization (name or id)
	MatchProject        MatchRuleKind = "project"         // Jira project key
	MatchField          MatchRuleKind = "field"           // a custom field's value: {field: customfield_10050}
	MatchLabelPrefix    MatchRuleKind = "label_prefix"    // a label/tag with a prefix, the rest is the customer id: {label_prefix: customer-}
	MatchLabel          MatchRuleKind = "label"           // a label/tag listed in the customer's match.label
	MatchReporterDomain MatchRuleKind = "reporter_domain" // the reporter's email domain
)

// MatchRule is one entry of customer_from.
type MatchRule struct {
	Kind   MatchRuleKind
	Field  string // for MatchField
	Prefix string // for MatchLabelPrefix
}

// Customer is one customer: the `customer` label and what maps tickets to it.
type Customer struct {
	ID   string `yaml:"id"`   // the `customer` label: [a-z0-9][a-z0-9_-]*
	Name string `yaml:"name"` // display name
	Tier string `yaml:"tier"` // a key of tiers
	CSM  string `yaml:"csm"`  // internal boards only
	// Owner is who owns the customer (its CSM or ops manager) as a handle: boards filter by it and
	// Alertmanager routes the customer's alerts to that owner's receiver. Empty: the owner field of
	// the customer's organization in the desk (a source's owner_field), else none.
	Owner string `yaml:"owner"`
	Match Match  `yaml:"match"`
	// SLA overrides the tier's policy for this customer, key by key.
	SLA *SLAPolicy `yaml:"sla"`
	// ComplianceTarget overrides the tier's target.
	ComplianceTarget *float64 `yaml:"compliance_target"`
	// Timezone (IANA) and DateFormat override report.timezone and report.date_format: the
	// customer's weeks and the dates on its pages.
	Timezone   string `yaml:"timezone"`
	DateFormat string `yaml:"date_format"`
}

// Match lists the values that identify a customer, per rule kind.
type Match struct {
	Organization          []string `yaml:"organization"`
	ZendeskOrganizationID []string `yaml:"zendesk_organization_id"` // numbers or strings
	Project               []string `yaml:"project"`
	Field                 []string `yaml:"field"`
	Label                 []string `yaml:"label"`
	EmailDomain           []string `yaml:"email_domain"`
}

// Tier is a contract level shared by customers.
type Tier struct {
	ComplianceTarget float64   `yaml:"compliance_target"` // 0..1: 0.95
	AtRisk           Threshold `yaml:"at_risk"`           // "25%" of the goal or a duration: 25%
	SLA              SLAPolicy `yaml:"sla"`
	// SLASeverity overrides the top-level sla_severity for this tier's customers, per priority.
	SLASeverity SeverityByPriority `yaml:"sla_severity"`
}

// SLAPolicy is the contractual SLA: goals per priority and SLA name, on a calendar.
type SLAPolicy struct {
	Calendar    string                                  `yaml:"calendar"` // a key of calendars, or "24x7"
	Goals       map[ticket.Priority]map[string]Duration `yaml:"goals"`    // p1: {first_response: 15m, resolution: 4h}
	PauseStates []ticket.State                          `yaml:"pause_states"`
}

// Calendar is a business calendar.
type Calendar struct {
	Timezone string            `yaml:"timezone"` // IANA name: Europe/Vilnius
	Hours    map[string]string `yaml:"hours"`    // "mon-fri": "09:00-18:00"; "sat": "10:00-14:00"
	Holidays []string          `yaml:"holidays"` // YYYY-MM-DD
}

// Risk configures the customer risk score.
type Risk struct {
	Weights map[string]float64 `yaml:"weights"` // factor -> points; see DefaultRiskWeights
}

// Threshold is an at-risk threshold: a fraction of the goal or an absolute duration.
type Threshold struct {
	Fraction float64
	Duration time.Duration
}

// Duration is a time.Duration written like Prometheus durations: 90s, 15m, 4h, 2d, 1w.
type Duration time.Duration
