# A stack is one complete set of running components with its own ports and its own state under
# .var/<stack>/: `dev` (./mercato up), `test` (./mercato test) and `bench` (./mercato bench).
#
# Components, in start order (stop order is the reverse):
#   postgres (with --ha a pg_auto_failover formation: pg_ha_stack.sh), postgres-replica, redis, redis-cache, their exporters (postgres-exporter,
#   postgres-replica-exporter, redis-exporter, redis-cache-exporter), alertmanager, prometheus,
#   otlp, identity, catalog, gateway, web; in the cluster topology (cluster.sh) also identity-2,
#   catalog-2, gateway-2 and haproxy, which are listed always (so a stop finds them) and enabled
#   only there.
# Their start, stop and pid lookups live in postgres.sh, redis.sh, exporters.sh, prometheus.sh,
# otlp.sh, services.sh and web.sh, behind the component_* dispatchers below, so up/down/status/_ctl
# treat every component alike.

COMPONENTS=(postgres postgres-replica redis redis-cache postgres-exporter postgres-replica-exporter redis-exporter
  redis-cache-exporter alertmanager prometheus otlp identity identity-2 catalog catalog-2 gateway gateway-2 haproxy web)
SERVICES=(identity catalog gateway)

# Address plan, the same in every stack (all loopback, so nothing is reachable from outside):
# the public entry points (gateway, dashboard) and the data stores listen on 127.0.0.1; the
# services behind the gateway each on an address of their own. A proxy opens its connections
# from a fixed source address, and the hop behind it trusts X-Forwarded-For from exactly that
# address (TRUSTED_PROXIES): the dashboard from ADDR_WEB_EGRESS to the gateway, the gateway from
# ADDR_GATEWAY_EGRESS to catalog and identity. Any other local process connects from 127.0.0.1
# (the kernel's choice on loopback), so what it forwards is ignored everywhere. Test clients
# that simulate separate users bind 127.0.0.10 and up.
ADDR_PUBLIC=127.0.0.1
ADDR_CATALOG=127.0.0.2
ADDR_IDENTITY=127.0.0.3
ADDR_GATEWAY_EGRESS=127.0.0.4
ADDR_WEB_EGRESS=127.0.0.5

# Default ports per stack: gateway catalog identity web postgres postgres-replica redis
# redis-cache.
stack_default_ports() {
  case $1 in
    dev) echo 8080 8081 8082 3000 15432 15433 16379 16380 ;;
    test) echo 18080 18081 18082 13000 25432 25433 26379 26380 ;;
    bench) echo 28080 28081 28082 28000 28432 28433 28379 28380 ;;
    *) return 1 ;;
  esac
}

# Default ports of the services' internal /metrics listeners per stack: gateway catalog identity.
# Never the API ports: /metrics is not served there.
stack_default_metrics_ports() {
  case $1 in
    dev) echo 9080 9081 9082 ;;
    test) echo 19080 19081 19082 ;;
    bench) echo 29080 29081 29082 ;;
    *) return 1 ;;
  esac
}

