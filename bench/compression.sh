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
# The page is a hit of the gateway's response cache (docs/http-caching.md), which keeps the
# gzip bytes coded once when it stored the page (COMPRESS_MIN_BYTES default): the gateway
# neither asks the catalog nor compresses per request. The setup reads the page until the
# gzip answer is such a hit (a write's first second is never stored: the seed's writes) and
# stops if it is not; gateway_compressions_total is checked not to grow during the run.
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

# Read until the gateway's cache holds the page (its plain answer stored, with the gzip bytes
# beside it) and the gzip answer is a hit; the plain and the gzip answers, checked to agree.
for _ in $(seq 1 30); do
  curl -fsS -o "$WORK/list.json" "$GATEWAY_URL$PAGE" || die "GET $PAGE through the gateway failed"
  curl -fsS -D "$WORK/list.gz.head" -H 'Accept-Encoding: gzip' -o "$WORK/list.json.gz" "$GATEWAY_URL$PAGE" ||
    die "GET $PAGE with Accept-Encoding: gzip through the gateway failed"
  grep -qi '^x-cache: hit' "$WORK/list.gz.head" && break
  sleep 0.2
done
grep -qi '^x-cache: hit' "$WORK/list.gz.head" || die "the gateway's response cache does not answer $PAGE (no X-Cache: hit)"
grep -qi '^content-encoding: gzip' "$WORK/list.gz.head" || die "the gateway did not gzip $PAGE"
gunzip -c "$WORK/list.json.gz" | cmp -s - "$WORK/list.json" || die "the gzip answer does not decode to the plain one"
nginx_serve "$WORK/list.json.gz" application/json gzip

# The gzip codings of answers passing the middleware: none while wrk reads the page (the
# cache codes once per store, by="cache", when the entry expires and is stored again).
gzip_codings() {
  local m
  m=$(curl -fsS "$(service_metrics_url gateway)/metrics") || return 1
  awk '/^gateway_compressions_total\{coding="gzip",by="middleware"\}/ { n += $NF } END { printf "%d", n }' <<< "$m"
}
CODINGS_BEFORE=$(gzip_codings) || die "could not read the gateway's /metrics"

step "compression: cached list page, gzip accepted, gateway / nginx alternating, $ROUNDS rounds of ${DURATION}s (wrk log: $(rel "$LOG_DIR/wrk.log"))"
URL[gateway]=$GATEWAY_URL$PAGE
URL[nginx]=$NGINX_URL
for t in gateway nginx; do WRK_ARGS[$t]="-s $REPO/bench/wrk/accept_gzip.lua"; done
bench_alternate gateway-list-gzip gateway nginx
CODINGS_AFTER=$(gzip_codings) || die "could not read the gateway's /metrics"
[[ $CODINGS_AFTER == "$CODINGS_BEFORE" ]] ||
  die "the gateway gzipped the page during the run ($CODINGS_BEFORE → $CODINGS_AFTER codings): not served from its cache's coded bytes"

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
