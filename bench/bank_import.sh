#!/usr/bin/env bash
# Bank statement import benchmark (on demand; not part of the test suite), issue 20:
# a camt.053 with 10,000 payments imported against 100,000 open invoices (nine in
# ten naming their invoice by KID), printed side by side with the time to merely
# parse the same file in the same run; the ratio is what matching and storing cost.
# Goal: the import under 2 s.
# Usage: bench/bank_import.sh [invoices] [entries] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
invoices="${1:-100000}"
entries="${2:-10000}"
runs="${3:-5}"
scripts/install-deps
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
cargo build --release --quiet --bin fastfaktura
bin="$CARGO_TARGET_DIR/release/fastfaktura"
work=$(mktemp -d /tmp/ff-bench-bank.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
export FASTFAKTURA_EMAIL_CONSOLE=false
"$bin" demo bench-bank-import --data-dir "$work/data" --invoices "$invoices" --entries "$entries" --runs "$runs"