# Selects a stack: sets STACK, STATE, LOG_DIR, RUN_DIR and the PORT_* variables.
# Ports come from MERCATO_<WHAT>_PORT or the stack's defaults. Once a stack has started, the
# values it started with are kept in run/stack.env and win, so `down`, `status` and `_ctl` act
# on the ports actually in use; `--fresh` (used by commands that start a stack) recomputes them
# unless something of the stack still runs.
stack_use() {
  local fresh=0 d
  [[ ${2:-} == --fresh ]] && fresh=1
  STACK=$1
  STATE=$VAR_ROOT/$STACK
  LOG_DIR=$STATE/logs
  RUN_DIR=$STATE/run
  PG_DIR=$(pg_dir)
  read -r -a d <<< "$(stack_default_ports "$STACK")"
  ((${#d[@]} == 8)) || die "unknown stack '$STACK'"
  PORT_GATEWAY=${MERCATO_GATEWAY_PORT:-${d[0]}}
  PORT_CATALOG=${MERCATO_CATALOG_PORT:-${d[1]}}
  PORT_IDENTITY=${MERCATO_IDENTITY_PORT:-${d[2]}}
  PORT_WEB=${MERCATO_WEB_PORT:-${d[3]}}
  PORT_PG=${MERCATO_PG_PORT:-${d[4]}}
  PORT_PG_REPLICA=${MERCATO_PG_REPLICA_PORT:-${d[5]}}
  PORT_REDIS=${MERCATO_REDIS_PORT:-${d[6]}}
  PORT_REDIS_CACHE=${MERCATO_REDIS_CACHE_PORT:-${d[7]}}
  read -r -a d <<< "$(stack_default_metrics_ports "$STACK")"
  PORT_GATEWAY_METRICS=${MERCATO_GATEWAY_METRICS_PORT:-${d[0]}}
  PORT_CATALOG_METRICS=${MERCATO_CATALOG_METRICS_PORT:-${d[1]}}
  PORT_IDENTITY_METRICS=${MERCATO_IDENTITY_METRICS_PORT:-${d[2]}}
  prom_use_ports
  exporter_use_ports
  otlp_use_ports
  cluster_use_ports
  pg_ha_use_ports
  web_use
  PG_REPLICA=${MERCATO_PG_REPLICA:-1}
  STACK_BIN_DIR=${MERCATO_STACK_BIN_DIR:-$REPO/build/release/bin}
  # psql as postgres over TCP (benches, tests, an operator) finds the superuser's password here.
  export PGPASSFILE=$STATE/secrets/pgpass
  if [[ -f $RUN_DIR/stack.env ]] && { ((fresh == 0)) || stack_any_running; }; then
    # shellcheck disable=SC1091
    source "$RUN_DIR/stack.env"
  fi
  cluster_check_topology
  pg_ha_check
  web_check
  pg_huge_pages_check
  local p
  for p in "$PORT_GATEWAY" "$PORT_CATALOG" "$PORT_IDENTITY" "$PORT_WEB" "$PORT_PG" "$PORT_PG_REPLICA" "$PORT_REDIS" \
    "$PORT_REDIS_CACHE" "$PORT_GATEWAY_METRICS" "$PORT_CATALOG_METRICS" "$PORT_IDENTITY_METRICS" "$PORT_PROMETHEUS" \
    "$PORT_ALERTMANAGER" "$PORT_PG_EXPORTER" "$PORT_PG_REPLICA_EXPORTER" "$PORT_REDIS_EXPORTER" \
    "$PORT_REDIS_CACHE_EXPORTER" "$PORT_OTLP" "$PORT_GATEWAY_2" "$PORT_CATALOG_2" "$PORT_IDENTITY_2" \
    "$PORT_GATEWAY_2_METRICS" "$PORT_CATALOG_2_METRICS" "$PORT_IDENTITY_2_METRICS" "$PORT_HAPROXY" \
    "$PORT_PG_HA_MONITOR" "$PORT_PG_NODE3"; do
    [[ $p =~ ^[0-9]+$ ]] && ((p > 0 && p < 65536)) || die "invalid port '$p' (check the MERCATO_*_PORT variables)"
  done
}

stack_save() {
  mkdir -p "$RUN_DIR"
  {
    echo "# Ports and options the $STACK stack was started with (written by ./mercato)."
    local v
    for v in PORT_GATEWAY PORT_CATALOG PORT_IDENTITY PORT_WEB PORT_PG PORT_PG_REPLICA PORT_REDIS PORT_REDIS_CACHE \
      PORT_GATEWAY_METRICS PORT_CATALOG_METRICS PORT_IDENTITY_METRICS PORT_PROMETHEUS PORT_ALERTMANAGER \
      PORT_PG_EXPORTER PORT_PG_REPLICA_EXPORTER PORT_REDIS_EXPORTER PORT_REDIS_CACHE_EXPORTER PORT_OTLP PG_REPLICA STACK_BIN_DIR WEB \
      "${CLUSTER_SAVED_VARS[@]}" "${PG_HA_SAVED_VARS[@]}"; do
      printf '%s=%q\n' "$v" "${!v}"
    done
  } > "$RUN_DIR/stack.env"
}

# Creates the state directories. Parents stay traversable because PostgreSQL runs as another
# user when the driver runs as root.
stack_dirs() {
  mkdir -p "$LOG_DIR" "$RUN_DIR" "$STATE/keys" || return 1
  chmod 755 "$VAR_ROOT" "$STATE" "$LOG_DIR" "$RUN_DIR"
  chmod 700 "$STATE/keys"
  secrets_prepare
}

# Deletes the stack's state, PostgreSQL's data included wherever it lives (see pg_dir).
stack_wipe() {
  rm -rf "$STATE" || return 1
  [[ $PG_DIR == "$STATE/pg" ]] && return 0
  rm -rf "$PG_DIR" || return 1
  rmdir "${PG_DIR%/pg}" "${PG_DIR%/*/pg}" 2> /dev/null
  return 0
}

service_url() { printf 'http://%s:%s' "$(component_host "$1")" "$(component_port "$1")"; }

# The internal listener of service $1 (/metrics, /health/*), on METRICS_HOST's default address.
component_metrics_port() {
  case $1 in
    gateway) echo "$PORT_GATEWAY_METRICS" ;;
    catalog) echo "$PORT_CATALOG_METRICS" ;;
    identity) echo "$PORT_IDENTITY_METRICS" ;;
    gateway-2) echo "$PORT_GATEWAY_2_METRICS" ;;
    catalog-2) echo "$PORT_CATALOG_2_METRICS" ;;
    identity-2) echo "$PORT_IDENTITY_2_METRICS" ;;
  esac
}
service_metrics_url() { printf 'http://127.0.0.1:%s' "$(component_metrics_port "$1")"; }

