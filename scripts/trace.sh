# ./mercato trace [--test] <trace-id|traceparent|request-id>: follow one request. Prints its spans
# as a tree from the stack's receiver (.var/<stack>/otlp/spans.jsonl and the rotated .1), then the
# log lines of every component that carry its trace id (scripts/trace_view.py does the reading).

cmd_trace() {
  local stack=dev id=
  while (($#)); do
    case $1 in
      --test) stack="test" ;;
      --bench) stack="bench" ;;
      -*) usage_error "unknown option for trace: $1" ;;
      *) [[ -z $id ]] || usage_error "trace takes one id"; id=$1 ;;
    esac
    shift
  done
  [[ -n $id ]] || usage_error "trace needs an id: the trace id of an answer's traceparent or X-Request-ID"
  stack_use "$stack"
  [[ -d $STATE ]] || die "the $stack stack has never been started ($(rel "$STATE") does not exist)"
  python3 "$REPO/scripts/trace_view.py" --spans "$(otlp_dir)/spans.jsonl.1" --spans "$(otlp_dir)/spans.jsonl" \
    --logs "$LOG_DIR" -- "$id"
}
