// Package e2e runs the real custops binary beside the pinned Prometheus, promtool and
// Alertmanager and Debian's Chromium. Its tests build only with the e2e tag, which the README's
// test command (scripts/test.sh) sets after installing those tools; `go test ./...` needs Go only.
package e2e
