package jira

import (
	"encoding/json"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
)

// Requests go through the shared vendor HTTP layer (collector/source/vendorhttp) with plain
// net/http, not through go-jira's client: the layer owns retries, pacing, redirects and errors
// for both vendors, and go-jira's Do would add a second error handling around it. go-jira's
// IssueService.SearchV2JQL is not used for the search either: it calls /rest/api/2/search/jql
// rather than the v3 endpoint, and its Issue has no "properties", which carry the JSM request
// channel. Its Field and User types decode the field list and /myself (discover.go).

// pace caps the source's own request rate. Atlassian publishes no number for API-token traffic
// (burst limits per tenant and endpoint, https://developer.atlassian.com/cloud/jira/platform/rate-limiting/);
// its developers advised at most 10 concurrent requests from a backend
// (https://community.developer.atlassian.com/t/are-there-rate-limits-for-jira-cloud-apis/4317).
// A poll sends one request at a time, so this only bounds a runaway paging loop.
var pace = vendorhttp.Limit{Every: 100 * time.Millisecond, Burst: 10}

// newClient builds the source's HTTP client. Jira Cloud takes the account email and an API
// token as basic auth; Data Center a personal access token as a bearer token (no email).
func newClient(cfg config.Source, deps source.Deps) (*vendorhttp.Client, error) {
	user := ""
	if cfg.Auth.HasToken() {
		user = cfg.Auth.Email
	}
	return vendorhttp.New(vendorhttp.Options{
		Vendor:     "jira",
		Source:     cfg.Name,
		URL:        cfg.URL,
		HTTP:       cfg.HTTPClientConfig,
		Credential: vendorhttp.Credential{BasicUser: user, Token: cfg.Auth},
		Timeout:    time.Duration(cfg.Timeout),
		Limits:     map[string]vendorhttp.Limit{"": pace},
		AuthHint: ": check auth.email and the token that auth.token_env or auth.token_file names " +
			"(Cloud: email + API token; Data Center: a personal access token)",
	}, deps)
}

// errorMessages reads Jira's error collection ({"errorMessages": [...], "errors": {...}}) from
// an answer the layer did not take.
func errorMessages(se *vendorhttp.StatusError) []string {
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if err := json.Unmarshal(se.Body, &e); err != nil {
		return nil
	}
	msgs := e.ErrorMessages
	for k, v := range e.Errors {
		msgs = append(msgs, k+": "+v)
	}
	return msgs
}
