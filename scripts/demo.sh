#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo on embedded defaults:
# trains the models on the first half of the SKAB valve1 recordings beside
# the clone (else the simulator) and registers them in models/, then
# streams the second half through an embedded broker and the stream
# processor serving those models. Arguments go to `ntscada demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh build
exec build/src/ntscada demo "$@"
