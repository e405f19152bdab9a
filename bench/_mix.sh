# shellcheck shell=bash disable=SC2034  # sets variables for the sourcing case
# The mix's setup, shared by the cases that drive it (sourced after _lib.sh, never run):
# bench/mix.sh raises its load in steps to find the capacity, bench/soak.sh holds 70 % of that
# capacity for half an hour. Both must send exactly the same requests, so the data, the users, the
# services and the files bench/wrk/mix.lua reads are prepared here once.
#
# Knobs: BENCH_PRODUCTS (1000000), BENCH_MIX_USERS (1000), BENCH_MIX_DEPTH (100000), BENCH_SEED
# (1), BENCH_MIX_TRACE_RATIO (0.01), BENCH_MIX_SEARCH_SAMPLE (20000: products whose names and
# SKUs give the search terms).
#
#   mix_prepare        data, services, users and the request files (P); sets GATEWAY_URL, CAT_URL,
#                      ID_URL, ADMIN_TOKEN, P and MIX_PIDS (process → pid)
#   mix_wrk C S [NAME=value…]
#                      one run of mix.lua through the gateway at C connections for S seconds,
#                      with extra environment for the script (BENCH_MIX_RATE=…); prints wrk's output
#   mix_counts OUTPUT  what mix.lua's done() counted, as " detail=… search_distinct=… late=…
#                      dropped=… detail_p50_ms=… search_p99_ms=…" (sent, schedule, latency by kind)
#   mix_latency OUTPUT mix.lua's own latency of every answer: "p50_ms p99_ms timed untimed"

PRODUCTS=${BENCH_PRODUCTS:-1000000}
USERS=${BENCH_MIX_USERS:-1000}
DEPTH=${BENCH_MIX_DEPTH:-100000}
SEED=${BENCH_SEED:-1}
TRACE_RATIO=${BENCH_MIX_TRACE_RATIO:-0.01}
SEARCH_SAMPLE=${BENCH_MIX_SEARCH_SAMPLE:-20000}
STORE=00000000-0000-7000-8000-000000000001
# The benchmark's own store: its writes never change the kept 1M products of STORE.
WRITE_STORE=00000000-0000-7000-8000-00000000b0b0
ADMIN_EMAIL=bench-mix-admin@mercato.test
RATE_LIMIT=100000000
CURSOR_SECRET=mercato-bench-catalog-cursors
# The mix's last measured capacity, kept beside the data (outside the bench stack, which every
# case wipes) for bench/soak.sh.
MIX_CAPACITY_FILE=$VAR_ROOT/bench-data/mix-capacity
[[ $PRODUCTS =~ ^[0-9]+$ ]] && ((PRODUCTS >= 1000)) || die "BENCH_PRODUCTS must be a number ≥ 1000"
[[ $USERS =~ ^[1-9][0-9]*$ && $DEPTH =~ ^[0-9]+$ && $SEED =~ ^[0-9]+$ && $SEARCH_SAMPLE =~ ^[1-9][0-9]*$ ]] ||
  die "BENCH_MIX_USERS, BENCH_MIX_DEPTH, BENCH_SEED and BENCH_MIX_SEARCH_SAMPLE take whole numbers"

cat_sql() { psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_catalog -XAtq -v ON_ERROR_STOP=1 "$@"; }
id_sql() { psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_identity -XAtq -v ON_ERROR_STOP=1 "$@"; }
otlp_on_core_1() { local pid; pid=$(otlp_pid) && taskset -pc 1 "$pid" > /dev/null; }

