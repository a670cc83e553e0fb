#!/usr/bin/env bash
# install-tools.sh: builds the pinned Prometheus, promtool and Alertmanager from the Go module proxy
# and golangci-lint into a cache directory that survives between runs, and prints that directory.
# Tests find the binaries through CUSTOPS_TOOLS_DIR (exported by .ci/run and the Makefile).
set -euo pipefail

PROMETHEUS_VERSION=v0.316.0   # Prometheus 3.x module tag; needs go >= 1.26.7
ALERTMANAGER_VERSION=v0.28.1  # newer tags lack their UI assets in the module and do not build
GOLANGCI_LINT_VERSION=v2.15.0 # the linters of .golangci.yml

dir="${CUSTOPS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/custops/tools/prom-${PROMETHEUS_VERSION}-am-${ALERTMANAGER_VERSION}}"
mkdir -p "$dir"

install() { # install <binary> <module path@version> [<subdirectory>]
  local into="$dir${3:+/$3}"
  if [ -x "$into/$1" ]; then return 0; fi
  echo "install-tools: building $2 into $into (cached afterwards)" >&2
  GOBIN="$into" GOFLAGS=-buildvcs=false go install "$2"
}

install prometheus   "github.com/prometheus/prometheus/cmd/prometheus@${PROMETHEUS_VERSION}"
install promtool     "github.com/prometheus/prometheus/cmd/promtool@${PROMETHEUS_VERSION}"
install alertmanager "github.com/prometheus/alertmanager/cmd/alertmanager@${ALERTMANAGER_VERSION}"
install golangci-lint "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@${GOLANGCI_LINT_VERSION}" "golangci-lint-${GOLANGCI_LINT_VERSION}"
ln -sf "golangci-lint-${GOLANGCI_LINT_VERSION}/golangci-lint" "$dir/golangci-lint" # the pinned one

echo "$dir"
