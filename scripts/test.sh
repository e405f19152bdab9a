# ./mercato test: the same set-up as `up`, on the test stack's ports and a fresh .var/test, then
# every suite. The stack is torn down on any exit (trap), and a summary says what passed. When
# the stack does not start, no suite runs (tests/driver/test_stack_failure.py checks it).
#
# Suites: ctest of the release build (unit + integration), with --asan also ctest of the
# AddressSanitizer build; the fuzz harnesses of tests/fuzz, a fixed number of runs each
# (scripts/fuzz.sh); the Python black-box tests in tests/; the OpenAPI contract; promtool's
# checks and unit tests of deploy/prometheus (scripts/prometheus.sh, prom_rules_suite); the
# Kubernetes manifests of deploy/k8s (scripts/k8s.sh, k8s_manifests_suite); the
# dashboard's `npm test` once web/package.json has a "test" script. Each suite's output is also kept in .var/test/logs/.

SUITE_NAMES=()
SUITE_RESULTS=()
SUITE_LOGS=()
TEST_EXIT=0

suite_result() { # name result [log]
  SUITE_NAMES+=("$1")
  SUITE_RESULTS+=("$2")
  SUITE_LOGS+=("${3:-}")
  [[ $2 == PASS || $2 == skipped* ]] || TEST_EXIT=1
}

# The lines of a failed suite's log that say what failed (unittest's FAIL:/ERROR: headers,
# vitest's ×/FAIL lines, ctest's ***Failed, assertion messages), at most 12, each cut at 200
# characters. A CI report often keeps only the end of the output: the summary and these lines
# are that end, so a failure is diagnosable from it without the logs.
suite_failure_lines() { # log
  [[ -f $1 ]] || return 0
  sed 's/\x1b\[[0-9;]*[A-Za-z]//g' "$1" |
    grep -E '^(FAIL|ERROR): |^set-up failed: |^ *(×|✗|FAIL) |\*\*\*(Failed|Timeout|Exception)|AssertionError|Error: |Timed out|timed out' |
    awk '!seen[$0]++' | head -n 12 | cut -c1-200 | sed 's/^/    /'
}

# Every suite a run would have had, marked as not run for REASON.
#   test_suites_not_run ASAN REASON
test_suites_not_run() {
  local asan=$1 why="not run ($2)" suite
  suite_result "ctest release" "$why"
  if ((asan)); then suite_result "ctest asan" "$why"; else suite_result "ctest asan" "skipped (./mercato test --asan)"; fi
  suite_result fuzz "$why"
  for suite in python "api contract" "prometheus rules" "k8s manifests"; do suite_result "$suite" "$why"; done
  if web_has_test_script; then
    suite_result web "$why"
    suite_result "web e2e" "$why"
  else
    suite_result web "skipped (no \"test\" script in web/package.json)"
  fi
  suite_result cluster "$why"
  suite_result "secrets grep" "$why"
}

STACK_FAILED=
test_finish() {
  local i
  trap '' INT TERM HUP
  ((EXIT_RC == 0)) || TEST_EXIT=1
  say ""
  step "stopping the test stack"
  stack_stop_all > /dev/null || true
  say ""
  say "== test summary =="
  for i in "${!SUITE_NAMES[@]}"; do
    printf '  %-16s %s\n' "${SUITE_NAMES[i]}" "${SUITE_RESULTS[i]}"
    [[ ${SUITE_RESULTS[i]} == FAIL* && -n ${SUITE_LOGS[i]} ]] && suite_failure_lines "${SUITE_LOGS[i]}"
  done
  if ((EXIT_RC > 128)); then printf '  %-16s %s\n' interrupted "by signal $((EXIT_RC - 128)); later suites did not run"; fi
  if [[ -n $STACK_FAILED ]]; then
    FAILED_STEP=$STACK_FAILED FAILED_LOG=$STACK_FAILED_LOG FAILED_WHY=$STACK_FAILED_WHY
    say ""
    report_failure 2>&1
  fi
  if ((TEST_EXIT)); then say "FAILED"; else say "PASSED"; fi
  EXIT_RC=$TEST_EXIT
}

