#!/usr/bin/env bash
# The whole suite: type-check, unit tests (parallel), then integration and end-to-end tests against
# the real stack (in band). Ends with the line "N passed, N failed".
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$ROOT/.stack/test-results"
cd "$ROOT"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"

echo "== type-check"
npx --no-install tsc -p tsconfig.json --noEmit || { echo "type-check failed"; exit 1; }

echo "== unit tests"
npx --no-install jest --selectProjects unit --ci --json --outputFile="$RESULTS/unit.json" "$@"
echo "== integration tests (real Kafka, PostgreSQL, Redis)"
npx --no-install jest --selectProjects integration --ci --runInBand --json --outputFile="$RESULTS/integration.json" "$@"

echo "== benchmarks at quick size (they run; their figures are not judged here: make bench)"
npx --no-install jest --selectProjects bench --ci --runInBand --json --outputFile="$RESULTS/bench.json" "$@"

echo "== reliability and security suite (faults, bad input, access)"
# The fault scenarios kill, freeze and restart the broker under running clients; a client torn down
# mid-reconnect can keep a socket open after its test, and jest would then wait for it forever. The
# results are written before jest exits, so it is made to exit once the last test has run.
RELIABILITY_TABLE="$RESULTS/reliability-rows.jsonl" npx --no-install jest --selectProjects reliability --ci --runInBand --passWithNoTests --forceExit --json --outputFile="$RESULTS/reliability.json" "$@"
node stack/reliability-table.js "$RESULTS/reliability-rows.jsonl"

node stack/test-summary.js "$RESULTS/unit.json" "$RESULTS/integration.json" "$RESULTS/bench.json" "$RESULTS/reliability.json"
