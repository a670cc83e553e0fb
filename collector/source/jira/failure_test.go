package jira

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	promconfig "github.com/prometheus/common/config"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/internal/demo/jirafake"
)

func searchTimes(e *env) ([]time.Duration, []int) {
	var at []time.Duration
	var codes []int
	for _, r := range e.searches() {
		at = append(at, r.Time.Sub(t0))
		codes = append(codes, r.Status)
	}
	return at, codes
}

func TestRateLimitStormHonoursRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name       string
		n          int
		retryAfter string
		wantAt     []time.Duration
	}{
		{"seconds", 3, "2", []time.Duration{0, 2 * time.Second, 4 * time.Second, 6 * time.Second}},
		{"http date", 1, t0.Add(5 * time.Second).Format(http.TimeFormat), []time.Duration{0, 5 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
			e.put(t, mk(keyN(1), t0.Add(-time.Hour)))
			e.fake.FailNext(tc.n, jirafake.Fault{Endpoint: "search", Status: http.StatusTooManyRequests, RetryAfter: tc.retryAfter})
			e.poll(t)
			at, codes := searchTimes(e)
			if !slices.Equal(at, tc.wantAt) {
				t.Errorf("search request times after t0: got %v, want %v", at, tc.wantAt)
			}
			wantCodes := append(slices.Repeat([]int{429}, tc.n), 200)
			if !slices.Equal(codes, wantCodes) {
				t.Errorf("codes: got %v, want %v", codes, wantCodes)
			}
			n, total := e.stats.RateLimitWaits()
			if int(n) != tc.n || total != tc.wantAt[len(tc.wantAt)-1] {
				t.Errorf("rate limit waits: got %v totalling %v, want %d totalling %v", n, total, tc.n, tc.wantAt[len(tc.wantAt)-1])
			}
			if got := countOf(e.stats, "search", "429"); got != float64(tc.n) {
				t.Errorf("search 429 counter: got %v, want %d", got, tc.n)
			}
			if e.st.Len() != 1 {
				t.Errorf("stored after the storm: got %d, want 1", e.st.Len())
			}
		})
	}
}

func countOf(s *source.Stats, endpoint, code string) float64 {
	for _, r := range s.Requests() {
		if r.Endpoint == endpoint && r.Code == code {
			return r.Count
		}
	}
	return 0
}

func TestRateLimitGivesUp(t *testing.T) {
	t.Run("endless storm", func(t *testing.T) {
		e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
		e.fake.FailNext(100, jirafake.Fault{Endpoint: "search", Status: 429, RetryAfter: "1"})
		err := e.src.Poll(context.Background(), e.st)
		if !errors.Is(err, vendorhttp.ErrRateLimited) {
			t.Fatalf("Poll: got %v, want vendorhttp.ErrRateLimited", err)
		}
		if got := len(e.searches()); got != 9 {
			t.Errorf("requests: got %d, want 9 (8 waits, then give up)", got)
		}
	})
	t.Run("wait longer than a poll", func(t *testing.T) {
		e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
		e.put(t, mk(keyN(1), t0.Add(-time.Hour)))
		e.fake.FailNext(1, jirafake.Fault{Endpoint: "search", Status: 429, RetryAfter: "3600"})
		if err := e.src.Poll(context.Background(), e.st); !errors.Is(err, vendorhttp.ErrRateLimited) {
			t.Fatalf("Poll: got %v, want vendorhttp.ErrRateLimited", err)
		}
		// The next poll within the hour does not ask again: Jira said when.
		e.clock.Advance(10 * time.Minute)
		if err := e.src.Poll(context.Background(), e.st); !errors.Is(err, vendorhttp.ErrRateLimited) {
			t.Fatalf("second Poll: got %v, want vendorhttp.ErrRateLimited", err)
		}
		if got := len(e.searches()); got != 1 {
			t.Errorf("searches within the hour: got %d, want 1", got)
		}
		e.clock.Advance(50 * time.Minute)
		e.poll(t)
		if e.st.Len() != 1 {
			t.Errorf("stored after the hour: got %d, want 1", e.st.Len())
		}
	})
}

