#!/usr/bin/env bash
# Bench case "mix" (capacity issue, "./mercato bench mix"): the whole system, through the
# gateway, under a model of many users (bench/wrk/mix.lua: 60 % product details with Zipf-like
# popularity over every product, 20 % cached list pages, 10 % deep v2 pages, 5 % searches, 4 %
# GET /auth/me with tokens of BENCH_MIX_USERS users, 1 % writes), with BENCH_PRODUCTS
# (1,000,000) products in the catalog.
#
# wrk is a closed loop: the offered load is raised in steps of connections (BENCH_MIX_STEPS,
# "4 8 16 32 64 128"), each measured for BENCH_DURATION seconds after a warm-up. The capacity is
# the highest throughput of a step whose p99 is under BENCH_MIX_P99_MS (50) with no error and no
# non-2xx answer (429s included: the rate limit is raised out of the way, so it is not what is
# measured). nginx serving one detail's bytes, at 64 connections, is the anchor of the same run:
#
#   BENCH mix-step connections= rps= p50_ms= p99_ms= errors= cpu_gateway= cpu_catalog= …
#   BENCH mix rps= p50_ms= p99_ms= connections= ratio_to_nginx= users_at_10s= …
#
# users_at_10s = rps × 10: the concurrent users the box carries when each sends one request
# every 10 s. cpu_<process> = that process's CPU time during the step / the step's duration
# (1.0 = one whole core); postgres sums the server's processes, redis both Redis servers.
#
# Setup: gateway, catalog and identity each HTTP_WORKERS=1 (identity: PASSWORD_HASH_WORKERS=1)
# under `taskset -c 0`, with their default caches; PostgreSQL and Redis unpinned; wrk on core 1.
# Data: bench_catalog_data (bench/_lib.sh) keeps the 1M products between runs; the benchmark's
# users (identity) and its own store for the writes are added by this script when missing.
#
# Tracing is on, as in production: every service exports to the stack's OTLP receiver
# (scripts/otlp_receiver.py, pinned to core 1 beside wrk) with parentbased_traceidratio at
# BENCH_MIX_TRACE_RATIO (0.01), the tail rules keeping errors and slow requests.
#
# Then the collector phase (observability issue: "with the collector down or answering
# slowly, the mix throughput changes by < 3 %"): at the connections of the capacity step, the
# mix runs with the receiver up, stopped (connections refused) and slow (every export held
# 5 s, longer than the exporters' batches take to fill), alternating, BENCH_ROUNDS rounds:
#
#   BENCH mix-collector connections= up_rps= down_rps= slow_rps= ratio_down= ratio_slow=
#     spans_dropped_down= spans_dropped_slow=
#
# ratio_X = median rps with the receiver X / median rps with it up (goal: 0.97 to 1.03);
# spans_dropped_X = growth of the gateway's tracing_spans_dropped_total over those runs.
# BENCH_MIX_COLLECTOR=0 skips the phase.
#
# Knobs: bench/_lib.sh, and BENCH_PRODUCTS, BENCH_MIX_STEPS, BENCH_MIX_P99_MS, BENCH_MIX_USERS
# (1000), BENCH_MIX_DEPTH (100000), BENCH_SEED (1), BENCH_MIX_TRACE_RATIO, BENCH_MIX_COLLECTOR.
set -uo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$REPO" || exit 1
# shellcheck source=../scripts/lib/load.sh
source "$REPO/scripts/lib/load.sh"
# shellcheck source=_lib.sh
source "$REPO/bench/_lib.sh"

