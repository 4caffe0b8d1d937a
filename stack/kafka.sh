#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) run from Maven Central jars with the machine's Java 17.
#   stack/kafka.sh fetch|start|stop|status|wait|kill|freeze|thaw
# Data and jars live under .stack/kafka (git-ignored). Starting twice is a no-op.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
PORT="${KAFKA_PORT:-9092}"
# The broker on a port is one per machine, whichever checkout started it: remember its home, so that
# any checkout (a second clone, CI) can stop, restart, freeze or kill that same broker and its data.
RUNTIME_FILE="${TMPDIR:-/tmp}/complaints-kafka-$PORT.home"
KAFKA_HOME="$STACK_DIR/kafka"
if [[ -f "$RUNTIME_FILE" ]] && [[ -f "$(cat "$RUNTIME_FILE")/data/meta.properties" ]]; then
  KAFKA_HOME="$(cat "$RUNTIME_FILE")"
fi
LIBS="$KAFKA_HOME/libs"
DATA="$KAFKA_HOME/data"
LOGS="$KAFKA_HOME/logs"
CONFIG="$KAFKA_HOME/server.properties"
PID_FILE="$KAFKA_HOME/kafka.pid"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
HEAP="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"

log() { echo "[kafka] $*" >&2; }

require_java() {
  command -v java >/dev/null || { log "java not found: install a Java 17 runtime (apt-get install openjdk-17-jre-headless)"; exit 1; }
  command -v mvn >/dev/null || { log "mvn not found: install Maven (apt-get install maven)"; exit 1; }
}

fetch() {
  require_java
  local version
  version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/stack/kafka/pom.xml")"
  if [[ -f "$LIBS/.version" && "$(cat "$LIBS/.version")" == "$version" ]]; then return 0; fi
  log "resolving Apache Kafka $version from Maven Central"
  rm -rf "$LIBS" && mkdir -p "$LIBS"
  mvn -q -B -Dstyle.color=never -f "$ROOT/stack/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$LIBS" -DincludeScope=runtime
  echo "$version" > "$LIBS/.version"
}

pid() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null && cat "$PID_FILE"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

java_opts() {
  # shellcheck disable=SC2206
  JAVA_OPTS=($HEAP -XX:+UseG1GC -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$ROOT/stack/kafka/log4j.properties" "-Dkafka.logs.dir=$LOGS" -cp "$LIBS/*")
}

java_cmd() { java_opts; java "${JAVA_OPTS[@]}" "$@"; }

configure() {
  mkdir -p "$DATA" "$LOGS"
  sed -e "s#@DATA_DIR@#$DATA#" -e "s#@PORT@#$PORT#" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#" \
    "$ROOT/stack/kafka/server.properties.template" > "$CONFIG"
  if [[ ! -f "$DATA/meta.properties" ]]; then
    log "formatting storage in $DATA"
    java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$CONFIG" --ignore-formatted >/dev/null
  fi
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT))
  until port_open && node "$ROOT/stack/kafka-ready.js" "127.0.0.1:$PORT" >/dev/null 2>&1; do
    if [[ -z "$(pid || true)" ]] && ! port_open; then log "broker exited; see $LOGS/server.log and $LOGS/stdout.log"; exit 1; fi
    if (( SECONDS > deadline )); then log "broker not ready after ${READY_TIMEOUT}s; see $LOGS/server.log"; exit 1; fi
    sleep 0.5
  done
}

start() {
  if [[ -n "$(pid || true)" ]]; then wait_ready; log "already running (pid $(pid))"; return 0; fi
  if port_open; then log "something already listens on 127.0.0.1:$PORT; using it"; wait_ready; return 0; fi
  fetch
  configure
  log "starting on 127.0.0.1:$PORT"
  java_opts
  # setsid: the broker outlives the shell that started it (make up's Ctrl-C stops the services, not Kafka).
  setsid java "${JAVA_OPTS[@]}" kafka.Kafka "$CONFIG" > "$LOGS/stdout.log" 2>&1 < /dev/null &
  echo $! > "$PID_FILE"
  echo "$KAFKA_HOME" > "$RUNTIME_FILE"
  wait_ready
  log "ready (pid $(cat "$PID_FILE"))"
}

stop() {
  local p; p="$(pid || true)"
  if [[ -z "$p" ]]; then rm -f "$PID_FILE"; log "not running"; return 0; fi
  kill -CONT "$p" 2>/dev/null || true
  kill -TERM "$p"
  for _ in $(seq 1 120); do kill -0 "$p" 2>/dev/null || { rm -f "$PID_FILE"; log "stopped"; return 0; }; sleep 0.5; done
  log "did not stop in 60s; killing"; kill -KILL "$p" 2>/dev/null || true; rm -f "$PID_FILE"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  wait) wait_ready ;;
  status) if p="$(pid)"; then echo "running $p"; else echo "stopped"; exit 1; fi ;;
  # Fault injection for the reliability suite.
  kill) p="$(pid || true)"; [[ -n "$p" ]] && kill -KILL "$p"; rm -f "$PID_FILE" ;;
  freeze) kill -STOP "$(pid)" ;;
  thaw) kill -CONT "$(pid)" ;;
  *) echo "usage: $0 fetch|start|stop|status|wait|kill|freeze|thaw" >&2; exit 2 ;;
esac