func TestRateLimitHintsPace(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP", PageSize: 10})
	for i := 1; i <= 15; i++ {
		e.put(t, mk(keyN(i), t0.Add(-time.Duration(i)*time.Minute)))
	}
	// The first page says the budget is spent until t0+30s.
	e.fake.FailNext(1, jirafake.Fault{Endpoint: "search", Header: http.Header{
		"X-Ratelimit-Remaining": {"0"},
		"X-Ratelimit-Reset":     {t0.Add(30 * time.Second).Format(time.RFC3339)},
	}})
	e.poll(t)
	at, codes := searchTimes(e)
	if want := []time.Duration{0, 30 * time.Second}; !slices.Equal(at, want) {
		t.Errorf("page times: got %v, want %v", at, want)
	}
	if !slices.Equal(codes, []int{200, 200}) {
		t.Errorf("codes: got %v, want no 429", codes)
	}
	if n, _ := e.stats.RateLimitWaits(); n != 1 {
		t.Errorf("rate limit waits: got %v, want 1", n)
	}
}

// TestRetryAfterRealClock is the one test that really waits: a Retry-After of 1s must keep
// the next request at least a second away on the wall clock.
func TestRetryAfterRealClock(t *testing.T) {
	e := newEnv(t, jirafake.Options{Now: time.Now}, config.Source{JQL: "project = SUP"})
	e.deps.Now, e.deps.Sleep = time.Now, source.Sleep
	src, err := newSource(e.src.cfg, e.deps)
	if err != nil {
		t.Fatal(err)
	}
	e.src = src
	e.fake.FailNext(1, jirafake.Fault{Endpoint: "search", Status: 429, RetryAfter: "1"})
	e.poll(t)
	s := e.searches()
	if len(s) != 2 {
		t.Fatalf("searches: got %d, want 2", len(s))
	}
	gap := s[1].Time.Sub(s[0].Time)
	if gap < time.Second || gap > 5*time.Second {
		t.Errorf("gap after Retry-After: 1: got %v, want >= 1s (and not much more)", gap)
	}
	t.Logf("gap between the 429 and the retry: %v", gap)
}

func TestServerErrorsFailThePollAndKeepData(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     jirafake.Fault
		n         int
		wantErr   error
		wantCodes []int
		wantSleep []time.Duration
	}{
		{"503 outlasts retries", jirafake.Fault{Endpoint: "search", Status: 503}, 5, vendorhttp.ErrServer,
			[]int{200, 503, 503, 503, 503, 503},
			// equal jitter at 0.5: 3/4 of 500ms, 1s, 2s, 4s
			[]time.Duration{375 * time.Millisecond, 750 * time.Millisecond, 1500 * time.Millisecond, 3 * time.Second}},
		{"malformed JSON", jirafake.Fault{Endpoint: "search", Malformed: true}, 1, vendorhttp.ErrMalformed,
			[]int{200, 200}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP", PageSize: 10})
			for i := 1; i <= 5; i++ {
				e.put(t, mk(keyN(i), t0.Add(-time.Duration(100-i)*time.Minute)))
			}
			e.poll(t)
			goodCursor := e.st.Cursor()
			for i := 6; i <= 30; i++ {
				e.put(t, mk(keyN(i), t0.Add(-time.Duration(100-i)*time.Minute)))
			}
			e.fake.ResetRequests()
			e.fake.FailNext(1, jirafake.Fault{Endpoint: "search"}) // the first page goes through
			e.fake.FailNext(tc.n, tc.fault)
			sleepsBefore := len(e.clock.Sleeps())
			err := e.src.Poll(context.Background(), e.st)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("Poll: got %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), `"jsm"`) {
				t.Errorf("error %q does not name the source", err)
			}
			_, codes := searchTimes(e)
			if !slices.Equal(codes, tc.wantCodes) {
				t.Errorf("codes: got %v, want %v", codes, tc.wantCodes)
			}
			if got := e.clock.Sleeps()[sleepsBefore:]; !slices.Equal(got, tc.wantSleep) {
				t.Errorf("backoff sleeps: got %v, want %v", got, tc.wantSleep)
			}
			// The first page (SUP-1..5 again through the look-back, SUP-6..10 new) stays
			// applied and its cursor with it.
			if got := e.st.Len(); got != 10 {
				t.Errorf("stored after the failed poll: got %d, want 10", got)
			}
			if string(e.st.Cursor()) == string(goodCursor) {
				t.Errorf("cursor did not advance over the applied page")
			}
			e.poll(t)
			if got := e.st.Len(); got != 30 {
				t.Errorf("stored after recovery: got %d, want 30", got)
			}
		})
	}
}

