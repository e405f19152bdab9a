#!/usr/bin/env python3
"""The stack's OTLP trace receiver: takes OTLP/HTTP JSON exports (POST /v1/traces) from the
services and appends each span as one JSON line to <out>/spans.jsonl, which `./mercato trace`
and the tests read.

Why a small receiver of our own: Debian 12 packages no OpenTelemetry Collector, Jaeger or Tempo
(`apt-cache search opentelemetry|jaeger|otlp` finds only Go and Ruby client libraries), and the
stack installs nothing from outside Debian. Python's standard library is all this needs, so
nothing extra is installed. An operator with a real collector points OTEL_EXPORTER_OTLP_ENDPOINT
at it instead: any OTLP/HTTP JSON receiver (OpenTelemetry Collector, Jaeger 1.35 or later,
Grafana Tempo) takes the same requests.

    POST /v1/traces   Content-Type: application/json, an ExportTraceServiceRequest
                      200 {"partialSuccess": {...}}; 415 for protobuf or any other type; 400 for
                      a body that is not the JSON form; 413 over --max-body (or 8 times it once
                      inflated, for Content-Encoding: gzip); 411 without a length
    GET  /health      200 "ok" (the driver waits on it)
    GET  /control     the fault settings and counters as JSON
    POST /control     {"delay_ms": 0-60000, "status": 200|429|500|502|503|504} (either or both):
                      every later export waits delay_ms, then answers that status without storing
                      anything unless it is 200. For fault tests (a slow or failing collector);
                      refused (403) unless the caller is on loopback.

One line per span (keys): trace_id, span_id, parent_span_id ("" for a root), trace_state, name,
kind (server|client|internal|producer|consumer|unspecified), service (the resource's
service.name), resource (its other attributes), start_ns, end_ns, duration_ms, attributes
(flattened: key -> string, number, bool or list), status (unset|ok|error), status_message.

The file is capped: when the next batch would take it over --max-file-bytes it is renamed to
spans.jsonl.1 (replacing the previous one) and a new one is started, so a long session holds at
most twice the cap on disk.
"""

