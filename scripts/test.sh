#!/usr/bin/env bash
# Installs what is missing, checks formatting, builds with warnings as
# errors and runs every test; then builds again with AddressSanitizer and
# UBSan and runs every test under them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

echo "== clang-format check"
git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

echo "== build and test"
scripts/build.sh build
ctest --test-dir build --output-on-failure --timeout 300

echo "== build and test with AddressSanitizer and UBSan"
scripts/build.sh build-sanitize -DNTSCADA_SANITIZE=ON \
  -DNTSCADA_BUILD_BENCHMARKS=OFF
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-sanitize --output-on-failure --timeout 600
