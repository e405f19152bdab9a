# The cluster topology: what one host can show of a many-instance deployment. Two instances of
# each service behind HAProxy, on the stack's data tier:
#
#   client → haproxy (127.0.0.1:PORT_GATEWAY, the public entry, as in the single topology)
#              └─ from ADDR_LB_EGRESS → gateway   (ADDR_GATEWAYS:PORT_GATEWAY)
#                                       gateway-2 (ADDR_GATEWAYS:PORT_GATEWAY_2)
#                 each gateway → catalog (ADDR_CATALOG:PORT_CATALOG), catalog-2 (ADDR_CATALOG:PORT_CATALOG_2)
#                              → identity (ADDR_IDENTITY:PORT_IDENTITY), identity-2 (…:PORT_IDENTITY_2)
#
# The topology is a stack option (MERCATO_TOPOLOGY or `up --topology`, kept in run/stack.env):
# `single` (the default) runs one instance of each service and no HAProxy. The first instances
# keep their names (gateway, catalog, identity) so every tool that knows them works in both.
# HAProxy is Debian's: health checks on /health/ready take an instance out of rotation while
# it drains, and a connection refused is retried on the other one.

ADDR_GATEWAYS=127.0.0.6
ADDR_LB_EGRESS=127.0.0.7
CLUSTER_INSTANCES=(identity-2 catalog-2 gateway-2 haproxy)

# Default ports of the second instances and of HAProxy's own listener (its Prometheus metrics
# and stats page), per stack: gateway-2 catalog-2 identity-2, their metrics listeners, haproxy.
stack_default_cluster_ports() {
  case $1 in
    dev) echo 8083 8084 8085 9083 9084 9085 9086 ;;
    test) echo 18083 18084 18085 19083 19084 19085 19086 ;;
    bench) echo 28083 28084 28085 29083 29084 29085 29086 ;;
    *) return 1 ;;
  esac
}

# Sets TOPOLOGY and the cluster's ports (called by stack_use, before run/stack.env is read).
cluster_use_ports() {
  local d
  read -r -a d <<< "$(stack_default_cluster_ports "$STACK")"
  TOPOLOGY=${MERCATO_TOPOLOGY:-single}
  PORT_GATEWAY_2=${MERCATO_GATEWAY_2_PORT:-${d[0]}}
  PORT_CATALOG_2=${MERCATO_CATALOG_2_PORT:-${d[1]}}
  PORT_IDENTITY_2=${MERCATO_IDENTITY_2_PORT:-${d[2]}}
  PORT_GATEWAY_2_METRICS=${MERCATO_GATEWAY_2_METRICS_PORT:-${d[3]}}
  PORT_CATALOG_2_METRICS=${MERCATO_CATALOG_2_METRICS_PORT:-${d[4]}}
  PORT_IDENTITY_2_METRICS=${MERCATO_IDENTITY_2_METRICS_PORT:-${d[5]}}
  PORT_HAPROXY=${MERCATO_HAPROXY_PORT:-${d[6]}}
}

# Checked after run/stack.env is read, so a bad value names the variable that set it.
cluster_check_topology() {
  case $TOPOLOGY in
    single | cluster) ;;
    *) die "MERCATO_TOPOLOGY (or --topology) must be single or cluster, not '$TOPOLOGY'" ;;
  esac
}

CLUSTER_SAVED_VARS=(TOPOLOGY PORT_GATEWAY_2 PORT_CATALOG_2 PORT_IDENTITY_2 PORT_GATEWAY_2_METRICS
  PORT_CATALOG_2_METRICS PORT_IDENTITY_2_METRICS PORT_HAPROXY)

is_cluster() { [[ $TOPOLOGY == cluster ]]; }

# The service an instance name belongs to: catalog-2 → catalog.
svc_kind() { printf '%s' "${1%-2}"; }

# The instances of service $1 the topology runs, in start order.
svc_instances() {
  if is_cluster; then printf '%s %s-2' "$1" "$1"; else printf '%s' "$1"; fi
}

# Every service instance the topology runs (prometheus targets, the secrets grep, status).
svc_all_instances() {
  local s out=()
  for s in "${SERVICES[@]}"; do
    # shellcheck disable=SC2207
    out+=($(svc_instances "$s"))
  done
  printf '%s\n' "${out[@]}"
}

# The upstream list of service $1 for the instances that call it (gateway → catalog and
# identity, catalog → identity): `host:port,host:port` in the cluster, nothing in the single
# topology (the caller then uses its host, port and Unix socket as before).
cluster_upstreams() {
  is_cluster || return 0
  local i out=()
  for i in $(svc_instances "$1"); do out+=("$(component_host "$i"):$(component_port "$i")"); done
  local IFS=,
  printf '%s' "${out[*]}"
}

# The entry point clients use: HAProxy in the cluster, the gateway otherwise.
public_url() {
  if is_cluster; then printf 'http://%s:%s' "$ADDR_PUBLIC" "$PORT_GATEWAY"; else service_url gateway; fi
}

# HAProxy ---------------------------------------------------------------------------------------

haproxy_pid() { pidfile_pid haproxy "haproxy -f"; }

