package jira

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	jira "github.com/andygrunwald/go-jira"

	"github.com/custops/custops/collector/source"
)

// Errors a poll can end with, for errors.Is.
var (
	// ErrUnauthorized: Jira answered 401 or 403; the credentials or their permissions are wrong.
	ErrUnauthorized = errors.New("authentication failed")
	// ErrRateLimited: Jira kept answering 429, or asked for a longer wait than a poll may take.
	ErrRateLimited = errors.New("rate limited")
	// ErrMalformed: a 2xx answer whose body is not the JSON expected.
	ErrMalformed = errors.New("malformed response")
	// ErrServer: 5xx answers or transport failures outlasted the retries.
	ErrServer = errors.New("server error")
)

// Retry bounds. Transient failures (5xx, timeouts, refused connections) are retried with
// exponential backoff and jitter; rate limits are waited out as Jira asks, up to a point where
// failing the poll (and trying again at the next one) is better than hanging in it.
const (
	maxRetries          = 4
	maxRateLimitRetries = 8
	maxRateLimitWait    = 5 * time.Minute
	backoffBase         = 500 * time.Millisecond
	backoffCap          = 30 * time.Second
	maxBody             = 64 << 20 // a page of 5000 issues with all fields fits
)

// apiError is a non-2xx answer other than 401/403/429/5xx, with Jira's error messages.
type apiError struct {
	Status   int
	Messages []string
}

func (e *apiError) Error() string {
	msg := strings.Join(e.Messages, "; ")
	if len(msg) > 500 {
		msg = msg[:500] + "..."
	}
	return fmt.Sprintf("%d %s: %s", e.Status, http.StatusText(e.Status), msg)
}

// client makes the source's REST calls through go-jira's request building and Do, adding what
// a poller needs around them: request counting, rate-limit pacing, retries and errors that name
// the source and the URL but never a credential.
type client struct {
	name  string // the source's name, for errors
	base  string // base URL without trailing slash, for errors and links
	jc    *jira.Client
	stats *source.Stats
	now   func() time.Time
	sleep func(context.Context, time.Duration) error
	log   *slog.Logger
	// notBefore is the earliest instant the next request may go out, from X-RateLimit hints
	// on earlier answers. Polls of one source never overlap, so it needs no lock.
	notBefore time.Time
	jitter    func() float64  // in [0, 1)
	warned    map[string]bool // fields already logged as having an unexpected type
	buf       bytes.Buffer    // response bodies, reused: polls of one source never overlap
}

// get sends GET path?query and decodes a 2xx JSON answer into v. endpoint is the bounded name
// the request is counted under.
func (c *client) get(ctx context.Context, endpoint, path string, query url.Values, v any) error {
	return c.do(ctx, http.MethodGet, endpoint, path, query, nil, v)
}

// post sends POST path with body encoded as JSON and decodes a 2xx JSON answer into v. Only
// reads are posted (the changelog bulk fetch), so a retry cannot repeat a change.
func (c *client) post(ctx context.Context, endpoint, path string, body, v any) error {
	return c.do(ctx, http.MethodPost, endpoint, path, nil, body, v)
}

// do sends one request, retrying as the package doc says. body, when not nil, is encoded as
// JSON anew for every attempt.
func (c *client) do(ctx context.Context, method, endpoint, path string, query url.Values, body, v any) error {
	target := path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	shown := c.base + path // errors name the URL without the query (long JQL), never credentials
	failures, limited := 0, 0
	for {
		if wait := c.notBefore.Sub(c.now()); wait > 0 {
			if wait > maxRateLimitWait {
				return fmt.Errorf("jira source %q: %s %s: %w: next request allowed in %s", c.name, method, shown, ErrRateLimited, wait.Round(time.Second))
			}
			c.stats.RateLimitWait(wait)
			c.log.Debug("rate_limit_pacing", "endpoint", endpoint, "wait", wait)
			if err := c.sleep(ctx, wait); err != nil {
				return fmt.Errorf("jira source %q: %s %s: %w", c.name, method, shown, err)
			}
		}
		req, err := c.jc.NewRequestWithContext(ctx, method, target, body)
		if err != nil {
			return fmt.Errorf("jira source %q: building request for %s %s: %w", c.name, method, shown, err)
		}
		req.Header.Set("Accept", "application/json")
		resp, err := c.jc.Do(req, nil) // nil: the body is ours to decode, stream and close
		if err != nil && resp == nil {
			c.stats.Request(endpoint, "0")
			if ctx.Err() != nil {
				return fmt.Errorf("jira source %q: %s %s: %w", c.name, method, shown, ctx.Err())
			}
			if failures < maxRetries {
				if err := c.backoff(ctx, failures, 0); err != nil {
					return fmt.Errorf("jira source %q: %s %s: %w", c.name, method, shown, err)
				}
				failures++
				continue
			}
			return fmt.Errorf("jira source %q: %s %s: %w after %d attempts: %w", c.name, method, shown, ErrServer, failures+1, transportCause(err))
		}
		code := resp.StatusCode
		c.stats.Request(endpoint, strconv.Itoa(code))
		c.observeHints(resp.Header)
		switch {
		case code >= 200 && code < 300:
			err := c.decode(resp.Body, v)
			var ute *json.UnmarshalTypeError
			if errors.As(err, &ute) {
				// A field of another shape than expected (a custom field reused for something
				// else): decoding went on without it; one odd field must not fail every poll.
				if !c.warned[ute.Field] {
					c.warned[ute.Field] = true
					c.log.Warn("unexpected_field_type", "endpoint", endpoint, "field", ute.Field, "json_type", ute.Value)
				}
				err = nil
			}
			if err != nil {
				return fmt.Errorf("jira source %q: %s %s: %w: %w", c.name, method, shown, ErrMalformed, err)
			}
			return nil
		case code == http.StatusTooManyRequests:
			drain(resp.Body)
			wait, ok := retryAfter(resp.Header, c.now())
			if !ok {
				wait = c.backoffDelay(limited)
			}
			if limited >= maxRateLimitRetries || wait > maxRateLimitWait {
				c.notBefore = c.now().Add(wait) // the next poll starts by honouring it, not by asking again
				return fmt.Errorf("jira source %q: %s %s: %w: still 429 after %d waits (next wait %s)", c.name, method, shown, ErrRateLimited, limited, wait.Round(time.Second))
			}
			limited++
			c.stats.RateLimitWait(wait)
			c.log.Debug("rate_limited", "endpoint", endpoint, "wait", wait)
			if err := c.sleep(ctx, wait); err != nil {
				return fmt.Errorf("jira source %q: %s %s: %w", c.name, method, shown, err)
			}
		case code == http.StatusUnauthorized || code == http.StatusForbidden:
			drain(resp.Body)
			return fmt.Errorf("jira source %q: %s %s: %d %s: %w: check auth.email and the token that auth.token_env or auth.token_file names (Cloud: email + API token; Data Center: a personal access token)",
				c.name, method, shown, code, http.StatusText(code), ErrUnauthorized)
		case code >= 500:
			drain(resp.Body)
			if failures < maxRetries {
				ra, _ := retryAfter(resp.Header, c.now())
				if err := c.backoff(ctx, failures, ra); err != nil {
					return fmt.Errorf("jira source %q: %s %s: %w", c.name, method, shown, err)
				}
				failures++
				continue
			}
			return fmt.Errorf("jira source %q: %s %s: %w: %d %s after %d attempts", c.name, method, shown, ErrServer, code, http.StatusText(code), failures+1)
		default:
			e := &apiError{Status: code, Messages: errorMessages(resp.Body)}
			return fmt.Errorf("jira source %q: %s %s: %w", c.name, method, shown, e)
		}
	}
}

