package jira

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/config"
)

// readToken reads the credential the auth block references: token_env or token_file (trailing
// newline trimmed). No reference at all means anonymous access (a public Jira). Errors name the
// variable or the file, never the value.
//
// config.Auth.Token is meant to do this; it is being written in parallel and not committed yet,
// so this small function stands in until the source switches to it.
func readToken(a config.Auth) (string, error) {
	switch {
	case a.TokenEnv != "" && a.TokenFile != "":
		return "", errors.New("auth: set only one of token_env and token_file")
	case a.TokenEnv != "":
		v := strings.TrimRight(os.Getenv(a.TokenEnv), "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("auth: environment variable %s is not set or empty", a.TokenEnv)
		}
		return v, nil
	case a.TokenFile != "":
		b, err := os.ReadFile(a.TokenFile)
		if err != nil {
			return "", fmt.Errorf("auth: reading token_file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if strings.TrimSpace(v) == "" {
			return "", fmt.Errorf("auth: token_file %s is empty", a.TokenFile)
		}
		return v, nil
	}
	return "", nil
}

// authTransport wraps base with the credential: Jira Cloud takes the account email and an API
// token as basic auth, Data Center a personal access token as a bearer token. go-jira's
// transports set the header on a clone of each request, so the secret never reaches a URL, an
// error or a log line.
func authTransport(a config.Auth, token string, base http.RoundTripper) http.RoundTripper {
	switch {
	case token == "":
		return base
	case a.Email != "":
		return &jira.BasicAuthTransport{Username: a.Email, Password: token, Transport: base}
	default:
		return &jira.BearerAuthTransport{Token: token, Transport: base}
	}
}
