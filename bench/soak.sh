#!/usr/bin/env bash
# Bench case "soak" (capacity issue, "./mercato bench soak"; not in CI, and not part of a bare
# `./mercato bench`: it takes half an hour): the mix of bench/mix.sh (same data, users, services
# and bench/wrk/mix.lua) held at BENCH_SOAK_SHARE (70) % of its measured capacity for
# BENCH_SOAK_MINUTES (30) minutes, watching for what only time shows: memory that grows,
# descriptors or database connections that leak, latency that drifts, errors that start late.
#
# The target rate is BENCH_SOAK_RPS when set, else BENCH_SOAK_SHARE % of the rps in
# .var/bench-data/mix-capacity, which the last `./mercato bench mix` that found a capacity wrote
# (it must have measured the same BENCH_PRODUCTS). wrk cannot hold a rate by itself (wrk2 is
# not packaged by Debian): mix.lua paces its requests on one schedule when BENCH_MIX_RATE is set
# (see there), over BENCH_SOAK_CONNECTIONS (64) connections, enough that a request finds a free
# one on time.
#
# The run is one wrk run per minute (BENCH_SOAK_SLICE seconds, 60), back to back, each with its
# own seed (the same URLs are not replayed every minute) and its own connections, so every minute
# has its own exact rps, p50, p99 and error count. Three quarters into each minute, while the load
# runs, the sampler reads:
#   rss_mb   VmRSS of /proc/<pid>/status of gateway, catalog, identity, redis, redis-cache
#   fds      entries of /proc/<pid>/fd of the same processes
#   pg       client connections to PostgreSQL (pg_stat_activity, per application_name: the
#            services' pools name themselves; this sampler's own left out)
#   redis    connected_clients of both Redis servers (this sampler's own left out)
# and prints one row per minute, then a verdict, then rows for bench/results.md:
#
#   BENCH soak-minute minute= target_rps= rps= p50_ms= p99_ms= errors= late= rss_mb_gateway= …
#     slow_sql= late_ticks_gateway= late_ticks_catalog= (diagnostics of a stall: see the sampler)
#     fds_gateway= … pg_conns= pg_conns_<application>= … redis_clients= cache_data_mb= detail= …
#   BENCH soak verdict=flat|not_flat minutes= target_rps= capacity_rps= errors= …
#
# Flat means, comparing the last minute with minute BENCH_SOAK_REF_MINUTE (2; the first minute
# still fills caches and pools):
#   - zero errors in every minute (non-2xx answers, 429s included, and socket errors);
#   - every minute sent at least 95 % of the target rate (else the box did not carry it);
#   - each process's RSS within BENCH_SOAK_RSS_PCT (10) % of the reference minute's (the cache
#     Redis may grow past that while its data stays within its maxmemory: it fills, then evicts);
#   - each process's fds, and each pool's PostgreSQL connections and the Redis clients, no more
#     than the highest of minutes 1..REF plus a slack (fds: 5 % or 4; connections: 2);
#   - p99 no more than twice the highest p99 of minutes 1..REF.
# Any one broken prints which, and the verdict is not_flat (the case then exits 1).
#
# Clean-up: the stack stops on any exit (bench_init's EXIT_HOOKS), a running wrk with it.
#
# Knobs: bench/_lib.sh, bench/_mix.sh (BENCH_PRODUCTS, BENCH_MIX_USERS, …), and BENCH_SOAK_RPS,
# BENCH_SOAK_SHARE, BENCH_SOAK_MINUTES, BENCH_SOAK_SLICE, BENCH_SOAK_CONNECTIONS,
# BENCH_SOAK_REF_MINUTE, BENCH_SOAK_RSS_PCT, BENCH_MIX_WARMUP (s, 60: the warm-up).
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"
# shellcheck source=_mix.sh
source "$REPO/bench/_mix.sh"

MINUTES=${BENCH_SOAK_MINUTES:-30}
SLICE=${BENCH_SOAK_SLICE:-60}
SHARE=${BENCH_SOAK_SHARE:-70}
SOAK_CONNS=${BENCH_SOAK_CONNECTIONS:-64}
REF=${BENCH_SOAK_REF_MINUTE:-2}
RSS_PCT=${BENCH_SOAK_RSS_PCT:-10}
TARGET=${BENCH_SOAK_RPS:-}
for v in MINUTES SLICE SHARE SOAK_CONNS REF RSS_PCT; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "BENCH_SOAK_${v/SOAK_CONNS/CONNECTIONS} takes a whole number ≥ 1, got '${!v}'"
done
[[ $REF -le $MINUTES ]] || die "BENCH_SOAK_REF_MINUTE ($REF) must not be after the last minute ($MINUTES)"
((SLICE >= 10)) || die "BENCH_SOAK_SLICE takes at least 10 seconds"