mix_prepare() {
  bench_build
  bench_catalog_data "$PRODUCTS" "$STORE"
  # The read replica (BENCH_MIX_REPLICA, mix.sh): a base backup of the data just prepared.
  if [[ $PG_REPLICA == 1 ]]; then component_start postgres-replica || fail; fi
  component_start redis || fail
  component_start redis-cache || fail
  exporters_start_for_running_stores > /dev/null || fail  # every stack watches its data stores

  # ---- the receiver and the services -----------------------------------------------------------
  component_start otlp || fail
  otlp_on_core_1 || die "cannot pin the OTLP receiver to core 1"
  local tracing=(OTEL_TRACES_SAMPLER=parentbased_traceidratio "OTEL_TRACES_SAMPLER_ARG=$TRACE_RATIO")
  component_start identity --cpu 0 HTTP_WORKERS=1 PASSWORD_HASH_WORKERS=1 JWT_ACCESS_TTL=2h LOG_LEVEL=warn "${tracing[@]}" || fail
  component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn CATALOG_CURSOR_SECRET="$CURSOR_SECRET" "${tracing[@]}" || fail
  component_start gateway --cpu 0 HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=$RATE_LIMIT LOG_LEVEL=warn "${tracing[@]}" || fail
  GATEWAY_URL=$(service_url gateway)
  ID_URL=$(service_url identity)
  CAT_URL=$(service_url catalog)

  # ---- users: one admin (writes, in the bench store) and USERS viewers -----------------------
  cat_sql -c "INSERT INTO stores (id, slug, name) VALUES ('$WRITE_STORE', 'bench-mix', 'Bench mix writes')
              ON CONFLICT (id) DO NOTHING" > /dev/null || die "cannot create the bench store"
  # What earlier runs wrote there (their products were created and deleted) goes first.
  cat_sql -c "DELETE FROM products WHERE store_id = '$WRITE_STORE'" > /dev/null || die "cannot clear the bench store"
  local password i
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')mix
  svc_env identity
  printf '%s\n' "$password" | env "${SVC_ENV[@]}" LOG_LEVEL=warn "$(svc_bin identity)" user add --email "$ADMIN_EMAIL" \
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
  _login_body() { jq -cn --arg e "$1" --arg p "$password" '{email: $e, password: $p}'; }
  ADMIN_TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' --data "$(_login_body "$ADMIN_EMAIL")" \
    "$ID_URL/api/v1/auth/login" | jq -er '.data.access_token') || die "login as $ADMIN_EMAIL failed"
  step "$BENCH_NAME: logging in $USERS users (argon2id, one hash thread)"
  for ((i = 1; i <= USERS; i++)); do
    ((i > 1)) && printf 'next\n'  # each URL its own options (data would accumulate otherwise)
    printf 'url = "%s/api/v1/auth/login"\nrequest = "POST"\nheader = "Content-Type: application/json"\ndata = %s\n' \
      "$ID_URL" "$(_login_body "bench-mix-user-$i@mercato.test" | jq -R .)"
    printf 'write-out = "\\n"\n'
  done | curl -s --no-progress-meter --parallel --parallel-max 4 -K - > "$WORK/logins.json"
  jq -r 'select(.data.access_token) | .data.access_token' "$WORK/logins.json" 2> /dev/null > "$P/tokens"
  (($(wc -l < "$P/tokens") == USERS)) || die "only $(wc -l < "$P/tokens") of $USERS logins gave a token"

  # ---- what the users request --------------------------------------------------------------
  step "$BENCH_NAME: listing products, categories, cursors and search terms"
  # Every live product the public can read, in an order unrelated to age or id: mix.lua's Zipf
  # ranks index this list, so the popular products are spread over the whole catalog.
  cat_sql -c "SELECT '/api/v1/products/' || id FROM products WHERE store_id = '$STORE' AND deleted_at IS NULL
               AND status = 'active' ORDER BY md5(id::text)" > "$P/details" || die "cannot list the products"
  cat_sql -c "SELECT id FROM categories WHERE store_id = '$STORE' AND deleted_at IS NULL ORDER BY id LIMIT 8" \
    > "$WORK/categories" || die "cannot list the categories"
  local sort page c
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
  local live cursors=256
  live=$(wc -l < "$P/details")
  if ((DEPTH + cursors * 20 + 20 > live)); then  # a small catalog (a quick run): a quarter deep
    DEPTH=$(((live / 4) / 100 * 100)) cursors=$(((live / 2) / 20))
    NOTES+=("only $live live products: deep pages from depth $DEPTH, $cursors cursors")
  fi
  python3 "$REPO/bench/tools/v2_cursors.py" "$CAT_URL" "$DEPTH" 100 20 "$cursors" > "$WORK/cursors" || die "the v2 walk failed"
  sed 's|^|/api/v2/products?limit=20\&cursor=|' "$WORK/cursors" > "$P/deep"
  mix_search_terms
  # A server that has been running holds its products in shared_buffers; one started for this
  # run does not, and its first minutes would measure reads from the kernel's cache (searches
  # and deep pages 2–5 times slower). pg_prewarm (contrib) loads the table and its indexes
  # first, so the steps measure the steady state. Reported in the notes with its time.
  local warmed
  warmed=$(cat_sql -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm" \
    -c "SELECT sum(pg_prewarm(c.oid::regclass)) FROM pg_class c WHERE c.oid = 'products'::regclass
          OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'products'::regclass)") ||
    die "cannot prewarm products (pg_prewarm)"
  NOTES+=("PostgreSQL prewarmed: products and its indexes, $warmed blocks (pg_prewarm)")
  if [[ $PG_REPLICA == 1 ]]; then
    # The replica serves the reads that miss the cache: it starts as cold as the primary did.
    local i
    for ((i = 0; i < 100; i++)); do  # the extension's creation must have been replayed
      warmed=$(psql -h 127.0.0.1 -p "$PORT_PG_REPLICA" -U postgres -d mercato_catalog -XAtq -c \
        "SELECT sum(pg_prewarm(c.oid::regclass)) FROM pg_class c WHERE c.oid = 'products'::regclass
           OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'products'::regclass)" 2> /dev/null) && break
      sleep 0.2
    done
    [[ -n $warmed ]] || die "cannot prewarm the replica (pg_prewarm)"
    NOTES+=("replica prewarmed: $warmed blocks")
  fi

  declare -gA MIX_PIDS=()
  local name
  for name in gateway catalog identity; do MIX_PIDS[$name]=$(svc_pid "$name") || die "no $name pid"; done
  for name in redis redis-cache; do MIX_PIDS[$name]=$(redis_pid "$name") || die "no $name pid"; done
  MIX_PIDS[postgres]=$(pg_pid "$STATE/pg/primary") || die "no PostgreSQL pid"
  if [[ $PG_REPLICA == 1 ]]; then MIX_PIDS[postgres_replica]=$(pg_pid "$PG_DIR/replica") || die "no replica pid"; fi
}

