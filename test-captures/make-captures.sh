#!/bin/bash
# Regenerate the STOMP test captures and MANIFEST.json in this directory.
#
#   sudo test-captures/make-captures.sh            # everything (several minutes)
#   sudo test-captures/make-captures.sh amq-py12-basic.pcap neg-tls-40443.pcap   # only these
#   sudo test-captures/make-captures.sh stompserver     # only the stompserver (ss-*) captures
#   sudo test-captures/make-captures.sh --netns ...     # the same, in a private network namespace
#
# Must run as root (tcpdump on lo), on Debian bookworm, with nothing else
# listening on the ports below.  All traffic is on 127.0.0.1; the brokers and
# servers are started here as child processes with their config/data in a
# scratch directory and stopped again by PID.  Nothing in /etc is changed.
#
# Debian packages used (installed with apt-get if missing):
PACKAGES=(
  activemq            # ActiveMQ 5.17.2 broker (pulls in a Java runtime)
  rabbitmq-server     # RabbitMQ 3.10.8 with the rabbitmq_stomp plugin
  ruby ruby-stomp     # ruby-stomp 1.4.10 client
  python3 python3-stomp   # python3-stomp 8.0.0 client (for /usr/bin/python3)
  tcpdump tshark      # capture; tshark only for TCP-level sanity checks
  iproute2            # ss
  nginx-light curl    # negative capture: HTTP
  redis-server        # negative capture: Redis (redis-server, redis-cli, redis-benchmark)
  python3-aiosmtpd swaks  # negative capture: SMTP
  openssl             # negative capture: TLS; certificates for STOMP over TLS
  stompserver         # stompserver 0.9.9 (Ruby, STOMP 1.0), the third broker
)
# Not from apt: node + npm (any recent version; node 20 was used) for the
# STOMP-over-WebSocket client - its npm dependencies (clients/ws/package.json,
# package-lock.json) are installed with `npm ci` into the scratch directory.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3           # Debian's python3, which has python3-stomp
export PYTHONDONTWRITEBYTECODE=1
USER_NAME=capuser
USER_PASS=cappass
STOMP_PORT=61613              # default STOMP port (both brokers, one after the other)
AMQ_ALT_PORT=51515            # ActiveMQ's second STOMP connector
RMQ_ALT_PORT=12345            # RabbitMQ's second STOMP listener
TLS_PORT=61614                # STOMP over TLS (both brokers, one after the other)
TLS_ALT_PORT=61999            # second STOMP over TLS listener (both brokers)
AMQ_HBGRACE_PORT=61888        # ActiveMQ STOMP connector with hbGracePeriodMultiplier=5
RMQ_WS_PORT=15674             # RabbitMQ web_stomp (STOMP over WebSocket, path /ws)
# private ports, away from the defaults a system broker would use (61616, 4369, 5672, 25672)
export AMQ_OPENWIRE_PORT=46161 RMQ_EPMD_PORT=44369 RMQ_AMQP_PORT=45672 RMQ_DIST_PORT=45673

[ "$(id -u)" = 0 ] || { echo "run as root (tcpdump on lo)" >&2; exit 1; }

# only stompserver captures asked for: only what they need
ss_only=0
for a in "$@"; do case $a in --netns) ;; stompserver|ss-*) [ $ss_only = 2 ] || ss_only=1 ;; *) ss_only=2 ;; esac; done
if [ $ss_only = 1 ]; then PACKAGES=(stompserver ruby ruby-stomp python3 python3-stomp tcpdump tshark iproute2); fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# --netns: run everything in a fresh network namespace (its own lo, all ports
# free, nothing reachable but loopback); deleted again at the end.
if [ "${1:-}" = --netns ]; then
  shift
  NS=stompcap-$$
  ip netns add "$NS"
  trap 'ip netns del "$NS"' EXIT
  ip netns exec "$NS" ip link set lo up
  rc=0; ip netns exec "$NS" "$0" "$@" || rc=$?
  exit $rc
fi

WORK=$(mktemp -d /tmp/stomp-captures.XXXXXX)
RECORDS=$WORK/records
mkdir -p "$RECORDS" "$WORK/logs" "$WORK/pcap"
echo "scratch directory: $WORK"
T0=$(date +%s)

