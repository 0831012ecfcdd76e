#!/usr/bin/env bash
# install.sh - one command for a fresh Debian/Ubuntu machine: installs the
# build dependencies if missing, builds the plugin, installs it where
# Wireshark finds it, and decodes a bundled capture with `tshark -Y stomp`.
#
#   packaging/install.sh            personal plugin folder (system folder when run as root,
#                                   because Wireshark ignores personal plugins for root)
#   packaging/install.sh --system   Wireshark's system plugin folder (uses sudo)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
system=0
[[ "${1:-}" == --system || $(id -u) -eq 0 ]] && system=1

"$top/packaging/deps.sh" build

build="$top/build-release"
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSTOMP_BUILD_TESTS=OFF \
  -DSTOMP_INSTALL_SYSTEM=$([[ $system == 1 ]] && echo ON || echo OFF) >/dev/null
cmake --build "$build" -j"$(nproc)"

SUDO=""
[[ $system == 1 && $(id -u) -ne 0 ]] && SUDO="sudo"
$SUDO cmake --install "$build" | sed 's/^/  /'

echo
echo "== tshark -G plugins"
tshark -G plugins 2>/dev/null | grep -E "stomp" || { echo "plugin not loaded"; exit 1; }
capture="$top/test-captures/mcollective/mco-psk-activemq.pcap"
echo
echo "== tshark -r ${capture#$top/} -Y stomp (first 25 packets)"
# Not piped into head: under pipefail tshark's SIGPIPE would fail the script.
decoded=$(tshark -r "$capture" -Y stomp 2>/dev/null)
[[ -n "$decoded" ]] || { echo "no STOMP frames decoded"; exit 1; }
printf '%s\n' "$decoded" | sed -n '1,25p'
echo "($(printf '%s\n' "$decoded" | wc -l) packets with STOMP frames)"
