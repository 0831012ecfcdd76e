#!/bin/bash
# Runs a private ActiveMQ broker in the current network namespace until it
# gets SIGTERM, reusing test-captures/brokers/activemq.sh.
#
#   broker-hold.sh <scratch-dir> <bind-address> <stomp-port> <stomp-port-2>
#
# Started by make-captures.sh with `ip netns exec <ns> broker-hold.sh ...`
# in the background; it touches <scratch-dir>/ready once both STOMP ports
# listen, and stops the broker (amq_stop, by PID) on SIGTERM.  The broker's
# template is activemq-bench.xml.in (next to this script): plain STOMP
# connectors only, bound to <bind-address>.  amq_start is called with its
# first five arguments only (dir, two STOMP ports, user, passcode) and with
# `set -u` off: arguments that later versions of activemq.sh added (TLS
# ports, keystore, ...) are then empty, their placeholders are not in our
# template, and port_listening below says yes to an empty port.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
dir=$1 bind=$2 p1=$3 p2=$4

port_listening() { [ -z "${1:-}" ] && return 0; ss -Hltn "sport = :$1" | grep -q ":$1"; }

# shellcheck source=../../../test-captures/brokers/activemq.sh
. "$TOP/test-captures/brokers/activemq.sh"
mkdir -p "$dir/template"
sed -e "s/@BIND@/$bind/g" "$HERE/activemq-bench.xml.in" > "$dir/template/activemq.xml.in"
AMQ_TEMPLATE_DIR=$dir/template
export AMQ_OPENWIRE_PORT=${AMQ_OPENWIRE_PORT:-46161}

stopping=0
on_term() { stopping=1; }
trap on_term TERM INT

set +u
amq_start "$dir/activemq" "$p1" "$p2" capuser cappass
set -u
touch "$dir/ready"
while [ $stopping = 0 ] && kill -0 "$AMQ_PID" 2>/dev/null; do
  sleep 0.5 &
  wait $! || true
done
amq_stop
rm -f "$dir/ready"