import argparse
import ipaddress
import json
import os
import signal
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SPAN_KINDS = {0: "unspecified", 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer"}
STATUS_CODES = {0: "unset", 1: "ok", 2: "error"}
ALLOWED_FAULT_STATUSES = {200, 429, 500, 502, 503, 504}


class Malformed(ValueError):
    """The body is JSON but not an ExportTraceServiceRequest."""


def _enum(value, names, prefix):
    """OTLP JSON writes enums as integers; some encoders write the name ("SPAN_KIND_SERVER")."""
    if isinstance(value, bool):
        raise Malformed(f"bad enum value {value!r}")
    if isinstance(value, int):
        return names.get(value, "unspecified" if prefix == "SPAN_KIND_" else "unset")
    if isinstance(value, str) and value.startswith(prefix):
        return value[len(prefix):].lower()
    if value is None:
        return names[0]
    raise Malformed(f"bad enum value {value!r}")


def _nanos(value):
    # int64 fields are strings in OTLP JSON (protobuf's JSON mapping); integers are accepted too.
    if isinstance(value, bool):
        raise Malformed("time is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if value is None:
        return 0
    raise Malformed(f"bad time {value!r}")


def _hex_id(value, length, field):
    # OTLP JSON encodes trace and span ids as hex (not base64, unlike protobuf's usual mapping).
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) != length or any(c not in "0123456789abcdefABCDEF" for c in value):
        raise Malformed(f"{field} must be {length} hex digits")
    return value.lower()


def _any_value(v):
    if not isinstance(v, dict):
        raise Malformed("attribute value is not an AnyValue object")
    if "stringValue" in v:
        return str(v["stringValue"])
    if "boolValue" in v:
        return bool(v["boolValue"])
    if "intValue" in v:
        try:
            return int(v["intValue"])
        except (TypeError, ValueError):
            raise Malformed("intValue is not an integer") from None
    if "doubleValue" in v:
        try:
            return float(v["doubleValue"])
        except (TypeError, ValueError):
            raise Malformed("doubleValue is not a number") from None
    if "arrayValue" in v:
        return [_any_value(x) for x in (v["arrayValue"] or {}).get("values", []) or []]
    if "kvlistValue" in v:
        return _attributes((v["kvlistValue"] or {}).get("values", []))
    if "bytesValue" in v:
        return str(v["bytesValue"])
    return None


def _attributes(items):
    if items is None:
        return {}
    if not isinstance(items, list):
        raise Malformed("attributes is not a list")
    out = {}
    for kv in items:
        if not isinstance(kv, dict) or not isinstance(kv.get("key"), str):
            raise Malformed("attribute without a key")
        out[kv["key"]] = _any_value(kv.get("value", {}))
    return out


def spans_of(request):
    """The flattened spans of one ExportTraceServiceRequest (a decoded JSON object)."""
    if not isinstance(request, dict):
        raise Malformed("the body is not a JSON object")
    resource_spans = request.get("resourceSpans", [])
    if not isinstance(resource_spans, list):
        raise Malformed("resourceSpans is not a list")
    out = []
    for rs in resource_spans:
        if not isinstance(rs, dict):
            raise Malformed("a resourceSpans entry is not an object")
        resource = _attributes((rs.get("resource") or {}).get("attributes"))
        service = resource.pop("service.name", "")
        scopes = rs.get("scopeSpans", rs.get("instrumentationLibrarySpans", []))  # the latter: OTLP < 0.15
        if not isinstance(scopes, list):
            raise Malformed("scopeSpans is not a list")
        for ss in scopes:
            if not isinstance(ss, dict) or not isinstance(ss.get("spans", []), list):
                raise Malformed("a scopeSpans entry has no span list")
            for s in ss.get("spans", []):
                if not isinstance(s, dict):
                    raise Malformed("a span is not an object")
                trace_id = _hex_id(s.get("traceId"), 32, "traceId")
                span_id = _hex_id(s.get("spanId"), 16, "spanId")
                if not trace_id or not span_id:
                    raise Malformed("a span without traceId or spanId")
                start, end = _nanos(s.get("startTimeUnixNano")), _nanos(s.get("endTimeUnixNano"))
                status = s.get("status") or {}
                if not isinstance(status, dict):
                    raise Malformed("status is not an object")
                out.append({
                    "trace_id": trace_id,
                    "span_id": span_id,
                    "parent_span_id": _hex_id(s.get("parentSpanId"), 16, "parentSpanId"),
                    "trace_state": str(s.get("traceState") or ""),
                    "name": str(s.get("name") or ""),
                    "kind": _enum(s.get("kind"), SPAN_KINDS, "SPAN_KIND_"),
                    "service": str(service),
                    "resource": resource,
                    "start_ns": start,
                    "end_ns": end,
                    "duration_ms": round((end - start) / 1e6, 3),
                    "attributes": _attributes(s.get("attributes")),
                    "status": _enum(status.get("code"), STATUS_CODES, "STATUS_CODE_"),
                    "status_message": str(status.get("message") or ""),
                })
    return out


class SpanFile:
    """spans.jsonl with its size cap; one batch is written whole, under a lock."""

    def __init__(self, directory, max_bytes):
        self.path = os.path.join(directory, "spans.jsonl")
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        os.makedirs(directory, exist_ok=True)

    def append(self, spans):
        data = "".join(json.dumps(s, separators=(",", ":"), ensure_ascii=False) + "\n" for s in spans).encode()
        with self.lock:
            try:
                size = os.path.getsize(self.path)
            except FileNotFoundError:
                size = 0
            if size and size + len(data) > self.max_bytes:
                os.replace(self.path, self.path + ".1")
            with open(self.path, "ab") as f:
                f.write(data)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.delay_ms = 0
        self.status = 200
        self.requests = 0
        self.spans = 0
        self.refused = 0

    def snapshot(self):
        with self.lock:
            return {"delay_ms": self.delay_ms, "status": self.status, "requests": self.requests,
                    "spans": self.spans, "refused": self.refused}


class Handler(BaseHTTPRequestHandler):
    server_version = "mercato-otlp-receiver"
    protocol_version = "HTTP/1.1"  # keep-alive, as exporters expect
    # A connection idle this long (or a body this slow) is closed, so a stuck client cannot hold
    # a thread for ever; an exporter reconnects on its next batch.
    timeout = 30

    def log_message(self, fmt, *args):  # one line per refusal only (see _answer), not per export
        pass

    def _answer(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        if status >= 400:
            sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')} {self.command} {self.path} -> {status}: "
                             f"{data[:200].decode(errors='replace')}\n")
            sys.stderr.flush()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if status == 503:
            self.send_header("Retry-After", "1")
        self.end_headers()
        self.wfile.write(data)

    def _read_body(self):
        """The body, or None after answering the refusal. Reads nothing over the cap."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            self.close_connection = True
            self._answer(411, {"error": "send a Content-Length (chunked bodies are not read)"})
            return None
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self.close_connection = True
            self._answer(411, {"error": "a Content-Length is required"})
            return None
        n = int(length)
        if n > self.server.max_body:
            self.close_connection = True  # the unread body would be taken for the next request
            self._answer(413, {"error": f"body of {n} bytes is over the {self.server.max_body} byte limit"})
            return None
        return self.rfile.read(n)

    def _decode(self, body):
        """The body without its Content-Encoding (gzip, which OTLP exporters may use), or None
        after answering the refusal. Inflated output is capped too (a small bomb stays small)."""
        encoding = self.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding in ("", "identity"):
            return body
        if encoding != "gzip":
            self._answer(415, {"error": f"Content-Encoding {encoding[:40]} is not read here (gzip or none)"})
            return None
        cap = self.server.max_body * 8
        try:
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out = inflater.decompress(body, cap + 1)
        except zlib.error as e:
            self._answer(400, {"error": f"not a gzip body: {e}"})
            return None
        if len(out) > cap:
            self._answer(413, {"error": f"body inflates past the {cap} byte limit"})
            return None
        return out

    def do_GET(self):
        if self.path == "/health":
            self._answer(200, b"ok\n", "text/plain")
        elif self.path == "/control":
            self._answer(200, self.server.state.snapshot())
        else:
            self._answer(404, {"error": "not found (POST /v1/traces, GET /health, GET|POST /control)"})

    def do_POST(self):
        if self.path == "/control":
            return self._control()
        if self.path.split("?", 1)[0] != "/v1/traces":
            self.close_connection = True
            return self._answer(404, {"error": "not found: OTLP/HTTP traces go to POST /v1/traces"})
        content_type = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type != "application/json":
            self.close_connection = True
            what = "OTLP protobuf" if "protobuf" in content_type else f"Content-Type {content_type or '(none)'}"
            return self._answer(415, {"error": f"{what} is not read here: this receiver takes OTLP/HTTP JSON "
                                               "only (Content-Type: application/json); configure the exporter "
                                               "with protocol http/json"})
        body = self._read_body()
        if body is None:
            return
        body = self._decode(body)
        if body is None:
            return
        state = self.server.state
        with state.lock:
            state.requests += 1
            delay_ms, status = state.delay_ms, state.status
        if delay_ms:
            time.sleep(delay_ms / 1000)
        if status != 200:
            with state.lock:
                state.refused += 1
            return self._answer(status, {"error": f"fault injected by POST /control (status {status})"})
        try:
            spans = spans_of(json.loads(body))
        except (ValueError, RecursionError) as e:  # json.JSONDecodeError and Malformed are ValueErrors
            return self._answer(400, {"error": f"not an OTLP/HTTP JSON ExportTraceServiceRequest: {e}"})
        if spans:
            self.server.span_file.append(spans)
        with state.lock:
            state.spans += len(spans)
        self._answer(200, {"partialSuccess": {}})

    def _control(self):
        if not ipaddress.ip_address(self.client_address[0]).is_loopback:
            self.close_connection = True
            return self._answer(403, {"error": "control is for loopback callers only"})
        body = self._read_body()
        if body is None:
            return
        try:
            req = json.loads(body or b"{}")
            if not isinstance(req, dict) or set(req) - {"delay_ms", "status"}:
                raise ValueError("expected an object with delay_ms and/or status")
            delay = req.get("delay_ms", None)
            status = req.get("status", None)
            if delay is not None and (type(delay) is not int or not 0 <= delay <= 60000):
                raise ValueError("delay_ms must be an integer from 0 to 60000")
            if status is not None and (type(status) is not int or status not in ALLOWED_FAULT_STATUSES):
                raise ValueError(f"status must be one of {sorted(ALLOWED_FAULT_STATUSES)}")
        except ValueError as e:
            return self._answer(400, {"error": str(e)})
        state = self.server.state
        with state.lock:
            if delay is not None:
                state.delay_ms = delay
            if status is not None:
                state.status = status
        self._answer(200, state.snapshot())


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv=None):
    p = argparse.ArgumentParser(description="OTLP/HTTP JSON trace receiver writing spans.jsonl")
    p.add_argument("--host", default="127.0.0.1", help="listen address (loopback: the stack listens nowhere else)")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True, help="directory of spans.jsonl")
    p.add_argument("--max-body", type=int, default=8 << 20, help="largest export body accepted, bytes")
    p.add_argument("--max-file-bytes", type=int, default=64 << 20, help="spans.jsonl is rotated past this size")
    args = p.parse_args(argv)
    if not ipaddress.ip_address(args.host).is_loopback:
        p.error("--host must be a loopback address")
    server = Server((args.host, args.port), Handler)
    server.max_body = args.max_body
    server.state = State()
    server.span_file = SpanFile(args.out, args.max_file_bytes)

    def stop(*_):
        # shutdown() waits for serve_forever to return, so it must run outside this thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"otlp receiver listening on http://{args.host}:{args.port} (POST /v1/traces), "
          f"spans to {server.span_file.path}", file=sys.stderr, flush=True)
    server.serve_forever(poll_interval=0.2)
    server.server_close()


if __name__ == "__main__":
    main()
