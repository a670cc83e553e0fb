// Package vendorhttp is the one HTTP layer the ticketing sources talk to their vendors through.
//
// A Client is built from the source's http_client_config (prometheus/common/config: TLS with a
// private CA and a client certificate, a proxy, HTTP/2) and the source's auth, whose token is the
// only credential it sends (see Credential). Every request follows one policy:
//
//   - pacing: a golang.org/x/time/rate limiter per request class, and the vendor's own pacing
//     headers (pace.go);
//   - 429, and 503 with Retry-After: wait as the vendor says, seconds or an HTTP date;
//   - other 5xx, and transport errors: retry after a jittered, capped exponential backoff;
//   - every wait is capped at MaxWait: a longer one ends the request with ErrRateLimited naming
//     the reason, and the client sends nothing more before the instant the vendor named, so the
//     next poll fails at once (the source shows down) instead of sleeping inside a poll;
//   - a per-request timeout that covers reading the answer;
//   - redirects only within the base URL's scheme, host and port, so the credential never
//     reaches another server;
//   - answers decode from the stream with encoding/json, at most MaxBody bytes, and no buffer
//     outlives its request.
//
// Each request is counted in source.Stats by endpoint and status code. Errors name the source,
// the method and the URL without its query, never a credential.
package vendorhttp

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	promconfig "github.com/prometheus/common/config"
	"golang.org/x/time/rate"

	"github.com/custops/custops/collector/source"
)

// Errors a request can end with, for errors.Is.
var (
	// ErrUnauthorized: the vendor answered 401 or 403; the credential or its permissions are wrong.
	ErrUnauthorized = errors.New("authentication failed")
	// ErrRateLimited: the vendor kept answering 429, or asked for a longer wait than MaxWait.
	ErrRateLimited = errors.New("rate limited")
	// ErrMalformed: a 2xx answer whose body is not the JSON expected, or larger than MaxBody.
	ErrMalformed = errors.New("malformed response")
	// ErrServer: 5xx answers or transport failures outlasted the retries.
	ErrServer = errors.New("server error")
	// ErrRedirect: the vendor redirected to another scheme, host or port (or redirects are off).
	ErrRedirect = errors.New("redirect refused")
)

// The policy's bounds.
const (
	// MaxWait caps every wait inside a request: a vendor's Retry-After or rate-limit reset
	// beyond it fails the request (and the poll) at once. Two minutes cover Zendesk's one-minute
	// window and a Jira reset written to the minute.
	MaxWait = 2 * time.Minute
	// MaxBody caps an answer. A Jira page of 100 issues or a Zendesk export page of 1000 tickets
	// with their sideloads is a few MB; a larger answer fails the request (lower page_size).
	MaxBody = 32 << 20

	maxRetries          = 4 // 5xx and transport errors
	maxRateLimitRetries = 8 // 429s
	backoffBase         = 500 * time.Millisecond
	backoffCap          = 30 * time.Second
	errorBodyMax        = 64 << 10 // what a StatusError keeps of the body
)

// StatusError is an answer outside the policy's cases: a 4xx other than 401, 403 and 429, or a
// 3xx when redirects are off. Body holds the start of the answer, for vendor error messages.
type StatusError struct {
	Code int
	Body []byte
}

func (e *StatusError) Error() string {
	msg := strings.Join(strings.Fields(string(e.Body)), " ")
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	if msg == "" {
		msg = "(no body)"
	}
	return fmt.Sprintf("%d %s: %s", e.Code, http.StatusText(e.Code), msg)
}

// Limit paces one request class: at most Burst requests at once, then one every Every.
type Limit struct {
	Every time.Duration
	Burst int
}

// Options build a Client.
type Options struct {
	Vendor string // "jira", "zendesk": errors say `<vendor> source "<name>"`
	Source string // the source's name
	URL    string // the base URL; request paths are appended to its path
	// HTTP is the source's http_client_config: TLS, proxy, HTTP/2, redirects. Its own
	// credential fields must be empty (config validation refuses them): the token comes from
	// Credential.
	HTTP       promconfig.HTTPClientConfig
	Credential Credential
	Timeout    time.Duration    // per request, reading the answer included
	Limits     map[string]Limit // by request class; "" is the class of requests that name none
	// AuthHint ends the error of a 401 or 403: which config keys to check.
	AuthHint string
}

