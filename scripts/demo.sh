#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo on embedded defaults:
# an embedded broker, the stream processor and a replay of the SKAB valve1
# recordings beside the clone (else the simulator). Arguments go to
# `ntscada demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
exec build/src/ntscada demo "$@"
