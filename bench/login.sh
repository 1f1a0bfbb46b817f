#!/usr/bin/env bash
# Login benchmark (on demand; not part of the test suite).
#
# Starts a release build on a private data directory and measures with wrk, 32
# concurrent connections on loopback:
#   - POST /login for a known address and for fresh (unknown) addresses: p95 should be
#     under 20 ms and the two should match (no account enumeration by timing);
#   - GET / with a session cookie: p99 should be under 10 ms.
# Baseline, side by side: GET /healthz (no database, no template) on the same server
# at the same concurrency: what the HTTP stack, wrk and these two shared cores cost
# before any of our work. The ratio says how many times that floor each figure is.
# Limits stay at their defaults: the clients pose as many addresses (X-Forwarded-For,
# trusted for the run) and the "known" addresses are 10,000 registered users, so no
# request is rate-limited.
# Usage: bench/login.sh [seconds per scenario, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
duration="${1:-10}"
release_binary_with_wrk

work=$(mktemp -d /tmp/ff-bench.XXXXXX)
chmod 755 "$work"
port=18080
cat > "$work/bench.toml" <<TOML
trusted_proxies = ["127.0.0.1"]
[email]
console = false
TOML
"$bin" serve --config "$work/bench.toml" --data-dir "$work/data" --listen "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done

psql -q -h "$work/data/run" -U fastfaktura fastfaktura -c \
  "INSERT INTO users (id, email, created_at) SELECT gen_random_uuid(), 'known' || g || '@bench.example', now() FROM generate_series(1, 10000) g"

# Sign in once (reads the code from the dev outbox) to get a session and a known address.
jar="$work/cookies"
curl -s -c "$jar" -b "$jar" -o /dev/null -X POST -d 'email=known@bench.example' "http://127.0.0.1:$port/login"
for _ in $(seq 1 50); do ls "$work/data/outbox/"*.eml >/dev/null 2>&1 && break; sleep 0.2; done
code=$(grep -A2 'sign-in code is:' "$work/data/outbox/"*.eml | grep -oE '[0-9]{6}' | head -n1)
curl -s -c "$jar" -b "$jar" -o /dev/null -X POST -d "code=$code" "http://127.0.0.1:$port/login/code"
session=$(awk '$6 == "ff_session" {print $7}' "$jar")
[ -n "$session" ] || { echo "could not sign in for the benchmark" >&2; exit 1; }

percentiles='
done = function(summary, latency, requests)
  io.write(string.format("  requests %d, errors %d, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end'
# Each request poses as another client (its own /64 of the IPv6 documentation prefix:
# the rate limits count an IPv6 client by its /64, `db::rate_limits::client_of`).
fake_ip='local function fake_ip() return string.format("2001:db8:%x:%x::1", math.random(0, 65535), math.random(0, 65535)) end'
cat > "$work/known.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
$fake_ip
local n = math.random(0, 9999)
request = function()
  n = (n + 1) % 10000
  wrk.headers["X-Forwarded-For"] = fake_ip()
  return wrk.format(nil, nil, nil, "email=known" .. (n + 1) .. "@bench.example")
end
$percentiles
LUA
cat > "$work/unknown.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
local n = 0
local thread_id = math.random(1, 1000000000)
$fake_ip
request = function()
  n = n + 1
  wrk.headers["X-Forwarded-For"] = fake_ip()
  return wrk.format(nil, nil, nil, "email=new-" .. thread_id .. "-" .. n .. "@bench.example")
end
$percentiles
LUA
printf '%s\n' "$percentiles" > "$work/floor.lua"
cat > "$work/page.lua" <<LUA
wrk.headers["Cookie"] = "ff_session=$session"
$percentiles
LUA

run_wrk() { wrk -t2 -c32 -d"${duration}s" ${1:+-s "$1"} "$2" | grep -E '^ +requests '; }
echo "GET /healthz (the floor: no database, no template):"
floor=$(run_wrk "$work/floor.lua" "http://127.0.0.1:$port/healthz"); echo "$floor"
# The page right after the floor, on the same idle server: the sign-ins below leave work
# behind them (a mail each, their audit events to seal, autovacuum) that the floor never
# meets, and a page measured after them measured that work too.
echo "GET / signed in (target p99 < 10 ms):"
page=$(run_wrk "$work/page.lua" "http://127.0.0.1:$port/"); echo "$page"
echo "POST /login, known address (target p95 < 20 ms):"
known=$(run_wrk "$work/known.lua" "http://127.0.0.1:$port/login"); echo "$known"
echo "POST /login, unknown addresses (target p95 < 20 ms, same as known):"
unknown=$(run_wrk "$work/unknown.lua" "http://127.0.0.1:$port/login"); echo "$unknown"

floor95=$(wrk_field "$floor" p95); floor99=$(wrk_field "$floor" p99)
k95=$(wrk_field "$known" p95); u95=$(wrk_field "$unknown" p95); p99=$(wrk_field "$page" p99)
bench_result "POST /login p95, known address (32 clients)" "< 20 ms" "$k95 ms" "/healthz p95 $floor95 ms" \
  "$(ratio "$k95" "$floor95")x the floor" "$(verdict 'v < 20' v="$k95")"
bench_result "POST /login p95, unknown address (32 clients)" "< 20 ms, same as known" "$u95 ms" "known $k95 ms" \
  "$(ratio "$u95" "$k95")x known" "$(verdict 'u < 20 && u / k < 1.25 && k / u < 1.25' u="$u95" k="$k95")"
bench_result "signed-in page GET / p99 (32 clients)" "< 10 ms" "$p99 ms" "/healthz p99 $floor99 ms" \
  "$(ratio "$p99" "$floor99")x the floor" "$(verdict 'v < 10' v="$p99")"
bench_result "signed-in page GET / p99 against the floor (issue 22)" "<= 5x /healthz p99" "$p99 ms" \
  "/healthz p99 $floor99 ms" "$(ratio "$p99" "$floor99")x the floor" "$(verdict 'p / f <= 5' p="$p99" f="$floor99")"
