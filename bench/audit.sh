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
# Baselines, side by side: (1) pgbench running the same INSERT one by one on one
# connection (the database's own floor for a recorded event); (2) reading every event
# once with COPY and hashing the stream with sha256sum (the floor for any verifier that
# reads and hashes each event once).
# Usage: bench/audit.sh [events] [records]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
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
recorded=$("$bin" audit bench-record --data-dir "$work/data" --count "$records" | tail -n1)
echo "$recorded"
record_p99=$(sed -nE 's/.*p99 ([0-9]+) µs.*/\1/p' <<<"$recorded")

"$bin" serve --data-dir "$work/data" --listen 127.0.0.1:0 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do grep -q "FastFaktura is listening" "$work/server.log" && break; sleep 0.5; done
echo "== baseline: pgbench, the same INSERT one by one ($records times, one connection)"
cat > "$work/insert.sql" <<'SQL'
INSERT INTO audit_events (at, category, action, actor_kind, actor, business_id, target, outcome, ip, user_agent, request_id, details)
VALUES (now(), 'access', 'invoice.view', 'user', gen_random_uuid()::text, gen_random_uuid(), '/invoices/' || gen_random_uuid(),
        'success', '203.0.113.7', 'Mozilla/5.0 (X11; Linux x86_64) bench', md5(random()::text), '{"method":"GET","status":200}');
SQL
(cd "$work" && pgbench -n -M prepared -c1 -t "$records" -l --log-prefix=insert -h "$work/data/run" -U fastfaktura \
  -f "$work/insert.sql" fastfaktura >/dev/null 2>&1)
baseline_p99=$(cat "$work"/insert.* | awk '{ print $3 }' | sort -n | awk '{ a[NR] = $1 } END { print a[int(NR * 0.99)] }')
echo "pgbench INSERT p99 $baseline_p99 µs"
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
echo "== baseline: COPY every event out and sha256sum the stream"
t0=$(now_s)
psql_ -c "COPY (SELECT * FROM audit_events ORDER BY category, at, id) TO STDOUT" | sha256sum >/dev/null
scan_s=$(since "$t0")
total=$(psql_ -c "SELECT count(*) FROM audit_events")
scan_rate=$(awk -v n="$total" -v s="$scan_s" 'BEGIN { printf "%.0f", n / s }')
echo "read and hashed $total events in $scan_s s ($scan_rate events/s)"
kill -TERM $server; wait $server 2>/dev/null || true
trap 'rm -rf "$work"' EXIT
echo "== sealing"
"$bin" audit seal --data-dir "$work/data" | tail -n1
echo "== verifying"
verified=$("$bin" audit verify --data-dir "$work/data" | tail -n2)
echo "$verified"
verify_rate=$(sed -nE 's/.*\(([0-9]+) events\/s\).*/\1/p' <<<"$verified")
grep -q "the audit log verifies" <<<"$verified" || { echo "the seeded audit log did not verify" >&2; exit 1; }

bench_result "recording one audit event, p99" "< 1 ms" "$record_p99 µs" "pgbench INSERT p99 $baseline_p99 µs" \
  "$(ratio "$record_p99" "$baseline_p99")x the INSERT" "$(verdict 'v < 1000' v="$record_p99")"
bench_result "audit verify rate ($events events)" "10M in < 60 s (>= 166,667 /s)" "$verify_rate events/s" \
  "COPY + sha256sum $scan_rate events/s" "$(ratio "$verify_rate" "$scan_rate")x the scan" \
  "$(verdict 'v >= 10000000 / 60' v="$verify_rate")"
