# Exporters for a stack's data stores, from Debian's packages (prometheus-postgres-exporter 0.11,
# prometheus-redis-exporter 1.45): one process per server, so each target's `up`, `pg_up` or
# `redis_up` speaks for one server only (a single postgres exporter watching two servers sets one
# pg_up for both). Like Prometheus (prometheus.sh): 127.0.0.1 only, started and stopped by pid
# through the component_* dispatchers of stack.sh, logs in .var/<stack>/logs/<name>.log.
#
#   postgres-exporter          → postgres           job postgres
#   postgres-replica-exporter  → postgres-replica   job postgres (only with the replica)
#   redis-exporter             → redis              job redis
#   redis-cache-exporter       → redis-cache        job redis
#
# Credentials: PostgreSQL's role mercato_monitor (pg_monitor, nothing else; postgres.sh creates
# it) and Redis's ACL user mercato-monitor (read-only introspection, no keys; redis.sh). Neither
# password is ever on a command line: the postgres exporter reads its password file itself
# (DATA_SOURCE_PASS_FILE), the redis exporter its password file (-redis.password-file, a JSON
# map from address to password, in secrets/). Neither is in their environment either, which is
# their own (env -i), so nothing of the caller's (DATA_SOURCE_NAME, PG*, REDIS_*) changes what
# they connect to.
#
# Each exporter has one file-SD file, .var/<stack>/prometheus/targets/<job>/<server>.json,
# rewritten when the driver starts or stops it. Its `instance` label is the server's address
# (not the exporter's), `component` the server's component name; the replica's file also says
# which standby it is (`standby`, its application_name on the primary), which the replication
# alerts match against the primary's pg_stat_replication.

EXPORTERS=(postgres-exporter postgres-replica-exporter redis-exporter redis-cache-exporter)
# application_name of the stack's replica (pg_start_replica's primary_conninfo).
PG_REPLICA_NAME=mercato_replica

# Default ports per stack: postgres-exporter postgres-replica-exporter redis-exporter
# redis-cache-exporter (the exporters' usual 9187 and 9121, and the next port for the second).
stack_default_exporter_ports() {
  case $1 in
    dev) echo 9187 9188 9121 9122 ;;
    test) echo 19187 19188 19121 19122 ;;
    bench) echo 29187 29188 29121 29122 ;;
    *) return 1 ;;
  esac
}

# Sets the PORT_*_EXPORTER variables (called by stack_use, before run/stack.env is read).
exporter_use_ports() {
  local d
  read -r -a d <<< "$(stack_default_exporter_ports "$STACK")"
  PORT_PG_EXPORTER=${MERCATO_PG_EXPORTER_PORT:-${d[0]}}
  PORT_PG_REPLICA_EXPORTER=${MERCATO_PG_REPLICA_EXPORTER_PORT:-${d[1]}}
  PORT_REDIS_EXPORTER=${MERCATO_REDIS_EXPORTER_PORT:-${d[2]}}
  PORT_REDIS_CACHE_EXPORTER=${MERCATO_REDIS_CACHE_EXPORTER_PORT:-${d[3]}}
}

exporter_port() {
  case $1 in
    postgres-exporter) echo "$PORT_PG_EXPORTER" ;;
    postgres-replica-exporter) echo "$PORT_PG_REPLICA_EXPORTER" ;;
    redis-exporter) echo "$PORT_REDIS_EXPORTER" ;;
    redis-cache-exporter) echo "$PORT_REDIS_CACHE_EXPORTER" ;;
  esac
}

# The server an exporter watches, and the Prometheus job it is scraped in.
exporter_server() { printf '%s' "${1%-exporter}"; }
exporter_job() { case $1 in postgres*) echo postgres ;; redis*) echo redis ;; esac; }
exporter_program() { printf 'prometheus-%s-exporter' "$(exporter_job "$1")"; }
exporter_url() { printf 'http://127.0.0.1:%s' "$(exporter_port "$1")"; }

exporter_pid() { pidfile_pid "$1" "$(exporter_program "$1") --web.listen-address=127.0.0.1:$(exporter_port "$1")"; }

# The targets file of one exporter: its target while it runs, none while it is stopped.
# Written to a temporary name and renamed, so Prometheus never reads half a file.
#   exporter_sd_write EXPORTER
exporter_sd_write() {
  local name=$1 server dir file extra=
  server=$(exporter_server "$name")
  dir=$(prom_targets_dir)/$(exporter_job "$name")
  file=$dir/$server.json
  mkdir -p "$dir" || return 1
  [[ $server == postgres-replica ]] && extra=", \"standby\": \"$PG_REPLICA_NAME\""
  if exporter_pid "$name" > /dev/null; then
    printf '[{"targets": ["127.0.0.1:%s"], "labels": {"component": "%s", "instance": "127.0.0.1:%s", "stack": "%s"%s}}]\n' \
      "$(exporter_port "$name")" "$server" "$(component_port "$server")" "$STACK" "$extra"
  else
    printf '[]\n'
  fi > "$file.tmp" && mv "$file.tmp" "$file"
}

