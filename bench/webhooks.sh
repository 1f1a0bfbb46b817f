#!/usr/bin/env bash
# Outbound webhooks benchmark (on demand; not part of the test suite), issue 23:
# 1. recording an event and queueing its delivery inside a request's transaction, next to
#    the same transaction (one invoice row written and committed, as every event follows
#    a change) without it, interleaved call by call (goal: under 1 ms p99 added);
# 2. one deliverer draining DELIVERIES queued deliveries to a receiver on loopback, next
#    to plain HTTP posts of the same bodies from the same process with the same
#    concurrency (goal: at least 500 deliveries a second).
# Usage: bench/webhooks.sh [count] [deliveries]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
count="${1:-2000}"
deliveries="${2:-10000}"
scripts/install-deps
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
cargo build --release --quiet --bin fastfaktura
bin="$CARGO_TARGET_DIR/release/fastfaktura"
work=$(mktemp -d /tmp/ff-bench-webhooks.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
export FASTFAKTURA_EMAIL_CONSOLE=false
out=$("$bin" demo bench-webhooks --data-dir "$work/data" --count "$count" --deliveries "$deliveries" | tee /dev/stderr)
alone=$(sed -nE 's/.*the write alone p50 [0-9]+ us p99 ([0-9]+) us.*/\1/p' <<<"$out")
with=$(sed -nE 's/.*recorded p50 [0-9]+ us p99 ([0-9]+) us.*/\1/p' <<<"$out")
rate=$(sed -nE 's/.*= ([0-9]+)\/s; plain.*/\1/p' <<<"$out")
plain=$(sed -nE 's/.*plain posts .* = ([0-9]+)\/s.*/\1/p' <<<"$out")
added=$((with - alone))
bench_result "recording a webhook event, p99 added to the request's transaction" "< 1 ms" "${added} µs" \
  "the same write alone p99 ${alone} µs" "${with} µs with it" "$(verdict 'a < 1000' a="$added")"
bench_result "webhook deliveries per second (one deliverer, loopback receiver)" ">= 500 /s" "${rate} /s" \
  "plain posts ${plain} /s" "$(ratio "$rate" "$plain")x the plain posts" "$(verdict 'r >= 500' r="$rate")"
