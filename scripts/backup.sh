# Backups of a stack's PostgreSQL, and restoring one to a point in time. PostgreSQL's own
# physical backup: a base backup (pg_basebackup, verified with pg_verifybackup) plus the WAL
# the primary archives continuously (archive_command in pg_options, into PG_DIR/archive), so a
# restore can replay to any moment after the backup — "the state at 14:03, before the bad
# import" — not only to when the backup was taken.
#
#   ./mercato backup [--test]       a verified base backup into PG_DIR/backups/<UTC time>/; the archive
#                                   keeps what the oldest of the last MERCATO_PG_BACKUPS (3) needs
#   ./mercato restore [--test] [--time 'YYYY-MM-DD HH:MM:SS+00'] [--backup NAME] [--port PORT]
#                                   restores the newest backup taken before --time (or the newest,
#                                   replayed to the end of the archive) into PG_DIR/restored-<UTC
#                                   time>/ and starts it on PORT (PORT_PG + 10 by default), next to
#                                   the running stack; docs/deploy.md#backups-and-point-in-time-restore says how to swap it in
#
# Neither takes the stack lock: both only read the running primary or write beside it, so an
# operator (or a test, through MERCATO_CTL's driver) can run them while the stack serves.

pg_archive_dir() { printf '%s/archive' "$PG_DIR"; }
pg_backups_dir() { printf '%s/backups' "$PG_DIR"; }

# Continuous archiving, on for the dev and test stacks (MERCATO_PG_ARCHIVE=0 turns it off); off
# for the bench stack, whose seeding writes gigabytes of WAL nobody will restore.
pg_archive_enabled() {
  local d=1
  [[ $STACK == bench ]] && d=0
  [[ ${MERCATO_PG_ARCHIVE:-$d} == 1 ]]
}

# The server options that archive every finished WAL segment. `test ! -f` refuses to overwrite
# a segment already archived (PostgreSQL's documented pattern): a non-zero exit makes the server
# retry rather than lose it. archive_timeout bounds how much of a quiet minute a restore can miss.
pg_archive_options() {
  pg_archive_enabled || return 0
  local dir
  dir=$(pg_archive_dir)
  printf -- " -c archive_mode=on -c archive_timeout=60 -c archive_command='test ! -f %s/%%f && cp %%p %s/%%f'" "$dir" "$dir"
}

pg_archive_prepare() {
  pg_archive_enabled || return 0
  "${AS_PG[@]}" mkdir -p "$(pg_archive_dir)" "$(pg_backups_dir)"
}

cmd_backup() {
  local stack=dev name dir bin passfile keep seg i
  parse_stack_flag "$@"
  stack_use "$stack"
  # The formation's nodes do not archive WAL into the stack's archive, and its primary moves.
  is_pg_ha && die "the $STACK stack runs the --ha formation: ./mercato backup covers the single-server data tier; take the formation's base backups with pg_basebackup from its primary (docs/scaling.md)"
  pg_archive_enabled || die "the $STACK stack does not archive WAL (MERCATO_PG_ARCHIVE=0): a base backup alone could not be replayed forward"
  component_pid postgres > /dev/null || die "the $STACK stack's PostgreSQL is not running"
  bin=$(pg_bin_dir)
  name=$(date -u +%Y%m%dT%H%M%SZ)
  dir=$(pg_backups_dir)/$name
  passfile=$PG_DIR/replication.pgpass
  printf '*:*:*:mercato_replication:%s\n' "$(secret pg-mercato_replication)" | pg_private_file "$passfile" ||
    die "cannot write $passfile"
  pg_archive_prepare || die "cannot create $(pg_backups_dir)"
  step "backup of the $STACK stack's PostgreSQL into $dir"
  # Plain format, so pg_verifybackup (which reads no tar files before PostgreSQL 18) checks
  # every file against the manifest. -X none: the WAL comes from the archive, which the restore
  # reads anyway. --checkpoint=fast: start now, not at the next scheduled checkpoint.
  "${AS_PG[@]}" "$bin/pg_basebackup" -d "host=127.0.0.1 port=$PORT_PG user=mercato_replication passfile=$passfile" \
    -D "$dir" -Fp -X none --checkpoint=fast --label "mercato $STACK $name" || die "pg_basebackup failed"
  # The backup is usable once the WAL up to its end is archived: close the current segment so it
  # is archived now rather than at the next archive_timeout, and wait for it.
  seg=$(psql_primary -d postgres -Atc "SELECT pg_walfile_name(pg_switch_wal())") || die "pg_switch_wal failed"
  for ((i = 0; i < 600; i++)); do
    "${AS_PG[@]}" test -f "$(pg_archive_dir)/$seg" && break
    sleep 0.1
  done
  ((i < 600)) || die "WAL segment $seg was not archived within 60 s (see the primary's log: archive_command)"
  "${AS_PG[@]}" "$bin/pg_verifybackup" -n -q "$dir" || die "pg_verifybackup rejected $dir"
  keep=${MERCATO_PG_BACKUPS:-3}
  pg_backups_prune "$keep"
  say "backup $name done ($(du -sh "$dir" | cut -f1)); restore: ./mercato restore$([[ $STACK == test ]] && printf ' --test') --backup $name"
}