# Runs one suite with its output on the terminal and in a log.
#   run_suite NAME LOG CMD...
run_suite() {
  local name=$1 log=$2 rc
  shift 2
  say ""
  step "suite $name: $*"
  "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  if ((rc == 0)); then suite_result "$name" PASS; else suite_result "$name" "FAIL (exit $rc, log $(rel "$log"))" "$log"; fi
}

# The environment every suite sees: the test stack's addresses and how to reach the driver.
# Tests log in as the superuser and Redis's `default` user (psql and redis-cli find the passwords
# through PGPASSFILE and REDISCLI_AUTH); the services get their own users from svc_env. Tests
# that need a service's own credentials read them from MERCATO_SECRETS_DIR.
test_env() {
  export DB_HOST=127.0.0.1 DB_PORT=$PORT_PG DB_USER=postgres
  export DB_PASSWORD REDIS_PASSWORD REDISCLI_AUTH MERCATO_SECRETS_DIR PGPASSFILE=$STATE/secrets/pgpass
  DB_PASSWORD=$(secret pg-postgres)
  REDIS_PASSWORD=$(secret redis-default)
  REDISCLI_AUTH=$REDIS_PASSWORD
  MERCATO_SECRETS_DIR=$(secrets_dir)
  export REDIS_HOST=127.0.0.1 REDIS_PORT=$PORT_REDIS
  # The driver's cache Redis, for tests that inspect it. Not CACHE_REDIS_PORT: catalogs that
  # tests start themselves keep both Redis roles in the main one (the single-Redis setup).
  export MERCATO_CACHE_REDIS_PORT=$PORT_REDIS_CACHE
  export ENVIRONMENT=test MIGRATIONS_DIR=$REPO/migrations JWT_KEYS_DIR=$STATE/keys
  export MERCATO_REPO=$REPO MERCATO_CTL="$REPO/mercato _ctl test"
  export MERCATO_BIN_DIR=$REPO/build/release/bin
  export MERCATO_GATEWAY_URL MERCATO_CATALOG_URL MERCATO_IDENTITY_URL MERCATO_WEB_URL
  MERCATO_GATEWAY_URL=$(service_url gateway)
  MERCATO_CATALOG_URL=$(service_url catalog)
  MERCATO_IDENTITY_URL=$(service_url identity)
  MERCATO_WEB_URL=$(service_url web)
  export MERCATO_GATEWAY_METRICS_URL MERCATO_CATALOG_METRICS_URL MERCATO_IDENTITY_METRICS_URL
  MERCATO_GATEWAY_METRICS_URL=$(service_metrics_url gateway)
  MERCATO_CATALOG_METRICS_URL=$(service_metrics_url catalog)
  MERCATO_IDENTITY_METRICS_URL=$(service_metrics_url identity)
  # The catalog's Unix socket, which the stack's gateway reaches it over (services.sh svc_socket).
  export MERCATO_CATALOG_SOCKET
  MERCATO_CATALOG_SOCKET=$(svc_socket catalog)
  # The replica's address, for the stack tests (the catalog reads from it: DB_REPLICA_HOSTS).
  if [[ $PG_REPLICA == 1 ]]; then export MERCATO_PG_REPLICA_ADDRESS=127.0.0.1:$PORT_PG_REPLICA; fi
  prom_test_env
  otlp_test_env
  cluster_test_env
  # Every secret the suites handle is recorded here (tests/testkit.py, test_admin) for the last
  # suite, the secrets grep.
  export MERCATO_SECRETS_SEEN=$STATE/secrets-seen.txt
  (umask 077 && : >> "$MERCATO_SECRETS_SEEN")
}

# The last suite: no password, token, key or cookie of this run in any log, exported span or
# metric label of the stack (scripts/secrets_grep.py).
secrets_grep_suite() {
  local s metrics=()
  for s in $(svc_all_instances); do metrics+=(--metrics "$(service_metrics_url "$s")/metrics"); done
  python3 "$REPO/scripts/secrets_grep.py" --seen "$MERCATO_SECRETS_SEEN" --secrets-dir "$(secrets_dir)" \
    --keys-dir "$STATE/keys" --logs "$LOG_DIR" --spans "$(otlp_dir)/spans.jsonl.1" --spans "$(otlp_dir)/spans.jsonl" \
    "${metrics[@]}" --prometheus "$(prometheus_url)"
}

