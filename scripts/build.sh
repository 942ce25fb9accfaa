#!/usr/bin/env bash
# Configures and builds NT-SCADA into build/ (or $1), warnings as errors.
# Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNTSCADA_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
