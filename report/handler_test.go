package report

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/custops/custops/collector/poller"
)

func TestHandler(t *testing.T) {
	full := viewOf(t, weekTickets()...)
	for _, tc := range []struct {
		name  string
		view  *poller.View
		path  string
		code  int
		holds string
		lacks string
		ctype string
	}{
		{"report", full, "/customers/acme/report", http.StatusOK, `data-week="2026-W47" data-audience="customer"`, acmeCSM, "text/html; charset=utf-8"},
		{"report of a week", full, "/customers/acme/report?week=2026-W45", http.StatusOK, `data-week="2026-W45"`, "", "text/html; charset=utf-8"},
		{"internal report", full, "/customers/acme/report?audience=internal", http.StatusOK, acmeCSM, "", "text/html; charset=utf-8"},
		{"bad audience", full, "/customers/acme/report?audience=board", http.StatusBadRequest, `unknown audience "board"`, "", "text/plain; charset=utf-8"},
		{"bad week", full, "/customers/acme/report?week=2026-W99", http.StatusBadRequest, "does not exist", "", "text/plain; charset=utf-8"},
		{"unknown customer", full, "/customers/nobody/report", http.StatusNotFound, `unknown customer "nobody"`, "", "text/plain; charset=utf-8"},
		{"no snapshot yet", nil, "/customers/acme/report", http.StatusServiceUnavailable, "first poll", "", "text/plain; charset=utf-8"},
		{"meeting", full, "/customers/acme/meeting", http.StatusOK, `<header id="meeting" data-customer="acme">`, rivalText, "text/html; charset=utf-8"},
		{"meeting since", full, "/customers/acme/meeting?since=2026-11-16", http.StatusOK, "Since the last meeting (16.11.2026 00:00 EET)", "", "text/html; charset=utf-8"},
		{"meeting bad since", full, "/customers/acme/meeting?since=monday", http.StatusBadRequest, "neither a date", "", "text/plain; charset=utf-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle("GET /customers/{id}/report", Handler(func() *poller.View { return tc.view }))
			mux.Handle("GET /customers/{id}/meeting", MeetingHandler(func() *poller.View { return tc.view }))
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
				t.Errorf("body lacks %q:\n%.600s", tc.holds, body)
			}
			if tc.lacks != "" && strings.Contains(string(body), tc.lacks) {
				t.Errorf("body holds %q", tc.lacks)
			}
		})
	}
}
