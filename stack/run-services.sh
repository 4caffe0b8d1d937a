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
  # The prefixer ignores INT/TERM so Ctrl-C (sent to the whole process group) leaves it to print the
  # services' shutdown logs; it ends by itself when its service closes the pipe.
  node --max-semi-space-size=64 "dist/apps/$service/src/main.js" > >(trap '' INT TERM; exec sed -u "s/^/[$service] /") 2>&1 &
  pids+=($!)
done

stopping=0
trap 'stopping=1' INT TERM

# Returns when a signal arrives or when one service exits by itself; either way the others are
# stopped too (a half-running backend is misleading).
wait -n "${pids[@]}"
code=$?
# Ctrl-C reaches the services too; one may exit from it before this shell notices the signal.
if (( stopping )) || (( code == 130 || code == 143 )); then
  echo "stopping services..."
  code=0
else
  echo "a service exited with status $code; stopping the others"
fi
trap '' INT TERM
kill -TERM "${pids[@]}" 2>/dev/null
wait "${pids[@]}" 2>/dev/null
echo "services stopped (the stack keeps running: make down stops it)"
exit "$code"
