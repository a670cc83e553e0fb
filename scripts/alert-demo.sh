#!/usr/bin/env bash
# alert-demo.sh: watch an SLA page fire without Docker. Runs `custops demo --demo.scenario=breach-soon`,
# the pinned Prometheus with the generated rules and the pinned Alertmanager with the generated
# routing, all on loopback, until Ctrl-C. Within about two minutes Alertmanager shows
# CustopsSLABreachImminent for northwind (its receivers point at a webhook nobody listens on, so
# notifications fail visibly in its log; the alert itself is there).
#
# Every server listens on a port the kernel picks (address :0) and the script reads the port from
# that server's own "Listening on" log line, so it never talks to another process that holds a
# usual port. A server that exits or does not answer in time stops the script with its log; on
# exit, however it comes, the script stops all three.
#
# CUSTOPS_BIN runs that custops binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

tools="$(bash scripts/install-tools.sh)"
work="$(mktemp -d -t custops-alert-demo-XXXX)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { # die <server> <message>: the server's log, then the message, and exit 1
  echo "alert-demo: $1 $2; its log ($work/$1.log) ends:" >&2
  tail -n 20 "$work/$1.log" >&2 || true
  echo "alert-demo: FAILED: $1 $2" >&2
  exit 1
}

# listening <server> <pid>: waits for the server's own "Listening on" line and prints its port.
listening() {
  local addr
  for _ in $(seq 1 600); do # 60 s
    kill -0 "$2" 2>/dev/null || die "$1" "exited before listening"
    addr="$(sed -n 's/.*msg="Listening on".* address=\([^ ]*\).*/\1/p' "$work/$1.log" | head -n 1)"
    if [ -n "$addr" ]; then echo "${addr##*:}"; return 0; fi
    sleep 0.1
  done
  die "$1" "did not listen within 60 s"
}

# answering <server> <pid> <url> <seconds>: waits until url answers 200 while the server runs.
answering() {
  for _ in $(seq 1 "$(($4 * 2))"); do
    kill -0 "$2" 2>/dev/null || die "$1" "exited before $3 answered"
    if "$custops" healthcheck --url="$3" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  die "$1" "did not answer $3 within $4 s"
}

custops="${CUSTOPS_BIN:-}"
if [ -z "$custops" ]; then
  custops="$work/custops"
  go build -o "$custops" ./cmd/custops
fi
"$custops" generate --out "$work/deploy" >/dev/null
cp "$work/deploy/prometheus/rules/"*.yml "$work/"

"$custops" demo --demo.scenario=breach-soon --demo.poll-interval=5s --demo.state-dir="$work/state" \
  --web.listen-address=127.0.0.1:0 >"$work/custops.log" 2>&1 &
pids+=($!)
custops_pid=$!
"$tools/alertmanager" --config.file="$work/deploy/alertmanager/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address=127.0.0.1:0 --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)
am_pid=$!
custops_port="$(listening custops "$custops_pid")"
am_port="$(listening alertmanager "$am_pid")"

cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$work/custops.rules.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$am_port"]}]}]
scrape_configs:
  - job_name: custops
    static_configs: [{targets: ["127.0.0.1:$custops_port"]}]
YAML
"$tools/prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address=127.0.0.1:0 >"$work/prometheus.log" 2>&1 &
pids+=($!)
prom_pid=$!
prom_port="$(listening prometheus "$prom_pid")"

answering alertmanager "$am_pid" "http://127.0.0.1:$am_port/-/ready" 60
answering prometheus "$prom_pid" "http://127.0.0.1:$prom_port/-/ready" 60
answering custops "$custops_pid" "http://127.0.0.1:$custops_port/-/ready" 180

cat <<TXT

custops demo   http://127.0.0.1:$custops_port/customers
Prometheus API http://127.0.0.1:$prom_port/api/v1/alerts
Alertmanager   http://127.0.0.1:$am_port  (CustopsSLABreachImminent for northwind within about two minutes)
Take a desk down: curl -X PUT http://127.0.0.1:$custops_port/-/demo/sources/jsm/down
Ctrl-C stops everything.
TXT

# Run until a signal, or until one of the servers exits: then say which, loudly.
while true; do
  for server in custops:$custops_pid alertmanager:$am_pid prometheus:$prom_pid; do
    kill -0 "${server#*:}" 2>/dev/null || die "${server%%:*}" "stopped"
  done
  sleep 1
done
