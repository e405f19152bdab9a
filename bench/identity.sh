#!/usr/bin/env bash
# Bench case "identity" (issue 6, "Benchmark"):
#
#   identity-verify  access-token verification per second on one core: Google Benchmark
#                    (build/release/bin/auth_bench, src/auth/bench/jwt_bench.cpp) under
#                    `taskset -c 0`; verifications/s = 1 / time of BM_VerifyToken (split,
#                    base64url, header JSON, kid lookup, Ed25519, claims, checks). Goal ≥ 20,000/s
#                    (ES256 through libjwt: ~1,700/s). BM_VerifierCacheHit (what the middleware
#                    pays for a token it has already verified) is reported beside it.
#   identity-me      GET /api/v1/auth/me with a valid access token (bench/wrk/bearer.lua sets
#                    the header) beside nginx serving the same bytes: ratio_to_nginx. Each
#                    request verifies the token and reads the user from PostgreSQL.
#   identity-login   POST /api/v1/auth/login with the correct password (bench/wrk/login.lua),
#                    for BENCH_LOGIN_DURATION seconds: throughput bounded by argon2id, one hash
#                    thread (PASSWORD_HASH_WORKERS=1) on the service's core. Only successes, and
#                    BENCH_LOGIN_CONNECTIONS (4) at once, below the throttle's 10 attempts per
#                    account and address (an attempt counts until its success takes it back)
#                    and below PASSWORD_HASH_QUEUE (32), so neither 429 nor 503 can occur; a run
#                    with any non-2xx answer is rejected anyway.
#
# Method and knobs: bench/_lib.sh (identity: HTTP_WORKERS=1 under `taskset -c 0`; nginx one
# worker on core 0; wrk on core 1; alternating rounds, medians). Extra knobs:
# BENCH_LOGIN_DURATION (s, 5), BENCH_LOGIN_CONNECTIONS (4).
set -uo pipefail

# shellcheck source=_lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/_lib.sh"

LOGIN_DURATION=${BENCH_LOGIN_DURATION:-5}
LOGIN_DURATION=${LOGIN_DURATION%s}
LOGIN_CONNECTIONS=${BENCH_LOGIN_CONNECTIONS:-4}
EMAIL=bench-admin@mercato.test

bench_init identity jq
bench_build

# ---- verification, Google Benchmark --------------------------------------------------------
step "identity: token verification (auth_bench on core 0, $ROUNDS repetitions)"
AUTH_BENCH=$STACK_BIN_DIR/auth_bench
[[ -x $AUTH_BENCH ]] || die "$(rel "$AUTH_BENCH") was not built"
taskset -c 0 "$AUTH_BENCH" --benchmark_filter='^BM_(VerifyToken|VerifierCacheHit)$' \
  --benchmark_repetitions="$ROUNDS" --benchmark_format=json > "$WORK/auth_bench.json" 2> "$LOG_DIR/auth_bench.log" ||
  die "auth_bench failed: $(rel "$LOG_DIR/auth_bench.log")"
# Median over the repetitions of each benchmark's time per iteration (ns, CPU time).
bm_ns() {
  jq -r --arg n "$1" '[.benchmarks[] | select(.run_type == "iteration" and .run_name == $n)
      | .cpu_time * (if .time_unit == "us" then 1000 elif .time_unit == "ms" then 1e6 else 1 end)] | sort
    | if length == 0 then "" elif length % 2 == 1 then .[(length - 1) / 2] else (.[length / 2 - 1] + .[length / 2]) / 2 end' \
    "$WORK/auth_bench.json"
}
verify_ns=$(bm_ns BM_VerifyToken)
hit_ns=$(bm_ns BM_VerifierCacheHit)
[[ -n $verify_ns && -n $hit_ns ]] || die "no BM_VerifyToken / BM_VerifierCacheHit in $(rel "$WORK/auth_bench.json")"
verify_per_s=$(awk -v n="$verify_ns" 'BEGIN { printf "%.0f", 1e9 / n }')
hit_per_s=$(awk -v n="$hit_ns" 'BEGIN { printf "%.0f", 1e9 / n }')
RESULTS+=("$(printf 'BENCH identity-verify verifications_per_s=%s ns_per_verify=%.0f goal_per_s=20000 cache_hit_per_s=%s ns_per_cache_hit=%.0f repetitions=%s' \
  "$verify_per_s" "$verify_ns" "$hit_per_s" "$hit_ns" "$ROUNDS")")