# The configuration, written on every start so a port change applies. Why each setting:
# - `source ADDR_LB_EGRESS`: the gateways believe X-Forwarded-For from that address only
#   (TRUSTED_PROXIES), and `option forwardfor` appends the real peer, so a client's forged
#   X-Forwarded-For sits left of an untrusted hop (src/http/client_address.hpp).
# - `option httpchk GET /health/ready` every 500 ms, down after 2 failures: a draining gateway
#   answers 503 there at once (SIGTERM), so it leaves the rotation within about a second while
#   it finishes what it has; `on-marked-down shutdown-sessions` is not set, for the same reason.
# - `retry-on conn-failure` + `option redispatch`: a connection refused (an instance between
#   stop and start) is retried on the other instance; the request never left, so this is safe
#   for writes too. Reads (GET/HEAD) are also retried after an empty response; writes are not,
#   since one may have been applied before its connection broke.
# - `http-reuse safe`: a client's first request never rides an idle server connection, which
#   the server may be closing at that instant.
haproxy_config() {
  local out=$1
  cat > "$out.tmp" << EOF
# Generated by ./mercato (scripts/cluster.sh) on every start; edit there, not here.
global
  # Two file descriptors per proxied connection must fit under the usual 20,000 soft limit.
  maxconn 8000
  log stdout format raw local0 info

defaults
  mode http
  log global
  option httplog
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  timeout http-request 10s
  timeout http-keep-alive 10s
  timeout queue 5s
  retries 2
  option redispatch 1
  retry-on conn-failure empty-response
  http-reuse safe

frontend public
  bind $ADDR_PUBLIC:$PORT_GATEWAY
  option forwardfor
  http-request disable-l7-retry unless METH_GET || METH_HEAD
  default_backend gateways

backend gateways
  balance leastconn
  option httpchk GET /health/ready
  http-check expect status 200
  default-server check inter 500ms fall 2 rise 2 source $ADDR_LB_EGRESS
  server gateway $ADDR_GATEWAYS:$PORT_GATEWAY
  server gateway-2 $ADDR_GATEWAYS:$PORT_GATEWAY_2

# HAProxy's own metrics (Prometheus) and stats page, on loopback only.
frontend internal
  bind 127.0.0.1:$PORT_HAPROXY
  http-request use-service prometheus-exporter if { path /metrics }
  stats enable
  stats uri /stats
  stats refresh 5s
EOF
  mv "$out.tmp" "$out"
}

haproxy_start() {
  local cfg=$STATE/haproxy.cfg pid
  command -v haproxy > /dev/null || { FAILED_WHY="haproxy is not installed (./mercato up installs it)"; return 1; }
  port_free "$PORT_GATEWAY" "$ADDR_PUBLIC" || return 1
  port_free "$PORT_HAPROXY" || return 1
  haproxy_config "$cfg" || { FAILED_WHY="cannot write $(rel "$cfg")"; return 1; }
  haproxy -c -q -f "$cfg" >> "$(component_log haproxy)" 2>&1 ||
    { FAILED_WHY="haproxy refused its configuration $(rel "$cfg")"; return 1; }
  # -db: stay in the foreground, so the pid the driver records is HAProxy's own.
  launch "$RUN_DIR/haproxy.pid" "$(component_log haproxy)" "$STATE" haproxy -f "$cfg" -db || return 1
  pid=$(read_pidfile "$RUN_DIR/haproxy.pid")
  wait_http "http://127.0.0.1:$PORT_HAPROXY/metrics" 30 "$pid" || return 1
  cluster_sd_write_haproxy
}

haproxy_stop() {
  pidfile_stop haproxy "${MERCATO_STOP_TIMEOUT:-20}" haproxy_pid
  cluster_sd_write_haproxy
}

# HAProxy as a Prometheus target (its exporter), beside the services' targets.
cluster_sd_write_haproxy() {
  local dir file
  dir=$(prom_targets_dir)
  file=$dir/haproxy.json
  mkdir -p "$dir" || return 1
  if haproxy_pid > /dev/null; then
    printf '[{"targets": ["127.0.0.1:%s"], "labels": {"service": "haproxy", "instance": "%s:%s", "stack": "%s"}}]\n' \
      "$PORT_HAPROXY" "$ADDR_PUBLIC" "$PORT_GATEWAY" "$STACK"
  else
    printf '[]\n'
  fi > "$file.tmp" && mv "$file.tmp" "$file"
}

# Tests ---------------------------------------------------------------------------------------

# What the cluster tests (tests/cluster) read: the public entry and each instance, by name.
cluster_test_env() {
  export MERCATO_TOPOLOGY=$TOPOLOGY MERCATO_PUBLIC_URL MERCATO_INSTANCES=
  MERCATO_PUBLIC_URL=$(public_url)
  is_cluster || return 0
  local i list=()
  for i in $(svc_all_instances); do
    list+=("$i=$(service_url "$i")=$(service_metrics_url "$i")=$RUN_DIR/$i.pid")
  done
  MERCATO_INSTANCES=${list[*]}
}

# Turns the running stack's services into the cluster topology: every service instance stops,
# then identity, catalog and gateway start twice each, each with the other services' instance
# lists, and HAProxy in front. The data tier keeps running. The dashboard is not restarted:
# no cluster test drives it.
stack_become_cluster() {
  local c
  for c in web gateway catalog identity; do component_stop "$c" > /dev/null; done
  TOPOLOGY=cluster
  stack_save
  for c in identity identity-2 catalog catalog-2 gateway gateway-2 haproxy; do
    component_start "$c" || return 1
  done
}

# The cluster suite of ./mercato test: the stack becomes the cluster topology, then
# tests/cluster/cluster_*.py run against it (kept out of the python suite's discovery, which
# expects one instance of each service). Every user of the load shares one rate limit per
# minute: the suite runs with 600 (the default is 100), and its load paces each client under it.
cluster_suite() {
  (
    export RATE_LIMIT_PER_MINUTE=${RATE_LIMIT_PER_MINUTE:-600}
    stack_become_cluster || { report_failure; exit 1; }
    test_env
    cd "$REPO/tests" && python3 -m unittest discover -s cluster -t . -p 'cluster_*.py' -v
  )
}