// Client sends a source's requests. Safe for concurrent use.
type Client struct {
	vendor, source string
	base           *url.URL
	hc             *http.Client
	timeout        time.Duration
	authHint       string
	limiters       map[string]*rate.Limiter
	stats          *source.Stats
	log            *slog.Logger
	now            func() time.Time
	sleep          func(context.Context, time.Duration) error
	jitter         func() float64

	mu    sync.Mutex
	holds map[string]hold // by class: no request before until, as the vendor asked
	clock vendorClock     // what the answers' Date headers said (clock.go)
}

// hold is an instant the vendor named, before which a class sends nothing.
type hold struct {
	until time.Time
	why   string
}

// New builds a client. The credential is checked (variable set, file readable) so a missing
// token fails at start-up; nothing is sent until the first request.
func New(o Options, deps source.Deps) (*Client, error) {
	prefix := fmt.Sprintf("%s source %q", o.Vendor, o.Source)
	base, err := url.Parse(strings.TrimRight(o.URL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("%s: url %q is not an http(s) URL", prefix, o.URL)
	}
	if base.User != nil {
		return nil, fmt.Errorf("%s: url must not carry credentials; use auth", prefix)
	}
	if reflect.ValueOf(o.HTTP).IsZero() {
		// A config built in Go that says nothing of HTTP means what a file that says nothing
		// means (config.DefaultSource): follow redirects, allow HTTP/2.
		o.HTTP = promconfig.DefaultHTTPClientConfig
	}
	hcfg, err := withCredential(o.HTTP, o.Credential)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", prefix, err)
	}
	hc, err := promconfig.NewClientFromConfig(hcfg, o.Vendor+"_"+o.Source, promconfig.WithUserAgent("custops"))
	if err != nil {
		return nil, fmt.Errorf("%s: http_client_config: %w", prefix, err)
	}
	hc.CheckRedirect = sameOrigin(o.HTTP.FollowRedirects)
	c := &Client{
		vendor: o.Vendor, source: o.Source, base: base, hc: hc, timeout: o.Timeout, authHint: o.AuthHint,
		limiters: map[string]*rate.Limiter{}, holds: map[string]hold{},
		stats: deps.Stats, log: deps.Logger, now: deps.Now, sleep: deps.Sleep, jitter: deps.Jitter,
	}
	if c.timeout <= 0 {
		c.timeout = 30 * time.Second
	}
	if c.stats == nil {
		c.stats = source.NewStats()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = source.Sleep
	}
	if c.jitter == nil {
		c.jitter = rand.Float64
	}
	for class, l := range o.Limits {
		c.limiters[class] = rate.NewLimiter(rate.Every(l.Every), l.Burst)
	}
	if c.limiters[""] == nil {
		c.limiters[""] = rate.NewLimiter(rate.Inf, 1)
	}
	return c, nil
}

// Request is one call.
type Request struct {
	Method   string // GET when empty
	Endpoint string // the bounded name counted in source_requests_total: "search", never a URL
	Class    string // the pacing class (Options.Limits); "" the default
	Path     string // below the base URL
	Query    url.Values
	Body     any // POST only: encoded as JSON for every attempt; only reads are posted
	// Header, when set, receives the headers of the answer that ended the request, for what a
	// vendor says only there (Zendesk's plan rate limit, X-Rate-Limit).
	Header *http.Header
}

// Get sends GET path?query and decodes a 2xx JSON answer into out.
func (c *Client) Get(ctx context.Context, endpoint, path string, query url.Values, out any) error {
	return c.Do(ctx, Request{Endpoint: endpoint, Path: path, Query: query}, out)
}

