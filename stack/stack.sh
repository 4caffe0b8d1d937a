#!/usr/bin/env bash
# The local stack without Docker: PostgreSQL and Redis (used when already listening, started when
# installed but stopped), Apache Kafka in KRaft mode (stack/kafka.sh), and the declared topics.
#   stack/stack.sh up | down | status
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STACK_DIR="${STACK_DIR:-$ROOT/.stack}"
PG_HOST=127.0.0.1 PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"
mkdir -p "$STACK_DIR"

log() { echo "[stack] $*" >&2; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() {
  local port=$1 name=$2 deadline=$((SECONDS + 60))
  until port_open "$port"; do
    (( SECONDS > deadline )) && { log "$name did not start listening on 127.0.0.1:$port within 60s"; exit 1; }
    sleep 0.3
  done
}

ensure_postgres() {
  if port_open "$PG_PORT"; then return 0; fi
  if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
    local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
    log "starting PostgreSQL $version (cluster main)"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    touch "$STACK_DIR/postgres.started"
    wait_port "$PG_PORT" PostgreSQL
    return 0
  fi
  log "PostgreSQL is not listening on 127.0.0.1:$PG_PORT and is not installed here."
  log "Install it (apt-get install postgresql) or point DATABASE_URL at a running server."
  exit 1
}

ensure_redis() {
  if port_open "$REDIS_PORT"; then return 0; fi
  if command -v redis-server >/dev/null; then
    log "starting Redis on 127.0.0.1:$REDIS_PORT"
    mkdir -p "$STACK_DIR/redis"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STACK_DIR/redis" \
      --appendonly yes --maxmemory-policy noeviction --pidfile "$STACK_DIR/redis/redis.pid" \
      --logfile "$STACK_DIR/redis/redis.log"
    touch "$STACK_DIR/redis.started"
    wait_port "$REDIS_PORT" Redis
    return 0
  fi
  log "Redis is not listening on 127.0.0.1:$REDIS_PORT and is not installed here."
  log "Install it (apt-get install redis-server) or point REDIS_URL at a running server."
  exit 1
}

topics() {
  (cd "$ROOT" && npx --no-install ts-node -r tsconfig-paths/register --transpile-only scripts/create-topics.ts)
}

case "${1:-}" in
  up)
    ensure_postgres
    ensure_redis
    "$ROOT/stack/kafka.sh" start
    topics
    log "up: PostgreSQL 127.0.0.1:$PG_PORT, Redis 127.0.0.1:$REDIS_PORT, Kafka 127.0.0.1:${KAFKA_PORT:-9092}"
    ;;
  down)
    "$ROOT/stack/kafka.sh" stop
    if [[ -f "$STACK_DIR/redis.started" ]]; then
      redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$STACK_DIR/redis/redis.pid")" 2>/dev/null || true
      rm -f "$STACK_DIR/redis.started"; log "Redis stopped"
    fi
    if [[ -f "$STACK_DIR/postgres.started" ]]; then
      pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main stop || true
      rm -f "$STACK_DIR/postgres.started"; log "PostgreSQL stopped"
    fi
    ;;
  status)
    port_open "$PG_PORT" && echo "postgres: up" || echo "postgres: down"
    port_open "$REDIS_PORT" && echo "redis: up" || echo "redis: down"
    "$ROOT/stack/kafka.sh" status || true
    ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