func TestUnauthorizedNamesSourceNotToken(t *testing.T) {
	const secret = "s3cr3t-t0ken-do-not-print"
	for _, tc := range []struct {
		name   string
		flavor jirafake.Flavor
		email  string
		token  string // the token the source sends
		fault  bool   // a 401 injected after a good start
	}{
		{"cloud wrong token", jirafake.Cloud, "ops@example.com", secret, false},
		{"datacenter wrong pat", jirafake.DataCenter, "", secret, false},
		{"cloud token revoked mid-way", jirafake.Cloud, "ops@example.com", "right-token", true},
		{"datacenter forbidden", jirafake.DataCenter, "", "right-token", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("CUSTOPS_TEST_JIRA_TOKEN", tc.token)
			e := newEnv(t, jirafake.Options{Flavor: tc.flavor, Email: tc.email, Token: "right-token"},
				config.Source{JQL: "project = SUP", Auth: config.Auth{Email: tc.email, TokenEnv: "CUSTOPS_TEST_JIRA_TOKEN"}})
			path, code := "/rest/api/2/field", "401"
			switch {
			case tc.fault && tc.flavor == jirafake.Cloud:
				e.fake.FailNext(1, jirafake.Fault{Endpoint: "search", Status: 401})
				path = "/rest/api/3/search/jql"
			case tc.fault:
				e.fake.FailNext(1, jirafake.Fault{Endpoint: "search", Status: 403})
				path, code = "/rest/api/2/search", "403"
			}
			err := e.src.Poll(context.Background(), e.st)
			if !errors.Is(err, vendorhttp.ErrUnauthorized) {
				t.Fatalf("Poll: got %v, want vendorhttp.ErrUnauthorized", err)
			}
			msg := err.Error()
			for _, want := range []string{`"jsm"`, e.http.URL + path, code} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, tc.token) || strings.Contains(e.logs.String(), tc.token) {
				t.Errorf("the token leaked: error %q, logs %q", msg, e.logs.String())
			}
		})
	}
	t.Run("right credentials", func(t *testing.T) {
		for _, flavor := range []jirafake.Flavor{jirafake.Cloud, jirafake.DataCenter} {
			email := ""
			if flavor == jirafake.Cloud {
				email = "ops@example.com"
			}
			t.Setenv("CUSTOPS_TEST_JIRA_TOKEN", "right-token")
			e := newEnv(t, jirafake.Options{Flavor: flavor, Email: email, Token: "right-token"},
				config.Source{JQL: "project = SUP", Auth: config.Auth{Email: email, TokenEnv: "CUSTOPS_TEST_JIRA_TOKEN"}})
			e.put(t, mk(keyN(1), t0))
			e.poll(t)
			if e.st.Len() != 1 {
				t.Errorf("%s: stored %d, want 1", flavor, e.st.Len())
			}
		}
	})
}

