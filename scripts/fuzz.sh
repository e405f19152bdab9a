# ./mercato fuzz [target] [seconds]: the libFuzzer harnesses of tests/fuzz (one per input
# reader; built by the `fuzz` preset with clang, AddressSanitizer and UBSan), each for
# `seconds` (every target, or one). `./mercato test` runs each for a fixed number of runs
# instead (fuzz_suite).
#
# Corpora: the hand-made seeds in tests/fuzz/corpus/<target>/ are only read; what a run
# discovers goes to .var/fuzz/corpus/<target>/ (kept between runs, never committed), and a crash
# to .var/fuzz/crashes/<target>-crash-<sha1>. A crash becomes a unit test beside the code it is
# in, and its input a seed in tests/fuzz/corpus/<target>/.

FUZZ_DEFAULT_SECONDS=60
# `./mercato test`: mutations per target after the seeds, with a fixed seed so a run is
# repeatable (about 2 s per target here).
FUZZ_TEST_RUNS=2000
# libFuzzer options of every run: inputs up to 4 KiB (the limits the harnesses set are smaller),
# an input slower than 10 s under the sanitizers is a hang and counts as a crash.
FUZZ_OPTIONS=(-max_len=4096 -timeout=10 -print_final_stats=1)

fuzz_targets() {
  local f
  for f in "$REPO"/tests/fuzz/*.cpp; do
    [[ -f $f ]] || continue
    f=${f##*/}
    printf '%s\n' "${f%.cpp}"
  done
}

fuzz_bin() { printf '%s/build/fuzz/bin/fuzz_%s' "$REPO" "$1"; }

# One harness: fuzz_run TARGET WORK_CORPUS ARTIFACT_DIR LOG LIBFUZZER-OPTIONS...
# Prints "runs exec/s seconds" (exec/s over the whole process, start-up included: libFuzzer's
# own figure is rounded to whole seconds); the log keeps libFuzzer's output.
fuzz_run() {
  local target=$1 work=$2 artifacts=$3 log=$4 rc start_ms ms runs rate='?'
  shift 4
  mkdir -p "$work" "$artifacts"
  start_ms=$(date +%s%3N)
  # The first directory receives new inputs; the committed seeds come second, read only.
  "$(fuzz_bin "$target")" "${FUZZ_OPTIONS[@]}" "$@" -artifact_prefix="$artifacts/$target-" \
    "$work" "$REPO/tests/fuzz/corpus/$target" > "$log" 2>&1
  rc=$?
  ms=$(($(date +%s%3N) - start_ms + 1))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [[ $runs =~ ^[0-9]+$ ]] && rate=$((runs * 1000 / ms))
  printf '%s %s %d.%d\n' "${runs:-?}" "$rate" "$((ms / 1000))" "$((ms % 1000 / 100))"
  return $rc
}

fuzz_build() {
  run_step build-fuzz "$LOG_DIR/build-fuzz.log" build_preset fuzz "$LOG_DIR/build-fuzz.log"
}

# The `fuzz` suite of ./mercato test: every target, FUZZ_TEST_RUNS mutations over its seeds.
fuzz_suite() {
  local t stats runs rate secs failed=0 total=0 start=$SECONDS n=0
  local work=$STATE/fuzz/corpus artifacts=$STATE/fuzz/crashes
  rm -rf "$work"
  for t in $(fuzz_targets); do
    n=$((n + 1))
    if stats=$(fuzz_run "$t" "$work/$t" "$artifacts" "$LOG_DIR/fuzz-$t.log" -runs="$FUZZ_TEST_RUNS" -seed=1); then
      read -r runs rate secs <<< "$stats"
      printf '  %-14s ok    %6s runs  %6s exec/s  %5s s\n' "$t" "$runs" "$rate" "$secs"
      [[ $runs =~ ^[0-9]+$ ]] && total=$((total + runs))
    else
      failed=$((failed + 1))
      printf '  %-14s CRASH (log %s, input in %s)\n' "$t" "$(rel "$LOG_DIR/fuzz-$t.log")" "$(rel "$artifacts")"
      grep -E '^(==[0-9]+==ERROR|SUMMARY|.*property failed)' "$LOG_DIR/fuzz-$t.log" | head -3 | sed 's/^/      /'
    fi
  done
  say "fuzz: $n targets, $total runs, $failed crashed, $((SECONDS - start)) s"
  ((failed == 0))
}

cmd_fuzz() {
  local targets=() seconds=$FUZZ_DEFAULT_SECONDS t stats runs rate secs rc=0 failed=()
  local all
  all=$(fuzz_targets | paste -sd " ")
  if (($# > 2)); then usage_error "fuzz takes at most a target and a number of seconds (targets: $all)"; fi
  if (($# == 2)) || { (($# == 1)) && [[ ! $1 =~ ^[0-9]+$ ]]; }; then
    [[ -f $REPO/tests/fuzz/$1.cpp ]] || usage_error "unknown fuzz target '$1' (targets: $all)"
    targets=("$1")
    shift
  else
    mapfile -t targets < <(fuzz_targets)
  fi
  if (($#)); then
    if [[ ! $1 =~ ^[0-9]+$ ]] || (($1 == 0)); then usage_error "seconds must be a positive whole number, not '$1'"; fi
    seconds=$1
  fi
  STATE=$VAR_ROOT/fuzz
  LOG_DIR=$STATE/logs
  mkdir -p "$LOG_DIR"
  if ! run_step install "$LOG_DIR/install.log" install_packages; then report_failure; exit 1; fi
  if ! fuzz_build; then report_failure; exit 1; fi
  for t in "${targets[@]}"; do
    step "fuzz $t for $seconds s (log $(rel "$LOG_DIR/fuzz-$t.log"))"
    if stats=$(fuzz_run "$t" "$STATE/corpus/$t" "$STATE/crashes" "$LOG_DIR/fuzz-$t.log" -max_total_time="$seconds"); then
      read -r runs rate secs <<< "$stats"
      say "    $runs runs, $rate exec/s, corpus $(find "$STATE/corpus/$t" -type f | wc -l) new inputs kept"
    else
      rc=1
      failed+=("$t")
      warn "fuzz $t crashed: input in $(rel "$STATE/crashes")/$t-*, log $(rel "$LOG_DIR/fuzz-$t.log")"
      grep -E '^(==[0-9]+==ERROR|SUMMARY|.*property failed)' "$LOG_DIR/fuzz-$t.log" | head -3 | sed 's/^/    /' >&2
    fi
  done
  ((rc == 0)) || warn "fuzz targets that crashed: ${failed[*]} (reproduce: build/fuzz/bin/fuzz_<target> <input>)"
  return $rc
}
