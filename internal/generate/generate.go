// Package generate collects every artifact the code generates under deploy/: dashboards, rules,
// Alertmanager routing and provisioning, so `custops generate`, `go generate` and the drift test
// all write and compare the same bytes.
package generate

//go:generate go run ../../cmd/custops generate --out ../../deploy

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/custops/custops/alerts"
	"github.com/custops/custops/dashboards"
	"github.com/custops/custops/manifests"
)

// Options are the URLs and receivers baked into the generated files.
type Options struct {
	Alerts     alerts.Options
	Dashboards dashboards.Options
	Manifests  manifests.Options
}

// DefaultOptions are what the committed deploy/ files are generated with.
func DefaultOptions() Options {
	return Options{alerts.DefaultOptions(), dashboards.DefaultOptions(), manifests.DefaultOptions()}
}

// Files returns every generated file by path relative to deploy/.
func Files(opts Options) (map[string][]byte, error) {
	// One exporter URL (--exporter.url) for the boards' links and the alerts' meeting_url.
	opts.Alerts.ExporterURL = opts.Dashboards.ExporterURL
	out := map[string][]byte{}
	add := func(name string, files map[string][]byte, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for p, b := range files {
			if _, dup := out[p]; dup {
				return fmt.Errorf("%s: %s is generated twice", name, p)
			}
			out[p] = b
		}
		return nil
	}
	a, err := alerts.Files(opts.Alerts)
	if err := add("alerts", a, err); err != nil {
		return nil, err
	}
	d, err := dashboards.Files(opts.Dashboards)
	if err := add("dashboards", d, err); err != nil {
		return nil, err
	}
	m, err := manifests.Files(opts.Manifests, opts.Alerts, opts.Dashboards)
	if err := add("manifests", m, err); err != nil {
		return nil, err
	}
	return out, nil
}

// Write writes every generated file under dir and returns their paths, sorted.
func Write(dir string, opts Options) ([]string, error) {
	files, err := Files(opts)
	if err != nil {
		return nil, err
	}
	paths := slices.Sorted(maps.Keys(files))
	for i, p := range paths {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(full, files[p], 0o644); err != nil {
			return nil, err
		}
		paths[i] = full
	}
	return paths, nil
}