# Component dispatch --------------------------------------------------------------------------

component_enabled() {
  case $1 in
    postgres-replica | postgres-replica-exporter) [[ $PG_REPLICA == 1 ]] && ! is_pg_ha ;;
    web) web_enabled ;;
    identity-2 | catalog-2 | gateway-2 | haproxy) is_cluster ;;
    *) return 0 ;;
  esac
}

# The address a component listens on (see the address plan above).
component_host() {
  case $1 in
    catalog | catalog-2) echo "$ADDR_CATALOG" ;;
    identity | identity-2) echo "$ADDR_IDENTITY" ;;
    # Behind HAProxy in the cluster, which then takes the public address and port.
    gateway) if is_cluster; then echo "$ADDR_GATEWAYS"; else echo "$ADDR_PUBLIC"; fi ;;
    gateway-2) echo "$ADDR_GATEWAYS" ;;
    *) echo "$ADDR_PUBLIC" ;;
  esac
}

component_port() {
  case $1 in
    postgres) echo "$PORT_PG" ;;
    postgres-replica) echo "$PORT_PG_REPLICA" ;;
    redis) echo "$PORT_REDIS" ;;
    redis-cache) echo "$PORT_REDIS_CACHE" ;;
    gateway) echo "$PORT_GATEWAY" ;;
    catalog) echo "$PORT_CATALOG" ;;
    identity) echo "$PORT_IDENTITY" ;;
    gateway-2) echo "$PORT_GATEWAY_2" ;;
    catalog-2) echo "$PORT_CATALOG_2" ;;
    identity-2) echo "$PORT_IDENTITY_2" ;;
    haproxy) echo "$PORT_GATEWAY" ;;
    web) echo "$PORT_WEB" ;;
    prometheus) echo "$PORT_PROMETHEUS" ;;
    alertmanager) echo "$PORT_ALERTMANAGER" ;;
    *-exporter) exporter_port "$1" ;;
    otlp) echo "$PORT_OTLP" ;;
  esac
}

component_log() { printf '%s/%s.log' "$LOG_DIR" "$1"; }

