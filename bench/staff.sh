#!/usr/bin/env bash
# Bench case "staff" (issue 18, "Benchmarks"): what a store's staff do in bulk, timed end to end
# through the gateway as the dashboard does it, each followed by a check that the caches tell
# the truth afterwards (every changed product read back through the gateway):
#
#   BENCH staff-bulk-archive products= seconds= items_per_s= catalog_peak_rss_kb= checked= stale=
#       POST /api/v1/products/bulk {"action":"archive","filter":{"status":"active"}} over a store
#       of BENCH_STAFF_BULK (10,000) active products, all read through the gateway first (so
#       every one is in the caches), timed from the POST to the job's `succeeded`; then every
#       product read again through the gateway: stale = those still not archived (must be 0).
#       Goal: < 10 s.
#   BENCH staff-import … checked= stale=
#       bench/_staff_import.sh (goal: 100,000 products from CSV < 20 s). The first
#       BENCH_STAFF_IMPORT_UPDATES (a tenth) of the file's SKUs exist before, with other values,
#       and are read through the gateway first (so cached); afterwards every product of the
#       file is read through the gateway: stale = those that differ from their row (must be 0).
#   BENCH staff-import-floor rows= seconds=
#       PostgreSQL's own floor for that import on this box: one INSERT … SELECT of as many
#       products (no parsing, no staging, no audit rows, one statement) into the import's store,
#       rolled back; most of its time is keeping the products table's indexes up to date.
#   BENCH staff-export …   bench/_staff_export.sh (goal: 1,000,000 products < 20 s, memory flat)
#
# catalog_peak_rss_kb: the catalog's VmHWM (peak resident set) after the step; each step starts
# a fresh catalog, so the figure is that step's.
#
# Setup: gateway, catalog and identity each HTTP_WORKERS=1 under `taskset -c 0` (the method of
# every case), PostgreSQL and Redis unpinned. The export reads the 1,000,000 products of the
# default store that bench_catalog_data keeps between runs; the bulk archive and the import
# write to stores of their own, emptied before and after, so the kept data never changes.
#
# Knobs: bench/_lib.sh, BENCH_PRODUCTS (1000000), BENCH_STAFF_BULK (10000),
# BENCH_STAFF_IMPORT_ROWS (100000), BENCH_STAFF_IMPORT_UPDATES (a tenth of them), BENCH_STAFF_STEPS ("bulk import export").
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"

PRODUCTS=${BENCH_PRODUCTS:-1000000}
BULK=${BENCH_STAFF_BULK:-10000}
IMPORT_ROWS=${BENCH_STAFF_IMPORT_ROWS:-100000}
IMPORT_UPDATES=${BENCH_STAFF_IMPORT_UPDATES:-$((IMPORT_ROWS / 10))}
STEPS=${BENCH_STAFF_STEPS:-bulk import export}
STORE=00000000-0000-7000-8000-000000000001
# The stores this case writes to: emptied before each step and after the case.
BULK_STORE=00000000-0000-7000-8000-00000000b0b1
IMPORT_STORE=00000000-0000-7000-8000-00000000b0b2
ADMIN_EMAIL=bench-staff-admin@mercato.test
[[ $PRODUCTS =~ ^[0-9]+$ && $BULK =~ ^[1-9][0-9]*$ && $IMPORT_ROWS =~ ^[1-9][0-9]*$ && $IMPORT_UPDATES =~ ^[0-9]+$ ]] ||
  die "BENCH_PRODUCTS, BENCH_STAFF_BULK, BENCH_STAFF_IMPORT_ROWS and BENCH_STAFF_IMPORT_UPDATES take whole numbers"
((IMPORT_UPDATES <= IMPORT_ROWS)) || die "BENCH_STAFF_IMPORT_UPDATES ($IMPORT_UPDATES) is more than BENCH_STAFF_IMPORT_ROWS"

bench_init staff psql jq python3
bench_build
bench_catalog_data "$PRODUCTS" "$STORE"
component_start redis || fail
component_start redis-cache || fail
exporters_start_for_running_stores > /dev/null || fail

cat_sql() { psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_catalog -XAtq -v ON_ERROR_STOP=1 "$@"; }

# A fresh catalog (its peak RSS is then this step's), and the gateway and identity once.
start_catalog() {
  component_stop catalog > /dev/null 2>&1
  component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn || fail
  CAT_PID=$(svc_pid catalog) || die "no catalog pid"
}
# The catalog's peak resident set so far, in KiB.
catalog_peak_rss_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$CAT_PID/status" 2> /dev/null || echo 0; }

component_start identity --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn || fail
start_catalog
component_start gateway --cpu 0 HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=100000000 LOG_LEVEL=warn || fail
GATEWAY_URL=$(service_url gateway)
for s in "$BULK_STORE:bench-staff-bulk" "$IMPORT_STORE:bench-staff-import"; do
  cat_sql -c "INSERT INTO stores (id, slug, name) VALUES ('${s%%:*}', '${s#*:}', 'Bench staff')
              ON CONFLICT (id) DO NOTHING" > /dev/null || die "cannot create the bench stores"
