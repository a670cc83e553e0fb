package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
)

// planLimits names the Zendesk plans by the account-wide rate limit they come with
// (https://developer.zendesk.com/api-reference/introduction/rate-limits/: Team 200 requests a
// minute, Growth and Professional 400, Enterprise 700, Enterprise Plus or the High Volume API
// add-on 2500).
var planLimits = map[int]string{
	200:  "Team",
	400:  "Growth or Professional",
	700:  "Enterprise",
	2500: "Enterprise Plus, or the High Volume API add-on",
}

// Probe asks a Zendesk account, through the source's own client and pacing, what `custops check
// --connect` reports: the signed-in user and role (GET /api/v2/users/me, whose X-Rate-Limit
// header is the plan's request rate), the number of tickets (GET /api/v2/tickets/count), whether
// the incremental export the polls use is allowed (one page of GET
// /api/v2/incremental/tickets/cursor from an hour ago; admins only), the SLA policies (GET
// /api/v2/slas/policies), whether satisfaction ratings can be read (GET
// /api/v2/satisfaction_ratings, one rating) and, when a customer_from rule reads organizations,
// the organizations (GET /api/v2/organizations, cursor pagination).
// References: https://developer.zendesk.com/api-reference/ (users, tickets, incremental exports,
// SLA policies, satisfaction ratings, organizations).
func Probe(ctx context.Context, cfg config.Source, deps source.Deps) (*source.Probe, error) {
	if deps.Now == nil {
		deps.Now = time.Now
	}
	c, err := newClient(cfg, deps, limits)
	if err != nil {
		return nil, err
	}
	p := &source.Probe{}

	var me struct {
		User struct {
			ID   *int64 `json:"id"`
			Name string `json:"name"`
			Role string `json:"role"`
		} `json:"user"`
	}
	var h http.Header
	err = c.Do(ctx, vendorhttp.Request{Endpoint: "users_me", Class: classAccount, Path: "/api/v2/users/me.json", Header: &h}, &me)
	var se *vendorhttp.StatusError
	switch {
	case errors.As(err, &se) && se.Code == 404:
		return nil, fmt.Errorf("no Zendesk API at %s: GET /api/v2/users/me.json answered 404; url must be the account's base URL, like https://example.zendesk.com", cfg.URL)
	case errors.Is(err, vendorhttp.ErrMalformed):
		return nil, fmt.Errorf("%s does not answer like Zendesk (users/me is not Zendesk's JSON): is url the Zendesk account? %w", cfg.URL, err)
	case err != nil:
		return nil, err
	case me.User.ID == nil:
		// Zendesk answers an unauthenticated users/me with the anonymous user, not a 401.
		return nil, fmt.Errorf("zendesk source %q: the account answered as the anonymous user: %w: check auth.email and the API token", cfg.Name, vendorhttp.ErrUnauthorized)
	}
	p.Fact("signed in as", "%s (role %s)", me.User.Name, me.User.Role)
	if me.User.Role != "admin" {
		p.Find("the token's user is an %s: Zendesk allows the incremental exports the polls use to admins only", orNone(me.User.Role))
	}
	if n, err := strconv.Atoi(h.Get("X-Rate-Limit")); err == nil {
		plan := planLimits[n]
		if plan == "" {
			plan = "a plan of its own"
		}
		p.Fact("rate limit", "%d requests a minute (X-Rate-Limit: %s)", n, plan)
	} else {
		p.Fact("rate limit", "not said (no X-Rate-Limit header)")
	}

	var count struct {
		Count struct {
			Value int `json:"value"`
		} `json:"count"`
	}
	if err := probeGet(ctx, c, "tickets_count", classAccount, "/api/v2/tickets/count.json", nil, &count); err != nil {
		return nil, err
	}
	p.Fact("tickets", "%d (Zendesk's count, refreshed by Zendesk every few minutes)", count.Count.Value)

	from := strconv.FormatInt(deps.Now().Add(-time.Hour).Unix(), 10)
	var export struct{}
	err = probeGet(ctx, c, endpointTickets, classIncremental, "/api/v2/incremental/tickets/cursor.json", url.Values{"start_time": {from}, "per_page": {"1"}}, &export)
	switch {
	case errors.Is(err, vendorhttp.ErrUnauthorized):
		p.Fact("incremental export", "refused (%v)", cause(err))
		p.Find("the incremental export is refused: the polls cannot read tickets; the token's user must be an admin")
	case err != nil:
		return nil, err
	default:
		p.Fact("incremental export", "allowed")
	}

	var policies struct {
		Policies []struct {
			Title string `json:"title"`
		} `json:"sla_policies"`
	}
	err = probeGet(ctx, c, "sla_policies", classAccount, "/api/v2/slas/policies.json", nil, &policies)
	switch {
	case errors.Is(err, vendorhttp.ErrUnauthorized) || errors.As(err, &se) && se.Code == 404:
		p.Fact("SLA policies", "not available (%v)", cause(err))
		if cfg.SLA == config.SLANative {
			p.Find("SLA policies cannot be read (a plan without SLAs, or the role): sla: native reads no clock; use sla: computed or both")
		}
	case err != nil:
		return nil, err
	default:
		titles := make([]string, len(policies.Policies))
		for i, pol := range policies.Policies {
			titles[i] = pol.Title
		}
		p.Fact("SLA policies", "%d %v", len(titles), titles)
		if len(titles) == 0 && cfg.SLA == config.SLANative {
			p.Find("no SLA policy: sla: native reads no clock; use sla: computed or both")
		}
	}

	var ratings struct{}
	err = probeGet(ctx, c, endpointRatings, classAccount, "/api/v2/satisfaction_ratings.json", url.Values{"page[size]": {"1"}}, &ratings)
	switch {
	case errors.Is(err, vendorhttp.ErrUnauthorized) || errors.As(err, &se) && se.Code == 404:
		p.Fact("satisfaction ratings", "not available (%v): no CSAT", cause(err))
	case err != nil:
		return nil, err
	default:
		p.Fact("satisfaction ratings", "readable")
	}

	if source.UsesOrganizations(cfg) {
		if err := probeOrganizations(ctx, c, p, cfg.OwnerField); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// probeOrganizations lists the organizations, at most source.MaxProbeOrganizations, by cursor
// pagination (page[size] up to 100, meta.has_more, meta.after_cursor).
func probeOrganizations(ctx context.Context, c client, p *source.Probe, ownerField string) error {
	p.Organizations = []ticket.Organization{}
	q := url.Values{"page[size]": {"100"}}
	for {
		var page struct {
			Organizations []apiOrganizationProbe `json:"organizations"`
			Meta          struct {
				HasMore     bool   `json:"has_more"`
				AfterCursor string `json:"after_cursor"`
			} `json:"meta"`
		}
		if err := probeGet(ctx, c, endpointOrganizations, classAccount, "/api/v2/organizations.json", q, &page); err != nil {
			return err
		}
		for _, o := range page.Organizations {
			id := strconv.FormatInt(o.ID, 10)
			p.Organizations = append(p.Organizations, ticket.Organization{ID: id, Name: o.Name})
			if len(o.DomainNames) > 0 {
				if p.Domains == nil {
					p.Domains = map[string][]string{}
				}
				p.Domains[id] = o.DomainNames
			}
			if v := fieldValue(o.OrganizationFields[ownerField]); ownerField != "" && v != "" {
				if p.Owners == nil {
					p.Owners = map[string]string{}
				}
				p.Owners[id] = v
			}
		}
		if len(p.Organizations) >= source.MaxProbeOrganizations {
			p.OrganizationsCut = page.Meta.HasMore || len(p.Organizations) > source.MaxProbeOrganizations
			p.Organizations = p.Organizations[:source.MaxProbeOrganizations]
			break
		}
		if !page.Meta.HasMore || page.Meta.AfterCursor == "" {
			break
		}
		q = url.Values{"page[size]": {"100"}, "page[after]": {page.Meta.AfterCursor}}
	}
	p.Fact("organizations", "%d", len(p.Organizations))
	return nil
}

// apiOrganizationProbe is an organization as the list returns it, with what discover reads:
// "domain_names: An array of domain names associated with this organization" and
// "organization_fields: Custom fields for this organization"
// (https://developer.zendesk.com/api-reference/ticketing/organizations/organizations/).
type apiOrganizationProbe struct {
	ID                 int64                      `json:"id"`
	Name               string                     `json:"name"`
	DomainNames        []string                   `json:"domain_names"`
	OrganizationFields map[string]json.RawMessage `json:"organization_fields"`
}

// cause is the vendor's answer inside a client error, without the source and URL around it.
func cause(err error) string {
	var se *vendorhttp.StatusError
	if errors.As(err, &se) {
		return strconv.Itoa(se.Code) + " " + http.StatusText(se.Code)
	}
	if errors.Is(err, vendorhttp.ErrUnauthorized) {
		return "401/403"
	}
	return err.Error()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// probeGet fetches path?q into out; endpoint names it in the stats, class picks its budget.
func probeGet(ctx context.Context, c client, endpoint, class, path string, q url.Values, out any) error {
	return c.Do(ctx, vendorhttp.Request{Endpoint: endpoint, Class: class, Path: path, Query: q}, out)
}
