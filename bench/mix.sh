#!/usr/bin/env bash
# Bench case "mix" (capacity issue, "./mercato bench mix"): the whole system, through the
# gateway, under a model of many users (bench/wrk/mix.lua: 60 % product details with Zipf-like
# popularity over every product, 20 % cached list pages, 10 % deep v2 pages, 5 % searches, 4 %
# GET /auth/me with tokens of BENCH_MIX_USERS users, 1 % writes), with BENCH_PRODUCTS
# (1,000,000) products in the catalog.
#
# The load is offered as the issue's model has it, open: users send independently of the
# answers they wait for. mix.lua paces the requests at a fixed rate (BENCH_MIX_RATE) over
# BENCH_MIX_CONNECTIONS (128) keep-alive connections, and the rate is raised in steps
# (BENCH_MIX_RATES, "250 500 … 32000" requests/s), each measured for BENCH_DURATION seconds
# after a warm-up, until two steps in a row miss the goal (the load is past the capacity). A
# step is within the goal when p99 is under BENCH_MIX_P99_MS (50), there is no error and no
# non-2xx answer (429s included: the rate limit is raised out of the way, so it is not what is
# measured), no slot was dropped, and at least 97 % of the offered rate was served. The capacity
# is the rate served at the highest such step. nginx serving one detail's bytes, at 64
# connections, is the anchor of the same run.
#
# Every latency here is mix.lua's own: each answer once, counted from its request's slot (when
# an independent user sent it), so the wait for a free connection is in it. wrk 4.1.0's
# percentiles are not used: it adds synthetic samples for coordinated omission and starts its
# clock only when a connection sends (docs/capacity.md, "Measuring the tail").
#
#   BENCH mix-step offered_rps= rps= connections= p50_ms= p99_ms= errors= within_goal=
#     cpu_gateway= cpu_catalog= … cpu_wrk= core0_busy= core0_softirq= core1_busy= core1_softirq= steal=
#     detail= list= deep= search= me= write= create= patch= delete= search_distinct= late=
#     max_lag_ms= dropped= detail_p50_ms= detail_p99_ms= … write_p99_ms=
#     reads_replica= reads_primary= primary_read_share= reads_primary_fenced= reads_primary_stale=
#     gateway_hit_share= product_l1_hit_share= product_l2_hit_share= product_l2_misses=
#   BENCH mix rps= offered_rps= p50_ms= p99_ms= connections= ratio_to_nginx= users_at_10s= …
#   BENCH mix-search-ceiling connections= searches_rps= mix_bound_rps= bound_ratio_to_nginx= …
#   BENCH mix-no-search offered_rps= rps= p50_ms= p99_ms= ratio_to_nginx= cpu_…
#
# The search ceiling is the limit the mix's ratio is read against: the mix's searches alone,
# sent as fast as they are answered (a closed loop, which finds the most a box serves) at
# BENCH_MIX_SEARCH_STEPS connections ("4 8 16 32"), with no p99 bound. One mix request in 20 is
# a search, so the mix cannot exceed 20 × that rate (mix_bound_rps) on this box, whatever the
# other 95 % cost. mix-no-search is the other bound: those 95 alone, offered in rate steps and
# judged like the mix (the serving path's capacity when searches cost nothing).
#
# users_at_10s = rps × 10: the concurrent users the box carries when each sends one request
# every 10 s (also said in words after the steps). cpu_<process> = that process's CPU time
# during the step / the step's duration (1.0 = one whole core); postgres sums the server's
# processes, redis both Redis servers, wrk the load generator. core0_busy, core1_busy = how busy
# each core was (/proc/stat: user, system, irq and softirq, whoever ran), core*_softirq its
# softirq part (loopback delivery, which no process's share counts), steal = the time the
# hypervisor took from both (in cores). detail=… delete= are the requests of each kind mix.lua
# sent in the step (create/patch/delete: writes answered 2xx); search_distinct = how many of the
# searches were of a URL not asked before in the step, a floor for the searches that missed the
# caches. The capacity is also written to .var/bench-data/mix-capacity, which bench/soak.sh
# reads.
#
# Setup: gateway, catalog and identity each HTTP_WORKERS=1 (identity: PASSWORD_HASH_WORKERS=1)
# under `taskset -c 0`, with their default caches; PostgreSQL and Redis unpinned; wrk on core 1.
# Data: bench_catalog_data (bench/_lib.sh) keeps the 1M products between runs; the benchmark's
# users (identity) and its own store for the writes are added when missing (bench/_mix.sh).
#
# Tracing is on, as in production: every service exports to the stack's OTLP receiver
# (scripts/otlp_receiver.py, pinned to core 1 beside wrk) with parentbased_traceidratio at
# BENCH_MIX_TRACE_RATIO (0.01), the tail rules keeping errors and slow requests.
#
# Then the collector phase (observability issue: "with the collector down or answering
# slowly, the mix throughput changes by < 3 %"): at BENCH_MIX_COLLECTOR_CONNECTIONS (16), the
# mix without its searches (they load PostgreSQL, the collector the services: see there) runs
# with the receiver up, stopped (connections refused) and slow (every export held 5 s, longer
# than the exporters' batches take to fill), alternating, BENCH_MIX_COLLECTOR_ROUNDS (5) rounds
# after one unmeasured warm-up run, each round's order rotated by one:
#
#   BENCH mix-collector connections= up_rps= down_rps= slow_rps= ratio_down= ratio_slow= mix=no-search
#     spans_dropped_down= spans_dropped_slow=
#
# ratio_X = median rps with the receiver X / median rps with it up (goal: 0.97 to 1.03);
# spans_dropped_X = growth of the gateway's tracing_spans_dropped_total over those runs.
# BENCH_MIX_COLLECTOR=0 skips the phase.
#
# When no step meets the goal there is no capacity: the case still prints every line it
# measured, then says so in one line and exits 1, so a script can tell (as bench/soak.sh does
# for a soak that is not flat).
#
# Knobs: bench/_lib.sh, bench/_mix.sh (BENCH_PRODUCTS, BENCH_MIX_USERS, …), and BENCH_MIX_RATES,
# BENCH_MIX_CONNECTIONS, BENCH_MIX_P99_MS, BENCH_MIX_COLLECTOR, BENCH_MIX_COLLECTOR_CONNECTIONS,
# BENCH_MIX_COLLECTOR_ROUNDS, BENCH_MIX_SEARCH_STEPS, BENCH_MIX_NO_SEARCH (1), BENCH_MIX_WARMUP (s, 60),
# BENCH_MIX_REPLICA (1: the catalog reads from a streaming replica; 0: the primary only),
# BENCH_MIX_SEARCH_ZIPF (0; 1: search terms drawn with Zipf-like popularity, bench/wrk/mix.lua).
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"
# shellcheck source=_mix.sh
source "$REPO/bench/_mix.sh"

