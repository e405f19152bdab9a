# PostgreSQL high availability with pg_auto_failover (docs/scaling.md, "PostgreSQL high
# availability"): one monitor and three nodes (a primary and two synchronous standbys) under one
# directory, each run by its own `pg_autoctl run`, on 127.0.0.1 only. pg_autoctl decides roles:
# the monitor health-checks the nodes and promotes a standby when the primary is lost; the
# services find the primary themselves through DB_HOST=host:port,... (target_session_attrs).
#
#   pg_ha_create DIR MONITOR_PORT PORT1 PORT2 PORT3   create, start, wait until healthy and sync
#   pg_ha_start DIR                                   start an existing formation again
#   pg_ha_stop DIR                                    stop every pg_autoctl and PostgreSQL of DIR
#   pg_ha_primary DIR                                 host:port of the node that takes writes now
#   pg_ha_hosts DIR                                   every node, host:port,... (for DB_HOST)
#   pg_ha_wait_healthy DIR SECONDS                    primary + 2 secondaries, replication sync
#
# Layout of DIR: monitor/ and node1..3/ (data directories), run/ (pg_autoctl's pid files; every
# process is found and stopped by those pids, never by name), config/ and share/ (pg_autoctl's
# XDG directories: its configuration lives outside the data directory, so each formation keeps
# its own instead of the postgres user's home), logs/*.log.
#
# Durability is the point, so unlike the test stack (scripts/postgres.sh: fsync=off,
# synchronous_commit=off) these servers keep PostgreSQL's defaults: fsync on, and
# synchronous_commit on with pg_auto_failover's synchronous_standby_names ('ANY 1 (...)' with
# number_sync_standbys=1), so a commit is acknowledged only once a standby has its WAL.
#
# Authentication: pg_autoctl's own roles (autoctl_node, pgautofailover_monitor,
# pgautofailover_replicator, and postgres on database postgres) are trusted on 127.0.0.1 only,
# as `--auth trust` sets them up; every other login over TCP needs a scram-sha-256 password
# (pg_ha_write_hba). A production formation across machines uses --auth scram-sha-256 and TLS
# (--ssl-self-signed at least) instead: see docs/scaling.md.

# How fast a lost primary is replaced. pg_auto_failover's defaults (health check every 5 s, a
# node unhealthy after 20 s, 30 s for the old primary to demote itself) add up to about 45 s of
# write unavailability; these bring it to 10-15 s on this shared 2-core machine, most of it
# pg_autoctl restarting and promoting a standby (docs/scaling.md has the timeline). The order matters for
# split brain: a primary cut off from the monitor and from every standby demotes itself after
# PG_HA_PARTITION_S, which must stay below PG_HA_DEMOTE_MS, the time the monitor waits before it
# lets the promoted standby take writes. (With synchronous replication an isolated primary could
# not acknowledge a commit anyway: no standby would confirm it.)
PG_HA_HEALTH_CHECK_MS=${PG_HA_HEALTH_CHECK_MS:-500}
# How long a health check may take. Not the detection time for a dead node, whose port refuses
# at once; at 1 s the monitor marked busy but healthy standbys unhealthy on this shared machine,
# and an unhealthy standby holds up the choice of the new primary.
PG_HA_HEALTH_TIMEOUT_MS=${PG_HA_HEALTH_TIMEOUT_MS:-3000}
PG_HA_UNHEALTHY_MS=${PG_HA_UNHEALTHY_MS:-1000}
PG_HA_DEMOTE_MS=${PG_HA_DEMOTE_MS:-2000}
PG_HA_PARTITION_S=${PG_HA_PARTITION_S:-1}
# "on" (the default): a commit waits for a synchronous standby. "local" only shows what the
# failover test finds without synchronous replication (tests/integration/test_pg_failover.py).

# pg_autoctl with the formation's XDG directories, as the server's OS user.
pg_ha_ctl() {
  local dir=$1
  shift
  "${AS_PG[@]}" env HOME="$dir" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/share" XDG_RUNTIME_DIR="$dir/run" \
    pg_autoctl "$@"
}

# The monitor's URI for the nodes (no TLS on loopback; see the header).
pg_ha_monitor_uri() {
  printf 'postgres://autoctl_node@127.0.0.1:%s/pg_auto_failover?sslmode=disable' "$(cat "$1/monitor.port")"
}

