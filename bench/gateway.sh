#!/usr/bin/env bash
# Bench case "gateway": two measurements of the gateway in one run.
#
# 1. gateway-detail (issue 7, "Benchmark"): a cached product detail
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
# 2. gateway-forwarded (issue 15, "The hop itself"): the same details with a viewer's bearer
#    token, which the gateway always forwards (a request carrying a token is never answered from
#    a gateway cache), measured against what one hop costs at best:
#
#   gateway      through the gateway, which reaches the catalog over its Unix socket
#                (PRODUCT_SERVICE_SOCKET, the driver's default when both run on this host)
#   gateway_tcp  a second gateway, the same but over TCP (PRODUCT_SERVICE_SOCKET empty)
#   anchor       nginx as a keep-alive reverse proxy (bench/_lib.sh nginx_proxy) in front of
#                the nginx below, both one worker on core 0
#   nginx        the nginx serving the bytes of the answer
#
#   BENCH gateway-forwarded rps= p50_ms= p99_ms= ratio_to_anchor= ratio_to_nginx= tcp_rps= …
#
# with the gateway's (socket) figures first; ratio_to_anchor = gateway rps / anchor rps. Goal:
# ratio_to_anchor ≥ 0.8. Every target gets the same request bytes (paths and token).
#
# Setup: gateway and catalog each HTTP_WORKERS=1, both under `taskset -c 0` (they share the
# core, as the issue asks); nginx one worker on core 0; wrk on core 1. wrk cycles over
# BENCH_HOT_IDS (1,000) product ids (bench/wrk/paths.lua), every one read twice beforehand,
# so each request is an L1 hit in the catalog (default cache settings). PostgreSQL and Redis
# run unpinned. The gateway's rate limit stays on — one Redis script per request is part of
# the gateway's cost — with RATE_LIMIT_PER_MINUTE=100000000, so the bench (one client
# address) is never limited. Identity runs unpinned and idle: the gateway and the catalog fetch
# its keys (JWKS) once, to verify the forwarded case's token, and cache the verification.
#
# Method and knobs: bench/_lib.sh; also BENCH_HOT_IDS, BENCH_GATEWAY_TCP_PORT (28092) and
# BENCH_GATEWAY_TCP_METRICS_PORT (28093), the second gateway's listeners.
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"

HOT=${BENCH_HOT_IDS:-1000}
GATEWAY_TCP_PORT=${BENCH_GATEWAY_TCP_PORT:-28092}
GATEWAY_TCP_METRICS_PORT=${BENCH_GATEWAY_TCP_METRICS_PORT:-28093}
VIEWER=bench-viewer@mercato.test
STORE=00000000-0000-7000-8000-000000000001
RATE_LIMIT=100000000

bench_init gateway psql
bench_build
bench_stores
bench_hot_paths "$HOT" "$STORE"

# JWT_ACCESS_TTL=1h: the forwarded case's token must outlive the run.
component_start identity JWT_ACCESS_TTL=1h LOG_LEVEL=warn || fail
component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn || fail
component_start gateway --cpu 0 HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=$RATE_LIMIT LOG_LEVEL=warn || fail
CATALOG_URL=$(service_url catalog)
GATEWAY_URL=$(service_url gateway)

bench_warm_paths "$GATEWAY_URL" "the gateway"

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

# ---- gateway-forwarded ---------------------------------------------------------------------
gateway_tcp_stop() {
  local pid
  if pid=$(read_pidfile "$RUN_DIR/gateway-tcp.pid") && pid_is "$pid" mercato-gateway; then terminate "$pid" 20; fi
}
EXIT_HOOKS+=(gateway_tcp_stop)

# The second gateway: the first's environment, its own listeners, the catalog over TCP.
[[ -n $(svc_socket catalog) ]] || die "the run directory's path is too long for a Unix socket: no socket case to measure"
port_free "$GATEWAY_TCP_PORT" "$(component_host gateway)" && port_free "$GATEWAY_TCP_METRICS_PORT" || fail
svc_env gateway
(export "${SVC_ENV[@]}" HTTP_WORKERS=1 RATE_LIMIT_PER_MINUTE=$RATE_LIMIT LOG_LEVEL=warn HTTP_PORT="$GATEWAY_TCP_PORT" \
  METRICS_PORT="$GATEWAY_TCP_METRICS_PORT" PRODUCT_SERVICE_SOCKET= USER_SERVICE_SOCKET= HTTP_SOCKET= &&
  launch "$RUN_DIR/gateway-tcp.pid" "$LOG_DIR/gateway-tcp.log" "$REPO" taskset -c 0 "$(svc_bin gateway)") ||
  die "the TCP gateway did not start: $(rel "$LOG_DIR/gateway-tcp.log")"