port_listening() { ss -Hltn "sport = :$1" | grep -q ":$1"; }

# shellcheck source=brokers/activemq.sh
. "$HERE/brokers/activemq.sh"
# shellcheck source=brokers/rabbitmq.sh
. "$HERE/brokers/rabbitmq.sh"
# shellcheck source=brokers/tls.sh
. "$HERE/brokers/tls.sh"
# shellcheck source=brokers/stompserver.sh
. "$HERE/brokers/stompserver.sh"

TCPDUMP_PID=
cleanup() {
  if [ -n "$TCPDUMP_PID" ]; then kill -INT "$TCPDUMP_PID" 2>/dev/null || true; wait "$TCPDUMP_PID" 2>/dev/null || true; fi
  amq_stop || true
  rmq_stop || true
  ss_stop || true
}
trap cleanup EXIT

for p in $STOMP_PORT $AMQ_ALT_PORT $RMQ_ALT_PORT $AMQ_OPENWIRE_PORT $RMQ_EPMD_PORT $RMQ_AMQP_PORT \
         $RMQ_DIST_PORT $TLS_PORT $TLS_ALT_PORT $AMQ_HBGRACE_PORT $RMQ_WS_PORT 40080 46379 40025 40443 40999 40777; do
  if port_listening "$p"; then echo "port $p is already in use" >&2; exit 1; fi
done

# Only some captures?  (names as arguments; "stompserver" = all ss-* captures)
ss_list="ss-py10-basic.pcap ss-py10-large.pcap ss-py10-errors.pcap ss-rb10-basic.pcap"
ONLY=" $* "
ONLY=${ONLY/ stompserver / $ss_list }
wanted() { [ "$ONLY" = "  " ] || [[ "$ONLY" == *" $1 "* ]]; }

# capture <file> <kind> <broker> <broker_version> <port> <command...>
# Runs the command while tcpdump records 'tcp port <port>' on lo; keeps the
# capture only if the command succeeded, the kernel dropped no packet and
# check_capture.py agrees with the client log.  Up to 3 attempts.
# A TLS key log the client wrote to $WORK/pcap/<file without .pcap>.keys is
# kept next to the capture.
capture() {
  local file=$1 kind=$2 broker=$3 bver=$4 port=$5; shift 5
  wanted "$file" || return 0
  local log=$WORK/logs/$file.json pcap=$WORK/pcap/$file err=$WORK/pcap/$file.tcpdump.txt attempt ok
  local keys=$WORK/pcap/${file%.pcap}.keys
  for attempt in 1 2 3; do
    ok=1
    rm -f "$pcap" "$log" "$keys"
    tcpdump -i lo -s 0 -B 65536 --immediate-mode -U -Z root -w "$pcap" "tcp port $port" 2> "$err" &
    TCPDUMP_PID=$!
    local i
    for i in $(seq 1 100); do grep -qs "listening on" "$err" && break; sleep 0.1; done
    sleep 0.3
    if ! timeout 300 "$@" --log "$log" > "$WORK/logs/$file.out" 2>&1; then
      echo "  $file: client failed (attempt $attempt):" >&2; tail -15 "$WORK/logs/$file.out" >&2; ok=0
    fi
    sleep 1.2
    kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true; TCPDUMP_PID=
    if [ $ok = 1 ] && ! grep -q "^0 packets dropped by kernel" "$err"; then
      echo "  $file: tcpdump dropped packets (attempt $attempt): $(grep dropped "$err")" >&2; ok=0
    fi
    if [ $ok = 1 ] && ! $PY "$HERE/lib/check_capture.py" "$pcap" "$log" "$port" "$kind"; then ok=0; fi
    if [ $ok = 1 ]; then break; fi
    sleep 2
  done
  if [ $ok != 1 ]; then echo "FAILED: $file" >&2; exit 1; fi
  cp "$pcap" "$HERE/$file"
  chmod 644 "$HERE/$file"
  if [ -f "$keys" ]; then cp "$keys" "$HERE/${file%.pcap}.keys"; chmod 644 "$HERE/${file%.pcap}.keys"; fi
  $PY - "$RECORDS/$file.record.json" "$file" "$kind" "$broker" "$bver" "$port" "$log" <<'EOF'
import json, sys
out, file, kind, broker, bver, port, log = sys.argv[1:]
json.dump({"file": file, "kind": kind, "broker": broker, "broker_version": bver or None,
           "port": int(port), "log": log}, open(out, "w"))
EOF
  echo "  ok: $file ($(stat -c %s "$HERE/$file") bytes, $(grep -o '^[0-9]* packets captured' "$err"))"
}

pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo 'not installed'; }
AMQ_VER="5.17.2 (Debian $(pkgver activemq))"
RMQ_VER="3.10.8 (Debian $(pkgver rabbitmq-server))"
SS_VER="0.9.9 (Debian $(pkgver stompserver))"

PYS="$PY $HERE/clients/py_scenarios.py"
RAW="$PY $HERE/clients/raw_scenarios.py"
RB="ruby $HERE/clients/rb_scenarios.rb"
NEG="$PY $HERE/clients/negative.py"
WSC="$PY $HERE/clients/ws_scenarios.py"
TLS_DIR=$WORK/tls

amq_list="amq-py12-basic.pcap amq-py11-txn-51515.pcap amq-py-errors.pcap amq-py12-large.pcap
  amq-py12-1000-frames.pcap amq-py11-heartbeat.pcap amq-py-escapes.pcap amq-py-multi-topic.pcap
  amq-rb10-51515.pcap amq-rb12-escapes.pcap amq-raw-dribble.pcap amq-raw12-crlf-51515.pcap
  amq-raw-unknown-cmd.pcap
  amq-py12-receipts-1000.pcap amq-py12-unacked.pcap amq-py11-unacked.pcap amq-py10-unacked.pcap
  amq-py-transit.pcap amq-raw12-silent.pcap amq-raw12-silent-hbgrace-61888.pcap amq-raw12-hb-steady.pcap
  amq-py12-tls-61614.pcap amq-py-txn-transit.pcap amq-raw-bad-frames.pcap amq-py12-tls-hb-61999.pcap
  amq-py-fanout-same.pcap amq-py-fanout-fifo.pcap amq-py-temp-reqrep.pcap"
rmq_list="rmq-py12-basic.pcap rmq-py-errors-12345.pcap rmq-py12-large-200k.pcap rmq-py11-1000-frames.pcap
  rmq-py-escapes.pcap rmq-multi-topic.pcap rmq-rb10.pcap rmq-rb11-txn-12345.pcap rmq-rb12-escapes.pcap
  rmq-rb12-heartbeat.pcap rmq-raw-dribble-12345.pcap rmq-raw12-crlf.pcap rmq-raw-unknown-cmd.pcap
  rmq-py12-receipts-1000.pcap rmq-py12-unacked.pcap rmq-py11-unacked.pcap rmq-py10-unacked.pcap
  rmq-py-transit.pcap rmq-raw12-silent.pcap rmq-raw12-hb-steady.pcap rmq-py12-tls-61614.pcap
  rmq-py11-tls-61999.pcap rmq-stompjs12-ws-15674.pcap rmq-stompjs12-ws-deflate-15674.pcap
  rmq-py-txn-transit.pcap rmq-raw-bad-frames.pcap rmq-py12-tls-hb-61999.pcap
  rmq-py-fanout-same.pcap rmq-py-fanout-fifo.pcap"
any_wanted() { local f; for f in "$@"; do wanted "$f" && return 0; done; return 1; }

# shellcheck disable=SC2086
if any_wanted $amq_list $rmq_list; then
  tls_make "$TLS_DIR"      # server certificate + key for the STOMP over TLS listeners
fi
NODE_MODULES=
if any_wanted rmq-stompjs12-ws-15674.pcap rmq-stompjs12-ws-deflate-15674.pcap; then
  if ! command -v node > /dev/null || ! command -v npm > /dev/null; then echo "node and npm are needed" >&2; exit 1; fi
  echo "== npm ci (WebSocket client dependencies) in $WORK/ws-client"
  mkdir -p "$WORK/ws-client"
  cp "$HERE/clients/ws/package.json" "$HERE/clients/ws/package-lock.json" "$WORK/ws-client/"
  ( cd "$WORK/ws-client" && npm ci --no-audit --no-fund --loglevel=error ) > "$WORK/logs/npm-ci.out" 2>&1 \
    || { cat "$WORK/logs/npm-ci.out" >&2; exit 1; }
  NODE_MODULES=$WORK/ws-client/node_modules
