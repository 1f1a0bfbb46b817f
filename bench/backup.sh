#!/usr/bin/env bash
# Backup and restore benchmark (on demand; not part of the test suite).
#
# Seeds INVOICES invoices (default 100,000; try 1000000) into an embedded database,
# then times `fastfaktura backup now` (pg_dump → age → local directory target) and
# `fastfaktura backup restore` into an empty database, and prints sizes and
# throughput. Goal (issue 8): a 1M-invoice restore under 10 minutes on 2 cores.
# Baseline, side by side: plain `pg_dump -Fc` of the same database to a file and
# `pg_restore` of it into an empty database (no encryption, no upload, no migrations,
# no audit check): what PostgreSQL's own tools need for the same data.
# Usage: bench/backup.sh [invoices] [businesses]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
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
backup_s=$(printf "%.2f" "$(echo "$t1 - $t0" | bc)")
echo "backup:  $backup_s s wall, $bytes bytes encrypted ($(echo "scale=1; $bytes / 1048576 / ($t1 - $t0)" | bc) MiB/s)"

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
restore_s=$(printf "%.2f" "$(echo "$t1 - $t0" | bc)")
echo "restore: $restore_s s wall ($(echo "scale=0; $invoices / ($t1 - $t0)" | bc) invoices/s)"
rows=$(psql -Atq -h "$work/restore/run" -U fastfaktura bench_restore -c "SELECT count(*) FROM invoices")
echo "restored invoices: $rows"

# The baseline: PostgreSQL's own tools on the same data, in the same clusters.
pgbin=$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_dump | sort -V | tail -n1)")
"$bin" serve --data-dir "$work/data" --listen 127.0.0.1:0 > "$work/source.log" 2>&1 &
source_server=$!
trap 'kill -TERM $server $source_server 2>/dev/null; wait $server $source_server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do grep -q "FastFaktura is listening" "$work/source.log" && break; sleep 0.5; done
t0=$(now_s)
"$pgbin/pg_dump" -Fc -h "$work/data/run" -U fastfaktura -f "$work/plain.dump" fastfaktura
plain_dump_s=$(since "$t0")
psql -q -h "$work/restore/run" -U fastfaktura postgres -c "CREATE DATABASE bench_plain"
t0=$(now_s)
"$pgbin/pg_restore" -h "$work/restore/run" -U fastfaktura -d bench_plain --no-owner "$work/plain.dump"
plain_restore_s=$(since "$t0")
echo "baseline: pg_dump $plain_dump_s s, pg_restore $plain_restore_s s"

bench_result "backup now, $invoices invoices (pg_dump, age, store)" "—" "$backup_s s" "pg_dump -Fc $plain_dump_s s" \
  "$(ratio "$backup_s" "$plain_dump_s")x pg_dump" info
bench_result "restore, $invoices invoices (fetch, decrypt, restore, migrate, audit verify)" \
  "1M invoices < 10 min (>= 1,667 invoices/s)" "$restore_s s" "pg_restore $plain_restore_s s" \
  "$(ratio "$restore_s" "$plain_restore_s")x pg_restore" "$(verdict 'n / s >= 1000000 / 600' n="$invoices" s="$restore_s")"
