# shellcheck shell=bash disable=SC2034  # sets variables for the sourcing case and the driver
# Shared part of the bench cases (sourced, never run: `./mercato bench` skips bench/_*.sh).
# Every case uses it.
#
# Method (docs/toolchain.md#measuring): every server under test on core 0 with one worker, wrk on
# core 1 (`taskset -c 1 wrk -t1 -c64 -d10s --latency`), nginx (one worker, core 0) serving the
# exact bytes of the case in the same run; the targets alternate BENCH_ROUNDS times and the
# medians are reported. A wrk run with any non-2xx/3xx answer or socket error is rejected.
#
# Knobs (environment): BENCH_DURATION (s, 10), BENCH_ROUNDS (3), BENCH_WARMUP (s, 2),
# BENCH_CONNECTIONS (64), BENCH_NGINX_PORT (28090), BENCH_NGINX_PROXY_PORT (28091).
#
# Usage in a case: `source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"` (it sets
# REPO, changes to it and loads the driver's functions, scripts/lib/load.sh), then
#   bench_init NAME [tools…]    knobs, tool check, lock, clean-up on exit, a wiped bench stack
#   bench_build                 the release build (binaries, auth_bench)
#   bench_stores [--no-cache]   PostgreSQL, Redis, the cache Redis and their exporters
#   bench_hot_paths HOT STORE   seeded products, HOT detail paths in $WORK/paths
#   bench_warm_paths URL WHAT   every path read twice through the gateway at URL
#   bench_user EMAIL ROLE URL   a user of identity, logged in: PASSWORD, LOGIN_BODY, TOKEN
#   nginx_serve FILE [TYPE]     (re)start nginx answering every request with FILE's bytes
#   nginx_proxy                 a second nginx, a keep-alive reverse proxy in front of the first
#   nginx_conf_head, nginx_launch, nginx_stop
#                               the parts of those two a case's own nginx (tracing's sink) reuses
#   bench_alternate CASE T…     measure targets T (URL[T], WRK_ARGS[T]) alternately; medians
#                               in MED_RPS[T], MED_P50[T], MED_P99[T]

# The repository, from this file's place in it: every case runs from there with the driver's
# functions (./mercato bench starts a case as a plain `bash bench/<case>.sh`).
REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$REPO" || exit 1
# shellcheck source=../scripts/lib/load.sh
source "$REPO/scripts/lib/load.sh"

DURATION=${BENCH_DURATION:-10}
DURATION=${DURATION%s}
ROUNDS=${BENCH_ROUNDS:-3}
WARMUP=${BENCH_WARMUP:-2}
WARMUP=${WARMUP%s}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
NGINX_PORT=${BENCH_NGINX_PORT:-28090}
NGINX_PROXY_PORT=${BENCH_NGINX_PROXY_PORT:-28091}

fail() {
  report_failure
  exit 1
}

bench_cleanup() {
  nginx_stop nginx
  nginx_stop nginx-proxy
  stack_stop_started > /dev/null
}

#   bench_init NAME [tool…]
# Selects and locks the bench stack, stops whatever of it still runs, wipes .var/bench and
# prepares it again, without a replica (a case that reads from one, mix, sets PG_REPLICA=1 and
# starts it). Sets BENCH_NAME, NGINX_DIR
# and WORK (.var/bench/<name>, this case's scratch files).
bench_init() {
  BENCH_NAME=$1
  shift
  local tool
  for tool in wrk nginx taskset curl "$@"; do
    command -v "$tool" > /dev/null || die "bench $BENCH_NAME needs $tool (./mercato up installs it)"
  done
  if (($(nproc) < 2)); then warn "only one CPU: server and wrk will share it, numbers are not comparable"; fi
  [[ $DURATION =~ ^[0-9]+$ && $WARMUP =~ ^[0-9]+$ && $ROUNDS =~ ^[1-9][0-9]*$ ]] ||
    die "BENCH_DURATION and BENCH_WARMUP take whole seconds, BENCH_ROUNDS a count"
  stack_use bench --fresh
  stack_lock
  EXIT_HOOKS+=(bench_cleanup)
  trap 'exit 130' INT
  trap 'exit 143' TERM
  stack_stop_all > /dev/null
  stack_wipe
  stack_use bench --fresh
  PG_REPLICA=0
  stack_dirs || die "cannot create $(rel "$STATE")"
  stack_save
  NGINX_DIR=$STATE/nginx
  WORK=$STATE/$BENCH_NAME
  mkdir -p "$NGINX_DIR/tmp" "$WORK"
  # Every stack is monitored: the bench stack's Prometheus scrapes what the case starts (every
  # 10 s, a negligible load next to wrk's).
  component_start alertmanager > /dev/null || fail
  component_start prometheus > /dev/null || fail
  declare -ga RESULTS=() ROWS=() NOTES=()
  declare -gA URL=() WRK_ARGS=() WRK_ENV=() WRK_CONN=() MED_RPS=() MED_P50=() MED_P99=()
}