PRODUCTS=${BENCH_PRODUCTS:-1000000}
STEPS=${BENCH_MIX_STEPS:-4 8 16 32 64 128}
P99_GOAL=${BENCH_MIX_P99_MS:-50}
USERS=${BENCH_MIX_USERS:-1000}
DEPTH=${BENCH_MIX_DEPTH:-100000}
SEED=${BENCH_SEED:-1}
TRACE_RATIO=${BENCH_MIX_TRACE_RATIO:-0.01}
COLLECTOR_PHASE=${BENCH_MIX_COLLECTOR:-1}
STORE=00000000-0000-7000-8000-000000000001
# The benchmark's own store: its writes never change the kept 1M products of STORE.
WRITE_STORE=00000000-0000-7000-8000-00000000b0b0
ADMIN_EMAIL=bench-mix-admin@mercato.test
RATE_LIMIT=100000000
CURSOR_SECRET=mercato-bench-catalog-cursors
[[ $PRODUCTS =~ ^[0-9]+$ ]] && ((PRODUCTS >= 1000)) || die "BENCH_PRODUCTS must be a number ≥ 1000"
[[ $USERS =~ ^[1-9][0-9]*$ && $DEPTH =~ ^[0-9]+$ && $SEED =~ ^[0-9]+$ && $P99_GOAL =~ ^[0-9]+$ ]] ||
  die "BENCH_MIX_USERS, BENCH_MIX_DEPTH, BENCH_SEED and BENCH_MIX_P99_MS take whole numbers"
for c in $STEPS; do [[ $c =~ ^[1-9][0-9]*$ ]] || die "BENCH_MIX_STEPS takes connection counts, got '$c'"; done

bench_init mix psql jq python3
bench_build
bench_catalog_data "$PRODUCTS" "$STORE"
component_start redis || fail
component_start redis-cache || fail
exporters_start_for_running_stores > /dev/null || fail  # every stack watches its data stores

cat_sql() { psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_catalog -XAtq -v ON_ERROR_STOP=1 "$@"; }
id_sql() { psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_identity -XAtq -v ON_ERROR_STOP=1 "$@"; }

# ---- the receiver and the services -------------------------------------------------------------
otlp_on_core_1() { local pid; pid=$(otlp_pid) && taskset -pc 1 "$pid" > /dev/null; }
component_start otlp || fail
otlp_on_core_1 || die "cannot pin the OTLP receiver to core 1"
TRACING=(OTEL_TRACES_SAMPLER=parentbased_traceidratio "OTEL_TRACES_SAMPLER_ARG=$TRACE_RATIO")
component_start identity --cpu 0 HTTP_WORKERS=1 PASSWORD_HASH_WORKERS=1 JWT_ACCESS_TTL=2h LOG_LEVEL=warn "${TRACING[@]}" || fail
component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn CATALOG_CURSOR_SECRET="$CURSOR_SECRET" "${TRACING[@]}" || fail
component_start gateway --cpu 0 HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=$RATE_LIMIT LOG_LEVEL=warn "${TRACING[@]}" || fail
GATEWAY_URL=$(service_url gateway)
ID_URL=$(service_url identity)
CAT_URL=$(service_url catalog)

# ---- users: one admin (writes, in the bench store) and USERS viewers -------------------------
cat_sql -c "INSERT INTO stores (id, slug, name) VALUES ('$WRITE_STORE', 'bench-mix', 'Bench mix writes')
            ON CONFLICT (id) DO NOTHING" > /dev/null || die "cannot create the bench store"
# What earlier runs wrote there (their products were created and deleted) goes first.
cat_sql -c "DELETE FROM products WHERE store_id = '$WRITE_STORE'" > /dev/null || die "cannot clear the bench store"
PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')mix
svc_env identity
printf '%s\n' "$PASSWORD" | env "${SVC_ENV[@]}" LOG_LEVEL=warn "$(svc_bin identity)" user add --email "$ADMIN_EMAIL" \
  --role admin >> "$LOG_DIR/identity-user.log" 2>&1 || die "creating the bench admin failed: $(rel "$LOG_DIR/identity-user.log")"
