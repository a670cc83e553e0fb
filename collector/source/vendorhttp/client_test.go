package vendorhttp

import (
	"compress/gzip"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	promconfig "github.com/prometheus/common/config"

	"github.com/custops/custops/collector/config"
)

// Each test below is one behaviour of the policy, against a small httptest handler that does
// only that (blackbox_exporter's prober/http_test.go style).

// sequence answers the i-th request with steps[i] (the last one repeats) and counts requests.
func sequence(steps ...func(w http.ResponseWriter, r *http.Request)) (http.Handler, *atomic.Int32) {
	var n atomic.Int32
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		steps[min(i, len(steps)-1)](w, r)
	}), &n
}

func ok(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, `{"ok": true}`) }

func status(code int, header ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"errorMessages": ["try later"]}`)
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name      string
		first     func(http.ResponseWriter, *http.Request)
		wantSleep time.Duration
		waits     float64 // counted as rate-limit waits
	}{
		{"429 seconds", status(429, "Retry-After", "7"), 7 * time.Second, 1},
		{"429 HTTP date", status(429, "Retry-After", t0.Add(12*time.Second).Format(http.TimeFormat)), 12 * time.Second, 1},
		{"503 seconds", status(503, "Retry-After", "3"), 3 * time.Second, 1},
		{"429 without Retry-After backs off", status(429), 375 * time.Millisecond, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			handler, n := sequence(tc.first, ok)
			srv := httptest.NewServer(handler)
			defer srv.Close()
			h := newHarness(t, srv.URL, nil)
			got, err := h.get()
			if err != nil || !got {
				t.Fatalf("get: %v, %v", got, err)
			}
			if sleeps := h.clock.Sleeps(); !slices.Equal(sleeps, []time.Duration{tc.wantSleep}) {
				t.Errorf("sleeps: got %v, want [%v]", sleeps, tc.wantSleep)
			}
			if waits, _ := h.stats.RateLimitWaits(); waits != tc.waits || n.Load() != 2 {
				t.Errorf("rate-limit waits %v after %d requests, want %v after 2", waits, n.Load(), tc.waits)
			}
		})
	}
}

func TestServerErrorsBackOffThenSucceed(t *testing.T) {
	handler, _ := sequence(status(500), status(502), func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		status(504)(w, nil)
	}, ok)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	if got, err := h.get(); err != nil || !got {
		t.Fatalf("get: %v, %v", got, err)
	}
	// Equal jitter at 0.5: 3/4 of 500ms, 1s, 2s.
	want := []time.Duration{375 * time.Millisecond, 750 * time.Millisecond, 1500 * time.Millisecond}
	if sleeps := h.clock.Sleeps(); !slices.Equal(sleeps, want) {
		t.Errorf("sleeps: got %v, want %v", sleeps, want)
	}
	for code, want := range map[string]float64{"500": 1, "502": 1, "504": 1, "200": 1} {
		if got := h.count(code); got != want {
			t.Errorf("requests with code %s: got %v, want %v", code, got, want)
		}
	}
	if !strings.Contains(h.logs.String(), "request_retry") {
		t.Errorf("retries not logged: %s", h.logs.String())
	}
}

func TestServerErrorsOutlastRetries(t *testing.T) {
	handler, n := sequence(status(503))
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	_, err := h.get()
	if !errors.Is(err, ErrServer) || n.Load() != maxRetries+1 {
		t.Fatalf("got %v after %d requests, want ErrServer after %d", err, n.Load(), maxRetries+1)
	}
	want := fmt.Sprintf(`jira source "jsm": GET %s/rest/x: server error after 5 attempts: 503`, srv.URL)
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
}

func TestTransportErrorRetried(t *testing.T) {
	handler, n := sequence(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close() // no answer at all
		}
	}, ok)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	if got, err := h.get(); err != nil || !got || n.Load() != 2 {
		t.Fatalf("get: %v, %v after %d requests; want success after 2", got, err, n.Load())
	}
	if h.count("0") != 1 {
		t.Errorf("transport errors counted: got %v, want 1 (code 0)", h.count("0"))
	}
}

func TestRequestTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers
	}))
	defer srv.Close()
	h := newHarness(t, srv.URL, func(o *Options) { o.Timeout = 20 * time.Millisecond })
	start := time.Now()
	_, err := h.get()
	if !errors.Is(err, ErrServer) || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("got %v, want ErrServer naming the deadline", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("5 attempts of 20ms took %v", el)
	}
}

// TestWaitAboveCapEndsThePoll: a Retry-After of a day fails the request at once (the source
// goes down with the reason), and the next request does not go out before that day is over,
// without sleeping and without asking again.
func TestWaitAboveCapEndsThePoll(t *testing.T) {
	for _, tc := range []struct {
		name  string
		first func(http.ResponseWriter, *http.Request)
		why   string
		good  bool // the first answer is good: the request after it is the one held
	}{
		{"429 Retry-After a day", status(429, "Retry-After", "86400"), "429 with Retry-After", false},
		{"503 Retry-After a day", status(503, "Retry-After", "86400"), "503 with Retry-After", false},
		{"reset header a day ahead", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", t0.Add(24*time.Hour-time.Minute).Format("2006-01-02T15:04Z"))
			ok(w, r)
		}, "X-RateLimit-Remaining: 0", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			handler, n := sequence(tc.first, ok)
			srv := httptest.NewServer(handler)
			defer srv.Close()
			h := newHarness(t, srv.URL, nil)
			_, err := h.get()
			if tc.good {
				if err != nil {
					t.Fatal(err)
				}
				_, err = h.get()
			}
			if !errors.Is(err, ErrRateLimited) || !strings.Contains(err.Error(), "in 24h0m0s ("+tc.why+")") {
				t.Fatalf("got %v, want ErrRateLimited saying when and why", err)
			}
			if n.Load() != 1 || len(h.clock.Sleeps()) != 0 {
				t.Fatalf("sent %d, slept %v; want 1 sent and no sleep", n.Load(), h.clock.Sleeps())
			}
			h.clock.Advance(23 * time.Hour)
			if _, err := h.get(); !errors.Is(err, ErrRateLimited) || n.Load() != 1 {
				t.Fatalf("an hour before the vendor allows: got %v after %d requests, want ErrRateLimited and nothing sent", err, n.Load())
			}
			h.clock.Advance(time.Hour)
			if got, err := h.get(); err != nil || !got {
				t.Fatalf("after the day: %v, %v", got, err)
			}
		})
	}
}

func TestRateLimitStormGivesUp(t *testing.T) {
	handler, n := sequence(status(429, "Retry-After", "1"))
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	if _, err := h.get(); !errors.Is(err, ErrRateLimited) || n.Load() != maxRateLimitRetries+1 {
		t.Fatalf("got %v after %d requests, want ErrRateLimited after %d", err, n.Load(), maxRateLimitRetries+1)
	}
}

func TestLimiterPaces(t *testing.T) {
	handler, _ := sequence(ok)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, func(o *Options) {
		o.Limits = map[string]Limit{"export": {Every: 6 * time.Second, Burst: 1}, "": {Every: time.Second, Burst: 2}}
	})
	for _, class := range []string{"", "", "", "export", "export"} {
		if err := h.c.Do(context.Background(), Request{Endpoint: "x", Class: class, Path: "/rest/x"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Default class: two at once, the third a second later. Export: one, the next 6s later.
	want := []time.Duration{time.Second, 6 * time.Second}
	if got := h.clock.Sleeps(); !slices.Equal(got, want) {
		t.Errorf("sleeps: got %v, want %v", got, want)
	}
	if n, total := h.stats.RateLimitWaits(); n != 2 || total != 7*time.Second {
		t.Errorf("rate-limit waits: %v totalling %v, want 2 totalling 7s", n, total)
	}
}

func TestPacingHeaderHoldsNextRequest(t *testing.T) {
	handler, _ := sequence(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", t0.Add(30*time.Second).Format(time.RFC3339))
		ok(w, r)
	}, ok)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	for range 2 {
		if _, err := h.get(); err != nil {
			t.Fatal(err)
		}
	}
	if got := h.clock.Sleeps(); !slices.Equal(got, []time.Duration{30 * time.Second}) {
		t.Errorf("sleeps: got %v, want [30s] (until the reset)", got)
	}
}

func TestAccountHold(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header http.Header
		want   time.Duration // 0: no hold
	}{
		{"plenty left", http.Header{"X-Ratelimit-Remaining": {"250"}, "X-Ratelimit-Reset": {"30"}}, 0},
		{"no headers", http.Header{}, 0},
		{"jira RFC 3339 reset", http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {t0.Add(42 * time.Second).Format(time.RFC3339)}}, 42 * time.Second},
		// Atlassian writes the reset to the minute: 14:31 means within 14:31:00-14:31:59.
		{"jira reset to the minute", http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"2026-03-10T14:31Z"}}, 2 * time.Minute},
		{"reset to the minute, Retry-After later", http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"2026-03-10T14:30Z"}, "Retry-After": {"90"}}, 90 * time.Second},
		{"reset in the past", http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {"2026-03-10T13:00Z"}}, fallbackHold},
		{"epoch seconds", http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Reset": {fmt.Sprint(t0.Unix() + 5)}}, 5 * time.Second},
		{"data center retry-after", http.Header{"X-Ratelimit-Remaining": {"0"}, "Retry-After": {"4"}}, 4 * time.Second},
		{"zendesk none left, no reset", http.Header{"X-Rate-Limit-Remaining": {"0"}}, fallbackHold},
		{"zendesk ratelimit-reset", http.Header{"Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"37"}}, 37 * time.Second},
		{"several policies, first binds", http.Header{"Ratelimit-Remaining": {"0, 10;w=60"}, "Ratelimit-Reset": {"5"}}, 5 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			until, _, held := accountHold(tc.header, t0)
			if got := until.Sub(t0); held != (tc.want > 0) || (held && got != tc.want) {
				t.Errorf("hold: got %v (held %v), want %v", got, held, tc.want)
			}
		})
	}
}

func TestEndpointHoldKeepsOtherClassesGoing(t *testing.T) {
	handler, _ := sequence(func(w http.ResponseWriter, r *http.Request) {
		// https://developer.zendesk.com/documentation/api-basics/best-practices/best-practices-for-avoiding-rate-limiting/
		w.Header().Set("Zendesk-RateLimit-Tickets-Index", "total=100; remaining=0; resets=41")
		ok(w, r)
	}, ok)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, func(o *Options) {
		o.Limits = map[string]Limit{"list": {Every: time.Millisecond, Burst: 100}, "": {Every: time.Millisecond, Burst: 100}}
	})
	do := func(class string) {
		if err := h.c.Do(context.Background(), Request{Endpoint: "x", Class: class, Path: "/rest/x"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	do("list")
	do("") // another endpoint: not held
	if got := h.clock.Sleeps(); len(got) != 0 {
		t.Fatalf("the other class waited %v", got)
	}
	do("list")
	if got := h.clock.Sleeps(); !slices.Equal(got, []time.Duration{41 * time.Second}) {
		t.Errorf("the held class: sleeps %v, want [41s]", got)
	}
}

func TestRetryAfterParse(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"12", 12 * time.Second, true},
		{"0", 0, true},
		{t0.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{t0.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"", 0, false},
		{"soon", 0, false},
		{"-3", 0, false},
	} {
		got, ok := retryAfter(http.Header{"Retry-After": {tc.value}}, t0)
		if got != tc.want || ok != tc.ok {
			t.Errorf("Retry-After %q: got %v %v, want %v %v", tc.value, got, ok, tc.want, tc.ok)
		}
	}
}

func TestUnauthorizedNotRetried(t *testing.T) {
	handler, n := sequence(status(401))
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	_, err := h.get()
	if !errors.Is(err, ErrUnauthorized) || n.Load() != 1 || !strings.HasSuffix(err.Error(), ": check auth") {
		t.Errorf("got %v after %d requests, want ErrUnauthorized with the hint after 1", err, n.Load())
	}
}

func TestMalformedNotRetried(t *testing.T) {
	for name, body := range map[string]string{
		"truncated":    `{"ok": tr`,
		"wrong type":   `{"ok": "yes"}`,
		"two values":   `{"ok": true} {"ok": false}`,
		"not json":     `<html>maintenance</html>`,
		"empty 200 ok": ``,
	} {
		t.Run(name, func(t *testing.T) {
			handler, n := sequence(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, body) })
			srv := httptest.NewServer(handler)
			defer srv.Close()
			h := newHarness(t, srv.URL, nil)
			if _, err := h.get(); !errors.Is(err, ErrMalformed) || n.Load() != 1 {
				t.Errorf("got %v after %d requests, want ErrMalformed after 1", err, n.Load())
			}
		})
	}
}

func TestStatusErrorKeepsTheBody(t *testing.T) {
	handler, n := sequence(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(400)
		_, _ = io.WriteString(w, `{"errorMessages":["An issue with key 'SUP-9' does not exist for field 'key'."]}`)
	})
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	_, err := h.get()
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 400 || !strings.Contains(string(se.Body), "SUP-9") || n.Load() != 1 {
		t.Errorf("got %v after %d requests, want a StatusError 400 with the body, not retried", err, n.Load())
	}
}

func TestGzipAnswer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept-Encoding") != "gzip" {
			http.Error(w, "want gzip", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		_, _ = io.WriteString(zw, `{"ok": true}`)
		_ = zw.Close()
	}))
	defer srv.Close()
	if got, err := newHarness(t, srv.URL, nil).get(); err != nil || !got {
		t.Errorf("get: %v, %v", got, err)
	}
}

// TestLargeAnswerReleased: a 64 MiB answer is refused at MaxBody, and once the request is over
// the heap is back where it was: nothing keeps the answer's buffers.
func TestLargeAnswerReleased(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"ok": true, "pad": "`)
		chunk := []byte(strings.Repeat("x", 1<<20))
		for range 64 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = io.WriteString(w, `"}`)
	}))
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	before := heap()
	_, err := h.get()
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "larger than 32 MiB") {
		t.Fatalf("got %v, want ErrMalformed naming the cap", err)
	}
	if after := heap(); after > before+4<<20 {
		t.Errorf("heap after the request: %d MiB, before: %d MiB; the answer's buffers were kept", after>>20, before>>20)
	}
}

