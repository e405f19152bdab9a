# The dev stack's commands: up, down, status, logs, reset.

cmd_up() {
  local detach=0 topology= ha=
  while (($#)); do
    case $1 in
      -d | --detach) detach=1 ;;
      --ha) ha=1 ;;
      --topology) topology=${2:-}; shift ;;
      --topology=*) topology=${1#*=} ;;
      *) usage_error "unknown option for up: $1" ;;
    esac
    shift
  done
  case $topology in
    '' | single | cluster) ;;
    *) usage_error "--topology must be single or cluster, not '$topology'" ;;
  esac
  [[ -n $topology ]] && export MERCATO_TOPOLOGY=$topology
  # --ha: PostgreSQL as a pg_auto_failover formation (scripts/pg_ha_stack.sh).
  [[ -n $ha ]] && export MERCATO_PG_HA=1
  stack_use dev --fresh
  stack_lock
  # A running stack keeps the topology and data tier it started with (run/stack.env).
  if [[ -n $topology && $topology != "$TOPOLOGY" ]] && stack_any_running; then
    die "the dev stack runs in the $TOPOLOGY topology; ./mercato down first to start it as $topology"
  fi
  if [[ -n $ha && $PG_HA != 1 ]] && stack_any_running; then
    die "the dev stack runs with a single PostgreSQL server; ./mercato down first to start it with --ha"
  fi
  # The single tier's data directory and the formation are different databases: switching
  # between them would silently start on an empty or an old one.
  if [[ $PG_HA == 1 && -f $PG_DIR/primary/PG_VERSION ]]; then
    die "the dev stack's data is on a single PostgreSQL server ($PG_DIR/primary); ./mercato reset first to start it with --ha"
  fi
  if [[ $PG_HA != 1 && -e $(pg_ha_stack_dir)/monitor ]]; then
    die "the dev stack's data is in a --ha formation ($(pg_ha_stack_dir)); start it with --ha, or ./mercato reset first"
  fi
  if stack_all_running; then
    say "Mercato is already running (./mercato status shows what runs, ./mercato down stops it)."
    stack_print_urls
    return 0
  fi
  stack_dirs || die "cannot create $(rel "$STATE")"
  # Ctrl-C or SIGTERM during start-up: stop what was started, in reverse order.
  trap 'restore_output; say ""; warn "interrupted; stopping what this run started"; stack_stop_started; exit 130' INT TERM HUP

  up_step install "$LOG_DIR/install.log" install_packages
  # Only what the stack runs (the `services` target): the tests are built by ./mercato test.
  up_step build "$LOG_DIR/build.log" build_preset release "$LOG_DIR/build.log" services
  if ! stack_start; then
    report_failure
    warn "stopping what this run started"
    stack_stop_started
    exit 1
  fi
  up_step demo-data "$LOG_DIR/demo-data.log" dev_first_run
  stack_print_urls
  stack_unlock
  if ((detach)); then
    say "  stop       ./mercato down"
    return 0
  fi
  say "  stop       Ctrl-C (or ./mercato down from another terminal)"
  up_foreground
}

# First run of the dev stack: a demo admin with a random password (kept in .var/demo-admin.txt,
# `email password` on one line: docs/architecture.md#driver-and-stacks) and a few thousand demo products.
dev_first_run() {
  local admin_file=$VAR_ROOT/demo-admin.txt email=admin@mercato.dev password
  if [[ ! -s $admin_file ]]; then
    password=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
    svc_env identity
    printf '%s\n' "$password" | (export "${SVC_ENV[@]}" && exec "$(svc_bin identity)" user add --email "$email" \
      --role admin --name "Demo Admin") || return 1
    (umask 077 && printf '%s %s\n' "$email" "$password" > "$admin_file") || return 1
    if [[ -x $REPO/bench/seed.sh ]]; then
      stack_seed --products "${MERCATO_DEMO_PRODUCTS:-5000}" || return 1
    fi
  fi
}

