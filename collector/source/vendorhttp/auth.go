package vendorhttp

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	promconfig "github.com/prometheus/common/config"

	"github.com/custops/custops/collector/config"
)

// Credential is how a source's token travels:
//   - Jira Cloud: basic auth, the account email and an API token;
//   - Jira Data Center: a personal access token as a bearer token;
//   - Zendesk: basic auth "{email}/token" and an API token, or an OAuth access token as a
//     bearer token (https://developer.zendesk.com/api-reference/introduction/security-and-auth/).
type Credential struct {
	BasicUser string      // basic auth with this user name and the token as password; empty: bearer
	Token     config.Auth // token_env or token_file; naming neither, nothing is sent
}

// withCredential returns hc with the credential set in prometheus/common's own fields, whose
// round trippers add it to each request on a copy, so it never reaches a URL, an error or a log.
// A token_file is handed over as a file, read again for every request as Prometheus does: a
// rotated token is used without a restart. The token is read once here all the same, so a
// missing variable or file is a start-up error.
func withCredential(hc promconfig.HTTPClientConfig, cred Credential) (promconfig.HTTPClientConfig, error) {
	if OwnCredential(hc) != "" {
		return hc, errors.New("http_client_config must not carry credentials: the token comes from auth")
	}
	if !cred.Token.HasToken() {
		return hc, nil
	}
	token, err := cred.Token.Token()
	if err != nil {
		return hc, err
	}
	file := cred.Token.TokenFile
	if cred.BasicUser != "" {
		hc.BasicAuth = &promconfig.BasicAuth{Username: cred.BasicUser}
		if file != "" {
			hc.BasicAuth.PasswordFile = file
		} else {
			hc.BasicAuth.Password = token
		}
		return hc, nil
	}
	hc.Authorization = &promconfig.Authorization{Type: "Bearer"}
	if file != "" {
		hc.Authorization.CredentialsFile = file
	} else {
		hc.Authorization.Credentials = token
	}
	return hc, nil
}

// OwnCredential names the credential field set in hc, or "". custops takes the token from a
// source's auth only, so config validation refuses these fields, and New does too.
func OwnCredential(hc promconfig.HTTPClientConfig) string {
	switch {
	case hc.BasicAuth != nil:
		return "basic_auth"
	case hc.Authorization != nil:
		return "authorization"
	case hc.OAuth2 != nil:
		return "oauth2"
	case hc.BearerToken != "":
		return "bearer_token"
	case hc.BearerTokenFile != "":
		return "bearer_token_file"
	}
	return ""
}

// sameOrigin is the redirect policy: follow up to 10 redirects that keep the scheme, host and
// port, refuse the others before anything is sent there (the credential goes with every request
// the client sends), and follow none when follow_redirects is false.
func sameOrigin(follow bool) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !follow {
			return http.ErrUseLastResponse
		}
		if len(via) >= 10 {
			return fmt.Errorf("%w: more than 10 redirects", ErrRedirect)
		}
		if from, to := origin(via[0]), origin(req); from != to {
			return fmt.Errorf("%w: to %s, another scheme, host or port than %s", ErrRedirect, to, from)
		}
		return nil
	}
}

// origin is scheme://host:port, with the scheme's default port written out.
func origin(r *http.Request) string {
	port := r.URL.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[r.URL.Scheme]
	}
	return strings.ToLower(r.URL.Scheme + "://" + r.URL.Hostname() + ":" + port)
}
