#!/usr/bin/env bash
# Installs the Debian packages that building and testing NT-SCADA need,
# skipping the update when everything is already there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config clang-format
  librdkafka-dev libsimdjson-dev libcli11-dev libspdlog-dev libfmt-dev
  libtomlplusplus-dev libxgboost-dev libsqlite3-dev libgtest-dev libgmock-dev libbenchmark-dev kcat
  libcpp-httplib-dev libssl-dev
  # promtool and a Prometheus server for the metrics tests and deploy/
  # checks; yamllint and docker-compose check the deployment files.
  prometheus yamllint docker-compose
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
