// Package demo wires `custops demo`: from a few options it builds the demo's configuration in Go,
// starts the simulated desks, and hands back the configuration, the source factories to poll
// them with, and the switch that takes a desk down and up.
//
// By default each desk is served over its vendor's wire format on loopback (internal/demo/desk)
// and polled by the real jira and zendesk sources, with a random token handed to them in memory.
// With Direct the simulator is polled in process instead: the demo registers simulator sources
// under the jira and zendesk types of its own factory map, which no configuration file reaches.
package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/source"
	"github.com/custops/custops/internal/demo/desk"
	"github.com/custops/custops/internal/demo/sim"
)

// SwitchPattern is the route of the switch (Demo.ServeHTTP): PUT /-/demo/sources/jsm/down takes
// the jsm desk down, .../up brings it back. The server guards it as it guards every endpoint that
// changes state (it also takes a POST with a JSON body, never a cross-site request).
const SwitchPattern = "PUT /-/demo/sources/{name}/{state}"

// deskEmail is the user the demo's sources authenticate as.
const deskEmail = "demo@custops.invalid"

// Options say which demo to run.
type Options struct {
	Seed     int64  // the simulators' random seed: the same seed replays the same tickets
	Scenario string // sim.ScenarioDefault ("" too) or sim.ScenarioBreachSoon
	// Start is the simulated instant the desks start at.
	Start time.Time
	// History is the past the desks hold at Start: sim.DefaultHistory when zero.
	History      time.Duration
	PollInterval time.Duration // how often the sources poll and the served desks move
	StateDir     string        // where the store lives
	// Direct polls the simulator in process instead of over the wire.
	Direct bool
	// Now is the ticket clock the served desks move on; give the poller the same one. Direct
	// simulators move on their source's clock instead.
	Now func() time.Time
	// Factories are the product's source factories, by config type; the sources poll the served
	// desks with them. Direct replaces the jira and zendesk ones by simulator sources.
	Factories map[string]source.Factory
	Logger    *slog.Logger
}

// Desk says where one demo source's desk is.
type Desk struct {
	Source string // the `source` label
	Kind   string // jira or zendesk
	URL    string // where it is served; empty with Direct
}

// Demo is a running demo.
type Demo struct {
	// Config is the demo's configuration, valid and complete.
	Config *config.Config
	// Factories build the demo's sources by config type.
	Factories map[string]source.Factory

	opts   Options
	logger *slog.Logger
	desks  map[string]*desk.Desk // by source name; empty with Direct
	cancel context.CancelFunc

	mu   sync.Mutex
	down map[string]bool        // by source name: every source, up or down
	sims map[string]*sim.Source // the simulator sources built so far, with Direct
}

// Start builds the demo's configuration and starts its desks. Close stops them.
func Start(o Options) (*Demo, error) {
	switch {
	case o.Start.IsZero():
		return nil, errors.New("demo: no start instant")
	case o.PollInterval <= 0:
		return nil, fmt.Errorf("demo: poll interval %s must be greater than 0", o.PollInterval)
	case !o.Direct && o.Now == nil:
		return nil, errors.New("demo: no clock for the served desks")
	}
	if o.History == 0 {
		o.History = sim.DefaultHistory
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	d := &Demo{
		Config:    sim.DemoConfig(),
		Factories: maps.Clone(o.Factories),
		opts:      o,
		logger:    o.Logger,
		desks:     map[string]*desk.Desk{},
		cancel:    cancel,
		down:      map[string]bool{},
		sims:      map[string]*sim.Source{},
	}
	if d.Factories == nil {
		d.Factories = map[string]source.Factory{}
	}
	cfg := d.Config
	cfg.StateDir = o.StateDir
	cfg.PollInterval = config.Duration(o.PollInterval)
	for i := range cfg.Sources {
		s := &cfg.Sources[i]
		s.PollInterval = config.Duration(o.PollInterval)
		d.down[s.Name] = false
		token, err := randomToken()
		if err != nil {
			_ = d.Close()
			return nil, err
		}
		// The token reaches the source in memory; no file and no environment variable holds it.
		s.Auth = config.Auth{Email: deskEmail, Secret: config.NewSecret(token)}
		if o.Direct {
			s.URL = sim.DefaultBaseURL(s.Type)
			d.Factories[s.Type] = d.simFactory
			continue
		}
		dk, err := desk.Start(desk.Options{
			Kind:   desk.Kind(s.Type),
			World:  d.world(s.Type, ""),
			Email:  deskEmail,
			Token:  token,
			Now:    o.Now,
			Logger: o.Logger,
		})
		if err != nil {
			_ = d.Close()
			return nil, fmt.Errorf("demo desk %s: %w", s.Name, err)
		}
		d.desks[s.Name] = dk
		go dk.Run(ctx, o.PollInterval, o.Now)
		s.URL = dk.URL
	}
	if err := cfg.Validate("demo config"); err != nil {
		_ = d.Close()
		return nil, err
	}
	return d, nil
}

// world is the simulated world of a desk kind.
func (d *Demo) world(kind, baseURL string) sim.WorldOptions {
	return sim.WorldOptions{Desk: kind, Seed: d.opts.Seed, Scenario: d.opts.Scenario, History: d.opts.History, Start: d.opts.Start, BaseURL: baseURL}
}

// simFactory builds a simulator source for a demo source of type jira or zendesk, with Direct.
// It keeps the source so the switch reaches it; a source built again (a new poller) starts in
// the state the switch last set.
func (d *Demo) simFactory(cfg config.Source, deps source.Deps) (source.Source, error) {
	s, err := sim.NewSource(cfg.Name, d.world(cfg.Type, cfg.URL), deps)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s.SetDown(d.down[cfg.Name])
	d.sims[cfg.Name] = s
	return s, nil
}

// Desks lists the demo's sources, in the configuration's order, and where their desks are served.
func (d *Demo) Desks() []Desk {
	var out []Desk
	for _, s := range d.Config.Sources {
		dk := Desk{Source: s.Name, Kind: s.Type}
		if served, ok := d.desks[s.Name]; ok {
			dk.URL = served.URL
		}
		out = append(out, dk)
	}
	return out
}

// SetDown starts or ends a simulated outage of a source's desk: while down, the served desk
// answers 503 (the simulator source fails with Direct), and the store keeps what it had.
func (d *Demo) SetDown(name string, down bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.down[name]; !ok {
		return fmt.Errorf("no demo source %q (known: %v)", name, slices.Sorted(maps.Keys(d.down)))
	}
	d.down[name] = down
	if dk, ok := d.desks[name]; ok {
		dk.SetDown(down)
	}
	if s, ok := d.sims[name]; ok {
		s.SetDown(down)
	}
	return nil
}

// ServeHTTP is the switch at SwitchPattern. It exists so that a newcomer (and the end-to-end
// test) can watch the source alerts fire and inhibit the rest.
func (d *Demo) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, state := r.PathValue("name"), r.PathValue("state")
	if state != "down" && state != "up" {
		http.Error(w, "state must be down or up", http.StatusBadRequest)
		return
	}
	if err := d.SetDown(name, state == "down"); err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	d.logger.Info("demo source switched", "source", name, "state", state)
	fmt.Fprintf(w, "source %s is %s\n", name, state)
}

// Close stops the served desks.
func (d *Demo) Close() error {
	d.cancel()
	var errs []error
	for _, dk := range d.desks {
		errs = append(errs, dk.Close())
	}
	return errors.Join(errs...)
}

func randomToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
