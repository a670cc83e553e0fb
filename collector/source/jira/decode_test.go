package jira

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source/vendorhttp"
	"github.com/custops/custops/collector/ticket"
	"github.com/custops/custops/internal/demo/jirafake"
)

// oddSite is a Jira Cloud site whose one search page is body.
func oddSite(t *testing.T, body string) *env {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/rest/api/2/field", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(jirafake.DefaultFields())
	})
	mux.HandleFunc("/rest/api/2/myself", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, `{"timeZone": "UTC"}`)
	})
	mux.HandleFunc("/rest/api/3/search/jql", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, body)
	})
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	e := newEnv(t, jirafake.Options{}, config.Source{JQL: "project = SUP", Flavor: flavorCloud})
	cfg := e.src.cfg
	cfg.URL = hs.URL
	src, err := newSource(cfg, e.deps)
	if err != nil {
		t.Fatal(err)
	}
	e.src = src
	return e
}

// TestOddFieldShapesAreLeftOut: a field of another shape than expected (a custom field reused
// for something else, a system field an app rewrote) is left out of that ticket with one warning
// per field, and the poll goes on: one odd field must not fail every poll.
func TestOddFieldShapesAreLeftOut(t *testing.T) {
	e := oddSite(t, `{"isLast": true, "issues": [
	  {"id": "1", "key": "SUP-1", "fields": {"updated": "2026-03-10T10:00:00.000+0000", "summary": {"x": 1},
	    "priority": {"name": "High"}, "customfield_10030": "not an SLA"}},
	  {"id": "2", "key": "SUP-2", "fields": {"updated": "2026-03-10T10:01:00.000+0000", "summary": "fine",
	    "priority": {"name": "Low"}, "customfield_10030": ["not", "an", "SLA", "either"]}}]}`)
	e.poll(t)
	one, ok1 := e.st.Get("SUP-1")
	two, ok2 := e.st.Get("SUP-2")
	if !ok1 || !ok2 {
		t.Fatalf("stored: SUP-1 %v, SUP-2 %v; want both", ok1, ok2)
	}
	if one.Summary != "" || one.Priority != ticket.P2 || len(one.Clocks) != 0 || two.Summary != "fine" || two.Priority != ticket.P4 {
		t.Errorf("got SUP-1 %q %s %d clocks, SUP-2 %q %s; want the odd fields left out and the rest read",
			one.Summary, one.Priority, len(one.Clocks), two.Summary, two.Priority)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "unexpected_field_type field=customfield_10030"); n != 1 {
		t.Errorf("warnings for customfield_10030: got %d, want 1\n%s", n, logs)
	}
	if !strings.Contains(logs, "unexpected_field_type field=summary") {
		t.Errorf("no warning for summary:\n%s", logs)
	}
}

func TestMalformedPageFailsThePoll(t *testing.T) {
	e := oddSite(t, `{"isLast": true, "issues": [{"id": "1", "key": "SUP-1", "fields": {"summary": tru}}]}`)
	err := e.src.Poll(t.Context(), e.st)
	if !errors.Is(err, vendorhttp.ErrMalformed) || e.st.Len() != 0 {
		t.Errorf("got %v with %d stored, want ErrMalformed and nothing stored", err, e.st.Len())
	}
}
