#!/usr/bin/env bash
# Invoice PDF render time: FastFaktura (krilla, in-process, PDF/A-3b with Factur-X) against
# headless Chromium printing an equivalent HTML page of the same invoice to PDF, the way
# browser-based invoicing tools do it. On demand only; not part of the test suite.
#
#   bench/pdf.sh [RUST_ITERATIONS] [CHROMIUM_RUNS]      (defaults 300 and 10)
#
# Prints the median (and best) time of a one-page and a ten-page invoice for both, and the
# ratio. Goal (issue 4): one page under 5 ms median and at least 50 times faster than
# Chromium. Chromium is started once per document, as `chromium --headless --print-to-pdf`
# does; its first run is a warm-up and is not counted.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
iterations="${1:-300}"
runs="${2:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
chromium="${CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "headless Chromium is missing: apt-get install -y chromium" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "== building the benchmark (release)"
cargo build --quiet --release -p fastfaktura-documents --example pdf_bench
echo "== FastFaktura: $iterations renders of each invoice"
"$CARGO_TARGET_DIR/release/examples/pdf_bench" "$iterations" "$work" | tee "$work/rust.txt"
value() { grep "^$1=" "$work/rust.txt" | cut -d= -f2; }

median_ms() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
chromium_ms() {
  local html="$1" out="$work/chromium.pdf" times=()
  for i in $(seq 0 "$runs"); do
    local start end
    start=$(date +%s%N)
    HOME="$work/home" "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
      --disable-background-networking --disable-component-update --disable-sync --no-pdf-header-footer \
      --print-to-pdf="$out" "file://$html" >/dev/null 2>&1
    end=$(date +%s%N)
    [ -s "$out" ] || { echo "Chromium wrote no PDF for $html" >&2; exit 1; }
    [ "$i" -gt 0 ] && times+=("$(( (end - start) / 1000 ))")
    rm -f "$out"
  done
  printf '%s\n' "${times[@]}" | median_ms | awk '{ printf "%.1f", $1 / 1000 }'
}
echo "== Chromium: $runs prints of each invoice's HTML (after one warm-up)"
chrome_1=$(chromium_ms "$work/invoice-1p.html")
chrome_10=$(chromium_ms "$work/invoice-10p.html")
HOME="$work/home" "$chromium" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
  --print-to-pdf="$work/chromium-10p.pdf" "file://$work/invoice-10p.html" >/dev/null 2>&1 || true
chrome_pages=$(pdfinfo "$work/chromium-10p.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }' || echo "?")

rust_1=$(value rust_1p_median_ms)
rust_10=$(value rust_10p_median_ms)
echo
printf '%-34s %12s %12s %10s\n' "median render time" "FastFaktura" "Chromium" "ratio"
printf '%-34s %9s ms %9s ms %9.0fx\n' "one-page invoice (20 lines)" "$rust_1" "$chrome_1" \
  "$(awk -v c="$chrome_1" -v r="$rust_1" 'BEGIN { print c / r }')"
printf '%-34s %9s ms %9s ms %9.0fx\n' "ten-page invoice ($(value rust_10p_lines) lines)" "$rust_10" "$chrome_10" \
  "$(awk -v c="$chrome_10" -v r="$rust_10" 'BEGIN { print c / r }')"
echo "(FastFaktura best: $(value rust_1p_min_ms) ms / $(value rust_10p_min_ms) ms; sizes $(value rust_1p_bytes) / \
$(value rust_10p_bytes) bytes with embedded factur-x.xml. Chromium's ten-page HTML printed as $chrome_pages pages.)"
awk -v r="$rust_1" -v c="$chrome_1" 'BEGIN {
  ok = (r < 5 && c / r >= 50)
  printf "goal (one page < 5 ms median and >= 50x faster): %s\n", ok ? "met" : "NOT met"
}'
bench_result "one-page invoice PDF (PDF/A-3b + Factur-X), median" "< 5 ms and >= 50x faster" "$rust_1 ms" \
  "Chromium $chrome_1 ms" "$(awk -v c="$chrome_1" -v r="$rust_1" 'BEGIN { printf "%.0f", c / r }')x faster" \
  "$(verdict 'r < 5 && c / r >= 50' r="$rust_1" c="$chrome_1")"
bench_result "ten-page invoice PDF, median" "—" "$rust_10 ms" "Chromium $chrome_10 ms" \
  "$(awk -v c="$chrome_10" -v r="$rust_10" 'BEGIN { printf "%.0f", c / r }')x faster" info