cmd_test() {
  local asan=0 fuzz_built=1 start
  while (($#)); do
    case $1 in
      --asan) asan=1 ;;
      *) usage_error "unknown option for test: $1" ;;
    esac
    shift
  done
  start=$SECONDS
  stack_use test --fresh
  stack_lock
  EXIT_HOOKS+=(test_finish)
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP

  # Leftovers of an interrupted run would hold the ports and the data.
  stack_stop_all > /dev/null
  stack_wipe
  stack_use test --fresh
  stack_dirs || die "cannot create $(rel "$STATE")"

  if ! run_step install "$LOG_DIR/install.log" install_packages; then
    report_failure
    suite_result setup "FAIL (install)"
    exit 1
  fi
  if ! run_step build "$LOG_DIR/build.log" build_preset release "$LOG_DIR/build.log"; then
    report_failure
    suite_result build "FAIL (release)"
    exit 1
  fi
  if ((asan)) && ! run_step build-asan "$LOG_DIR/build-asan.log" build_preset asan "$LOG_DIR/build-asan.log"; then
    report_failure
    suite_result build "FAIL (asan)"
    exit 1
  fi

  # A broken fuzz build fails its suite, not the whole run.
  if ! fuzz_build; then
    report_failure
    fuzz_built=0
  fi

  test_env
  if ! stack_start; then
    # Nothing else runs: every suite would fail (or pass without the stack it is meant to
    # test) and take minutes to say so. The summary names the component and shows its log.
    STACK_FAILED=$FAILED_STEP STACK_FAILED_LOG=$FAILED_LOG STACK_FAILED_WHY=$FAILED_WHY
    suite_result stack "FAIL ($STACK_FAILED)"
    test_suites_not_run "$asan" "stack failed: $STACK_FAILED"
    exit 1
  fi
  suite_result stack PASS

  run_suite "ctest release" "$LOG_DIR/ctest-release.log" \
    ctest --test-dir "$REPO/build/release" --output-on-failure --no-tests=error
  if ((asan)); then
    MERCATO_BIN_DIR=$REPO/build/asan/bin run_suite "ctest asan" "$LOG_DIR/ctest-asan.log" \
      ctest --test-dir "$REPO/build/asan" --output-on-failure --no-tests=error
  else
    suite_result "ctest asan" "skipped (./mercato test --asan)"
  fi
  if ((fuzz_built)); then
    run_suite fuzz "$LOG_DIR/fuzz.log" fuzz_suite
  else
    suite_result fuzz "FAIL (the fuzz build failed, log $(rel "$LOG_DIR/build-fuzz.log"))"
  fi

  if [[ -z $(find "$REPO/tests" -name 'test_*.py' -print -quit 2> /dev/null) ]]; then
    suite_result python "skipped (no tests/**/test_*.py yet)"
  else
    run_suite python "$LOG_DIR/python.log" \
      python3 -m unittest discover -s tests -p 'test_*.py' -v
    # unittest reports success when discovery found nothing (a folder without __init__.py).
    if grep -q '^Ran 0 tests' "$LOG_DIR/python.log"; then
      SUITE_RESULTS[-1]="FAIL (no test was discovered: is there an __init__.py in each test folder?)"
      TEST_EXIT=1
    fi
  fi

  run_suite "api contract" "$LOG_DIR/api-contract.log" api_contract
  run_suite "prometheus rules" "$LOG_DIR/prometheus-rules.log" prom_rules_suite
  run_suite "k8s manifests" "$LOG_DIR/k8s-manifests.log" k8s_manifests_suite

  if ! web_has_test_script; then
    suite_result web "skipped (no \"test\" script in web/package.json)"
  else
    # The test stack's own build, which the stack start made: its first-load JS budget is checked.
    run_suite web "$LOG_DIR/web-test.log" env "MERCATO_WEB_DIST_DIR=.next/$STACK" npm --prefix "$REPO/web" test
    run_suite "web e2e" "$LOG_DIR/web-e2e.log" web_e2e
  fi
  # Last but one: it restarts the services as the cluster topology, which the suites above
  # do not expect; the secrets grep then also reads the second instances' logs and metrics.
  run_suite cluster "$LOG_DIR/cluster.log" cluster_suite
  stack_use test  # the topology the cluster suite left in run/stack.env
  run_suite "secrets grep" "$LOG_DIR/secrets-grep.log" secrets_grep_suite
  say ""
  say "tests took $((SECONDS - start)) s"
}