# Connection timeouts stay under the test stack's 2 s scrape timeout, so a server that does not
# answer shows as pg_up/redis_up 0 rather than as a failed scrape of the exporter.
exporter_start() {
  local name=$1 server port program pid env
  server=$(exporter_server "$name")
  port=$(exporter_port "$name")
  program=$(exporter_program "$name")
  command -v "$program" > /dev/null || { FAILED_WHY="$program is not installed (./mercato up installs it)"; return 1; }
  port_free "$port" || return 1
  env=(env -i "PATH=$PATH" "LANG=C.UTF-8")
  case $name in
    postgres*)
      # lib/pq: the role's password is read from the file by the exporter, never passed.
      env+=("DATA_SOURCE_URI=127.0.0.1:$(component_port "$server")/postgres?sslmode=disable&connect_timeout=1"
        DATA_SOURCE_USER=mercato_monitor "DATA_SOURCE_PASS_FILE=$(secrets_dir)/pg-mercato_monitor.password")
      launch "$RUN_DIR/$name.pid" "$LOG_DIR/$name.log" "$STATE" "${env[@]}" "$program" \
        --web.listen-address="127.0.0.1:$port" \
        --extend.query-path="$PROM_DEPLOY_DIR/postgres-queries.yml" || return 1
      ;;
    redis*)
      exporter_redis_password_file || { FAILED_WHY="cannot write $(rel "$(secrets_dir)")/redis-exporter.json"; return 1; }
      launch "$RUN_DIR/$name.pid" "$LOG_DIR/$name.log" "$STATE" "${env[@]}" "$program" \
        --web.listen-address="127.0.0.1:$port" -redis.addr="redis://127.0.0.1:$(component_port "$server")" \
        -redis.user=mercato-monitor -redis.password-file="$(secrets_dir)/redis-exporter.json" \
        -connection-timeout=1s || return 1
      ;;
  esac
  pid=$(read_pidfile "$RUN_DIR/$name.pid")
  exporter_wait_listening "$port" 15 "$pid" || return 1
  exporter_sd_write "$name"
}

# Ready once it listens, a few milliseconds after exec (it connects to its server only when
# scraped). The port was free before the launch, so a listener there while the pid lives is it;
# checked with bash's /dev/tcp rather than curl, since a start pays for every process it forks.
#   exporter_wait_listening PORT TIMEOUT PID
exporter_wait_listening() {
  local port=$1 pid=$3 deadline=$((SECONDS + $2))
  until port_in_use "$port"; do
    if ! pid_alive "$pid"; then
      FAILED_WHY="$(exit_reason "$pid") before listening on 127.0.0.1:$port"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      FAILED_WHY="it did not listen on 127.0.0.1:$port within $2 s"
      return 1
    fi
    sleep 0.01
  done
}

# The redis exporter's password file: a JSON object from each Redis address of the stack to the
# password of mercato-monitor (the exporter's own format), 0600 in secrets/. Rewritten at each
# start, since the ports may have changed.
exporter_redis_password_file() {
  local pw
  pw=$(secret redis-mercato-monitor) || return 1
  (umask 077 && printf '{"redis://127.0.0.1:%s": "%s", "redis://127.0.0.1:%s": "%s"}\n' \
    "$PORT_REDIS" "$pw" "$PORT_REDIS_CACHE" "$pw" > "$(secrets_dir)/redis-exporter.json")
}

exporter_stop() {
  local name=$1 pid
  if pid=$(exporter_pid "$name"); then terminate "$pid" 10; fi
  rm -f "$RUN_DIR/$name.pid"
  exporter_sd_write "$name"
}

# Its line in the summary `up` prints.
exporters_print_urls() {
  printf '  %-10s postgres http://127.0.0.1:%s/metrics%s   redis :%s (cache :%s)\n' exporters "$PORT_PG_EXPORTER" \
    "$([[ $PG_REPLICA == 1 ]] && printf ' (replica :%s)' "$PORT_PG_REPLICA_EXPORTER")" "$PORT_REDIS_EXPORTER" \
    "$PORT_REDIS_CACHE_EXPORTER"
}

# Starts the exporter of every data store of the stack that runs (bench cases start only the
# stores they need, after bench_init).
exporters_start_for_running_stores() {
  local name
  for name in "${EXPORTERS[@]}"; do
    component_pid "$(exporter_server "$name")" > /dev/null || continue
    component_start "$name" || return 1
  done
}
