#!/bin/bash
# "Prove it is fast": the STOMP plugin's benchmark.  Run by hand, as root, on
# Debian bookworm (see tests/bench/README.md); not part of CI.
#
#   sudo tests/bench/run-bench.sh                 # build, make missing captures, measure
#   sudo tests/bench/run-bench.sh --regen         # remake every capture from scratch first
#   sudo tests/bench/run-bench.sh --runs 9 --only a,b
#
# Options:
#   --regen           remake all captures (otherwise cached ones in tests/bench/work are reused)
#   --runs N          runs per case (default 5; interleaved plugin/baseline/plugin/...)
#   --only LIST       sections: check,a,b,d,e,f,lin (default all; a and b run together)
#   --plugin FILE     measure this stomp.so instead of building build-bench/plugin/stomp.so
#   --no-build        use build-bench/plugin/stomp.so as it is
#   --captures-only   make the captures and stop
#   --timeout S       per tshark run (default 900)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
WORK=${BENCH_WORK:-$HERE/work}
export BENCH_WORK=$WORK

REGEN=0 RUNS=5 ONLY=check,a,b,d,e,f,lin PLUGIN= BUILD=1 CAPONLY=0 TIMEOUT=900
while [ $# -gt 0 ]; do
  case $1 in
    --regen) REGEN=1 ;;
    --runs) RUNS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --plugin) PLUGIN=$2; BUILD=0; shift ;;
    --no-build) BUILD=0 ;;
    --captures-only) CAPONLY=1 ;;
    --timeout) TIMEOUT=$2; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

mkdir -p "$WORK/results"
chmod 755 "$WORK"
STAMP=$(date +%Y%m%d-%H%M%S)
LOG=$WORK/results/bench-$STAMP.txt

{
echo "run-bench.sh $STAMP on $(hostname), $(nproc) CPUs, $(uname -r)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------------ plugin
if [ -z "$PLUGIN" ]; then
  PLUGIN=$TOP/build-bench/plugin/stomp.so
  if [ $BUILD = 1 ]; then
    echo "== building $PLUGIN (Release)"
    cmake -S "$TOP" -B "$TOP/build-bench" -DCMAKE_BUILD_TYPE=Release -DSTOMP_BUILD_TESTS=OFF > "$WORK/build.log" 2>&1 \
      && cmake --build "$TOP/build-bench" -j"$(nproc)" >> "$WORK/build.log" 2>&1 \
      || { tail -30 "$WORK/build.log"; echo "build failed" >&2; exit 1; }
  fi
fi
[ -f "$PLUGIN" ] || { echo "no plugin at $PLUGIN" >&2; exit 1; }
echo "plugin: $PLUGIN ($(stat -c %s "$PLUGIN") bytes, $(date -r "$PLUGIN" '+%F %T'))"
if git -C "$TOP" rev-parse --git-dir > /dev/null 2>&1; then
  echo "source: $(git -C "$TOP" log -1 --format='%h %s' 2>/dev/null)$(git -C "$TOP" status --porcelain -- plugin dissector 2>/dev/null | grep -q . && echo ' (+ uncommitted changes in plugin/ or dissector/)')"
fi

# ---------------------------------------------------------------- captures
need=0
for f in captures/stomp-lo.pcap captures/stomp-veth.pcap captures/nonstomp.pcap captures/http-lo.pcap \
         captures/stomp-small.pcap captures/stomp-nul-large.pcap synth/.done; do
  [ -s "$WORK/$f" ] || [ -e "$WORK/$f" -a "$f" = synth/.done ] || need=1
done
if [ $REGEN = 1 ] || [ $need = 1 ]; then
  if [ $REGEN = 1 ]; then
    "$HERE/make-captures.sh" --force
  else
    "$HERE/make-captures.sh"
  fi
else
  echo "== captures: cached in $WORK (run with --regen to remake them)"
fi
[ $CAPONLY = 1 ] && exit 0

# ------------------------------------------------------------- measurements
/usr/bin/python3 "$HERE/lib/bench.py" --plugin "$PLUGIN" --work "$WORK" --runs "$RUNS" --only "$ONLY" \
  --timeout "$TIMEOUT"
} 2>&1 | tee "$LOG"
echo "log: $LOG"