# The viewers share the admin's password hash (one argon2id hash instead of USERS): a login
# checks the hash, whoever's row it is in.
id_sql -c "UPDATE users SET store_id = '$WRITE_STORE' WHERE lower(email) = '$ADMIN_EMAIL' AND deleted_at IS NULL;
           UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE lower(email) = '$ADMIN_EMAIL' AND deleted_at IS NULL)
            WHERE email LIKE 'bench-mix-user-%@mercato.test' AND deleted_at IS NULL;
           INSERT INTO users (id, email, role, password_hash)
           SELECT gen_random_uuid(), 'bench-mix-user-' || g || '@mercato.test', 'viewer',
                  (SELECT password_hash FROM users WHERE lower(email) = '$ADMIN_EMAIL' AND deleted_at IS NULL)
             FROM generate_series(1, $USERS) g
            WHERE NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = 'bench-mix-user-' || g || '@mercato.test'
                                                       AND u.deleted_at IS NULL)" > /dev/null ||
  die "cannot create the bench users"

P=$WORK/paths
mkdir -p "$P"
login_body() { jq -cn --arg e "$1" --arg p "$PASSWORD" '{email: $e, password: $p}'; }
ADMIN_TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' --data "$(login_body "$ADMIN_EMAIL")" \
  "$ID_URL/api/v1/auth/login" | jq -er '.data.access_token') || die "login as $ADMIN_EMAIL failed"
step "mix: logging in $USERS users (argon2id, one hash thread)"
for ((i = 1; i <= USERS; i++)); do
  ((i > 1)) && printf 'next\n'  # each URL its own options (data would accumulate otherwise)
  printf 'url = "%s/api/v1/auth/login"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = %s\n' \
    "$ID_URL" "$(login_body "bench-mix-user-$i@mercato.test" | jq -R .)"
  printf 'write-out = "\\n"\n'
done | curl -s --no-progress-meter --parallel --parallel-max 4 -K - > "$WORK/logins.json"
jq -r 'select(.data.access_token) | .data.access_token' "$WORK/logins.json" 2> /dev/null > "$P/tokens"
(($(wc -l < "$P/tokens") == USERS)) || die "only $(wc -l < "$P/tokens") of $USERS logins gave a token"

# ---- what the users request ----------------------------------------------------------------
step "mix: listing products, categories and cursors"
cat_sql -c "SELECT '/api/v1/products/' || id FROM products WHERE store_id = '$STORE' AND deleted_at IS NULL
             AND status = 'active' ORDER BY md5(id::text)" > "$P/details" || die "cannot list the products"
cat_sql -c "SELECT id FROM categories WHERE store_id = '$STORE' AND deleted_at IS NULL ORDER BY id LIMIT 8" \
  > "$WORK/categories" || die "cannot list the categories"
{
  for sort in -created_at price -price name; do
    for page in 1 2 3; do echo "/api/v1/products?page=$page&per_page=20&sort=$sort"; done
    echo "/api/v2/products?limit=20&sort=$sort"
    while read -r c; do
      echo "/api/v1/products?category_id=$c&per_page=20&sort=$sort"
      echo "/api/v2/products?limit=20&category_id=$c&sort=$sort"
    done < "$WORK/categories"
  done
} > "$P/lists"
LIVE=$(wc -l < "$P/details")
CURSORS=256
if ((DEPTH + CURSORS * 20 + 20 > LIVE)); then  # a small catalog (a quick run): a quarter deep
  DEPTH=$(((LIVE / 4) / 100 * 100)) CURSORS=$(((LIVE / 2) / 20))
  NOTES+=("only $LIVE live products: deep pages from depth $DEPTH, $CURSORS cursors")
