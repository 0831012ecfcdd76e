# shellcheck shell=bash
# Sourced by make-captures.sh.  A private stompserver (Debian package
# "stompserver" 0.9.9, a Ruby/EventMachine STOMP 1.0 server) started as a
# child of the calling shell, in the foreground (no daemon, no user change),
# with its configuration, pid file, log and in-memory queues' storage in a
# scratch directory.  Started through brokers/stompserver-run.rb, not
# /usr/bin/stompserver (which fails on Ruby 3, see there).  Authentication is on (-a): one user in <dir>/etc/.passwd.
#
#   ss_start <dir> <stomp-port> <user> <passcode>   -> sets SS_PID
#   ss_stop

SS_PID=
SS_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ss_start() {
  local dir=$1 port=$2 user=$3 pass=$4 i
  mkdir -p "$dir/etc" "$dir/log"
  printf '%s:%s\n' "$user" "$pass" > "$dir/etc/.passwd"
  cat > "$dir/stompserver.conf" <<CONF
---
:daemon: false
:working_dir: $dir
:logdir: $dir/log
:pidfile: $dir/log/stompserver.pid
:storage: $dir/storage
:etcdir: $dir/etc
:queue: memory
:auth: true
:host: 127.0.0.1
:port: $port
CONF
  ( cd "$dir" && exec ruby "$SS_HERE/stompserver-run.rb" -C "$dir/stompserver.conf" ) > "$dir/log/stdout.log" 2>&1 &
  SS_PID=$!
  for i in $(seq 1 100); do port_listening "$port" && return 0; sleep 0.1; done
  echo "stompserver did not start listening on $port; see $dir/log/stdout.log" >&2
  cat "$dir/log/stdout.log" >&2
  return 1
}

ss_stop() {
  [ -n "$SS_PID" ] || return 0
  kill -TERM "$SS_PID" 2>/dev/null || true
  wait "$SS_PID" 2>/dev/null || true
  SS_PID=
}
