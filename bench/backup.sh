#!/usr/bin/env bash
# Backup and restore benchmark (on demand; not part of the test suite).
#
# Seeds INVOICES invoices (default 100,000; try 1000000) into an embedded database,
# then times `fastfaktura backup now` (pg_dump → age → local directory target) and
# `fastfaktura backup restore` into an empty database, and prints sizes and
# throughput. Goal (issue 8): a 1M-invoice restore under 10 minutes on 2 cores.
# Usage: bench/backup.sh [invoices] [businesses]
set -euo pipefail
cd "$(dirname "$0")/.."
invoices="${1:-100000}"
businesses="${2:-100}"
scripts/install-deps
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
cargo build --release --quiet --bin fastfaktura
bin="$CARGO_TARGET_DIR/release/fastfaktura"
work=$(mktemp -d /tmp/ff-bench-backup.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
export FASTFAKTURA_EMAIL_CONSOLE=false
export FASTFAKTURA_BACKUP_DIRECTORY="$work/backups"
export FASTFAKTURA_BACKUP_RECIPIENTS_FILE="$work/recipients.txt"
"$bin" backup keygen --identity "$work/identity.txt" | tail -n1 > "$work/recipients.txt"

echo "seeding $businesses businesses and $invoices invoices ..."
"$bin" demo seed --data-dir "$work/data" --businesses "$businesses" --invoices "$invoices" | tail -n1

t0=$(date +%s.%N)
line=$(FASTFAKTURA_DATA_DIR="$work/data" "$bin" backup now | tail -n1)
echo "$line"
backup_id=$(echo "$line" | awk '{print $2}')
t1=$(date +%s.%N)
bytes=$(du -cb "$work/backups" | tail -n1 | cut -f1)
echo "backup:  $(echo "$t1 - $t0" | bc) s wall, $bytes bytes encrypted ($(echo "scale=1; $bytes / 1048576 / ($t1 - $t0)" | bc) MiB/s)"

# Restore into a fresh database inside a second embedded cluster.
"$bin" migrate --data-dir "$work/restore" >/dev/null 2>&1 || true
# The restore cluster's own server must not back up (it would make a newer backup).
env -u FASTFAKTURA_BACKUP_DIRECTORY -u FASTFAKTURA_BACKUP_RECIPIENTS_FILE "$bin" serve --data-dir "$work/restore" --listen 127.0.0.1:0 > "$work/restore.log" 2>&1 &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do grep -q "FastFaktura is listening" "$work/restore.log" && break; sleep 0.5; done
psql -q -h "$work/restore/run" -U fastfaktura postgres -c "CREATE DATABASE bench_restore"
t0=$(date +%s.%N)
FASTFAKTURA_DATA_DIR="$work/data" "$bin" backup restore --id "$backup_id" --identity "$work/identity.txt" \
  --database-url "postgres://fastfaktura@localhost/bench_restore?host=$work/restore/run" | tail -n1
t1=$(date +%s.%N)
echo "restore: $(echo "$t1 - $t0" | bc) s wall ($(echo "scale=0; $invoices / ($t1 - $t0)" | bc) invoices/s)"
rows=$(psql -Atq -h "$work/restore/run" -U fastfaktura bench_restore -c "SELECT count(*) FROM invoices")
echo "restored invoices: $rows"
