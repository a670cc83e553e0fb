package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/match"
	"github.com/custops/custops/collector/source"
)

// discoverOptions are the flags of `custops customers discover`.
type discoverOptions struct {
	file    string
	timeout time.Duration
	probers map[string]source.Prober
}

// runDiscover reads each desk's organizations (JSM organizations, Zendesk organizations with their
// domains and owner field, the Jira projects when a customer_from rule reads them) through the
// sources' own clients, as check --connect does, groups them into customers across desks by name
// and email domain (match.Discover) and prints the customers YAML to merge into the config. It
// never writes the config. Exit codes as check's: 1 the config is invalid, 3 a token is missing,
// 4 a desk cannot be asked.
func runDiscover(o discoverOptions, stdout, stderr io.Writer) int {
	cfg, err := config.Load(o.file)
	if err != nil {
		fmt.Fprintf(stderr, "%s is invalid:\n%v\n", o.file, err)
		return exitInvalid
	}
	if err := cfg.CheckCredentials(); err != nil {
		fmt.Fprintf(stderr, "%s: token(s) missing or unreadable:\n%v\n", o.file, err)
		return exitCredentials
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	var desks []match.DeskOrganizations
	for _, sc := range cfg.Sources {
		probe, ok := o.probers[sc.Type]
		if !ok {
			continue
		}
		// List the organizations whatever the customer_from rules read: discovering them is
		// the point.
		ask := sc
		if !source.UsesOrganizations(ask) {
			ask.CustomerFrom = append(slices.Clone(ask.CustomerFrom), config.MatchRule{Kind: config.MatchOrganization})
		}
		p, err := probe(ctx, ask, source.Deps{Logger: slog.New(slog.DiscardHandler), Stats: source.NewStats(), Now: time.Now, Sleep: source.Sleep})
		if err != nil {
			fmt.Fprintf(stderr, "desk %s cannot be asked: %v\n", sc.Name, err)
			return exitUnreachable
		}
		if p.OrganizationsCut {
			fmt.Fprintf(stderr, "desk %s has more than %d organizations: only the first are discovered\n", sc.Name, len(p.Organizations))
		}
		desks = append(desks, match.DeskOrganizations{Source: sc.Name, Type: sc.Type, Orgs: p.Organizations, Domains: p.Domains, Owners: p.Owners, Projects: p.Projects})
	}
	tier := ""
	if tiers := slices.Sorted(maps.Keys(cfg.Tiers)); len(tiers) > 0 {
		tier = tiers[0]
	}
	proposals := match.Discover(cfg, desks, tier)
	out, err := discoveredYAML(o.file, desks, proposals, tier)
	if err != nil {
		fmt.Fprintf(stderr, "custops: %v\n", err)
		return exitInvalid
	}
	_, _ = stdout.Write(out)
	return exitOK
}

// discovered is a proposal as the config writes a customer, without the keys it leaves unset.
type discovered struct {
	ID    string          `yaml:"id"`
	Name  string          `yaml:"name"`
	Tier  string          `yaml:"tier"`
	Owner string          `yaml:"owner,omitempty"`
	Match discoveredMatch `yaml:"match"`
}

type discoveredMatch struct {
	Organization          []string `yaml:"organization,omitempty,flow"`
	ZendeskOrganizationID []string `yaml:"zendesk_organization_id,omitempty,flow"`
	Project               []string `yaml:"project,omitempty,flow"`
	EmailDomain           []string `yaml:"email_domain,omitempty,flow"`
}

// discoveredYAML writes the proposals as a customers list, each with a comment naming the
// organizations it was found from.
func discoveredYAML(file string, desks []match.DeskOrganizations, ps []Proposal, tier string) ([]byte, error) {
	var names []string
	orgs := 0
	for _, d := range desks {
		names = append(names, d.Source)
		orgs += len(d.Orgs)
	}
	list := &yaml.Node{Kind: yaml.SequenceNode}
	for _, p := range ps {
		c := p.Customer
		var n yaml.Node
		if err := n.Encode(discovered{ID: c.ID, Name: c.Name, Tier: c.Tier, Owner: c.Owner, Match: discoveredMatch{
			Organization: c.Match.Organization, ZendeskOrganizationID: c.Match.ZendeskOrganizationID,
			Project: c.Match.Project, EmailDomain: c.Match.EmailDomain}}); err != nil {
			return nil, err
		}
		n.HeadComment = "found as " + strings.Join(p.Seen, "; ")
		list.Content = append(list.Content, &n)
	}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: "customers"}, list}}
	doc.HeadComment = fmt.Sprintf("custops customers discover --config.file=%s\n"+
		"%d organization(s) on %s; %d new customer(s), matched across desks by name (case, punctuation\n"+
		"and company forms aside) and email domain. Organizations that already map to a customer are left out.\n"+
		"Merge the entries you keep into customers: in %s; tier is %q for every entry: set each.",
		file, orgs, strings.Join(names, ", "), len(ps), file, tier)
	if len(ps) == 0 {
		list.Style = yaml.FlowStyle
	}
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return []byte(b.String()), enc.Close()
}

// Proposal is match.Proposal, named here for discoveredYAML's signature.
type Proposal = match.Proposal
