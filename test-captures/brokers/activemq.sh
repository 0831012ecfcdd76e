# shellcheck shell=bash
# Sourced by make-captures.sh.  A private ActiveMQ broker (Debian package
# "activemq": /usr/share/activemq/bin/activemq.jar + /usr/share/java jars)
# started as a child of the calling shell, with its configuration and data in a
# scratch directory.  Nothing in /etc is used or modified except that the
# Debian instance's log4j2.properties is copied.
#
#   amq_start <dir> <stomp-port> <stomp-port-2> <user> <passcode> <tls-port> <tls-port-2> <tls-dir> <hbgrace-port>
#       -> sets AMQ_PID; <tls-dir> from tls_make (brokers/tls.sh); <hbgrace-port>:
#       STOMP connector with transport.hbGracePeriodMultiplier=5.0
#   amq_stop

AMQ_PID=
AMQ_TEMPLATE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

amq_start() {
  local dir=$1 p1=$2 p2=$3 user=$4 pass=$5 tp1=$6 tp2=$7 tlsdir=$8 hbport=$9
  local owport=${AMQ_OPENWIRE_PORT:-46161}
  mkdir -p "$dir/conf" "$dir/data"
  sed -e "s/@AMQ_PORT1@/$p1/" -e "s/@AMQ_PORT2@/$p2/" -e "s/@AMQ_OWPORT@/$owport/" \
      -e "s/@AMQ_USER@/$user/" -e "s/@AMQ_PASS@/$pass/" \
      -e "s/@AMQ_TLS_PORT1@/$tp1/" -e "s/@AMQ_TLS_PORT2@/$tp2/" -e "s/@AMQ_HBGRACE_PORT@/$hbport/" \
      -e "s|@AMQ_KEYSTORE@|$tlsdir/broker.p12|" -e "s/@AMQ_KEYSTORE_PASS@/$TLS_STORE_PASS/" \
      "$AMQ_TEMPLATE_DIR/activemq.xml.in" > "$dir/conf/activemq.xml"
  cp /etc/activemq/instances-available/main/log4j2.properties "$dir/conf/"
  # Same JVM options as Debian's /usr/bin/activemq uses for Java > 8; the
  # "start" task runs the broker in the foreground of this process.
  (
    cd "$dir"
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
      -Dactivemq.classpath="$dir/conf" \
      -Dactivemq.home=/usr/share/activemq \
      -Dactivemq.base="$dir" \
      -Dactivemq.conf="$dir/conf" \
      -Dactivemq.data="$dir/data" \
      -jar /usr/share/activemq/bin/activemq.jar start "xbean:file:$dir/conf/activemq.xml"
  ) > "$dir/activemq.out" 2>&1 &
  AMQ_PID=$!
  local i
  for i in $(seq 1 120); do
    if ! kill -0 "$AMQ_PID" 2>/dev/null; then
      echo "ActiveMQ died; see $dir/activemq.out" >&2; tail -30 "$dir/activemq.out" >&2; AMQ_PID=; return 1
    fi
    if port_listening "$p1" && port_listening "$p2" && port_listening "$tp1" && port_listening "$tp2" \
       && port_listening "$hbport"; then
      return 0
    fi
    sleep 1
  done
  echo "ActiveMQ did not open its STOMP ports in time" >&2
  amq_stop
  return 1
}

amq_stop() {
  [ -n "$AMQ_PID" ] || return 0
  kill "$AMQ_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 60); do
    kill -0 "$AMQ_PID" 2>/dev/null || break
    sleep 0.5
  done
  kill -9 "$AMQ_PID" 2>/dev/null || true
  wait "$AMQ_PID" 2>/dev/null || true
  AMQ_PID=
}
