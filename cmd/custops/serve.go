package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/common/version"
	"github.com/prometheus/exporter-toolkit/web"

	"github.com/custops/custops/collector/config"
)

func runServe(configFile string, webFlags *web.FlagConfig, lifecycle bool, logger *slog.Logger) int {
	logger.Info("starting custops", "version", version.Info(), "build_context", version.BuildContext())
	cfg, err := config.Load(configFile)
	if err != nil {
		logger.Error("invalid configuration; not starting", "file", configFile, "err", err)
		return 1
	}
	// Every missing token at once, not the first source's only.
	if err := cfg.CheckCredentials(); err != nil {
		logger.Error("tokens missing or unreadable; not starting", "file", configFile, "err", err)
		return 1
	}
	e, err := newInstance(cfg, logger, time.Now)
	if err != nil {
		logger.Error("cannot start", "err", err)
		return 1
	}
	defer func() {
		if err := e.close(); err != nil {
			logger.Error("closing the store", "err", err)
		}
	}()
	e.load = func() (*config.Config, error) { return config.Load(configFile) }
	e.lifecycle = lifecycle
	h, err := e.handler(nil)
	if err != nil {
		logger.Error("cannot build the web handler", "err", err)
		return 1
	}
	return serveUntilSignal(h, webFlags, logger, e.reload)
}

// serveUntilSignal serves h until SIGINT/SIGTERM, reloading on SIGHUP when reload is set.
func serveUntilSignal(h http.Handler, webFlags *web.FlagConfig, logger *slog.Logger, reload func() error) int {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- web.ListenAndServe(srv, webFlags, logger) }()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sig)
	for {
		select {
		case err := <-errc:
			if err != nil && !errors.Is(err, http.ErrServerClosed) {
				logger.Error("web server failed", "err", err)
				return 1
			}
			return 0
		case s := <-sig:
			if s == syscall.SIGHUP {
				if reload == nil {
					continue
				}
				if err := reload(); err != nil {
					logger.Error("reload failed; keeping the running configuration", "err", err)
				}
				continue
			}
			logger.Info("shutting down", "signal", s.String())
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = srv.Shutdown(ctx)
			cancel()
			return 0
		}
	}
}
