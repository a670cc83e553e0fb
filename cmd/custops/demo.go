package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/internal/demo/desk"
	"github.com/custops/custops/internal/demo/sim"
)

// demoOptions are the demo command's flags.
type demoOptions struct {
	Web          *web.FlagConfig
	Speed        float64
	Scenario     string
	Seed         int64
	StateDir     string
	PollInterval time.Duration
	// Direct polls the simulator in process instead of over the Jira and Zendesk wire formats.
	Direct bool
	// Start is the simulated instant the demo starts at; zero means now.
	Start time.Time
}

// demoConfig is the embedded demo configuration with the flags applied.
func demoConfig(o demoOptions) (*config.Config, error) {
	cfg, err := config.Parse(sim.DemoConfig(), "demo.yml (embedded)")
	if err != nil {
		return nil, fmt.Errorf("the embedded demo config is invalid: %w", err)
	}
	applyDemoFlags(cfg, o)
	return cfg, nil
}

// applyDemoFlags sets the state dir, poll interval, seed and scenario from the demo's flags.
func applyDemoFlags(cfg *config.Config, o demoOptions) {
	cfg.StateDir = o.StateDir
	cfg.PollInterval = config.Duration(o.PollInterval)
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		s.PollInterval = config.Duration(o.PollInterval)
		if s.Sim != nil {
			s.Sim.Seed = o.Seed
			s.Sim.Scenario = o.Scenario
		}
	}
}

func runDemo(o demoOptions, logger *slog.Logger, stdout io.Writer) int {
	switch {
	case o.Speed < 0:
		logger.Error("--demo.speed must not be negative", "speed", o.Speed)
		return 1
	case o.Speed == 0 && !o.Direct:
		// A frozen clock would also freeze the sources' rate-limit pacing.
		logger.Error("--demo.speed=0 (a frozen clock) needs --demo.direct")
		return 1
	}
	if o.StateDir == "" {
		dir, err := os.MkdirTemp("", "custops-demo-")
		if err != nil {
			logger.Error("cannot create the demo state dir", "err", err)
			return 1
		}
		defer os.RemoveAll(dir)
		o.StateDir = dir
	}
	wallStart := time.Now()
	if o.Start.IsZero() {
		o.Start = wallStart
	}
	now := scaledClock(o.Start, wallStart, o.Speed, time.Now)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var (
		cfg   *config.Config
		desks map[string]*desk.Desk
		err   error
	)
	if o.Direct {
		cfg, err = demoConfig(o)
	} else {
		cfg, desks, err = demoDesks(ctx, o, now, logger)
		for _, d := range desks {
			defer d.Close()
		}
	}
	if err != nil {
		logger.Error("cannot start the demo", "err", err)
		return 1
	}
	e, err := newInstance(cfg, logger, now)
	if err != nil {
		logger.Error("cannot start the demo", "err", err)
		return 1
	}
	defer func() { _ = e.close() }()

	sw := &demoSwitch{e: e, desks: desks}
	h, err := e.handler(map[string]http.Handler{
		"POST /-/demo/sources/{name}/{state}": sw,
	})
	if err != nil {
		logger.Error("cannot build the web handler", "err", err)
		return 1
	}
	addr := "localhost" + listenPort((*o.Web.WebListenAddresses)[0])
	fmt.Fprintf(stdout, "custops demo: %d customers on simulated Jira and Zendesk desks (scenario %s, speed %gx)\n", len(cfg.Customers), o.Scenario, o.Speed)
	for _, name := range slices.Sorted(maps.Keys(desks)) {
		fmt.Fprintf(stdout, "  %-9s  %s API at %s\n", name+":", desks[name].Kind, desks[name].URL)
	}
	fmt.Fprintf(stdout, "  metrics:   http://%s/metrics\n  customers: http://%s/customers\n  state dir: %s\n", addr, addr, o.StateDir)
	return serveUntilSignal(h, o.Web, logger, nil)
}

// listenPort keeps the port of a listen address such as ":10042" or "127.0.0.1:10042".
func listenPort(listen string) string {
	if i := strings.LastIndexByte(listen, ':'); i >= 0 {
		return listen[i:]
	}
	return listen
}

// demoSwitch takes a simulated source down or up: POST /-/demo/sources/jsm/down. It exists so a
// newcomer (and the end-to-end test) can watch the source alerts fire and inhibit the rest.
type demoSwitch struct {
	e     *instance
	desks map[string]*desk.Desk
}

// ServeHTTP switches the named desk (or in-process simulated source) down or up.
func (s *demoSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, state := r.PathValue("name"), r.PathValue("state")
	if state != "down" && state != "up" {
		http.Error(w, "state must be down or up", http.StatusBadRequest)
		return
	}
	if d, ok := s.desks[name]; ok {
		d.SetDown(state == "down")
	} else {
		src, err := s.e.poller.Source(name)
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		simSrc, ok := src.(*sim.Source)
		if !ok {
			http.Error(w, "source "+name+" is not simulated", http.StatusBadRequest)
			return
		}
		simSrc.SetDown(state == "down")
	}
	s.e.logger.Info("demo source switched", "source", name, "state", state)
	fmt.Fprintf(w, "source %s is %s\n", name, state)
}

// scaledClock is the demo's ticket clock: it reads start at wallStart and runs speed times faster
// than wall from then on, so a demo hour can pass in a minute; speed 0 freezes it at start, for
// reproducible output. With speed 1 and no chosen start it is wall itself.
func scaledClock(start, wallStart time.Time, speed float64, wall func() time.Time) func() time.Time {
	if speed == 1 && start.Equal(wallStart) {
		return wall
	}
	return func() time.Time {
		return start.Add(time.Duration(float64(wall().Sub(wallStart)) * speed))
	}
}