# ---- the target rate ------------------------------------------------------------------------
capacity_field() { sed -n "s/^$1=//p" "$MIX_CAPACITY_FILE" | head -1; }
CAPACITY=""
if [[ -n $TARGET ]]; then
  [[ $TARGET =~ ^[1-9][0-9]*$ ]] || die "BENCH_SOAK_RPS takes requests per second, got '$TARGET'"
  CAPACITY_FROM="BENCH_SOAK_RPS"
else
  [[ -f $MIX_CAPACITY_FILE ]] ||
    die "no measured capacity in $(rel "$MIX_CAPACITY_FILE"): run ./mercato bench mix first, or set BENCH_SOAK_RPS"
  CAPACITY=$(capacity_field rps)
  [[ $CAPACITY =~ ^[1-9][0-9]*$ ]] || die "$(rel "$MIX_CAPACITY_FILE") holds no rps"
  [[ $(capacity_field products) == "$PRODUCTS" ]] ||
    die "$(rel "$MIX_CAPACITY_FILE") was measured with $(capacity_field products) products, this soak has $PRODUCTS (BENCH_PRODUCTS): run the mix with the same data, or set BENCH_SOAK_RPS"
  TARGET=$((CAPACITY * SHARE / 100))
  ((TARGET > 0)) || die "$SHARE % of $CAPACITY requests/s is no load"
  CAPACITY_FROM="$SHARE % of the mix's $CAPACITY req/s (commit $(capacity_field commit), $(capacity_field date))"
fi

bench_init soak psql jq python3 redis-cli
mix_prepare

PROCS=(gateway catalog identity redis redis-cache)