RATES=${BENCH_MIX_RATES:-250 500 750 1000 1250 1500 2000 2500 3000 4000 5000 6000 8000 10000 12000 14000 16000 20000 24000 32000}
MIX_CONNS=${BENCH_MIX_CONNECTIONS:-128}
SEARCH_STEPS=${BENCH_MIX_SEARCH_STEPS:-4 8 16 32}
P99_GOAL=${BENCH_MIX_P99_MS:-50}
COLLECTOR_PHASE=${BENCH_MIX_COLLECTOR:-1}
[[ $P99_GOAL =~ ^[0-9]+$ ]] || die "BENCH_MIX_P99_MS takes whole milliseconds"
[[ -z ${BENCH_MIX_STEPS:-} ]] || die "BENCH_MIX_STEPS (connection steps) is gone: the mix is offered in rate steps, BENCH_MIX_RATES"
for r in $RATES; do [[ $r =~ ^[1-9][0-9]*$ ]] || die "BENCH_MIX_RATES takes requests per second, got '$r'"; done
for c in $MIX_CONNS $SEARCH_STEPS; do
  [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_MIX_CONNECTIONS and BENCH_MIX_SEARCH_STEPS take connection counts, got '$c'"
done

bench_init mix psql jq python3
# The read replica (data tier issue): with BENCH_MIX_REPLICA=1 (the default) the catalog's reads
# that miss the cache go to the stack's streaming replica while it is fresh (DB_REPLICA_HOSTS).
# It runs on this same box, so it moves PostgreSQL's work rather than adding CPU: the steps say
# where reads went (reads_replica, reads_primary, primary_read_share: the catalog's
# db_read_routes_total over the step) and the replica's CPU (cpu_postgres_replica).
MIX_REPLICA=${BENCH_MIX_REPLICA:-1}
[[ $MIX_REPLICA == [01] ]] || die "BENCH_MIX_REPLICA takes 0 or 1"
[[ ${BENCH_MIX_SEARCH_ZIPF:-0} == [01] ]] || die "BENCH_MIX_SEARCH_ZIPF takes 0 or 1"
# A variant, named in every run's notes so its figures are never read as the case's own.
[[ ${BENCH_MIX_SEARCH_ZIPF:-0} == 1 ]] && NOTES+=("search terms drawn Zipf-like (BENCH_MIX_SEARCH_ZIPF=1): a variant, not the case's worst case")
PG_REPLICA=$MIX_REPLICA
stack_save
mix_prepare

first=$(sed -n 1p "$P/details")
curl -fsS -o "$WORK/detail.json" "$GATEWAY_URL$first" || die "GET $first through the gateway failed"
nginx_serve "$WORK/detail.json"

# ---- CPU time per process ------------------------------------------------------------------
GROUPS_ORDER=(gateway catalog identity postgres redis)
[[ $PG_REPLICA == 1 ]] && GROUPS_ORDER+=(postgres_replica)
# Clock ticks of user + system time of the group's processes (PostgreSQL: the postmaster and its
# children at the time of reading: backends come and go with the pools' connections; redis: both
# Redis servers).
group_ticks() {
  local pids p sum=0 pg=${MIX_PIDS[postgres]}
  case $1 in
    postgres) pids="$pg $(cat "/proc/$pg/task/$pg/children" 2> /dev/null)" ;;
    postgres_replica)
      pg=${MIX_PIDS[postgres_replica]}
      pids="$pg $(cat "/proc/$pg/task/$pg/children" 2> /dev/null)"
      ;;
    redis) pids="${MIX_PIDS[redis]} ${MIX_PIDS[redis-cache]}" ;;
    *) pids=${MIX_PIDS[$1]} ;;
  esac
  for p in $pids; do
    # Fields 14 and 15 of /proc/PID/stat, counted after the command's closing parenthesis.
    sum=$((sum + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2> /dev/null || echo 0)))
  done
  echo "$sum"
}
HZ=$(getconf CLK_TCK)

