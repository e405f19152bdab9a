# Helpers every driver step shares: messages, processes, ports, HTTP waits, the step runner and
# the per-stack lock. Sourced (through scripts/lib/load.sh) by ./mercato and by bench cases, with
# REPO set to the repository root.
#
# Error handling: the driver does not use `set -e`, which bash silently ignores inside any
# function called from `if`, `&&` or `||`, so a check that looks present would not be. Functions
# return non-zero on failure and, when they fail a step, leave the reason in FAILED_WHY (and
# optionally a more useful log in FAILED_LOG).

# Where every stack keeps its state (default .var in the checkout). A driver test points it at a
# scratch directory to run a whole ./mercato command beside the stacks of this checkout.
VAR_ROOT=${MERCATO_STATE_DIR:-$REPO/.var}
[[ $VAR_ROOT == /* ]] || VAR_ROOT=$REPO/$VAR_ROOT

say()  { printf '%s\n' "$*"; }
step() { printf '==> %s\n' "$*"; }
warn() { printf 'mercato: %s\n' "$*" >&2; }
die()  { warn "$*"; exit 1; }
# Paths in messages are shown relative to the repository, as a user would type them.
rel()  { local p=$1; printf '%s' "${p#"$REPO"/}"; }
is_root() { [[ $EUID -eq 0 ]]; }

# Output for signal and exit handlers ---------------------------------------------------------
# Bash runs a trap inside whatever function it interrupts, with that function's redirections
# still in place (Ctrl-C during `initdb >> postgres.log` would print the summary into the log).
# Handlers therefore write to the driver's own stdout/stderr, kept on fds 8 and 9. Every daemon
# is started with 8>&- 9>&-, or it would hold the caller's terminal or pipe open for its lifetime.
exec 8>&1 9>&2
restore_output() { { exec 1>&8 2>&9; } 2> /dev/null; }

# Exit hooks ----------------------------------------------------------------------------------
# Several commands need clean-up on exit (stop what they started, release the lock); one EXIT
# trap runs the registered hooks, newest first, so they compose instead of overwriting each other.
# A hook may read and change EXIT_RC, the status the driver exits with.
EXIT_HOOKS=()
on_exit() {
  EXIT_RC=$?
  restore_output
  local i
  for ((i = ${#EXIT_HOOKS[@]} - 1; i >= 0; i--)); do eval "${EXIT_HOOKS[i]}"; done
  exit "$EXIT_RC"
}
trap on_exit EXIT

# Processes -----------------------------------------------------------------------------------

# True when the process exists and is not a zombie (a child that exited but was not yet reaped
# still answers `kill -0`).
pid_alive() {
  local pid=$1 stat
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  read -r stat 2>/dev/null < "/proc/$pid/stat" || return 1
  stat=${stat##*) }
  [[ ${stat:0:1} != Z ]]
}

# Process group of a pid (field 5 of /proc/<pid>/stat).
pid_pgrp() {
  local stat pgrp
  read -r stat 2>/dev/null < "/proc/$1/stat" || return 1
  read -r _ _ pgrp _ <<< "${stat##*) }"
  printf '%s' "$pgrp"
}

# A pid file can outlive its process and the pid can be reused by something unrelated; the
# command line must still name what we started before we treat the pid as ours.
pid_is() {
  local pid=$1 pattern=$2 cmd
  pid_alive "$pid" || return 1
  cmd=$(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline") || return 1
  [[ $cmd == *"$pattern"* ]]
}

# The pid of $RUN_DIR/NAME.pid while its process's command line still holds PATTERN (pid_is).
#   pidfile_pid NAME PATTERN
pidfile_pid() {
  local pid
  pid=$(read_pidfile "$RUN_DIR/$1.pid") || return 1
  pid_is "$pid" "$2" || return 1
  printf '%s' "$pid"
}

# Stops the process of $RUN_DIR/NAME.pid, as PID_COMMAND finds it (nothing when it does not
# run), giving it SECONDS to exit (terminate), and removes the pid file.
#   pidfile_stop NAME SECONDS PID_COMMAND [ARG…]
pidfile_stop() {
  local pid
  pid=$("${@:3}") || return 0
  terminate "$pid" "$2"
  rm -f "$RUN_DIR/$1.pid"
}

# Prints the pid stored on the first line of a pid file.
read_pidfile() {
  local pid
  [[ -r $1 ]] || return 1
  read -r pid < "$1" || [[ -n $pid ]] || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  printf '%s' "$pid"
}

# SIGTERM, wait up to $2 seconds, then SIGKILL. A process that leads its own group (everything
# `launch` starts, daemonised Redis and nginx) gets the signal as a group, so helpers it forked
# go too; nothing is ever signalled by name.
terminate() {
  local pid=$1 timeout=${2:-15} target i
  pid_alive "$pid" || return 0
  target=$pid
  [[ $(pid_pgrp "$pid") == "$pid" ]] && target=-$pid
  kill -TERM -- "$target" 2>/dev/null
  for ((i = 0; i < timeout * 10; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  warn "pid $pid did not stop within ${timeout}s; sending SIGKILL"
  kill -KILL -- "$target" 2>/dev/null
  for ((i = 0; i < 50; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.1
  done
  return 1
}

# Starts a long-running command detached in its own session, so Ctrl-C on the terminal reaches
# only the driver, which then stops everything in order. The child writes its own pid before it
# execs, so the pid file is right even if setsid had to fork.
#   launch PIDFILE LOGFILE WORKDIR CMD...
launch() {
  local pidfile=$1 log=$2 dir=$3 i
  shift 3
  rm -f "$pidfile"
  # shellcheck disable=SC2016  # expanded by the child shell
  setsid bash -c 'echo $$ > "$0" && cd "$1" && shift && exec "$@"' "$pidfile" "$dir" "$@" \
    < /dev/null >> "$log" 2>&1 8>&- 9>&- &
  # The child writes it within milliseconds: a short poll keeps every start from paying 0.1 s.
  for ((i = 0; i < 500; i++)); do
    [[ -s $pidfile ]] && return 0
    sleep 0.01
  done
  FAILED_WHY="the process did not start"
  return 1
}

# Why a launched process is gone: `wait` knows the status only for our own children.
exit_reason() {
  local pid=$1 rc
  wait "$pid" 2>/dev/null
  rc=$?
  case $rc in
    127) printf 'exited' ;;
    2) printf 'exited with status 2 (configuration error)' ;;
    *) if ((rc > 128)); then printf 'was killed by signal %d' $((rc - 128)); else printf 'exited with status %d' "$rc"; fi ;;
  esac
}

# Ports and HTTP ------------------------------------------------------------------------------

#   port_in_use PORT [HOST]   (HOST defaults to 127.0.0.1)
port_in_use() { (exec 3<> "/dev/tcp/${2:-127.0.0.1}/$1") 2>/dev/null; }

# Fails the step when something else already listens on the port.
#   port_free PORT [HOST]
port_free() {
  if port_in_use "$1" "${2:-127.0.0.1}"; then
    FAILED_WHY="port ${2:-127.0.0.1}:$1 is already in use by another process (not this stack); stop it or choose another port (see README, Ports)"
    return 1
  fi
}

# Waits until URL answers 2xx. Gives up after TIMEOUT seconds, or as soon as PID (optional) dies.
#   wait_http URL TIMEOUT [PID]
wait_http() {
  local url=$1 timeout=$2 pid=${3:-} deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      FAILED_WHY="$(exit_reason "$pid") before answering $url"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      FAILED_WHY="$url did not answer 200 within ${timeout}s; last answer: $(curl -s -w ' (HTTP %{http_code})' --max-time 2 "$url" 2>&1 | head -c 400)"
      return 1
    fi
    sleep 0.05  # most components are ready within a few tenths of a second: poll finely
  done
}

# Like wait_http, but any status below 500 counts (a dashboard may answer / with a redirect).
wait_http_any() {
  local url=$1 timeout=$2 pid=${3:-} deadline=$((SECONDS + $2)) code
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$url" 2>/dev/null)
    [[ $code =~ ^[1-4][0-9][0-9]$ ]] && return 0
    if [[ -n $pid ]] && ! pid_alive "$pid"; then
      FAILED_WHY="$(exit_reason "$pid") before answering $url"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      FAILED_WHY="$url did not answer within ${timeout}s"
      return 1
    fi
    sleep 0.5
  done
}

# Steps ---------------------------------------------------------------------------------------

# Runs a command with its output appended to LOG; with MERCATO_VERBOSE=1 it is shown as well.
run_logged() {
  local log=$1
  shift
  if [[ ${MERCATO_VERBOSE:-0} == 1 ]]; then
    "$@" 2>&1 | tee -a "$log"
    return "${PIPESTATUS[0]}"
  fi
  "$@" >> "$log" 2>&1
}

# Prints which step failed, why, and the end of its log.
report_failure() {
  local name=${FAILED_STEP:-?} log=${FAILED_LOG:-}
  warn "step '$name' failed${FAILED_WHY:+: $FAILED_WHY}"
  if [[ -n $log && -s $log ]]; then
    warn "last lines of $(rel "$log"):"
    # Component logs keep every run; show only this attempt, from its "--- starting" marker.
    awk '/^--- .*: starting / { n = 0; delete lines } { lines[++n] = $0 } END { for (i = (n > 30 ? n - 29 : 1); i <= n; i++) print lines[i] }' "$log" |
      sed 's/^/    /' >&2
  fi
}

# Runs one step: STEP-NAME LOG CMD... On failure the reason and log are recorded for
# report_failure and the status is returned to the caller, who decides what to stop.
run_step() {
  local name=$1 log=$2
  shift 2
  FAILED_STEP=$name FAILED_LOG=$log FAILED_WHY=
  "$@"
}

# Locking -------------------------------------------------------------------------------------
# Two commands starting or stopping the same stack at once would race on its pid files and data
# directories. The lock lives beside the stack directory, so wiping the stack keeps it.
LOCK_FILE=
stack_lock() {
  local lock=$VAR_ROOT/$STACK.lock owner
  mkdir -p "$VAR_ROOT"
  if ! (set -C; echo $$ > "$lock") 2>/dev/null; then
    owner=$(read_pidfile "$lock")
    if [[ -n $owner && $owner != "$$" ]] && pid_alive "$owner"; then
      die "another ./mercato (pid $owner) is working on the $STACK stack; wait for it to finish"
    fi
    echo $$ > "$lock"
  fi
  LOCK_FILE=$lock
  EXIT_HOOKS+=(stack_unlock)
}

stack_unlock() {
  [[ -n $LOCK_FILE ]] || return 0
  [[ $(read_pidfile "$LOCK_FILE") == "$$" ]] && rm -f "$LOCK_FILE"
  LOCK_FILE=
}
