#!/usr/bin/env bash
# Checks the deployment files offline with Debian's tools, as far as they
# can be checked without a container registry:
#   - Prometheus configurations and alert rules: promtool check config,
#     check rules and test rules (prometheus package);
#   - the Grafana dashboard: JSON structure with jq, and every panel query
#     parsed by promtool as a recording rule;
#   - YAML files: yamllint;
#   - docker-compose.yml: docker-compose config (Debian's docker-compose
#     1.29, which needs no Docker daemon);
#   - systemd units: systemd-analyze verify in a scratch root.
# The Dockerfile is not built here, because that needs base images from a
# registry. Exits non-zero on the first failing check or missing tool.
set -euo pipefail
cd "$(dirname "$0")"

for tool in promtool jq yamllint docker-compose systemd-analyze; do
  if ! command -v "$tool" >/dev/null; then
    echo "validate.sh: $tool is missing; scripts/install-deps.sh installs it" >&2
    exit 1
  fi
done

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== Prometheus configuration and alert rules"
promtool check config --lint=all --lint-fatal prometheus/prometheus.yml
promtool check config --lint=all --lint-fatal prometheus/prometheus-host.yml
promtool check rules --lint=all --lint-fatal prometheus/alerts.yml
(cd prometheus && promtool test rules alerts_test.yml)

echo "== Grafana dashboard and provisioning"
dashboard=grafana/dashboards/ntscada.json
datasource_uid=$(sed -n 's/^ *uid: *//p' grafana/provisioning/datasources/prometheus.yml)
jq -e --arg uid "$datasource_uid" '
  (.uid | type == "string" and length > 0) and
  (.title | type == "string" and length > 0) and
  (.schemaVersion | type == "number") and
  (.panels | length > 0) and
  ([.panels[].id] | length == (unique | length)) and
  all(.panels[];
      (.title | length > 0) and
      (.gridPos | has("x") and has("y") and has("w") and has("h")) and
      .datasource.uid == $uid and
      (.targets | length > 0) and
      all(.targets[]; (.expr | length > 0) and .datasource.uid == $uid))
' "$dashboard" >/dev/null || {
  echo "validate.sh: $dashboard lacks a uid, title, panel id, grid position," \
    "query or the provisioned data source uid $datasource_uid" >&2
  exit 1
}
for title in "Throughput" "Latency" "Anomalies by severity" \
  "Operational states" "Consumer lag" "Model in use"; do
  jq -e --arg title "$title" 'any(.panels[]; .title == $title)' \
    "$dashboard" >/dev/null || {
    echo "validate.sh: $dashboard has no panel titled '$title'" >&2
    exit 1
  }
done
# Grafana replaces $__rate_interval at query time, so any valid range
# can replace it here.
jq -r '
  "groups:\n  - name: dashboard\n    rules:",
  ([.panels[].targets[].expr] | to_entries[]
   | "      - record: dashboard:query_\(.key)\n        expr: "
     + (.value | gsub("\\$__rate_interval"; "5m") | tojson))
' "$dashboard" >"$scratch/dashboard-queries.yml"
promtool check rules --lint=all --lint-fatal "$scratch/dashboard-queries.yml"

echo "== YAML"
yamllint -c .yamllint docker-compose.yml prometheus grafana/provisioning

echo "== docker-compose.yml"
INFLUXDB_ADMIN_PASSWORD=validate INFLUXDB_ADMIN_TOKEN=validate \
  GRAFANA_ADMIN_PASSWORD=validate \
  docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml is valid"

echo "== systemd units"
# systemd-analyze verify resolves ExecStart= and the targets the units
# need, so it runs in a scratch root with the system's units and a
# stand-in for /usr/local/bin/ntscada. It prints nothing for valid units.
root="$scratch/root"
mkdir -p "$root/usr/local/bin" "$root/etc/systemd/system" "$root/usr/lib/systemd"
printf '#!/bin/sh\n' >"$root/usr/local/bin/ntscada"
chmod +x "$root/usr/local/bin/ntscada"
cp -r /lib/systemd/system "$root/usr/lib/systemd/"
cp systemd/*.service systemd/*.timer "$root/etc/systemd/system/"
units=("$root"/etc/systemd/system/ntscada-*)
if ! output=$(systemd-analyze verify --root="$root" "${units[@]}" 2>&1) ||
  [[ -n $output ]]; then
  echo "$output" >&2
  echo "validate.sh: systemd-analyze verify found problems in deploy/systemd" >&2
  exit 1
fi
echo "systemd units are valid"

echo "deploy/validate.sh: all checks passed"
