#!/usr/bin/env bash
# Installs the Debian packages that building and testing NT-SCADA need,
# skipping the update when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  librdkafka-dev libsimdjson-dev libcli11-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libxgboost-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev kcat
  libcpp-httplib-dev libssl-dev libarchive-dev zlib1g-dev influxdb
  # A Prometheus server and promtool for the metrics tests and the deploy/
  # checks, which also use jq, yamllint, docker-compose and
  # systemd-analyze. On a machine that runs systemd, installing prometheus
  # also starts its service on port 9090, which the tests do not use.
  prometheus jq yamllint docker-compose systemd
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends \
    "${missing[@]}"
fi