bench_build() {
  run_step build "$LOG_DIR/build.log" build_preset release "$LOG_DIR/build.log" || fail
}

# The data stores a case's services need, and their exporters (every stack watches its data
# stores): PostgreSQL, Redis and, unless --no-cache, the cache Redis.
#   bench_stores [--no-cache]
bench_stores() {
  component_start postgres || fail
  component_start redis || fail
  [[ ${1:-} == --no-cache ]] || component_start redis-cache || fail
  exporters_start_for_running_stores > /dev/null || fail
}

# Seeds STORE with enough products that HOT of them are live and active (the seeder
# soft-deletes about 5 % and makes a fifth drafts or archived), and writes their detail paths,
# /api/v1/products/<id> in id order, to $WORK/paths (what bench/wrk/paths.lua cycles over).
#   bench_hot_paths HOT STORE
bench_hot_paths() {
  local hot=$1 store=$2
  stack_seed --products "$((hot * 3 / 2 + 20))" --store "$store" \
    > "$LOG_DIR/seed.log" 2>&1 || die "seeding failed: $(rel "$LOG_DIR/seed.log")"
  psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_catalog -XAtq -c \
    "SELECT '/api/v1/products/' || id FROM products WHERE store_id = '$store' AND deleted_at IS NULL AND status = 'active' ORDER BY id LIMIT $hot" \
    > "$WORK/paths" || die "cannot read product ids"
  (($(wc -l < "$WORK/paths") > 0)) || die "no live products in the bench store"
}

# Reads every path of $WORK/paths twice through the gateway at BASE_URL (fills Redis, then the
# catalog's L1; checks the route); any answer but 200 stops the case, naming WHAT was warmed.
#   bench_warm_paths BASE_URL WHAT
bench_warm_paths() {
  local base=$1 what=$2 p
  for _ in 1 2; do
    while read -r p; do printf 'url = "%s%s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' "$base" "$p"; done < "$WORK/paths"
  done | curl -s --no-progress-meter --parallel --parallel-max 16 -K - | grep -v '^200$' | sort | uniq -c > "$WORK/warm-errors"
  [[ -s $WORK/warm-errors ]] && die "warming through $what got non-200 answers: $(tr '\n' ' ' < "$WORK/warm-errors")"
  return 0
}

# Adds the user EMAIL with ROLE to identity (its CLI, a random password) and logs it in through
# BASE_URL's POST /api/v1/auth/login. Sets PASSWORD, LOGIN_BODY (the login's JSON) and TOKEN
# (the access token).
#   bench_user EMAIL ROLE BASE_URL
bench_user() {
  local email=$1 role=$2 base=$3
  PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')bench
  svc_env identity
  printf '%s\n' "$PASSWORD" | env "${SVC_ENV[@]}" LOG_LEVEL=warn "$(svc_bin identity)" user add --email "$email" --role "$role" \
    >> "$LOG_DIR/identity-user.log" 2>&1 || die "creating the bench user failed: $(rel "$LOG_DIR/identity-user.log")"
  LOGIN_BODY=$(jq -cn --arg e "$email" --arg p "$PASSWORD" '{email: $e, password: $p}')
  TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' --data "$LOGIN_BODY" "$base/api/v1/auth/login" |
    jq -er '.data.access_token') || die "login as $email failed"
}

