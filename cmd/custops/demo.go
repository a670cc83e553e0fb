package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/prometheus/exporter-toolkit/web"

	"github.com/custops/custops/internal/demo"
)

// demoFlags are the demo command's flags.
type demoFlags struct {
	Web   *web.FlagConfig
	Speed float64
	// Demo holds the seed, scenario, start, poll interval, state dir and direct flags.
	Demo demo.Options
}

func runDemo(f demoFlags, logger *slog.Logger, stdout io.Writer) int {
	switch {
	case f.Speed < 0:
		logger.Error("--demo.speed must not be negative", "speed", f.Speed)
		return 1
	case f.Speed == 0 && !f.Demo.Direct:
		// A frozen clock would also freeze the sources' rate-limit pacing.
		logger.Error("--demo.speed=0 (a frozen clock) needs --demo.direct")
		return 1
	}
	o := f.Demo
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
	now := scaledClock(o.Start, wallStart, f.Speed, time.Now)
	o.Now, o.Factories, o.Logger = now, sourceFactories(), logger
	d, err := demo.Start(o)
	if err != nil {
		logger.Error("cannot start the demo", "err", err)
		return 1
	}
	defer func() { _ = d.Close() }()
	e, err := startInstance(d.Config, d.Factories, logger, now)
	if err != nil {
		logger.Error("cannot start the demo", "err", err)
		return 1
	}
	defer func() { _ = e.close() }()

	h, err := e.handler(map[string]http.Handler{demo.SwitchPattern: d})
	if err != nil {
		logger.Error("cannot build the web handler", "err", err)
		return 1
	}
	addr := "localhost" + listenPort((*f.Web.WebListenAddresses)[0])
	fmt.Fprintf(stdout, "custops demo: %d customers on simulated Jira and Zendesk desks (scenario %s, speed %gx)\n", len(d.Config.Customers), o.Scenario, f.Speed)
	for _, dk := range d.Desks() {
		if dk.URL != "" {
			fmt.Fprintf(stdout, "  %-9s  %s API at %s\n", dk.Source+":", dk.Kind, dk.URL)
		}
	}
	fmt.Fprintf(stdout, "  metrics:   http://%s/metrics\n  customers: http://%s/customers\n  state dir: %s\n", addr, addr, o.StateDir)
	return serveUntilSignal(h, f.Web, logger, nil)
}

// listenPort keeps the port of a listen address such as ":10042" or "127.0.0.1:10042".
func listenPort(listen string) string {
	if i := strings.LastIndexByte(listen, ':'); i >= 0 {
		return listen[i:]
	}
	return listen
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
