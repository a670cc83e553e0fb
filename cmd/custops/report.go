package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/custops/custops/collector/config"
	"github.com/custops/custops/collector/poller"
	"github.com/custops/custops/collector/store"
	"github.com/custops/custops/links"
	"github.com/custops/custops/report"
)

// runReport writes a customer's weekly report from the store in the config's state_dir, at the
// instant at (RFC 3339; empty means now), to out ("" names the file after the customer and the
// day, "-" is stdout). It polls no source: the report shows what the exporter last stored.
func runReport(configFile, customer, out, at string, stdout, stderr io.Writer) int {
	return reportCommand{now: time.Now}.run(configFile, customer, out, at, stdout, stderr)
}

// reportCommand carries the clock, so tests and callers can pin "now".
type reportCommand struct {
	now func() time.Time
}

func (c reportCommand) run(configFile, customer, out, at string, stdout, stderr io.Writer) int {
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "custops report: "+format+"\n", args...)
		return 1
	}
	cfg, err := config.Load(configFile)
	if err != nil {
		return fail("%s is invalid:\n%v", configFile, err)
	}
	if _, ok := cfg.CustomerByID(customer); !ok {
		ids := make([]string, len(cfg.Customers))
		for i, cu := range cfg.Customers {
			ids[i] = cu.ID
		}
		return fail("unknown customer %q; %s lists %v", customer, configFile, ids)
	}
	now := c.now()
	if at != "" {
		if now, err = time.Parse(time.RFC3339, at); err != nil {
			return fail("--at %q is not an RFC 3339 instant such as 2026-11-27T09:00:00Z: %v", at, err)
		}
	}

	// Opening creates a missing store; a report must not leave an empty one behind, and an
	// empty report would hide a wrong state_dir.
	path := filepath.Join(cfg.StateDir, store.FileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fail("no store at %s: run the exporter on this config first (custops serve) so it syncs the tickets", path)
	}
	// The store warns when it has to move an unreadable file aside: the user must see that.
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.Open(cfg.StateDir, logger)
	if errors.Is(err, store.ErrLocked) {
		return fail("the store in %s is in use by a running custops exporter, which holds its lock.\n"+
			"Fetch the report from that exporter instead:\n  curl -o %s-report.html http://localhost%s/customers/%s/report",
			cfg.StateDir, customer, links.DefaultListenAddress, customer)
	}
	if err != nil {
		return fail("opening the store in %s: %v", cfg.StateDir, err)
	}
	defer func() { _ = st.Close() }()

	// An empty page handed to a customer would read as a perfect week: refuse it, and warn
	// when only some sources have data.
	names := make([]string, len(cfg.Sources))
	var unsynced []string
	for i, s := range cfg.Sources {
		names[i] = s.Name
		if !st.Synced(s.Name) {
			unsynced = append(unsynced, s.Name)
		}
	}
	if len(unsynced) == len(names) {
		return fail("no source has synced into the store in %s yet: run the exporter on this config first (custops serve)", cfg.StateDir)
	}
	for _, name := range unsynced {
		fmt.Fprintf(stderr, "custops report: warning: source %q has never completed a sync in %s; its tickets are missing from the report\n", name, cfg.StateDir)
	}
	tickets := st.Tickets(names...)
	if at != "" {
		var newest time.Time
		for _, t := range tickets {
			if t.Updated.After(newest) {
				newest = t.Updated
			}
		}
		if newest.After(now) {
			fmt.Fprintf(stderr, "custops report: warning: --at %s is before the newest stored change (%s); the store holds tickets as last polled, not as they were at --at\n",
				now.UTC().Format(time.RFC3339), newest.UTC().Format(time.RFC3339))
		}
	}
	// The same view the exporter would serve, computed SLA clocks included.
	v, err := poller.NewView(cfg, tickets, now)
	if err != nil {
		return fail("%v", err)
	}
	rep, err := report.FromView(v, customer)
	if err != nil {
		return fail("%v", err)
	}

	if out == "-" {
		if err := rep.HTML(stdout); err != nil {
			return fail("%v", err)
		}
		return 0
	}
	if out == "" {
		out = customer + "-report-" + now.UTC().Format("2006-01-02") + ".html"
	}
	if err := writeReport(out, rep); err != nil {
		return fail("%v", err)
	}
	fmt.Fprintf(stdout, "wrote %s: %s, week ending %s\n", out, rep.Name, now.UTC().Format("2006-01-02 15:04 UTC"))
	return 0
}

// writeReport writes the page next to its destination and renames it into place, so a failed run
// never leaves half a report where last week's was.
func writeReport(out string, rep report.Report) error {
	f, err := os.CreateTemp(filepath.Dir(out), ".custops-report-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	defer func() { _ = os.Remove(f.Name()) }()
	if err := rep.HTML(f); err != nil {
		_ = f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if err := os.Rename(f.Name(), out); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return nil
}