func TestCredentials(t *testing.T) {
	dir := t.TempDir()
	tokenFile := write(t, dir, "token", []byte("first-token\n"))
	inMemory := promconfig.Secret("in-memory-token")
	for _, tc := range []struct {
		name   string
		cred   Credential
		want   []string // Authorization of two requests, the token file rewritten between them
		rotate bool
	}{
		{"basic from env", Credential{BasicUser: testUser, Token: config.Auth{TokenEnv: "CUSTOPS_TEST_VH_TOKEN"}},
			[]string{basic(testUser, testToken), basic(testUser, testToken)}, false},
		{"zendesk basic", Credential{BasicUser: testUser + "/token", Token: config.Auth{TokenEnv: "CUSTOPS_TEST_VH_TOKEN"}},
			[]string{basic(testUser+"/token", testToken), basic(testUser+"/token", testToken)}, false},
		{"bearer from env", Credential{Token: config.Auth{TokenEnv: "CUSTOPS_TEST_VH_TOKEN"}},
			[]string{"Bearer " + testToken, "Bearer " + testToken}, false},
		{"bearer from a rotated file", Credential{Token: config.Auth{TokenFile: tokenFile}},
			[]string{"Bearer first-token", "Bearer second-token"}, true},
		{"basic from a rotated file", Credential{BasicUser: testUser, Token: config.Auth{TokenFile: tokenFile}},
			[]string{basic(testUser, "first-token"), basic(testUser, "second-token")}, true},
		{"bearer given in memory", Credential{Token: config.Auth{Secret: &inMemory}},
			[]string{"Bearer in-memory-token", "Bearer in-memory-token"}, false},
		{"none", Credential{}, []string{"", ""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			write(t, dir, "token", []byte("first-token\n"))
			var got []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = append(got, r.Header.Get("Authorization"))
				ok(w, r)
			}))
			defer srv.Close()
			h := newHarness(t, srv.URL, func(o *Options) { o.Credential = tc.cred })
			for i := range 2 {
				if tc.rotate && i == 1 {
					write(t, dir, "token", []byte("second-token\n"))
				}
				if _, err := h.get(); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Authorization: got %q, want %q", got, tc.want)
			}
		})
	}
}

