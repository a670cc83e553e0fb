// Package server is the exporter's HTTP surface: the landing page, /metrics, health and readiness,
// reload, and the per-customer ticket lists (JSON and HTML) that boards and alerts link to, so
// ticket detail never has to become a label.
package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/custops/custops/collector/poller"
)

// Options configure the handler.
type Options struct {
	// View returns the poller's published view (nil before the first): what every page reads.
	View func() *poller.View
	// Ready reports readiness and what is still awaited, for /-/ready.
	Ready   func() (bool, []string)
	Reload  func() error // reloads the config; nil disables /-/reload
	Metrics http.Handler // serves /metrics
	Logger  *slog.Logger
	Version string
	// Report serves a customer's weekly report at /customers/{id}/report; nil serves none, and
	// then no page links to one.
	Report http.Handler
	// Extra routes, e.g. the demo's controls.
	Extra map[string]http.Handler
}

// New returns the exporter's handler.
func New(opts Options) (http.Handler, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", opts.Metrics)
	mux.HandleFunc("GET /-/healthy", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("Healthy\n"))
	})
	mux.HandleFunc("GET /-/ready", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if ok, waiting := opts.Ready(); !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("Not ready: waiting for the first sync of " + strings.Join(waiting, ", ") + "\n"))
			return
		}
		_, _ = w.Write([]byte("Ready\n"))
	})
	if opts.Reload != nil {
		reload := guard(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			if err := opts.Reload(); err != nil {
				opts.Logger.Error("reload failed", "err", err)
				http.Error(w, "reload failed: "+err.Error(), http.StatusInternalServerError)
				return
			}
			_, _ = w.Write([]byte("Reloaded\n"))
		}))
		mux.Handle("POST /-/reload", reload)
		mux.Handle("PUT /-/reload", reload)
	}
	api := &api{view: opts.View, pages: pageTemplates(opts.Report != nil)}
	mux.HandleFunc("GET /api/v1/customers", api.customers)
	mux.HandleFunc("GET /api/v1/customers/{id}/tickets", api.tickets)
	mux.HandleFunc("GET /customers", api.customersPage)
	mux.HandleFunc("GET /customers/{id}/tickets", api.ticketsPage)
	mux.HandleFunc("GET /api/v1/records", api.records)
	mux.HandleFunc("GET /records", api.recordsPage)
	links := []web.LandingLinks{
		{Address: "customers", Text: "Customers", Description: "every customer ranked by risk, with its ticket list"},
	}
	if opts.Report != nil {
		mux.Handle("GET /customers/{id}/report", opts.Report)
		mux.HandleFunc("GET /reports", api.reportsPage)
		links = append(links, web.LandingLinks{Address: "reports", Text: "Weekly reports", Description: "one printable page per customer"})
	}
	links = append(links,
		web.LandingLinks{Address: "api/v1/customers", Text: "Customers API", Description: "JSON, with when each source's data was last fetched"},
		web.LandingLinks{Address: "metrics", Text: "Metrics"},
		web.LandingLinks{Address: "-/healthy", Text: "Health"},
		web.LandingLinks{Address: "-/ready", Text: "Readiness", Description: "200 once every source has data"},
	)
	for pattern, h := range opts.Extra {
		method, path, _ := strings.Cut(pattern, " ")
		switch method {
		case http.MethodPost, http.MethodPut:
			mux.Handle("POST "+path, guard(h))
			mux.Handle("PUT "+path, guard(h))
		default:
			mux.Handle(pattern, h)
		}
	}

	landing, err := web.NewLandingPage(web.LandingConfig{
		Name:        "custops",
		Description: "Per-customer SLA, backlog, quality and risk from Jira Service Management and Zendesk",
		Version:     opts.Version,
		Links:       links,
		// The exporter serves no /debug/pprof/: the toolkit's links to it would lead nowhere.
		Profiling: "false",
	})
	if err != nil {
		return nil, err
	}
	mux.Handle("GET /{$}", landing)
	return mux, nil
}

// apiError is the JSON body of every error answer of the API.
type apiError struct {
	Status string `json:"status"`
	Error  string `json:"error"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{Status: "error", Error: msg})
}

// guard protects an endpoint that changes state (reload, the demo's switches) from requests
// another site makes the operator's browser send, with or without the operator's basic-auth
// credentials: it refuses a request the browser marks as coming from another origin (net/http's
// CrossOriginProtection reads Sec-Fetch-Site, else Origin against Host), and it refuses a simple
// request — a POST a plain HTML form could send — so that even a browser that sends neither
// header must ask CORS first, which this server never grants. PUT, or POST with a JSON body, is
// what a person's curl or a script sends.
func guard(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "refused: a cross-origin request may not change state", http.StatusForbidden)
	}))
	return cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && !isJSON(r.Header.Get("Content-Type")) {
			http.Error(w, "refused: send PUT, or POST with Content-Type: application/json "+
				"(what a plain HTML form cannot send), e.g. curl -X PUT "+r.URL.Path, http.StatusUnsupportedMediaType)
			return
		}
		h.ServeHTTP(w, r)
	}))
}

func isJSON(contentType string) bool {
	mediaType, _, _ := strings.Cut(contentType, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), "application/json")
}
