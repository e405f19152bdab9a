# The HA data tier of a stack (`./mercato up --ha`, or MERCATO_PG_HA=1, kept in run/stack.env):
# the stack's `postgres` component is then a pg_auto_failover formation (scripts/pg_ha.sh: a
# monitor and three nodes, a primary and two synchronous standbys, fsync and synchronous_commit
# on) instead of one server and its asynchronous replica:
#
#   node1 127.0.0.1:PORT_PG   node2 127.0.0.1:PORT_PG_REPLICA   node3 127.0.0.1:PORT_PG_NODE3
#   monitor 127.0.0.1:PORT_PG_HA_MONITOR
#
# Which node is primary is the monitor's decision and changes on failover, so the services get
# every node: DB_HOST=host:port,... (libpq tries them in order and keeps the one that takes
# writes, target_session_attrs=read-write) and the same list as DB_REPLICA_HOSTS (the catalog
# reads only from those in recovery and within DB_REPLICA_MAX_LAG: whichever are standbys now).
# The postgres-replica component is off; the postgres exporter watches node1 only (which may be
# a standby after a failover; its pg_up still says whether node1 serves).
# The formation lives in PG_DIR/ha; `down` stops it, `up` starts it again (pg_autoctl keeps the
# roles it had), `reset` deletes it.

PG_HA_SAVED_VARS=(PG_HA PORT_PG_HA_MONITOR PORT_PG_NODE3)

# Default ports per stack: the monitor, node3 (node1 and node2 take the single tier's
# postgres and postgres-replica ports).
stack_default_pg_ha_ports() {
  case $1 in
    dev) echo 15434 15435 ;;
    test) echo 25434 25435 ;;
    bench) echo 28434 28435 ;;
    *) return 1 ;;
  esac
}

# Sets PG_HA and its ports (called by stack_use, before run/stack.env is read).
pg_ha_use_ports() {
  local d
  read -r -a d <<< "$(stack_default_pg_ha_ports "$STACK")"
  PG_HA=${MERCATO_PG_HA:-0}
  PORT_PG_HA_MONITOR=${MERCATO_PG_HA_MONITOR_PORT:-${d[0]}}
  PORT_PG_NODE3=${MERCATO_PG_NODE3_PORT:-${d[1]}}
}

# Checked after run/stack.env is read, so a bad value names the variable that set it.
pg_ha_check() {
  [[ $PG_HA == 0 || $PG_HA == 1 ]] || die "MERCATO_PG_HA (or --ha) must be 0 or 1, not '$PG_HA'"
}

is_pg_ha() { [[ ${PG_HA:-0} == 1 ]]; }

pg_ha_stack_dir() { printf '%s/ha' "$PG_DIR"; }

# Every node, host:port,... in node order (DB_HOST, DB_REPLICA_HOSTS).
pg_ha_stack_hosts() { printf '127.0.0.1:%s,127.0.0.1:%s,127.0.0.1:%s' "$PORT_PG" "$PORT_PG_REPLICA" "$PORT_PG_NODE3"; }

# The formation runs while any of its pg_autoctl processes does (the monitor's first: each
# node's own restarts its PostgreSQL, a lost node is the monitor's business, and `status`
# prints the node states), so `down` stops whatever of it is left.
pg_ha_stack_pid() {
  local name
  for name in monitor node1 node2 node3; do pg_ha_pid "$(pg_ha_stack_dir)" "$name" && return 0; done
  return 1
}

# Creates the formation on the first start, starts it again later; then the services' roles and
# databases, as for a single server (pg_create_databases, through psql_primary's node list).
pg_ha_stack_start() {
  local dir log
  dir=$(pg_ha_stack_dir)
  log=$(component_log postgres)
  pg_prepare || return 1
  is_root && { chown postgres: "$PG_DIR" || return 1; }
  printf 'pg_auto_failover formation in %s (its logs: %s/logs/)\n' "$dir" "$dir" >> "$log"
  if [[ ! -e $dir/monitor ]]; then
    step "postgres: creating the pg_auto_failover formation (a monitor and three nodes)"
    rm -rf "$dir"
    pg_ha_create "$dir" "$PORT_PG_HA_MONITOR" "$PORT_PG" "$PORT_PG_REPLICA" "$PORT_PG_NODE3" || return 1
  else
    pg_ha_start "$dir" || return 1
    pg_ha_wait_healthy "$dir" 120 || return 1
  fi
  pg_create_databases >> "$log" 2>&1 || { FAILED_WHY="creating the databases on the formation's primary failed"; return 1; }
}

pg_ha_stack_stop() { pg_ha_stop "$(pg_ha_stack_dir)"; }

# psql as the superuser on whichever node takes writes, over TCP: pg_autoctl trusts postgres on
# database postgres from 127.0.0.1 (scripts/pg_ha.sh), every other database asks for the
# password that pg_create_databases sets, found in PGPASSFILE (the stack's, which only this user
# reads: psql runs as the driver's user, not as postgres).
psql_pg_ha() {
  PGHOST=127.0.0.1,127.0.0.1,127.0.0.1 PGPORT=$PORT_PG,$PORT_PG_REPLICA,$PORT_PG_NODE3 PGUSER=postgres \
    PGTARGETSESSIONATTRS=read-write PGCONNECT_TIMEOUT=5 \
    "$(pg_bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

# The formation's nodes under `status`: where each is and what the monitor has it do.
pg_ha_status() {
  local name addr reported assigned
  while read -r name addr reported assigned; do
    printf '    %-23s %-9s %s (assigned %s)\n' "$name" "$reported" "$addr" "$assigned"
  done < <(pg_ha_state "$(pg_ha_stack_dir)")
}

# One line for `up`: the nodes and which one takes writes now.
pg_ha_print_urls() {
  local primary
  primary=$(pg_ha_primary "$(pg_ha_stack_dir)" 2> /dev/null) || primary="none right now"
  printf '  %-10s pg_auto_failover: nodes %s (primary %s), monitor 127.0.0.1:%s   redis 127.0.0.1:%s (cache :%s)\n' \
    postgres "$(pg_ha_stack_hosts)" "$primary" "$PORT_PG_HA_MONITOR" "$PORT_REDIS" "$PORT_REDIS_CACHE"
}