# Creates (or resets) an admin of the test stack for a suite; prints its random password.
test_admin() {
  local email=$1 password
  password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  printf 'password\t%s\t%s\n' "test.sh:test_admin $email" "$password" >> "$MERCATO_SECRETS_SEEN"
  svc_env identity
  printf '%s\n' "$password" | (export "${SVC_ENV[@]}" && exec "$(svc_bin identity)" user add --email "$email" --role admin \
    --name "Test Admin") > /dev/null || return 1
  printf '%s' "$password"
}

# The OpenAPI document: linted, in sync with its JSON, and every real response of the running
# stack (through the gateway) validated against it.
api_contract() {
  local email=contract-admin@mercato.test password marker=$REPO/api/node_modules/.package-lock.json
  if [[ ! -f $marker || $REPO/api/package-lock.json -nt $marker ]]; then
    npm --prefix "$REPO/api" ci --no-audit --no-fund || return 1
  fi
  password=$(test_admin "$email") || return 1
  MERCATO_GATEWAY_URL=$(service_url gateway) MERCATO_E2E_EMAIL=$email MERCATO_E2E_PASSWORD=$password \
    npm --prefix "$REPO/api" test
}

# The dashboard in Chromium against the running test stack. Identity restarts with 2 s access
# tokens and no clock-skew allowance, so a token is refused as soon as it expires and the suite
# sees the token_expired → refresh → retry path for real; an admin is created for it (and three
# more, "someone else", whose requests make the suite's bulk creates, such as the 130
# categories of categories.e2e.ts, a fresh token per batch of 20), and the store gets 1,200
# more products (through COPY, as `seed` does) for the virtualised-list test. The gateway runs
# without a rate limit meanwhile (below).
web_e2e() {
  local email=e2e-admin@mercato.test password
  password=$(test_admin "$email") || { say "set-up failed: creating the e2e admin"; return 1; }
  local i helper helpers=()
  for i in 1 2 3; do
    helper=$(test_admin "e2e-helper-$i@mercato.test") || { say "set-up failed: creating e2e helper $i"; return 1; }
    helpers+=("e2e-helper-$i@mercato.test:$helper")
  done
  svc_env catalog
  env "${SVC_ENV[@]}" LOG_LEVEL=warn "$(svc_bin catalog)" seed --products 1200 || { say "set-up failed: seeding 1,200 products"; return 1; }
  component_stop identity > /dev/null
  JWT_ACCESS_TTL=2s JWT_CLOCK_SKEW=0 component_start identity > /dev/null ||
    { say "set-up failed: restarting identity with 2 s access tokens (log $(rel "$LOG_DIR/identity.log"))"; return 1; }
  # The suite does not test the rate limit (the python suites do), and its admin, signed in in
  # Chromium with 2 s tokens while the suite makes its changes through the API, spends a user's
  # 100 a minute at test speed: a full run met 429s for the admin's own page (audit.e2e.ts).
  component_stop gateway > /dev/null
  RATE_LIMIT_PER_MINUTE=1000000 component_start gateway > /dev/null ||
    { say "set-up failed: restarting the gateway without a rate limit (log $(rel "$LOG_DIR/gateway.log"))"; return 1; }

  MERCATO_WEB_URL=$(service_url web) MERCATO_E2E_EMAIL=$email MERCATO_E2E_PASSWORD=$password \
    MERCATO_E2E_HELPERS="${helpers[*]}" MERCATO_E2E_TOKEN_TTL=2 npm --prefix "$REPO/web" run e2e
}

web_has_test_script() {
  web_enabled || return 1
  node -e 'process.exit(((require(process.argv[1]).scripts || {}).test) ? 0 : 1)' "$WEB_DIR/package.json" 2> /dev/null
}
