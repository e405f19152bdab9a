# Huge pages for the stack's PostgreSQL servers (postgres.sh asks before each start).
#
# Why: PostgreSQL's shared_buffers is one shared mapping, and every server process maps each
# page of it for itself the first time it touches it. In 4 kB pages that is a page fault per
# 4 kB per process, and in this kind of VM a fault costs 7–15 µs (docs/capacity.md, "Where the
# time goes"): a new connection's first search over 27,000 buffers took 410 ms instead of
# 106 ms, and the pool's connections, each replaced after its share of DB_CONN_MAX_LIFETIME,
# kept paying it. In 2 MB pages a process maps 512 times as much per fault.
#
# How: PostgreSQL asks for huge pages itself (huge_pages=try, its default) and falls back to
# normal pages when the kernel has none. The kernel lends them on demand up to
# vm.nr_overcommit_hugepages ("surplus" pages, returned when the server stops), so nothing is
# held while no server runs. Before a start, the cap is raised (never lowered) to what is in use
# plus what this server needs: PostgreSQL computes that itself
# (`postgres -C shared_memory_size_in_huge_pages`). Only root may raise it; otherwise the server
# starts in normal pages as before, and with MERCATO_PG_HUGE_PAGES=off it always does.

# Checked when a stack is chosen (stack_use), so a typo stops the command before anything starts.
pg_huge_pages_check() {
  case $(pg_huge_pages_setting) in
    try | off) ;;
    *) die "MERCATO_PG_HUGE_PAGES must be try or off, not '$MERCATO_PG_HUGE_PAGES'" ;;
  esac
}

# PostgreSQL's huge_pages: MERCATO_PG_HUGE_PAGES, try by default.
pg_huge_pages_setting() { printf '%s' "${MERCATO_PG_HUGE_PAGES:-try}"; }

# The huge pages in use or promised now: the kernel's HugePages_Total − Free + Rsvd.
huge_pages_in_use() {
  awk '/^HugePages_Total:/ {t = $2} /^HugePages_Free:/ {f = $2} /^HugePages_Rsvd:/ {r = $2}
       END {print t - f + r}' /proc/meminfo
}

# Lets the server of data directory $1 have its shared memory in huge pages, if it may. Never
# fails the start: a server without huge pages is slower, not wrong.
pg_huge_pages_allow() {
  local data=$1 need in_use cap want knob=/proc/sys/vm/nr_overcommit_hugepages
  [[ $(pg_huge_pages_setting) == try ]] || return 0
  is_root && [[ -w $knob ]] || return 0
  # The options that size shared memory, as the start passes them (pg_options).
  need=$("${AS_PG[@]}" "$(pg_bin_dir)/postgres" -D "$data" -C shared_memory_size_in_huge_pages \
    -c max_connections="$PG_MAX_CONNECTIONS" -c shared_buffers="$(pg_shared_buffers)" 2> /dev/null) || return 0
  [[ $need =~ ^[0-9]+$ ]] && ((need > 0)) || return 0
  in_use=$(huge_pages_in_use)
  cap=$(< "$knob")
  want=$((in_use + need))
  ((cap >= want)) && return 0
  # A machine-wide setting: said on the console, so whoever runs the stack knows it changed.
  if echo "$want" > "$knob" 2> /dev/null; then
    say "    huge pages: raised vm.nr_overcommit_hugepages from $cap to $want (lent while PostgreSQL runs)"
  else
    say "    huge pages: cannot raise vm.nr_overcommit_hugepages to $want (PostgreSQL uses normal pages)"
  fi
}
