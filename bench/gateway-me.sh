#!/usr/bin/env bash
# Bench case "gateway-me" (issue 15, "capacity"): GET /api/v1/auth/me through the gateway
#
#   gateway  GET /api/v1/auth/me with a valid access token (bench/wrk/bearer.lua) through the
#            gateway, which answers from its copy of identity's answer (PRINCIPAL_CACHE_*,
#            src/services/gateway/principal_cache.hpp): token verification (a verified-token
#            cache hit), the rate limit, one cache lookup, no hop to identity
#   direct   the same request straight to identity (verification and the user's row, each call)
#   nginx    `return 200` with the exact bytes of that answer
#
# measured in the same run, alternating, BENCH_ROUNDS rounds each, medians reported as
#   BENCH gateway-me rps= p50_ms= p99_ms= ratio_to_nginx= hits= misses= …
# where ratio_to_nginx = gateway rps / nginx rps. Goal: ratio ≥ 0.50. hits and misses are the
# gateway's gateway_principal_cache_{hits,misses}_total after the run: a run whose hits do
# not dwarf its misses measured identity, not the cache, and is rejected.
#
# Setup: gateway and identity each HTTP_WORKERS=1, both under `taskset -c 0`; nginx one worker on
# core 0; wrk on core 1 (bench/_lib.sh). PostgreSQL and Redis run unpinned. The rate limit stays
# on (one Redis script per request is part of the gateway's cost) with RATE_LIMIT_PER_MINUTE
# high enough that the one bench user is never limited. No catalog: this route never needs it.
#
# Method and knobs: bench/_lib.sh.
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"

EMAIL=bench-me@mercato.test
RATE_LIMIT=100000000

bench_init gateway-me jq
bench_build
bench_stores --no-cache

# JWT_ACCESS_TTL=1h: the one token must outlive the longest run.
component_start identity --cpu 0 HTTP_WORKERS=1 JWT_ACCESS_TTL=1h LOG_LEVEL=warn || fail
component_start gateway --cpu 0 HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=$RATE_LIMIT LOG_LEVEL=warn || fail
ID_URL=$(service_url identity)
GATEWAY_URL=$(service_url gateway)

bench_user "$EMAIL" viewer "$GATEWAY_URL"

# The gateway's answer (the first fills its copy, the second comes from it) must be identity's bytes.
curl -fsS -H "Authorization: Bearer $TOKEN" -o "$WORK/me.json" "$ID_URL/api/v1/auth/me" || die "GET /api/v1/auth/me from identity failed"
for n in 1 2; do
  curl -fsS -H "Authorization: Bearer $TOKEN" -o "$WORK/me.gateway.json" "$GATEWAY_URL/api/v1/auth/me" ||
    die "GET /api/v1/auth/me through the gateway failed"
  cmp -s "$WORK/me.json" "$WORK/me.gateway.json" || die "the gateway's answer $n differs from identity's"
done
nginx_serve "$WORK/me.json"

# A counter of the gateway's /metrics (0 when absent).
gateway_counter() {
  curl -fsS "http://127.0.0.1:$PORT_GATEWAY_METRICS/metrics" 2> /dev/null | awk -v n="$1" '$1 == n { v = $2 } END { print v + 0 }'
}

step "gateway-me: GET /api/v1/auth/me, gateway / identity / nginx alternating, $ROUNDS rounds of ${DURATION}s (wrk log: $(rel "$LOG_DIR/wrk.log"))"
for t in gateway identity; do
  WRK_ARGS[$t]="-s $REPO/bench/wrk/bearer.lua"
  WRK_ENV[$t]="BENCH_TOKEN=$TOKEN"
done
URL[gateway]=$GATEWAY_URL/api/v1/auth/me
URL[identity]=$ID_URL/api/v1/auth/me
URL[nginx]=$NGINX_URL
bench_alternate gateway-me gateway identity nginx

hits=$(gateway_counter gateway_principal_cache_hits_total)
misses=$(gateway_counter gateway_principal_cache_misses_total)
awk -v h="$hits" -v m="$misses" 'BEGIN { exit !(h > 0 && m * 100 < h) }' ||
  die "the gateway answered from its copy $hits times and asked identity $misses times: not a cache run"
r=$(ratio "${MED_RPS[gateway]}" "${MED_RPS[nginx]}")
rd=$(ratio "${MED_RPS[identity]}" "${MED_RPS[nginx]}")
RESULTS+=("$(printf 'BENCH gateway-me rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_nginx=%s hits=%.0f misses=%.0f direct_rps=%.0f direct_p50_ms=%.3f direct_p99_ms=%.3f direct_ratio_to_nginx=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f body_bytes=%s rate_limit_per_minute=%s rounds=%s duration_s=%s' \
  "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" "$r" "$hits" "$misses" \
  "${MED_RPS[identity]}" "${MED_P50[identity]}" "${MED_P99[identity]}" "$rd" \
  "${MED_RPS[nginx]}" "${MED_P50[nginx]}" "${MED_P99[nginx]}" "$(wc -c < "$WORK/me.json")" \
  "$RATE_LIMIT" "$ROUNDS" "$DURATION")")
ROWS+=("$(printf '| %s | %s | gateway-me | %.0f | %.3f | %.3f | %.0f | %.3f | %.0f | %s | |' "$(date +%F)" "$(commit_short)" \
  "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" "${MED_RPS[identity]}" "${MED_P50[identity]}" \
  "${MED_RPS[nginx]}" "$r")")
NOTES+=("results.md row columns: date | commit | case | gateway rps | p50 | p99 | direct (identity) rps | direct p50 | nginx rps | ratio_to_nginx | added_p50_ms")
bench_report