fi

# ---------------------------------------------------------------- ActiveMQ
# shellcheck disable=SC2086
if any_wanted $amq_list; then
  echo "== ActiveMQ $AMQ_VER on 127.0.0.1:$STOMP_PORT, :$AMQ_ALT_PORT, :$AMQ_HBGRACE_PORT, TLS :$TLS_PORT and :$TLS_ALT_PORT"
  amq_start "$WORK/activemq" "$STOMP_PORT" "$AMQ_ALT_PORT" "$USER_NAME" "$USER_PASS" "$TLS_PORT" "$TLS_ALT_PORT" \
    "$TLS_DIR" "$AMQ_HBGRACE_PORT"
  A=(activemq "$AMQ_VER")
  C=(--broker amq --user "$USER_NAME" --passcode "$USER_PASS")
  capture amq-py12-basic.pcap        stomp "${A[@]}" $STOMP_PORT  $PYS basic12     --port $STOMP_PORT "${C[@]}"
  capture amq-py11-txn-51515.pcap    stomp "${A[@]}" $AMQ_ALT_PORT $PYS txn11      --port $AMQ_ALT_PORT "${C[@]}"
  capture amq-py-errors.pcap         stomp "${A[@]}" $STOMP_PORT  $PYS errors      --port $STOMP_PORT "${C[@]}"
  capture amq-py12-large.pcap        stomp "${A[@]}" $STOMP_PORT  $PYS large       --port $STOMP_PORT "${C[@]}"
  capture amq-py12-1000-frames.pcap  stomp "${A[@]}" $STOMP_PORT  $PYS bulk12      --port $STOMP_PORT "${C[@]}"
  capture amq-py11-heartbeat.pcap    stomp "${A[@]}" $STOMP_PORT  $PYS heartbeat11 --port $STOMP_PORT "${C[@]}"
  capture amq-py-escapes.pcap        stomp "${A[@]}" $STOMP_PORT  $PYS escapes     --port $STOMP_PORT "${C[@]}"
  capture amq-py-multi-topic.pcap    stomp "${A[@]}" $STOMP_PORT  $PYS multi       --port $STOMP_PORT "${C[@]}"
  capture amq-rb10-51515.pcap        stomp "${A[@]}" $AMQ_ALT_PORT $RB basic10     --port $AMQ_ALT_PORT "${C[@]}"
  capture amq-rb12-escapes.pcap      stomp "${A[@]}" $STOMP_PORT  $RB escapes12    --port $STOMP_PORT "${C[@]}"
  capture amq-raw-dribble.pcap       stomp "${A[@]}" $STOMP_PORT  $RAW dribble     --port $STOMP_PORT "${C[@]}"
  capture amq-raw12-crlf-51515.pcap  stomp "${A[@]}" $AMQ_ALT_PORT $RAW crlf       --port $AMQ_ALT_PORT "${C[@]}"
  capture amq-raw-unknown-cmd.pcap   stomp "${A[@]}" $STOMP_PORT  $RAW unknown     --port $STOMP_PORT "${C[@]}"
  capture amq-py12-receipts-1000.pcap stomp "${A[@]}" $STOMP_PORT $PYS receipts12  --port $STOMP_PORT "${C[@]}"
  capture amq-py12-unacked.pcap      stomp "${A[@]}" $STOMP_PORT  $PYS unacked12   --port $STOMP_PORT "${C[@]}"
  capture amq-py11-unacked.pcap      stomp "${A[@]}" $STOMP_PORT  $PYS unacked11   --port $STOMP_PORT "${C[@]}"
  capture amq-py10-unacked.pcap      stomp "${A[@]}" $STOMP_PORT  $PYS unacked10   --port $STOMP_PORT "${C[@]}"
  capture amq-py-transit.pcap        stomp "${A[@]}" $STOMP_PORT  $PYS transit     --port $STOMP_PORT "${C[@]}"
  capture amq-raw12-silent.pcap      stomp "${A[@]}" $STOMP_PORT  $RAW silent      --port $STOMP_PORT "${C[@]}"
  capture amq-raw12-silent-hbgrace-61888.pcap stomp "${A[@]}" $AMQ_HBGRACE_PORT \
                                                                  $RAW silent      --port $AMQ_HBGRACE_PORT "${C[@]}"
  capture amq-raw12-hb-steady.pcap   stomp "${A[@]}" $STOMP_PORT  $RAW steady      --port $STOMP_PORT "${C[@]}"
  capture amq-py12-tls-61614.pcap    stomp "${A[@]}" $TLS_PORT    $PYS tls12       --port $TLS_PORT "${C[@]}" \
    --tls-ca "$TLS_DIR/cert.pem" --keylog "$WORK/pcap/amq-py12-tls-61614.keys"
  capture amq-py-txn-transit.pcap    stomp "${A[@]}" $STOMP_PORT  $PYS txn-transit --port $STOMP_PORT "${C[@]}"
  capture amq-raw-bad-frames.pcap    stomp "${A[@]}" $STOMP_PORT  $RAW bad-frames  --port $STOMP_PORT "${C[@]}"
  capture amq-py12-tls-hb-61999.pcap stomp "${A[@]}" $TLS_ALT_PORT $PYS tls-heartbeat12 --port $TLS_ALT_PORT \
    "${C[@]}" --tls-ca "$TLS_DIR/cert.pem" --keylog "$WORK/pcap/amq-py12-tls-hb-61999.keys"
  capture amq-py-fanout-same.pcap    stomp "${A[@]}" $STOMP_PORT  $PYS fanout-same --port $STOMP_PORT "${C[@]}"
  capture amq-py-fanout-fifo.pcap    stomp "${A[@]}" $STOMP_PORT  $PYS fanout-fifo --port $STOMP_PORT "${C[@]}"
  capture amq-py-temp-reqrep.pcap    stomp "${A[@]}" $STOMP_PORT  $PYS temp-reqrep --port $STOMP_PORT "${C[@]}"
  amq_stop
