#!/usr/bin/env bash
# Bench case "http" (issue 3): the catalog service's smallest JSON route (GET /health/live)
# against nginx returning the same bytes with the same Content-Type, in one run, plus the idle
# RSS of every service. Method and knobs: bench/_lib.sh.
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"

ROUTE=/health/live

bench_init http
bench_build
bench_stores
component_start identity LOG_LEVEL=warn || fail
component_start catalog --cpu 0 HTTP_WORKERS=1 LOG_LEVEL=warn || fail
component_start gateway LOG_LEVEL=warn || fail

# Idle RSS, after start-up settled and before any load.
sleep 2
declare -A RSS
for s in "${SERVICES[@]}"; do
  RSS[$s]=$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$(component_pid "$s")/status")
done
rss_max=$(printf '%s\n' "${RSS[@]}" | sort -g | tail -n 1)

# The exact bytes and Content-Type nginx must serve.
URL[catalog]=$(service_url catalog)$ROUTE
curl -fsS -D "$WORK/headers" -o "$WORK/body" "${URL[catalog]}" || die "GET ${URL[catalog]} failed"
content_type=$(awk 'tolower($1) == "content-type:" { sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print }' "$WORK/headers")
nginx_serve "$WORK/body" "$content_type"
URL[nginx]=$NGINX_URL

step "http: $ROUTE, $ROUNDS rounds of ${DURATION}s per server, alternating (wrk log: $(rel "$LOG_DIR/wrk.log"))"
bench_alternate http catalog nginx

r=$(ratio "${MED_RPS[catalog]}" "${MED_RPS[nginx]}")
say ""
printf '  idle RSS: gateway %s MB, catalog %s MB, identity %s MB\n' "${RSS[gateway]}" "${RSS[catalog]}" "${RSS[identity]}"
RESULTS+=("$(printf 'BENCH http rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_nginx=%s rss_idle_mb=%s rss_idle_mb_gateway=%s rss_idle_mb_catalog=%s rss_idle_mb_identity=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f rounds=%s duration_s=%s' \
  "${MED_RPS[catalog]}" "${MED_P50[catalog]}" "${MED_P99[catalog]}" "$r" "$rss_max" \
  "${RSS[gateway]}" "${RSS[catalog]}" "${RSS[identity]}" \
  "${MED_RPS[nginx]}" "${MED_P50[nginx]}" "${MED_P99[nginx]}" "$ROUNDS" "$DURATION")")
ROWS+=("$(printf '| %s | %s | %.0f | %.3f | %.3f | %.0f | %s | %s / %s / %s |' "$(date +%F)" "$(commit_short)" \
  "${MED_RPS[catalog]}" "${MED_P50[catalog]}" "${MED_P99[catalog]}" "${MED_RPS[nginx]}" "$r" \
  "${RSS[gateway]}" "${RSS[catalog]}" "${RSS[identity]}")")
bench_report
