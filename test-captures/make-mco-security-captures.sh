#!/bin/bash
# make-mco-security-captures.sh - re-create the real MCollective captures of the
# two signing/encrypting security plugins:
#
#   test-captures/mco-aes-activemq.pcap  (+ .mco.txt)  aes_security, Marshal
#   test-captures/mco-ssl-activemq.pcap  (+ .mco.txt)  ssl, Marshal
#   test-captures/mco-ssl-yaml-keys-activemq.pcap (+ .mco.txt)  ssl, YAML
#   test-captures/keys/<capture-name>/                  the throw-away RSA keys
#
# Usage:  sudo test-captures/make-mco-security-captures.sh [aes] [ssl] [ssl-yaml]
#         (no argument: all three).  Takes about 2 minutes (ActiveMQ start
#         ~10 s, each capture ~35 s).
#
# Needs (Debian bookworm, root; this script installs nothing - CI never runs it):
#   apt-get install mcollective activemq ruby-stomp tcpdump openssl iproute2
#   (mcollective 2.12.5+dfsg from Debian, run unmodified; Ruby 3.1 / Psych 4
#   needs the tiny YAML.safe_load shim this script writes and loads with
#   RUBYOPT, because MCollective's yaml fact source calls safe_load with the
#   pre-Psych-4 positional arguments).
#
# Everything runs in a private network namespace (created here, deleted at the
# end), so the broker's 127.0.0.1:61613 cannot collide with anybody else's.
# Broker, daemons and tcpdump are children of this script and are stopped by
# PID.  Fresh RSA keys are made with openssl on every run: the captures and
# the keys committed next to them always belong together - regenerate both.
# Scratch files (logs, configs) stay in a mktemp -d directory for inspection.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ "${MCOSEC_INNER:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root (network namespace, tcpdump)" >&2; exit 1; }
  for c in mco mcollectived java tcpdump openssl ip; do
    command -v "$c" >/dev/null || { echo "missing $c (see header)" >&2; exit 1; }
  done
  NS=mcosec-$$
  ip netns add "$NS"
  trap 'ip netns delete "$NS" 2>/dev/null || true' EXIT
  ip -n "$NS" link set lo up
  MCOSEC_INNER=1 ip netns exec "$NS" "$0" "$@"
  exit $?
fi

WANT=" ${*:-aes ssl ssl-yaml} "
SCRATCH=$(mktemp -d /tmp/mco-security-captures.XXXXXX)
echo "scratch: $SCRATCH"
PORT=61613
AMQ_PID=
DAEMON_PIDS=()
TCPDUMP_PID=

port_listening() { ss -Hltn "sport = :$1" | grep -q ":$1"; }

