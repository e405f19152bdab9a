#!/usr/bin/env bash
# Bench case "compression" (issue 15, "Response compression"): a cached list page through the
# gateway to a client that accepts gzip
#
#   gateway  GET /api/v1/products?per_page=20 through the gateway, Accept-Encoding: gzip
#   nginx    the same gzip bytes from a file, with Content-Encoding: gzip
#
# measured in the same run, alternating, BENCH_ROUNDS rounds each, medians reported as
#   BENCH gateway-list-gzip rps= p50_ms= p99_ms= ratio_to_nginx= plain_bytes= gzip_bytes= …
# where ratio_to_nginx = gateway rps / nginx rps. Goal: ≥ 0.40.
#
# The page is an L1 hit in the catalog (read twice beforehand); the gateway compresses it on
# every request (COMPRESS_MIN_BYTES default) until a gateway cache keeps the coded bytes.
# Setup as bench/gateway.sh: gateway and catalog each HTTP_WORKERS=1 under `taskset -c 0`,
# nginx one worker on core 0, wrk on core 1, the rate limit on but never reached; identity is
# not started (these requests carry no token).
#
# Method and knobs: bench/_lib.sh.
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"

STORE=00000000-0000-7000-8000-000000000001
RATE_LIMIT=100000000
PAGE=/api/v1/products?per_page=20

bench_init compression
bench_build
bench_stores

stack_seed --products 200 --store "$STORE" > "$LOG_DIR/seed.log" 2>&1 || die "seeding failed: $(rel "$LOG_DIR/seed.log")"

component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn || fail
component_start gateway --cpu 0 HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=$RATE_LIMIT LOG_LEVEL=warn || fail
GATEWAY_URL=$(service_url gateway)

# Read twice (Redis, then the catalog's L1); the plain and the gzip answers, checked to agree.
curl -fsS -o "$WORK/list.json" "$GATEWAY_URL$PAGE" && curl -fsS -o "$WORK/list.json" "$GATEWAY_URL$PAGE" ||
  die "GET $PAGE through the gateway failed"
curl -fsS -D "$WORK/list.gz.head" -H 'Accept-Encoding: gzip' -o "$WORK/list.json.gz" "$GATEWAY_URL$PAGE" ||
  die "GET $PAGE with Accept-Encoding: gzip through the gateway failed"
grep -qi '^content-encoding: gzip' "$WORK/list.gz.head" || die "the gateway did not gzip $PAGE"
gunzip -c "$WORK/list.json.gz" | cmp -s - "$WORK/list.json" || die "the gzip answer does not decode to the plain one"
nginx_serve "$WORK/list.json.gz" application/json gzip

step "compression: cached list page, gzip accepted, gateway / nginx alternating, $ROUNDS rounds of ${DURATION}s (wrk log: $(rel "$LOG_DIR/wrk.log"))"
URL[gateway]=$GATEWAY_URL$PAGE
URL[nginx]=$NGINX_URL
for t in gateway nginx; do WRK_ARGS[$t]="-s $REPO/bench/wrk/accept_gzip.lua"; done
bench_alternate gateway-list-gzip gateway nginx

r=$(ratio "${MED_RPS[gateway]}" "${MED_RPS[nginx]}")
RESULTS+=("$(printf 'BENCH gateway-list-gzip rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_nginx=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f plain_bytes=%s gzip_bytes=%s rounds=%s duration_s=%s' \
  "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" "$r" \
  "${MED_RPS[nginx]}" "${MED_P50[nginx]}" "${MED_P99[nginx]}" \
  "$(wc -c < "$WORK/list.json")" "$(wc -c < "$WORK/list.json.gz")" "$ROUNDS" "$DURATION")")
ROWS+=("$(printf '| %s | %s | gateway-list-gzip | %.0f | %.3f | %.3f | %.0f | %s | %s / %s |' "$(date +%F)" "$(commit_short)" \
  "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" "${MED_RPS[nginx]}" "$r" \
  "$(wc -c < "$WORK/list.json.gz")" "$(wc -c < "$WORK/list.json")")")
NOTES+=("results.md row columns: date | commit | case | gateway rps | p50 | p99 | nginx rps | ratio_to_nginx | gzip bytes / plain bytes")
bench_report