# ---- the sampler ----------------------------------------------------------------------------
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2> /dev/null || echo 0; }
fd_count() { local f=("/proc/$1/fd"/*); echo "${#f[@]}"; }
# "name count" lines of the client connections to PostgreSQL, by application_name (else user).
pg_conns() {
  psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d postgres -XAtq -F ' ' -c \
    "SELECT translate(coalesce(nullif(application_name, ''), usename), ' ', '_'), count(*) FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1 ORDER BY 1"
}
# "used_memory maxmemory" of the cache Redis, in MB.
cache_memory() {
  local auth
  auth=$(secret redis-default)
  {
    REDISCLI_AUTH=$auth redis-cli -h 127.0.0.1 -p "$PORT_REDIS_CACHE" info memory 2> /dev/null
    REDISCLI_AUTH=$auth redis-cli -h 127.0.0.1 -p "$PORT_REDIS_CACHE" config get maxmemory 2> /dev/null
  } | tr -d '\r' | awk '/^used_memory:/ { split($0, f, ":"); u = f[2] } prev == "maxmemory" { m = $1 } { prev = $1 }
                        END { printf "%.1f %.1f\n", u / 1048576, m / 1048576 }'
}
redis_clients() {
  local name n sum=0
  for name in redis redis-cache; do
    n=$(REDISCLI_AUTH=$(secret redis-default) redis-cli -h 127.0.0.1 -p "$(redis_port "$name")" info clients 2> /dev/null |
      tr -d '\r' | sed -n 's/^connected_clients://p')
    sum=$((sum + ${n:-0} - 1))
  done
  echo "$sum"
}

# What a stall leaves behind, read per minute (diagnostics, not rules of the verdict): the
# statements PostgreSQL ran for over 1 s (its log, with log_min_duration_statement set for the
# run and reset after it), and the 0.5 s ticks of the gateway's and the catalog's event loops
# that fired over 100 ms late (event_loop_lag_seconds). The first soak stalled twice for
# seconds (minutes 15 and 29) and left no trace of why in the rows.
pg_admin() { psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d postgres -XAtq "$@"; }
slow_log_reset() {
  pg_admin -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" > /dev/null 2>&1
  return 0
}
slow_sql_count() {
  local n
  n=$(grep -c 'duration: ' "$LOG_DIR/postgres.log" 2> /dev/null)
  echo "${n:-0}"
}
late_ticks() {
  curl -fsS "http://127.0.0.1:$(component_metrics_port "$1")/metrics" 2> /dev/null |
    awk '/^event_loop_lag_seconds_count/ { c = $NF } /^event_loop_lag_seconds_bucket\{le="0.1"\}/ { b = $NF }
         END { printf "%.0f", c - b }'
}

# Per minute m: M_RSS[m,proc] M_FDS[m,proc] M_PG[m,app] M_PG_TOTAL[m] M_REDIS[m] M_RPS[m] …
declare -A M_RSS=() M_FDS=() M_PG=() M_PG_TOTAL=() M_REDIS=() M_RPS=() M_P50=() M_P99=() M_ERR=() M_LATE=() M_COUNTS=()
declare -A PG_APPS=() M_CACHE_USED=() M_SLOW_SQL=() M_LAG=()
CACHE_MAX=0
sample() {
  local m=$1 p app n total=0
  for p in "${PROCS[@]}"; do
    M_RSS[$m,$p]=$(rss_mb "${MIX_PIDS[$p]}")
    M_FDS[$m,$p]=$(fd_count "${MIX_PIDS[$p]}")
  done
  while read -r app n; do
    [[ -n $app ]] || continue
    M_PG[$m,$app]=$n PG_APPS[$app]=1
    total=$((total + n))
  done < <(pg_conns)
  M_PG_TOTAL[$m]=$total
  M_REDIS[$m]=$(redis_clients)
  read -r "M_CACHE_USED[$m]" CACHE_MAX < <(cache_memory)
}

# ---- the run --------------------------------------------------------------------------------
# As bench/mix.sh: the caches hold a Zipf tail over 800,000 products and warm for a minute.
# After 10 s, the first minute of the 2026-12-05 soak ran late and had 6 requests time out.
SOAK_WARMUP=${BENCH_MIX_WARMUP:-60}
[[ $SOAK_WARMUP =~ ^[0-9]+$ ]] || die "BENCH_MIX_WARMUP takes whole seconds"
step "soak: warming the caches (${SOAK_WARMUP}s at $TARGET req/s)"
if ((SOAK_WARMUP > 0)); then
  out=$(mix_wrk "$SOAK_CONNS" "$SOAK_WARMUP" BENCH_MIX_RATE="$TARGET" BENCH_SEED=$((SEED * 100000))) ||
    die "wrk failed: $out"
  printf '== soak warm-up\n%s\n' "$out" >> "$LOG_DIR/wrk.log"
fi

step "soak: $TARGET req/s ($CAPACITY_FROM) for $MINUTES × ${SLICE}s over $SOAK_CONNS connections (wrk log: $(rel "$LOG_DIR/wrk.log"))"
fmt_row() { printf '%-4s %7s %8s %8s %6s %6s  %-29s %-24s %4s %5s %8s %9s\n' "$@"; }
fmt_row min rps p50_ms p99_ms errors late "rss MB gw/cat/id/redis/cache" "fds gw/cat/id/redis/cache" pg redis slow_sql "lag gw/cat"
WRK_PID=""
stop_wrk() { [[ -n $WRK_PID ]] && pid_alive "$WRK_PID" && kill "$WRK_PID" 2> /dev/null; return 0; }
EXIT_HOOKS+=(stop_wrk slow_log_reset)
pg_admin -c "ALTER SYSTEM SET log_min_duration_statement = '1s'" -c "SELECT pg_reload_conf()" > /dev/null ||
  die "cannot make PostgreSQL log its statements over 1 s"
for ((m = 1; m <= MINUTES; m++)); do
  slice_out=$WORK/minute-$m.txt
  slow0=$(slow_sql_count) lag_gw0=$(late_ticks gateway) lag_cat0=$(late_ticks catalog)
  # Each minute its own seed: the same requests are not replayed every minute.
  mix_wrk_command "$SOAK_CONNS" "$SLICE" BENCH_MIX_RATE="$TARGET" BENCH_SEED=$((SEED * 100000 + m))
  (exec "${MIX_WRK[@]}") > "$slice_out" 2>&1 &
  WRK_PID=$!
  sleep $((SLICE * 3 / 4))
  sample "$m"
  wait "$WRK_PID" || die "wrk failed in minute $m: $(cat "$slice_out")"
  WRK_PID=""
  out=$(cat "$slice_out")
  printf '== soak minute %s\n%s\n' "$m" "$out" >> "$LOG_DIR/wrk.log"
  read -r rps _ _ _ non2xx sockets < <(wrk_summary <<< "$out")
  # mix.lua's latencies (each answer from its slot, nothing synthetic), as bench/mix.sh's.
  read -r p50 p99 _ untimed < <(mix_latency "$out")
  M_RPS[$m]=$rps M_P50[$m]=$p50 M_P99[$m]=$p99 M_ERR[$m]=$((non2xx + sockets + untimed))
  M_COUNTS[$m]=$(mix_counts "$out")
  M_LATE[$m]=$(mix_count "${M_COUNTS[$m]}" late)
  M_SLOW_SQL[$m]=$(($(slow_sql_count) - slow0))
  M_LAG[$m]="$(($(late_ticks gateway) - lag_gw0))/$(($(late_ticks catalog) - lag_cat0))"
  if ((M_ERR[$m] > 0)); then
    NOTES+=("minute $m: $(grep -E '^mix: [0-9]+ answers|Socket errors' <<< "$out" | paste -sd ';' -)")
  fi
  rss="" fds=""
  for p in "${PROCS[@]}"; do rss+="${M_RSS[$m,$p]}/" fds+="${M_FDS[$m,$p]}/"; done
  fmt_row "$m" "$rps" "$p50" "$p99" "${M_ERR[$m]}" "${M_LATE[$m]:-0}" "${rss%/}" "${fds%/}" "${M_PG_TOTAL[$m]}" "${M_REDIS[$m]}" \
    "${M_SLOW_SQL[$m]}" "${M_LAG[$m]}"
done

# ---- the verdict ----------------------------------------------------------------------------
BROKEN=()
max_over() {  # max_over ARRAY_PREFIX KEY_SUFFIX: the highest value of minutes 1..REF
  local -n arr=$1
  local i v best=""
  for ((i = 1; i <= REF; i++)); do
    v=${arr[$i$2]:-0}
    best=$(awk -v a="$best" -v b="$v" 'BEGIN { print (a == "" || b + 0 > a + 0) ? b : a }')
  done
  echo "$best"
}
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > b + 0) }'; }
total_errors=0 total_late=0 min_rps=""
for ((m = 1; m <= MINUTES; m++)); do
  total_errors=$((total_errors + M_ERR[$m]))
  total_late=$((total_late + ${M_LATE[$m]:-0}))
  if [[ -z $min_rps ]] || gt "$min_rps" "${M_RPS[$m]}"; then min_rps=${M_RPS[$m]}; fi
  gt $((TARGET * 95 / 100)) "${M_RPS[$m]}" && BROKEN+=("minute $m sent ${M_RPS[$m]} req/s, under 95 % of $TARGET")
done
((total_errors == 0)) || BROKEN+=("$total_errors errors (non-2xx or socket errors; see the notes)")
last=$MINUTES
for p in "${PROCS[@]}"; do
  ref_rss=${M_RSS[$REF,$p]}
  if gt "${M_RSS[$last,$p]}" "$(awk -v r="$ref_rss" -v x="$RSS_PCT" 'BEGIN { print r * (1 + x / 100) }')"; then
    # The cache Redis fills up to its maxmemory and then evicts, as designed: growth is a fault
    # only once its data passes that bound.
    if [[ $p == redis-cache ]] && gt "$CACHE_MAX" 0 && ! gt "${M_CACHE_USED[$last]}" "$CACHE_MAX"; then
      NOTES+=("redis-cache RSS ${ref_rss} → ${M_RSS[$last,$p]} MB: filling up to its maxmemory (data ${M_CACHE_USED[$last]} of $CACHE_MAX MB), not a leak")
    else
      BROKEN+=("$p RSS ${M_RSS[$last,$p]} MB in minute $last, over $ref_rss MB (minute $REF) + $RSS_PCT %")
    fi
  fi
  ref_fds=$(max_over M_FDS ",$p")
  allowed=$(awk -v r="$ref_fds" 'BEGIN { s = r * 0.05; if (s < 4) s = 4; print r + s }')
  gt "${M_FDS[$last,$p]}" "$allowed" &&
    BROKEN+=("$p holds ${M_FDS[$last,$p]} fds in minute $last, up from at most $ref_fds in minutes 1..$REF")
done
for app in "${!PG_APPS[@]}"; do
  ref_pg=$(max_over M_PG ",$app")
  gt "${M_PG[$last,$app]:-0}" $((ref_pg + 2)) &&
    BROKEN+=("PostgreSQL connections of $app: ${M_PG[$last,$app]} in minute $last, up from at most $ref_pg")
done
ref_redis=$(max_over M_REDIS "")
gt "${M_REDIS[$last]}" $((ref_redis + 2)) && BROKEN+=("Redis clients: ${M_REDIS[$last]} in minute $last, up from at most $ref_redis")
ref_p99=$(max_over M_P99 "")
gt "${M_P99[$last]}" "$(awk -v r="$ref_p99" 'BEGIN { print 2 * r }')" &&
  BROKEN+=("p99 ${M_P99[$last]} ms in minute $last, over twice the $ref_p99 ms of minutes 1..$REF")

verdict=flat
((${#BROKEN[@]} == 0)) || verdict=not_flat
say ""
say "soak: PostgreSQL connections per pool, minute $REF → $last:$(for app in "${!PG_APPS[@]}"; do printf ' %s %s→%s' "$app" "${M_PG[$REF,$app]:-0}" "${M_PG[$last,$app]:-0}"; done)"
for p in "${PROCS[@]}"; do
  say "soak: $p RSS ${M_RSS[$REF,$p]} → ${M_RSS[$last,$p]} MB, fds ${M_FDS[$REF,$p]} → ${M_FDS[$last,$p]} (minute $REF → $last)"
done
if [[ $verdict == flat ]]; then
  say "soak: FLAT over $MINUTES minutes at $TARGET req/s: zero errors, rate held, memory, descriptors, connections and p99 steady"
else
  say "soak: NOT FLAT:"
  printf '    %s\n' "${BROKEN[@]}"
fi

for ((m = 1; m <= MINUTES; m++)); do
  line=$(printf 'BENCH soak-minute minute=%s target_rps=%s rps=%s p50_ms=%s p99_ms=%s errors=%s late=%s' \
    "$m" "$TARGET" "${M_RPS[$m]}" "${M_P50[$m]}" "${M_P99[$m]}" "${M_ERR[$m]}" "${M_LATE[$m]:-0}")
  for p in "${PROCS[@]}"; do line+=" rss_mb_$p=${M_RSS[$m,$p]}"; done
  for p in "${PROCS[@]}"; do line+=" fds_$p=${M_FDS[$m,$p]}"; done
  line+=" pg_conns=${M_PG_TOTAL[$m]}"
  for app in "${!PG_APPS[@]}"; do line+=" pg_conns_$app=${M_PG[$m,$app]:-0}"; done
  line+=" redis_clients=${M_REDIS[$m]} cache_data_mb=${M_CACHE_USED[$m]} slow_sql=${M_SLOW_SQL[$m]}"
  line+=" late_ticks_gateway=${M_LAG[$m]%/*} late_ticks_catalog=${M_LAG[$m]#*/}${M_COUNTS[$m]}"
  RESULTS+=("$line")
  rss="" fds=""
  for p in "${PROCS[@]}"; do rss+="${M_RSS[$m,$p]} / " fds+="${M_FDS[$m,$p]} / "; done
  ROWS+=("$(printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$(date +%F)" "$(commit_short)" "$m" \
    "$TARGET" "${M_RPS[$m]}" "${M_P50[$m]}" "${M_P99[$m]}" "${M_ERR[$m]}" "${rss% / }" "${fds% / }" "${M_PG_TOTAL[$m]}" "${M_REDIS[$m]}")")
done
RESULTS+=("$(printf 'BENCH soak verdict=%s minutes=%s slice_s=%s target_rps=%s capacity_rps=%s share_pct=%s min_rps=%s errors=%s late=%s connections=%s products=%s users=%s' \
  "$verdict" "$MINUTES" "$SLICE" "$TARGET" "${CAPACITY:-none}" "$SHARE" "$min_rps" "$total_errors" "$total_late" "$SOAK_CONNS" "$PRODUCTS" "$USERS")")
NOTES+=("results.md row columns: date | commit | minute | target rps | rps | p50 | p99 | errors | RSS MB gateway / catalog / identity / redis / redis-cache | fds (same order) | PostgreSQL connections | Redis clients")
bench_report
[[ $verdict == flat ]]