func basic(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

func TestNewRefuses(t *testing.T) {
	t.Setenv("CUSTOPS_TEST_VH_TOKEN", testToken)
	env := Credential{Token: config.Auth{TokenEnv: "CUSTOPS_TEST_VH_TOKEN"}}
	own := promconfig.DefaultHTTPClientConfig
	own.Authorization = &promconfig.Authorization{Type: "Bearer", CredentialsFile: "/run/secrets/x"}
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"no url", Options{Vendor: "jira", Source: "j"}, `jira source "j": url "" is not an http(s) URL`},
		{"credentials in url", Options{Vendor: "jira", Source: "j", URL: "https://u:p@x.atlassian.net"}, "url must not carry credentials; use auth"},
		{"missing variable", Options{Vendor: "zendesk", Source: "z", URL: "https://x.zendesk.com", Credential: Credential{Token: config.Auth{TokenEnv: "CUSTOPS_TEST_UNSET"}}},
			`zendesk source "z": auth: environment variable CUSTOPS_TEST_UNSET is not set`},
		{"credential in http_client_config", Options{Vendor: "jira", Source: "j", URL: "https://x.atlassian.net", HTTP: own, Credential: env},
			"http_client_config must not carry credentials: the token comes from auth"},
		{"missing CA file", Options{Vendor: "jira", Source: "j", URL: "https://x.atlassian.net", HTTP: promconfig.HTTPClientConfig{
			TLSConfig: promconfig.TLSConfig{CAFile: "/nonexistent/ca.pem"}}}, "/nonexistent/ca.pem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.o, sourceDeps())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestRedirectToAnotherPortRefused: Zendesk and Jira answers that redirect to another port (or
// host, or scheme) are refused before anything is sent there, so the token stays home; a
// redirect within the same server is followed, with the credential.
func TestRedirectToAnotherPortRefused(t *testing.T) {
	var elsewhere []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere = append(elsewhere, r.Header.Get("Authorization"))
		ok(w, r)
	}))
	defer other.Close()
	var home []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		home = append(home, r.URL.Path+" "+r.Header.Get("Authorization"))
		switch r.URL.Path {
		case "/rest/x":
			http.Redirect(w, r, other.URL+"/rest/x", http.StatusFound) // same host, another port
		case "/rest/moved":
			http.Redirect(w, r, "/rest/here", http.StatusMovedPermanently)
		default:
			ok(w, r)
		}
	}))
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	_, err := h.get()
	if !errors.Is(err, ErrRedirect) || !strings.Contains(err.Error(), "another scheme, host or port") || strings.Contains(err.Error(), testToken) {
		t.Errorf("redirect to another port: got %v, want ErrRedirect without the token", err)
	}
	if len(elsewhere) != 0 || len(home) != 1 {
		t.Errorf("the other port got %d requests (Authorization %q), home %d; want 0 and 1, not retried", len(elsewhere), elsewhere, len(home))
	}
	if err := h.c.Do(context.Background(), Request{Endpoint: "x", Path: "/rest/moved"}, nil); err != nil {
		t.Fatalf("a redirect within the server: %v", err)
	}
	auth := basic(testUser, testToken)
	if want := []string{"/rest/moved " + auth, "/rest/here " + auth}; !slices.Equal(home[1:], want) {
		t.Errorf("same-server redirect: got %q, want %q", home[1:], want)
	}
	off := newHarness(t, srv.URL, func(o *Options) { o.HTTP.FollowRedirects = false })
	if err := off.c.Do(context.Background(), Request{Endpoint: "x", Path: "/rest/moved"}, nil); !errors.Is(err, ErrRedirect) {
		t.Errorf("follow_redirects false: got %v, want ErrRedirect", err)
	}
}