# The pid of `pg_autoctl run` for one data directory (pg_autoctl writes it there itself).
pg_ha_pid() {
  local dir=$1 name=$2 pid
  pid=$(read_pidfile "$dir/run/pg_autoctl$dir/$name/pg_autoctl.pid") || return 1
  pid_is "$pid" "pg_autoctl" || return 1
  printf '%s' "$pid"
}

# Server settings for every node, after pg_autoctl's own include (later lines win). pg_autoctl
# sizes shared_buffers from the machine's memory (6 GB here, per node); three nodes on one
# test machine get the stack's 128 MB instead.
pg_ha_tune() {
  local data=$1
  grep -q '^# mercato pg_ha' "$data/postgresql.conf" && return 0
  cat << CONF | "${AS_PG[@]}" tee -a "$data/postgresql.conf" > /dev/null
# mercato pg_ha (scripts/pg_ha.sh): after pg_autoctl's include, so these win.
shared_buffers = '128MB'
effective_cache_size = '1GB'
maintenance_work_mem = '64MB'
work_mem = '4MB'
max_connections = 200
fsync = on
synchronous_commit = ${PG_HA_SYNCHRONOUS_COMMIT:-on}
CONF
}

# pg_autoctl's trust rules for its own roles first (the first matching line wins), then a
# password for everyone else on 127.0.0.1, and the unix socket for the server's OS user only.
# initdb's defaults trusted every local login, any role.
pg_ha_write_hba() {
  local data=$1
  pg_private_file "$data/pg_hba.conf" << HBA || return 1
# Generated by scripts/pg_ha.sh; pg_autoctl appends what it needs after these.
# TYPE  DATABASE          USER                       ADDRESS        METHOD
local   all               postgres                                  peer map=pgha
host    postgres          postgres                   127.0.0.1/32   trust
host    all               pgautofailover_monitor     127.0.0.1/32   trust
host    replication       pgautofailover_replicator  127.0.0.1/32   trust
host    postgres          pgautofailover_replicator  127.0.0.1/32   trust
host    all               all                        127.0.0.1/32   scram-sha-256
HBA
  printf 'pgha %s postgres\n' "$(pg_os_user)" | pg_private_file "$data/pg_ident.conf"
}

# Runs `pg_autoctl run` for DIR/NAME in the background, in its own session; waits until it has
# written its pid file.
pg_ha_run() {
  local dir=$1 name=$2 i
  launch "$dir/run/$name.launch.pid" "$dir/logs/$name.log" "$dir" \
    "${AS_PG[@]}" env HOME="$dir" XDG_CONFIG_HOME="$dir/config" XDG_DATA_HOME="$dir/share" XDG_RUNTIME_DIR="$dir/run" \
    pg_autoctl run --pgdata "$dir/$name" || return 1
  for ((i = 0; i < 300; i++)); do
    pg_ha_pid "$dir" "$name" > /dev/null && return 0
    sleep 0.1
  done
  FAILED_WHY="pg_autoctl run for $name did not start (log: $dir/logs/$name.log)"
  return 1
}

# Waits up to SECONDS for a pg_autoctl command to succeed (`pg_autoctl show state` answering).
pg_ha_retry() {
  local seconds=$1 i
  shift
  for ((i = 0; i < seconds * 5; i++)); do
    "$@" > /dev/null 2>&1 && return 0
    sleep 0.2
  done
  return 1
}

pg_ha_create_node() {
  local dir=$1 i=$2 port=$3
  local data=$dir/node$i
  # A standby's create waits for the primary to accept it and copies it with pg_basebackup.
  pg_ha_ctl "$dir" create postgres --pgctl "$(pg_bin_dir)/pg_ctl" --pgdata "$data" --pgport "$port" \
    --listen 127.0.0.1 --hostname 127.0.0.1 --name "node$i" --monitor "$(pg_ha_monitor_uri "$dir")" \
    --auth trust --no-ssl >> "$dir/logs/create-node$i.log" 2>&1 < /dev/null ||
    { FAILED_WHY="pg_autoctl create postgres for node$i failed (log: $dir/logs/create-node$i.log)"; return 1; }
  pg_ha_ctl "$dir" config set --pgdata "$data" timeout.network_partition_timeout "$PG_HA_PARTITION_S" > /dev/null ||
    return 1
  # A standby being promoted waits this long (5 s by default) for its WAL receiver to stop; with
  # the primary gone there is nothing more to receive.
  pg_ha_ctl "$dir" config set --pgdata "$data" timeout.prepare_promotion_walreceiver 1 > /dev/null || return 1
  { pg_ha_tune "$data" && pg_ha_write_hba "$data"; } || { FAILED_WHY="cannot configure node$i"; return 1; }
  pg_ha_run "$dir" "node$i"
}