#   bench_catalog_data PRODUCTS STORE
# Starts PostgreSQL on a data directory kept outside the wiped bench stack,
# .var/bench-data/catalog-PRODUCTS/pg (.var/bench/pg/primary links to it), holding exactly
# PRODUCTS products in STORE: reused while it does, seeded again otherwise (BENCH_RESEED=1 starts
# it over). Sets KEEP (that directory); files a case keeps there beside pg/ (sampled ids,
# cursors) are derived from the data and deleted when it is seeded again. The bench stack runs
# PostgreSQL with fsync=off: after a machine crash, delete that directory.
bench_catalog_data() {
  local products=$1 store=$2 count
  KEEP=$VAR_ROOT/bench-data/catalog-$products
  if [[ ${BENCH_RESEED:-0} == 1 && -d $KEEP ]]; then
    step "$BENCH_NAME: BENCH_RESEED=1, deleting $(rel "$KEEP")"
    rm -rf "$KEEP"
  fi
  mkdir -p "$KEEP/pg" || die "cannot create $(rel "$KEEP")"
  chmod 755 "$VAR_ROOT/bench-data" "$KEEP"
  chmod 700 "$KEEP/pg"
  if is_root; then chown postgres: "$KEEP/pg" || die "cannot give $(rel "$KEEP/pg") to the postgres user"; fi
  mkdir -p "$STATE/pg" && ln -sfn "$KEEP/pg" "$STATE/pg/primary" || die "cannot link $(rel "$STATE/pg/primary")"
  component_start postgres || fail
  _catalog_sql() { psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_catalog -XAtq -v ON_ERROR_STOP=1 "$@"; }
  count=$(_catalog_sql -c "SELECT count(*) FROM products WHERE store_id = '$store'" 2> /dev/null || echo 0)
  if [[ $count == "$products" ]]; then
    step "$BENCH_NAME: reusing $products seeded products in $(rel "$KEEP")"
    return 0
  fi
  step "$BENCH_NAME: seeding $products products (found ${count:-0}; log $(rel "$LOG_DIR/seed.log"))"
  if [[ $count != 0 ]]; then
    psql_primary -d postgres -c 'DROP DATABASE IF EXISTS mercato_catalog WITH (FORCE)' >> "$LOG_DIR/seed.log" 2>&1 &&
      pg_create_databases >> "$LOG_DIR/seed.log" 2>&1 || die "cannot recreate mercato_catalog"
  fi
  find "$KEEP" -maxdepth 1 -type f -delete
  stack_seed --products "$products" --store "$store" \
    >> "$LOG_DIR/seed.log" 2>&1 || die "seeding failed: $(rel "$LOG_DIR/seed.log")"
  count=$(_catalog_sql -c "SELECT count(*) FROM products WHERE store_id = '$store'") || die "cannot count products"
  [[ $count == "$products" ]] || die "seeded $products products but the store holds $count"
}

commit_short() { git -C "$REPO" rev-parse --short HEAD 2> /dev/null || echo '?'; }

# Reads wrk's --latency output on stdin and prints "rps p50_ms p99_ms requests non2xx
# socket_errors" (the last two: counts, 0 when none).
wrk_summary() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000
      if (v ~ /ms$/) return v + 0
      if (v ~ /s$/) return v * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    / requests in / { requests = $1 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { n = split($0, f, /[ ,]+/); for (i = 1; i <= n; i++) if (f[i] ~ /^[0-9]+$/) errors += f[i] }
    END { printf "%.0f %.3f %.3f %d %d %d\n", rps, p50, p99, requests, bad, errors }'
}

# Runs wrk once and prints "rps p50_ms p99_ms requests"; fails when any response was not
# 2xx/3xx or a socket error occurred, because such a run measures something else.
#   [WRK_C=connections] wrk_run SECONDS URL [wrk args…]
wrk_run() {
  local seconds=$1 url=$2 out rps p50 p99 requests bad errors
  shift 2
  out=$(taskset -c 1 wrk -t1 -c"${WRK_C:-$CONNECTIONS}" -d"${seconds}s" --latency "$@" "$url" 2>&1) ||
    { warn "wrk failed: $out"; return 1; }
  printf '%s\n' "$out" >> "$LOG_DIR/wrk.log"
  read -r rps p50 p99 requests bad errors < <(wrk_summary <<< "$out")
  if ((bad > 0)); then warn "non-2xx responses: $bad"; return 1; fi
  if ((errors > 0)); then warn "socket errors: $(grep 'Socket errors:' <<< "$out")"; return 1; fi
  [[ $out == *"Requests/sec:"* ]] || { warn "no Requests/sec in wrk output"; return 1; }
  printf '%s %s %s %s\n' "$rps" "$p50" "$p99" "$requests"
}

median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# Stops the bench nginx whose pid file is $RUN_DIR/NAME.pid, when it runs.
#   nginx_stop NAME
nginx_stop() {
  local pid
  if pid=$(read_pidfile "$RUN_DIR/$1.pid") && pid_is "$pid" nginx; then terminate "$pid" 10; fi
}