fi

# ---------------------------------------------------------------- RabbitMQ
# shellcheck disable=SC2086
if any_wanted $rmq_list; then
  echo "== RabbitMQ $RMQ_VER on 127.0.0.1:$STOMP_PORT and :$RMQ_ALT_PORT, TLS :$TLS_PORT and :$TLS_ALT_PORT, WebSocket :$RMQ_WS_PORT"
  rmq_start "$WORK/rabbitmq" "$STOMP_PORT" "$RMQ_ALT_PORT" "$USER_NAME" "$USER_PASS" "$TLS_PORT" "$TLS_ALT_PORT" \
    "$TLS_DIR" "$RMQ_WS_PORT"
  R=(rabbitmq "$RMQ_VER")
  C=(--broker rmq --user "$USER_NAME" --passcode "$USER_PASS")
  capture rmq-py12-basic.pcap        stomp "${R[@]}" $STOMP_PORT   $PYS basic12    --port $STOMP_PORT "${C[@]}"
  capture rmq-py-errors-12345.pcap   stomp "${R[@]}" $RMQ_ALT_PORT $PYS errors     --port $RMQ_ALT_PORT "${C[@]}"
  capture rmq-py12-large-200k.pcap   stomp "${R[@]}" $STOMP_PORT   $PYS large      --port $STOMP_PORT "${C[@]}"
  capture rmq-py11-1000-frames.pcap  stomp "${R[@]}" $STOMP_PORT   $PYS bulk11     --port $STOMP_PORT "${C[@]}"
  capture rmq-py-escapes.pcap        stomp "${R[@]}" $STOMP_PORT   $PYS escapes    --port $STOMP_PORT "${C[@]}"
  capture rmq-multi-topic.pcap       stomp "${R[@]}" $STOMP_PORT   $PYS multi      --port $STOMP_PORT "${C[@]}"
  capture rmq-rb10.pcap              stomp "${R[@]}" $STOMP_PORT   $RB basic10     --port $STOMP_PORT "${C[@]}"
  capture rmq-rb11-txn-12345.pcap    stomp "${R[@]}" $RMQ_ALT_PORT $RB txn11       --port $RMQ_ALT_PORT "${C[@]}"
  capture rmq-rb12-escapes.pcap      stomp "${R[@]}" $STOMP_PORT   $RB escapes12   --port $STOMP_PORT "${C[@]}"
  capture rmq-rb12-heartbeat.pcap    stomp "${R[@]}" $STOMP_PORT   $RB heartbeat12 --port $STOMP_PORT "${C[@]}"
  capture rmq-raw-dribble-12345.pcap stomp "${R[@]}" $RMQ_ALT_PORT $RAW dribble    --port $RMQ_ALT_PORT "${C[@]}"
  capture rmq-raw12-crlf.pcap        stomp "${R[@]}" $STOMP_PORT   $RAW crlf       --port $STOMP_PORT "${C[@]}"
  capture rmq-raw-unknown-cmd.pcap   stomp "${R[@]}" $STOMP_PORT   $RAW unknown    --port $STOMP_PORT "${C[@]}"
  capture rmq-py12-receipts-1000.pcap stomp "${R[@]}" $STOMP_PORT  $PYS receipts12 --port $STOMP_PORT "${C[@]}"
  capture rmq-py12-unacked.pcap      stomp "${R[@]}" $STOMP_PORT   $PYS unacked12  --port $STOMP_PORT "${C[@]}"
  capture rmq-py11-unacked.pcap      stomp "${R[@]}" $STOMP_PORT   $PYS unacked11  --port $STOMP_PORT "${C[@]}"
  capture rmq-py10-unacked.pcap      stomp "${R[@]}" $STOMP_PORT   $PYS unacked10  --port $STOMP_PORT "${C[@]}"
  capture rmq-py-transit.pcap        stomp "${R[@]}" $STOMP_PORT   $PYS transit    --port $STOMP_PORT "${C[@]}"
  capture rmq-raw12-silent.pcap      stomp "${R[@]}" $STOMP_PORT   $RAW silent     --port $STOMP_PORT "${C[@]}"
  capture rmq-raw12-hb-steady.pcap   stomp "${R[@]}" $STOMP_PORT   $RAW steady     --port $STOMP_PORT "${C[@]}"
  capture rmq-py12-tls-61614.pcap    stomp "${R[@]}" $TLS_PORT     $PYS tls12      --port $TLS_PORT "${C[@]}" \
    --tls-ca "$TLS_DIR/cert.pem" --keylog "$WORK/pcap/rmq-py12-tls-61614.keys"
  capture rmq-py11-tls-61999.pcap    stomp "${R[@]}" $TLS_ALT_PORT $PYS tls11      --port $TLS_ALT_PORT "${C[@]}" \
    --tls-ca "$TLS_DIR/cert.pem" --keylog "$WORK/pcap/rmq-py11-tls-61999.keys"
  capture rmq-stompjs12-ws-15674.pcap stomp "${R[@]}" $RMQ_WS_PORT $WSC basic     --port $RMQ_WS_PORT "${C[@]}" \
    --node-path "$NODE_MODULES"
  capture rmq-stompjs12-ws-deflate-15674.pcap stomp "${R[@]}" $RMQ_WS_PORT \
                                                                  $WSC deflate   --port $RMQ_WS_PORT "${C[@]}" \
    --node-path "$NODE_MODULES"
  capture rmq-py-txn-transit.pcap    stomp "${R[@]}" $STOMP_PORT   $PYS txn-transit --port $STOMP_PORT "${C[@]}"
  capture rmq-raw-bad-frames.pcap    stomp "${R[@]}" $STOMP_PORT   $RAW bad-frames --port $STOMP_PORT "${C[@]}"
  capture rmq-py12-tls-hb-61999.pcap stomp "${R[@]}" $TLS_ALT_PORT $PYS tls-heartbeat12 --port $TLS_ALT_PORT \
    "${C[@]}" --tls-ca "$TLS_DIR/cert.pem" --keylog "$WORK/pcap/rmq-py12-tls-hb-61999.keys"
  capture rmq-py-fanout-same.pcap    stomp "${R[@]}" $STOMP_PORT   $PYS fanout-same --port $STOMP_PORT "${C[@]}"
  capture rmq-py-fanout-fifo.pcap    stomp "${R[@]}" $STOMP_PORT   $PYS fanout-fifo --port $STOMP_PORT "${C[@]}"
  rmq_stop
