package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	versioncollector "github.com/prometheus/client_golang/prometheus/collectors/version"
	"github.com/prometheus/common/version"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/exporter"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/report"
	"github.com/custops/custops/server"
)

// instance owns the store and the poller, and reconfigures the poller on a config reload.
type instance struct {
	logger   *slog.Logger
	store    *store.Store
	poller   *poller.Poller
	metrics  *exporter.MetricsHandler
	reloadOK atomic.Bool
	released bool // memory was given back after the first complete view (OnView only)
	stateDir string
	// load reads the config for a reload (SIGHUP); serve reads the file again.
	load func() (*config.Config, error)
	// lifecycle also offers the reload over HTTP (--web.enable-lifecycle).
	lifecycle bool

	mu     sync.Mutex // serializes reload and close
	cancel context.CancelFunc
	done   chan struct{}
}

// newInstance opens the store in cfg.StateDir and starts polling with the sources of factories.
func newInstance(cfg *config.Config, logger *slog.Logger, now func() time.Time) (*instance, error) {
	return startInstance(cfg, sourceFactories(), logger, now)
}

func startInstance(cfg *config.Config, factories map[string]source.Factory, logger *slog.Logger, now func() time.Time) (*instance, error) {
	restoreGC := loosenGC() // until the first view
	st, err := store.Open(cfg.StateDir, logger.With("component", "store"))
	if err != nil {
		restoreGC()
		return nil, fmt.Errorf("opening the store in %s: %w", cfg.StateDir, err)
	}
	e := &instance{logger: logger, store: st, stateDir: cfg.StateDir}
	live := prometheus.NewRegistry()
	live.MustRegister(
		versioncollector.NewCollector("custops"),
		// The live heap beside the default Go metrics: what GOMEMLIMIT and the peak RSS are
		// judged against (docs/scale.md).
		collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
			collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/heap/live:bytes$`)})),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	e.metrics = exporter.NewMetricsHandler(e, live, logger)
	p, err := poller.New(poller.Options{
		Config:    cfg,
		Store:     st,
		Factories: factories,
		Logger:    logger,
		Now:       now,
		OnView: func(v *poller.View) {
			restoreGC()
			e.metrics.Refresh()
			if v.Complete && !e.released {
				// The first complete view follows the cold sync (or the store's load): what
				// decoding and applying it left behind is garbage now. Give it back to the
				// system at once rather than over the scavenger's minutes.
				e.released = true
				debug.FreeOSMemory()
			}
		},
	})
	if err != nil {
		restoreGC()
		_ = st.Close()
		return nil, err
	}
	e.poller = p
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel, e.done = cancel, make(chan struct{})
	go func() {
		defer close(e.done)
		p.Run(ctx)
	}()
	e.reloadOK.Store(true)
	return e, nil
}

// reload parses the config again and, only when it is valid, reconfigures the poller: sources
// whose config did not change keep running, and the last view is served until the new one.
// The store stays open: a changed state_dir needs a restart.
func (e *instance) reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cfg, err := e.load()
	if err == nil && cfg.StateDir != e.stateDir {
		err = fmt.Errorf("state_dir changed from %s to %s: restart to move the store", e.stateDir, cfg.StateDir)
	}
	if err == nil {
		err = e.poller.Reconfigure(cfg)
	}
	if err != nil {
		e.reloadOK.Store(false)
		return err
	}
	e.reloadOK.Store(true)
	e.logger.Info("configuration reloaded", "sources", len(cfg.Sources), "customers", len(cfg.Customers))
	return nil
}

// close stops polling and closes the store.
func (e *instance) close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cancel()
	<-e.done
	return e.store.Close()
}

// View implements exporter.State.
func (e *instance) View() *poller.View { return e.poller.View() }

// ReloadSuccessful implements exporter.State.
func (e *instance) ReloadSuccessful() bool { return e.reloadOK.Load() }

// handler builds the HTTP surface: /metrics serves the custops, build-info, Go and process
// metrics.
func (e *instance) handler(extra map[string]http.Handler) (http.Handler, error) {
	// The weekly report is the server's (Options.Report), which links it from every page.
	routes := map[string]http.Handler{
		"GET /customers/{id}/meeting": report.MeetingHandler(e.View),
	}
	maps.Copy(routes, extra)
	opts := server.Options{
		View:    e.View,
		Ready:   e.poller.Ready,
		Metrics: e.metrics,
		Logger:  e.logger,
		Version: version.Info(),
		Report:  report.Handler(e.View),
		Extra:   routes,
	}
	if e.load != nil && e.lifecycle {
		opts.Reload = e.reload
	}
	return server.New(opts)
}
