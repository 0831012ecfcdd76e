#!/bin/bash
# Compares what two builds of stomp.so make tshark print, on every capture
# under test-captures/ (or the files given after the two plugins):
#   plain summary lines (no tree), one pass and -2
#   -V (the tree), one pass and -2
#   -T pdml (every field, hidden ones included), -2
# Run as root or not; tshark runs as uid 65534 when root (Wireshark ignores
# personal plugins for root).  Exit status 1 if any output differs.
#
#   tests/bench/compare-output.sh OLD.so NEW.so [capture...]
#   MODES="plain V pdml2" tests/bench/compare-output.sh ...   (a subset)
set -uo pipefail

[ $# -ge 2 ] || { echo "usage: $0 OLD.so NEW.so [capture...]" >&2; exit 2; }
OLD=$(readlink -f "$1"); NEW=$(readlink -f "$2"); shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
if [ $# -gt 0 ]; then CAPS=("$@"); else
  mapfile -t CAPS < <(find "$TOP/test-captures" -name '*.pcap' -o -name '*.pcapng' -o -name '*.pcap.gz' | sort)
fi
ABI=$(tshark --version 2>/dev/null | sed -n '1s/.* \([0-9]*\.[0-9]*\)\..*/\1/p')
WORK=$(mktemp -d /tmp/stomp-compare-XXXXXX)
chmod 755 "$WORK"
for side in old new; do
  mkdir -p "$WORK/$side/.local/lib/wireshark/plugins/$ABI/epan" "$WORK/$side/no-global-plugins/$ABI/epan"
done
cp "$OLD" "$WORK/old/.local/lib/wireshark/plugins/$ABI/epan/stomp.so"
cp "$NEW" "$WORK/new/.local/lib/wireshark/plugins/$ABI/epan/stomp.so"
mkdir -p "$WORK/caps" "$WORK/out"
chmod -R a+rX "$WORK"

ts() {   # ts <side> args...
  local side=$1; shift
  local pre=()
  [ "$(id -u)" = 0 ] && pre=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${pre[@]}" env HOME="$WORK/$side" WIRESHARK_PLUGIN_DIR="$WORK/$side/no-global-plugins" \
    LC_ALL=C.UTF-8 tshark "$@" 2>&1
}

fail=0 n=0
for c in "${CAPS[@]}"; do
  b=$(basename "$c")
  cp "$c" "$WORK/caps/$b"; chmod 644 "$WORK/caps/$b"
  opts=()
  k="${c%.pcap}.keys"
  if [ -f "$k" ]; then cp "$k" "$WORK/caps/$b.keys"; chmod 644 "$WORK/caps/$b.keys"; opts=(-o "tls.keylog_file:$WORK/caps/$b.keys"); fi
  for mode in ${MODES:-plain plain2 V V2 pdml2}; do
    case $mode in
      plain) a=() ;; plain2) a=(-2) ;; V) a=(-V) ;; V2) a=(-2 -V) ;; pdml2) a=(-2 -T pdml) ;;
    esac
    for side in old new; do
      # (the PDML header line holds the time of the run)
      ts "$side" -r "$WORK/caps/$b" "${opts[@]}" "${a[@]}" |
        sed '/^<pdml version=/s/ time="[^"]*"//' > "$WORK/out/$b.$mode.$side"
    done
    n=$((n + 1))
    if ! cmp -s "$WORK/out/$b.$mode.old" "$WORK/out/$b.$mode.new"; then
      echo "DIFF $b $mode"
      diff "$WORK/out/$b.$mode.old" "$WORK/out/$b.$mode.new" | head -20
      fail=1
    fi
  done
done
echo "compared $n outputs of ${#CAPS[@]} captures; $( [ $fail = 0 ] && echo all equal || echo DIFFERENCES ) (outputs in $WORK/out)"
exit $fail
