package config

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	promconfig "github.com/prometheus/common/config"

	"github.com/custops/custops/collector/catalog"
	"github.com/custops/custops/collector/ticket"
)

// Describe writes what the configuration means, as `custops check` prints it: sources, customers,
// each tier's SLA targets, calendars and risk weights, in aligned plain text. Credentials are
// described by where they come from, never by value.
func (c *Config) Describe(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format, args...) }

	p("Global\n")
	p("  poll interval\t%s\n", c.PollInterval)
	p("  reconcile interval\t%s\n", c.ReconcileInterval)
	p("  retention\t%s (resolved tickets quiet this long leave the store)\n", c.Retention)
	p("  state dir\t%s\n", c.StateDir)
	p("  official channels\t%s\n", join(c.OfficialChannels))

	for _, s := range c.Sources {
		url, auth := s.URL, s.Auth.Describe()
		rules := make([]string, len(s.CustomerFrom))
		for i, r := range s.CustomerFrom {
			rules[i] = r.String()
		}
		p("\nSource %s\n", s.Name)
		p("  type\t%s\n", s.typeName())
		p("  url\t%s\n", orDash(url))
		p("  poll interval\t%s\n", Duration(c.PollIntervalOf(s)))
		p("  auth\t%s\n", auth)
		if h := describeHTTP(s.HTTPClientConfig); h != "" {
			p("  http\t%s\n", h)
		}
		if s.JQL != "" {
			p("  jql\t%s\n", s.JQL)
		}
		p("  customer from\t%s\n", strings.Join(rules, ", "))
		p("  sla\t%s\n", s.SLA)
	}

	p("\nCustomers\n")
	p("  ID\tNAME\tTIER\tCSM\tOWNER\tMATCH\n")
	for _, cu := range c.Customers {
		p("  %s\t%s\t%s\t%s\t%s\t%s\n", cu.ID, cu.Name, cu.Tier, orDash(cu.CSM), orDash(cu.Owner), orDash(cu.Match.describe()))
	}

	for _, name := range sortedKeys(c.Tiers) {
		t := c.Tiers[name]
		pol := Policy{ComplianceTarget: t.ComplianceTarget, AtRisk: t.AtRisk, SLA: mergeSLA(t.SLA, nil)}
		p("\nTier %s\n", name)
		describePolicy(p, pol)
	}
	for _, cu := range c.Customers {
		if cu.SLA != nil || cu.ComplianceTarget != nil {
			p("\nCustomer %s (tier %s with overrides)\n", cu.ID, cu.Tier)
			describePolicy(p, c.Policy(cu.ID))
		}
	}

	p("\nCalendars\n")
	p("  NAME\tTIME ZONE\tHOURS\tHOLIDAYS\n")
	p("  %s\t-\talways\t-\n", Calendar24x7)
	for _, name := range sortedKeys(c.Calendars) {
		cal := c.Calendars[name]
		hours := make([]string, 0, len(cal.Hours))
		for _, days := range sortedKeys(cal.Hours) {
			hours = append(hours, days+" "+cal.Hours[days])
		}
		p("  %s\t%s\t%s\t%s\n", name, cal.Timezone, strings.Join(hours, "; "), orDash(strings.Join(cal.Holidays, ", ")))
	}

	p("\nRisk weights\n")
	total := 0.0
	for _, f := range catalog.Factors {
		p("  %s\t%g\n", f, c.Risk.Weights[f])
		total += c.Risk.Weights[f]
	}
	p("  total\t%g\n", total)
	c.describeReport(p)
	c.describeSeverities(p)
	c.describeTeams(p)
	return tw.Flush()
}

// describePolicy writes a contract: targets, then a priority x SLA table of goals.
func describePolicy(p func(string, ...any), pol Policy) {
	p("  compliance target\t%g%%\n", pol.ComplianceTarget*100)
	p("  at risk\t%s left\n", pol.AtRisk)
	p("  calendar\t%s\n", pol.SLA.Calendar)
	p("  pause states\t%s\n", orDash(join(pol.SLA.PauseStates)))
	names := pol.SLANames()
	if len(names) == 0 {
		p("  goals\tnone\n")
		return
	}
	p("  PRIORITY\t%s\n", strings.ToUpper(strings.Join(names, "\t")))
	for _, prio := range ticket.Priorities {
		row := make([]string, len(names))
		for i, n := range names {
			row[i] = "-"
			if g, ok := pol.Goal(prio, n); ok {
				row[i] = Duration(g).String()
			}
		}
		p("  %s\t%s\n", prio, strings.Join(row, "\t"))
	}
}

// describe lists a customer's match values: "organization=Northwind, project=NW".
func (m Match) describe() string {
	var parts []string
	add := func(key string, vals []string) {
		if len(vals) > 0 {
			parts = append(parts, key+"="+strings.Join(vals, "|"))
		}
	}
	add("organization", m.Organization)
	add("zendesk_organization_id", m.ZendeskOrganizationID)
	add("project", m.Project)
	add("field", m.Field)
	add("label", m.Label)
	add("email_domain", m.EmailDomain)
	return strings.Join(parts, ", ")
}

// typeName is the type with the Jira flavor when known: "jira (cloud)".
func (s Source) typeName() string {
	if s.Type == TypeJira && s.Flavor != "" {
		return s.Type + " (" + s.Flavor + ")"
	}
	return s.Type
}

func join[S ~string](vals []S) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = string(v)
	}
	return strings.Join(slices.Clip(s), ", ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// describeHTTP lists what a source's http_client_config changes from the defaults.
func describeHTTP(h promconfig.HTTPClientConfig) string {
	var out []string
	add := func(cond bool, s string) {
		if cond {
			out = append(out, s)
		}
	}
	tls := h.TLSConfig
	add(tls.CAFile != "", "ca_file "+tls.CAFile)
	add(tls.CA != "", "ca inline")
	add(tls.CertFile != "", "cert_file "+tls.CertFile)
	add(tls.KeyFile != "", "key_file "+tls.KeyFile)
	add(tls.ServerName != "", "server_name "+tls.ServerName)
	add(tls.InsecureSkipVerify, "insecure_skip_verify")
	add(h.ProxyURL.URL != nil, "proxy_url "+h.ProxyURL.Redacted())
	add(h.NoProxy != "", "no_proxy "+h.NoProxy)
	add(h.ProxyFromEnvironment, "proxy_from_environment")
	add(!h.FollowRedirects, "no redirects")
	add(!h.EnableHTTP2, "no HTTP/2")
	return strings.Join(out, ", ")
}
