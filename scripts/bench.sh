#!/usr/bin/env bash
# bench.sh: runs every benchmark behind the numbers in docs/benchmarks.md. Run it on a quiet
# machine; the results land in bench-results.txt (not committed) for benchstat.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-results.txt}"
: > "$out"
run() { echo "== $*" | tee -a "$out"; go test -run '^$' "$@" | tee -a "$out"; }
run -bench 'Compute' -benchmem -count 6 ./collector/snapshot/
run -bench 'RenderMetrics|Scrape' -benchmem -count 6 ./collector/
run -bench 'OpenLoad' -benchtime=3x -cpu 1,2 ./collector/store/
run -bench 'HeapPerTicket|Apply' -benchtime=3x -benchmem ./collector/store/
run -bench 'Record' -benchmem -count 3 ./collector/store/
run -bench '.' -benchmem ./collector/source/jira/
run -bench '.' -benchtime 5x ./collector/source/zendesk/
run -bench '.' -benchmem ./collector/sla/
run -bench '.' -benchmem ./collector/match/
run -bench 'PolicyEveryCustomer|ParseCustomers|AliasFanOut' -benchtime=3x ./collector/config/
run -bench 'Report$|Meeting|ReportAll' -benchtime=20x -benchmem ./report/
run -bench 'ReportCommand|ReportAllCommand' -benchtime=1x -benchmem ./cmd/custops/
echo "results in $out"