# Keeps the newest $1 backups, and in the archive only the WAL the oldest of them needs.
pg_backups_prune() {
  local keep=$1 all oldest label start
  mapfile -t all < <(find "$(pg_backups_dir)" -mindepth 1 -maxdepth 1 -type d | sort)
  while ((${#all[@]} > keep)); do
    "${AS_PG[@]}" rm -rf "${all[0]}"
    all=("${all[@]:1}")
  done
  oldest=${all[0]:-}
  [[ -n $oldest ]] || return 0
  # The oldest backup's first WAL segment, from its backup_label.
  label=$("${AS_PG[@]}" cat "$oldest/backup_label" 2> /dev/null) || return 0
  start=$(sed -n 's/^START WAL LOCATION: .* (file \([0-9A-F]*\))$/\1/p' <<< "$label")
  [[ -n $start ]] && "${AS_PG[@]}" "$(pg_bin_dir)/pg_archivecleanup" "$(pg_archive_dir)" "$start"
}

cmd_restore() {
  local stack=dev time= backup= port= name dir data bin log pid
  while (($#)); do
    case $1 in
      --test) stack=test ;;
      --time) time=${2:-}; shift ;;
      --backup) backup=${2:-}; shift ;;
      --port) port=${2:-}; shift ;;
      *) usage_error "unknown option for restore: $1" ;;
    esac
    shift
  done
  stack_use "$stack"
  port=${port:-$((PORT_PG + 10))}
  [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || usage_error "--port must be a TCP port, not '$port'"
  if [[ -n $time ]]; then
    date -u -d "$time" > /dev/null 2>&1 || usage_error "--time must be a time such as '2026-12-05 14:03:00+00', not '$time'"
  fi
  dir=$(pg_restore_choose "$backup" "$time") || exit 1
  bin=$(pg_bin_dir)
  name=$(date -u +%Y%m%dT%H%M%SZ)
  data=$PG_DIR/restored-$name
  log=$LOG_DIR/postgres-restored-$name.log
  port_free "$port" || die "$FAILED_WHY"
  step "restoring $(basename "$dir")${time:+ to $time} into $data (port $port)"
  # A copy: the backup itself stays as it was, for the next restore.
  "${AS_PG[@]}" cp -a "$dir" "$data" || die "cannot copy $dir"
  "${AS_PG[@]}" chmod 700 "$data" && "${AS_PG[@]}" rm -f "$data/backup_manifest"
  touch "$log" && chown "$(pg_os_user)" "$log"
  # The stack's own server options (recovery refuses settings below the primary's, such as
  # max_connections), without archiving: the restored server must not write into the archive
  # it replays from. Recovery settings for this start only: replay from the archive, up to --time when given
  # (the last transaction committed at or before it), then open for writes.
  {
    printf "restore_command = 'cp %s/%%f %%p'\n" "$(pg_archive_dir)"
    if [[ -n $time ]]; then
      printf "recovery_target_time = '%s'\nrecovery_target_inclusive = on\n" "$time"
    fi
    printf "recovery_target_action = 'promote'\n"
  } | "${AS_PG[@]}" sh -c 'cat >> "$1"' sh "$data/postgresql.auto.conf" || die "cannot write the recovery settings"
  "${AS_PG[@]}" touch "$data/recovery.signal" || die "cannot write recovery.signal"
  "${AS_PG[@]}" "$bin/pg_ctl" -D "$data" -l "$log" -w -t 300 \
    -o "$(pg_options "$port") -c archive_mode=off" start < /dev/null > /dev/null 2>&1 8>&- 9>&- ||
    die "the restored server did not start; see $(rel "$log")"
  pg_restore_wait_promoted "$port" || die "recovery did not finish within 300 s; see $(rel "$log")"
  pid=$(pg_pid "$data")
  say "restored: PostgreSQL pid $pid on 127.0.0.1:$port, data in $data"
  say "  stop it: kill -INT $pid     swap it in: docs/deploy.md#backups-and-point-in-time-restore"
  printf 'RESTORED %s %s %s\n' "$data" "$port" "$pid"
}

# The backup to start from: the one named, else the newest that began before `time` (a backup
# cannot be replayed backwards), else the newest.
pg_restore_choose() {
  local name=$1 time=$2 dirs d stamp limit
  if [[ -n $name ]]; then
    [[ -d $(pg_backups_dir)/$name ]] || { warn "no backup named '$name' in $(pg_backups_dir)"; return 1; }
    printf '%s' "$(pg_backups_dir)/$name"
    return 0
  fi
  mapfile -t dirs < <(find "$(pg_backups_dir)" -mindepth 1 -maxdepth 1 -type d 2> /dev/null | sort -r)
  ((${#dirs[@]})) || { warn "the $STACK stack has no backup yet (./mercato backup makes one)"; return 1; }
  if [[ -z $time ]]; then
    printf '%s' "${dirs[0]}"
    return 0
  fi
  limit=$(date -u -d "$time" +%Y%m%dT%H%M%SZ)
  for d in "${dirs[@]}"; do
    stamp=$(basename "$d")
    if [[ ! $stamp > $limit ]]; then
      printf '%s' "$d"
      return 0
    fi
  done
  warn "every backup was taken after $time: none can be replayed to it"
  return 1
}

pg_restore_wait_promoted() {
  local port=$1 i
  for ((i = 0; i < 3000; i++)); do
    [[ $("${AS_PG[@]}" "$(pg_bin_dir)/psql" -h "$(pg_socket_dir)" -p "$port" -U postgres -d postgres -XAtqc \
      "SELECT pg_is_in_recovery()" 2> /dev/null) == f ]] && return 0
    sleep 0.1
  done
  return 1
}