cleanup() {
  local p
  for p in "${DAEMON_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "$TCPDUMP_PID" ] && kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  if [ -n "$AMQ_PID" ]; then
    kill "$AMQ_PID" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$AMQ_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$AMQ_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# ---- Ruby 3.1 / Psych 4 shim -------------------------------------------------
# Psych 4 made safe_load's permitted_classes/permitted_symbols/aliases keyword
# arguments; MCollective 2.12 passes them positionally.
cat > "$SCRATCH/psych4_shim.rb" <<'EOF'
require 'yaml'
module Psych
  class << self
    alias_method :mco_orig_safe_load, :safe_load
    def safe_load(yaml, *pos, **kw)
      return mco_orig_safe_load(yaml, **kw) if pos.empty?
      kw[:permitted_classes] = pos[0] || [] unless kw.key?(:permitted_classes)
      kw[:permitted_symbols] = pos[1] || [] if pos.length > 1 && !kw.key?(:permitted_symbols)
      kw[:aliases] = pos[2] if pos.length > 2 && !kw.key?(:aliases)
      kw[:filename] = pos[3] if pos.length > 3 && !kw.key?(:filename)
      mco_orig_safe_load(yaml, **kw)
    end
  end
end
EOF
# lib/mco_record.rb records what the plugins encoded/decoded (ground truth).
export RUBYOPT="-r$SCRATCH/psych4_shim.rb -r$HERE/lib/mco_record.rb"

# ---- ActiveMQ (Debian package), STOMP on 127.0.0.1:61613 ---------------------
mkdir -p "$SCRATCH/amq/conf" "$SCRATCH/amq/data"
cat > "$SCRATCH/amq/conf/activemq.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<beans xmlns="http://www.springframework.org/schema/beans"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.springframework.org/schema/beans http://www.springframework.org/schema/beans/spring-beans-2.0.xsd
  http://activemq.apache.org/schema/core http://activemq.apache.org/schema/core/activemq-core.xsd">
  <bean class="org.springframework.beans.factory.config.PropertyPlaceholderConfigurer"/>
  <broker xmlns="http://activemq.apache.org/schema/core" useJmx="false" persistent="false"
          brokerName="mco-security" dataDirectory="\${activemq.data}">
    <plugins>
      <simpleAuthenticationPlugin anonymousAccessAllowed="false">
        <users>
          <authenticationUser username="mcollective" password="marionette" groups="users,admins"/>
        </users>
      </simpleAuthenticationPlugin>
    </plugins>
    <transportConnectors>
      <transportConnector name="stomp" uri="stomp://127.0.0.1:$PORT"/>
    </transportConnectors>
  </broker>
</beans>
EOF
cp /etc/activemq/instances-available/main/log4j2.properties "$SCRATCH/amq/conf/"
(
  cd "$SCRATCH/amq"
  exec java -Xms256M -Xmx1024M \
    --add-reads=java.xml=java.logging \
    --add-opens java.base/java.security=ALL-UNNAMED \
    --add-opens java.base/java.net=ALL-UNNAMED \
    --add-opens java.base/java.lang=ALL-UNNAMED \
    --add-opens java.base/java.util=ALL-UNNAMED \
    --add-opens java.naming/javax.naming.spi=ALL-UNNAMED \
    --add-opens java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED \
    --add-opens java.base/java.util.concurrent=ALL-UNNAMED \
    --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED \
    -Dactivemq.classpath="$SCRATCH/amq/conf" -Dactivemq.home=/usr/share/activemq \
    -Dactivemq.base="$SCRATCH/amq" -Dactivemq.conf="$SCRATCH/amq/conf" \
    -Dactivemq.data="$SCRATCH/amq/data" \
    -jar /usr/share/activemq/bin/activemq.jar start "xbean:file:$SCRATCH/amq/conf/activemq.xml"
) > "$SCRATCH/amq/activemq.out" 2>&1 &
AMQ_PID=$!
for i in $(seq 1 120); do
  kill -0 "$AMQ_PID" 2>/dev/null || { echo "ActiveMQ died" >&2; tail -30 "$SCRATCH/amq/activemq.out" >&2; exit 1; }
  port_listening $PORT && break
  sleep 1
  [ "$i" = 120 ] && { echo "ActiveMQ did not listen" >&2; exit 1; }
done
AMQ_VERSION=$(dpkg-query -W -f '${Version}' activemq)
echo "ActiveMQ $AMQ_VERSION up (pid $AMQ_PID)"

# ---- helpers -------------------------------------------------------------------
NODES=(web01.example.net db01.example.net app01.example.net)

write_facts() {  # <node> <file>
  case $1 in
    web01*) printf -- '---\nrole: web\ncountry: de\ndatacenter: fra1\nos_family: Debian\n' ;;
    db01*)  printf -- '---\nrole: db\ncountry: fr\ndatacenter: par2\nos_family: Debian\n' ;;
    app01*) printf -- '---\nrole: app\ncountry: us\ndatacenter: iad1\nos_family: RedHat\n' ;;
  esac > "$2"
}

common_cfg() {  # <identity>
  cat <<EOF
main_collective = mcollective
collectives = mcollective
libdir = /usr/share/mcollective/plugins
identity = $1
registerinterval = 0
direct_addressing = 1
connector = activemq
plugin.activemq.pool.size = 1
plugin.activemq.pool.1.host = 127.0.0.1
plugin.activemq.pool.1.port = $PORT
plugin.activemq.pool.1.user = mcollective
plugin.activemq.pool.1.password = marionette
EOF
}

make_keys() {  # <dir>: ops (client) and server RSA 2048 key pairs, PEM
  mkdir -p "$1"
  openssl genrsa -out "$1/ops-private.pem" 2048 2>/dev/null
  openssl rsa -in "$1/ops-private.pem" -pubout -out "$1/ops.pem" 2>/dev/null
  openssl genrsa -out "$1/server-private.pem" 2048 2>/dev/null
  openssl rsa -in "$1/server-private.pem" -pubout -out "$1/server-public.pem" 2>/dev/null
}