# Prints the part every bench nginx.conf shares, up to the open `http {` block: a comment
# naming the case and WHAT the server is, one worker pinned to CORE (0 or 1), pid file
# $RUN_DIR/NAME.pid, error log $LOG_DIR/NAME-error.log, temporary files under DIR/tmp, ACCESS_LOG
# ("off" or a path) and keep-alive connections that are never recycled.
#   nginx_conf_head NAME DIR CORE WORKER_CONNECTIONS ACCESS_LOG WHAT
nginx_conf_head() {
  local name=$1 dir=$2 core=$3 connections=$4 access=$5 what=$6
  # worker_cpu_affinity is a bit mask written in binary: "1" is core 0, "10" core 1.
  local mask=1
  ((core == 1)) && mask=10
  cat << CONF
# Generated by bench/$BENCH_NAME.sh: $what
worker_processes 1;
worker_cpu_affinity $mask;
daemon on;
pid $RUN_DIR/$name.pid;
error_log $LOG_DIR/$name-error.log warn;
events { worker_connections $connections; }
http {
  access_log $access;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  # nginx's best case: wrk's connections are never recycled.
  keepalive_requests 1000000;
  keepalive_timeout 75s;
CONF
}

# Starts nginx on DIR/nginx.conf pinned to CORE, after checking that PORT is free; on failure
# reports the step NAME with its error log and exits (fail), saying "WHAT did not start".
#   nginx_launch NAME DIR CORE PORT WHAT
nginx_launch() {
  local name=$1 dir=$2 core=$3 port=$4 what=$5
  FAILED_STEP=$name FAILED_LOG=$LOG_DIR/$name-error.log FAILED_WHY=
  port_free "$port" || fail
  # shellcheck disable=SC2094  # nginx only reads its configuration; the log is appended to
  taskset -c "$core" nginx -p "$dir" -c "$dir/nginx.conf" -e "$LOG_DIR/$name-error.log" < /dev/null \
    >> "$LOG_DIR/$name-error.log" 2>&1 8>&- 9>&- || { FAILED_WHY="$what did not start"; fail; }
}

# nginx, one worker on core 0, answering every request with the bytes of FILE (`return 200`, or
# the file itself when `return` cannot hold the text). With ENCODING, FILE holds coded bytes,
# served from the file with `Content-Encoding: ENCODING` and `Vary: Accept-Encoding` (what
# gzip_static would send, without its per-request stat of the .gz file).
#   nginx_serve FILE [CONTENT_TYPE] [ENCODING]
nginx_serve() {
  local file=$1 type=${2:-application/json} encoding=${3:-} body esc
  nginx_stop nginx
  body= esc=
  if [[ -z $encoding ]]; then  # coded bytes are binary: never through a shell variable
    body=$(cat "$file"; printf x)
    body=${body%x}
    esc=${body//\\/\\\\}
    esc=${esc//\'/\\\'}
  fi
  {
    nginx_conf_head nginx "$NGINX_DIR" 0 4096 off \
      "one worker on core 0 answering every request with the same bytes."
    cat << CONF
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      default_type "$type";
CONF
    # `return` would expand $variables in the text, and nginx's parser takes at most 4 KiB per
    # token: such bodies are served from a copy of the file (kept open: open_file_cache).
    if [[ -n $encoding ]]; then
      printf '      add_header Content-Encoding %s;\n      add_header Vary Accept-Encoding;\n' "$encoding"
    fi
    if [[ -n $encoding || $body == *'$'* ]] || ((${#esc} > 4000)); then
      mkdir -p "$NGINX_DIR/www" && cp "$file" "$NGINX_DIR/www/body"
      printf '      root %s/www;\n      try_files /body =404;\n' "$NGINX_DIR"
      printf '      open_file_cache max=16 inactive=1h;\n      open_file_cache_valid 1h;\n'
    else
      printf "      return 200 '%s';\n" "$esc"
    fi
    printf '    }\n  }\n}\n'
  } > "$NGINX_DIR/nginx.conf"
  nginx_launch nginx "$NGINX_DIR" 0 "$NGINX_PORT" nginx
  NGINX_URL=http://127.0.0.1:$NGINX_PORT/
  wait_http "$NGINX_URL" 10 || fail
  curl -fsS -o "$NGINX_DIR/body.nginx" "$NGINX_URL" && cmp -s "$file" "$NGINX_DIR/body.nginx" ||
    die "nginx does not serve the same bytes as $(rel "$file")"
}

# The anchor of a forwarded request (issue 15): a second nginx, one worker on core 0 beside the
# first, proxying every request to nginx_serve's over pooled keep-alive connections (HTTP/1.1,
# `keepalive` in the upstream block), which is as cheap as one hop gets. Call after nginx_serve;
# sets NGINX_PROXY_URL.
nginx_proxy() {
  local dir=$NGINX_DIR/proxy
  nginx_stop nginx-proxy
  mkdir -p "$dir/tmp"
  {
    nginx_conf_head nginx-proxy "$dir" 0 4096 off \
      "one worker on core 0, a keep-alive reverse proxy to 127.0.0.1:$NGINX_PORT."
    cat << CONF
  upstream origin {
    server 127.0.0.1:$NGINX_PORT;
    keepalive 128;
    keepalive_requests 1000000;
    keepalive_timeout 75s;
  }
  server {
    listen 127.0.0.1:$NGINX_PROXY_PORT;
    location / {
      proxy_pass http://origin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering on;
    }
  }
}
CONF
  } > "$dir/nginx.conf"
  nginx_launch nginx-proxy "$dir" 0 "$NGINX_PROXY_PORT" "nginx (proxy)"
  NGINX_PROXY_URL=http://127.0.0.1:$NGINX_PROXY_PORT/
  wait_http "$NGINX_PROXY_URL" 10 || fail
  curl -fsS -o "$dir/body.proxy" "$NGINX_PROXY_URL" && cmp -s "$NGINX_DIR/body.nginx" "$dir/body.proxy" ||
    die "the nginx proxy does not pass nginx's bytes unchanged"
}

# One wrk run against target $1 for $2 seconds (see bench_alternate); prints wrk_run's line.
_bench_wrk() {
  local -a args=() envs=()
  read -r -a args <<< "${WRK_ARGS[$1]:-}"
  read -r -a envs <<< "${WRK_ENV[$1]:-}"
  (
    for e in "${envs[@]}"; do export "${e?}"; done
    WRK_C=${WRK_CONN[$1]:-$CONNECTIONS} wrk_run "$2" "${URL[$1]}" "${args[@]}"
  )
}

# Measures the targets named by its arguments, alternating them in every round, after a warm-up
# of each. A target T is URL[T] with optional WRK_ARGS[T] (extra wrk arguments, split on
# spaces), WRK_ENV[T] (NAME=value pairs for wrk's Lua scripts, split on spaces) and WRK_CONN[T]
# (connections, default BENCH_CONNECTIONS). When the function BENCH_BEFORE / BENCH_AFTER is
# set, it is called as `$BENCH_BEFORE T` before and `$BENCH_AFTER T requests` after every
# measured run (the catalog counts its database statements that way).
#   bench_alternate CASE T…   → MED_RPS[T] MED_P50[T] MED_P99[T]
bench_alternate() {
  local name=$1 t r rps p50 p99 requests line
  shift
  local -A all_rps=() all_p50=() all_p99=()
  if ((WARMUP > 0)); then
    for t in "$@"; do _bench_wrk "$t" "$WARMUP" > /dev/null || die "$name: warm-up against $t failed"; done
  fi
  for ((r = 1; r <= ROUNDS; r++)); do
    line="    $name round $r:"
    for t in "$@"; do
      [[ -n ${BENCH_BEFORE:-} ]] && "$BENCH_BEFORE" "$t"
      read -r rps p50 p99 requests < <(_bench_wrk "$t" "$DURATION") && [[ -n ${rps:-} ]] ||
        die "$name: round $r against $t failed (wrk log: $(rel "$LOG_DIR/wrk.log"))"
      [[ -n ${BENCH_AFTER:-} ]] && "$BENCH_AFTER" "$t" "$requests"
      all_rps[$t]+=" $rps" all_p50[$t]+=" $p50" all_p99[$t]+=" $p99"
      line+=" $t $rps req/s,"
    done
    say "${line%,}"
  done
  for t in "$@"; do
    # shellcheck disable=SC2086  # the lists are space-separated numbers
    MED_RPS[$t]=$(median ${all_rps[$t]}) MED_P50[$t]=$(median ${all_p50[$t]}) MED_P99[$t]=$(median ${all_p99[$t]})
  done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }

# Prints the BENCH lines, then the rows for bench/results.md, then any notes.
bench_report() {
  say ""
  printf '%s\n' "${RESULTS[@]}"
  if ((${#ROWS[@]})); then
    say ""
    say "results.md rows:"
    printf '%s\n' "${ROWS[@]}"
  fi
  if ((${#NOTES[@]})); then
    say ""
    printf 'note: %s\n' "${NOTES[@]}"
  fi
}