done
# Products of earlier runs (the audit rows they left stay: the log is append-only).
# (Their images go with them: ON DELETE CASCADE.)
empty_store() { cat_sql -c "DELETE FROM products WHERE store_id = '$1'" > /dev/null || die "cannot empty store $1"; }
cleanup_stores() { empty_store "$BULK_STORE"; empty_store "$IMPORT_STORE"; }
EXIT_HOOKS+=(cleanup_stores)
bench_user "$ADMIN_EMAIL" admin "$GATEWAY_URL"
AUTH="Authorization: Bearer $TOKEN"

# Reads every path of FILE through the gateway as the admin in STORE, printing each answer's
# body (one JSON document per line; non-2xx answers too, so the caller sees them).
# The headers come once, first: options in a curl config apply to every URL after them (given per
# URL, curl would send each request with all of them so far).
read_all() {
  local file=$1 store=$2 p
  {
    printf 'header = "%s"\nheader = "X-Store-ID: %s"\nwrite-out = "\\n"\n' "$AUTH" "$store"
    while read -r p; do printf 'url = "%s%s"\n' "$GATEWAY_URL" "$p"; done < "$file"
  } | curl -s --no-progress-meter --parallel --parallel-max 16 -K -
}

# Polls GET /api/v1/jobs/ID until it ends; prints its last JSON. Bounded by SECONDS_MAX.
wait_job() {
  local id=$1 store=$2 max=$3 started=$SECONDS body state
  while ((SECONDS - started < max)); do
    body=$(curl -fsS -H "$AUTH" -H "X-Store-ID: $store" "$GATEWAY_URL/api/v1/jobs/$id") || return 1
    state=$(jq -r .data.state <<< "$body")
    [[ $state == succeeded || $state == failed || $state == cancelled ]] && { printf '%s\n' "$body"; return 0; }
    sleep 0.1
  done
  return 1
}

now_s() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

staff_bulk_archive() {
  step "$BENCH_NAME: bulk archive of $BULK products by filter"
  empty_store "$BULK_STORE"
  start_catalog
  cat_sql -c "INSERT INTO products (id, store_id, name, slug, sku, price_cents, currency, status, stock)
              SELECT gen_random_uuid(), '$BULK_STORE', 'Staff lamp ' || g, 'staff-lamp-' || g, 'STAFF-' || g,
                     1000 + g, 'EUR', 'active', 5
                FROM generate_series(1, $BULK) g" > /dev/null || die "cannot insert the bulk store's products"
  cat_sql -c "ANALYZE products" > /dev/null
  cat_sql -c "SELECT '/api/v1/products/' || id FROM products WHERE store_id = '$BULK_STORE'" > "$WORK/bulk-paths" ||
    die "cannot list the bulk store's products"
  # Every product in the caches first: the archive must invalidate them, not miss them.
  read_all "$WORK/bulk-paths" "$BULK_STORE" | jq -r '.data.status // "error"' | sort | uniq -c > "$WORK/bulk-before"
  grep -q " active$" "$WORK/bulk-before" && (($(awk '$2 == "active" { print $1 }' "$WORK/bulk-before") == BULK)) ||
    die "warming the bulk store did not read $BULK active products: $(tr '\n' ' ' < "$WORK/bulk-before")"

  local t0 t1 answer id job
  t0=$(now_s)
  answer=$(curl -sS -H "$AUTH" -H "X-Store-ID: $BULK_STORE" -H 'Content-Type: application/json' \
    --data '{"action":"archive","filter":{"status":"active"}}' "$GATEWAY_URL/api/v1/products/bulk") ||
    die "POST /api/v1/products/bulk failed"
  id=$(jq -er .data.id <<< "$answer") || die "the bulk call answered no job: $answer"
  job=$(wait_job "$id" "$BULK_STORE" 300) || die "the bulk job did not end within 300 s"
  t1=$(now_s)
  [[ $(jq -r .data.state <<< "$job") == succeeded ]] || die "the bulk job ended $(jq -c .data <<< "$job")"
  local seconds rss done_items
  seconds=$(elapsed "$t0" "$t1")
  rss=$(catalog_peak_rss_kb)
  done_items=$(jq -r .data.progress.done <<< "$job")

  read_all "$WORK/bulk-paths" "$BULK_STORE" | jq -r '.data.status // "error"' | sort | uniq -c > "$WORK/bulk-after"
  local archived stale
  archived=$(awk '$2 == "archived" { print $1 }' "$WORK/bulk-after")
  stale=$((BULK - ${archived:-0}))
  RESULTS+=("BENCH staff-bulk-archive products=$done_items seconds=$seconds items_per_s=$(awk -v n="$done_items" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') catalog_peak_rss_kb=$rss checked=$BULK stale=$stale")
  ROWS+=("| $(date -u +%F) | $(commit_short) | staff-bulk-archive | $done_items products by filter | $seconds s | goal < 10 s | catalog peak RSS $((rss / 1024)) MiB; $BULK read back, $stale stale |")
  ((stale == 0)) || NOTES+=("bulk archive: $stale of $BULK products still read as not archived through the gateway: $(tr '\n' ' ' < "$WORK/bulk-after")")
  empty_store "$BULK_STORE"
}

