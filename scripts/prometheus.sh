# Prometheus and Alertmanager for a stack (Debian's packages), like PostgreSQL and Redis: state in
# .var/<stack>/prometheus and .var/<stack>/alertmanager, listening on 127.0.0.1 only, started and
# stopped by pid through the component_* dispatchers of stack.sh.
#
# Prometheus' configuration is generated on every start from deploy/prometheus/prometheus.yml.in
# (so a port change applies); its rules are read from deploy/prometheus/rules/ where they are. It
# scrapes each service instance's internal listener (METRICS_HOST:METRICS_PORT, /metrics — never
# the API port) found by file-based service discovery: every *.json in
# .var/<stack>/prometheus/targets/. The driver keeps one file per service (<service>.json) that
# lists the instances it runs, rewritten whenever it starts or stops one; an instance started by
# anyone else (a test, an operator) is added by dropping another file there in the same form
# (tests/testkit.py: prometheus_target). Prometheus re-reads the directory by itself, no restart.
# The data stores' exporters (exporters.sh) have their own jobs, `postgres` and `redis`, each
# reading the subdirectory of that name (targets/postgres/*.json, targets/redis/*.json).

# Default ports per stack: prometheus alertmanager.
stack_default_monitoring_ports() {
  case $1 in
    dev) echo 9090 9093 ;;
    test) echo 19090 19093 ;;
    bench) echo 29090 29093 ;;
    *) return 1 ;;
  esac
}

# Sets PORT_PROMETHEUS and PORT_ALERTMANAGER (called by stack_use, before run/stack.env is read).
prom_use_ports() {
  local d
  read -r -a d <<< "$(stack_default_monitoring_ports "$STACK")"
  PORT_PROMETHEUS=${MERCATO_PROMETHEUS_PORT:-${d[0]}}
  PORT_ALERTMANAGER=${MERCATO_ALERTMANAGER_PORT:-${d[1]}}
}

PROM_DEPLOY_DIR=$REPO/deploy/prometheus

# Scrape and rule-evaluation interval: short in the test stack so tests wait seconds, not a minute.
prom_scrape_interval() {
  case $1 in
    test) echo 2s ;;
    *) echo 10s ;;
  esac
}

# TSDB retention: the dev stack keeps the 3 days the slowest burn-rate window needs; the test and
# bench stacks are wiped on every run anyway.
prom_retention() {
  case $1 in
    dev) echo 3d ;;
    *) echo 6h ;;
  esac
}

prom_dir() { printf '%s/prometheus' "$STATE"; }
prom_targets_dir() { printf '%s/prometheus/targets' "$STATE"; }
prometheus_url() { printf 'http://127.0.0.1:%s' "$PORT_PROMETHEUS"; }
alertmanager_url() { printf 'http://127.0.0.1:%s' "$PORT_ALERTMANAGER"; }

# Writes the Prometheus configuration of stack $1 (ports of the selected stack) to file $2.
#   prom_config STACK FILE
prom_config() {
  local stack=$1 out=$2 interval
  interval=$(prom_scrape_interval "$stack")
  sed -e "s|@STACK@|$stack|g" \
    -e "s|@SCRAPE_INTERVAL@|$interval|g" \
    -e "s|@RULES_DIR@|$PROM_DEPLOY_DIR/rules|g" \
    -e "s|@TARGETS_DIR@|$(prom_targets_dir)|g" \
    -e "s|@PROMETHEUS_PORT@|$PORT_PROMETHEUS|g" \
    -e "s|@ALERTMANAGER_PORT@|$PORT_ALERTMANAGER|g" \
    "$PROM_DEPLOY_DIR/prometheus.yml.in" > "$out.tmp" && mv "$out.tmp" "$out"
}

# The targets file of one service: the instance the driver runs, or none while it is stopped.
# Written to a temporary name and renamed, so Prometheus never reads half a file.
#   prom_sd_write SERVICE
prom_sd_write() {
  local name=$1 dir file
  dir=$(prom_targets_dir)
  file=$dir/$name.json
  mkdir -p "$dir" || return 1
  if svc_pid "$name" > /dev/null; then
    printf '[{"targets": ["127.0.0.1:%s"], "labels": {"service": "%s", "instance": "%s:%s", "stack": "%s"}}]\n' \
      "$(component_metrics_port "$name")" "$(svc_kind "$name")" "$(component_host "$name")" "$(component_port "$name")" "$STACK"
  else
    printf '[]\n'
  fi > "$file.tmp" && mv "$file.tmp" "$file"
}

prometheus_pid() { pidfile_pid prometheus "prometheus --config.file"; }
alertmanager_pid() { pidfile_pid alertmanager "prometheus-alertmanager --config.file"; }

