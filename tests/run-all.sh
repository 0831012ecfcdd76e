#!/usr/bin/env bash
# run-all.sh - every test: installs what the tests need (apt-get, only when
# missing), builds plugin + unit tests, and runs CTest: GoogleTest units,
# tshark integration tests on the real captures (tshark runs unprivileged),
# short fuzzing of every core and the sanitizer run.
#
#   tests/run-all.sh            everything
#   tests/run-all.sh -L unit    only what CTest selects (any ctest arguments)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/packaging/deps.sh" test

build="$top/build-tests"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOMP_WERROR=ON >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