# The search terms, from the words the catalog really holds (names as src/services/catalog/seed.cpp
# builds them, and SKUs) of SEARCH_SAMPLE products: search_common holds the terms that match many
# products (single words, two adjacent words, the first four letters of a word as a
# search-as-you-type prefix), search_rare those that match a handful or one (a whole name, a
# SKU). Each is a substring of a real name or SKU, so it matches whether the catalog searches by
# substring or by words. URL-encoded (a space as %20), ready for a query string.
mix_search_terms() {
  cat_sql -F $'\t' -c "SELECT name, sku FROM products WHERE store_id = '$STORE' AND deleted_at IS NULL
                        AND status = 'active' ORDER BY md5(id::text) LIMIT $SEARCH_SAMPLE" > "$WORK/sample" ||
    die "cannot sample names and SKUs for the searches"
  awk -F '\t' -v common="$P/search_common" -v rare="$P/search_rare" '
    function enc(s) { gsub(/ /, "%20", s); return s }
    {
      print enc($1) > rare
      print $2 > rare
      n = split($1, w, " ")
      for (i = 1; i <= n; i++) {
        if (w[i] !~ /^[A-Za-z-]+$/ || length(w[i]) < 3) continue  # "Mk", digits: under the 3 characters q needs
        word[tolower(w[i])] = 1
        if (length(w[i]) >= 5) word[tolower(substr(w[i], 1, 4))] = 1
        if (i < n && w[i + 1] ~ /^[A-Za-z-]+$/) word[tolower(w[i] "%20" w[i + 1])] = 1
      }
    }
    END { for (t in word) print t > common }' "$WORK/sample" || die "cannot derive the search terms"
  sort -u -o "$P/search_common" "$P/search_common" && sort -u -o "$P/search_rare" "$P/search_rare" ||
    die "cannot sort the search terms"
  [[ -s $P/search_common && -s $P/search_rare ]] || die "no search terms from $(rel "$WORK/sample")"
  NOTES+=("searches: $(wc -l < "$P/search_common") common terms, $(wc -l < "$P/search_rare") rare ones (names and SKUs of $SEARCH_SAMPLE products)")
}

mix_wrk() {
  mix_wrk_command "$@"
  "${MIX_WRK[@]}" 2>&1
}

# The command line of mix_wrk in MIX_WRK (a case that runs it in the background execs it, so
# the pid it holds is wrk's own).
mix_wrk_command() {
  local conns=$1 seconds=$2
  shift 2
  MIX_WRK=(env BENCH_MIX_DIR="$P" BENCH_ADMIN_TOKEN="$ADMIN_TOKEN" BENCH_SEED="$SEED" "$@"
    taskset -c 1 wrk -t1 -c"$conns" -d"${seconds}s" --latency -s "$REPO/bench/wrk/mix.lua" "$GATEWAY_URL/")
}

# mix.lua's done() prints "mix: sent k=v …", "mix: schedule k=v …" and "mix: latency-by-kind
# k=v …" lines: they become " k=v …" (the count of each kind, so a BENCH line shows the mix it
# really sent, and each kind's p50 and p99).
mix_counts() {
  awk '/^mix: (sent|schedule|latency-by-kind) / { for (i = 3; i <= NF; i++) printf " %s", $i }' <<< "$1"
}

# The latency of a run as mix.lua measured it, not wrk: each answer once, from its request's
# slot when paced (BENCH_MIX_RATE) or its sending otherwise, with none of the synthetic samples
# wrk 4.1.0 adds for coordinated omission (bench/wrk/mix.lua). Prints "p50_ms p99_ms timed
# untimed" (untimed: answers that came back without the request's number).
mix_latency() {
  awk '/^mix: latency timed=/ { for (i = 3; i <= NF; i++) { split($i, f, "="); v[f[1]] = f[2] } }
       END { printf "%.3f %.3f %d %d\n", v["p50_ms"], v["p99_ms"], v["timed"], v["untimed"] }' <<< "$1"
}

# A count out of mix_counts' text: mix_count TEXT NAME.
mix_count() {
  local v
  v=$(grep -o " $2=[0-9.]*" <<< "$1" | head -1)
  printf '%s' "${v#* "$2"=}"
}