prometheus_start() {
  local dir s pid
  dir=$(prom_dir)
  command -v prometheus > /dev/null || { FAILED_WHY="prometheus is not installed (./mercato up installs it)"; return 1; }
  mkdir -p "$dir/data" "$(prom_targets_dir)" || return 1
  port_free "$PORT_PROMETHEUS" || return 1
  prom_config "$STACK" "$dir/prometheus.yml" || { FAILED_WHY="cannot write $(rel "$dir")/prometheus.yml"; return 1; }
  # Every instance either topology can run: a stopped one's file is written empty.
  for s in "${SERVICES[@]}"; do prom_sd_write "$s" && prom_sd_write "$s-2" || return 1; done
  cluster_sd_write_haproxy || return 1
  for s in "${EXPORTERS[@]}"; do exporter_sd_write "$s" || return 1; done
  launch "$RUN_DIR/prometheus.pid" "$LOG_DIR/prometheus.log" "$dir" prometheus \
    --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/data" \
    --storage.tsdb.retention.time="$(prom_retention "$STACK")" \
    --web.listen-address="127.0.0.1:$PORT_PROMETHEUS" \
    --web.external-url="$(prometheus_url)" || return 1
  pid=$(read_pidfile "$RUN_DIR/prometheus.pid")
  # Ready once its (empty or small) TSDB is open: about a second.
  wait_http "$(prometheus_url)/-/ready" 30 "$pid"
}

# Alertmanager's gossip cluster is switched off (--cluster.listen-address=): it would listen on
# 0.0.0.0:9094, and a single instance has no peers.
alertmanager_start() {
  local dir=$STATE/alertmanager pid
  command -v prometheus-alertmanager > /dev/null ||
    { FAILED_WHY="prometheus-alertmanager is not installed (./mercato up installs it)"; return 1; }
  mkdir -p "$dir" || return 1
  port_free "$PORT_ALERTMANAGER" || return 1
  launch "$RUN_DIR/alertmanager.pid" "$LOG_DIR/alertmanager.log" "$dir" prometheus-alertmanager \
    --config.file="$PROM_DEPLOY_DIR/alertmanager.yml" \
    --storage.path="$dir" \
    --web.listen-address="127.0.0.1:$PORT_ALERTMANAGER" \
    --web.external-url="$(alertmanager_url)" \
    --cluster.listen-address= || return 1
  pid=$(read_pidfile "$RUN_DIR/alertmanager.pid")
  wait_http "$(alertmanager_url)/-/ready" 30 "$pid"
}

prometheus_stop() { pidfile_stop prometheus 30 prometheus_pid; }
alertmanager_stop() { pidfile_stop alertmanager 15 alertmanager_pid; }

# The "prometheus rules" suite of ./mercato test: the generated configuration of every stack
# kind passes `promtool check config`, the rules `promtool check rules`, their unit tests
# (deploy/prometheus/tests) `promtool test rules`, every alert has a test that fires it and one
# that keeps it silent, and Alertmanager's configuration passes `amtool check-config`.
prom_rules_suite() {
  local tmp kind rc=0 saved_state=$STATE saved_p=$PORT_PROMETHEUS saved_a=$PORT_ALERTMANAGER d
  tmp=$(mktemp -d) || return 1
  for kind in dev test bench; do
    read -r -a d <<< "$(stack_default_monitoring_ports "$kind")"
    STATE=$tmp/$kind PORT_PROMETHEUS=${d[0]} PORT_ALERTMANAGER=${d[1]}
    # A targets file as the driver writes it for a stopped service, so file SD has one to read.
    mkdir -p "$(prom_targets_dir)"/{postgres,redis} && printf '[]\n' > "$(prom_targets_dir)/catalog.json" &&
      printf '[]\n' > "$(prom_targets_dir)/postgres/postgres.json" && printf '[]\n' > "$(prom_targets_dir)/redis/redis.json"
    prom_config "$kind" "$tmp/$kind.yml" || rc=1
    step "promtool check config ($kind stack)"
    promtool check config "$tmp/$kind.yml" || rc=1
  done
  STATE=$saved_state PORT_PROMETHEUS=$saved_p PORT_ALERTMANAGER=$saved_a
  rm -rf "$tmp"
  step "promtool check rules"
  promtool check rules "$PROM_DEPLOY_DIR"/rules/*.yml || rc=1
  step "postgres exporter queries (postgres-queries.yml) parse"
  python3 -c 'import sys, yaml; q = yaml.safe_load(open(sys.argv[1])); assert all("query" in v and "metrics" in v for v in q.values())' \
    "$PROM_DEPLOY_DIR/postgres-queries.yml" || rc=1
  step "promtool test rules"
  (cd "$PROM_DEPLOY_DIR/tests" && promtool test rules ./*.yml) || rc=1
  step "every alert fired and kept silent by a test"
  python3 "$PROM_DEPLOY_DIR/tests/coverage.py" || rc=1
  if command -v amtool > /dev/null; then
    step "amtool check-config"
    amtool check-config "$PROM_DEPLOY_DIR/alertmanager.yml" || rc=1
  fi
  return $rc
}

# Its lines in the summary `up` prints.
prom_print_urls() {
  printf '  %-10s %s   (targets %s/targets, rules in deploy/prometheus/rules)\n' prometheus "$(prometheus_url)" \
    "$(prometheus_url)"
  printf '  %-10s %s\n' alerts "$(alertmanager_url)"
}

# What the Python tests need to reach the stack's Prometheus (tests/testkit.py).
prom_test_env() {
  export MERCATO_PROMETHEUS_URL MERCATO_ALERTMANAGER_URL MERCATO_PROMETHEUS_SD_DIR
  MERCATO_PROMETHEUS_URL=$(prometheus_url)
  MERCATO_ALERTMANAGER_URL=$(alertmanager_url)
  MERCATO_PROMETHEUS_SD_DIR=$(prom_targets_dir)
}
