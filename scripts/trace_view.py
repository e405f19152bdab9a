#!/usr/bin/env python3
"""`./mercato trace <id>`: one request's spans as a tree, then every log line that carries its
trace id. Reads what the stack already keeps: the receiver's spans.jsonl (scripts/otlp_receiver.py)
and the components' logs under .var/<stack>/logs/.

The id may be a trace id (32 hex digits, what `X-Request-ID` carries), a whole `traceparent`
header value, or a request id a client chose itself (then the log lines carrying that
request_id name the trace).

Exit status: 0 when spans or log lines were found, 1 when nothing carries the id, 2 for an id
that is none of the above forms.
"""

import argparse
import json
import os
import re
import sys

TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
# What the services accept as X-Request-ID from a client (src/http/middleware_request_id.cpp).
REQUEST_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")

# Attributes worth a place on the span's line, in this order; others follow, up to MAX_ATTRS.
KEY_ATTRIBUTES = [
    "http.request.method", "http.route", "url.path", "http.response.status_code", "server.address",
    "server.port", "db.system.name", "db.operation.name", "db.query.summary", "db.statement.name",
    "db.namespace", "db.response.returned_rows", "db.client.connection.pool.name", "cache.tier", "cache.result",
]
MAX_ATTRS = 8
LOG_SKIP_KEYS = {"time", "level", "service", "msg", "trace_id"}


def parse_id(text):
    """('trace', id) or ('request', id); None when malformed."""
    t = text.strip()
    if TRACE_ID.match(t.lower()):
        return "trace", t.lower()
    m = TRACEPARENT.match(t.lower())
    if m:
        return "trace", m.group(1)
    if REQUEST_ID.match(t):
        return "request", t
    return None


def read_spans(paths, trace_id):
    seen, spans = set(), []
    for path in paths:
        try:
            f = open(path, encoding="utf-8", errors="replace")
        except FileNotFoundError:
            continue
        with f:
            for line in f:
                if trace_id not in line:  # cheap pre-filter: most lines are other traces
                    continue
                try:
                    s = json.loads(line)
                except ValueError:
                    continue
                if s.get("trace_id") == trace_id and s.get("span_id") not in seen:
                    seen.add(s.get("span_id"))
                    spans.append(s)
    return spans


def log_files(log_dir):
    """Every component's log (not the suites' or the build's: those are not signals of a request)."""
    try:
        names = sorted(os.listdir(log_dir))
    except FileNotFoundError:
        return []
    skip = ("build", "install", "ctest", "python", "fuzz", "api-contract", "prometheus-rules", "web-", "secrets-grep",
            "demo-data")
    return [os.path.join(log_dir, n) for n in names if n.endswith(".log") and not n.startswith(skip)]


def grep_logs(files, needle):
    """(component, line) for each line containing `needle`, in file order."""
    out = []
    for path in files:
        component = os.path.basename(path)[:-4]
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if needle in line:
                        out.append((component, line.rstrip("\n")))
        except OSError:
            continue
    return out


def by_time(entry):
    """Sort key of a log line: its time (JSON lines' "time", else the line's leading timestamp,
    as PostgreSQL writes it), so the services' lines interleave as they happened."""
    component, line = entry
    try:
        e = json.loads(line)
        t = e.get("time", "") if isinstance(e, dict) else ""
    except ValueError:
        t = line
    return str(t)[:23].replace("T", " ")


def trace_ids_of_request(files, request_id):
    ids = []
    for _, line in grep_logs(files, request_id):
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("request_id") == request_id:
            tid = entry.get("trace_id")
            if isinstance(tid, str) and TRACE_ID.match(tid) and tid not in ids:
                ids.append(tid)
    return ids


def fmt_value(v):
    s = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v
    return s if len(s) <= 60 else s[:57] + "..."


