package zendesk

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
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

// budget is a token bucket: burst requests at once, then one every interval.
type budget struct {
	burst    float64
	interval time.Duration
}

// defaultBudgets keep a normal poll (one export and one metric events request a minute) from
// ever waiting or meeting a 429, and cap a long sync below the documented limits in every
// 60-second window: incremental exports 1 + 60/6.5 = 10 a minute (sustained 9.2), other requests
// 10 + 60/0.6 = 110 a minute, about half of the smallest plan's 200 so other integrations keep
// their share. The ticket metric events endpoint is not among the incremental exports the 10 a
// minute limit names, so it takes the account budget; a 429 there would still be honoured.
func defaultBudgets() map[string]budget {
	return map[string]budget{
		classIncremental: {burst: 1, interval: 6500 * time.Millisecond},
		classAccount:     {burst: 10, interval: 600 * time.Millisecond},
	}
}

// fallbackPause is how long to hold a class when a header says no request is left but not when
// the window resets: Zendesk's windows are a minute, and a sixth of one lets a retry find out.
const fallbackPause = 10 * time.Second

// bucket is one class's state.
type bucket struct {
	budget
	tokens    float64
	last      time.Time
	notBefore time.Time // set by Retry-After and by rate-limit headers reporting 0 left
}

// pacer spaces requests per class. It only computes waits: the caller sleeps with the injected
// deps.Sleep, so tests run on a fake clock.
type pacer struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*bucket
}

func newPacer(now func() time.Time, budgets map[string]budget) *pacer {
	p := &pacer{now: now, buckets: map[string]*bucket{}}
	for class, b := range budgets {
		p.buckets[class] = &bucket{budget: b, tokens: b.burst}
	}
	return p
}

// reserve takes one request slot in class and returns how long to wait before sending it.
// Reservations queue: the tokens go negative, so concurrent callers get increasing waits.
func (p *pacer) reserve(class string) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.buckets[class]
	now := p.now()
	if !b.last.IsZero() && now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+float64(now.Sub(b.last))/float64(b.interval))
	}
	b.last = now
	b.tokens--
	var wait time.Duration
	if b.tokens < 0 {
		wait = time.Duration(-b.tokens * float64(b.interval))
	}
	if d := b.notBefore.Sub(now); d > wait {
		wait = d
	}
	return wait
}

// hold stops class until now+d: a 429's Retry-After, or an exhausted window.
func (p *pacer) hold(class string, d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.buckets[class]
	if until := p.now().Add(d); until.After(b.notBefore) {
		b.notBefore = until
	}
}

// observe reads the rate-limit headers of a response: when a window reports nothing left, every
// class holds until the reset the header announces. Zendesk sends X-Rate-Limit-Remaining and the
// IETF draft headers ratelimit-remaining / ratelimit-reset (seconds) for the account-wide limit,
// which every endpoint draws on, so no class may go on.
func (p *pacer) observe(h http.Header) {
	remaining, ok := headerInt(h, "ratelimit-remaining")
	if !ok {
		remaining, ok = headerInt(h, "X-Rate-Limit-Remaining")
	}
	if !ok || remaining > 0 {
		return
	}
	d := fallbackPause
	if reset, ok := headerInt(h, "ratelimit-reset"); ok && reset >= 0 {
		d = time.Duration(reset) * time.Second
	}
	for class := range p.buckets {
		p.hold(class, d)
	}
}

// retryAfter reads a 429's Retry-After (seconds or an HTTP date); a missing or unreadable header
// means a minute, the length of Zendesk's rate-limit window.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0)
	}
	return time.Minute
}

func headerInt(h http.Header, name string) (int64, bool) {
	v := strings.TrimSpace(h.Get(name))
	if v == "" {
		return 0, false
	}
	// ratelimit-remaining may list several policies ("0, 10;w=60"): the first is the binding one.
	if i := strings.IndexAny(v, ",;"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}
