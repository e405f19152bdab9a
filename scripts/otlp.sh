# The stack's OTLP trace receiver (scripts/otlp_receiver.py), a component like Prometheus: state in
# .var/<stack>/otlp/ (spans.jsonl, capped and rotated to spans.jsonl.1), listening on 127.0.0.1
# only, started and stopped by pid through the component_* dispatchers of stack.sh.
#
# No OpenTelemetry Collector, Jaeger or Tempo is packaged in Debian 12 (`apt-cache search`
# finds only client libraries), so the receiver is a small stdlib-only Python server.
# While it runs, the driver gives each service OTEL_EXPORTER_OTLP_ENDPOINT pointing at it
# (unless the caller set one: an operator with a real collector sets OTEL_EXPORTER_OTLP_ENDPOINT
# to any OTLP/HTTP JSON receiver — the OpenTelemetry Collector, Jaeger 1.35 or later, Tempo).
# `./mercato trace <id>` reads spans.jsonl (scripts/trace.sh).

# Default receiver port per stack (4318 is OTLP/HTTP's registered port).
stack_default_otlp_port() {
  case $1 in
    dev) echo 4318 ;;
    test) echo 14318 ;;
    bench) echo 29318 ;;
    *) return 1 ;;
  esac
}

# Sets PORT_OTLP (called by stack_use, before run/stack.env is read).
otlp_use_ports() { PORT_OTLP=${MERCATO_OTLP_PORT:-$(stack_default_otlp_port "$STACK")}; }

otlp_dir() { printf '%s/otlp' "$STATE"; }
otlp_url() { printf 'http://127.0.0.1:%s' "$PORT_OTLP"; }

# spans.jsonl is rotated to spans.jsonl.1 once it would grow past this: a long dev session keeps
# at most twice it on disk.
OTLP_MAX_FILE_BYTES=$((64 << 20))

otlp_pid() { pidfile_pid otlp otlp_receiver.py; }

otlp_start() {
  local dir pid
  dir=$(otlp_dir)
  mkdir -p "$dir" || return 1
  port_free "$PORT_OTLP" || return 1
  launch "$RUN_DIR/otlp.pid" "$LOG_DIR/otlp.log" "$dir" python3 "$REPO/scripts/otlp_receiver.py" \
    --port "$PORT_OTLP" --out "$dir" --max-file-bytes "$OTLP_MAX_FILE_BYTES" || return 1
  pid=$(read_pidfile "$RUN_DIR/otlp.pid")
  wait_http "$(otlp_url)/health" 15 "$pid"
}

otlp_stop() { pidfile_stop otlp 10 otlp_pid; }

# The tracing variables of a service (appended to SVC_ENV by svc_env). The endpoint is the
# stack's receiver while it runs, else none (a bench that runs no receiver measures without
# export); whatever the caller set wins. Sampling:
#   test: parentbased_always_on, always (every test request is traced, so the secrets check sees
#         every attribute a request can produce), exported in batches every 0.5 s;
#   dev:  parentbased_traceidratio at 1.0 unless the caller says otherwise: one developer's
#         clicks are few, and each should be followable with `./mercato trace`; the receiver's
#         file cap bounds the disk. A production deployment picks its own ratio (README).
otlp_svc_env() {
  local endpoint=${OTEL_EXPORTER_OTLP_ENDPOINT:-}
  if [[ -z $endpoint ]] && otlp_pid > /dev/null; then endpoint=$(otlp_url); fi
  [[ -n $endpoint ]] && SVC_ENV+=("OTEL_EXPORTER_OTLP_ENDPOINT=$endpoint")
  case $STACK in
    # Batches every 0.5 s instead of the standard 5 s, so a test waits for its spans briefly.
    test) SVC_ENV+=(OTEL_TRACES_SAMPLER=parentbased_always_on OTEL_BSP_SCHEDULE_DELAY=500) ;;
    dev) SVC_ENV+=("OTEL_TRACES_SAMPLER=${OTEL_TRACES_SAMPLER:-parentbased_traceidratio}"
      "OTEL_TRACES_SAMPLER_ARG=${OTEL_TRACES_SAMPLER_ARG:-1.0}") ;;
  esac
  return 0
}

# What the Python tests need to reach the stack's receiver (tests/testkit.py).
otlp_test_env() {
  export MERCATO_OTLP_URL MERCATO_OTLP_SPANS
  MERCATO_OTLP_URL=$(otlp_url)
  MERCATO_OTLP_SPANS=$(otlp_dir)/spans.jsonl
}

# Its line in the summary `up` prints.
otlp_print_urls() {
  printf '  %-10s %s/v1/traces   (spans in %s/spans.jsonl; ./mercato trace <trace-id|request-id>)\n' traces \
    "$(otlp_url)" "$(rel "$(otlp_dir)")"
}
