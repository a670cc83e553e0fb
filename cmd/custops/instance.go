package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
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
	"github.com/custops/custops/collector/snapshot"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/report"
	"github.com/custops/custops/server"
)

// instance owns the store and the running poller, and swaps the poller on a config reload.
type instance struct {
	logger    *slog.Logger
	store     *store.Store
	factories map[string]source.Factory
	stats     map[string]*source.Stats // kept across reloads so counters never go back
	client    *http.Client
	now, wall func() time.Time
	// load reads the config for a reload; serve reads the file again, the demo rebuilds its own.
	load func() (*config.Config, error)

	mu       sync.Mutex // serializes start/stop/reload
	metrics  *exporter.MetricsHandler
	running  atomic.Pointer[runningPoller]
	reloadOK atomic.Bool
	stateDir string
}

type runningPoller struct {
	*poller.Poller
	cancel context.CancelFunc
	done   chan struct{}
}

// newInstance opens the store in cfg.StateDir and starts polling.
func newInstance(cfg *config.Config, logger *slog.Logger, now func() time.Time) (*instance, error) {
	st, err := store.Open(cfg.StateDir, logger.With("component", "store"))
	if err != nil {
		return nil, fmt.Errorf("opening the store in %s: %w", cfg.StateDir, err)
	}
	e := &instance{
		logger:    logger,
		store:     st,
		factories: sourceFactories(),
		stats:     map[string]*source.Stats{},
		client:    &http.Client{},
		now:       now,
		wall:      time.Now,
		stateDir:  cfg.StateDir,
	}
	live := prometheus.NewRegistry()
	live.MustRegister(
		versioncollector.NewCollector("custops"),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	e.metrics = exporter.NewMetricsHandler(e, live, logger)
	if err := e.start(cfg); err != nil {
		_ = st.Close()
		return nil, err
	}
	e.reloadOK.Store(true)
	return e, nil
}

func (e *instance) start(cfg *config.Config) error {
	p, err := poller.New(poller.Options{
		Config:     cfg,
		Store:      e.store,
		Factories:  e.factories,
		Stats:      e.stats,
		HTTPClient: e.client,
		Logger:     e.logger,
		Now:        e.now,
		Wall:       e.wall,
		OnSnapshot: e.metrics.Refresh,
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	rp := &runningPoller{Poller: p, cancel: cancel, done: make(chan struct{})}
	e.running.Store(rp) // before Run: its first snapshot already calls back into e
	go func() {
		defer close(rp.done)
		p.Run(ctx)
	}()
	return nil
}

// reload parses the config again and, only when it is valid, swaps in a poller built from it.
// The store stays open: a changed state_dir needs a restart.
func (e *instance) reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	cfg, err := e.load()
	if err == nil && cfg.StateDir != e.stateDir {
		err = fmt.Errorf("state_dir changed from %s to %s: restart to move the store", e.stateDir, cfg.StateDir)
	}
	if err != nil {
		e.reloadOK.Store(false)
		return err
	}
	old := e.running.Load()
	old.cancel()
	<-old.done
	if err := e.start(cfg); err != nil {
		e.reloadOK.Store(false)
		// Keep serving: restart the previous configuration.
		if rerr := e.start(old.Config()); rerr != nil {
			return errors.Join(err, rerr)
		}
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
	if rp := e.running.Load(); rp != nil {
		rp.cancel()
		<-rp.done
	}
	return e.store.Close()
}

// current returns the poller serving now.
func (e *instance) current() *poller.Poller { return e.running.Load().Poller }

// Snapshot implements exporter.State.
func (e *instance) Snapshot() (*snapshot.Snapshot, time.Duration) { return e.current().Snapshot() }

// Sources implements exporter.State.
func (e *instance) Sources() []exporter.SourceHealth { return e.current().Sources() }

// ReloadSuccessful implements exporter.State.
func (e *instance) ReloadSuccessful() bool { return e.reloadOK.Load() }

// handler builds the HTTP surface: /metrics serves the custops, build-info, Go and process
// metrics.
func (e *instance) handler(extra map[string]http.Handler) (http.Handler, error) {
	routes := map[string]http.Handler{
		"GET /customers/{id}/report": report.Handler(func() report.Source { return e.current() }),
	}
	maps.Copy(routes, extra)
	opts := server.Options{
		Current: func() server.Backend { return e.current() },
		Metrics: e.metrics,
		Logger:  e.logger,
		Version: version.Info(),
		Extra:   routes,
	}
	if e.load != nil {
		opts.Reload = e.reload
	}
	return server.New(opts)
}