// decode reads a whole body into the client's reused buffer and unmarshals it. A json.Decoder
// would grow a fresh buffer for every page, which at 100 issues a page is most of a cold
// sync's garbage.
func (c *client) decode(body io.ReadCloser, v any) error {
	defer body.Close()
	c.buf.Reset()
	n, err := c.buf.ReadFrom(io.LimitReader(body, maxBody+1))
	if err != nil {
		return fmt.Errorf("reading body: %w", err)
	}
	if n > maxBody {
		return fmt.Errorf("body larger than %d bytes", maxBody)
	}
	if d, ok := v.(bodyDecoder); ok {
		return d.decodeBody(c.buf.Bytes())
	}
	return json.Unmarshal(c.buf.Bytes(), v)
}

// backoff sleeps before retry number attempt (0-based), at least floor (a server's Retry-After
// on a 5xx).
func (c *client) backoff(ctx context.Context, attempt int, floor time.Duration) error {
	return c.sleep(ctx, max(c.backoffDelay(attempt), floor))
}

// backoffDelay is exponential with "equal jitter": half fixed, half random, so that many
// exporters failing together do not retry in lockstep, yet each waits a known minimum.
func (c *client) backoffDelay(attempt int) time.Duration {
	d := backoffBase << min(attempt, 10)
	d = min(d, backoffCap)
	return d/2 + time.Duration(c.jitter()*float64(d/2))
}

// observeHints reads pacing hints on any answer: when X-RateLimit-Remaining reaches 0, no
// request goes out before X-RateLimit-Reset (or Retry-After). Jira Cloud sends these near its
// limits; Data Center's rate limiting sends X-RateLimit-Remaining and Retry-After.
func (c *client) observeHints(h http.Header) {
	now := c.now()
	var until time.Time
	if rem := h.Get("X-RateLimit-Remaining"); rem != "" {
		if n, err := strconv.ParseFloat(rem, 64); err == nil && n <= 0 {
			if t, ok := parseReset(h.Get("X-RateLimit-Reset"), now); ok {
				until = t
			} else if d, ok := retryAfter(h, now); ok {
				until = now.Add(d)
			} else {
				until = now.Add(time.Second)
			}
		}
	}
	if until.After(c.notBefore) {
		c.notBefore = until
	}
}

// retryAfter reads Retry-After: delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(n * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// parseReset reads X-RateLimit-Reset: Jira Cloud sends an ISO 8601 instant; other gateways
// send epoch seconds or seconds from now.
func parseReset(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		if n > 1_000_000_000 {
			return time.Unix(n, 0), true
		}
		return now.Add(time.Duration(n) * time.Second), true
	}
	return time.Time{}, false
}

// errorMessages reads Jira's error collection ({"errorMessages": [...], "errors": {...}}).
func errorMessages(body io.ReadCloser) []string {
	defer drain(body)
	var e struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if err := json.NewDecoder(io.LimitReader(body, 64<<10)).Decode(&e); err != nil {
		return []string{"(no error details)"}
	}
	msgs := e.ErrorMessages
	for k, v := range e.Errors {
		msgs = append(msgs, k+": "+v)
	}
	return msgs
}

// drain reads what is left of a body (bounded) and closes it, so the connection is reused.
func drain(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, 1<<20))
	body.Close()
}

// transportCause strips the *url.Error wrapper, whose text repeats the full URL and query.
func transportCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func defaultJitter() float64 { return rand.Float64() }