# Ticks of core N from /proc/stat: "busy softirq steal", busy = user + nice + system + irq +
# softirq. The per-process shares above miss what the kernel does outside any process's
# accounting (loopback delivery in softirq) and what the hypervisor takes (steal), so a step
# also says how busy each core was: the one that is full is the box's limit.
core_ticks() {
  awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8, $8, $9 }' /proc/stat
}

# Reads the catalog routed so far, from its internal /metrics (db_read_routes_total): "replica
# primary read_after none_fresh" (the last two: why reads went to the primary; no_replicas is
# the rest).
read_routes() {
  curl -fsS "http://127.0.0.1:$(component_metrics_port catalog)/metrics" |
    awk '/^db_read_routes_total/ {
           if ($0 ~ /to="replica"/) r += $NF; else p += $NF
           if ($0 ~ /why="read_after"/) a += $NF
           if ($0 ~ /why="none_fresh"/) n += $NF
         }
         END { printf "%.0f %.0f %.0f %.0f\n", r, p, a, n }'
}

# Cache lookups so far: "gateway_hits gateway_misses l1_hits l1_misses l2_hits l2_misses", the
# gateway's response cache and the catalog's product cache (its details) by tier, from their
# internal /metrics. A step's shares of them say how many details reached the next tier.
cache_counts() {
  {
    curl -fsS "http://127.0.0.1:$(component_metrics_port gateway)/metrics"
    curl -fsS "http://127.0.0.1:$(component_metrics_port catalog)/metrics"
  } | awk '
    /^gateway_cache_hits_total/ { gh += $NF }
    /^gateway_cache_misses_total/ { gm += $NF }
    /^cache_requests_total/ && /cache="product"/ {
      t = ($0 ~ /tier="l1"/) ? 1 : 2
      if ($0 ~ /result="hit"/) h[t] += $NF; else m[t] += $NF
    }
    END { printf "%.0f %.0f %.0f %.0f %.0f %.0f\n", gh, gm, h[1], m[1], h[2], m[2] }'
}

