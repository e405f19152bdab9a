#!/usr/bin/env bash
# Bench case "cache" (issue 5): the tiered cache's hit paths against nginx serving the same
# bytes, in one run on this machine, and a stampede on one cold key.
#
#   cache-l1-detail  GET /api/v1/products/{id} over 1,000 hot ids (wrk Lua cycles them), L1 hits
#   cache-l1-list    GET /api/v1/products?per_page=20, L1 hits
#   cache-l2-detail  the detail case again with CACHE_L1_MAX_BYTES=0: every hit comes from Redis
#   cache-stampede   1,000 concurrent GETs of one never-read id; db_queries = statements the
#                    catalog ran for them (from its db_queries_total). Goal: 1.
#
# The catalog runs with HTTP_WORKERS=1 under `taskset -c 0`. Method and knobs: bench/_lib.sh;
# also BENCH_HOT_IDS (1000).
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"

HOT=${BENCH_HOT_IDS:-1000}
STORE=00000000-0000-7000-8000-000000000001

bench_init cache psql
bench_build
bench_stores
component_start identity LOG_LEVEL=warn || fail

PG_PORT=$(component_port postgres)
# HOT ids read by the detail cases, plus one that nothing reads before the stampede. The seeder
# soft-deletes about 5 % of what it writes and makes a fifth drafts or archived (private now), so it
# writes half as much again as it needs live and active.
stack_seed --products $((HOT * 3 / 2 + 10)) --store "$STORE" \
  > "$LOG_DIR/seed.log" 2>&1 || die "seeding failed: $(rel "$LOG_DIR/seed.log")"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d mercato_catalog -XAtq -c \
  "SELECT id FROM products WHERE store_id = '$STORE' AND deleted_at IS NULL AND status = 'active' ORDER BY id LIMIT $((HOT + 1))" \
  > "$WORK/all-ids" || die "cannot read product ids"
head -n "$HOT" "$WORK/all-ids" > "$WORK/ids"
COLD_ID=$(tail -n 1 "$WORK/all-ids")
(($(wc -l < "$WORK/ids") == HOT)) || die "expected $HOT products in the bench store"

start_catalog() {
  component_stop catalog > /dev/null 2>&1
  # The stampede opens 1,000 connections at once from one address: above the per-address cap
  # (HTTP_MAX_CONNECTIONS_PER_ADDRESS, 256), which this case is not about.
  component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn HTTP_MAX_CONNECTIONS_PER_ADDRESS=2000 "$@" || fail
  CATALOG=$(service_url catalog)
}

# wrk script: each request takes the next hot id.
cat > "$WORK/ids.lua" << LUA
local ids = {}
for line in io.lines("$WORK/ids") do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/api/v1/products/" .. ids[i])
end
LUA

# measure <case> <body file for nginx>: the catalog (URL[catalog], WRK_ARGS[catalog]) against
# nginx serving that file, alternating.
measure() {
  local name=$1 file=$2 r
  nginx_serve "$file"
  URL[nginx]=$NGINX_URL
  bench_alternate "$name" catalog nginx
  r=$(ratio "${MED_RPS[catalog]}" "${MED_RPS[nginx]}")
  RESULTS+=("$(printf 'BENCH %s rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_nginx=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f body_bytes=%s rounds=%s duration_s=%s' \
    "$name" "${MED_RPS[catalog]}" "${MED_P50[catalog]}" "${MED_P99[catalog]}" "$r" "${MED_RPS[nginx]}" \
    "${MED_P50[nginx]}" "${MED_P99[nginx]}" "$(wc -c < "$file")" "$ROUNDS" "$DURATION")")
  ROWS+=("$(printf '| %s | %s | %s | %.0f | %.3f | %.3f | %.0f | %s |' "$(date +%F)" "$(commit_short)" "$name" \
    "${MED_RPS[catalog]}" "${MED_P50[catalog]}" "${MED_P99[catalog]}" "${MED_RPS[nginx]}" "$r")")
}

warm_ids() {  # reads every hot id twice (fills Redis, then L1)
  local id
  for _ in 1 2; do
    while read -r id; do printf 'url = "%s/api/v1/products/%s"\noutput = /dev/null\n' "$CATALOG" "$id"; done < "$WORK/ids"
  done | curl -s --parallel --parallel-max 32 -K - || die "warming the ids failed"
}

step "cache: L1 (default settings)"
start_catalog
warm_ids
curl -fsS -o "$WORK/detail.json" "$CATALOG/api/v1/products/$(head -n 1 "$WORK/ids")" || die "detail read failed"
URL[catalog]=$CATALOG/ WRK_ARGS[catalog]="-s $WORK/ids.lua"
measure cache-l1-detail "$WORK/detail.json"
LIST=/api/v1/products?per_page=20
curl -fsS -o "$WORK/list.json" "$CATALOG$LIST" && curl -fsS -o /dev/null "$CATALOG$LIST" || die "list read failed"
URL[catalog]=$CATALOG$LIST WRK_ARGS[catalog]=
measure cache-l1-list "$WORK/list.json"

step "cache: L2 (CACHE_L1_MAX_BYTES=0)"
start_catalog CACHE_L1_MAX_BYTES=0
warm_ids
URL[catalog]=$CATALOG/ WRK_ARGS[catalog]="-s $WORK/ids.lua"
measure cache-l2-detail "$WORK/detail.json"

step "cache: stampede, 1000 concurrent reads of one cold id"
start_catalog
queries() {
  curl -fsS "$(service_metrics_url catalog)/metrics" | awk '/^db_queries_total\{pool="catalog",result="ok"\}/ { print $2 }'
}
before=$(queries)
ok=$(for _ in $(seq 1000); do printf 'url = "%s/api/v1/products/%s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' "$CATALOG" "$COLD_ID"; done |
  curl -s --parallel --parallel-immediate --parallel-max 1000 -K - | grep -c '^200$')
after=$(queries)
db_queries=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", a - b }')
RESULTS+=("BENCH cache-stampede requests=1000 ok=$ok db_queries=$db_queries")
ROWS+=("$(printf '| %s | %s | cache-stampede | requests=1000 ok=%s db_queries=%s | | | | |' "$(date +%F)" "$(commit_short)" "$ok" "$db_queries")")
bench_report
