# PostgreSQL for a stack: a primary in .var/<stack>/pg/primary and, unless MERCATO_PG_REPLICA=0,
# a streaming replica in pg/replica, both on 127.0.0.1 only with their sockets in pg/sock (pg/
# is PG_DIR, which moves out of the checkout when the postgres user cannot reach it: pg_dir).
# initdb refuses to run as root, so as root every server-side command runs as the `postgres`
# user; otherwise as the current user.

pg_bin_dir() {
  local dirs=(/usr/lib/postgresql/*/bin)
  if [[ -x ${dirs[-1]}/pg_ctl ]]; then
    printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
  else
    dirname "$(command -v pg_ctl)"
  fi
}

# Prefix for server-side commands. An array, not a function: a redirection on a function call
# would also apply to any trap that fires inside it (see restore_output).
if is_root; then AS_PG=(runuser -u postgres --); else AS_PG=(); fi

psql_primary() {
  "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$PORT_PG" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"
}

# Where the stack's PostgreSQL keeps its data, sockets and server logs: .var/<stack>/pg, unless
# the driver runs as root and the postgres user, who then runs the server, cannot reach the
# state directory (a checkout in a home directory of mode 700). Then it is
# /var/lib/mercato/<hash of the state directory>/<stack>/pg, so nobody has to open up a home
# directory; the server logs stay visible in .var/<stack>/logs as symbolic links.
pg_dir() {
  local dir=$VAR_ROOT
  if is_root && id postgres > /dev/null 2>&1; then
    while [[ ! -d $dir ]]; do dir=$(dirname "$dir"); done
    if ! runuser -u postgres -- test -x "$dir"; then
      printf '/var/lib/mercato/%s/%s/pg' "$(printf '%s' "$VAR_ROOT" | md5sum | cut -c1-12)" "$STACK"
      return
    fi
  fi
  printf '%s/pg' "$STATE"
}

# The server log of the primary or replica (postgres, postgres-replica), which the server's
# own user must be able to open.
pg_log() {
  if [[ $PG_DIR == "$STATE/pg" ]]; then printf '%s/%s.log' "$LOG_DIR" "$1"; else printf '%s/%s.log' "$PG_DIR" "$1"; fi
}

# The socket path must fit in sun_path (107 bytes); a deep checkout falls back to /tmp.
pg_socket_dir() {
  local dir=$PG_DIR/sock
  if ((${#dir} > 80)); then
    dir=/tmp/mercato-$(printf '%s' "$STATE" | md5sum | cut -c1-12)
  fi
  printf '%s' "$dir"
}

# Server options, given on every start (not written to postgresql.conf) so `_ctl` restarts and
# later runs with other ports use exactly what the stack uses now.
pg_options() {
  local port=$1
  printf -- "-p %s -k '%s' -c listen_addresses=127.0.0.1 -c max_connections=200" "$port" "$(pg_socket_dir)"
  # The test stack's data is thrown away after each run: durability only costs time there.
  [[ $STACK == dev ]] || printf -- ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'
}

pg_prepare() {
  local log sock
  sock=$(pg_socket_dir)
  mkdir -p "$PG_DIR" "$sock" || return 1
  chmod 755 "$PG_DIR"
  for log in "$(pg_log postgres)" "$(pg_log postgres-replica)"; do touch "$log"; done
  if [[ $PG_DIR != "$STATE/pg" ]]; then
    ln -sfn "$(pg_log postgres)" "$LOG_DIR/postgres.log" && ln -sfn "$(pg_log postgres-replica)" "$LOG_DIR/postgres-replica.log" || return 1
  fi
  if is_root; then
    id postgres > /dev/null 2>&1 || { FAILED_WHY="there is no 'postgres' user: is the postgresql package installed?"; return 1; }
    chown postgres: "$PG_DIR" "$sock" "$(pg_log postgres)" "$(pg_log postgres-replica)"
    if ! runuser -u postgres -- test -w "$PG_DIR"; then
      FAILED_WHY="the postgres user cannot write to $PG_DIR"
      return 1
    fi
  fi
}

# Prints the postmaster pid of a data directory when that server runs.
pg_pid() {
  local pid
  pid=$(read_pidfile "$1/postmaster.pid") || return 1
  pid_is "$pid" postgres || return 1
  printf '%s' "$pid"
}

pg_start_primary() {
  local data=$PG_DIR/primary log bin
  log=$(pg_log postgres)
  bin=$(pg_bin_dir)
  pg_prepare || return 1
  [[ $PG_DIR == "$STATE/pg" ]] || say "    postgres data in $PG_DIR (the postgres user cannot reach $(rel "$STATE"))"
  if [[ ! -f $data/PG_VERSION ]]; then
    "${AS_PG[@]}" "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >> "$log" 2>&1 ||
      { FAILED_WHY="initdb failed"; return 1; }
  fi
  port_free "$PORT_PG" || return 1
  "${AS_PG[@]}" "$bin/pg_ctl" -D "$data" -l "$log" -o "$(pg_options "$PORT_PG")" -w -t 60 start < /dev/null >> "$log" 2>&1 8>&- 9>&- ||
    { FAILED_WHY="pg_ctl start failed"; return 1; }
  pg_create_databases >> "$log" 2>&1 || { FAILED_WHY="creating the databases failed"; return 1; }
}

# Each service applies its own migrations; the driver only makes sure its database exists.
pg_create_databases() {
  local db
  for db in mercato_catalog mercato_identity; do
    if [[ $(psql_primary -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'") != 1 ]]; then
      psql_primary -d postgres -c "CREATE DATABASE $db" || return 1
    fi
  done
  # Trigram indexes back the catalog's text search; postgresql-contrib provides the extension.
  if [[ $(psql_primary -d mercato_catalog -tAc "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'") == 1 ]]; then
    psql_primary -d mercato_catalog -c 'CREATE EXTENSION IF NOT EXISTS pg_trgm' || return 1
  fi
}

pg_start_replica() {
  local data=$PG_DIR/replica log bin conninfo
  log=$(pg_log postgres-replica)
  bin=$(pg_bin_dir)
  pg_prepare || return 1
  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    "${AS_PG[@]}" "$bin/pg_basebackup" -h 127.0.0.1 -p "$PORT_PG" -U postgres -D "$data" -R -X stream -c fast >> "$log" 2>&1 ||
      { FAILED_WHY="pg_basebackup from the primary failed"; return 1; }
  fi
  port_free "$PORT_PG_REPLICA" || return 1
  # primary_conninfo on the command line overrides the one pg_basebackup wrote, so the replica
  # follows the primary even when the primary's port is changed later.
  conninfo="-c primary_conninfo='host=127.0.0.1 port=$PORT_PG user=postgres application_name=mercato_replica'"
  "${AS_PG[@]}" "$bin/pg_ctl" -D "$data" -l "$log" -o "$(pg_options "$PORT_PG_REPLICA") $conninfo" -w -t 60 start < /dev/null >> "$log" 2>&1 8>&- 9>&- ||
    { FAILED_WHY="pg_ctl start of the replica failed"; return 1; }
}

# Fast shutdown (SIGINT to the postmaster, through pg_ctl and postmaster.pid): SIGTERM would
# wait for every client to disconnect. Immediate shutdown, then SIGKILL, if that hangs.
pg_stop() {
  local data=$1 pid log
  log=$(pg_log postgres)
  [[ $data == */replica ]] && log=$(pg_log postgres-replica)
  pid=$(pg_pid "$data") || return 0
  "${AS_PG[@]}" "$(pg_bin_dir)/pg_ctl" -D "$data" -m fast -w -t 30 stop >> "$log" 2>&1 && return 0
  "${AS_PG[@]}" "$(pg_bin_dir)/pg_ctl" -D "$data" -m immediate -w -t 10 stop >> "$log" 2>&1 && return 0
  kill -KILL "$pid" 2> /dev/null
}
