package zendesk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
)

// Endpoint names for source_requests_total: a bounded set, never a URL with ids.
const (
	endpointTickets       = "incremental_tickets"
	endpointMetricEvents  = "ticket_metric_events"
	endpointRatings       = "satisfaction_ratings"
	endpointOrganizations = "organizations"
	endpointShowMany      = "tickets_show_many"
)

// Errors a poll can end with, for errors.Is.
var (
	// ErrUnauthorized means Zendesk refused the credentials (401/403).
	ErrUnauthorized = errors.New("zendesk: unauthorized")
	// ErrMalformed means a response was not the JSON the API reference describes.
	ErrMalformed = errors.New("zendesk: malformed response")
	// ErrStatus means an unexpected HTTP status after the retries ran out.
	ErrStatus = errors.New("zendesk: unexpected status")
)

// Retry bounds: 5xx and transport errors are retried with jittered exponential backoff; 429s are
// retried after their Retry-After. Beyond these the poll fails and the caller marks the source down.
const (
	maxServerRetries = 3
	max429Retries    = 5
	backoffBase      = time.Second
	maxBodyBytes     = 64 << 20 // a page of 1000 tickets with sideloads is a few MB
)

// client does authenticated, paced, retried GETs against one Zendesk instance.
type client struct {
	base *url.URL
	http *http.Client
	// auth is the Authorization header value. Behind a pointer because fmt prints an unexported
	// field's string raw, bypassing Secret's masking; a pointer prints as an address.
	auth    *config.Secret
	timeout time.Duration
	pacer   *pacer
	stats   *source.Stats
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error
	jitter  func() float64 // in [0, 1)
	log     *slog.Logger
}

// authHeader builds the Authorization value: API token basic auth "{email}/token:{token}" when
// an email is configured, else an OAuth bearer token.
// Reference: https://developer.zendesk.com/api-reference/introduction/security-and-auth/
func authHeader(email string, token config.Secret) config.Secret {
	if email == "" {
		return config.Secret("Bearer " + string(token))
	}
	return config.Secret("Basic " + base64.StdEncoding.EncodeToString([]byte(email+"/token:"+string(token))))
}

// get fetches path?q into out. endpoint names the request in the stats; class picks its budget.
func (c *client) get(ctx context.Context, endpoint, class, path string, q url.Values, out any) error {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawQuery = q.Encode()
	// What errors show: the path and query never hold a secret (the token travels in a header).
	where := endpoint + " " + path
	var serverTries, limitTries int
	var backoff time.Duration // owed after a 5xx or transport error; runs concurrently with the pacing
	for {
		wait := c.pacer.reserve(class)
		switch {
		case wait > backoff:
			c.stats.RateLimitWait(wait)
			if err := c.sleep(ctx, wait); err != nil {
				return fmt.Errorf("%s: waiting for the rate limit: %w", where, err)
			}
		case backoff > 0:
			if err := c.sleep(ctx, backoff); err != nil {
				return fmt.Errorf("%s: backing off: %w", where, err)
			}
		}
		backoff = 0
		code, body, hdr, err := c.do(ctx, u.String())
		if err != nil {
			c.stats.Request(endpoint, "0")
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", where, ctx.Err())
			}
			if serverTries >= maxServerRetries {
				return fmt.Errorf("%s: %w", where, err)
			}
			serverTries++
			backoff = c.backoff(serverTries, where, err.Error())
			continue
		}
		c.stats.Request(endpoint, strconv.Itoa(code))
		c.pacer.observe(hdr)
		switch {
		case code == http.StatusOK:
			if err := json.Unmarshal(body, out); err != nil {
				return fmt.Errorf("%s: %w: %v", where, ErrMalformed, err)
			}
			return nil
		case code == http.StatusTooManyRequests:
			d := retryAfter(hdr, c.now())
			c.pacer.hold(class, d)
			if limitTries >= max429Retries {
				return fmt.Errorf("%s: %w 429 after %d retries", where, ErrStatus, limitTries)
			}
			limitTries++
			c.log.Warn("zendesk_rate_limited", "endpoint", endpoint, "retry_after", d)
		case code == http.StatusUnauthorized || code == http.StatusForbidden:
			return fmt.Errorf("%s: %w (%d)", where, ErrUnauthorized, code)
		case code >= 500:
			if serverTries >= maxServerRetries {
				return fmt.Errorf("%s: %w %d after %d retries", where, ErrStatus, code, serverTries)
			}
			serverTries++
			backoff = c.backoff(serverTries, where, strconv.Itoa(code))
		default:
			return fmt.Errorf("%s: %w %d", where, ErrStatus, code)
		}
	}
}

// do sends one GET with the per-request timeout and reads the body.
func (c *client) do(ctx context.Context, u string) (int, []byte, http.Header, error) {
	rctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", string(*c.auth))
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, body, resp.Header, nil
}

// backoff returns base*2^(try-1), scaled by a jitter in [0.5, 1.5) so many exporters restarted
// together do not retry in step, and logs the retry.
func (c *client) backoff(try int, where, why string) time.Duration {
	d := time.Duration(float64(backoffBase<<(try-1)) * (0.5 + c.jitter()))
	c.log.Warn("zendesk_retry", "request", where, "reason", why, "try", try, "backoff", d)
	return d
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
