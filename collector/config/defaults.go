package config

import (
	"maps"
	"slices"
	"time"

	promconfig "github.com/prometheus/common/config"
	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// Source types.
const (
	TypeJira    = "jira"
	TypeZendesk = "zendesk"
)

// SLA modes of a source: read clocks from the source, compute them from the tier policy, or both.
const (
	SLANative   = "native"
	SLAComputed = "computed"
	SLABoth     = "both"
)

// Page sizes per source type: the most each API returns in one page.
const (
	DefaultJiraPageSize    = 100
	DefaultZendeskPageSize = 1000
)

// DefaultRiskWeights are the points each risk factor contributes at most; they sum to 100.
var DefaultRiskWeights = map[string]float64{
	catalog.FactorBreached:      25,
	catalog.FactorAtRisk:        15,
	catalog.FactorComplianceGap: 20,
	catalog.FactorIncidents:     15,
	catalog.FactorBacklogGrowth: 10,
	catalog.FactorCSAT:          10,
	catalog.FactorAgeing:        5,
}

// DefaultConfig is the configuration's starting point: every key the file leaves out keeps this.
var DefaultConfig = Config{
	PollInterval:      Duration(time.Minute),
	ReconcileInterval: Duration(15 * time.Minute),
	Retention:         Duration(DefaultRetention),
	StateDir:          "./data",
	OfficialChannels:  []ticket.Channel{ticket.ChannelPortal, ticket.ChannelEmail, ticket.ChannelAPI},
	Risk:              DefaultRisk,
	TopCategories:     DefaultTopCategories,
	StaleAfterPolls:   DefaultStaleAfterPolls,
	Report:            DefaultReport,
}

// DefaultRisk holds the default weights.
var DefaultRisk = Risk{Weights: DefaultRiskWeights}

// DefaultSource holds a source's defaults. PageSize and IncidentTypes depend on the type and are
// filled in after decoding (DefaultJiraPageSize, DefaultJiraIncidentTypes and the Zendesk ones).
var DefaultSource = Source{
	Timeout:          Duration(30 * time.Second),
	HTTPClientConfig: promconfig.DefaultHTTPClientConfig,
	DefaultPriority:  ticket.P3,
	SLA:              SLANative,
	ResolutionMetric: "requester_wait_time",
	Escalation:       DefaultEscalation,
}

// DefaultEscalation marks tickets labelled or tagged "escalated", or in a status named Escalated.
var DefaultEscalation = Escalation{Labels: []string{"escalated"}, Statuses: []string{"Escalated"}}

// Default incident types per source type: Jira issue types, Zendesk ticket types.
var (
	DefaultJiraIncidentTypes    = []string{"Incident"}
	DefaultZendeskIncidentTypes = []string{"incident", "problem"}
)

// DefaultTier warns at 25% of the goal left and aims at 95% compliance; SLA clocks pause while
// waiting on the customer.
var DefaultTier = Tier{
	ComplianceTarget: 0.95,
	AtRisk:           Threshold{Fraction: 0.25},
	SLA:              SLAPolicy{PauseStates: []ticket.State{ticket.StateWaitingCustomer}},
}

// DefaultCalendar is in UTC; its hours must be given.
var DefaultCalendar = Calendar{Timezone: "UTC"}

// The defaults are shared values: every method below clones their slices and maps before decoding
// over them, because yaml.v3 merges into an existing map instead of replacing it.

// New returns a configuration holding every default, as a file that sets nothing would: the
// starting point of a configuration built in Go (the demo's). It shares nothing with DefaultConfig.
func New() *Config {
	c := DefaultConfig
	c.OfficialChannels = slices.Clone(DefaultConfig.OfficialChannels)
	c.Risk.Weights = maps.Clone(DefaultConfig.Risk.Weights)
	return &c
}

// NewSource returns a source of the given type holding every default of DefaultSource and of
// its type, as a file that sets only its name and type would.
func NewSource(name, typ string) Source {
	s := defaultSource()
	s.Name, s.Type = name, typ
	s.typeDefaults()
	return s
}

// defaultSource is DefaultSource sharing nothing with it.
func defaultSource() Source {
	s := DefaultSource
	s.Escalation = Escalation{
		Labels:   slices.Clone(DefaultSource.Escalation.Labels),
		Statuses: slices.Clone(DefaultSource.Escalation.Statuses),
	}
	return s
}

// NewTier returns a tier holding DefaultTier's values, sharing nothing with it.
func NewTier() Tier {
	t := DefaultTier
	t.SLA.PauseStates = slices.Clone(DefaultTier.SLA.PauseStates)
	return t
}

// UnmarshalYAML applies DefaultConfig, then the file.
func (c *Config) UnmarshalYAML(node *yaml.Node) error {
	*c = *New()
	type plain Config
	if err := node.Decode((*plain)(c)); err != nil {
		return err
	}
	// yaml.v3 does not call UnmarshalYAML for an empty value, so "silver:" with nothing under it
	// would be a zero tier; give it the defaults like "silver: {}".
	for i := 0; i+1 < len(node.Content); i += 2 {
		if node.Content[i].Value != "tiers" || node.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		tiers := node.Content[i+1].Content
		for j := 0; j+1 < len(tiers); j += 2 {
			if tiers[j+1].ShortTag() == "!!null" {
				c.Tiers[tiers[j].Value] = NewTier()
			}
		}
	}
	return nil
}

// UnmarshalYAML applies DefaultSource and the defaults of the source's type, then the file.
func (s *Source) UnmarshalYAML(node *yaml.Node) error {
	*s = defaultSource()
	type plain Source
	if err := node.Decode((*plain)(s)); err != nil {
		return err
	}
	s.typeDefaults()
	return nil
}

// typeDefaults fills what the source left empty with the defaults of its type.
func (s *Source) typeDefaults() {
	switch s.Type {
	case TypeJira:
		if s.PageSize == 0 {
			s.PageSize = DefaultJiraPageSize
		}
		if s.IncidentTypes == nil {
			s.IncidentTypes = slices.Clone(DefaultJiraIncidentTypes)
		}
	case TypeZendesk:
		if s.PageSize == 0 {
			s.PageSize = DefaultZendeskPageSize
		}
		if s.IncidentTypes == nil {
			s.IncidentTypes = slices.Clone(DefaultZendeskIncidentTypes)
		}
	}
	if len(s.CustomerFrom) == 0 {
		s.CustomerFrom = []MatchRule{{Kind: MatchOrganization}}
	}
}

// UnmarshalYAML applies DefaultTier, then the file.
func (t *Tier) UnmarshalYAML(node *yaml.Node) error {
	*t = NewTier()
	type plain Tier
	return node.Decode((*plain)(t))
}

// UnmarshalYAML applies DefaultCalendar, then the file.
func (c *Calendar) UnmarshalYAML(node *yaml.Node) error {
	*c = DefaultCalendar
	type plain Calendar
	return node.Decode((*plain)(c))
}

// UnmarshalYAML starts from DefaultRiskWeights: the file's weights replace the defaults factor by
// factor, so a config can tune one factor without restating the others.
func (r *Risk) UnmarshalYAML(node *yaml.Node) error {
	*r = Risk{Weights: maps.Clone(DefaultRiskWeights)}
	type plain Risk
	return node.Decode((*plain)(r))
}

// UnmarshalYAML reads a customer; its name defaults to its id.
func (c *Customer) UnmarshalYAML(node *yaml.Node) error {
	*c = Customer{}
	type plain Customer
	if err := node.Decode((*plain)(c)); err != nil {
		return err
	}
	if c.Name == "" {
		c.Name = c.ID
	}
	return nil
}
