// Package match maps tickets to customers. It runs at snapshot time, not at ingestion, so a
// config change re-maps every stored ticket without a re-sync.
package match

import (
	"strings"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// defaultRules apply to a source that lists no customer_from rules.
var defaultRules = []config.MatchRule{{Kind: config.MatchOrganization}}

// Matcher maps tickets to customer ids using each source's customer_from rules and the customers'
// match lists. It is immutable after New and safe for concurrent use.
type Matcher struct {
	rules map[string][]config.MatchRule // source name -> its rules, in order

	// Each index maps a folded match value to a customer id. Values are folded to lower case
	// once here, so a lookup folds only the ticket's side, on the stack.
	orgName   map[string]string // match.organization
	orgID     map[string]string // match.zendesk_organization_id
	project   map[string]string // match.project
	field     map[string]string // match.field
	label     map[string]string // match.label
	domain    map[string]string // match.email_domain
	customers map[string]string // the customer ids themselves
}

// New indexes the configuration's sources and customers. When two customers claim the same
// value (a config that failed validation), the first one listed keeps it.
func New(cfg *config.Config) *Matcher {
	m := &Matcher{
		rules:     make(map[string][]config.MatchRule, len(cfg.Sources)),
		orgName:   map[string]string{},
		orgID:     map[string]string{},
		project:   map[string]string{},
		field:     map[string]string{},
		label:     map[string]string{},
		domain:    map[string]string{},
		customers: make(map[string]string, len(cfg.Customers)),
	}
	for _, s := range cfg.Sources {
		if len(s.CustomerFrom) == 0 {
			m.rules[s.Name] = defaultRules
			continue
		}
		m.rules[s.Name] = append([]config.MatchRule(nil), s.CustomerFrom...)
	}
	for _, c := range cfg.Customers {
		add(m.customers, c.ID, c.ID)
		add(m.orgName, c.ID, c.Match.Organization...)
		add(m.orgID, c.ID, c.Match.ZendeskOrganizationID...)
		add(m.project, c.ID, c.Match.Project...)
		add(m.field, c.ID, c.Match.Field...)
		add(m.label, c.ID, c.Match.Label...)
		add(m.domain, c.ID, c.Match.EmailDomain...)
	}
	return m
}

// add indexes values for id; the first customer to claim a value keeps it.
func add(index map[string]string, id string, values ...string) {
	for _, v := range values {
		k := strings.ToLower(strings.TrimSpace(v))
		if _, taken := index[k]; !taken && k != "" {
			index[k] = id
		}
	}
}

// Customer returns the id of the customer t belongs to: the first of its source's rules that
// matches decides. It returns "" when no rule matches or the source is not configured; the
// snapshot counts such tickets as unmapped_customer. Matching ignores case.
func (m *Matcher) Customer(t *ticket.Ticket) string {
	return m.CustomerOf(t.Source, &t.Attributes)
}

// CustomerOf is Customer for a ticket of the source with the attributes a: all a rule reads.
func (m *Matcher) CustomerOf(source string, a *ticket.Attributes) string {
	for _, r := range m.rules[source] {
		if id := m.apply(r, a); id != "" {
			return id
		}
	}
	return ""
}

// apply evaluates one rule against a ticket's attributes.
func (m *Matcher) apply(r config.MatchRule, a *ticket.Attributes) string {
	switch r.Kind {
	case config.MatchOrganization:
		for _, o := range a.Organizations {
			if id := lookup(m.orgName, o.Name); id != "" {
				return id
			}
			if id := lookup(m.orgID, o.ID); id != "" {
				return id
			}
		}
	case config.MatchProject:
		return lookup(m.project, a.Project)
	case config.MatchField:
		v := a.Fields[r.Field]
		if id := lookup(m.field, v); id != "" {
			return id
		}
		return lookup(m.customers, v)
	case config.MatchLabelPrefix:
		for _, l := range a.Labels {
			if len(l) <= len(r.Prefix) || !strings.EqualFold(l[:len(r.Prefix)], r.Prefix) {
				continue
			}
			rest := l[len(r.Prefix):]
			if id := lookup(m.customers, rest); id != "" {
				return id
			}
			if id := lookup(m.label, rest); id != "" {
				return id
			}
		}
	case config.MatchLabel:
		for _, l := range a.Labels {
			if id := lookup(m.label, l); id != "" {
				return id
			}
		}
	case config.MatchReporterDomain:
		return lookup(m.domain, a.ReporterDomain)
	}
	return ""
}

// lookup finds s in an index of lower-cased keys, ignoring case. Short ASCII values, nearly all
// of them, are folded into a stack buffer: the compiler turns the map index of string(bytes) into
// a lookup without a copy, so matching allocates nothing.
func lookup(index map[string]string, s string) string {
	if s == "" {
		return ""
	}
	if id, ok := index[s]; ok {
		return id
	}
	var buf [128]byte
	if len(s) > len(buf) {
		return index[strings.ToLower(s)]
	}
	b := buf[:len(s)]
	for i := range len(s) {
		c := s[i]
		switch {
		case c >= 0x80:
			return index[strings.ToLower(s)]
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return index[string(b)]
}
