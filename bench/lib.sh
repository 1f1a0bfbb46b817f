# Shared by the bench/*.sh scripts: one line per figure in a form bench/all.sh collects.
#
# bench_result FIGURE GOAL MEASURED BASELINE RATIO VERDICT
#   FIGURE    what is measured ("POST /login p95, known address")
#   GOAL      the issue's goal ("< 20 ms")
#   MEASURED  our figure with its unit
#   BASELINE  the side-by-side baseline measured in the same run ("—" where there is none)
#   RATIO     how we compare with the baseline, its meaning in words ("2.1x the floor")
#   VERDICT   met, missed, or info
# The line is printed (prefixed RESULT) and, when BENCH_RESULTS names a file, appended to
# it tab-separated; bench/all.sh turns that file into the report's table.
bench_result() {
  printf 'RESULT  %s | goal %s | measured %s | baseline %s | %s | %s\n' "$@"
  if [ -n "${BENCH_RESULTS:-}" ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$BENCH_RESULTS"
  fi
}

# "met" when awk finds CONDITION true over the named values, else "missed":
#   verdict 'v < 20' v=12.3
verdict() {
  local condition="$1"; shift
  local args=()
  for kv in "$@"; do args+=(-v "$kv"); done
  awk "${args[@]}" "BEGIN { exit !($condition) }" && echo met || echo missed
}

# A ratio a/b with one decimal ("—" when b is empty or zero).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "—"; else printf "%.1f", a / b }'; }

# Seconds since the epoch with nanoseconds, and the seconds elapsed since such a stamp.
now_s() { date +%s.%N; }
since() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.2f", t1 - t0 }'; }

# wrk's latency line (from the scripts' `done` Lua hook) → one field: wrk_field LINE p95
wrk_field() { sed -nE "s/.* $2 ([0-9.]+) ms.*/\1/p" <<<"$1"; }

# The load scripts' common start: wrk, the test tools (for the cluster helpers), and the
# release binary, whose path it leaves in $bin.
release_binary_with_wrk() {
  command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; }; }
  scripts/install-deps
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/fastfaktura-target}"
  cargo build --release --quiet --bin fastfaktura
  bin="$CARGO_TARGET_DIR/release/fastfaktura"
}
