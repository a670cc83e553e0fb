package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
)

// Endpoint names for source_requests_total: a bounded set, never a URL with ids.
const (
	endpointTickets       = "incremental_tickets"
	endpointMetricEvents  = "ticket_metric_events"
	endpointRatings       = "satisfaction_ratings"
	endpointOrganizations = "organizations"
	endpointShowMany      = "tickets_show_many"
	endpointUsers         = "users"
	endpointStatuses      = "custom_statuses"
	endpointSearchExport  = "search_export"
	endpointSurveys       = "survey_responses"
	endpointTicketEvents  = "incremental_ticket_events"
)

// Request classes with separate budgets. Zendesk limits the incremental export endpoints to 10
// requests a minute ("Rate limits" on
// https://developer.zendesk.com/api-reference/ticketing/ticket-management/incremental_exports/);
// every other endpoint shares the account-wide limit (200 a minute on the smallest plan, see
// https://developer.zendesk.com/api-reference/introduction/rate-limits/).
const (
	classIncremental = "incremental"
	classAccount     = "account"
)

// limits keep a normal poll (one export and one metric events request a minute) from ever
// waiting or meeting a 429, and cap a long sync below the documented limits in every 60-second
// window: incremental exports 1 + 60/6.5 = 10 a minute, other requests 10 + 60/0.6 = 110 a
// minute, about half of the smallest plan's 200 so other integrations keep their share. The
// ticket metric events endpoint is not among the incremental exports the 10 a minute limit
// names, so it takes the account budget; a 429 there would still be honoured.
var limits = map[string]vendorhttp.Limit{
	classIncremental: {Every: 6500 * time.Millisecond, Burst: 1},
	classAccount:     {Every: 600 * time.Millisecond, Burst: 10},
}

// client is the source's view of the shared HTTP layer (collector/source/vendorhttp): GETs by
// endpoint and pacing class.
type client struct{ *vendorhttp.Client }

// newClient builds the source's HTTP client: API token basic auth as "{email}/token" when an
// email is configured, else the token as an OAuth bearer token.
// Reference: https://developer.zendesk.com/api-reference/introduction/security-and-auth/
func newClient(cfg config.Source, deps source.Deps, limits map[string]vendorhttp.Limit) (client, error) {
	if !cfg.Auth.HasToken() {
		return client{}, fmt.Errorf("zendesk source %q: auth: no token_env or token_file configured", cfg.Name)
	}
	user := ""
	if cfg.Auth.Email != "" {
		user = cfg.Auth.Email + "/token"
	}
	c, err := vendorhttp.New(vendorhttp.Options{
		Vendor:     "zendesk",
		Source:     cfg.Name,
		URL:        cfg.URL,
		HTTP:       cfg.HTTPClientConfig,
		Credential: vendorhttp.Credential{BasicUser: user, Token: cfg.Auth},
		Timeout:    time.Duration(cfg.Timeout),
		Limits:     limits,
		AuthHint:   ": check auth.email and the API token that auth.token_env or auth.token_file names (no email: an OAuth token)",
	}, deps)
	return client{c}, err
}

// get fetches path?q into out. endpoint names the request in the stats; class picks its budget;
// vc, when not nil, learns Zendesk's clock from the answer.
func (c client) get(ctx context.Context, vc *vendorClock, endpoint, class, path string, q url.Values, out any) error {
	err := c.Do(ctx, vendorhttp.Request{Endpoint: endpoint, Class: class, Path: path, Query: q}, out)
	if date, ok := c.VendorNow(); ok {
		vc.observe(date)
	}
	return err
}

// refused reports an answer that refuses the request itself (400, 404, 422): a cursor or
// parameter Zendesk does not accept, which asking again the same way cannot fix.
func refused(err error) bool {
	var se *vendorhttp.StatusError
	return errors.As(err, &se) && (se.Code == http.StatusBadRequest || se.Code == http.StatusNotFound || se.Code == http.StatusUnprocessableEntity)
}

// nextQuery returns the query of a next-page URL the API handed back. Only the query is kept:
// the request goes to the configured base, so a rewritten host never receives the credentials.
func nextQuery(next *string) (url.Values, bool) {
	if next == nil || *next == "" {
		return nil, false
	}
	u, err := url.Parse(*next)
	if err != nil {
		return nil, false
	}
	return u.Query(), true
}
