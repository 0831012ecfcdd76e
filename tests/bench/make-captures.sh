#!/bin/bash
# Builds the benchmark captures in tests/bench/work/captures (real traffic,
# made on this machine) and tests/bench/work/synth (synthetic series).
# Called by run-bench.sh; can be run alone:
#
#   sudo tests/bench/make-captures.sh [--force] [name...]
#
# names (default: all; existing files are kept unless --force):
#   stomp-lo         (1) STOMP on loopback: ActiveMQ + python3-stomp, >= 200,000 frames
#   stomp-veth       (2) the same traffic through a veth pair, MTU 1500, offloads off
#   nonstomp         (3) nginx:18080 + ab and redis-server:16379 + redis-benchmark
#   http-lo          (4) nginx:8080 + curl, about as many HTTP messages as (1) has STOMP frames
#   stomp-small      (5) ~2,000 STOMP frames (callgrind)
#   stomp-nul-large  (6) as (2), smaller, with one 300 KB body without content-length
#                        (correctness check only, not timed)
#   load-mixed-lo    (7) load: hex/Base64/JSON/binary bodies of 0-4000 bytes, loopback (64 KiB segments)
#   load-mixed-veth  (8) the same load through a veth pair, MTU 1500
#   load-prefetch-lo (9) the same bodies to batch consumers (queue filled first, activemq.prefetchSize 2000)
#   synth            synthetic TCP-correct captures for the linearity series
#
# Every real capture is made in network namespaces created here (named
# stompbench-*-<pid>, deleted on exit): loopback captures use the namespace's
# own lo (MTU 65536), so nothing on the host's ports can collide; ephemeral
# client ports are limited to 50000-56999 in each namespace (no Wireshark
# TCP port dissector is registered there).  Brokers/servers are children of
# this script, stopped by PID.  Needs root (ip netns, tcpdump).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
LIB=$HERE/lib
WORK=${BENCH_WORK:-$HERE/work}
CAP=$WORK/captures
SYN=$WORK/synth
PY=/usr/bin/python3          # Debian's python3 with python3-stomp
export PYTHONDONTWRITEBYTECODE=1

[ "$(id -u)" = 0 ] || { echo "make-captures.sh: run as root (ip netns, tcpdump)" >&2; exit 1; }
for t in ip tcpdump ethtool java nginx curl ab redis-server redis-benchmark capinfos tshark; do
  command -v "$t" > /dev/null || { echo "make-captures.sh: $t is missing (apt-get install ethtool apache2-utils ...)" >&2; exit 1; }
done

FORCE=0
NAMES=()
for a in "$@"; do
  case $a in
    --force) FORCE=1 ;;
    *) NAMES+=("$a") ;;
  esac
