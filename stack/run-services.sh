#!/usr/bin/env bash
# Runs the three services in the foreground with readable logs. Ctrl-C (or SIGTERM) asks each to
# shut down gracefully (stop consuming, finish in-flight work, commit, close) and waits for them.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export LOG_PRETTY="${LOG_PRETTY:-true}"
SERVICES=(${SERVICES:-intake workflow analytics})
pids=()

for service in "${SERVICES[@]}"; do
  # Each service's output is prefixed with its name; the process substitution keeps $! the node pid.
  node "dist/apps/$service/src/main.js" > >(sed -u "s/^/[$service] /") 2>&1 &
  pids+=($!)
done

stop() {
  trap - INT TERM
  echo "stopping services..."
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  echo "services stopped (the stack keeps running: make down stops it)"
  exit 0
}
trap stop INT TERM

# If one service dies on its own, stop the others too: a half-running backend is misleading.
wait -n "${pids[@]}"
code=$?
echo "a service exited with status $code; stopping the others"
kill -TERM "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
exit "$code"