component_pid() {
  case $1 in
    postgres) if is_pg_ha; then pg_ha_stack_pid; else pg_pid "$PG_DIR/primary"; fi ;;
    postgres-replica) pg_pid "$PG_DIR/replica" ;;
    redis | redis-cache) redis_pid "$1" ;;
    identity | catalog | gateway | identity-2 | catalog-2 | gateway-2) svc_pid "$1" ;;
    haproxy) haproxy_pid ;;
    web) web_pid ;;
    prometheus) prometheus_pid ;;
    alertmanager) alertmanager_pid ;;
    *-exporter) exporter_pid "$1" ;;
    otlp) otlp_pid ;;
    *) return 1 ;;
  esac
}

# Starts one component unless it already runs. Newly started ones are appended to STARTED, so a
# failure or Ctrl-C stops exactly what this command started. Extra arguments go to the service
# start (bench uses them for CPU pinning and settings).
STARTED=()
component_start() {
  local name=$1 pid
  shift
  FAILED_STEP=$name FAILED_LOG=$(component_log "$name") FAILED_WHY=
  if pid=$(component_pid "$name"); then
    printf '    %-25s already running (pid %s)\n' "$name" "$pid"
    return 0
  fi
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  printf '\n--- %s: starting %s ---\n' "$(date '+%F %T')" "$name" >> "$FAILED_LOG"
  # Recorded before it runs: a component that launched but never became ready, or was being
  # started when Ctrl-C came, must be stopped with the rest.
  STARTED+=("$name")
  case $name in
    postgres) if is_pg_ha; then pg_ha_stack_start; else pg_start_primary; fi ;;
    postgres-replica) pg_start_replica ;;
    redis | redis-cache) redis_start "$name" ;;
    identity | catalog | gateway | identity-2 | catalog-2 | gateway-2) svc_start "$name" "$@" && prom_sd_write "$name" ;;
    haproxy) haproxy_start ;;
    web) web_start ;;
    prometheus) prometheus_start ;;
    alertmanager) alertmanager_start ;;
    *-exporter) exporter_start "$name" ;;
    otlp) otlp_start ;;
  esac || return 1
  printf '==> %-25s started  pid %-7s %s:%s\n' "$name" "$(component_pid "$name")" "$(component_host "$name")" \
    "$(component_port "$name")"
}

component_stop() {
  local name=$1 pid
  pid=$(component_pid "$name") || return 0
  case $name in
    postgres) if is_pg_ha; then pg_ha_stack_stop; else pg_stop "$PG_DIR/primary"; fi ;;
    postgres-replica) pg_stop "$PG_DIR/replica" ;;
    redis | redis-cache) redis_stop "$name" ;;
    identity | catalog | gateway | identity-2 | catalog-2 | gateway-2) svc_stop "$name" && prom_sd_write "$name" ;;
    haproxy) haproxy_stop ;;
    web) web_stop ;;
    prometheus) prometheus_stop ;;
    alertmanager) alertmanager_stop ;;
    *-exporter) exporter_stop "$name" ;;
    otlp) otlp_stop ;;
  esac
  printf '    %-25s stopped (was pid %s)\n' "$name" "$pid"
}

# Whole stacks --------------------------------------------------------------------------------

# Starts every enabled component in order; stops at the first failure (FAILED_* say why).
stack_start() {
  local c
  stack_dirs || return 1
  stack_save
  for c in "${COMPONENTS[@]}"; do
    component_enabled "$c" || continue
    component_start "$c" || return 1
  done
}

stack_stop_started() {
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do component_stop "${STARTED[i]}"; done
  STARTED=()
}

# Stops everything of the selected stack that runs, whoever started it. Returns 1 when nothing ran.
stack_stop_all() {
  local i any=1
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    if component_pid "${COMPONENTS[i]}" > /dev/null; then
      any=0
      component_stop "${COMPONENTS[i]}"
    fi
  done
  STARTED=()
  return $any
}