staff_import_step() {
  step "$BENCH_NAME: import of $IMPORT_ROWS products from CSV ($IMPORT_UPDATES of them updates of cached products)"
  empty_store "$IMPORT_STORE"
  start_catalog
  # The first IMPORT_UPDATES SKUs of the file exist already, with other names and prices, and
  # are read through the gateway first (so cached): the import must replace what is cached.
  local prefix=IMP$(date +%s)
  cat_sql -c "INSERT INTO products (id, store_id, name, slug, sku, price_cents, currency, status, stock)
              SELECT gen_random_uuid(), '$IMPORT_STORE', 'Before the import ' || g, 'before-the-import-' || g,
                     '$prefix-' || g, 1, 'EUR', 'active', 1
                FROM generate_series(1, $IMPORT_UPDATES) g" > /dev/null || die "cannot insert the products the import updates"
  cat_sql -c "SELECT '/api/v1/products/' || id FROM products WHERE store_id = '$IMPORT_STORE'" > "$WORK/import-paths" ||
    die "cannot list the import store's products"
  local warm
  warm=$(read_all "$WORK/import-paths" "$IMPORT_STORE" | jq -r '.data.name // "error"' | grep -c '^Before the import')
  ((warm == IMPORT_UPDATES)) || die "warming the import store read $warm of $IMPORT_UPDATES products"
  local line
  line=$(staff_import "$GATEWAY_URL" "$TOKEN" "$IMPORT_STORE" "$CAT_PID" "$IMPORT_ROWS" "$prefix") ||
    NOTES+=("staff-import did not succeed: ${line:-no output}")
  if [[ -n $line ]]; then
    # Every product of the file read back through the gateway.
    cat_sql -c "SELECT '/api/v1/products/' || id FROM products WHERE store_id = '$IMPORT_STORE'" > "$WORK/import-paths" ||
      die "cannot list the import store's products"
    local check stale checked
    check=$(read_all "$WORK/import-paths" "$IMPORT_STORE" | staff_import_expected "$prefix")
    read -r stale checked <<< "$check"
    RESULTS+=("$line checked=$checked stale=$stale")
    local total rss
    total=$(sed -n 's/.*seconds_total=\([0-9.]*\).*/\1/p' <<< "$line")
    rss=$(sed -n 's/.*catalog_peak_rss_kb=\([0-9]*\).*/\1/p' <<< "$line")
    ROWS+=("| $(date -u +%F) | $(commit_short) | staff-import | $IMPORT_ROWS products from CSV ($IMPORT_UPDATES updates of cached ones) | $total s | goal < 20 s | upload and dry run $(sed -n 's/.*seconds_upload=\([0-9.]*\).*/\1/p' <<< "$line") s, job $(sed -n 's/.*seconds_import=\([0-9.]*\).*/\1/p' <<< "$line") s; catalog peak RSS $((rss / 1024)) MiB; $checked read back, $stale stale |")
    ((stale == 0 && checked == IMPORT_ROWS)) ||
      NOTES+=("import: $stale of $checked products read back through the gateway differ from the file (expected $IMPORT_ROWS)")
  fi
  empty_store "$IMPORT_STORE"
  # The floor: the same number of products in one statement, rolled back.
  local t0 t1
  t0=$(now_s)
  cat_sql -c "BEGIN" -c "INSERT INTO products (id, store_id, name, slug, sku, description, price_cents, currency, status, stock, attributes)
              SELECT gen_random_uuid(), '$IMPORT_STORE', 'Imported product ' || g, 'imported-product-' || g, 'FLOOR-' || g,
                     'A product, \"number\" ' || g, 100 + g % 9000, 'EUR', 'active', g % 500, jsonb_build_object('n', g)
                FROM generate_series(1, $IMPORT_ROWS) g" -c "ROLLBACK" > /dev/null || die "the import floor's INSERT failed"
  t1=$(now_s)
  RESULTS+=("BENCH staff-import-floor rows=$IMPORT_ROWS seconds=$(elapsed "$t0" "$t1")")
  ROWS+=("| $(date -u +%F) | $(commit_short) | staff-import-floor | $IMPORT_ROWS products in one INSERT … SELECT, rolled back | $(elapsed "$t0" "$t1") s | — | PostgreSQL's own cost of the rows and their indexes on this box |")
}

for s in $STEPS; do
  case $s in
    bulk) staff_bulk_archive ;;
    import)
      # shellcheck source=_staff_import.sh
      source "$REPO/bench/_staff_import.sh"
      staff_import_step
      ;;
    export)
      # shellcheck source=_staff_export.sh
      source "$REPO/bench/_staff_export.sh"
      step "$BENCH_NAME: export of the $PRODUCTS products of the default store"
      start_catalog
      line=$(staff_export "$GATEWAY_URL" "$TOKEN" "$STORE") || NOTES+=("staff-export did not succeed: ${line:-no output}")
      [[ -n $line ]] && RESULTS+=("$line")
      ;;
    *) die "BENCH_STAFF_STEPS takes bulk, import and export, got '$s'" ;;
  esac
done
bench_report
