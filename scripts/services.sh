# The three C++ services. Each is configured only through its environment: the caller's
# environment passes through, the driver adds the stack's addresses for whatever the caller did
# not set, and always sets what must differ per service (HTTP_HOST, HTTP_PORT, DB_NAME,
# upstream ports, the proxy trust of the address plan in stack.sh: TRUSTED_PROXIES,
# UPSTREAM_SOURCE_ADDRESS, the Unix sockets of svc_socket (HTTP_SOCKET, *_SERVICE_SOCKET), and
# its own credentials: DB_USER/DB_PASSWORD of its PostgreSQL role,
# REDIS_USER/REDIS_PASSWORD of its Redis ACL user, see secrets.sh — never the caller's, which in
# tests are the superuser's).

# $1 is an instance name (catalog, catalog-2: cluster.sh); every instance runs its service's binary.
svc_bin() { printf '%s/mercato-%s' "$STACK_BIN_DIR" "$(svc_kind "$1")"; }

# The Unix domain socket service $1 serves its API on besides TCP (HTTP_SOCKET), in the stack's
# run directory; empty when the path would be too long for a socket address (107 bytes), and the
# stack then uses TCP only. Every service of a driver's stack runs on this host, so the gateway
# (and the catalog, for identity's keys) reach catalog and identity over these sockets unless
# the caller points PRODUCT_SERVICE_HOST / USER_SERVICE_HOST elsewhere or sets
# PRODUCT_SERVICE_SOCKET= / USER_SERVICE_SOCKET= (empty: TCP).
svc_socket() {
  local path=$RUN_DIR/$1.sock
  ((${#path} <= 107)) && printf '%s' "$path"
}

# The socket of $1 (catalog, identity) for a client whose host variable ($2's value) the caller
# left unset; an explicit $3 (the caller's *_SOCKET, maybe empty) wins.
svc_upstream_socket() {
  local name=$1 host_override=$2
  if [[ -n ${3+set} ]]; then
    printf '%s' "$3"
  elif [[ -z $host_override ]]; then
    svc_socket "$name"
  fi
}

svc_pid() { pidfile_pid "$1" "mercato-$(svc_kind "$1")"; }

# The stack's replica as DB_REPLICA_HOSTS, or nothing when the stack runs without one.
svc_replica_hosts() {
  if is_pg_ha; then pg_ha_stack_hosts; elif [[ $PG_REPLICA == 1 ]]; then printf '127.0.0.1:%s' "$PORT_PG_REPLICA"; fi
  return 0
}

# Where the services find the primary: the stack's server, or with --ha every node of the
# formation (libpq keeps the one that takes writes).
svc_db_host() { if is_pg_ha; then pg_ha_stack_hosts; else printf '127.0.0.1'; fi; }

# Fills SVC_ENV with NAME=value pairs for service instance $1 (identity, catalog-2, …). In the
# cluster topology the callers of catalog and identity get every instance as a host:port list
# over TCP (cluster_upstreams), and the gateways also believe X-Forwarded-For from HAProxy.
svc_env() {
  local name=$1 environment catalogs identities
  catalogs=$(cluster_upstreams catalog)
  identities=$(cluster_upstreams identity)
  case $STACK in
    test) environment=test ;;
    *) environment=${ENVIRONMENT:-development} ;;
  esac
  SVC_ENV=(
    "ENVIRONMENT=$environment"
    "HTTP_HOST=$(component_host "$name")"
    "HTTP_PORT=$(component_port "$name")"
    "METRICS_PORT=$(component_metrics_port "$name")"
    "DB_HOST=${DB_HOST:-$(svc_db_host)}"
    "DB_PORT=${DB_PORT:-$PORT_PG}"
    "REDIS_HOST=${REDIS_HOST:-127.0.0.1}"
    "REDIS_PORT=${REDIS_PORT:-$PORT_REDIS}"
    "MIGRATIONS_DIR=${MIGRATIONS_DIR:-$REPO/migrations}"
    "OPENAPI_PATH=${OPENAPI_PATH:-$REPO/api/openapi.json}"
    "JWT_KEYS_DIR=${JWT_KEYS_DIR:-$STATE/keys}"
  )
  case $(svc_kind "$name") in
    catalog)
      # The catalog verifies tokens itself with identity's published keys (JWKS).
      SVC_ENV+=(
        DB_NAME=mercato_catalog
        DB_USER=mercato_catalog
        "DB_PASSWORD=$(secret pg-mercato_catalog)"
        # Reads that miss the cache go to the stack's streaming replica while it is fresh
        # (docs/scaling.md); DB_REPLICA_HOSTS= (empty) keeps them all on the primary.
        "DB_REPLICA_HOSTS=${DB_REPLICA_HOSTS-$(svc_replica_hosts)}"
        REDIS_USER=mercato-catalog
        "REDIS_PASSWORD=$(secret redis-mercato-catalog)"
        # One key for the stack's every catalog instance, kept across restarts: a v2 cursor one
        # instance signed must verify on the other (the cluster topology) and after a restart.
        "CATALOG_CURSOR_SECRET=${CATALOG_CURSOR_SECRET:-$(secret catalog-cursor)}"
        "CACHE_REDIS_HOST=${CACHE_REDIS_HOST:-127.0.0.1}"
        "CACHE_REDIS_PORT=${CACHE_REDIS_PORT:-$PORT_REDIS_CACHE}"
        "USER_SERVICE_HOST=${USER_SERVICE_HOST:-${identities:-$ADDR_IDENTITY}}"
        "USER_SERVICE_PORT=$PORT_IDENTITY"
        "USER_SERVICE_SOCKET=$(svc_upstream_socket identity "${USER_SERVICE_HOST:-$identities}" ${USER_SERVICE_SOCKET+"$USER_SERVICE_SOCKET"})"
        "TRUSTED_PROXIES=$ADDR_GATEWAY_EGRESS"
        "HTTP_SOCKET=$(svc_socket "$name")"
      )
      ;;
    identity)
      SVC_ENV+=(
        DB_NAME=mercato_identity
        DB_USER=mercato_identity
        "DB_PASSWORD=$(secret pg-mercato_identity)"
        REDIS_USER=mercato-identity
        "REDIS_PASSWORD=$(secret redis-mercato-identity)"
        "TRUSTED_PROXIES=$ADDR_GATEWAY_EGRESS"
        "HTTP_SOCKET=$(svc_socket "$name")"
      )
      ;;
    gateway)
      # No database at all: a caller's DB_PASSWORD (the superuser's, in tests) is not passed on.
      SVC_ENV+=(
        DB_USER=
        DB_PASSWORD=
        REDIS_USER=mercato-gateway
        "REDIS_PASSWORD=$(secret redis-mercato-gateway)"
        "PRODUCT_SERVICE_HOST=${PRODUCT_SERVICE_HOST:-${catalogs:-$ADDR_CATALOG}}"
        "PRODUCT_SERVICE_PORT=$PORT_CATALOG"
        "PRODUCT_SERVICE_SOCKET=$(svc_upstream_socket catalog "${PRODUCT_SERVICE_HOST:-$catalogs}" ${PRODUCT_SERVICE_SOCKET+"$PRODUCT_SERVICE_SOCKET"})"
        "USER_SERVICE_HOST=${USER_SERVICE_HOST:-${identities:-$ADDR_IDENTITY}}"
        "USER_SERVICE_PORT=$PORT_IDENTITY"
        "USER_SERVICE_SOCKET=$(svc_upstream_socket identity "${USER_SERVICE_HOST:-$identities}" ${USER_SERVICE_SOCKET+"$USER_SERVICE_SOCKET"})"
        "UPSTREAM_SOURCE_ADDRESS=$ADDR_GATEWAY_EGRESS"
        "TRUSTED_PROXIES=$ADDR_WEB_EGRESS$(is_cluster && printf ',%s' "$ADDR_LB_EGRESS")"
        # While Redis is away each gateway allows its share of the limit (two in the cluster).
        "RATE_LIMIT_LOCAL_FALLBACK=${RATE_LIMIT_LOCAL_FALLBACK:-$(if is_cluster; then echo 2; else echo 1; fi)}"
        # The stack's own Prometheus, for the admins' operations view; set PROMETHEUS_URL= (empty)
        # to run without it (the /api/v1/admin/ops endpoints then answer 503).
        "PROMETHEUS_URL=${PROMETHEUS_URL-$(prometheus_url)}"
      )
      ;;
  esac
  otlp_svc_env
}