// TestTLSPrivateCAAndClientCertificate: an on-premises Jira with a certificate from a private CA
// that asks for a client certificate, configured through http_client_config.tls_config.
func TestTLSPrivateCAAndClientCertificate(t *testing.T) {
	p := newPKI(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName != "custops" {
			http.Error(w, "no client certificate", http.StatusForbidden)
			return
		}
		ok(w, r)
	}))
	cert, err := tls.X509KeyPair(p.serverCert, p.serverKey)
	if err != nil {
		t.Fatal(err)
	}
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: p.pool}
	srv.StartTLS()
	defer srv.Close()
	withTLS := func(tc promconfig.TLSConfig) func(*Options) {
		return func(o *Options) { o.HTTP.TLSConfig = tc }
	}
	h := newHarness(t, srv.URL, withTLS(promconfig.TLSConfig{CAFile: p.caFile, CertFile: p.clientFile, KeyFile: p.clientKey}))
	if got, err := h.get(); err != nil || !got {
		t.Fatalf("with the private CA and the client certificate: %v, %v", got, err)
	}
	wrongCA := newHarness(t, srv.URL, withTLS(promconfig.TLSConfig{CAFile: p.otherCAFile, CertFile: p.clientFile, KeyFile: p.clientKey}))
	if _, err := wrongCA.get(); err == nil || !strings.Contains(err.Error(), "certificate") || wrongCA.count("0") != 1 {
		t.Errorf("another CA: got %v after %v attempts, want one failed verification, not retried", err, wrongCA.count("0"))
	}
	noCert := newHarness(t, srv.URL, withTLS(promconfig.TLSConfig{CAFile: p.caFile}))
	if _, err := noCert.get(); err == nil {
		t.Errorf("without a client certificate: got no error")
	}
}

