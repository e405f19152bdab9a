#!/usr/bin/env bash
# Bench case "gateway" (issue 7, "Benchmark"): a cached product detail
#
#   gateway  GET /api/v1/products/{id} through the gateway (two hops: gateway → catalog)
#   direct   the same requests straight to the catalog
#   nginx    `return 200` with the exact bytes of one such response
#
# measured in the same run, alternating, BENCH_ROUNDS rounds each, medians reported as
#   BENCH gateway-detail rps= p50_ms= p99_ms= ratio_to_nginx= added_p50_ms= …
# where the first fields are the gateway's, ratio_to_nginx = gateway rps / nginx rps and
# added_p50_ms = gateway p50 − direct p50. Goals: ratio ≥ 0.45, added p50 < 0.2 ms.
#
# Setup: gateway and catalog each HTTP_WORKERS=1, both under `taskset -c 0` (they share the
# core, as the issue asks); nginx one worker on core 0; wrk on core 1. wrk cycles over
# BENCH_HOT_IDS (1,000) product ids (bench/wrk/paths.lua), every one read twice beforehand,
# so each request is an L1 hit in the catalog (default cache settings). PostgreSQL and Redis
# run unpinned. The gateway's rate limit stays on — one Redis script per request is part of
# the gateway's cost — with RATE_LIMIT_PER_MINUTE=100000000, so the bench (one client
# address) is never limited. Identity is not started: the gateway needs it only for JWKS
# (token verification), its readiness does not depend on it, and these requests carry no token.
#
# Method and knobs: bench/_lib.sh; also BENCH_HOT_IDS.
set -uo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$REPO" || exit 1
# shellcheck source=../scripts/lib/load.sh
source "$REPO/scripts/lib/load.sh"
# shellcheck source=_lib.sh
source "$REPO/bench/_lib.sh"

HOT=${BENCH_HOT_IDS:-1000}
STORE=00000000-0000-7000-8000-000000000001
RATE_LIMIT=100000000

bench_init gateway psql
bench_build
component_start postgres || fail
component_start redis || fail
component_start redis-cache || fail
exporters_start_for_running_stores > /dev/null || fail  # every stack watches its data stores

stack_seed --products "$((HOT * 3 / 2 + 20))" --store "$STORE" \
  > "$LOG_DIR/seed.log" 2>&1 || die "seeding failed: $(rel "$LOG_DIR/seed.log")"
psql -h 127.0.0.1 -p "$PORT_PG" -U postgres -d mercato_catalog -XAtq -c \
  "SELECT '/api/v1/products/' || id FROM products WHERE store_id = '$STORE' AND deleted_at IS NULL AND status = 'active' ORDER BY id LIMIT $HOT" \
  > "$WORK/paths" || die "cannot read product ids"
(($(wc -l < "$WORK/paths") > 0)) || die "no live products in the bench store"

component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn || fail
component_start gateway --cpu 0 HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=$RATE_LIMIT LOG_LEVEL=warn || fail
CATALOG_URL=$(service_url catalog)
GATEWAY_URL=$(service_url gateway)

# Every id read twice through the gateway (fills Redis, then the catalog's L1; checks the route).
for _ in 1 2; do
  while read -r p; do printf 'url = "%s%s"\noutput = /dev/null\nwrite-out = "%%{http_code}\\n"\n' "$GATEWAY_URL" "$p"; done < "$WORK/paths"
done | curl -s --no-progress-meter --parallel --parallel-max 16 -K - | grep -v '^200$' | sort | uniq -c > "$WORK/warm-errors"
[[ -s $WORK/warm-errors ]] && die "warming through the gateway got non-200 answers: $(tr '\n' ' ' < "$WORK/warm-errors")"

first=$(head -n 1 "$WORK/paths")
curl -fsS -o "$WORK/detail.json" "$CATALOG_URL$first" || die "GET $first from the catalog failed"
curl -fsS -o "$WORK/detail.gateway.json" "$GATEWAY_URL$first" || die "GET $first through the gateway failed"
cmp -s "$WORK/detail.json" "$WORK/detail.gateway.json" || die "the gateway does not pass the catalog's bytes unchanged"
nginx_serve "$WORK/detail.json"

step "gateway: cached detail over $(wc -l < "$WORK/paths") ids, gateway / direct / nginx alternating, $ROUNDS rounds of ${DURATION}s (wrk log: $(rel "$LOG_DIR/wrk.log"))"
for t in gateway catalog; do
  WRK_ARGS[$t]="-s $REPO/bench/wrk/paths.lua"
  WRK_ENV[$t]="BENCH_PATHS=$WORK/paths"
done
URL[gateway]=$GATEWAY_URL/
URL[catalog]=$CATALOG_URL/
URL[nginx]=$NGINX_URL
bench_alternate gateway-detail gateway catalog nginx

r=$(ratio "${MED_RPS[gateway]}" "${MED_RPS[nginx]}")
rd=$(ratio "${MED_RPS[catalog]}" "${MED_RPS[nginx]}")
added=$(awk -v g="${MED_P50[gateway]}" -v d="${MED_P50[catalog]}" 'BEGIN { printf "%.3f", g - d }')
RESULTS+=("$(printf 'BENCH gateway-detail rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_nginx=%s added_p50_ms=%s direct_rps=%.0f direct_p50_ms=%.3f direct_p99_ms=%.3f direct_ratio_to_nginx=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f body_bytes=%s hot_ids=%s rate_limit_per_minute=%s rounds=%s duration_s=%s' \
  "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" "$r" "$added" \
  "${MED_RPS[catalog]}" "${MED_P50[catalog]}" "${MED_P99[catalog]}" "$rd" \
  "${MED_RPS[nginx]}" "${MED_P50[nginx]}" "${MED_P99[nginx]}" "$(wc -c < "$WORK/detail.json")" \
  "$(wc -l < "$WORK/paths")" "$RATE_LIMIT" "$ROUNDS" "$DURATION")")
ROWS+=("$(printf '| %s | %s | gateway-detail | %.0f | %.3f | %.3f | %.0f | %.3f | %.0f | %s | %s |' "$(date +%F)" "$(commit_short)" \
  "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" "${MED_RPS[catalog]}" "${MED_P50[catalog]}" \
  "${MED_RPS[nginx]}" "$r" "$added")")
NOTES+=("results.md row columns: date | commit | case | gateway rps | p50 | p99 | direct rps | direct p50 | nginx rps | ratio_to_nginx | added_p50_ms")
bench_report
