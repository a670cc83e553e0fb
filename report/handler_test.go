package report

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/ticket"
)

// viewOf computes a view of tickets with the real matcher (acme's tickets carry project acme).
func viewOf(t *testing.T, tickets ...*ticket.Ticket) *poller.View {
	t.Helper()
	cfg := testConfig()
	cfg.Sources[0].CustomerFrom = []config.MatchRule{{Kind: config.MatchProject}}
	cfg.Customers[0].Match.Project = []string{"acme"}
	v, err := poller.NewView(cfg, tickets, now)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestHandler(t *testing.T) {
	full := viewOf(t, tk("A-1", clock(ticket.SLAFirstResponse, running(-time.Minute))))
	for _, tc := range []struct {
		name  string
		view  *poller.View
		path  string
		code  int
		holds string
		ctype string
	}{
		{"report", full, "/customers/acme/report", http.StatusOK, "<h1>Acme Acquiring</h1>", "text/html; charset=utf-8"},
		{"unknown customer", full, "/customers/nobody/report", http.StatusNotFound, `unknown customer "nobody"`, "text/plain; charset=utf-8"},
		{"no snapshot yet", nil, "/customers/acme/report", http.StatusServiceUnavailable, "first poll", "text/plain; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle("GET /customers/{id}/report", Handler(func() *poller.View { return tc.view }))
			srv := httptest.NewServer(mux)
			defer srv.Close()
			resp, err := http.Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.code {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tc.code)
			}
			if got := resp.Header.Get("Content-Type"); got != tc.ctype {
				t.Errorf("content type: got %q, want %q", got, tc.ctype)
			}
			if !strings.Contains(string(body), tc.holds) {
				t.Errorf("body lacks %q:\n%.500s", tc.holds, body)
			}
		})
	}
}