up_step() {
  run_step "$@" && return 0
  report_failure
  warn "stopping what this run started"
  stack_stop_started
  exit 1
}

# Stays in the foreground until Ctrl-C/SIGTERM (or `./mercato down`, which signals this process),
# then stops what this run started. A component that dies meanwhile is reported once.
up_foreground() {
  local reported=' ' c alive
  echo $$ > "$RUN_DIR/up.pid"
  trap 'up_shutdown' INT TERM HUP
  while :; do
    sleep 2 &
    wait $!
    alive=0
    for c in "${STARTED[@]}"; do
      if component_pid "$c" > /dev/null; then
        alive=1
      elif [[ $reported != *" $c "* ]]; then
        warn "$c stopped unexpectedly; see $(rel "$(component_log "$c")")"
        reported+="$c "
      fi
    done
    if ((alive == 0)); then
      say "Every component has stopped."
      rm -f "$RUN_DIR/up.pid"
      exit 0
    fi
  done
}

up_shutdown() {
  trap '' INT TERM HUP
  restore_output
  say ""
  step "stopping"
  stack_stop_started
  rm -f "$RUN_DIR/up.pid"
  exit 0
}

cmd_down() {
  local stack=dev pid i
  parse_stack_flag "$@"
  stack_use "$stack"
  stack_lock
  # A foreground `up` owns its components: ask it to stop them, so it exits cleanly too.
  if pid=$(read_pidfile "$RUN_DIR/up.pid") && pid_is "$pid" mercato; then
    step "asking the foreground ./mercato up (pid $pid) to stop the stack"
    kill -TERM "$pid" 2> /dev/null
    for ((i = 0; i < 1200; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    rm -f "$RUN_DIR/up.pid"
    stack_stop_all
    say "Stopped."
    return 0
  fi
  stack_stop_all || say "Nothing of the $STACK stack was running."
  return 0
}

cmd_status() {
  local stack=dev
  parse_stack_flag "$@"
  stack_use "$stack"
  stack_status
}

cmd_logs() {
  local stack=dev name= files=() c
  while (($#)); do
    case $1 in
      --test) stack=test ;;
      -*) usage_error "unknown option for logs: $1" ;;
      *) [[ -z $name ]] || usage_error "logs takes at most one component"; name=$1 ;;
    esac
    shift
  done
  stack_use "$stack"
  case $name in
    '') for c in "${COMPONENTS[@]}"; do [[ -f $(component_log "$c") ]] && files+=("$(component_log "$c")"); done ;;
    pg) files=("$(component_log postgres)") ;;
    pg-replica | replica) files=("$(component_log postgres-replica)") ;;
    *)
      [[ " ${COMPONENTS[*]} " == *" $name "* ]] || usage_error "unknown component '$name' (one of: ${COMPONENTS[*]})"
      files=("$(component_log "$name")")
      ;;
  esac
  ((${#files[@]})) || die "no logs yet in $(rel "$LOG_DIR")"
  exec tail -n 50 -F "${files[@]}"
}

cmd_reset() {
  local yes=0 answer
  while (($#)); do
    case $1 in
      -y | --yes) yes=1 ;;
      *) usage_error "unknown option for reset: $1" ;;
    esac
    shift
  done
  stack_use dev
  if ((yes == 0)); then
    printf 'This stops the dev stack and deletes %s/ (databases, Redis data, keys, logs).\nType yes to continue: ' "$(rel "$STATE")"
    read -r answer || answer=
    [[ $answer == yes ]] || die "reset aborted"
  fi
  cmd_down
  stack_lock
  { stack_wipe && rm -f "$VAR_ROOT/demo-admin.txt"; } || die "could not delete $(rel "$STATE")"
  say "Deleted $(rel "$STATE")/. The next ./mercato up starts from empty databases."
}

parse_stack_flag() {
  while (($#)); do
    case $1 in
      --test) stack=test ;;
      *) usage_error "unknown option: $1" ;;
    esac
    shift
  done
}
