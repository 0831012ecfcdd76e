# shellcheck shell=bash
# Sourced by make-captures.sh.  A private RabbitMQ node (Debian package
# "rabbitmq-server", /usr/lib/rabbitmq/bin) with the rabbitmq_stomp and
# rabbitmq_web_stomp plugins,
# started as a child of the calling shell.  Everything lives in a scratch
# directory: rabbitmq.conf (from rabbitmq.conf.in), advanced.config,
# enabled_plugins, mnesia, logs, $HOME (Erlang cookie).  It uses its own epmd
# on a private port (44369, also our child), so no system-wide epmd is touched.
#
#   rmq_start <dir> <stomp-port> <stomp-port-2> <user> <passcode> <tls-port> <tls-port-2> <tls-dir> <ws-port>
#       (<tls-dir> from tls_make in brokers/tls.sh)
#       -> sets RMQ_PID (the rabbitmq-server script) and RMQ_EPMD_PID
#   rmq_stop

RMQ_PID=
RMQ_EPMD_PID=
RMQ_DIR=
RMQ_TEMPLATE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# environment for rabbitmq-server / rabbitmq-plugins / rabbitmqctl
rmq_env() {
  local dir=$1
  export HOME="$dir/home"
  export ERL_EPMD_ADDRESS=127.0.0.1
  export ERL_EPMD_PORT=${RMQ_EPMD_PORT:-44369}
  export RABBITMQ_NODENAME=stompcap@localhost
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=${RMQ_AMQP_PORT:-45672}
  export RABBITMQ_DIST_PORT=${RMQ_DIST_PORT:-45673}
  export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf"
  export RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf"
  export RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config"
  export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins"
  export RABBITMQ_MNESIA_BASE="$dir/mnesia"
  export RABBITMQ_LOG_BASE="$dir/log"
  export RABBITMQ_PID_FILE="$dir/rabbitmq.pid"
  export RABBITMQ_FEATURE_FLAGS_FILE="$dir/feature_flags"
  export RABBITMQ_QUORUM_DIR="$dir/quorum"
  export RABBITMQ_STREAM_DIR="$dir/stream"
  export RABBITMQ_PLUGINS_EXPAND_DIR="$dir/plugins-expand"
}

rmq_start() {
  local dir=$1 p1=$2 p2=$3 user=$4 pass=$5 tp1=$6 tp2=$7 tlsdir=$8 wsport=$9
  RMQ_DIR=$dir
  mkdir -p "$dir/home" "$dir/mnesia" "$dir/log"
  (
    rmq_env "$dir"
    : > "$RABBITMQ_CONF_ENV_FILE"
    sed -e "s/@RMQ_PORT1@/$p1/" -e "s/@RMQ_PORT2@/$p2/" -e "s/@RMQ_AMQP_PORT@/$RABBITMQ_NODE_PORT/" \
        -e "s/@RMQ_USER@/$user/" -e "s/@RMQ_PASS@/$pass/" \
        -e "s/@RMQ_TLS_PORT1@/$tp1/" -e "s/@RMQ_TLS_PORT2@/$tp2/" -e "s|@RMQ_TLS_DIR@|$tlsdir|" \
        -e "s/@RMQ_WS_PORT@/$wsport/" \
        "$RMQ_TEMPLATE_DIR/rabbitmq.conf.in" > "$RABBITMQ_CONFIG_FILE"
    # keep Erlang distribution on loopback too
    echo "[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}]." > "$RABBITMQ_ADVANCED_CONFIG_FILE"
  )
  (
    rmq_env "$dir"
    exec epmd -port "$ERL_EPMD_PORT" -address 127.0.0.1
  ) > "$dir/epmd.out" 2>&1 &
  RMQ_EPMD_PID=$!
  sleep 1
  ( rmq_env "$dir"; /usr/lib/rabbitmq/bin/rabbitmq-plugins --offline enable rabbitmq_stomp rabbitmq_web_stomp ) \
    > "$dir/plugins.out" 2>&1 || { cat "$dir/plugins.out" >&2; rmq_stop; return 1; }
  (
    rmq_env "$dir"
    exec /usr/lib/rabbitmq/bin/rabbitmq-server
  ) > "$dir/rabbitmq.out" 2>&1 < /dev/null &
  RMQ_PID=$!
  local i
  for i in $(seq 1 120); do
    if ! kill -0 "$RMQ_PID" 2>/dev/null; then
      echo "RabbitMQ died; see $dir/rabbitmq.out" >&2; tail -30 "$dir/rabbitmq.out" >&2
      RMQ_PID=; rmq_stop; return 1
    fi
    if port_listening "$p1" && port_listening "$p2" && port_listening "$tp1" && port_listening "$tp2" \
       && port_listening "$wsport"; then
      return 0
    fi
    sleep 1
  done
  echo "RabbitMQ did not open its STOMP ports in time" >&2
  rmq_stop
  return 1
}

rmq_ctl() {
  ( rmq_env "$RMQ_DIR"; /usr/lib/rabbitmq/bin/rabbitmqctl "$@" )
}

rmq_stop() {
  local i
  if [ -n "$RMQ_PID" ]; then
    # a clean shutdown of the node; the rabbitmq-server script then exits
    rmq_ctl stop > "$RMQ_DIR/stop.out" 2>&1 || kill "$RMQ_PID" 2>/dev/null || true
    for i in $(seq 1 60); do
      kill -0 "$RMQ_PID" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$RMQ_PID" 2>/dev/null || true
    wait "$RMQ_PID" 2>/dev/null || true
    RMQ_PID=
  fi
  if [ -n "$RMQ_EPMD_PID" ]; then
    kill "$RMQ_EPMD_PID" 2>/dev/null || true
    wait "$RMQ_EPMD_PID" 2>/dev/null || true
    RMQ_EPMD_PID=
  fi
}
