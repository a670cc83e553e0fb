package report

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/ticket"
)

// fakeSource serves a fixed snapshot and tickets, as the poller would.
type fakeSource struct {
	snap    *snapshot.Snapshot
	tickets []*ticket.Ticket
}

func (f fakeSource) Snapshot() (*snapshot.Snapshot, time.Duration) { return f.snap, time.Millisecond }
func (f fakeSource) Tickets() []*ticket.Ticket                     { return f.tickets }
func (f fakeSource) CustomerOf(t *ticket.Ticket) string            { return byProject(t) }
func (f fakeSource) Config() *config.Config                        { return testConfig() }
func (f fakeSource) Now() time.Time                                { return now }

func TestHandler(t *testing.T) {
	full := fakeSource{snap: testSnapshot(), tickets: []*ticket.Ticket{tk("A-1", clock(ticket.SLAFirstResponse, running(-time.Minute)))}}
	for _, tc := range []struct {
		name  string
		src   fakeSource
		path  string
		code  int
		holds string
		ctype string
	}{
		{"report", full, "/customers/acme/report", http.StatusOK, "<h1>Acme Acquiring</h1>", "text/html; charset=utf-8"},
		{"unknown customer", full, "/customers/nobody/report", http.StatusNotFound, `unknown customer "nobody"`, "text/plain; charset=utf-8"},
		{"no snapshot yet", fakeSource{}, "/customers/acme/report", http.StatusServiceUnavailable, "first poll", "text/plain; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle("GET /customers/{id}/report", Handler(func() Source { return tc.src }))
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
