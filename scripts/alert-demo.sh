#!/usr/bin/env bash
# alert-demo.sh: watch an SLA page fire without Docker. Runs `custops demo --demo.scenario=breach-soon`,
# the pinned Prometheus with the generated rules and the pinned Alertmanager with the generated
# routing, all on loopback, until Ctrl-C. Within about two minutes Alertmanager shows
# CustopsSLABreachImminent for northwind at http://127.0.0.1:9093 (its receivers point at a
# webhook nobody listens on, so notifications fail visibly in its log; the alert itself is there).
set -euo pipefail
cd "$(dirname "$0")/.."

tools="$(bash scripts/install-tools.sh)"
work="$(mktemp -d -t custops-alert-demo-XXXX)"
trap 'kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT INT TERM

go build -o "$work/custops" ./cmd/custops
"$work/custops" generate --out "$work/deploy" >/dev/null
cp "$work/deploy/prometheus/rules/"*.yml "$work/"
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$work/custops.rules.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:9093"]}]}]
scrape_configs:
  - job_name: custops
    static_configs: [{targets: ["127.0.0.1:10042"]}]
YAML

"$work/custops" demo --demo.scenario=breach-soon --demo.poll-interval=5s --web.listen-address=127.0.0.1:10042 &
"$tools/alertmanager" --config.file="$work/deploy/alertmanager/alertmanager.yml" --storage.path="$work/am" \
  --web.listen-address=127.0.0.1:9093 --cluster.listen-address= --log.level=warn &
"$tools/prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address=127.0.0.1:9090 --log.level=warn &

cat <<TXT

custops demo   http://127.0.0.1:10042/customers
Prometheus API http://127.0.0.1:9090/api/v1/alerts
Alertmanager   http://127.0.0.1:9093  (CustopsSLABreachImminent for northwind within about two minutes)
Take a desk down: curl -X PUT http://127.0.0.1:10042/-/demo/sources/jsm/down
Ctrl-C stops everything.
TXT
wait
