#!/usr/bin/env bash
# Guards benchmark (on demand; not part of the test suite): what the promises of issue
# 19 cost. Side by side in one run, interleaved call by call:
# 1. an email quota's database work (the platform check, the business's two windows,
#    the platform count) inside a transaction, next to the same empty transaction;
# 2. the sealer sealing one new event with a keyed checkpoint, next to without.
# Goal: under 1 ms p99 added to a request. The checkpoint runs in the background
# sealer, so it adds nothing to a request's own time; its cost is shown for the sealer.
# Usage: bench/guards.sh [count]
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-2000}"
scripts/install-deps
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
cargo build --release --quiet --bin fastfaktura
bin="$CARGO_TARGET_DIR/release/fastfaktura"
work=$(mktemp -d /tmp/ff-bench-guards.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
export FASTFAKTURA_EMAIL_CONSOLE=false
"$bin" migrate --data-dir "$work/data" >/dev/null
"$bin" audit bench-guards --data-dir "$work/data" --count "$count"