fi

# ---------------------------------------------------------------- stompserver
# shellcheck disable=SC2086
if any_wanted $ss_list; then
  echo "== stompserver $SS_VER on 127.0.0.1:$STOMP_PORT"
  ss_start "$WORK/stompserver" "$STOMP_PORT" "$USER_NAME" "$USER_PASS"
  S=(stompserver "$SS_VER")
  C=(--broker ss --user "$USER_NAME" --passcode "$USER_PASS")
  capture ss-py10-basic.pcap         stomp "${S[@]}" $STOMP_PORT   $PYS ss-basic10  --port $STOMP_PORT "${C[@]}"
  capture ss-py10-large.pcap         stomp "${S[@]}" $STOMP_PORT   $PYS ss-large10  --port $STOMP_PORT "${C[@]}"
  capture ss-py10-errors.pcap        stomp "${S[@]}" $STOMP_PORT   $PYS ss-errors10 --port $STOMP_PORT "${C[@]}"
  capture ss-rb10-basic.pcap         stomp "${S[@]}" $STOMP_PORT   $RB ss10         --port $STOMP_PORT "${C[@]}"
  ss_stop
fi

# ---------------------------------------------------------------- negative
echo "== negative captures (non-STOMP, non-standard ports)"
NW=$WORK/negative
capture neg-http-40080.pcap   negative none "" 40080 $NEG http   --port 40080 --workdir "$NW"
capture neg-redis-46379.pcap  negative none "" 46379 $NEG redis  --port 46379 --workdir "$NW"
capture neg-smtp-40025.pcap   negative none "" 40025 $NEG smtp   --port 40025 --workdir "$NW"
capture neg-tls-40443.pcap    negative none "" 40443 $NEG tls    --port 40443 --workdir "$NW"
capture neg-random-40999.pcap negative none "" 40999 $NEG random --port 40999 --workdir "$NW"
capture neg-nearmiss-40777.pcap negative none "" 40777 $NEG nearmiss --port 40777 --workdir "$NW"

