"""The stack's OTLP receiver (scripts/otlp_receiver.py) on its own: what it stores from an OTLP/HTTP
JSON export, what it refuses and how, its size cap, and the fault control the tracing tests use."""

import gzip
import json
import os
import socket
import tempfile
import time
import unittest

from testkit import OtlpReceiver, request

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"


def export(service, spans):
    return {"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}},
                                    {"key": "service.instance.id", "value": {"stringValue": "i-1"}}]},
        "scopeSpans": [{"scope": {"name": "mercato"}, "spans": spans}]}]}


def span(span_id, parent="", name="GET /api/v1/products/{id}", kind=2, start=1_000_000_000, end=1_004_000_000, **extra):
    s = {"traceId": TRACE, "spanId": span_id, "name": name, "kind": kind,
         "startTimeUnixNano": str(start), "endTimeUnixNano": str(end),
         "attributes": [{"key": "http.response.status_code", "value": {"intValue": "200"}},
                        {"key": "http.route", "value": {"stringValue": "/api/v1/products/{id}"}},
                        {"key": "db.response.returned_rows", "value": {"intValue": 3}},
                        {"key": "cache.hit", "value": {"boolValue": False}},
                        {"key": "ratio", "value": {"doubleValue": 0.5}},
                        {"key": "tags", "value": {"arrayValue": {"values": [{"stringValue": "a"}]}}}],
         "status": {}}
    if parent:
        s["parentSpanId"] = parent
    s.update(extra)
    return s


class OtlpReceiverTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.rx = OtlpReceiver(self.dir.name)

    def tearDown(self):
        self.rx.stop()
        self.dir.cleanup()

    def post(self, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return request(self.rx.url, "POST", "/v1/traces", data, headers={"Content-Type": content_type})

    def test_an_export_is_stored_one_flattened_span_per_line(self):
        r = self.post(export("catalog", [span("00f067aa0ba902b7"),
                                         span("00f067aa0ba902b8", parent="00f067aa0ba902b7", name="db product_by_id",
                                              kind="SPAN_KIND_CLIENT", start=1_001_000_000, end=1_002_500_000,
                                              status={"code": 2, "message": "statement timeout"})]))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"partialSuccess": {}})
        spans = {s["span_id"]: s for s in self.rx.spans(TRACE)}
        self.assertEqual(len(spans), 2)
        root, db = spans["00f067aa0ba902b7"], spans["00f067aa0ba902b8"]
        self.assertEqual(root["parent_span_id"], "")
        self.assertEqual(root["service"], "catalog")
        self.assertEqual(root["resource"], {"service.instance.id": "i-1"})
        self.assertEqual(root["kind"], "server")
        self.assertEqual((root["start_ns"], root["end_ns"], root["duration_ms"]), (1_000_000_000, 1_004_000_000, 4.0))
        self.assertEqual(root["attributes"], {"http.response.status_code": 200, "http.route": "/api/v1/products/{id}",
                                              "db.response.returned_rows": 3, "cache.hit": False, "ratio": 0.5,
                                              "tags": ["a"]})
        self.assertEqual(root["status"], "unset")
        self.assertEqual(db["parent_span_id"], "00f067aa0ba902b7")
        self.assertEqual(db["kind"], "client")
        self.assertEqual((db["status"], db["status_message"]), ("error", "statement timeout"))
        self.assertEqual(self.rx.control()["spans"], 2)

    def test_protobuf_is_refused_with_415_naming_the_json_protocol(self):
        r = self.post(b"\x0a\x00", content_type="application/x-protobuf")
        self.assertEqual(r.status, 415)
        self.assertIn("http/json", r.json()["error"])
        self.assertEqual(self.rx.spans(), [])

    def test_malformed_json_and_wrong_shapes_are_400_and_store_nothing(self):
        for body in (b"{not json", b"[1,2]", json.dumps({"resourceSpans": {}}).encode(),
                     json.dumps(export("x", [span("zz")])).encode(),
                     json.dumps(export("x", [span("00f067aa0ba902b7", startTimeUnixNano="soon")])).encode(),
                     json.dumps(export("x", [{"spanId": "00f067aa0ba902b7"}])).encode()):
            with self.subTest(body=body[:60]):
                r = self.post(body)
                self.assertEqual(r.status, 400, r.body)
                self.assertIn("not an OTLP/HTTP JSON", r.json()["error"])
        self.assertEqual(self.rx.spans(), [])

    def test_a_body_over_the_cap_is_413_without_being_read(self):
        with tempfile.TemporaryDirectory() as d, OtlpReceiver(d, extra_args=("--max-body", "1000")) as small:
            r = request(small.url, "POST", "/v1/traces", b"{" + b" " * 2000 + b"}",
                        headers={"Content-Type": "application/json"})
            self.assertEqual(r.status, 413)
            self.assertEqual(small.spans(), [])

    def test_a_gzip_body_is_read_and_a_gzip_bomb_is_413(self):
        body = gzip.compress(json.dumps(export("identity", [span("00f067aa0ba902b7")])).encode())
        r = request(self.rx.url, "POST", "/v1/traces", body,
                    headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual([s["service"] for s in self.rx.spans(TRACE)], ["identity"])
        bomb = gzip.compress(b"{" + b" " * (80 << 20) + b"}")  # 80 MiB of spaces in about 80 KiB
        r = request(self.rx.url, "POST", "/v1/traces", bomb,
                    headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        self.assertEqual(r.status, 413, r.body)
        r = request(self.rx.url, "POST", "/v1/traces", b"not gzip",
                    headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
        self.assertEqual(r.status, 400, r.body)
        r = request(self.rx.url, "POST", "/v1/traces", b"{}", headers={"Content-Type": "application/json",
                                                                      "Content-Encoding": "br"})
        self.assertEqual(r.status, 415, r.body)

    def test_a_body_without_length_is_411(self):
        with socket.create_connection(("127.0.0.1", self.rx.port), timeout=5) as s:
            s.sendall(b"POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
            self.assertTrue(s.recv(100).startswith(b"HTTP/1.1 411 "))
        self.assertEqual(self.rx.spans(), [])

    def test_the_file_is_rotated_past_its_cap(self):
        with tempfile.TemporaryDirectory() as d, OtlpReceiver(d, extra_args=("--max-file-bytes", "2000")) as small:
            for i in range(10):
                body = json.dumps(export("gateway", [span(f"{i + 1:016x}")])).encode()
                self.assertEqual(request(small.url, "POST", "/v1/traces", body,
                                         headers={"Content-Type": "application/json"}).status, 200)
            self.assertLessEqual(os.path.getsize(os.path.join(d, "spans.jsonl")), 2000)
            self.assertLessEqual(os.path.getsize(os.path.join(d, "spans.jsonl.1")), 2000)
            # The newest spans are kept; the oldest went with the rotation.
            ids = [s["span_id"] for s in small.spans()]
            self.assertEqual(ids[-1], f"{10:016x}")
            self.assertNotIn(f"{1:016x}", ids)

    def test_control_makes_exports_slow_or_fail_and_back(self):
        self.assertEqual(self.rx.control(status=503)["status"], 503)
        r = self.post(export("gateway", [span("00f067aa0ba902b7")]))
        self.assertEqual(r.status, 503)
        self.assertEqual(r.header("Retry-After"), "1")
        self.assertEqual(self.rx.spans(), [])
        self.rx.control(status=200, delay_ms=300)
        t = time.monotonic()
        self.assertEqual(self.post(export("gateway", [span("00f067aa0ba902b7")])).status, 200)
        self.assertGreaterEqual(time.monotonic() - t, 0.3)
        self.rx.control(delay_ms=0)
        self.assertEqual(len(self.rx.spans()), 1)

    def test_control_refuses_bad_settings(self):
        for body in ({"delay_ms": -1}, {"delay_ms": "5"}, {"status": 302}, {"speed": 1}, [1]):
            with self.subTest(body=body):
                r = request(self.rx.url, "POST", "/control", body)
                self.assertEqual(r.status, 400, r.body)
        self.assertEqual(self.rx.control(), {"delay_ms": 0, "status": 200, "requests": 0, "spans": 0, "refused": 0})

    def test_other_paths_are_404(self):
        self.assertEqual(request(self.rx.url, "POST", "/v1/metrics", b"{}").status, 404)
        self.assertEqual(request(self.rx.url, "GET", "/v1/traces").status, 404)
        self.assertEqual(request(self.rx.url, "GET", "/health").status, 200)


if __name__ == "__main__":
    unittest.main()
