package jira

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
)

// organizationPage is how many JSM organizations one request lists: the servicedeskapi's
// default and usual maximum is 50.
const organizationPage = 50

// Probe asks a Jira site, through the source's own client, what `custops check --connect`
// reports: the flavor and version (GET /rest/api/2/serverInfo), the signed-in user (GET
// /rest/api/2/myself), how many issues the JQL matches (Cloud: POST
// /rest/api/3/search/approximate-count, which needs a bounded JQL; Data Center: GET
// /rest/api/2/search with maxResults=0, whose total counts them), the JSM fields by schema type
// (GET /rest/api/2/field, the discovery the polls use) and, when a customer_from rule reads
// organizations, the JSM organizations (GET /rest/servicedeskapi/organization, paged by
// start and limit, isLastPage).
// References: https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/
// and https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-organization/.
func Probe(ctx context.Context, cfg config.Source, deps source.Deps) (*source.Probe, error) {
	c, err := newClient(cfg, deps)
	if err != nil {
		return nil, err
	}
	p := &source.Probe{}

	var info struct {
		DeploymentType string `json:"deploymentType"`
		Version        string `json:"version"`
		ServerTitle    string `json:"serverTitle"`
	}
	if err := c.Get(ctx, "serverInfo", "/rest/api/2/serverInfo", nil, &info); err != nil {
		return nil, notJira(cfg, err)
	}
	flavor := flavorDataCenter
	if strings.EqualFold(info.DeploymentType, "Cloud") {
		flavor = flavorCloud
	}
	name := map[string]string{flavorCloud: "Jira Cloud", flavorDataCenter: "Jira Data Center"}[flavor]
	p.Fact("flavor", "%s %s (deploymentType %s)", name, info.Version, info.DeploymentType)
	if cfg.Flavor != "" && cfg.Flavor != flavor {
		p.Find("flavor: the config says %s, the site says %s; drop the key to detect it", cfg.Flavor, flavor)
	}

	var me jira.User
	if err := c.Get(ctx, "myself", "/rest/api/2/myself", nil, &me); err != nil {
		return nil, err
	}
	p.Fact("signed in as", "%s (time zone %s)", me.DisplayName, orNone(me.TimeZone))

	n, err := countIssues(ctx, c, flavor, cfg.JQL)
	if err != nil {
		return nil, err
	}
	jql := cfg.JQL
	if jql == "" {
		jql = "every issue the token can see"
	}
	p.Fact("issues", "%d match the JQL (%s)", n, jql)

	var list []jira.Field
	if err := c.Get(ctx, "field", "/rest/api/2/field", nil, &list); err != nil {
		return nil, err
	}
	probeFields(p, cfg, list)

	if source.UsesOrganizations(cfg) {
		if err := probeOrganizations(ctx, c, p); err != nil {
			return nil, err
		}
	}
	if source.UsesProjects(cfg) {
		if err := probeProjects(ctx, c, p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// probeProjects lists the projects the token can see (GET /rest/api/2/project: every project
// with its key and name, on both flavors;
// https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-projects/#api-rest-api-2-project-get,
// https://docs.atlassian.com/software/jira/docs/api/REST/latest/#api/2/project-getAllProjects),
// at most source.MaxProbeOrganizations.
func probeProjects(ctx context.Context, c *vendorhttp.Client, p *source.Probe) error {
	var list []struct {
		Key  string `json:"key"`
		Name string `json:"name"`
	}
	if err := c.Get(ctx, "project", "/rest/api/2/project", nil, &list); err != nil {
		return err
	}
	p.Projects = []ticket.Organization{}
	for _, pr := range list[:min(len(list), source.MaxProbeOrganizations)] {
		p.Projects = append(p.Projects, ticket.Organization{ID: pr.Key, Name: pr.Name})
	}
	p.Fact("projects", "%d", len(p.Projects))
	return nil
}

// notJira explains a serverInfo that failed: no Jira REST API at the URL, or not reached.
func notJira(cfg config.Source, err error) error {
	var se *vendorhttp.StatusError
	switch {
	case errors.As(err, &se) && se.Code == 404:
		return fmt.Errorf("no Jira REST API at %s: GET /rest/api/2/serverInfo answered 404; url must be the site's base URL (Data Center: with its context path, like https://jira.example.com/jira)", cfg.URL)
	case errors.Is(err, vendorhttp.ErrMalformed):
		return fmt.Errorf("%s does not answer like Jira (serverInfo is not Jira's JSON): is url the Jira site? %w", cfg.URL, err)
	}
	return err
}

// countIssues counts the issues the JQL matches with one request. Cloud refuses an unbounded
// JQL on its search endpoints, so an empty filter is bounded by updated, as the polls bound it.
func countIssues(ctx context.Context, c *vendorhttp.Client, flavor, filter string) (int, error) {
	jql := strings.TrimSpace(filter)
	if jql == "" {
		jql = `updated >= "1970-01-01 00:00"`
	}
	if flavor == flavorCloud {
		var out struct {
			Count int `json:"count"`
		}
		err := c.Do(ctx, vendorhttp.Request{Method: "POST", Endpoint: "count", Path: "/rest/api/3/search/approximate-count",
			Body: map[string]string{"jql": jql}}, &out)
		return out.Count, jqlError(err)
	}
	var out struct {
		Total int `json:"total"`
	}
	err := c.Get(ctx, "search", "/rest/api/2/search", url.Values{"jql": {jql}, "maxResults": {"0"}, "fields": {"key"}}, &out)
	return out.Total, jqlError(err)
}

// jqlError turns Jira's 400 for a JQL it refuses into its own error messages.
func jqlError(err error) error {
	var se *vendorhttp.StatusError
	if errors.As(err, &se) && se.Code == 400 {
		if msgs := errorMessages(se); len(msgs) > 0 {
			return fmt.Errorf("the jql is refused: %s", strings.Join(msgs, "; "))
		}
	}
	return err
}

// probeFields reports the JSM fields the polls would use, and what the config relies on that
// the site lacks.
func probeFields(p *source.Probe, cfg config.Source, list []jira.Field) {
	f := discoverFields(slices.Clone(list), cfg.Fields)
	names := map[string]string{}
	for _, fl := range list {
		names[fl.ID] = fl.Name
	}
	named := func(ids ...string) string {
		out := make([]string, 0, len(ids))
		for _, id := range ids {
			if n, ok := names[id]; ok {
				out = append(out, n+" ("+id+")")
			} else {
				out = append(out, id)
			}
		}
		return orNone(strings.Join(out, ", "))
	}
	p.Fact("SLA fields", "%s", named(f.sla...))
	p.Fact("organizations field", "%s", named(nonEmpty(f.orgs)...))
	p.Fact("satisfaction field", "%s", named(nonEmpty(f.satisfaction)...))
	if len(f.sla) == 0 && cfg.SLA != config.SLAComputed {
		p.Find("no JSM SLA field on the site (schema %s): sla: %s reads no clock; use sla: computed, or give the token's user access to the service desk projects", customSLA, cfg.SLA)
	}
	if f.orgs == "" && source.UsesOrganizations(cfg) {
		p.Find("no JSM organizations field on the site (schema %s): the organization rule of customer_from matches nothing", customOrganizations)
	}
	for _, e := range []struct {
		key string
		ids []string
	}{{"fields.sla", cfg.Fields.SLA}, {"fields.organizations", nonEmpty(cfg.Fields.Organizations)},
		{"fields.satisfaction", nonEmpty(cfg.Fields.Satisfaction)}, {"fields.request_type", nonEmpty(cfg.Fields.RequestType)}} {
		for _, id := range e.ids {
			if _, ok := names[id]; !ok {
				p.Find("%s: %s is not a field of the site", e.key, id)
			}
		}
	}
}

// probeOrganizations lists the JSM organizations, at most source.MaxProbeOrganizations.
func probeOrganizations(ctx context.Context, c *vendorhttp.Client, p *source.Probe) error {
	p.Organizations = []ticket.Organization{}
	for start := 0; ; start += organizationPage {
		var page struct {
			IsLastPage bool `json:"isLastPage"`
			Values     []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"values"`
		}
		q := url.Values{"start": {strconv.Itoa(start)}, "limit": {strconv.Itoa(organizationPage)}}
		err := c.Get(ctx, "organization", "/rest/servicedeskapi/organization", q, &page)
		var se *vendorhttp.StatusError
		if errors.As(err, &se) && se.Code == 404 {
			p.Organizations = nil
			p.Find("no JSM organizations API (GET /rest/servicedeskapi/organization answered 404): is Jira Service Management installed? The organization rule of customer_from matches nothing")
			return nil
		}
		if err != nil {
			return err
		}
		for _, o := range page.Values {
			p.Organizations = append(p.Organizations, ticket.Organization{ID: o.ID, Name: o.Name})
		}
		if len(p.Organizations) >= source.MaxProbeOrganizations {
			p.Organizations, p.OrganizationsCut = p.Organizations[:source.MaxProbeOrganizations], !page.IsLastPage || len(p.Organizations) > source.MaxProbeOrganizations
			break
		}
		if page.IsLastPage || len(page.Values) == 0 {
			break
		}
	}
	p.Fact("organizations", "%d", len(p.Organizations))
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