done
[ ${#NAMES[@]} -gt 0 ] || NAMES=(stomp-lo stomp-veth nonstomp http-lo stomp-small stomp-nul-large
                                 load-mixed-lo load-mixed-veth load-prefetch-lo synth)

mkdir -p "$CAP" "$SYN"
chmod 755 "$WORK" "$CAP" "$SYN"
SCRATCH=$WORK/scratch/$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$SCRATCH"
echo "make-captures: scratch directory $SCRATCH"

# ------------------------------------------------------------------ cleanup
NSS=()
HOLD_PID=
TD_PID=
cleanup() {
  set +e
  if [ -n "$TD_PID" ]; then kill -INT "$TD_PID" 2>/dev/null; wait "$TD_PID" 2>/dev/null; fi
  if [ -n "$HOLD_PID" ]; then kill -TERM "$HOLD_PID" 2>/dev/null; wait "$HOLD_PID" 2>/dev/null; fi
  local ns
  for ns in "${NSS[@]}"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT

ns_new() {   # ns_new <name>
  ip netns add "$1"
  NSS+=("$1")
  ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="50000 56999"
}
ns_del() {
  ip netns del "$1"
  local keep=() ns
  for ns in "${NSS[@]}"; do [ "$ns" = "$1" ] || keep+=("$ns"); done
  NSS=("${keep[@]+"${keep[@]}"}")
}

broker_up() {   # broker_up <ns> <bind-address> <dir>
  local ns=$1 bind=$2 dir=$3 i
  mkdir -p "$dir"
  ip netns exec "$ns" bash "$LIB/broker-hold.sh" "$dir" "$bind" 61613 51515 > "$dir.log" 2>&1 &
  HOLD_PID=$!
  for i in $(seq 1 180); do
    [ -e "$dir/ready" ] && return 0
    kill -0 "$HOLD_PID" 2>/dev/null || { cat "$dir.log" >&2; echo "broker did not start" >&2; return 1; }
    sleep 1
  done
  echo "broker did not start in time" >&2; return 1
}
broker_down() {
  [ -n "$HOLD_PID" ] || return 0
  kill -TERM "$HOLD_PID" 2>/dev/null || true
  wait "$HOLD_PID" 2>/dev/null || true
  HOLD_PID=
}

td_start() {   # td_start <ns> <iface> <file> <filter>
  local ns=$1 ifc=$2 file=$3 filter=$4 i
  rm -f "$file"
  ip netns exec "$ns" tcpdump -i "$ifc" -s 0 -B 1048576 -U -w "$file" "$filter" 2> "$file.tcpdump.txt" &
  TD_PID=$!
  for i in $(seq 1 100); do grep -qs "listening on" "$file.tcpdump.txt" && break; sleep 0.1; done
  sleep 0.5
}
td_stop() {   # td_stop <file>: fails if the kernel dropped packets
  sleep 1.5
  kill -INT "$TD_PID"; wait "$TD_PID" || true; TD_PID=
  cat "$1.tcpdump.txt" | grep -v "^tcpdump: listening" | sed 's/^/    tcpdump: /'
  grep -q "^0 packets dropped by kernel" "$1.tcpdump.txt" || { echo "tcpdump dropped packets" >&2; return 1; }
}

# meta <name> <how> <client-log> [extra json]: writes captures/<name>.json
meta() {
  local name=$1 how=$2 log=$3 extra=${4:-"{}"}
  $PY - "$CAP/$name.pcap" "$how" "$log" "$extra" "$CAP/$name.json" <<'EOF'
import json, subprocess, sys
pcap, how, log, extra, out = sys.argv[1:]
ci = subprocess.run(["capinfos", "-M", "-c", "-s", "-d", "-E", pcap], capture_output=True, text=True).stdout
info = {}
for line in ci.splitlines():
    if ":" in line:
        k, v = line.split(":", 1)
        info[k.strip()] = v.strip()
m = {"file": pcap.rsplit("/", 1)[-1], "how": how, "capinfos": info,
     "client": json.load(open(log)) if log else None}
m.update(json.loads(extra))
json.dump(m, open(out, "w"), indent=1)
EOF
  chmod 644 "$CAP/$name.pcap" "$CAP/$name.json"
}

# max TCP payload in a capture (TCP layer only: tshark as root loads no personal plugin)
max_tcp_len() {
  tshark -r "$1" -T fields -e tcp.len 2>/dev/null | sort -n | tail -1
}

want() {   # want <name> <file>: in NAMES and (missing or --force)
  local n
  for n in "${NAMES[@]}"; do
    if [ "$n" = "$1" ]; then
      [ $FORCE = 1 ] || [ ! -s "$2" ] && return 0
      echo "== $1: cached ($2)"; return 1
    fi
  done
  return 1
}

# Large bodies of the STOMP captures: binary, with content-length (python3-stomp's default).
LARGE=102400,524288,1048576,2097152
STOMP_LOAD="$LIB/stomp_load.py"

# ------------------------------------------------------ (1) STOMP on loopback
stomp_lo() {   # stomp_lo <name> <pairs> <messages> <large> [more stomp_load args]
  local name=$1 pairs=$2 msgs=$3 large=$4; shift 4
  local ns=stompbench-lo-$$ d=$SCRATCH/$name
  mkdir -p "$d"
  echo "== $name: ActiveMQ + python3-stomp on lo of namespace $ns"
  ns_new "$ns"
  broker_up "$ns" 127.0.0.1 "$d/broker"
  td_start "$ns" lo "$d/$name.pcap" "tcp port 61613"
  ip netns exec "$ns" $PY "$STOMP_LOAD" --host 127.0.0.1 --port 61613 --pairs "$pairs" \
    --messages "$msgs" --large "$large" --paced --log "$d/client.json" "$@"
  td_stop "$d/$name.pcap"
  broker_down
  ns_del "$ns"
  mv "$d/$name.pcap" "$CAP/$name.pcap"
  meta "$name" "ActiveMQ 5.17.2 (Debian) + python3-stomp, STOMP 1.2, in a private network namespace, tcpdump -i lo (MTU 65536)" "$d/client.json"
  echo "  ok: $CAP/$name.pcap ($(stat -c %s "$CAP/$name.pcap") bytes)"
}

if want stomp-lo "$CAP/stomp-lo.pcap"; then
  stomp_lo stomp-lo 4 17500 "$LARGE"
fi
if want stomp-small "$CAP/stomp-small.pcap"; then
  stomp_lo stomp-small 4 165 102400
fi

# ------------------------------------------------ (2) STOMP through a veth pair
stomp_veth() {   # stomp_veth <name> <pairs> <messages> <large> [more stomp_load args]
  local name=$1 pairs=$2 msgs=$3 large=$4; shift 4
  local d=$SCRATCH/$name S=stompbench-srv-$$ C=stompbench-cli-$$ maxlen
  mkdir -p "$d"
  echo "== $name: ActiveMQ in $S (10.200.0.1), python3-stomp in $C (10.200.0.2), veth MTU 1500"
  ns_new "$S"; ns_new "$C"
  ip -n "$S" link add v0 type veth peer name v1 netns "$C"
  ip -n "$S" addr add 10.200.0.1/24 dev v0
  ip -n "$C" addr add 10.200.0.2/24 dev v1
  ip -n "$S" link set v0 mtu 1500 up
  ip -n "$C" link set v1 mtu 1500 up
  ip netns exec "$S" ethtool -K v0 tso off gso off gro off tx off > /dev/null
  ip netns exec "$C" ethtool -K v1 tso off gso off gro off tx off > /dev/null
  ip netns exec "$C" ethtool -k v1 | grep -E "^(tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload|tx-checksumming):" | sed 's/^/    v1 /'
  broker_up "$S" 10.200.0.1 "$d/broker"
  td_start "$C" v1 "$d/$name.pcap" "tcp port 61613"
  ip netns exec "$C" $PY "$STOMP_LOAD" --host 10.200.0.1 --port 61613 --pairs "$pairs" \
    --messages "$msgs" --large "$large" --paced --log "$d/client.json" "$@"
  td_stop "$d/$name.pcap"
  broker_down
  ns_del "$C"; ns_del "$S"
  maxlen=$(max_tcp_len "$d/$name.pcap")
  echo "    largest TCP payload: $maxlen bytes"
  [ "$maxlen" -le 1448 ] || { echo "TCP segments larger than 1448 bytes: offloads not off?" >&2; exit 1; }
  mv "$d/$name.pcap" "$CAP/$name.pcap"
  meta "$name" "ActiveMQ 5.17.2 in one network namespace, python3-stomp in another, joined by a veth pair with MTU 1500 (tso/gso/gro/tx-checksum offloads off), tcpdump on the client's veth" "$d/client.json" "{\"max_tcp_len\": $maxlen}"
  echo "  ok: $CAP/$name.pcap ($(stat -c %s "$CAP/$name.pcap") bytes)"
}

if want stomp-veth "$CAP/stomp-veth.pcap"; then
  stomp_veth stomp-veth 4 17500 "$LARGE"
fi
if want stomp-nul-large "$CAP/stomp-nul-large.pcap"; then
  # worker 1 (no content-length on its small bodies) sends a 300 KB text body
  # without content-length half-way through its 2,000 messages (MSS segments)
  stomp_veth stomp-nul-large 2 2000 "" --large-text 0,307200
fi

# ------------------------------------------- (7)-(9) load with mixed bodies
# Not shaped like (1): bodies as applications send ids, hashes, tokens and
# documents (hex and Base64 text look like MCollective's Base64 layer to a
# naive heuristic), 0-4000 bytes, all with content-length; producers run up
# to 2,000 messages ahead, so a 64 KiB loopback segment holds ~20 frames.
if want load-mixed-lo "$CAP/load-mixed-lo.pcap"; then
  stomp_lo load-mixed-lo 2 50000 "" --bodies mixed --seed 7
fi
if want load-mixed-veth "$CAP/load-mixed-veth.pcap"; then
  stomp_veth load-mixed-veth 2 50000 "" --bodies mixed --seed 8
fi
if want load-prefetch-lo "$CAP/load-prefetch-lo.pcap"; then
  stomp_lo load-prefetch-lo 2 50000 "" --bodies mixed --prefetch 2000 --seed 9
fi

# ------------------------------------------------------ (3) non-STOMP TCP
if want nonstomp "$CAP/nonstomp.pcap"; then
  name=nonstomp
  d=$SCRATCH/$name; mkdir -p "$d"
  ns=stompbench-neg-$$
  echo "== $name: nginx:18080 + ab, redis-server:16379 + redis-benchmark on lo of $ns"
  ns_new "$ns"
  td_start "$ns" lo "$d/$name.pcap" "tcp port 18080 or tcp port 16379"
  ip netns exec "$ns" $PY "$LIB/http_load.py" mixed --workdir "$d" --http-port 18080 --redis-port 16379 \
    --ab-requests 40000 --redis-requests 20000 --log "$d/client.json"
  td_stop "$d/$name.pcap"
  ns_del "$ns"
  mv "$d/$name.pcap" "$CAP/$name.pcap"
  meta "$name" "nginx on 18080 + ApacheBench and redis-server on 16379 + redis-benchmark, concurrently, in a private network namespace, tcpdump -i lo" "$d/client.json"
  echo "  ok: $CAP/$name.pcap ($(stat -c %s "$CAP/$name.pcap") bytes)"
fi

# ------------------------------------------------- (4) HTTP like (1)
if want http-lo "$CAP/http-lo.pcap"; then
  name=http-lo
  d=$SCRATCH/$name; mkdir -p "$d"
  ns=stompbench-http-$$
  echo "== $name: nginx:8080 + 4 curl keep-alive clients on lo of $ns"
  ns_new "$ns"
  td_start "$ns" lo "$d/$name.pcap" "tcp port 8080"
  ip netns exec "$ns" $PY "$LIB/http_load.py" like-stomp --workdir "$d" --port 8080 --clients 4 \
    --requests 26250 --large "$LARGE" --log "$d/client.json"
  td_stop "$d/$name.pcap"
  ns_del "$ns"
  mv "$d/$name.pcap" "$CAP/$name.pcap"
  meta "$name" "nginx on 8080 (application/octet-stream bodies, sizes drawn like the STOMP bodies) + 4 concurrent curl keep-alive clients, in a private network namespace, tcpdump -i lo" "$d/client.json"
  echo "  ok: $CAP/$name.pcap ($(stat -c %s "$CAP/$name.pcap") bytes)"
fi

# ------------------------------------------------- synthetic series
if want synth "$SYN/.done"; then
  echo "== synth: linearity series in $SYN"
  rm -f "$SYN"/*.pcap "$SYN/.done"
  $PY "$LIB/synth_pcap.py" empty --out "$SYN/empty.pcap"
  for s in 1024:1k 16384:16k 262144:256k 1048576:1m 4194304:4m 16777216:16m; do
    for f in cl nul http; do
      $PY "$LIB/synth_pcap.py" body --size "${s%%:*}" --framing $f --total $((32 * 1024 * 1024)) \
        --out "$SYN/body-${s##*:}-$f.pcap"
    done
  done
  for k in 1 10 100 1000; do
    $PY "$LIB/synth_pcap.py" fps --per-segment $k --frames 200000 --out "$SYN/fps-$k.pcap"
  done
  chmod 644 "$SYN"/*.pcap
  touch "$SYN/.done"
fi

echo "make-captures: done"
