#!/bin/bash
# make-sockjs-capture.sh - STOMP inside SockJS, a real client and server:
# node + @stomp/stompjs + sockjs-client (clients/sockjs/client.js) against the
# `sockjs` npm server (clients/sockjs/server.js) that relays each session to
# Debian's ActiveMQ over STOMP/TCP. Everything runs in a private network
# namespace (sockjs-<pid>, deleted at the end); tcpdump records the SockJS
# side only (port 15680). Writes <out-dir>/<file>.pcap and the client log, then
# capture.py adds the MANIFEST.json entry.
#
#   test-captures/make-sockjs-capture.sh [websocket|xhr-streaming|xhr-polling] [work-dir]
#   The npm packages (clients/sockjs/package-lock.json: sockjs 0.3.24,
#   sockjs-client 1.6.1, @stomp/stompjs 7.x) must be installed outside the
#   repository and found through NODE_PATH, e.g.
#     mkdir /tmp/sockjs-npm && cp clients/sockjs/package*.json /tmp/sockjs-npm &&
#     (cd /tmp/sockjs-npm && npm ci) && export NODE_PATH=/tmp/sockjs-npm/node_modules
#   (or `npm ci` in clients/sockjs: node_modules/ there is git-ignored).
#   The xhr transports need no XMLHttpRequest shim: sockjs-client's node
#   build sends its xhr_streaming / xhr / xhr_send requests with node's http.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TRANSPORT=${1:-websocket}
WORK=${2:-/tmp/sockjs-capture-$$}
case $TRANSPORT in
  websocket) FILE=amq-stompjs12-sockjs-ws-15680.pcap ;;
  xhr-streaming) FILE=amq-stompjs12-sockjs-xhr-streaming-15680.pcap ;;
  xhr-polling) FILE=amq-stompjs12-sockjs-xhr-polling-15680.pcap ;;
  *) echo "transport: websocket, xhr-streaming or xhr-polling" >&2; exit 2 ;;
esac
if [ "${SOCKJS_IN_NS:-}" != 1 ]; then
  NS=sockjs-$$
  ip netns add "$NS"
  trap 'ip netns del "$NS"' EXIT
  ip netns exec "$NS" ip link set lo up
  SOCKJS_IN_NS=1 ip netns exec "$NS" "$0" "$TRANSPORT" "$WORK"
  exit $?
fi

mkdir -p "$WORK"
port_listening() { ss -Hltn "sport = :$1" | grep -q ":$1"; }
. "$HERE/brokers/tls.sh"
. "$HERE/brokers/activemq.sh"
tls_make "$WORK/tls"
amq_start "$WORK/activemq" 61613 51515 capuser cappass 61614 61999 "$WORK/tls" 61888
SRV_PID= TCPD_PID=
cleanup() {
  # (no "a && b" here: under set -e a failing last command would end the
  # trap before the broker is stopped)
  set +e
  if [ -n "$TCPD_PID" ]; then kill "$TCPD_PID"; wait "$TCPD_PID"; fi
  if [ -n "$SRV_PID" ]; then kill "$SRV_PID"; wait "$SRV_PID"; fi
  amq_stop
  return 0
}
trap cleanup EXIT
node "$HERE/clients/sockjs/server.js" --listen 15680 --prefix /stomp --broker-port 61613 \
  --heartbeat-ms 1000 > "$WORK/server.out" 2>&1 &
SRV_PID=$!
for _ in $(seq 1 50); do port_listening 15680 && break; sleep 0.1; done
tcpdump -i lo -s 0 -U -w "$WORK/$FILE" 'tcp port 15680' > "$WORK/tcpdump.out" 2>&1 &
TCPD_PID=$!
sleep 1
node "$HERE/clients/sockjs/client.js" --url http://127.0.0.1:15680/stomp \
  --transport "$TRANSPORT" --queue /queue/sockjs-basic --log "$WORK/$FILE.client.json"
sleep 1
kill "$TCPD_PID"; wait "$TCPD_PID" 2>/dev/null || true; TCPD_PID=
AMQ_VERSION=$(dpkg-query -W -f '${Version}' activemq 2>/dev/null || echo unknown)
python3 "$HERE/clients/sockjs/capture.py" "$WORK/$FILE.client.json" "$FILE" "$AMQ_VERSION" \
  "$TRANSPORT" "$HERE/MANIFEST.json" "$WORK/$FILE"
cp "$WORK/$FILE" "$HERE/$FILE"
ls -l "$HERE/$FILE"