# Which health path a start waits for. `up` and `test` wait for readiness; `_ctl` waits only for
# liveness, because a fault test may restart a service while its database is deliberately down.
SVC_WAIT_PATH=/health/ready
SVC_READY_TIMEOUT=${MERCATO_READY_TIMEOUT:-60}

#   svc_start NAME [--cpu N] [VAR=value...]   (extra variables override everything else)
svc_start() {
  local name=$1 cpu= bin port pid cmd
  shift
  if [[ ${1:-} == --cpu ]]; then
    cpu=$2
    shift 2
  fi
  bin=$(svc_bin "$name")
  if [[ ! -x $bin ]]; then
    FAILED_WHY="$(rel "$bin") does not exist: the build did not produce it (is there code in src/services/$name/?)"
    return 1
  fi
  port=$(component_port "$name")
  port_free "$port" "$(component_host "$name")" || return 1
  port_free "$(component_metrics_port "$name")" || return 1
  svc_env "$name"
  cmd=()
  [[ -n $cpu ]] && cmd+=(taskset -c "$cpu")
  cmd+=("$bin")
  # Exported in a subshell rather than given to `env`: passwords in an argv are visible to
  # every user through ps until the exec.
  (export "${SVC_ENV[@]}" "$@" && launch "$RUN_DIR/$name.pid" "$LOG_DIR/$name.log" "$REPO" "${cmd[@]}") ||
    { FAILED_WHY="the process did not start"; return 1; }
  pid=$(read_pidfile "$RUN_DIR/$name.pid")
  wait_http "$(service_url "$name")$SVC_WAIT_PATH" "$SVC_READY_TIMEOUT" "$pid"
}

# SIGTERM is the services' graceful shutdown (finish in-flight requests, exit 0).
svc_stop() { pidfile_stop "$1" "${MERCATO_STOP_TIMEOUT:-20}" svc_pid "$1"; }

# Runs bench/seed.sh (`mercato-catalog seed`) against the selected stack as the catalog's own
# PostgreSQL role, like the service itself: when it is the first to migrate the database, the
# tables it creates must belong to that role, or the catalog cannot use them afterwards.
#   stack_seed ARGS...   (bench/seed.sh's arguments)
stack_seed() {
  DB_HOST=$(svc_db_host) DB_PORT=$PORT_PG DB_USER=mercato_catalog DB_PASSWORD="$(secret pg-mercato_catalog)" \
    MERCATO_BIN_DIR=$STACK_BIN_DIR bash "$REPO/bench/seed.sh" "$@"
}
