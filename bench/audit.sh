#!/usr/bin/env bash
# Audit log benchmark (on demand; not part of the test suite).
#
# 1. The cost of recording one event (`audit::record`, one INSERT on the pool, as the
#    access layer does after a response): p50/p99 over RECORDS calls. Goal (issue 7):
#    under 1 ms p99.
# 2. `fastfaktura audit verify` over EVENTS sealed events (default 1,000,000; the goal
#    is 10,000,000 in under 60 s): the events are inserted with SQL spread over 10 days
#    and 6 categories, sealed and closed with `fastfaktura audit seal` (the sealer's
#    rate is printed too), then verified; prints events/s.
# Usage: bench/audit.sh [events] [records]
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-1000000}"
records="${2:-10000}"
scripts/install-deps
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
cargo build --release --quiet --bin fastfaktura
bin="$CARGO_TARGET_DIR/release/fastfaktura"
work=$(mktemp -d /tmp/ff-bench-audit.XXXXXX)
chmod 755 "$work"
export FASTFAKTURA_EMAIL_CONSOLE=false
"$bin" migrate --data-dir "$work/data" >/dev/null
# `migrate` stops its embedded cluster on exit; keep one running for psql.
"$bin" serve --data-dir "$work/data" --listen 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do grep -q "FastFaktura is listening" "$work/server.log" && break; sleep 0.5; done
psql_() { psql -v ON_ERROR_STOP=1 -Atq -h "$work/data/run" -U fastfaktura fastfaktura "$@"; }

echo "== recording $records events one by one"
kill -TERM $server; wait $server 2>/dev/null || true
"$bin" audit bench-record --data-dir "$work/data" --count "$records" | tail -n1

"$bin" serve --data-dir "$work/data" --listen 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do grep -q "FastFaktura is listening" "$work/server.log" && break; sleep 0.5; done
echo "== inserting $events events over 10 past days"
t0=$(date +%s.%N)
psql_ -c "INSERT INTO audit_events (at, category, action, actor_kind, actor, business_id, target, outcome, ip, user_agent, request_id, details)
  SELECT date_trunc('day', now()) - interval '10 days' + (g::float8 / $events) * interval '10 days',
         (ARRAY['access','auth','admin','dispatch','payment','security'])[1 + g % 6], 'invoice.view', 'user',
         md5(g::text), md5((g % 1000)::text)::uuid, '/invoices/' || md5(g::text)::uuid, 'success',
         '203.0.113.' || (g % 250), 'Mozilla/5.0 (X11; Linux x86_64) bench', md5(g::text),
         jsonb_build_object('method', 'GET', 'status', 200)
  FROM generate_series(1, $events) g"
t1=$(date +%s.%N)
echo "inserted in $(echo "$t1 - $t0" | bc) s"
kill -TERM $server; wait $server 2>/dev/null || true
trap 'rm -rf "$work"' EXIT
echo "== sealing"
"$bin" audit seal --data-dir "$work/data" | tail -n1
echo "== verifying"
"$bin" audit verify --data-dir "$work/data" | tail -n2
