# ./mercato bench [case] runs bench/<case>.sh (every case when none is named, except those only
# run on request); ./mercato seed hands over to bench/seed.sh. A case is a standalone script: it
# builds, starts what it needs on the bench stack's ports and stops it again.

# Cases a bare `./mercato bench` leaves out: they run only when named (soak: half an hour).
BENCH_ON_REQUEST=(soak)

# The cases a bare `./mercato bench` runs; `bench_cases all`: every case.
bench_cases() {
  local f
  for f in "$REPO"/bench/*.sh; do
    [[ -f $f ]] || continue
    f=${f##*/}
    f=${f%.sh}
    [[ $f == seed || $f == _* ]] && continue
    [[ ${1:-} != all && " ${BENCH_ON_REQUEST[*]} " == *" $f "* ]] && continue
    printf '%s\n' "$f"
  done
}

cmd_bench() {
  local cases=() c rc=0 failed=()
  if (($# > 1)) || [[ ${1:-} == -* ]]; then usage_error "bench takes at most one case: $(bench_cases all | paste -sd " ")"; fi
  if (($#)); then
    [[ -f $REPO/bench/$1.sh && $1 != seed ]] || usage_error "unknown bench case '$1' (cases: $(bench_cases all | paste -sd " "))"
    cases=("$1")
  else
    mapfile -t cases < <(bench_cases)
  fi
  ((${#cases[@]})) || die "no bench cases in bench/"
  stack_use bench
  stack_dirs
  if ! run_step install "$LOG_DIR/install.log" install_packages; then report_failure; exit 1; fi
  for c in "${cases[@]}"; do
    step "bench $c"
    bash "$REPO/bench/$c.sh" || { rc=1; failed+=("$c"); }
  done
  ((rc == 0)) || warn "bench cases failed: ${failed[*]}"
  return $rc
}

cmd_seed() {
  if [[ -f $REPO/bench/seed.sh ]]; then
    # The dev stack, as the catalog's own role (its password is under .var/dev/secrets).
    stack_use dev
    stack_seed "$@"
    exit
  fi
  warn "seed arrives with the catalog service"
  exit 2
}
