#!/usr/bin/env bash
# scale.sh N C [flags]: runs the real custops binary on a generated Jira desk of N tickets and C
# customers (internal/demo/scaledesk, served on loopback by jirafake) and prints the table of
# issue 17: cold sync, peak RSS, live heap, idle CPU, /metrics size and p99 with 10 concurrent
# scrapers (gzip and protobuf), restart to ready and the reconcile requests after the restart.
# Extra flags go to the driver (go run ./internal/scale -h lists them), e.g.
#   scripts/scale.sh 1000000 5000 --datacenter --idle-for=3m
# Results and how they were taken: docs/scale.md.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:?usage: scale.sh TICKETS CUSTOMERS [flags]}"
c="${2:?usage: scale.sh TICKETS CUSTOMERS [flags]}"
shift 2
bin="$(mktemp -d -t custops-scale-bin-XXXX)"
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/custops" ./cmd/custops
go build -o "$bin/scale" ./internal/scale
"$bin/scale" --tickets="$n" --customers="$c" --custops="$bin/custops" "$@"