def span_line(s, t0):
    attrs = s.get("attributes") or {}
    keys = [k for k in KEY_ATTRIBUTES if k in attrs] + sorted(k for k in attrs if k not in KEY_ATTRIBUTES)
    shown = " ".join(f"{k}={fmt_value(attrs[k])}" for k in keys[:MAX_ATTRS])
    if len(keys) > MAX_ATTRS:
        shown += f" (+{len(keys) - MAX_ATTRS} more)"
    start_ms = (s.get("start_ns", 0) - t0) / 1e6
    mark = ""
    if s.get("status") == "error":
        mark = "  !! ERROR" + (f": {s['status_message']}" if s.get("status_message") else "")
    return (f"+{start_ms:8.2f} ms {s.get('duration_ms', 0):9.2f} ms  {s.get('service') or '?'}: {s.get('name')} "
            f"[{s.get('kind')}]  {shown}{mark}")


def print_tree(spans, out):
    by_id = {s["span_id"]: s for s in spans}
    children = {}
    roots = []
    for s in spans:
        parent = s.get("parent_span_id") or ""
        if parent and parent in by_id:
            children.setdefault(parent, []).append(s)
        else:
            roots.append(s)
    t0 = min(s.get("start_ns", 0) for s in spans)
    key = lambda s: (s.get("start_ns", 0), s.get("span_id"))  # noqa: E731

    def walk(s, depth, parent):
        line = span_line(s, t0)
        notes = []
        if parent is not None and (s.get("start_ns", 0) < parent.get("start_ns", 0)
                                   or s.get("end_ns", 0) > parent.get("end_ns", 0)):
            notes.append("outside its parent's time")
        if depth == 0 and s.get("parent_span_id"):
            notes.append(f"parent {s['parent_span_id']} not received")
        out.write("  " * depth + line + (f"  ({'; '.join(notes)})" if notes else "") + "\n")
        for c in sorted(children.get(s["span_id"], []), key=key):
            walk(c, depth + 1, s)

    for r in sorted(roots, key=key):
        walk(r, 0, None)


def print_log_line(component, line, out):
    try:
        e = json.loads(line)
    except ValueError:
        e = None
    if not isinstance(e, dict):
        out.write(f"  {component:<10} {line}\n")
        return
    rest = " ".join(f"{k}={fmt_value(v)}" for k, v in e.items() if k not in LOG_SKIP_KEYS)
    out.write(f"  {e.get('time', ''):<24} {e.get('service', component):<9} {e.get('level', ''):<5} "
              f"{e.get('msg', '')}  {rest}\n")


def main(argv=None, out=sys.stdout, err=sys.stderr):
    p = argparse.ArgumentParser(prog="./mercato trace", description=__doc__.split("\n\n")[0])
    p.add_argument("id", help="trace id (32 hex digits), traceparent, or request id")
    p.add_argument("--spans", action="append", default=[], help="spans.jsonl files (oldest first)")
    p.add_argument("--logs", required=True, help="the stack's log directory")
    args = p.parse_args(argv)

    parsed = parse_id(args.id)
    if parsed is None:
        err.write(f"mercato: '{args.id[:80]}' is not a trace id (32 hex digits), a traceparent "
                  "(00-<trace id>-<span id>-<flags>) or a request id (letters, digits, . _ : -; at most 128)\n")
        return 2
    files = log_files(args.logs)
    kind, value = parsed
    if kind == "trace":
        trace_ids = [value]
    else:
        trace_ids = trace_ids_of_request(files, value)
        if not trace_ids:
            err.write(f"mercato: no log line of {args.logs} carries request id '{value}' with a trace id\n")
            return 1

    found = False
    for tid in trace_ids:
        spans = read_spans(args.spans, tid)
        lines = sorted(grep_logs(files, tid), key=by_time)
        if not spans and not lines:
            continue
        found = True
        services = sorted({s.get("service") or "?" for s in spans})
        out.write(f"trace {tid}: {len(spans)} spans" + (f" from {', '.join(services)}" if spans else "") + "\n")
        if spans:
            print_tree(spans, out)
        else:
            out.write("  (no spans received: the request was not sampled, or the receiver was not running)\n")
        out.write(f"\nlog lines with trace id {tid} ({len(lines)}):\n")
        for component, line in lines:
            print_log_line(component, line, out)
        out.write("\n")
    if not found:
        err.write(f"mercato: trace {', '.join(trace_ids)}: no span in {', '.join(args.spans) or '(no spans file)'} "
                  f"and no log line in {args.logs}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
