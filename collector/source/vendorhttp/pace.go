package vendorhttp

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// fallbackHold is how long a class holds when a header says no request is left but not when the
// window resets: Zendesk's and Jira Data Center's windows are a minute or less, and a sixth of one
// lets the next request find out.
const fallbackHold = 10 * time.Second

// waitTurn waits until r may go: after the vendor's hold on its class, its class's limiter and
// retryAt (our backoff). A vendor hold beyond MaxWait fails at once, before anything is sent.
func (c *Client) waitTurn(ctx context.Context, r Request, retryAt time.Time) error {
	now := c.now()
	c.mu.Lock()
	h := c.holds[r.Class]
	c.mu.Unlock()
	held := h.until.Sub(now)
	if held > MaxWait {
		return fmt.Errorf("%w: the vendor allows the next request at %s, in %s (%s), longer than a poll waits (%s)",
			ErrRateLimited, h.until.UTC().Format(time.RFC3339), held.Round(time.Second), h.why, MaxWait)
	}
	paced := c.limiters[r.Class].ReserveN(now, 1).DelayFrom(now)
	wait := max(held, paced, retryAt.Sub(now))
	if wait <= 0 {
		return nil
	}
	if wait == held || wait == paced {
		c.stats.RateLimitWait(wait)
		c.log.Debug("rate_limit_wait", "endpoint", r.Endpoint, "wait", wait)
	}
	return c.sleep(ctx, wait)
}

// holdUntil stops class until t, unless it is held longer already.
func (c *Client) holdUntil(class string, t time.Time, why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.After(c.holds[class].until) {
		c.holds[class] = hold{until: t, why: why}
	}
}

// observe reads the pacing headers of an answer. A window that reports nothing left holds every
// class (the account-wide limits bind every endpoint) until it resets; an endpoint's own window
// (Zendesk-RateLimit-<endpoint>) holds the class of the request it came on.
func (c *Client) observe(class string, h http.Header, now time.Time) {
	if until, why, ok := accountHold(h, now); ok {
		for cl := range c.limiters {
			c.holdUntil(cl, until, why)
		}
	}
	if until, why, ok := endpointHold(h, now); ok {
		c.holdUntil(class, until, why)
	}
}

// accountHold reads the account-wide pacing headers: when the remaining count is 0, the instant
// the window resets, from
//   - Jira Cloud: X-RateLimit-Remaining, X-RateLimit-Reset as an ISO 8601 instant, written to
//     the minute ("yyyy-MM-ddTHH:mmZ"; see parseReset), and Retry-After;
//     https://developer.atlassian.com/cloud/jira/platform/rate-limiting/
//   - Jira Data Center: X-RateLimit-Remaining and Retry-After;
//     https://confluence.atlassian.com/doc/_ratelimiting_httpheaders-992678779.html
//   - Zendesk: X-Rate-Limit-Remaining, and ratelimit-remaining / ratelimit-reset (seconds);
//     https://developer.zendesk.com/api-reference/introduction/rate-limits/
//
// The latest of the instants given wins; none: fallbackHold.
func accountHold(h http.Header, now time.Time) (time.Time, string, bool) {
	var name string
	var left int64
	for _, n := range []string{"X-RateLimit-Remaining", "X-Rate-Limit-Remaining", "RateLimit-Remaining"} {
		if v, ok := headerInt(h, n); ok {
			name, left = n, v
			break
		}
	}
	if name == "" || left > 0 {
		return time.Time{}, "", false
	}
	until := now.Add(fallbackHold)
	var given time.Time
	if t, ok := parseReset(h.Get("X-RateLimit-Reset"), now); ok {
		given = t
	}
	if n, ok := headerInt(h, "RateLimit-Reset"); ok && n >= 0 {
		given = later(given, now.Add(time.Duration(n)*time.Second))
	}
	if d, ok := retryAfter(h, now); ok {
		given = later(given, now.Add(d))
	}
	if given.After(now) {
		until = given
	}
	return until, name + ": 0", true
}

// endpointHold reads Zendesk's per-endpoint windows, "Zendesk-RateLimit-<endpoint>: total=100;
// remaining=0; resets=41": when one has nothing left, the instant it resets.
// https://developer.zendesk.com/documentation/api-basics/best-practices/best-practices-for-avoiding-rate-limiting/
func endpointHold(h http.Header, now time.Time) (time.Time, string, bool) {
	var until time.Time
	var why string
	for name, values := range h {
		if !strings.HasPrefix(name, "Zendesk-Ratelimit-") || len(values) == 0 {
			continue
		}
		fields := map[string]int64{}
		for _, part := range strings.Split(values[0], ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				fields[strings.ToLower(k)] = n
			}
		}
		left, ok := fields["remaining"]
		if !ok || left > 0 {
			continue
		}
		t := now.Add(fallbackHold)
		if s, ok := fields["resets"]; ok && s > 0 {
			t = now.Add(time.Duration(s) * time.Second)
		}
		if t.After(until) {
			until, why = t, name+": remaining=0"
		}
	}
	return until, why, !until.IsZero()
}

// retryAfter reads Retry-After: delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n >= 0 {
		return time.Duration(min(n, 1e6) * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// parseReset reads X-RateLimit-Reset. Jira Cloud sends an ISO 8601 instant written to the minute,
// "2026-03-10T14:31Z" (the rate-limiting page above: "yyyy-MM-ddTHH:mmZ"): the reset lies within
// that minute, so the end of the minute is the first instant known to be past it. Full RFC 3339
// instants are read as they are; other gateways send epoch seconds or seconds from now.
func parseReset(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, true
	}
	for _, layout := range []string{"2006-01-02T15:04Z07:00", "2006-01-02T15:04Z0700"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Add(time.Minute), true
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		if n > 1_000_000_000 {
			return time.Unix(n, 0), true
		}
		return now.Add(time.Duration(n) * time.Second), true
	}
	return time.Time{}, false
}

// headerInt reads an integer header. ratelimit-remaining may list several policies
// ("0, 10;w=60"): the first binds.
func headerInt(h http.Header, name string) (int64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if i := strings.IndexAny(v, ",;"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
