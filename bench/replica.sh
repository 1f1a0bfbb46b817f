#!/usr/bin/env bash
# Read-replica benchmark (on demand; not part of the test suite).
#
# Seeds BUSINESSES businesses with INVOICES invoices (default 20 and 20,000) into the
# embedded cluster, makes a streaming replica of it (pg_basebackup -R, its own socket),
# and serves two instances side by side on the same data: A, the embedded default,
# reads everything from the primary; B (database.url = the same primary, database.read_url
# = the replica) reads its lists from the replica. wrk measures the invoice list page
# (50 rows) at 32 connections on A and B in rounds (A first, then B first, ...). Goal (issue 22): a list
# page read from the replica costs no more than from the primary (within 10 %, the
# run-to-run noise of this machine). The replica's own transaction counter proves B's
# lists were served there.
# Usage: bench/replica.sh [invoices] [businesses] [seconds per scenario] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
invoices="${1:-20000}"
businesses="${2:-20}"
duration="${3:-10}"
rounds="${4:-4}"
release_binary_with_wrk
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
work=$(mktemp -d /tmp/ff-bench.XXXXXX)
chmod 755 "$work"
# The first free port from $1 up (other benchmarks may be serving on theirs).
free_port() { local p="$1"; while ss -ltnH "sport = :$p" | grep -q .; do p=$((p + 1)); done; echo "$p"; }
port_a=$(free_port 18091)
port_b=$(free_port $((port_a + 1)))
# PostgreSQL refuses to run as root; the embedded cluster then runs as `postgres`.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
printf 'trusted_proxies = [\"127.0.0.1\"]\n[email]\nconsole = false\n' > "$work/bench.toml"

echo "seeding $businesses businesses and $invoices invoices ..."
"$bin" demo seed --config "$work/bench.toml" --data-dir "$work/data" --businesses "$businesses" --invoices "$invoices" | tail -n1