start_nodes() {  # <dir>: starts mcollectived for every <dir>/<node>/server.cfg
  local n
  for n in "${NODES[@]}"; do
    mcollectived --config "$1/$n/server.cfg" --no-daemonize > "$1/$n/stdout.log" 2>&1 &
    DAEMON_PIDS+=($!)
  done
  # wait until each daemon has subscribed (its log says so)
  for i in $(seq 1 60); do
    local ok=0
    for n in "${NODES[@]}"; do
      grep -q "Connected to stomp://" "$1/$n/mcollective.log" 2>/dev/null && ok=$((ok + 1))
    done
    [ $ok = ${#NODES[@]} ] && break
    sleep 0.5
    [ "$i" = 60 ] && { echo "nodes did not connect" >&2; exit 1; }
  done
  sleep 2   # subscriptions follow the CONNECTED frame
}

stop_nodes() {
  local p
  for p in "${DAEMON_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${DAEMON_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  DAEMON_PIDS=()
}

run_mco() {  # <txt> <cfg> <args...>: appends the command's output like the shared captures
  local txt=$1 cfg=$2; shift 2
  local t0 t1 rc
  echo "### mco $*" >> "$txt"
  t0=$(date +%s.%N)
  set +e
  mco "$@" --config "$cfg" >> "$txt" 2>&1
  rc=$?
  set -e
  t1=$(date +%s.%N)
  printf '### end rc=%s start=%.6f end=%.6f\n' "$rc" "$t0" "$t1" >> "$txt"
  [ $rc = 0 ] || { echo "mco $* failed (rc $rc); see $txt" >&2; exit 1; }
}

start_tcpdump() {  # <pcap>
  tcpdump -i lo -s 0 -B 65536 --immediate-mode -U -w "$1" "tcp port $PORT" > "$1.tcpdump.log" 2>&1 &
  TCPDUMP_PID=$!
  sleep 1
}

stop_tcpdump() {  # <pcap>
  sleep 1.2
  kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true; TCPDUMP_PID=
  grep -q '^0 packets dropped by kernel' "$1.tcpdump.log" || { echo "tcpdump dropped packets" >&2; cat "$1.tcpdump.log" >&2; exit 1; }
}

# ---- aes_security -----------------------------------------------------------
# web01, db01: ops.pem distributed by hand into their client_cert_dir.
# app01: empty client_cert_dir, learn_pubkeys=1 + insecure_learning=1: it
#   learns ops.pem from :sslpubkey of the first request of a client with
#   send_pubkey=1 (command 1) and can decrypt/answer from then on.
capture_aes() {
  local name=mco-aes-activemq d="$SCRATCH/aes" n
  mkdir -p "$d"
  export MCOSEC_RECORD="$d/record"
  make_keys "$d/keys"
  for n in "${NODES[@]}"; do
    mkdir -p "$d/$n/clients"
    write_facts "$n" "$d/$n/facts.yaml"
    case $n in app01*) ;; *) cp "$d/keys/ops.pem" "$d/$n/clients/ops.pem" ;; esac
    {
      common_cfg "$n"
      cat <<EOF
logfile = $d/$n/mcollective.log
loglevel = info
daemonize = 0
factsource = yaml
plugin.yaml = $d/$n/facts.yaml
securityprovider = aes_security
plugin.aes.serializer = marshal
plugin.aes.server_private = $d/keys/server-private.pem
plugin.aes.server_public = $d/keys/server-public.pem
plugin.aes.client_cert_dir = $d/$n/clients
EOF
      case $n in app01*) printf 'plugin.aes.learn_pubkeys = 1\nplugin.aes.insecure_learning = 1\n' ;; esac
    } > "$d/$n/server.cfg"
  done
  for v in plain sendpubkey; do
    {
      common_cfg ops01.example.net
      cat <<EOF
logger_type = console
loglevel = warn
securityprovider = aes_security
plugin.aes.serializer = marshal
plugin.aes.client_private = $d/keys/ops-private.pem
plugin.aes.client_public = $d/keys/ops.pem
EOF
      [ $v = sendpubkey ] && echo 'plugin.aes.send_pubkey = 1'
    } > "$d/client-$v.cfg"
  done
  local txt="$d/$name.mco.txt" pcap="$d/$name.pcap"
  : > "$txt"
  start_tcpdump "$pcap"
  start_nodes "$d"
  run_mco "$txt" "$d/client-sendpubkey.cfg" ping
  run_mco "$txt" "$d/client-plain.cfg" ping
  run_mco "$txt" "$d/client-plain.cfg" rpc rpcutil get_fact fact=role
  run_mco "$txt" "$d/client-plain.cfg" rpc rpcutil agent_inventory -I db01.example.net
  stop_nodes
  stop_tcpdump "$pcap"
  [ -f "$d/app01.example.net/clients/ops.pem" ] || { echo "app01 did not learn ops.pem" >&2; exit 1; }
  cmp -s "$d/app01.example.net/clients/ops.pem" "$d/keys/ops.pem" || { echo "app01 learned a different key" >&2; exit 1; }
  install_capture "$name" "$d"
}

