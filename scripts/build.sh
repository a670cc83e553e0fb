#!/usr/bin/env bash
# build.sh OUT: builds the custops binary the way CI and the Dockerfile do: static, trimmed paths,
# version stamped from git when available.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-custops}"
version="$(git describe --tags --always --dirty 2>/dev/null || echo dev)"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
pkg=github.com/prometheus/common/version
CGO_ENABLED="${CGO_ENABLED:-0}" go build -trimpath \
  -ldflags "-s -w -X $pkg.Version=$version -X $pkg.Revision=$revision -X $pkg.Branch=main" \
  -o "$out" ./cmd/custops
