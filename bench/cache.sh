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
# Method as bench/http.sh (TOOLCHAIN.md "Measuring"): catalog with HTTP_WORKERS=1 under
# `taskset -c 0`, nginx one worker on core 0 answering `return 200` with the service's exact
# bytes for that case, wrk on core 1 (`taskset -c 1 wrk -t1 -c64 -d10s --latency`); service and
# nginx runs alternate BENCH_ROUNDS times and the medians are reported. Knobs: BENCH_DURATION,
# BENCH_ROUNDS, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_NGINX_PORT, BENCH_HOT_IDS (1000).
set -uo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$REPO" || exit 1
# shellcheck source=../scripts/lib/load.sh
source "$REPO/scripts/lib/load.sh"

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
NGINX_PORT=${BENCH_NGINX_PORT:-28090}
HOT=${BENCH_HOT_IDS:-1000}
STORE=00000000-0000-7000-8000-000000000001

for tool in wrk nginx taskset curl psql; do
  command -v "$tool" > /dev/null || die "bench cache needs $tool (./mercato up installs it)"
done
if (($(nproc) < 2)); then warn "only one CPU: server and wrk will share it, numbers are not comparable"; fi

stack_use bench --fresh
stack_lock
NGINX_DIR=$STATE/nginx
WORK=$STATE/cache-bench

bench_cleanup() {
  local pid
  if pid=$(read_pidfile "$RUN_DIR/nginx.pid") && pid_is "$pid" nginx; then terminate "$pid" 10; fi
  stack_stop_started > /dev/null
}
EXIT_HOOKS+=(bench_cleanup)
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  report_failure
  exit 1
}

stack_stop_all > /dev/null
rm -rf "$STATE"
stack_use bench --fresh
PG_REPLICA=0
stack_dirs || die "cannot create $(rel "$STATE")"
stack_save
mkdir -p "$NGINX_DIR/tmp" "$WORK"

run_step build "$LOG_DIR/build.log" build_preset release "$LOG_DIR/build.log" || fail
component_start postgres || fail
component_start redis || fail
component_start identity LOG_LEVEL=warn || fail

PG_PORT=$(component_port postgres)
REDIS_PORT_BENCH=$(component_port redis)
# HOT ids read by the detail cases, plus one that nothing reads before the stampede. The seeder
# soft-deletes about 5 % of what it writes, so it writes a tenth more than needed live.
MERCATO_BIN_DIR=$STACK_BIN_DIR DB_PORT=$PG_PORT bash "$REPO/bench/seed.sh" --products $((HOT * 11 / 10 + 10)) --store "$STORE" \
  > "$LOG_DIR/seed.log" 2>&1 || die "seeding failed: $(rel "$LOG_DIR/seed.log")"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d mercato_catalog -XAtq -c \
  "SELECT id FROM products WHERE store_id = '$STORE' AND deleted_at IS NULL ORDER BY id LIMIT $((HOT + 1))" \
  > "$WORK/all-ids" || die "cannot read product ids"
head -n "$HOT" "$WORK/all-ids" > "$WORK/ids"
COLD_ID=$(tail -n 1 "$WORK/all-ids")
(($(wc -l < "$WORK/ids") == HOT)) || die "expected $HOT products in the bench store"