# ---- ssl ------------------------------------------------------------------------
capture_ssl() {  # <serializer>: marshal (mco-ssl-activemq) or yaml (mco-ssl-yaml-keys-activemq)
  local ser=$1 name=mco-ssl-activemq d="$SCRATCH/ssl-$1" n
  [ "$ser" = yaml ] && name=mco-ssl-yaml-keys-activemq
  mkdir -p "$d"
  export MCOSEC_RECORD="$d/record"
  make_keys "$d/keys"
  for n in "${NODES[@]}"; do
    mkdir -p "$d/$n/clients"
    write_facts "$n" "$d/$n/facts.yaml"
    cp "$d/keys/ops.pem" "$d/$n/clients/ops.pem"
    {
      common_cfg "$n"
      cat <<EOF
logfile = $d/$n/mcollective.log
loglevel = info
daemonize = 0
factsource = yaml
plugin.yaml = $d/$n/facts.yaml
securityprovider = ssl
plugin.ssl_serializer = $ser
plugin.ssl_server_private = $d/keys/server-private.pem
plugin.ssl_server_public = $d/keys/server-public.pem
plugin.ssl_client_cert_dir = $d/$n/clients
EOF
    } > "$d/$n/server.cfg"
  done
  {
    common_cfg ops01.example.net
    cat <<EOF
logger_type = console
loglevel = warn
securityprovider = ssl
plugin.ssl_serializer = $ser
plugin.ssl_server_public = $d/keys/server-public.pem
plugin.ssl_client_private = $d/keys/ops-private.pem
plugin.ssl_client_public = $d/keys/ops.pem
EOF
  } > "$d/client.cfg"
  local txt="$d/$name.mco.txt" pcap="$d/$name.pcap"
  : > "$txt"
  start_tcpdump "$pcap"
  start_nodes "$d"
  run_mco "$txt" "$d/client.cfg" ping
  run_mco "$txt" "$d/client.cfg" rpc rpcutil get_fact fact=country
  run_mco "$txt" "$d/client.cfg" rpc rpcutil agent_inventory -I web01.example.net
  stop_nodes
  stop_tcpdump "$pcap"
  install_capture "$name" "$d"
}

install_capture() {  # <name> <dir>
  local name=$1 d=$2
  cp "$d/$name.pcap" "$d/$name.mco.txt" "$HERE/"
  rm -rf "$HERE/keys/$name"; mkdir -p "$HERE/keys/$name"
  cp "$d/keys/"*.pem "$HERE/keys/$name/"
  chmod 644 "$HERE/keys/$name/"*.pem   # throw-away test keys; tshark runs unprivileged
  cat "$d"/record.* > "$d/record.jsonl"
  # The MANIFEST.json entries of these captures were written by hand from
  # <name>.mco.txt and this script's configuration (identities, facts,
  # callerid cert=ops); record.jsonl (what the plugins encoded) stays in the
  # scratch folder for inspection. No generator script exists.
  echo "wrote $HERE/$name.pcap ($(stat -c %s "$HERE/$name.pcap") bytes)"
}

case $WANT in *" aes "*) capture_aes ;; esac
case $WANT in *" ssl "*) capture_ssl marshal ;; esac
case $WANT in *" ssl-yaml "*) capture_ssl yaml ;; esac
echo "done; scratch left in $SCRATCH"