func TestNewRejects(t *testing.T) {
	t.Setenv("CUSTOPS_TEST_JIRA_TOKEN", "a-token")
	for _, tc := range []struct {
		name string
		cfg  config.Source
		want string
	}{
		{"no url", config.Source{Name: "j"}, "not an http(s) URL"},
		{"credentials in url", config.Source{Name: "j", URL: "https://u:p@x.atlassian.net"}, "must not carry credentials"},
		{"credentials in http_client_config", config.Source{Name: "j", URL: "https://x.atlassian.net", Auth: config.Auth{TokenEnv: "CUSTOPS_TEST_JIRA_TOKEN"},
			HTTPClientConfig: promconfig.HTTPClientConfig{BearerTokenFile: "/run/secrets/pat"}}, "http_client_config must not carry credentials"},
		{"bad flavor", config.Source{Name: "j", URL: "https://x.atlassian.net", Flavor: "onprem"}, "want cloud or datacenter"},
		{"order by", config.Source{Name: "j", URL: "https://x.atlassian.net", JQL: "project = X order by key"}, "without ORDER BY"},
		{"missing env", config.Source{Name: "j", URL: "https://x.atlassian.net", Auth: config.Auth{TokenEnv: "CUSTOPS_TEST_UNSET_VAR"}}, "CUSTOPS_TEST_UNSET_VAR is not set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, source.Deps{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New: got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestRedirectElsewhereKeepsToken: a redirect to another host is refused, so the credential the
// transport adds to every request never reaches it.
func TestRedirectElsewhereKeepsToken(t *testing.T) {
	const secret = "s3cr3t-t0ken-do-not-send"
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("Authorization"))
	}))
	defer other.Close()
	jiraSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer jiraSrv.Close()
	t.Setenv("CUSTOPS_TEST_JIRA_TOKEN", secret)
	src, err := New(config.Source{Name: "jsm", URL: jiraSrv.URL, Flavor: "cloud",
		Auth: config.Auth{Email: "ops@example.com", TokenEnv: "CUSTOPS_TEST_JIRA_TOKEN"}},
		source.Deps{Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	err = src.Poll(context.Background(), newMemStore())
	if !errors.Is(err, vendorhttp.ErrRedirect) || strings.Contains(err.Error(), secret) {
		t.Errorf("Poll: got %v, want a refused redirect without the token", err)
	}
	if len(leaked) > 0 {
		t.Errorf("the other host got %d requests (Authorization %q)", len(leaked), leaked)
	}
}

func TestUnknownTimeZoneWidensTheWindow(t *testing.T) {
	e := newEnv(t, jirafake.Options{TimeZone: "Mars/Olympus_Mons"}, config.Source{JQL: "project = SUP"})
	e.put(t, mk(keyN(1), t0.Add(-time.Hour)))
	e.poll(t)
	e.fake.ResetRequests()
	e.poll(t)
	s := e.searches()
	// 13:30 UTC minus the 10m look-back minus 14h, written in UTC.
	if len(s) != 1 || s[0].JQL() != `(project = SUP) AND updated >= "2026-03-09 23:20" ORDER BY updated ASC, key ASC` {
		t.Errorf("searches: got %v", s)
	}
	if !strings.Contains(e.logs.String(), "time_zone_unknown") {
		t.Errorf("no warning logged: %s", e.logs.String())
	}
}

func TestCanceledPollStops(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
	e.put(t, mk(keyN(1), t0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.src.Poll(ctx, e.st); !errors.Is(err, context.Canceled) {
		t.Errorf("Poll: got %v, want context.Canceled", err)
	}
	if e.st.Len() != 0 {
		t.Errorf("stored: got %d, want 0", e.st.Len())
	}
}

func TestUnreadableCursorResyncs(t *testing.T) {
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP"})
	e.put(t, mk(keyN(1), t0.Add(-time.Hour)))
	e.st.CursorBytes = []byte("{not json")
	e.poll(t)
	s := e.searches()
	if len(s) != 1 || s[0].JQL() != "(project = SUP) ORDER BY updated ASC, key ASC" || e.st.Len() != 1 {
		t.Errorf("after an unreadable cursor: searches %v, stored %d; want one full sync", s, e.st.Len())
	}
	if !strings.Contains(e.logs.String(), "cursor_unreadable_resync") {
		t.Errorf("no warning logged")
	}
}
