# The Next.js dashboard, started only once web/package.json exists. Dependencies are installed
# with `npm ci` when node_modules is missing or older than the lock file, and `next build` runs
# when the sources changed since the last build. Each stack asks for its own build directory
# through MERCATO_WEB_DIST_DIR=.next/<stack>, so that `./mercato test` does not rebuild under a
# running dev dashboard; next.config must pass it to `distDir` (until it does, both stacks share
# Next's default .next and the stamp below makes each rebuild when the other built last).

WEB_DIR=$REPO/web

# MERCATO_WEB=off runs a stack without the dashboard (the API alone: an operator's headless
# deployment, or a driver test that has no use for a `next build`); kept in run/stack.env as WEB.
web_use() {
  WEB=${MERCATO_WEB:-on}
}
web_check() { [[ $WEB == on || $WEB == off ]] || die "MERCATO_WEB must be on or off, not '$WEB'"; }

web_enabled() { [[ ${WEB:-on} != off && -f $WEB_DIR/package.json ]]; }

web_pid() { pidfile_pid web web/server.mjs; }

# The dashboard's server (web/server.mjs) proxies /api/* to the gateway from its own source
# address, the one the gateway trusts X-Forwarded-For from (TRUSTED_PROXIES), and sends the
# browser's address in it.
web_env() {
  WEB_ENV=(
    NEXT_TELEMETRY_DISABLED=1
    "MERCATO_GATEWAY_URL=$(public_url)"
    "GATEWAY_SOURCE_ADDRESS=${GATEWAY_SOURCE_ADDRESS:-$ADDR_WEB_EGRESS}"
    "MERCATO_WEB_DIST_DIR=.next/$STACK"
  )
}

# The directory the last build wrote to: the stack's own when next.config honours
# MERCATO_WEB_DIST_DIR, else Next's default.
web_build_id_file() {
  if [[ -f $WEB_DIR/.next/$STACK/BUILD_ID ]]; then
    printf '%s' "$WEB_DIR/.next/$STACK/BUILD_ID"
  else
    printf '%s' "$WEB_DIR/.next/BUILD_ID"
  fi
}

# A build is current when its stamp (the BUILD_ID, written after our last build for this stack)
# still matches and no file the build reads is newer than it. The build does not depend on the
# gateway's address (web/server.mjs reads it at start), nor on the server, the tests, the
# scripts or the README.
web_build_current() {
  local stamp=$RUN_DIR/web-build.stamp id_file newer
  id_file=$(web_build_id_file)
  [[ -f $stamp && -f $id_file ]] || return 1
  [[ $(cat "$stamp") == "$(cat "$id_file")" ]] || return 1
  newer=$(find "$WEB_DIR" \( -name node_modules -o -name .next -o -path "$WEB_DIR/e2e" -o -path "$WEB_DIR/server" \
    -o -path "$WEB_DIR/scripts" \) -prune -o -type f ! -name '*.test.ts' ! -name '*.test.mjs' ! -name server.mjs \
    ! -name README.md -newer "$stamp" -print -quit)
  [[ -z $newer ]]
}

web_install_needed() {
  local marker=$WEB_DIR/node_modules/.package-lock.json
  [[ -f $marker ]] || return 0
  [[ $WEB_DIR/package.json -nt $marker ]] && return 0
  [[ -f $WEB_DIR/package-lock.json && $WEB_DIR/package-lock.json -nt $marker ]]
}

web_start() {
  local log pid
  if ! command -v npm > /dev/null; then
    FAILED_WHY="npm is not installed (Node 20 is needed for the dashboard)"
    return 1
  fi
  web_env
  if web_install_needed; then
    log=$LOG_DIR/web-install.log FAILED_LOG=$LOG_DIR/web-install.log
    step "web: installing npm packages (log: $(rel "$log"))"
    if [[ -f $WEB_DIR/package-lock.json ]]; then
      (cd "$WEB_DIR" && run_logged "$log" npm ci --no-audit --no-fund) || { FAILED_WHY="npm ci failed"; return 1; }
    else
      (cd "$WEB_DIR" && run_logged "$log" npm install --no-audit --no-fund) || { FAILED_WHY="npm install failed"; return 1; }
    fi
  fi
  if ! web_build_current; then
    log=$LOG_DIR/web-build.log FAILED_LOG=$LOG_DIR/web-build.log
    step "web: next build (log: $(rel "$log"))"
    (cd "$WEB_DIR" && run_logged "$log" env "${WEB_ENV[@]}" node_modules/.bin/next build) ||
      { FAILED_WHY="next build failed"; return 1; }
    cat "$(web_build_id_file)" > "$RUN_DIR/web-build.stamp"
  fi
  FAILED_LOG=$LOG_DIR/web.log
  port_free "$PORT_WEB" || return 1
  launch "$RUN_DIR/web.pid" "$LOG_DIR/web.log" "$WEB_DIR" \
    env "${WEB_ENV[@]}" HOST=127.0.0.1 "PORT=$PORT_WEB" node "$WEB_DIR/server.mjs" || return 1
  pid=$(read_pidfile "$RUN_DIR/web.pid")
  wait_http_any "$(service_url web)/" "${MERCATO_READY_TIMEOUT:-60}" "$pid"
}

web_stop() { pidfile_stop web 15 web_pid; }
