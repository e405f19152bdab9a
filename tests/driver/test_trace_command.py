"""`./mercato trace <id>` on a stack state written by hand (MERCATO_STATE_DIR): the span tree with
its indentation, durations, attributes and error marks; the log lines of every component with the
trace id; the lookup by request id; clear errors for unknown and malformed ids."""

import json
import os
import subprocess
import tempfile
import unittest

from testkit import REPO

TRACE = "0af7651916cd43dd8448eb211c80319c"
OTHER = "1bf7651916cd43dd8448eb211c80319d"


def span(span_id, parent, service, name, kind, start_ms, end_ms, trace=TRACE, status="unset", msg="", **attrs):
    t0 = 1_796_000_000_000_000_000
    return {"trace_id": trace, "span_id": span_id, "parent_span_id": parent, "trace_state": "", "name": name,
            "kind": kind, "service": service, "resource": {}, "start_ns": t0 + int(start_ms * 1e6),
            "end_ns": t0 + int(end_ms * 1e6), "duration_ms": end_ms - start_ms, "attributes": attrs,
            "status": status, "status_message": msg}


class TraceCommandTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        dev = os.path.join(cls.tmp.name, "dev")
        os.makedirs(os.path.join(dev, "otlp"))
        os.makedirs(os.path.join(dev, "logs"))
        spans = [
            span("c000000000000001", "a000000000000002", "catalog", "GET /api/v1/products/{id}", "server", 1.0, 9.0,
                 **{"http.route": "/api/v1/products/{id}", "http.response.status_code": 200}),
            span("a000000000000001", "", "gateway", "GET /api/v1/products/{id}", "server", 0.0, 10.0,
                 **{"http.request.method": "GET", "http.response.status_code": 200}),
            span("a000000000000002", "a000000000000001", "gateway", "GET catalog", "client", 0.5, 9.5,
                 **{"server.address": "127.0.0.2"}),
            span("c000000000000002", "c000000000000001", "catalog", "SELECT product_by_id", "client", 2.0, 3.5,
                 status="error", msg="statement timeout", **{"db.system.name": "postgresql"}),
            span("ffffffffffffffff", "", "gateway", "GET /other", "server", 0, 1, trace=OTHER),
        ]
        with open(os.path.join(dev, "otlp", "spans.jsonl.1"), "w") as f:
            f.write(json.dumps(spans[0]) + "\n")  # the older half of the trace went to the rotated file
        with open(os.path.join(dev, "otlp", "spans.jsonl"), "w") as f:
            f.write("".join(json.dumps(s) + "\n" for s in spans[1:]))
        with open(os.path.join(dev, "logs", "gateway.log"), "w") as f:
            f.write(json.dumps({"time": "2026-12-04T23:40:00.000Z", "level": "info", "service": "gateway",
                                "msg": "request", "request_id": TRACE, "trace_id": TRACE, "status": 200}) + "\n")
            f.write(json.dumps({"time": "2026-12-04T23:40:01.000Z", "level": "info", "service": "gateway",
                                "msg": "request", "request_id": "client-chosen-id.42", "trace_id": OTHER}) + "\n")
        with open(os.path.join(dev, "logs", "catalog.log"), "w") as f:
            f.write(json.dumps({"time": "2026-12-04T23:40:00.001Z", "level": "error", "service": "catalog",
                                "msg": "statement failed", "trace_id": TRACE, "statement": "product_by_id"}) + "\n")
        with open(os.path.join(dev, "logs", "postgres.log"), "w") as f:
            f.write(f"2026-12-04 23:40:00 UTC ERROR: canceling statement /*traceparent='00-{TRACE}-c000000000000002-01'*/\n")
        with open(os.path.join(dev, "logs", "python.log"), "w") as f:
            f.write(f"a suite's output naming {TRACE} is not a component log\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def trace(self, *args):
        env = dict(os.environ, MERCATO_STATE_DIR=self.tmp.name)
        return subprocess.run([os.path.join(REPO, "mercato"), "trace", *args], capture_output=True, text=True,
                              env=env, timeout=30)

    def test_a_trace_prints_its_span_tree_then_its_log_lines(self):
        r = self.trace(TRACE)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], f"trace {TRACE}: 4 spans from catalog, gateway")
        tree = lines[1:5]
        self.assertTrue(tree[0].startswith("+    0.00 ms     10.00 ms  gateway: GET /api/v1/products/{id} [server]"), tree)
        self.assertIn("http.request.method=GET http.response.status_code=200", tree[0])
        self.assertTrue(tree[1].startswith("  +    0.50 ms      9.00 ms  gateway: GET catalog [client]"), tree)
        self.assertTrue(tree[2].startswith("    +    1.00 ms      8.00 ms  catalog: GET /api/v1/products/{id} [server]"), tree)
        self.assertTrue(tree[3].startswith("      +    2.00 ms      1.50 ms  catalog: SELECT product_by_id [client]"), tree)
        self.assertTrue(tree[3].endswith("!! ERROR: statement timeout"), tree)
        self.assertNotIn("GET /other", r.stdout)
        logs = r.stdout.split(f"log lines with trace id {TRACE} (3):\n")[1]
        self.assertIn("catalog   error statement failed  statement=product_by_id", logs)
        self.assertIn("gateway   info  request", logs)
        self.assertIn("postgres   2026-12-04 23:40:00 UTC ERROR: canceling statement", logs)
        self.assertNotIn("suite's output", logs)

    def test_a_traceparent_or_upper_case_id_finds_the_same_trace(self):
        for given in (TRACE.upper(), f"00-{TRACE}-a000000000000001-01"):
            with self.subTest(given=given):
                r = self.trace(given)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn(f"trace {TRACE}: 4 spans", r.stdout)

    def test_a_client_chosen_request_id_leads_to_its_trace_through_the_logs(self):
        r = self.trace("client-chosen-id.42")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"trace {OTHER}: 1 spans from gateway", r.stdout)

    def test_an_unknown_id_is_exit_1_with_a_clear_message(self):
        r = self.trace("f" * 32)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"trace {'f' * 32}: no span in", r.stderr)
        r = self.trace("no-such-request")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no log line of", r.stderr)
        self.assertIn("carries request id 'no-such-request'", r.stderr)

    def test_a_malformed_id_is_exit_2(self):
        for given in ("has space", "x" * 200, "<script>", "00-zz-11-01;rm"):
            with self.subTest(given=given):
                r = self.trace(given)
                self.assertEqual(r.returncode, 2)
                self.assertIn("is not a trace id (32 hex digits), a traceparent", r.stderr)
        r = self.trace()
        self.assertEqual(r.returncode, 2)
        self.assertIn("trace needs an id", r.stderr)


if __name__ == "__main__":
    unittest.main()