GATEWAY_TCP_URL=http://$(component_host gateway):$GATEWAY_TCP_PORT
wait_http "$GATEWAY_TCP_URL/health/ready" 30 "$(read_pidfile "$RUN_DIR/gateway-tcp.pid")" ||
  die "the TCP gateway is not ready: $(rel "$LOG_DIR/gateway-tcp.log")"

bench_user "$VIEWER" viewer "$(service_url identity)"

# Each target must answer the token's request with the bytes nginx serves (the same detail).
for u in "$GATEWAY_URL" "$GATEWAY_TCP_URL"; do
  curl -fsS -H "Authorization: Bearer $TOKEN" -o "$WORK/detail.bearer.json" "$u$first" ||
    die "GET $first with a token through $u failed"
  cmp -s "$WORK/detail.json" "$WORK/detail.bearer.json" || die "$u answers the token's request with other bytes"
done
# The socket gateway really uses the socket: its client counts answers from unix:<path>.
curl -fsS "$(service_metrics_url gateway)/metrics" |
  grep -q "^upstream_requests_total{upstream=\"unix:$(svc_socket catalog)\",result=\"ok\"}" ||
  die "the gateway did not reach the catalog over $(svc_socket catalog)"
nginx_proxy

step "gateway: forwarded detail (bearer token), gateway (socket) / gateway (TCP) / nginx→nginx / nginx alternating, $ROUNDS rounds of ${DURATION}s"
for t in gateway gateway_tcp anchor nginx; do
  WRK_ARGS[$t]="-s $REPO/bench/wrk/paths.lua"
  WRK_ENV[$t]="BENCH_PATHS=$WORK/paths BENCH_TOKEN=$TOKEN"
done
URL[gateway_tcp]=$GATEWAY_TCP_URL/
URL[anchor]=$NGINX_PROXY_URL
bench_alternate gateway-forwarded gateway gateway_tcp anchor nginx

ra=$(ratio "${MED_RPS[gateway]}" "${MED_RPS[anchor]}")
rn=$(ratio "${MED_RPS[gateway]}" "${MED_RPS[nginx]}")
rta=$(ratio "${MED_RPS[gateway_tcp]}" "${MED_RPS[anchor]}")
rtn=$(ratio "${MED_RPS[gateway_tcp]}" "${MED_RPS[nginx]}")
ran=$(ratio "${MED_RPS[anchor]}" "${MED_RPS[nginx]}")
RESULTS+=("$(printf 'BENCH gateway-forwarded rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_anchor=%s ratio_to_nginx=%s tcp_rps=%.0f tcp_p50_ms=%.3f tcp_p99_ms=%.3f tcp_ratio_to_anchor=%s tcp_ratio_to_nginx=%s anchor_rps=%.0f anchor_p50_ms=%.3f anchor_p99_ms=%.3f anchor_ratio_to_nginx=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f body_bytes=%s hot_ids=%s rounds=%s duration_s=%s' \
  "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" "$ra" "$rn" \
  "${MED_RPS[gateway_tcp]}" "${MED_P50[gateway_tcp]}" "${MED_P99[gateway_tcp]}" "$rta" "$rtn" \
  "${MED_RPS[anchor]}" "${MED_P50[anchor]}" "${MED_P99[anchor]}" "$ran" \
  "${MED_RPS[nginx]}" "${MED_P50[nginx]}" "${MED_P99[nginx]}" "$(wc -c < "$WORK/detail.json")" \
  "$(wc -l < "$WORK/paths")" "$ROUNDS" "$DURATION")")
ROWS+=("$(printf '| %s | %s | gateway-forwarded | %.0f | %.3f | %.3f | %.0f (tcp) | %.3f (tcp) | %.0f | %s | anchor %.0f, to anchor %s (tcp %s) |' \
  "$(date +%F)" "$(commit_short)" "${MED_RPS[gateway]}" "${MED_P50[gateway]}" "${MED_P99[gateway]}" \
  "${MED_RPS[gateway_tcp]}" "${MED_P50[gateway_tcp]}" "${MED_RPS[nginx]}" "$rn" "${MED_RPS[anchor]}" "$ra" "$rta")")
bench_report
