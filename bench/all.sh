#!/usr/bin/env bash
# Reruns every benchmark (on demand; not part of the test suite) and prints one table:
# figure, goal, measured, the side-by-side baseline measured in the same run, the ratio
# against it, and the verdict. docs/PERFORMANCE.md explains each baseline.
#
#   bench/all.sh                 the benchmarks of issues 2, 3, 4, 7, 8, 22 and 23 (about 17 min)
#   bench/all.sh --with-faults   and the 10-minute load run with faults (bench/faults.sh)
#
# Sizes, from the environment: INVOICES (100000) and BUSINESSES (100) for the invoicing
# benchmark, BACKUP_INVOICES (100000; try 1000000), AUDIT_EVENTS (1000000), BENCH_SECONDS (10,
# per wrk scenario), PDF_RUNS (300 renders, 10 Chromium prints), FAULT_MINUTES (10),
# METRICS_SECONDS (3, per round and side of bench/metrics.sh: 7 rounds, 2 requests),
# REPLICA_INVOICES (20000, for the read-replica benchmark).
# The table goes to stdout and to target/bench-report.md; each benchmark's own output to
# target/bench-logs/.
set -euo pipefail
cd "$(dirname "$0")/.."
with_faults=false
[ "${1:-}" = "--with-faults" ] && with_faults=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
logs=target/bench-logs
mkdir -p "$logs"
export BENCH_RESULTS
BENCH_RESULTS="$(pwd)/$logs/results.tsv"
: > "$BENCH_RESULTS"
seconds="${BENCH_SECONDS:-10}"
# What was measured: the commit and the start time, taken before the runs.
measured="$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' with local changes')"

run() {
  local name="$1"; shift
  echo "== $name: $*"
  local started; started=$(date +%s)
  if "$@" > "$logs/$name.log" 2>&1; then
    echo "   done in $(( $(date +%s) - started )) s"
  else
    echo "   FAILED after $(( $(date +%s) - started )) s; the end of $logs/$name.log:"
    tail -n 15 "$logs/$name.log" | sed 's/^/   | /'
    printf '%s\t—\tfailed (see %s)\t—\t—\tfailed\n' "$name" "$logs/$name.log" >> "$BENCH_RESULTS"
  fi
}
run login bench/login.sh "$seconds"
run invoices bench/invoices.sh "${INVOICES:-100000}" "${BUSINESSES:-100}" "$seconds"
run pdf bench/pdf.sh "${PDF_RUNS:-300}" 10
run audit bench/audit.sh "${AUDIT_EVENTS:-1000000}" 10000
run backup bench/backup.sh "${BACKUP_INVOICES:-100000}"
run metrics bench/metrics.sh "${METRICS_SECONDS:-3}" 7
run replica bench/replica.sh "${REPLICA_INVOICES:-20000}" 20 "$seconds"
run webhooks bench/webhooks.sh "${WEBHOOK_EVENTS:-2000}" "${WEBHOOK_DELIVERIES:-10000}"
if $with_faults; then
  run faults bench/faults.sh "${FAULT_MINUTES:-10}"
fi

{
  echo "FastFaktura benchmarks from $measured"
  echo
  echo "| figure | goal | measured | baseline (same run) | against the baseline | verdict |"
  echo "|---|---|---|---|---|---|"
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$BENCH_RESULTS"
} | tee target/bench-report.md