// Do sends r under the package's policy and decodes a 2xx JSON answer into out (nil: discard).
func (c *Client) Do(ctx context.Context, r Request, out any) error {
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	if c.limiters[r.Class] == nil {
		r.Class = ""
	}
	var failures, limited int
	var retryAt time.Time // our own backoff's end, after a 5xx or a transport error
	for {
		if err := c.waitTurn(ctx, r, retryAt); err != nil {
			return c.fail(r, err)
		}
		code, h, err := c.attempt(ctx, r, out)
		c.stats.Request(r.Endpoint, strconv.Itoa(code))
		if r.Header != nil && h != nil {
			*r.Header = h
		}
		now := c.now()
		if h != nil {
			c.observe(r.Class, h, now)
			c.observeDate(h, now)
		}
		retryAt = time.Time{}
		switch {
		case code >= 200 && code < 300 && err == nil:
			return nil
		case ctx.Err() != nil:
			return c.fail(r, ctx.Err())
		case code >= 200 && code < 300 && !isReadError(err):
			return c.fail(r, fmt.Errorf("%w: %w", ErrMalformed, err))
		case code == 0 && (errors.Is(err, ErrRedirect) || untrusted(err)):
			return c.fail(r, transportCause(err)) // asking again cannot help
		case code == 0 || code >= 500 || code < 300:
			// A transport error, a 5xx, or a 2xx whose body broke off: the same request may work.
			why := strconv.Itoa(code)
			if code == 0 || code < 300 {
				why = transportCause(err).Error()
			}
			if failures >= maxRetries {
				return c.fail(r, fmt.Errorf("%w after %d attempts: %s", ErrServer, failures+1, why))
			}
			wait := c.backoff(failures)
			failures++
			if d, ok := retryAfter(h, now); ok && code == http.StatusServiceUnavailable {
				c.holdUntil(r.Class, now.Add(d), "503 with Retry-After")
			}
			c.log.Warn("request_retry", "endpoint", r.Endpoint, "reason", why, "attempt", failures, "backoff", wait)
			retryAt = now.Add(wait)
		case code == http.StatusTooManyRequests:
			if limited >= maxRateLimitRetries {
				return c.fail(r, fmt.Errorf("%w: still 429 after %d waits", ErrRateLimited, limited))
			}
			if d, ok := retryAfter(h, now); ok {
				c.holdUntil(r.Class, now.Add(d), "429 with Retry-After")
				c.log.Warn("rate_limited", "endpoint", r.Endpoint, "retry_after", d)
			} else {
				retryAt = now.Add(c.backoff(limited))
				c.log.Warn("rate_limited", "endpoint", r.Endpoint, "retry_after", "none")
			}
			limited++
		case code == http.StatusUnauthorized || code == http.StatusForbidden:
			return c.fail(r, fmt.Errorf("%d %s: %w%s", code, http.StatusText(code), ErrUnauthorized, c.authHint))
		case code >= 300 && code < 400:
			return c.fail(r, fmt.Errorf("%w: %d to %s (follow_redirects is false)", ErrRedirect, code, h.Get("Location")))
		default:
			return c.fail(r, err) // a *StatusError
		}
	}
}

// attempt sends r once and reads the answer under the per-request timeout. It returns the status
// (0: no answer) and headers, and the error of the send or of decoding a 2xx body; any other
// answer's error is a *StatusError.
func (c *Client) attempt(ctx context.Context, r Request, out any) (int, http.Header, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := c.newRequest(ctx, r)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer drain(resp.Body)
	code := resp.StatusCode
	if code < 200 || code >= 300 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyMax))
		return code, resp.Header, &StatusError{Code: code, Body: b}
	}
	return code, resp.Header, decodeBody(resp, out)
}

func (c *Client) newRequest(ctx context.Context, r Request) (*http.Request, error) {
	u := *c.base
	u.Path = c.base.Path + r.Path
	u.RawQuery = r.Query.Encode()
	var body io.Reader
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("encoding the request body: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	// prometheus/common's transport turns Go's transparent gzip off; asking for it here keeps
	// vendor answers compressed on the wire (decodeBody inflates them).
	req.Header.Set("Accept-Encoding", "gzip")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// fail wraps err with what the request was: the source, the method and the URL without its
// query (long JQL, ids), never a credential.
func (c *Client) fail(r Request, err error) error {
	return fmt.Errorf("%s source %q: %s %s: %w", c.vendor, c.source, r.Method, c.base.String()+r.Path, err)
}

// backoff is the wait before retry number attempt (0-based): exponential from backoffBase,
// capped at backoffCap, with "equal jitter" (half fixed, half random) so exporters failing
// together do not retry in step, yet each waits a known minimum.
func (c *Client) backoff(attempt int) time.Duration {
	d := min(backoffBase<<min(attempt, 16), backoffCap)
	return d/2 + time.Duration(c.jitter()*float64(d/2))
}

// untrusted reports a TLS failure that asking again cannot fix: the server's certificate does
// not verify against the configured CAs.
func untrusted(err error) bool {
	var cv *tls.CertificateVerificationError
	return errors.As(err, &cv)
}

// transportCause strips the *url.Error wrapper, whose text repeats the full URL and query.
func transportCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// drain reads what is left of a body (bounded) and closes it, so the connection is reused.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	_ = body.Close()
}