stack_any_running() {
  local c
  for c in "${COMPONENTS[@]}"; do component_pid "$c" > /dev/null && return 0; done
  return 1
}

stack_all_running() {
  local c
  for c in "${COMPONENTS[@]}"; do
    component_enabled "$c" || continue
    component_pid "$c" > /dev/null || return 1
  done
}

# One line per component; returns 3 (LSB "not running") when an enabled component is stopped.
stack_status() {
  local c pid rc=0
  say "$STACK stack ($(rel "$STATE")):"
  for c in "${COMPONENTS[@]}"; do
    if pid=$(component_pid "$c"); then
      printf '  %-25s running  pid %-7s %s:%s\n' "$c" "$pid" "$(component_host "$c")" "$(component_port "$c")"
    elif component_enabled "$c"; then
      printf '  %-25s stopped\n' "$c"
      rc=3
    else
      printf '  %-25s -        (%s)\n' "$c" "$(component_disabled_reason "$c")"
    fi
  done
  is_pg_ha && component_pid postgres > /dev/null && pg_ha_status
  return $rc
}

component_disabled_reason() {
  case $1 in
    postgres-replica | postgres-replica-exporter)
      if is_pg_ha; then echo "--ha: the formation's standbys serve reads"; else echo "disabled: MERCATO_PG_REPLICA=0"; fi ;;
    web) if [[ ${WEB:-on} == off ]]; then echo "disabled: MERCATO_WEB=off"; else echo "no web/package.json yet"; fi ;;
    identity-2 | catalog-2 | gateway-2 | haproxy) echo "cluster topology only" ;;
  esac
}

# What `up` prints once everything answers.
stack_print_urls() {
  local admin
  say ""
  say "Mercato is running ($STACK stack):"
  if is_cluster; then
    printf '  %-10s %s   (API: %s/api/v1/products; HAProxy, stats on 127.0.0.1:%s/stats)\n' entry "$(public_url)" \
      "$(public_url)" "$PORT_HAPROXY"
    printf '  %-10s %s %s\n' gateways "$(service_url gateway)" "$(service_url gateway-2)"
  else
    printf '  %-10s %s   (API: %s/api/v1/products)\n' gateway "$(service_url gateway)" "$(service_url gateway)"
  fi
  if web_enabled; then printf '  %-10s %s\n' dashboard "$(service_url web)"; fi
  printf '  %-10s %s\n' catalog "$(service_url catalog)$(is_cluster && printf ' %s' "$(service_url catalog-2)")"
  printf '  %-10s %s\n' identity "$(service_url identity)$(is_cluster && printf ' %s' "$(service_url identity-2)")"
  printf '  %-10s %s/metrics   (internal: catalog %s, identity %s; never on the API ports)\n' metrics \
    "$(service_metrics_url gateway)" "$(component_metrics_port catalog)" "$(component_metrics_port identity)"
  if is_pg_ha; then
    pg_ha_print_urls
  else
    printf '  %-10s 127.0.0.1:%s%s   redis 127.0.0.1:%s (cache :%s)\n' postgres "$PORT_PG" \
      "$([[ $PG_REPLICA == 1 ]] && printf ' (replica :%s)' "$PORT_PG_REPLICA")" "$PORT_REDIS" "$PORT_REDIS_CACHE"
  fi
  prom_print_urls
  exporters_print_urls
  otlp_print_urls
  if [[ $PG_DIR != "$STATE/pg" ]]; then printf '  %-10s %s   (the postgres user cannot reach %s)\n' pg-data "$PG_DIR" "$(rel "$STATE")"; fi
  for admin in "$STATE/demo-admin.txt" "$VAR_ROOT/demo-admin.txt"; do
    if [[ -s $admin ]]; then
      local email password
      read -r email password < "$admin"
      printf '  %-10s %s  password %s   (from %s)\n' login "$email" "$password" "$(rel "$admin")"
      break
    fi
  done
  say "  logs       ./mercato logs [service]     state: $(rel "$STATE")/"
}
