package demo

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/source/jira"
	"github.com/custops/custops/collector/source/sourcetest"
	"github.com/custops/custops/collector/source/zendesk"
	"github.com/custops/custops/internal/demo/sim"
)

var start = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// product are the real sources, as cmd/custops registers them.
var product = map[string]source.Factory{config.TypeJira: jira.New, config.TypeZendesk: zendesk.New}

func startDemo(t *testing.T, direct bool) *Demo {
	t.Helper()
	d, err := Start(Options{
		Seed: 3, Scenario: sim.ScenarioBreachSoon, Start: start, History: 3 * 24 * time.Hour,
		PollInterval: time.Minute, StateDir: t.TempDir(), Direct: direct,
		Now: func() time.Time { return start }, Factories: product,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}

// build makes the demo's source named name with its own factory, as the poller would.
func build(t *testing.T, d *Demo, name string) source.Source {
	t.Helper()
	sc, ok := d.Config.SourceByName(name)
	if !ok {
		t.Fatalf("no source %s", name)
	}
	clock := sourcetest.NewClock(start)
	src, err := d.Factories[sc.Type](sc, source.Deps{Logger: slog.New(slog.DiscardHandler), Stats: source.NewStats(),
		Now: clock.Now, Sleep: clock.Sleep})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestOverTheWire: each source of the demo config reaches its served desk with the real client
// and a token handed over in memory: no variable of the environment and no file holds it, and
// the config names none. Taking a desk down fails its poll and keeps the store; up, it polls again.
func TestOverTheWire(t *testing.T) {
	d := startDemo(t, false)
	if len(d.Desks()) != 2 {
		t.Fatalf("desks %+v, want 2", d.Desks())
	}
	for _, sc := range d.Config.Sources {
		t.Run(sc.Name, func(t *testing.T) {
			if sc.Auth.TokenEnv != "" || sc.Auth.TokenFile != "" || sc.Auth.Secret == nil {
				t.Errorf("auth %+v (token_env %q, token_file %q): want only a token in memory", sc.Auth, sc.Auth.TokenEnv, sc.Auth.TokenFile)
			}
			token, _ := sc.Auth.Token()
			for _, kv := range os.Environ() {
				if strings.Contains(kv, string(token)) || strings.HasPrefix(kv, "CUSTOPS_DEMO_") {
					t.Errorf("the environment holds the demo's token: %s", kv[:strings.IndexByte(kv, '=')])
				}
			}
			if !strings.HasPrefix(sc.URL, "http://127.0.0.1:") {
				t.Errorf("source %s polls %s, want its loopback desk", sc.Name, sc.URL)
			}
			src := build(t, d, sc.Name)
			st := sourcetest.NewMemStore()
			if err := src.Poll(context.Background(), st); err != nil {
				t.Fatalf("poll: %v", err)
			}
			n := st.Len()
			if n == 0 {
				t.Fatal("the poll stored no ticket")
			}
			if err := d.SetDown(sc.Name, true); err != nil {
				t.Fatal(err)
			}
			if err := src.Poll(context.Background(), st); err == nil {
				t.Error("a poll of a desk that is down succeeded")
			}
			if st.Len() != n {
				t.Errorf("an outage changed the store: %d tickets, want %d", st.Len(), n)
			}
			if err := d.SetDown(sc.Name, false); err != nil {
				t.Fatal(err)
			}
			if err := src.Poll(context.Background(), st); err != nil {
				t.Errorf("poll after the desk came back: %v", err)
			}
		})
	}
}

// TestDirect: the jira and zendesk types of the demo's factories build simulator sources (the
// product's factories stay untouched); the switch reaches them, also one built after it was set.
func TestDirect(t *testing.T) {
	d := startDemo(t, true)
	if product[config.TypeJira] == nil || len(product) != 2 {
		t.Fatal("Start changed the factories it was given")
	}
	if err := d.Config.Validate("demo"); err != nil {
		t.Fatalf("the direct demo config is invalid: %v", err)
	}
	for _, dk := range d.Desks() {
		if dk.URL != "" {
			t.Errorf("desk %s served at %s with Direct", dk.Source, dk.URL)
		}
	}
	src := build(t, d, sim.JiraSource)
	if _, ok := src.(*sim.Source); !ok {
		t.Fatalf("the jira factory built a %T, want a simulator source", src)
	}
	st := sourcetest.NewMemStore()
	if err := src.Poll(context.Background(), st); err != nil || st.Len() == 0 {
		t.Fatalf("poll: %v, %d tickets", err, st.Len())
	}
	if err := d.SetDown(sim.JiraSource, true); err != nil {
		t.Fatal(err)
	}
	if err := src.Poll(context.Background(), st); !errors.Is(err, sim.ErrDown) {
		t.Errorf("poll while down: %v, want sim.ErrDown", err)
	}
	again := build(t, d, sim.JiraSource)
	if err := again.Poll(context.Background(), sourcetest.NewMemStore()); !errors.Is(err, sim.ErrDown) {
		t.Errorf("a source built while down polls: %v, want sim.ErrDown", err)
	}
}

// TestSwitch is PUT /-/demo/sources/{name}/{state}: down and up for a known source, 404 for an
// unknown one, 400 for another state.
func TestSwitch(t *testing.T) {
	d := startDemo(t, true)
	mux := http.NewServeMux()
	mux.Handle(SwitchPattern, d)
	cases := []struct {
		path string
		code int
		body string
	}{
		{"/-/demo/sources/jsm/down", http.StatusOK, "source jsm is down"},
		{"/-/demo/sources/jsm/up", http.StatusOK, "source jsm is up"},
		{"/-/demo/sources/nope/down", http.StatusNotFound, `no demo source "nope" (known: [jsm zendesk])`},
		{"/-/demo/sources/jsm/sideways", http.StatusBadRequest, "state must be down or up"},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, c.path, nil))
		if rec.Code != c.code || !strings.Contains(rec.Body.String(), c.body) {
			t.Errorf("PUT %s: %d %q, want %d %q", c.path, rec.Code, rec.Body.String(), c.code, c.body)
		}
	}
}

func TestStartRejects(t *testing.T) {
	now := func() time.Time { return start }
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"no start", Options{PollInterval: time.Minute, StateDir: "x", Now: now}, "no start instant"},
		{"no poll interval", Options{Start: start, StateDir: "x", Now: now}, "poll interval 0s"},
		{"no clock for the desks", Options{Start: start, PollInterval: time.Minute, StateDir: "x"}, "no clock"},
		{"no state dir", Options{Start: start, PollInterval: time.Minute, Direct: true}, "state_dir: must not be empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := Start(c.o)
			if err == nil {
				_ = d.Close()
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Start: %v, want an error containing %q", err, c.want)
			}
		})
	}
}
