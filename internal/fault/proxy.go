package fault

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what the proxy does instead of (or to) the fake's answer, for the requests Match
// selects. Exactly one of its actions is set.
type Fault struct {
	Name string // shown in the request log
	// Match selects the requests the fault applies to; nil selects every request.
	Match func(*http.Request) bool
	// Times is how many requests it applies to; 0 means until Clear.
	Times int

	// Status answers with this status (and RetryAfter, Header) and a small JSON error body.
	Status     int
	RetryAfter string
	Header     http.Header
	// Hang holds the request unanswered until the client gives up or the fault is cleared.
	Hang bool
	// Malformed answers 200 with JSON that stops in the middle of a value.
	Malformed bool
	// Truncate passes the fake's answer with its full Content-Length but closes the connection
	// after half of the body.
	Truncate bool
	// Huge answers 200 with a JSON object of this many bytes, streamed: a string field that
	// runs on and on.
	Huge int64
	// Redirect answers 302 to the same path and query at this base URL (another port).
	Redirect string
	// Rewrite changes the fake's 2xx answer body; it may keep state across requests. Header,
	// when set without Status, is added to the fake's answer.
	Rewrite func(r *http.Request, body []byte) []byte
	// Query changes the query the fake is asked with (the client's request stays as it was).
	Query func(url.Values)
	// Serve answers in the fake's place.
	Serve http.HandlerFunc
}

// Request is one request the proxy passed or answered.
type Request struct {
	At     time.Time // on the proxy's clock, when it arrived
	Method string
	Path   string
	Query  url.Values
	Class  string // the vendor's rate-limit class (Options.Classify)
	Status int    // what the client was answered; 0 if it went away first
	Fault  string // the fault's name, "" when passed through
	// RetryAfter is the Retry-After the fault answered with.
	RetryAfter string
	Auth       bool // it carried an Authorization header
}

// Options build a Proxy.
type Options struct {
	Target string           // the fake's base URL
	Now    func() time.Time // the clock of the log and of the Date header: the sources' clock
	// Classify names a request's rate-limit class, for counting per class. Default: "".
	Classify func(*http.Request) string
}

// Proxy passes requests to a fake, applying the faults installed. It sets every answer's Date
// header from its clock (plus the skew set with Skew), as a vendor's server sets its own.
type Proxy struct {
	opts   Options
	target *url.URL
	client *http.Client

	mu      sync.Mutex
	faults  []*Fault
	left    map[*Fault]int
	skew    time.Duration
	log     []Request
	cleared chan struct{} // closed by Clear: hanging requests return
}

// New returns a proxy in front of o.Target.
func New(o Options) (*Proxy, error) {
	u, err := url.Parse(o.Target)
	if err != nil {
		return nil, err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Classify == nil {
		o.Classify = func(*http.Request) string { return "" }
	}
	return &Proxy{
		opts: o, target: u,
		// The proxy forwards what the fake answers, redirects included.
		client:  &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		left:    map[*Fault]int{},
		cleared: make(chan struct{}),
	}, nil
}

// Inject installs faults; the first whose Match selects a request applies to it.
func (p *Proxy) Inject(fs ...*Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range fs {
		p.faults = append(p.faults, f)
		p.left[f] = f.Times
	}
}

// Clear removes every fault and releases hanging requests. The skew stays.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults, p.left = nil, map[*Fault]int{}
	close(p.cleared)
	p.cleared = make(chan struct{})
}

// Skew sets how far ahead of the proxy's clock the Date header runs: the vendor's clock skew.
func (p *Proxy) Skew(d time.Duration) {
	p.mu.Lock()
	p.skew = d
	p.mu.Unlock()
}

// Log returns the requests so far, oldest first.
func (p *Proxy) Log() []Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Request(nil), p.log...)
}

// take returns the fault for r, counting it against its Times.
func (p *Proxy) take(r *http.Request) (*Fault, chan struct{}, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, f := range p.faults {
		if f.Match != nil && !f.Match(r) {
			continue
		}
		if f.Times > 0 {
			p.left[f]--
			if p.left[f] <= 0 {
				p.faults = append(p.faults[:i:i], p.faults[i+1:]...)
			}
		}
		return f, p.cleared, p.skew
	}
	return nil, p.cleared, p.skew
}