# Every run of mix.lua draws its own requests (seed SEED × 1000 + run): with one seed for all,
# each step began by replaying the URLs of the step before, and the searches among them were
# answered from the caches (search_distinct only counts within a step).
RUN_SEED=$((SEED * 1000))

# One run of mix.lua at $1 connections (then VAR=value settings for mix.lua; BENCH_MIX_RATE=…
# paces it): sets S_RPS S_P50 S_P99 S_BAD S_DROPPED, S_CPU, S_CORES, S_SPLIT and S_COUNTS (text:
# " cpu_gateway=… …", " detail=… … search_p99_ms=… …"). The latencies are mix.lua's (mix_latency).
mix_step() {
  local conns=$1 out g
  shift
  RUN_SEED=$((RUN_SEED + 1))
  set -- BENCH_SEED="$RUN_SEED" "$@"
  local -A before=()
  for g in "${GROUPS_ORDER[@]}"; do before[$g]=$(group_ticks "$g"); done
  local t0 t1 r0 p0 a0 n0 r1 p1 a1 n1 c0 c1 c0b c1b wrk_cpu
  read -r r0 p0 a0 n0 < <(read_routes)
  local k0 k1
  k0=$(cache_counts)
  c0=$(core_ticks 0) c1=$(core_ticks 1)
  t0=$(date +%s.%N)
  # `times` in the same subshell reports wrk's CPU (the subshell's only child), for cpu_wrk.
  out=$(
    mix_wrk "$conns" "$DURATION" "$@" || exit
    echo 'wrk-times:'
    times
  ) || die "wrk failed: $out"
  t1=$(date +%s.%N)
  c0b=$(core_ticks 0) c1b=$(core_ticks 1)
  read -r r1 p1 a1 n1 < <(read_routes)
  k1=$(cache_counts)
  # `times` prints the shell's own user and system time, then its children's: the line after next.
  wrk_cpu=$(awk '/^wrk-times:$/ { at = NR + 2 } NR == at { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' <<< "$out")
  printf '== mix step %s connections\n%s\n' "$conns" "$out" >> "$LOG_DIR/wrk.log"
  local non2xx sockets timed untimed
  read -r S_RPS _ _ _ non2xx sockets < <(wrk_summary <<< "$out")
  read -r S_P50 S_P99 timed untimed < <(mix_latency "$out")
  # An answer that came back without its request's number was not timed: a step whose
  # latencies miss answers is not judged on them.
  S_BAD=$((non2xx + sockets + untimed))
  ((timed > 0)) || S_BAD=$((S_BAD + 1))
  S_COUNTS=$(mix_counts "$out")
  S_DROPPED=$(mix_count "$S_COUNTS" dropped)
  S_DROPPED=${S_DROPPED:-0}
  S_CPU=""
  for g in "${GROUPS_ORDER[@]}"; do
    S_CPU+=$(awk -v a="${before[$g]}" -v b="$(group_ticks "$g")" -v hz="$HZ" -v t0="$t0" -v t1="$t1" -v g="$g" \
      'BEGIN { printf " cpu_%s=%.2f", g, (b - a) / hz / (t1 - t0) }')
  done
  S_CPU+=$(awk -v w="${wrk_cpu:-0}" -v t0="$t0" -v t1="$t1" 'BEGIN { printf " cpu_wrk=%.2f", w / (t1 - t0) }')
  S_CORES=$(awk -v a="$c0" -v b="$c0b" -v c="$c1" -v d="$c1b" -v hz="$HZ" -v t="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" '
    BEGIN {
      split(a, x, " "); split(b, y, " "); split(c, u, " "); split(d, v, " ")
      printf " core0_busy=%.2f core0_softirq=%.2f core1_busy=%.2f core1_softirq=%.2f steal=%.2f",
        (y[1] - x[1]) / hz / t, (y[2] - x[2]) / hz / t, (v[1] - u[1]) / hz / t, (v[2] - u[2]) / hz / t,
        (y[3] - x[3] + v[3] - u[3]) / hz / t
    }')
  # reads_primary_fenced: a fill right after a write (its key's fence) or a client's own
  # position the replica had not replayed; reads_primary_stale: no replica in rotation.
  S_SPLIT=$(awk -v r="$((r1 - r0))" -v p="$((p1 - p0))" -v a="$((a1 - a0))" -v n="$((n1 - n0))" \
    'BEGIN { printf " reads_replica=%d reads_primary=%d primary_read_share=%.3f reads_primary_fenced=%d reads_primary_stale=%d",
             r, p, (r + p) ? p / (r + p) : 0, a, n }')
  # gateway_hit_share: of the gateway's cacheable lookups; product_l1/l2_hit_share: of the
  # catalog's detail lookups reaching that tier (l2: those L1 missed).
  S_SPLIT+=$(awk -v a="$k0" -v b="$k1" '
    function share(h, m) { return (h + m) ? h / (h + m) : 0 }
    BEGIN {
      split(a, x, " "); split(b, y, " ")
      for (i = 1; i <= 6; i++) d[i] = y[i] - x[i]
      printf " gateway_hit_share=%.3f product_l1_hit_share=%.3f product_l2_hit_share=%.3f product_l2_misses=%d",
        share(d[1], d[2]), share(d[3], d[4]), share(d[5], d[6]), d[6]
    }')
}

# The caches hold a Zipf tail over 800,000 products and keep warming for a minute: after a 10 s
# warm-up the first step measured 2,147 req/s at 4 connections, and the same 4 connections
# 5,556 later in the run.
MIX_WARMUP=${BENCH_MIX_WARMUP:-60}
[[ $MIX_WARMUP =~ ^[0-9]+$ ]] || die "BENCH_MIX_WARMUP takes whole seconds"
step "mix: warming the caches (${MIX_WARMUP}s at 16 connections)"
DURATION_SAVED=$DURATION
DURATION=$MIX_WARMUP
((DURATION > 0)) && mix_step 16
DURATION=$DURATION_SAVED

# Offers mix.lua (then VAR=value settings: the no-search phase) at the rates of RATES, each over
# MIX_CONNS connections, until two steps in a row miss the goal: a step is within it when p99 is
# under P99_GOAL, nothing failed, no slot was dropped and 97 % of the rate was served. Says each
# step; with $1 = mix also adds its BENCH mix-step line and results.md row. Sets R_BEST to
# "offered rps p50 p99 cpu_…" of the highest step within the goal (empty when none was).
rate_steps() {
  local label=$1 r ok missed=0 best_rps=0
  shift
  R_BEST=""
  for r in $RATES; do
    mix_step "$MIX_CONNS" BENCH_MIX_RATE="$r" "$@"
    ok=$(awk -v p="$S_P99" -v g="$P99_GOAL" -v b="$S_BAD" -v d="$S_DROPPED" -v rps="$S_RPS" -v r="$r" \
      'BEGIN { print (p < g && b == 0 && d == 0 && rps >= 0.97 * r) ? "yes" : "no" }')
    say "    $r req/s offered: $S_RPS served, p50 $S_P50 ms, p99 $S_P99 ms, errors $S_BAD, dropped $S_DROPPED, within goal: $ok;$S_CPU"
    say "      cores:$S_CORES"
    say "      sent, schedule and latency by kind:$S_COUNTS"
    say "      database reads and caches:$S_SPLIT"
    if [[ $label == mix ]]; then
      RESULTS+=("$(printf 'BENCH mix-step offered_rps=%s rps=%s connections=%s p50_ms=%s p99_ms=%s errors=%s within_goal=%s%s%s%s' \
        "$r" "$S_RPS" "$MIX_CONNS" "$S_P50" "$S_P99" "$S_BAD" "$ok" "$S_CPU$S_CORES" "$S_COUNTS" "$S_SPLIT")")
      # A row of results.md's table of steps (the capacity step is made bold below).
      STEP_ROWS+=("$r|$S_RPS|$(printf '| %s | %s | %s | %s | %s | %s |' "$(date +%F)" "$(commit_short)" '%s' '%s' "$S_P50" "$S_P99")$(
        awk '{ for (i = 1; i <= NF; i++) { split($i, f, "="); printf " %s |", f[2] } }' <<< "$S_CPU")")
    fi
    if [[ $ok == yes ]]; then
      missed=0
      if ((S_RPS > best_rps)); then best_rps=$S_RPS R_BEST="$r $S_RPS $S_P50 $S_P99$S_CPU$S_CORES"; fi
    else
      missed=$((missed + 1))
      ((missed < 2)) || break
    fi
  done
}

step "mix: offered in rate steps ($RATES req/s, until two in a row miss the goal) over $MIX_CONNS connections, ${DURATION}s each (wrk log: $(rel "$LOG_DIR/wrk.log"))"
STEP_ROWS=()
rate_steps mix
best_line=$R_BEST
for row in "${STEP_ROWS[@]}"; do
  IFS='|' read -r r rps rest <<< "$row"
  # shellcheck disable=SC2059  # the row is the format: its two %s take the offered and served rps
  if [[ -n $best_line && $r == "${best_line%% *}" ]]; then ROWS+=("$(printf "$rest" "**$r**" "**$rps**")"); else ROWS+=("$(printf "$rest" "$r" "$rps")"); fi
done

# ---- the search ceiling ---------------------------------------------------------------------
# Every mix request of rate R includes 0.05 × R searches, most of them of a URL no cache holds,
# so the mix can never run faster than 20 × the most searches/s this box serves on their own:
# the limit of the same run that the mix's ratio is read against. Measured with the mix's
# searches alone (the same terms, sorts and pages), with no p99 bound, in a closed loop (each
# connection sends as soon as it is answered: the most the box serves) at SEARCH_STEPS
# connections (more than 32 only queue at PostgreSQL).
step "mix: the searches alone, for the mix's ceiling ($SEARCH_STEPS connections)"
ceiling_rps=0 ceiling_line=""
for c in $SEARCH_STEPS; do
  mix_step "$c" BENCH_MIX_ONLY=search
  say "    $c connections: $S_RPS searches/s, p50 $S_P50 ms, p99 $S_P99 ms, errors $S_BAD;$S_CPU;$S_CORES"
  ((S_BAD == 0)) || NOTES+=("searches alone at $c connections: $S_BAD errors")
  if ((S_RPS > ceiling_rps)); then ceiling_rps=$S_RPS ceiling_line="$c $S_RPS $S_P50 $S_P99$S_CPU$S_CORES"; fi
done

# ---- the rest of the mix -------------------------------------------------------------------
# The other bound: the mix without its searches (the other 95 in their proportions), offered in
# the rate steps and judged like the mix. Its capacity is what the serving path carries when searches cost nothing,
# so between the two lines a reader sees which part keeps the mix from its goal: if this one is
# under the goal too, cheaper searches alone cannot reach it. BENCH_MIX_NO_SEARCH=0 skips it.
NO_SEARCH_PHASE=${BENCH_MIX_NO_SEARCH:-1}
[[ $NO_SEARCH_PHASE == [01] ]] || die "BENCH_MIX_NO_SEARCH takes 0 or 1"
rest_line=""
if [[ $NO_SEARCH_PHASE == 1 ]]; then
  step "mix: the mix without its searches, in the same rate steps"
  rate_steps no-search BENCH_MIX_ONLY=no-search
  rest_line=$R_BEST
fi

# ---- the collector phase --------------------------------------------------------------------
# The gateway's dropped spans (every reason), from its internal /metrics.
gateway_dropped() {
  curl -fsS "http://127.0.0.1:$(component_metrics_port gateway)/metrics" |
    awk '/^tracing_spans_dropped_total/ { s += $NF } END { printf "%.0f\n", s }'
}
# up | down | slow
collector_set() {
  local url
  if [[ $1 == down ]]; then
    component_stop otlp > /dev/null || die "cannot stop the OTLP receiver"
    return
  fi
  otlp_pid > /dev/null || { component_start otlp > /dev/null && otlp_on_core_1; } || die "cannot start the OTLP receiver"
  url=$(otlp_url)
  curl -fsS -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data "{\"delay_ms\": $([[ $1 == slow ]] && echo 5000 || echo 0)}" "$url/control" ||
    die "cannot set the OTLP receiver $1"
}
# The collector's cost falls on the services (their exporters, on core 0), the searches' on
# PostgreSQL. Near PostgreSQL's ceiling one slow search holds a share of the connections, and
# rounds of the same state spread ±15 % (a5d8ef1 at 4 connections: 1,587–2,163 req/s), far
# more than the 3 % to resolve. So the phase runs the mix without its searches, where the
# services are what limits and an exporter's cost would show, at COLLECTOR_CONNS connections.
COLLECTOR_CONNS=${BENCH_MIX_COLLECTOR_CONNECTIONS:-16}
COLLECTOR_ROUNDS=${BENCH_MIX_COLLECTOR_ROUNDS:-5}
[[ $COLLECTOR_CONNS =~ ^[1-9][0-9]*$ && $COLLECTOR_ROUNDS =~ ^[1-9][0-9]*$ ]] ||
  die "BENCH_MIX_COLLECTOR_CONNECTIONS and BENCH_MIX_COLLECTOR_ROUNDS take counts"
if [[ $COLLECTOR_PHASE == 1 ]]; then
  cc=$COLLECTOR_CONNS
  step "mix: the collector up, down and slow, alternating, the mix without its searches at $cc connections, $COLLECTOR_ROUNDS rounds of ${DURATION}s"
  declare -A c_rps=() c_dropped=()
  # The caches keep warming during the phase (the gateway's, the catalog's, the search probes):
  # rounds rose 3,068 → 4,263 req/s within one run, and with a fixed order "up" always ran
  # first and looked slowest. So one unmeasured run warms them, and each round starts the
  # order one state later (up down slow, down slow up, slow up down): a steady drift then
  # weighs on every state alike.
  collector_set up
  mix_step "$cc" BENCH_MIX_ONLY=no-search
  states=(up down slow)
  for ((r = 1; r <= COLLECTOR_ROUNDS; r++)); do
    line="    round $r:"
    for ((i = 0; i < 3; i++)); do
      state=${states[(i + r - 1) % 3]}
      collector_set "$state"
      d0=$(gateway_dropped)
      mix_step "$cc" BENCH_MIX_ONLY=no-search
      c_rps[$state]+=" $S_RPS"
      c_dropped[$state]=$((${c_dropped[$state]:-0} + $(gateway_dropped) - d0))
      ((S_BAD == 0)) || NOTES+=("collector $state, round $r: $S_BAD errors")
      line+=" $state $S_RPS req/s,"
    done
    say "${line%,}"
  done
  collector_set up
  # shellcheck disable=SC2086  # space-separated numbers
  up=$(median ${c_rps[up]}) down=$(median ${c_rps[down]}) slow=$(median ${c_rps[slow]})
  RESULTS+=("$(printf 'BENCH mix-collector connections=%s up_rps=%s down_rps=%s slow_rps=%s ratio_down=%s ratio_slow=%s spans_dropped_down=%s spans_dropped_slow=%s spans_dropped_up=%s trace_ratio=%s rounds=%s duration_s=%s mix=no-search' \
    "$cc" "$up" "$down" "$slow" "$(ratio "$down" "$up")" "$(ratio "$slow" "$up")" "${c_dropped[down]}" \
    "${c_dropped[slow]}" "${c_dropped[up]}" "$TRACE_RATIO" "$COLLECTOR_ROUNDS" "$DURATION")")
fi

step "mix: nginx serving one detail's bytes, 64 connections"
read -r n_rps n_p50 n_p99 _ < <(WRK_C=64 wrk_run "$DURATION" "$NGINX_URL") && [[ -n ${n_rps:-} ]] || die "nginx run failed"

if [[ -n $ceiling_line ]]; then
  read -r c rps p50 p99 cpu <<< "$ceiling_line"
  RESULTS+=("$(printf 'BENCH mix-search-ceiling connections=%s searches_rps=%s p50_ms=%s p99_ms=%s mix_bound_rps=%s bound_ratio_to_nginx=%s nginx_rps=%s search_share=0.05 %s' \
    "$c" "$rps" "$p50" "$p99" "$((rps * 20))" "$(ratio "$((rps * 20))" "$n_rps")" "$n_rps" "$cpu")")
  say "search ceiling: $rps searches/s alone, so the mix (5 % searches) is bound to $((rps * 20)) requests/s on this box, $(ratio "$((rps * 20))" "$n_rps")× nginx"
fi

if [[ $NO_SEARCH_PHASE == 1 ]]; then
  if [[ -n $rest_line ]]; then
    read -r offered rps p50 p99 cpu <<< "$rest_line"
    RESULTS+=("$(printf 'BENCH mix-no-search offered_rps=%s rps=%s connections=%s p50_ms=%s p99_ms=%s ratio_to_nginx=%s nginx_rps=%s %s' \
      "$offered" "$rps" "$MIX_CONNS" "$p50" "$p99" "$(ratio "$rps" "$n_rps")" "$n_rps" "$cpu")")
    say "without its searches: $rps requests/s served of $offered offered (p99 $p99 ms), $(ratio "$rps" "$n_rps")× nginx"
  else
    RESULTS+=("BENCH mix-no-search rps=0 nginx_rps=$n_rps note=no_step_within_goal")
  fi
fi

if [[ -n $best_line ]]; then
  read -r offered rps p50 p99 _ <<< "$best_line"
  c=$MIX_CONNS
  r=$(ratio "$rps" "$n_rps")
  say ""
  say "capacity: $rps requests/s served of $offered offered (p99 $p99 ms from each request's slot): at one request per user every 10 s, this box carries $((rps * 10)) concurrent users"
  # For bench/soak.sh, which drives a share of it (kept outside the wiped bench stack).
  {
    echo "# The capacity of the last ./mercato bench mix that found one (read by bench/soak.sh)."
    printf 'rps=%s\noffered_rps=%s\nconnections=%s\np99_ms=%s\nproducts=%s\nusers=%s\ncommit=%s\ndate=%s\n' \
      "$rps" "$offered" "$c" "$p99" "$PRODUCTS" "$USERS" "$(commit_short)" "$(date -u +%FT%TZ)"
  } > "$MIX_CAPACITY_FILE" || warn "cannot write $(rel "$MIX_CAPACITY_FILE")"
  RESULTS+=("$(printf 'BENCH mix rps=%s offered_rps=%s p50_ms=%s p99_ms=%s connections=%s ratio_to_nginx=%s users_at_10s=%s nginx_rps=%s p99_goal_ms=%s products=%s users=%s duration_s=%s latency=from_slot' \
    "$rps" "$offered" "$p50" "$p99" "$c" "$r" "$((rps * 10))" "$n_rps" "$P99_GOAL" "$PRODUCTS" "$USERS" "$DURATION")")
  ROWS+=("$(printf '| %s | %s | mix | %s | %s | %s | %s offered, %s conns | %s | %s | users at 1 req/10 s: %s |' "$(date +%F)" \
    "$(commit_short)" "$rps" "$p50" "$p99" "$offered" "$c" "$n_rps" "$r" "$((rps * 10))")")
else
  RESULTS+=("$(printf 'BENCH mix rps=0 ratio_to_nginx=0 users_at_10s=0 nginx_rps=%s p99_goal_ms=%s products=%s note=no_step_within_goal' \
    "$n_rps" "$P99_GOAL" "$PRODUCTS")")
  NOTES+=("no step had p99 < ${P99_GOAL} ms with no error: see the mix-step lines for where the time went")
fi
NOTES+=("results.md rows: the steps (date | commit | offered rps | rps | p50 | p99 | cpu gateway | catalog | identity | postgres | redis$([[ $PG_REPLICA == 1 ]] && echo ' | postgres replica')), then the capacity (date | commit | case | rps | p50 | p99 | connections | nginx rps | ratio_to_nginx | users)")
bench_report
if [[ -z $best_line ]]; then
  warn "bench mix: no step met the goal (p99 < ${P99_GOAL} ms, zero errors, zero 429s, the rate served): no capacity measured"
  exit 1
fi