#   pg_ha_create DIR MONITOR_PORT PORT1 PORT2 PORT3
pg_ha_create() {
  local dir=$1 mport=$2 i
  local ports=("$3" "$4" "$5")
  [[ -n $5 ]] || { FAILED_WHY="usage: pg_ha_create DIR MONITOR_PORT PORT1 PORT2 PORT3"; return 1; }
  [[ ! -e $dir/monitor ]] || { FAILED_WHY="$dir already holds a formation"; return 1; }
  mkdir -p "$dir"/{run,logs,config,share} || return 1
  is_root && { chown -R postgres: "$dir" || return 1; }
  printf '%s\n' "$mport" > "$dir/monitor.port"
  printf '%s\n' "${ports[@]}" > "$dir/node.ports"
  for i in "$mport" "${ports[@]}"; do port_free "$i" || return 1; done

  pg_ha_ctl "$dir" create monitor --pgctl "$(pg_bin_dir)/pg_ctl" --pgdata "$dir/monitor" --pgport "$mport" \
    --hostname 127.0.0.1 --auth trust --no-ssl >> "$dir/logs/create-monitor.log" 2>&1 < /dev/null ||
    { FAILED_WHY="pg_autoctl create monitor failed (log: $dir/logs/create-monitor.log)"; return 1; }
  # pg_autoctl would listen on every interface.
  pg_ha_ctl "$dir" config set --pgdata "$dir/monitor" postgresql.listen_addresses 127.0.0.1 > /dev/null || return 1
  cat << CONF | "${AS_PG[@]}" tee -a "$dir/monitor/postgresql.conf" > /dev/null
# mercato pg_ha (scripts/pg_ha.sh): failover timing, see PG_HA_* there.
pgautofailover.health_check_period = $PG_HA_HEALTH_CHECK_MS
pgautofailover.health_check_timeout = $PG_HA_HEALTH_TIMEOUT_MS
pgautofailover.health_check_max_retries = 1
pgautofailover.health_check_retry_delay = $((PG_HA_HEALTH_CHECK_MS / 2))
pgautofailover.node_considered_unhealthy_timeout = $PG_HA_UNHEALTHY_MS
pgautofailover.primary_demote_timeout = $PG_HA_DEMOTE_MS
shared_buffers = '64MB'
CONF
  pg_ha_run "$dir" monitor || return 1
  pg_ha_retry 30 pg_ha_ctl "$dir" show state --pgdata "$dir/monitor" ||
    { FAILED_WHY="the monitor did not answer (log: $dir/logs/monitor.log)"; return 1; }

  # The first node registers as the primary; each later one as its standby.
  for i in 1 2 3; do
    pg_ha_create_node "$dir" "$i" "${ports[i - 1]}" || return 1
    ((i > 1)) || pg_ha_retry 60 pg_ha_primary "$dir" || { FAILED_WHY="node1 did not become primary"; return 1; }
  done
  # Every commit waits for one of the two standbys (pg_auto_failover builds
  # synchronous_standby_names from this: 'ANY 1 (standby_2, standby_3)'). The monitor raises it
  # to 1 by itself when the first synchronous standby joins; set here so it does not depend on
  # that. Through the monitor's SQL function: Debian's pg_autoctl 2.0 refuses every value of
  # `pg_autoctl set formation number-sync-standbys N` ("value 1 is not valid",
  # docs/toolchain.md#pg_auto_failover).
  # The monitor accepts it only while the primary is in state "primary" (not wait_primary or
  # apply_settings, which it passes through while the standbys join): so once healthy, and
  # retried.
  pg_ha_wait_healthy "$dir" 120 || return 1
  pg_ha_retry 30 "$(pg_bin_dir)/psql" "$(pg_ha_monitor_uri "$dir")" -XAtq -v ON_ERROR_STOP=1 \
    -c "SELECT pgautofailover.set_formation_number_sync_standbys('default', 1)" ||
    { FAILED_WHY="setting number_sync_standbys failed: $("$(pg_bin_dir)/psql" "$(pg_ha_monitor_uri "$dir")" -XAtq \
      -c "SELECT pgautofailover.set_formation_number_sync_standbys('default', 1)" 2>&1 | tr '\n' ' ')"; return 1; }
  pg_ha_wait_healthy "$dir" 60
}