// ServeHTTP applies the fault for r, if any, or passes r to the fake.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	at := p.opts.Now()
	f, cleared, skew := p.take(r)
	rec := &recorder{ResponseWriter: w}
	entry := Request{At: at, Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Class: p.opts.Classify(r),
		Auth: r.Header.Get("Authorization") != ""}
	if f != nil {
		entry.Fault, entry.RetryAfter = f.Name, f.RetryAfter
	}
	defer func() {
		entry.Status = rec.status
		p.mu.Lock()
		p.log = append(p.log, entry)
		p.mu.Unlock()
	}()
	rec.Header().Set("Date", p.opts.Now().Add(skew).UTC().Format(http.TimeFormat))
	switch {
	case f == nil:
		p.pass(rec, r, nil, nil)
	case f.Serve != nil:
		f.Serve(rec, r)
	case f.Status != 0:
		for k, vs := range f.Header {
			rec.Header()[k] = vs
		}
		if f.RetryAfter != "" {
			rec.Header().Set("Retry-After", f.RetryAfter)
		}
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteHeader(f.Status)
		_, _ = io.WriteString(rec, `{"error":"`+http.StatusText(f.Status)+`"}`)
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-cleared:
			rec.Header().Set("Content-Type", "application/json")
			rec.WriteHeader(http.StatusServiceUnavailable)
		}
	case f.Malformed:
		rec.Header().Set("Content-Type", "application/json")
		rec.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(rec, `{"issues":[{"id":"1","key":`)
	case f.Huge > 0:
		huge(rec, f.Huge)
	case f.Redirect != "":
		rec.Header().Set("Location", strings.TrimRight(f.Redirect, "/")+r.URL.RequestURI())
		rec.WriteHeader(http.StatusFound)
	case f.Truncate:
		p.pass(rec, r, f.Query, func(body []byte) {
			rec.Header().Set("Content-Length", strconv.Itoa(len(body)))
			rec.WriteHeader(http.StatusOK)
			_, _ = rec.Write(body[:len(body)/2])
			rec.status = -http.StatusOK // counted as cut off
			panic(http.ErrAbortHandler) // the server drops the connection mid-body
		})
	default: // Rewrite, Header, Query: the fake's answer, changed
		p.pass(rec, r, f.Query, func(body []byte) {
			if f.Rewrite != nil {
				body = f.Rewrite(r, body)
			}
			for k, vs := range f.Header {
				rec.Header()[k] = vs
			}
			rec.Header().Set("Content-Length", strconv.Itoa(len(body)))
			rec.WriteHeader(http.StatusOK)
			_, _ = rec.Write(body)
		})
	}
}

// pass forwards r to the fake, its query changed by query when given, and copies the answer; a
// 2xx body goes through write when given.
func (p *Proxy) pass(w *recorder, r *http.Request, query func(url.Values), write func(body []byte)) {
	u := *p.target
	u.Path = strings.TrimRight(p.target.Path, "/") + r.URL.Path
	u.RawQuery = r.URL.RawQuery
	if query != nil {
		q := r.URL.Query()
		query(q)
		u.RawQuery = q.Encode()
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, u.String(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, vs := range r.Header {
		out.Header[k] = vs
	}
	out.Header.Del("Accept-Encoding") // plain bodies, so rewrites read JSON
	resp, err := p.client.Do(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	for k, vs := range resp.Header {
		if k != "Date" && k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	if write != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		write(body)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// huge streams a JSON object of n bytes: {"pad":"xxx...x"}.
func huge(w http.ResponseWriter, n int64) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(http.StatusOK)
	head, tail := `{"pad":"`, `"}`
	_, _ = io.WriteString(w, head)
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for left := n - int64(len(head)+len(tail)); left > 0; {
		k := min(left, int64(len(chunk)))
		if _, err := w.Write(chunk[:k]); err != nil {
			return // the client stopped reading: what a body cap does
		}
		left -= k
	}
	_, _ = io.WriteString(w, tail)
}

// recorder remembers the status written.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}
