package jira

import (
	"net/http"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/config"
)

// readToken reads the credential the auth block references (config.Auth.Token: token_env,
// token_file, or a token given in memory). No reference at all means anonymous access, as to a
// public Jira. Errors name the variable or the file, never the value.
func readToken(a config.Auth) (config.Secret, error) {
	if a.TokenEnv == "" && a.TokenFile == "" && a.Secret == "" {
		return "", nil
	}
	return a.Token()
}

// authTransport wraps base with the credential: Jira Cloud takes the account email and an API
// token as basic auth, Data Center a personal access token as a bearer token. go-jira's
// transports set the header on a clone of each request, so the secret never reaches a URL, an
// error or a log line.
func authTransport(a config.Auth, token config.Secret, base http.RoundTripper) http.RoundTripper {
	switch {
	case token == "":
		return base
	case a.Email != "":
		return &jira.BasicAuthTransport{Username: a.Email, Password: string(token), Transport: base}
	default:
		return &jira.BearerAuthTransport{Token: string(token), Transport: base}
	}
}