"$bin" serve --config "$work/bench.toml" --data-dir "$work/data" --listen "127.0.0.1:$port_a" > "$work/a.log" 2>&1 &
server_a=$!
server_b=
cleanup() {
  if [ -n "$server_b" ]; then kill -TERM "$server_b" 2>/dev/null; wait "$server_b" 2>/dev/null || true; fi
  kill -TERM "$server_a" 2>/dev/null; wait "$server_a" 2>/dev/null || true
  if [ -f "$work/replica/postgres/postmaster.pid" ]; then
    as_pg "$pgbin/pg_ctl" -D "$work/replica/postgres" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port_a/readyz" >/dev/null && break; sleep 0.5; done
kill -0 "$server_a" 2>/dev/null || { echo "instance A did not start:" >&2; tail "$work/a.log" >&2; exit 1; }

echo "making the streaming replica ..."
mkdir -p "$work/replica/postgres" "$work/replica/run"
chmod 700 "$work/replica/postgres" "$work/replica/run"
[ "$(id -u)" = 0 ] && chown postgres: "$work/replica/postgres" "$work/replica/run"
as_pg "$pgbin/pg_basebackup" -D "$work/replica/postgres" -h "$work/data/run" -U fastfaktura -R -X stream --checkpoint=fast
as_pg "$pgbin/pg_ctl" -D "$work/replica/postgres" -l "$work/replica/postgres/server.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories='$work/replica/run' -c max_connections=200" start >/dev/null

primary_url="postgres://fastfaktura@localhost/fastfaktura?host=$work/data/run"
replica_url="postgres://fastfaktura@localhost/fastfaktura?host=$work/replica/run"
FASTFAKTURA_DATABASE_URL="$primary_url" FASTFAKTURA_DATABASE_READ_URL="$replica_url" FASTFAKTURA_JOBS_WORKER=false \
  FASTFAKTURA_MASTER_KEY_FILE="$work/data/master.key" \
  "$bin" serve --config "$work/bench.toml" --data-dir "$work/b" --listen "127.0.0.1:$port_b" > "$work/b.log" 2>&1 &
server_b=$!
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port_b/readyz" >/dev/null && break; sleep 0.5; done
kill -0 "$server_b" 2>/dev/null || { echo "instance B did not start:" >&2; tail "$work/b.log" >&2; exit 1; }
for _ in $(seq 1 40); do grep -q "from the replica" "$work/b.log" && break; sleep 0.25; done
grep -q "from the replica" "$work/b.log" || { echo "instance B never started reading from the replica" >&2; tail "$work/b.log" >&2; exit 1; }

# One session for both instances (they share the primary): signed in on A, which sets no
# read-after cookie, so B's reads may come from the replica.
owner=$(psql -Atq -h "$work/data/run" -U fastfaktura fastfaktura -c \
  "SELECT u.email FROM users u JOIN business_members m ON m.user_id = u.id ORDER BY u.email LIMIT 1")
jar="$work/cookies"
curl -s -c "$jar" -b "$jar" -o /dev/null -X POST -d "email=$owner" "http://127.0.0.1:$port_a/login"
for _ in $(seq 1 50); do ls "$work/data/outbox/"*.eml >/dev/null 2>&1 && break; sleep 0.2; done
code=$(grep -h -A2 'sign-in code is:' "$work/data/outbox/"*.eml | grep -oE '[0-9]{6}' | tail -n1)
curl -s -c "$jar" -b "$jar" -o /dev/null -X POST -d "code=$code" "http://127.0.0.1:$port_a/login/code"
session=$(awk '$6 == "ff_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in for the benchmark" >&2; exit 1; }

report='done = function(summary, latency, requests)
  io.write(string.format("  requests %d (%.0f/s), errors %d, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    summary.errors.status + summary.errors.connect + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end'
printf 'wrk.headers["Cookie"] = "ff_session=%s"\n%s\n' "$session" "$report" > "$work/page.lua"
replica_commits() {
  psql -Atq -h "$work/replica/run" -U fastfaktura fastfaktura -c \
    "SELECT xact_commit FROM pg_stat_database WHERE datname = 'fastfaktura'"
}
# Sums over the rounds: requests/s, p50 and p99 per instance; the requests B made.
sum_rps_a=0; sum_p50_a=0; sum_p99_a=0; sum_rps_b=0; sum_p50_b=0; sum_p99_b=0; requests_b=0
measure() {
  local line
  line=$(wrk -t2 -c32 -d"${duration}s" -s "$work/page.lua" "$1" | grep -E '^ +requests ')
  echo "$line"
  rps=$(sed -E 's/.*\(([0-9]+)\/s\).*/\1/' <<<"$line")
  requests=$(sed -E 's/^ +requests ([0-9]+) .*/\1/' <<<"$line")
  p50=$(wrk_field "$line" p50)
  p99=$(wrk_field "$line" p99)
}
add() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a + b }'; }
commits_before=$(replica_commits)
run_a() {
  echo "round $round, A (primary): GET /invoices"
  measure "http://127.0.0.1:$port_a/invoices"
  sum_rps_a=$(add "$sum_rps_a" "$rps"); sum_p50_a=$(add "$sum_p50_a" "$p50"); sum_p99_a=$(add "$sum_p99_a" "$p99")
}
run_b() {
  echo "round $round, B (replica): GET /invoices"
  measure "http://127.0.0.1:$port_b/invoices"
  sum_rps_b=$(add "$sum_rps_b" "$rps"); sum_p50_b=$(add "$sum_p50_b" "$p50"); sum_p99_b=$(add "$sum_p99_b" "$p99")
  requests_b=$((requests_b + requests))
}
# A first in odd rounds, B first in even ones: whatever else loads the machine over
# time weighs on both alike.
for round in $(seq 1 "$rounds"); do
  if [ $((round % 2)) = 1 ]; then run_a; run_b; else run_b; run_a; fi
done
# Backends report their counters to the statistics when idle, within 10 s.
sleep 11
served=$(( $(replica_commits) - commits_before ))
mean() { awk -v s="$1" -v n="$rounds" 'BEGIN { printf "%.2f", s / n }'; }
rps_a=$(mean "$sum_rps_a"); p50_a=$(mean "$sum_p50_a"); p99_a=$(mean "$sum_p99_a")
rps_b=$(mean "$sum_rps_b"); p50_b=$(mean "$sum_p50_b"); p99_b=$(mean "$sum_p99_b")
echo "replica transactions during the runs: $served for $requests_b requests to B"
if grep -q "lags too far behind\|does not answer" "$work/b.log"; then
  echo "B left the replica during the run:"; grep "lags too far behind\|does not answer" "$work/b.log" | tail -n3
fi

# B's lists count as read from the replica only if the replica ran at least one
# transaction per request B answered.
from_replica=$(verdict 's >= r' s="$served" r="$requests_b")
bench_result "invoice list page from the replica, p50 (32 clients, $invoices invoices)" "<= the primary's (+10 %)" \
  "$p50_b ms" "primary $p50_a ms" "$(ratio "$p50_b" "$p50_a")x the primary's" \
  "$( [ "$from_replica" = met ] && verdict 'b <= a * 1.1' b="$p50_b" a="$p50_a" || echo missed )"
bench_result "invoice list page from the replica, p99" "<= the primary's (+10 %)" \
  "$p99_b ms" "primary $p99_a ms" "$(ratio "$p99_b" "$p99_a")x the primary's" \
  "$( [ "$from_replica" = met ] && verdict 'b <= a * 1.1' b="$p99_b" a="$p99_a" || echo missed )"
bench_result "invoice list page from the replica, throughput" ">= the primary's (-10 %)" \
  "$rps_b req/s" "primary $rps_a req/s" "$(ratio "$rps_b" "$rps_a")x the primary's" \
  "$( [ "$from_replica" = met ] && verdict 'b >= a * 0.9' b="$rps_b" a="$rps_a" || echo missed )"
bench_result "list requests answered by the replica" "every one" "$served replica transactions" \
  "$requests_b requests" "—" "$from_replica"