fi
python3 "$REPO/bench/tools/v2_cursors.py" "$CAT_URL" "$DEPTH" 100 20 "$CURSORS" > "$WORK/cursors" || die "the v2 walk failed"
sed 's|^|/api/v2/products?limit=20\&cursor=|' "$WORK/cursors" > "$P/deep"
# Common words of the seeder (src/services/catalog/seed.cpp) and rare ones (a single sku).
{
  for t in oak lamp vintage chair leather modern; do echo "/api/v1/products?q=$t&per_page=20"; done
  cat_sql -c "SELECT '/api/v1/products?q=' || sku || '&per_page=20' FROM products WHERE store_id = '$STORE'
               AND deleted_at IS NULL ORDER BY md5(id::text) LIMIT 6"
} > "$P/searches" || die "cannot pick search terms"

first=$(sed -n 1p "$P/details")
curl -fsS -o "$WORK/detail.json" "$GATEWAY_URL$first" || die "GET $first through the gateway failed"
nginx_serve "$WORK/detail.json"

# ---- CPU time per process ------------------------------------------------------------------
# pids of each process group, read once (they do not change during the run).
declare -A GROUP_PIDS=()
GROUP_PIDS[gateway]=$(svc_pid gateway) GROUP_PIDS[catalog]=$(svc_pid catalog) GROUP_PIDS[identity]=$(svc_pid identity)
pg_main=$(pg_pid "$STATE/pg/primary") || die "no PostgreSQL pid"
GROUP_PIDS[redis]="$(redis_pid redis) $(redis_pid redis-cache)"
GROUPS_ORDER=(gateway catalog identity postgres redis)
# Clock ticks of user + system time of the group's processes (PostgreSQL: the postmaster and its
# children at the time of reading: backends come and go with the pools' connections).
group_ticks() {
  local pids=${GROUP_PIDS[$1]:-} p sum=0
  [[ $1 == postgres ]] && pids="$pg_main $(cat "/proc/$pg_main/task/$pg_main/children" 2> /dev/null)"
  for p in $pids; do
    # Fields 14 and 15 of /proc/PID/stat, counted after the command's closing parenthesis.
    sum=$((sum + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2> /dev/null || echo 0)))
  done
  echo "$sum"
}
HZ=$(getconf CLK_TCK)

# One closed-loop step at $1 connections: sets S_RPS S_P50 S_P99 S_BAD S_CPU (text).
mix_step() {
  local conns=$1 out g
  local -A before=()
  for g in "${GROUPS_ORDER[@]}"; do before[$g]=$(group_ticks "$g"); done
  local t0 t1
  t0=$(date +%s.%N)
  out=$(BENCH_MIX_DIR=$P BENCH_ADMIN_TOKEN=$ADMIN_TOKEN BENCH_SEED=$SEED \
    taskset -c 1 wrk -t1 -c"$conns" -d"${DURATION}s" --latency -s "$REPO/bench/wrk/mix.lua" "$GATEWAY_URL/" 2>&1) ||
    die "wrk failed: $out"
  t1=$(date +%s.%N)
  printf '== mix step %s connections\n%s\n' "$conns" "$out" >> "$LOG_DIR/wrk.log"
  local non2xx sockets
  read -r S_RPS S_P50 S_P99 _ non2xx sockets < <(wrk_summary <<< "$out")
  S_BAD=$((non2xx + sockets))
  S_CPU=""
  for g in "${GROUPS_ORDER[@]}"; do
    S_CPU+=$(awk -v a="${before[$g]}" -v b="$(group_ticks "$g")" -v hz="$HZ" -v t0="$t0" -v t1="$t1" -v g="$g" \
      'BEGIN { printf " cpu_%s=%.2f", g, (b - a) / hz / (t1 - t0) }')
  done
}

step "mix: warming the caches (${WARMUP}s at 16 connections)"
DURATION_SAVED=$DURATION
DURATION=$((WARMUP > 0 ? WARMUP * 5 : 0))
((DURATION > 0)) && mix_step 16
DURATION=$DURATION_SAVED

