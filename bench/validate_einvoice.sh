#!/usr/bin/env bash
# E-invoice validation time: our in-process EN 16931 + Peppol BIS 3 validator
# (crates/documents/src/validation, release build) against the official rules run with
# saxonche (the CEN UBL XSLT and the Peppol Schematron compiled by schematron.py, each
# stylesheet compiled once, only the transforms timed), side by side on the same files.
# On demand only; not part of the test suite.
#
#   bench/validate_einvoice.sh [LINES...]      (default 300 1000 3000 10000)
#
# Both sides report their best run (Saxon: best of 5, or of 1 above 1,000 lines, after a
# warm-up; ours: best of 200, or 20): on a shared machine a mean measures the neighbours.
# Ours also reports the mean CPU time its thread got: a run of 100 ms or more is preempted
# on a loaded machine whatever its best, so linearity is judged on CPU time per line.
# It also prints floors for the first size: what checking the bytes are UTF-8, counting
# their tags, a complete XML parser (roxmltree) and our reader alone cost.
# Goal (issue): a 300-line UBL invoice at least 1,000 times faster than the Schematron, and
# our time linear in the number of lines up to 10,000 (µs per line roughly constant).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
sizes=("${@:-300 1000 3000 10000}")
read -r -a sizes <<<"${sizes[*]}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
bin="$CARGO_TARGET_DIR/release/examples/einvoice_verdicts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== building the validator (release)"
cargo build --quiet --release -p fastfaktura-documents --example einvoice_verdicts
for n in "${sizes[@]}"; do "$bin" --write-lines "$n" "$work/lines-$n.xml"; done

echo "== official Schematron (saxonche): CEN XSLT + Peppol"
python3 - "$work" "${sizes[@]}" > "$work/saxon.txt" <<'PY'
import os, sys, time
sys.path.insert(0, "crates/documents/tests/einvoice")
from saxonche import PySaxonProcessor
from schematron import compile_schematron
work, sizes = sys.argv[1], sys.argv[2:]
here = "crates/documents/tests/einvoice"
with PySaxonProcessor(license=False) as proc:
    peppol = os.path.join(work, "peppol.xslt")
    open(peppol, "w").write(compile_schematron(os.path.join(here, "peppol", "PEPPOL-EN16931-UBL.sch")))
    sheets = [proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=os.path.abspath(p))
              for p in (os.path.join(here, "xslt", "EN16931-UBL-validation.xslt"), peppol)]
    for n in sizes:
        path = os.path.abspath(os.path.join(work, f"lines-{n}.xml"))
        runs = 5 if int(n) <= 1000 else 1
        for s in sheets:  # warm-up: Saxon's first transform loads and optimises the stylesheet
            s.transform_to_string(source_file=path)
        best = None
        for _ in range(runs):
            t0 = time.perf_counter()
            for s in sheets:
                s.transform_to_string(source_file=path)
            t = time.perf_counter() - t0
            best = t if best is None or t < best else best
        print(f"{n} {best * 1e6:.0f}", flush=True)
PY
cat "$work/saxon.txt"

echo "== ours (in-process, release)"
first_per_line=""
for n in "${sizes[@]}"; do
  runs=$(( n <= 1000 ? 200 : 20 ))
  out=$("$bin" --time "$runs" "$work/lines-$n.xml")
  ours=$(sed -E 's/.*"best_us": ([0-9.]+).*/\1/' <<<"$out")
  cpu=$(sed -E 's/.*"mean_cpu_us": ([0-9.]+|NaN).*/\1/' <<<"$out")
  [ "$cpu" = NaN ] && cpu="$ours"
  theirs=$(awk -v n="$n" '$1 == n { print $2 }' "$work/saxon.txt")
  per_line=$(awk -v t="$cpu" -v n="$n" 'BEGIN { printf "%.2f", t / n }')
  [ -z "$first_per_line" ] && first_per_line="$per_line"
  speedup=$(ratio "$theirs" "$ours")
  printf '%6s lines: ours %10.0f µs (CPU %.0f µs, %s µs/line), Schematron %12.0f µs, %sx faster\n' "$n" "$ours" "$cpu" "$per_line" "$theirs" "$speedup"
  if [ "$n" = 300 ]; then
    bench_result "validating a 300-line UBL invoice" ">= 1000x the Schematron" "${ours} µs" "saxonche ${theirs} µs" "${speedup}x faster" "$(verdict 's >= 1000' s="$speedup")"
  fi
  last_n="$n"; last_per_line="$per_line"
done
# Where the time goes, beside what merely looking at the same bytes costs (best of 200
# each): checking it is UTF-8 and counting its '<' (SIMD) are floors no validator goes
# below; roxmltree is a complete, maintained XML parser building a tree; our reader is the
# validator's own reading without any rule.
echo "== floors at ${sizes[0]} lines (µs, best of 200)"
"$bin" --floors 200 "$work/lines-${sizes[0]}.xml"
growth=$(ratio "$last_per_line" "$first_per_line")
bench_result "validation CPU time per line, ${sizes[0]} to ${last_n} lines" "linear (per-line time flat)" "${last_per_line} µs/line at ${last_n}" "${first_per_line} µs/line at ${sizes[0]}" "${growth}x the per-line time" "$(verdict 'g <= 1.5' g="$growth")"