pg_ha_start() {
  local dir=$1 name
  for name in monitor node1 node2 node3; do
    pg_ha_pid "$dir" "$name" > /dev/null && continue
    pg_ha_run "$dir" "$name" || return 1
  done
}

# Stops the nodes, then the monitor: `pg_autoctl stop` (fast shutdown, by the pid file), then
# SIGKILL to whatever of DIR still runs after 30 s, by its pid.
pg_ha_stop() {
  local dir=$1 name pid i data
  for name in node3 node2 node1 monitor; do
    pid=$(pg_ha_pid "$dir" "$name") && pg_ha_ctl "$dir" stop --pgdata "$dir/$name" > /dev/null 2>&1
  done
  for name in node3 node2 node1 monitor; do
    data=$dir/$name
    pid=$(pg_ha_pid "$dir" "$name") || pid=
    for ((i = 0; i < 300 && ${#pid}; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    [[ -n $pid ]] && pid_alive "$pid" && kill -KILL "$pid" 2> /dev/null
    # A postmaster whose pg_autoctl was killed keeps running on its own.
    pid=$(pg_pid "$data") && { "${AS_PG[@]}" "$(pg_bin_dir)/pg_ctl" -D "$data" -m immediate -w -t 10 stop > /dev/null 2>&1 ||
      kill -KILL "$pid" 2> /dev/null; }
  done
  return 0
}

# The formation as `pg_autoctl show state --json` reports it: one line per node,
# "name host:port reported assigned".
pg_ha_state() {
  pg_ha_ctl "$1" show state --pgdata "$1/monitor" --json 2> /dev/null |
    jq -r '.[] | "\(.nodename) \(.nodehost):\(.nodeport) \(.current_group_state) \(.assigned_group_state)"'
}

# The node that takes writes: reported and assigned primary (or wait_primary: a primary whose
# standbys are not all back, which pg_auto_failover lets take writes).
pg_ha_primary() {
  local name addr reported assigned
  while read -r name addr reported assigned; do
    if [[ $reported == "$assigned" && ($reported == primary || $reported == wait_primary || $reported == single) ]]; then
      printf '%s\n' "$addr"
      return 0
    fi
  done < <(pg_ha_state "$1")
  return 1
}

pg_ha_hosts() {
  local port out=
  while read -r port; do out+=${out:+,}127.0.0.1:$port; done < "$1/node.ports"
  printf '%s\n' "$out"
}

# True when one node is primary and two are secondary, each where the monitor wants it, and
# the primary runs with a synchronous standby (synchronous_standby_names set by pg_autoctl).
pg_ha_healthy() {
  local dir=$1 name addr reported assigned primaries=0 secondaries=0 sync
  while read -r name addr reported assigned; do
    [[ $reported == "$assigned" ]] || return 1
    case $reported in
      primary) primaries=$((primaries + 1)) ;;
      secondary) secondaries=$((secondaries + 1)) ;;
      *) return 1 ;;
    esac
  done < <(pg_ha_state "$dir")
  ((primaries == 1 && secondaries == 2)) || return 1
  sync=$(pg_ha_ctl "$dir" show settings --pgdata "$dir/monitor" --json 2> /dev/null |
    jq -r '.primary[0].value // empty' 2> /dev/null) || return 1
  [[ $sync == *ANY* ]]
}

pg_ha_wait_healthy() {
  local dir=$1 seconds=${2:-60} i
  for ((i = 0; i < seconds * 2; i++)); do
    pg_ha_healthy "$dir" && return 0
    sleep 0.5
  done
  FAILED_WHY="the formation in $dir did not become healthy within ${seconds}s: $(pg_ha_state "$dir" | tr '\n' ';')"
  return 1
}

# The monitor's last state changes (pg_autoctl show events), oldest first: what a failover did.
pg_ha_events() {
  pg_ha_ctl "$1" show events --pgdata "$1/monitor" --count "${2:-40}" 2> /dev/null
}