# ---------------------------------------------------------------- copies
SHARED=${SHARED_CAPTURES:-/work/shared/captures}
if [ "$ONLY" != "  " ]; then
  echo "== partial run: not copying the third-party / MCollective captures"
elif [ -d "$SHARED" ]; then
  echo "== copying third-party / MCollective captures from $SHARED"
  cp "$SHARED/public/ndpi-stomp.pcapng" "$HERE/ndpi-stomp.pcapng"
  mkdir -p "$HERE/mcollective"
  cp "$SHARED"/mcollective/*.pcap "$SHARED"/mcollective/*.mco.txt "$SHARED/mcollective/README.md" "$HERE/mcollective/"
  chmod 644 "$HERE/ndpi-stomp.pcapng" "$HERE"/mcollective/*
else
  echo "== $SHARED not found: keeping the copied captures already in $HERE"
fi

# ---------------------------------------------------------------- manifest
if [ "$ONLY" != "  " ]; then
  # partial run: keep the other entries of the existing manifest
  $PY "$HERE/lib/build_manifest.py" "$RECORDS" "$HERE/MANIFEST.json" --keep-existing
else
  $PY "$HERE/lib/build_manifest.py" "$RECORDS" "$HERE/MANIFEST.json"
fi
# independent cross-check: command lines counted in the TCP streams
$PY "$HERE/lib/grep_check.py" "$HERE/MANIFEST.json" > "$WORK/grep_check.txt" || {
  cat "$WORK/grep_check.txt"; echo "grep_check: MANIFEST frame counts differ from the wire" >&2; exit 1; }

echo "done in $(( $(date +%s) - T0 )) s; logs and raw material in $WORK"