step "mix: offered load in steps of connections ($STEPS), ${DURATION}s each (wrk log: $(rel "$LOG_DIR/wrk.log"))"
best_rps=0 best_line=""
for c in $STEPS; do
  mix_step "$c"
  ok=$(awk -v p="$S_P99" -v g="$P99_GOAL" -v b="$S_BAD" 'BEGIN { print (p < g && b == 0) ? "yes" : "no" }')
  say "    $c connections: $S_RPS req/s, p50 $S_P50 ms, p99 $S_P99 ms, errors $S_BAD, within goal: $ok;$S_CPU"
  RESULTS+=("$(printf 'BENCH mix-step connections=%s rps=%s p50_ms=%s p99_ms=%s errors=%s within_goal=%s%s' \
    "$c" "$S_RPS" "$S_P50" "$S_P99" "$S_BAD" "$ok" "$S_CPU")")
  if [[ $ok == yes ]] && ((S_RPS > best_rps)); then
    best_rps=$S_RPS best_line="$c $S_RPS $S_P50 $S_P99"
  fi
done

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
if [[ $COLLECTOR_PHASE == 1 ]]; then
  cc=${best_line%% *}
  [[ -n $cc ]] || cc=${STEPS%% *}
  step "mix: the collector up, down and slow, alternating at $cc connections, $ROUNDS rounds of ${DURATION}s"
  declare -A c_rps=() c_dropped=()
  for ((r = 1; r <= ROUNDS; r++)); do
    line="    round $r:"
    for state in up down slow; do
      collector_set "$state"
      d0=$(gateway_dropped)
      mix_step "$cc"
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
  RESULTS+=("$(printf 'BENCH mix-collector connections=%s up_rps=%s down_rps=%s slow_rps=%s ratio_down=%s ratio_slow=%s spans_dropped_down=%s spans_dropped_slow=%s spans_dropped_up=%s trace_ratio=%s rounds=%s duration_s=%s' \
    "$cc" "$up" "$down" "$slow" "$(ratio "$down" "$up")" "$(ratio "$slow" "$up")" "${c_dropped[down]}" \
    "${c_dropped[slow]}" "${c_dropped[up]}" "$TRACE_RATIO" "$ROUNDS" "$DURATION")")
fi

step "mix: nginx serving one detail's bytes, 64 connections"
read -r n_rps n_p50 n_p99 _ < <(WRK_C=64 wrk_run "$DURATION" "$NGINX_URL") && [[ -n ${n_rps:-} ]] || die "nginx run failed"

if [[ -n $best_line ]]; then
  read -r c rps p50 p99 <<< "$best_line"
  r=$(ratio "$rps" "$n_rps")
  RESULTS+=("$(printf 'BENCH mix rps=%s p50_ms=%s p99_ms=%s connections=%s ratio_to_nginx=%s users_at_10s=%s nginx_rps=%s p99_goal_ms=%s products=%s users=%s duration_s=%s' \
    "$rps" "$p50" "$p99" "$c" "$r" "$((rps * 10))" "$n_rps" "$P99_GOAL" "$PRODUCTS" "$USERS" "$DURATION")")
  ROWS+=("$(printf '| %s | %s | mix | %s | %s | %s | %s conns | %s | %s | users at 1 req/10 s: %s |' "$(date +%F)" \
    "$(commit_short)" "$rps" "$p50" "$p99" "$c" "$n_rps" "$r" "$((rps * 10))")")
else
  RESULTS+=("$(printf 'BENCH mix rps=0 ratio_to_nginx=0 users_at_10s=0 nginx_rps=%s p99_goal_ms=%s products=%s note=no_step_within_goal' \
    "$n_rps" "$P99_GOAL" "$PRODUCTS")")
  NOTES+=("no step had p99 < ${P99_GOAL} ms with no error: see the mix-step lines for where the time went")
fi
NOTES+=("results.md row columns: date | commit | case | rps | p50 | p99 | connections | nginx rps | ratio_to_nginx | users")
bench_report
