package source

import (
	"context"
	"fmt"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/ticket"
)

// MaxProbeOrganizations bounds the organizations a probe lists: a desk with more is compared on
// the first ones only, and the probe says so.
const MaxProbeOrganizations = 1000

// Probe is what `custops check --connect` learnt of one desk with a few cheap calls through the
// source's own client: no ticket is read and nothing is written.
type Probe struct {
	Facts []Fact // what the desk said, in the order asked
	// Findings are what needs attention although the desk answered: a field the config relies
	// on that the site does not have, a feature the plan or the token's role does not allow.
	Findings []string
	// Organizations are the desk's organizations (at most MaxProbeOrganizations), for matching
	// against the customers; nil when the probe did not list them (no organization rule).
	Organizations []ticket.Organization
	// OrganizationsCut: the desk has more organizations than listed.
	OrganizationsCut bool
	// Domains are the email domains of the organizations that have them (Zendesk's
	// domain_names), by organization id; Owners their owner field (the source's owner_field),
	// for `custops customers discover`.
	Domains map[string][]string
	Owners  map[string]string
	// Projects are the Jira projects (ID the key), listed when a customer_from rule reads them.
	Projects []ticket.Organization
}

// Fact is one thing a desk said: "version", "Jira Cloud 1001.0.0".
type Fact struct{ Name, Value string }

// Fact records what the desk said.
func (p *Probe) Fact(name, format string, args ...any) {
	p.Facts = append(p.Facts, Fact{Name: name, Value: fmt.Sprintf(format, args...)})
}

// Find records something that needs attention.
func (p *Probe) Find(format string, args ...any) {
	p.Findings = append(p.Findings, fmt.Sprintf(format, args...))
}

// Prober probes one desk. An error means the desk could not be asked at all: not reached, the
// token refused, or no such API at the URL; it says which.
type Prober func(ctx context.Context, cfg config.Source, deps Deps) (*Probe, error)

// UsesProjects reports whether the source's customer_from rules read the Jira project.
func UsesProjects(cfg config.Source) bool {
	for _, r := range cfg.CustomerFrom {
		if r.Kind == config.MatchProject {
			return true
		}
	}
	return false
}

// UsesOrganizations reports whether the source's customer_from rules read organizations, so
// the probe should list them.
func UsesOrganizations(cfg config.Source) bool {
	if len(cfg.CustomerFrom) == 0 {
		return true // the default rule is organization
	}
	for _, r := range cfg.CustomerFrom {
		if r.Kind == config.MatchOrganization {
			return true
		}
	}
	return false
}
