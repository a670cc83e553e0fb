#!/usr/bin/env bash
# test.sh: the README's test command. Installs what the tests need (the pinned Prometheus,
# promtool, Alertmanager and golangci-lint built from the Go module proxy; Debian's Chromium for the
# page tests), then lints and runs every test with the race detector. Works on a machine that has only Go (and apt as root).
set -euo pipefail
cd "$(dirname "$0")/.."

CUSTOPS_TOOLS_DIR="$(bash scripts/install-tools.sh)"
export CUSTOPS_TOOLS_DIR
bash scripts/install-chromium.sh

go vet ./...
go vet -tags e2e ./...
# gofmt, goimports (local prefix), govet, staticcheck, revive, errcheck: .golangci.yml
"$CUSTOPS_TOOLS_DIR/golangci-lint" run ./...
# The e2e tag adds the tests that run the pinned tools and Chromium; `go test ./...` alone needs Go only.
go test -race -count=1 -timeout 30m -tags e2e ./... "$@"
