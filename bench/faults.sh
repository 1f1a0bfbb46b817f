#!/usr/bin/env bash
# Load with faults (issue 10; on demand, loopback only, bounded in time).
#
# Two `fastfaktura serve` instances against one PostgreSQL cluster of this run's own,
# an SMTP sink and the fake Stripe; bench/faults/load.py drives a mixed workload at a
# steady rate (logins, invoices created and issued, list pages, PDFs, sending by
# email, signed Stripe webhooks), restarts PostgreSQL at 1/3 of the run and SIGKILLs
# instance B at 2/3 (restarted a few seconds later), waits for the job queue to drain
# and checks by counting: gap-free numbers, every accepted request's effect present
# exactly once, every job done, every email sent once. Exit 1 when a check fails.
# Usage: bench/faults.sh [minutes, default 10] [operations per second, default 25]
# docs/faults.md explains the rules and keeps the last full run's table.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
rate="${2:-25}"
scripts/install-deps
python3 -c "import requests" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "requests==2.34.2"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
# FAULTS_BINARY runs another build (a debug one while debugging the driver).
bin="${FAULTS_BINARY:-$CARGO_TARGET_DIR/release/fastfaktura}"
[ -n "${FAULTS_BINARY:-}" ] || cargo build --release --quiet --bin fastfaktura
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
port="${FAULTS_PORT:-18191}"

# Short path: the PostgreSQL socket path must stay under 107 bytes.
work=$(mktemp -d /tmp/ff-faults.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/pg" "$work/sock"
chown postgres "$work/pg" "$work/sock"
stripe_pid=""
cleanup() {
  set +e
  [ -n "$stripe_pid" ] && { exec 3>&-; kill "$stripe_pid" 2>/dev/null; wait "$stripe_pid" 2>/dev/null; }
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1
  if [ -z "${FAULTS_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" --auth=trust -U fastfaktura -E UTF8 --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories=$work/sock -c max_connections=100" start >/dev/null
createdb -h "$work/sock" -U fastfaktura fastfaktura
db_url="postgres://fastfaktura@localhost/fastfaktura?host=$work/sock"
FASTFAKTURA_DATABASE_URL="$db_url" "$bin" migrate --data-dir "$work/migrate" >/dev/null

# The fake Stripe lives while fd 3 (its stdin) is open.
mkfifo "$work/stripe.in"
HOME="$work" python3 crates/server/tests/stripe/fake_stripe.py < "$work/stripe.in" > "$work/stripe.json" &
stripe_pid=$!
exec 3> "$work/stripe.in"
for _ in $(seq 1 50); do [ -s "$work/stripe.json" ] && break; sleep 0.1; done
stripe_base=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["api_base"])' "$work/stripe.json")

python3 -c 'import secrets; print(secrets.token_hex(32))' > "$work/master.key"
chmod 600 "$work/master.key"
# Both instances read this; the driver fills in the SMTP sink's port. Sign-in limits
# are raised because every request comes from 127.0.0.1; the job lease is short so a
# job held by the killed instance is taken over within the run.
cat > "$work/faults.toml.in" <<EOF
[database]
url = "$db_url"
max_connections = 16
[crypto]
master_key_file = "$work/master.key"
[email]
console = false
[email.smtp]
host = "127.0.0.1"
port = @SMTP_PORT@
tls = "none"
[jobs]
lease_seconds = 30
[stripe]
api_base = "$stripe_base"
[login]
codes_per_email_15min = 1000
codes_per_email_24h = 10000
codes_per_ip_15min = 1000000
failures_per_email_24h = 1000
failures_per_ip_hour = 1000000
[log]
filter = "warn,fastfaktura=info"
EOF

timeout "$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 900 }')" \
  python3 bench/faults/load.py --minutes "$minutes" --rate "$rate" --work "$work" --binary "$bin" --port "$port" \
  --config-template "$work/faults.toml.in" --pg-bin "$pg_bin" --pgdata "$work/pg" --socket "$work/sock"