// TestProxyURLUsed: requests go through http_client_config.proxy_url, with the credential.
func TestProxyURLUsed(t *testing.T) {
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.String()+" "+r.Header.Get("Authorization"))
		ok(w, r)
	}))
	defer proxy.Close()
	pu, err := url.Parse(proxy.URL)
	if err != nil {
		t.Fatal(err)
	}
	// jira.invalid never resolves: only the proxy can answer for it.
	h := newHarness(t, "http://jira.invalid/base", func(o *Options) { o.HTTP.ProxyURL = promconfig.URL{URL: pu} })
	if got, err := h.get(); err != nil || !got {
		t.Fatalf("through the proxy: %v, %v", got, err)
	}
	if want := []string{"GET http://jira.invalid/base/rest/x " + basic(testUser, testToken)}; !slices.Equal(seen, want) {
		t.Errorf("the proxy saw %q, want %q", seen, want)
	}
}

// TestSecretNeverPrinted drives every failure path with the token in the environment and looks
// for it (and its basic-auth form) in every error, every log line and the client's own dump.
func TestSecretNeverPrinted(t *testing.T) {
	var sent atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(ok))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == basic(testUser, testToken) {
			sent.Add(1)
		}
		switch r.URL.Path {
		case "/401":
			status(401)(w, r)
		case "/500":
			status(500)(w, r)
		case "/400":
			status(400)(w, r)
		case "/redirect":
			http.Redirect(w, r, other.URL, http.StatusFound)
		case "/429":
			status(429, "Retry-After", "86400")(w, r)
		case "/bad":
			_, _ = io.WriteString(w, `{"ok":`)
		}
	}))
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	var out []string
	for _, path := range []string{"/401", "/500", "/400", "/redirect", "/bad", "/429", "/429"} {
		err := h.c.Do(context.Background(), Request{Endpoint: "x", Path: path}, new(any))
		if err == nil {
			t.Fatalf("%s: no error", path)
		}
		out = append(out, err.Error())
	}
	closed := newHarness(t, "http://127.0.0.1:1", nil)
	if _, err := closed.get(); err != nil {
		out = append(out, err.Error())
	}
	out = append(out, h.logs.String(), closed.logs.String(), fmt.Sprintf("%+v %#v", h.c, h.c))
	all := strings.Join(out, "\n")
	for _, secret := range []string{testToken, strings.TrimPrefix(basic(testUser, testToken), "Basic ")} {
		if strings.Contains(all, secret) {
			t.Errorf("output holds the credential %q:\n%s", secret, all)
		}
	}
	if sent.Load() == 0 || !strings.Contains(h.logs.String(), "request_retry") {
		t.Errorf("the server got the token %d times, logs %q: the check above looked at nothing real", sent.Load(), h.logs.String())
	}
}

// TestConcurrentRequests: the client is shared by a source's concurrent requests.
func TestConcurrentRequests(t *testing.T) {
	handler, n := sequence(status(429, "Retry-After", "1"), ok)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	h := newHarness(t, srv.URL, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := h.get(); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n.Load() != 9 {
		t.Errorf("requests: got %d, want 9", n.Load())
	}
}

func TestTokenFileChecked(t *testing.T) {
	dir := t.TempDir()
	_, err := New(Options{Vendor: "jira", Source: "j", URL: "https://x.atlassian.net",
		Credential: Credential{Token: config.Auth{TokenFile: filepath.Join(dir, "missing")}}}, sourceDeps())
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing token_file: got %v, want a start-up error", err)
	}
}
