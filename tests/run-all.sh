#!/usr/bin/env bash
# run-all.sh - every test. Installs what the tests need (apt-get, only when
# missing), then:
#   1. builds plugin + unit tests (-Werror) and runs CTest: GoogleTest units and
#      the tshark integration tests on every real capture (tshark runs
#      unprivileged, as Wireshark ignores personal plugins for root), the GUI
#      test (tests/gui: Wireshark's Qt window under Xvfb, read by OCR; skipped
#      with its reason if a tool is missing) and the docs/fields.md check; then the
#      README's install command (packaging/install.sh) must build, install and
#      decode a bundled capture;
#   2. builds the libFuzzer targets with clang and fuzzes each core
#      (STOMP_FUZZ_SECONDS, 60 s each by default);
#   3. builds the plugin with -fsanitize=address,undefined and runs tshark with
#      it over every capture and mutated copies (editcap -E); then the unit
#      tests and tshark on every small capture under valgrind (eight captures
#      concatenated per run: tshark's start-up alone takes ~8 s under valgrind).
#
#   tests/run-all.sh                      everything
#   tests/run-all.sh -L unit              only stage 1, with these ctest arguments
#   STOMP_FUZZ_SECONDS=600 tests/run-all.sh
#   STOMP_COMPAT="trixie sid" tests/run-all.sh   + builds/tests in those releases (tests/compat/)
#   STOMP_DEB_TEST=0 tests/run-all.sh             without the .deb test (tests/compat/test-deb-in-chroot.sh)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$top/packaging/deps.sh" test

# Each step's heading says when it started (minutes since the start), so a
# CI log shows where the time goes.
step() { printf '\n=== [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }

step "build and CTest (units, tshark integration)"
cmake -S "$top" -B "$top/build-tests" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTOMP_WERROR=ON \
  -DSTOMP_BUILD_PLUGIN=ON -DSTOMP_BUILD_TESTS=ON >/dev/null
cmake --build "$top/build-tests" -j"$jobs"
(cd "$top/build-tests" && ctest --output-on-failure -j"$jobs" "$@")
# CTest does not print a skipped test's output: say why the GUI test skipped.
grep -h "^SKIP:" "$top/build-tests/Testing/Temporary/LastTest.log" 2>/dev/null || true
[[ $# -gt 0 ]] && exit 0

step "README command 1: packaging/install.sh (build, install, decode a bundled capture)"
# As root it installs into Wireshark's system plugin folder (personal plugins
# are ignored for root); the tests above never load that copy.
"$top/packaging/install.sh" > "$top/build-tests/install.log" 2>&1 || {
  tail -30 "$top/build-tests/install.log"; echo "install.sh failed" >&2; exit 1; }
grep -q "STOMP .* CONNECT " "$top/build-tests/install.log" || {
  tail -30 "$top/build-tests/install.log"; echo "install.sh decoded no STOMP frame" >&2; exit 1; }
tail -3 "$top/build-tests/install.log"

# The .deb in a clean debootstrap root filesystem (install, load, decode,
# remove): cheap (~0.7 min cold), so on by default; STOMP_DEB_TEST=0 skips,
# STOMP_DEB_TEST="bookworm trixie" picks releases.
deb_suites=${STOMP_DEB_TEST-$(. /etc/os-release && echo "$VERSION_CODENAME")}
[[ $deb_suites == 0 ]] && deb_suites=
for suite in $deb_suites; do
  step "packaging: the .deb installed, used and removed in a clean Debian $suite"
  "$top/tests/compat/test-deb-in-chroot.sh" "$suite"
done

# Opt-in: other Debian releases' Wireshark (debootstrap root filesystems,
# cached in /var/cache/stomp-compat), e.g. STOMP_COMPAT="trixie sid".
for suite in ${STOMP_COMPAT:-}; do
  step "compat: build (-Werror) and CTest against Debian $suite's Wireshark"
  "$top/tests/compat/build-in-chroot.sh" "$suite"
done

step "libFuzzer targets, ${STOMP_FUZZ_SECONDS:-60} s each"
cmake -S "$top" -B "$top/build-fuzz" -DSTOMP_BUILD_FUZZERS=ON -DSTOMP_BUILD_PLUGIN=OFF \
  -DSTOMP_BUILD_TESTS=OFF -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14 \
  -DSTOMP_FUZZ_SECONDS="${STOMP_FUZZ_SECONDS:-60}" >/dev/null
cmake --build "$top/build-fuzz" -j"$jobs"
(cd "$top/build-fuzz" && ctest --output-on-failure -j"$jobs" -L fuzz)

step "sanitizers: tshark with the ASan/UBSan plugin on every capture and mutations"
cmake -S "$top" -B "$top/build-asan" -DSTOMP_SANITIZE=ON -DSTOMP_BUILD_PLUGIN=ON \
  -DSTOMP_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$top/build-asan" -j"$jobs"
python3 "$top/tests/sanitize/tshark_sanitized.py" --plugin "$top/build-asan/plugin/stomp.so" --seeds 2

step "valgrind: the unit tests, and tshark with the plugin on every small capture"
valgrind --quiet --error-exitcode=9 "$top/build-tests/tests/unit_tests" --gtest_brief=1
python3 "$top/tests/sanitize/tshark_sanitized.py" --plugin "$top/build-tests/plugin/stomp.so" \
  --valgrind --max-size 300000 --valgrind-group 8
step "done"