# ---- the service ---------------------------------------------------------------------------
bench_stores --no-cache
# JWT_ACCESS_TTL=1h: the token used by the /me runs must outlive the longest run.
component_start identity --cpu 0 HTTP_WORKERS=1 PASSWORD_HASH_WORKERS=1 JWT_ACCESS_TTL=1h LOG_LEVEL=warn || fail
ID_URL=$(service_url identity)

bench_user "$EMAIL" admin "$ID_URL"

# ---- GET /auth/me beside nginx ---------------------------------------------------------------
step "identity: GET /api/v1/auth/me, $ROUNDS rounds of ${DURATION}s, alternating with nginx (wrk log: $(rel "$LOG_DIR/wrk.log"))"
curl -fsS -H "Authorization: Bearer $TOKEN" -o "$WORK/me.json" "$ID_URL/api/v1/auth/me" || die "GET /api/v1/auth/me failed"
nginx_serve "$WORK/me.json"
URL[identity]=$ID_URL/api/v1/auth/me
WRK_ARGS[identity]="-s $REPO/bench/wrk/bearer.lua"
WRK_ENV[identity]="BENCH_TOKEN=$TOKEN"
URL[nginx]=$NGINX_URL
bench_alternate identity-me identity nginx
r=$(ratio "${MED_RPS[identity]}" "${MED_RPS[nginx]}")
RESULTS+=("$(printf 'BENCH identity-me rps=%.0f p50_ms=%.3f p99_ms=%.3f ratio_to_nginx=%s nginx_rps=%.0f nginx_p50_ms=%.3f nginx_p99_ms=%.3f body_bytes=%s rounds=%s duration_s=%s' \
  "${MED_RPS[identity]}" "${MED_P50[identity]}" "${MED_P99[identity]}" "$r" "${MED_RPS[nginx]}" "${MED_P50[nginx]}" \
  "${MED_P99[nginx]}" "$(wc -c < "$WORK/me.json")" "$ROUNDS" "$DURATION")")
ROWS+=("$(printf '| %s | %s | identity-me | %.0f | %.3f | %.3f | %.0f | %s |' "$(date +%F)" "$(commit_short)" \
  "${MED_RPS[identity]}" "${MED_P50[identity]}" "${MED_P99[identity]}" "${MED_RPS[nginx]}" "$r")")

# ---- login throughput ------------------------------------------------------------------------
step "identity: POST /api/v1/auth/login, $ROUNDS rounds of ${LOGIN_DURATION}s, $LOGIN_CONNECTIONS connections"
URL[login]=$ID_URL/api/v1/auth/login
WRK_ARGS[login]="-s $REPO/bench/wrk/login.lua"
WRK_ENV[login]="BENCH_LOGIN_BODY=$LOGIN_BODY"
WRK_CONN[login]=$LOGIN_CONNECTIONS
DURATION=$LOGIN_DURATION WARMUP=$((WARMUP > 0 ? 1 : 0)) bench_alternate identity-login login
RESULTS+=("$(printf 'BENCH identity-login rps=%.0f p50_ms=%.3f p99_ms=%.3f connections=%s hash_workers=1 rounds=%s duration_s=%s' \
  "${MED_RPS[login]}" "${MED_P50[login]}" "${MED_P99[login]}" "$LOGIN_CONNECTIONS" "$ROUNDS" "$LOGIN_DURATION")")
ROWS+=("$(printf '| %s | %s | identity-verify | %s verifications/s (%.0f ns) | | | | cache hit %s/s |' "$(date +%F)" "$(commit_short)" \
  "$verify_per_s" "$verify_ns" "$hit_per_s")")
ROWS+=("$(printf '| %s | %s | identity-login | %.0f | %.3f | %.3f | | (argon2id, 1 hash thread) |' "$(date +%F)" "$(commit_short)" \
  "${MED_RPS[login]}" "${MED_P50[login]}" "${MED_P99[login]}")")

bench_report