start_catalog() {
  component_stop catalog > /dev/null 2>&1
  component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn "$@" || fail
  URL=$(service_url catalog)
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

wrk_run() {  # seconds url [wrk args…] → "rps p50_ms p99_ms"
  local seconds=$1 url=$2 out
  shift 2
  out=$(taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency "$@" "$url" 2>&1) || { warn "wrk failed: $out"; return 1; }
  printf '%s\n' "$out" >> "$LOG_DIR/wrk.log"
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /s$/) return v * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { errors = $0 }
    END {
      if (bad > 0) { print "non-2xx responses: " bad > "/dev/stderr"; exit 1 }
      if (errors != "") { print errors > "/dev/stderr"; exit 1 }
      if (rps == "") { print "no Requests/sec in wrk output" > "/dev/stderr"; exit 1 }
      printf "%.0f %.3f %.3f\n", rps, p50, p99
    }' <<< "$out"
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# nginx answering `return 200` with the body file given, one worker on core 0.
nginx_serve() {
  local file=$1 body esc pid
  if pid=$(read_pidfile "$RUN_DIR/nginx.pid") && pid_is "$pid" nginx; then terminate "$pid" 10; fi
  body=$(cat "$file"; printf x)
  body=${body%x}
  esc=${body//\\/\\\\}
  esc=${esc//\'/\\\'}
  {
    cat << CONF
worker_processes 1;
worker_cpu_affinity 1;
daemon on;
pid $RUN_DIR/nginx.pid;
error_log $LOG_DIR/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $NGINX_DIR/tmp/body;
  proxy_temp_path $NGINX_DIR/tmp/proxy;
  fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
  uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
  scgi_temp_path $NGINX_DIR/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 75s;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type "application/json";
CONF
    # `return` would expand $variables, and nginx takes at most 4 KiB per token: such bodies
    # (list pages) are served from a copy of the file, kept open.
    if [[ $body == *'$'* ]] || ((${#esc} > 4000)); then
      mkdir -p "$NGINX_DIR/www" && cp "$file" "$NGINX_DIR/www/body"
      printf '      root %s/www;\n      try_files /body =404;\n' "$NGINX_DIR"
      printf '      open_file_cache max=16 inactive=1h;\n      open_file_cache_valid 1h;\n'
    else
      printf "      return 200 '%s';\n" "$esc"
    fi
    printf '    }\n  }\n}\n'
  } > "$NGINX_DIR/nginx.conf"
  port_free "$NGINX_PORT" || fail
  taskset -c 0 nginx -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log" < /dev/null \
    >> "$LOG_DIR/nginx-error.log" 2>&1 8>&- 9>&- || die "nginx did not start"
  wait_http "http://127.0.0.1:$NGINX_PORT/" 10 || fail
}

# measure <case> <service url> <body file for nginx> [wrk args for the service…]
measure() {
  local name=$1 url=$2 file=$3 r rps p50 p99
  shift 3
  nginx_serve "$file"
  local nurl=http://127.0.0.1:$NGINX_PORT/
  local -a S_RPS=() S_P50=() S_P99=() N_RPS=() N_P50=() N_P99=()
  if ((WARMUP > 0)); then
    wrk_run "$WARMUP" "$url" "$@" > /dev/null || die "$name: warm-up against the service failed"
    wrk_run "$WARMUP" "$nurl" > /dev/null || die "$name: warm-up against nginx failed"
  fi
  for ((r = 1; r <= ROUNDS; r++)); do
    read -r rps p50 p99 < <(wrk_run "$DURATION" "$url" "$@") && [[ -n ${rps:-} ]] || die "$name: round $r (service) failed"
    S_RPS+=("$rps") S_P50+=("$p50") S_P99+=("$p99")
    read -r rps p50 p99 < <(wrk_run "$DURATION" "$nurl") && [[ -n ${rps:-} ]] || die "$name: round $r (nginx) failed"
    N_RPS+=("$rps") N_P50+=("$p50") N_P99+=("$p99")
    printf '    %s round %d: catalog %s req/s, nginx %s req/s\n' "$name" "$r" "${S_RPS[-1]}" "${N_RPS[-1]}"
  done
  local s_rps s_p50 s_p99 n_rps n_p50 n_p99 ratio
  s_rps=$(median "${S_RPS[@]}") s_p50=$(median "${S_P50[@]}") s_p99=$(median "${S_P99[@]}")
  n_rps=$(median "${N_RPS[@]}") n_p50=$(median "${N_P50[@]}") n_p99=$(median "${N_P99[@]}")
  ratio=$(awk -v a="$s_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
  RESULTS+=("$(printf 'BENCH %s rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_nginx=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f body_bytes=%s rounds=%s duration_s=%s' \
    "$name" "$s_rps" "$s_p50" "$s_p99" "$ratio" "$n_rps" "$n_p50" "$n_p99" "$(wc -c < "$file")" "$ROUNDS" "$DURATION")")
  ROWS+=("$(printf '| %s | %s | %s | %.0f | %.3f | %.3f | %.0f | %s |' "$(date +%F)" \
    "$(git -C "$REPO" rev-parse --short HEAD 2> /dev/null || echo '?')" "$name" "$s_rps" "$s_p50" "$s_p99" "$n_rps" "$ratio")")
}

warm_ids() {  # reads every hot id twice (fills Redis, then L1)
  local id
  for _ in 1 2; do
    while read -r id; do printf 'url = "%s/api/v1/products/%s"\noutput = /dev/null\n' "$URL" "$id"; done < "$WORK/ids"
  done | curl -s --parallel --parallel-max 32 -K - || die "warming the ids failed"
}

declare -a RESULTS=() ROWS=()

step "cache: L1 (default settings)"
start_catalog
warm_ids
curl -fsS -o "$WORK/detail.json" "$URL/api/v1/products/$(head -n 1 "$WORK/ids")" || die "detail read failed"
measure cache-l1-detail "$URL/" "$WORK/detail.json" -s "$WORK/ids.lua"
LIST=/api/v1/products?per_page=20
curl -fsS -o "$WORK/list.json" "$URL$LIST" && curl -fsS -o /dev/null "$URL$LIST" || die "list read failed"
measure cache-l1-list "$URL$LIST" "$WORK/list.json"

step "cache: L2 (CACHE_L1_MAX_BYTES=0)"
start_catalog CACHE_L1_MAX_BYTES=0
warm_ids
measure cache-l2-detail "$URL/" "$WORK/detail.json" -s "$WORK/ids.lua"

step "cache: stampede, 1000 concurrent reads of one cold id"
start_catalog
queries() {
  curl -fsS "$URL/metrics" | awk '/^db_queries_total\{pool="catalog",result="ok"\}/ { print $2 }'
}
before=$(queries)
ok=$(for _ in $(seq 1000); do printf 'url = "%s/api/v1/products/%s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' "$URL" "$COLD_ID"; done |
  curl -s --parallel --parallel-immediate --parallel-max 1000 -K - | grep -c '^200$')
after=$(queries)
db_queries=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%d", a - b }')
RESULTS+=("BENCH cache-stampede requests=1000 ok=$ok db_queries=$db_queries")

say ""
printf '%s\n' "${RESULTS[@]}"
say ""
say "results.md rows:"
printf '%s\n' "${ROWS[@]}"
printf '| %s | %s | cache-stampede | requests=1000 ok=%s db_queries=%s | | | | |\n' "$(date +%F)" \
  "$(git -C "$REPO" rev-parse --short HEAD 2> /dev/null || echo '?')" "$ok" "$db_queries"
