"""Issue 14's tracing proofs, end to end on the running test stack: real gateway, catalog,
PostgreSQL and Redis exporting OTLP/HTTP JSON to the stack's receiver (scripts/otlp_receiver.py,
MERCATO_OTLP_SPANS), or to a receiver a test starts for itself when it must stop, slow or own it.

  - one request through gateway → catalog → PostgreSQL/Redis is ONE trace with the right
    parent/child links across the services and children inside their parents' time;
  - a trusted caller's traceparent is continued and its sampled flag followed;
  - an untrusted caller's sampled flag is not: with a gateway that samples no root, its
    flagged request exports nothing (unless it fails);
  - with the collector down, slow or failing, requests answer as before and promptly, the
    gateway counts dropped spans, and spans flow again once it is back.

Every wait is on an observable condition (a span in the file, a counter), never a sleep."""

import os
import secrets
import tempfile
import time
import unittest
import uuid

from testkit import OTLP_SPANS, OtlpReceiver, Service, ctl, read_spans, request, wait_until

GATEWAY = os.environ.get("MERCATO_GATEWAY_URL", "http://127.0.0.1:18080")
CATALOG = os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081")
IDENTITY = os.environ.get("MERCATO_IDENTITY_URL", "http://127.0.0.3:18082")
GATEWAY_METRICS = os.environ.get("MERCATO_GATEWAY_METRICS_URL", "http://127.0.0.1:19080")

DASHBOARD_EGRESS = "127.0.0.5"  # the one caller the stack's gateway trusts (README, Ports)
GATEWAY_EGRESS = "127.0.0.4"  # the one caller catalog and identity trust
# Clients of their own (rate limits are per address): 127.0.0.41 and up are this file's.
UNTRUSTED = "127.0.0.41"
TRUSTED_CLIENT = "127.0.0.42"  # named in X-Forwarded-For by a trusted caller
FAULT_CLIENT = "127.0.0.43"

EXPORT_WAIT = 30  # seconds an exporter may take to flush a batch (generous)
PROMPT = 2.0  # seconds: a request while the collector is down or slow must answer within this


def new_ids():
    return secrets.token_hex(16), secrets.token_hex(8)


def traceparent_of(r):
    """(trace id, span id, flags) of an answer's traceparent header."""
    value = r.header("traceparent")
    if value is None:
        raise AssertionError(f"the answer has no traceparent header (httptrace); headers: {r.headers}")
    parts = value.split("-")
    if len(parts) != 4 or len(parts[1]) != 32 or len(parts[2]) != 16:
        raise AssertionError(f"malformed traceparent in the answer: {value!r}")
    return parts[1], parts[2], parts[3]


def list_path():
    """A product list no cache holds yet (a unique search term), so the catalog asks Redis (L2)
    and then PostgreSQL."""
    return f"/api/v1/products?per_page=5&q=trace{uuid.uuid4().hex[:12]}"


def by_service(spans, name):
    return [s for s in spans if name in s.get("service", "")]


def dropped_spans(metrics_url):
    """The sum of every tracing_spans_dropped_total sample of a service's /metrics."""
    r = request(metrics_url, "GET", "/metrics")
    if r.status != 200:
        raise AssertionError(f"{metrics_url}/metrics answered {r.status}")
    total, found = 0.0, False
    for line in r.body.decode().splitlines():
        if line.startswith("tracing_spans_dropped_total"):
            total += float(line.rsplit(" ", 1)[1])
            found = True
    if not found:
        raise AssertionError("the gateway exports no tracing_spans_dropped_total (export)")
    return total


def timed_get(base, path, source=None, headers=None):
    t = time.monotonic()
    r = request(base, "GET", path, source=source, headers=headers, timeout=10)
    return r, time.monotonic() - t


def catalog_port():
    return CATALOG.rsplit(":", 1)[1]


def identity_port():
    return IDENTITY.rsplit(":", 1)[1]


def own_gateway(receiver, **env):
    """A gateway of the test's own in front of the stack's catalog and identity, connecting from
    the stack gateway's address (so they trust its traceparent as they trust the stack's
    gateway), exporting to `receiver`; trusts the dashboard's address like the stack's."""
    return Service("gateway", env={
        "PRODUCT_SERVICE_HOST": CATALOG.split("//")[1].rsplit(":", 1)[0], "PRODUCT_SERVICE_PORT": catalog_port(),
        "USER_SERVICE_HOST": IDENTITY.split("//")[1].rsplit(":", 1)[0], "USER_SERVICE_PORT": identity_port(),
        "UPSTREAM_SOURCE_ADDRESS": GATEWAY_EGRESS, "TRUSTED_PROXIES": DASHBOARD_EGRESS,
        "RATE_LIMIT_PER_MINUTE": "100000", "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url,
        "OTEL_BSP_SCHEDULE_DELAY": "200", **env}, wait_ready=True)


class OneTraceAcrossServices(unittest.TestCase):
    """(a) gateway → catalog → PostgreSQL/Redis is one trace with the right links and timings.
    Waits for: export (the exporter), httptrace (server/upstream spans, traceparent answered),
    datatrace (PostgreSQL spans), cachetrace (Redis spans)."""

    def test_a_request_through_gateway_and_catalog_is_one_linked_trace(self):
        r = request(GATEWAY, "GET", list_path(), source=UNTRUSTED)
        self.assertEqual(r.status, 200, r.body)
        trace_id, answered_span, flags = traceparent_of(r)
        self.assertEqual(r.header("X-Request-ID"), trace_id, "the request id is the trace id")
        self.assertEqual(flags, "01", "the test stack samples every request (parentbased_always_on)")

        def complete():
            spans = read_spans(OTLP_SPANS, trace_id)
            catalog = by_service(spans, "catalog")
            db = [s for s in catalog if s["attributes"].get("db.system.name") == "postgresql"]
            servers = [s for s in spans if s["kind"] == "server"]
            return spans if len(servers) >= 2 and db and by_service(spans, "gateway") else None

        spans = wait_until(complete, timeout=EXPORT_WAIT, interval=0.2)
        self.assertTrue(spans, f"no complete trace {trace_id} in {OTLP_SPANS}: {read_spans(OTLP_SPANS, trace_id)}")
        by_id = {s["span_id"]: s for s in spans}
        self.assertEqual(len(by_id), len(spans), "every span id is unique")

        roots = [s for s in spans if not s["parent_span_id"]]
        self.assertEqual(len(roots), 1, f"one root: {roots}")
        root = roots[0]
        self.assertIn("gateway", root["service"])
        self.assertEqual(root["kind"], "server")
        self.assertEqual(root["span_id"], answered_span, "the answer's traceparent names the gateway's server span")
        for s in spans:
            if s is not root:
                self.assertIn(s["parent_span_id"], by_id, f"{s['service']} {s['name']} hangs under a span of the trace")

        catalog_server = [s for s in by_service(spans, "catalog") if s["kind"] == "server"]
        self.assertEqual(len(catalog_server), 1, catalog_server)
        catalog_server = catalog_server[0]
        upstream = by_id[catalog_server["parent_span_id"]]
        self.assertIn("gateway", upstream["service"])
        self.assertEqual(upstream["kind"], "client", "the catalog's server span hangs under the gateway's client span")
        self.assertEqual(upstream["parent_span_id"], root["span_id"])

        def under(s, ancestor):
            while s["parent_span_id"] in by_id:
                s = by_id[s["parent_span_id"]]
                if s is ancestor:
                    return True
            return False

        stores = [s for s in by_service(spans, "catalog") if s["attributes"].get("db.system.name") in ("postgresql", "redis")]
        self.assertTrue([s for s in stores if s["attributes"]["db.system.name"] == "postgresql"], "a PostgreSQL span (datatrace)")
        self.assertTrue([s for s in stores if s["attributes"]["db.system.name"] == "redis"], "a Redis span (cachetrace)")
        for s in stores:
            self.assertTrue(under(s, catalog_server), f"{s['name']} hangs under the catalog's server span")
            self.assertEqual(s["kind"], "client", s)

        slack = 1_000_000  # 1 ms: the processes read the same clock, but each at its own moment
        for s in spans:
            self.assertLessEqual(s["start_ns"], s["end_ns"], s)
            if s is not root:
                p = by_id[s["parent_span_id"]]
                self.assertGreaterEqual(s["start_ns"], p["start_ns"] - slack, f"{s['name']} starts inside {p['name']}")
                self.assertLessEqual(s["end_ns"], p["end_ns"] + slack, f"{s['name']} ends inside {p['name']}")
        self.assertLess(root["end_ns"] - root["start_ns"], 10 * 1e9, "a plausible duration")


class IncomingTraceparent(unittest.TestCase):
    """(b) a trusted caller's traceparent is continued and its sampled flag followed.
    Waits for: httptrace (incoming traceparent, answer header), export."""

    def call(self, traceparent):
        return request(GATEWAY, "GET", list_path(), source=DASHBOARD_EGRESS,
                       headers={"traceparent": traceparent, "X-Forwarded-For": TRUSTED_CLIENT})

    def test_a_trusted_sampled_traceparent_is_continued(self):
        trace_id, parent = new_ids()
        r = self.call(f"00-{trace_id}-{parent}-01")
        self.assertEqual(r.status, 200, r.body)
        answered_trace, _, flags = traceparent_of(r)
        self.assertEqual((answered_trace, flags), (trace_id, "01"))

        def gateway_server():
            return [s for s in read_spans(OTLP_SPANS, trace_id) if "gateway" in s["service"] and s["kind"] == "server"]

        spans = wait_until(gateway_server, timeout=EXPORT_WAIT, interval=0.2)
        self.assertTrue(spans, f"the gateway exported no server span of trace {trace_id}")
        self.assertEqual(spans[0]["parent_span_id"], parent, "the gateway's server span hangs under the caller's span")

    def test_a_trusted_unsampled_traceparent_is_continued_and_not_exported(self):
        unsampled, parent = new_ids()
        r = self.call(f"00-{unsampled}-{parent}-00")
        self.assertEqual(r.status, 200, r.body)
        answered_trace, _, flags = traceparent_of(r)
        self.assertEqual((answered_trace, flags), (unsampled, "00"), "the caller's decision is followed")
        # A sampled request afterwards: once it is in the file, the unsampled one would be too.
        marker, marker_parent = new_ids()
        self.assertEqual(self.call(f"00-{marker}-{marker_parent}-01").status, 200)
        self.assertTrue(wait_until(lambda: by_service(read_spans(OTLP_SPANS, marker), "catalog")
                                   and by_service(read_spans(OTLP_SPANS, marker), "gateway"),
                                   timeout=EXPORT_WAIT, interval=0.2), "the sampled marker trace arrived")
        self.assertEqual(read_spans(OTLP_SPANS, unsampled), [], "no service exported the unsampled trace")


class UntrustedSampledFlag(unittest.TestCase):
    """(c) an untrusted caller's sampled flag decides nothing. A gateway of the test's own that
    samples no root (parentbased_traceidratio, ratio 0) exports to a receiver of the test's own;
    catalog is the stack's (it trusts this gateway's address and follows its decision).
    Waits for: httptrace (the trust rule at the server middleware), export."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.receiver = OtlpReceiver(cls.dir.name)
        cls.gateway = own_gateway(cls.receiver, OTEL_TRACES_SAMPLER="parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG="0")

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()
        cls.receiver.stop()
        cls.dir.cleanup()

    def test_an_untrusted_flagged_traceparent_is_continued_but_not_sampled(self):
        untrusted, parent = new_ids()
        r = request(self.gateway.url, "GET", list_path(), source=UNTRUSTED,
                    headers={"traceparent": f"00-{untrusted}-{parent}-01"})
        self.assertEqual(r.status, 200, r.body)
        answered_trace, _, flags = traceparent_of(r)
        self.assertEqual(answered_trace, untrusted, "the trace id is kept, so the click can still be followed in logs")
        self.assertEqual(flags, "00", "the gateway decided by its own rule (ratio 0)")

        # The same request from the trusted address is followed: once it is exported by both
        # services, the untrusted one would have been too.
        marker, marker_parent = new_ids()
        r = request(self.gateway.url, "GET", list_path(), source=DASHBOARD_EGRESS,
                    headers={"traceparent": f"00-{marker}-{marker_parent}-01", "X-Forwarded-For": TRUSTED_CLIENT})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(traceparent_of(r)[2], "01")
        self.assertTrue(wait_until(lambda: self.receiver.spans(marker), timeout=EXPORT_WAIT, interval=0.2),
                        "the trusted sampled request reached the test's receiver")
        self.assertTrue(wait_until(lambda: by_service(read_spans(OTLP_SPANS, marker), "catalog"),
                                   timeout=EXPORT_WAIT, interval=0.2), "the catalog exported its part of it")
        self.assertEqual(self.receiver.spans(untrusted), [], "the gateway exported nothing of the untrusted trace")
        self.assertEqual(read_spans(OTLP_SPANS, untrusted), [], "nor did the catalog, which followed the gateway")

    def test_an_untrusted_request_that_fails_is_kept_by_the_error_rule(self):
        with tempfile.TemporaryDirectory() as d, OtlpReceiver(d) as receiver:
            dead = Service("gateway", env={
                "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": "9",  # nothing listens: 502/503
                "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": "9", "RATE_LIMIT_PER_MINUTE": "100000",
                "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "200",
                "OTEL_TRACES_SAMPLER": "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG": "0"})
            try:
                failed, parent = new_ids()
                r = request(dead.url, "GET", list_path(), source=UNTRUSTED,
                            headers={"traceparent": f"00-{failed}-{parent}-01"})
                self.assertIn(r.status, (502, 503, 504), r.body)
                spans = wait_until(lambda: receiver.spans(failed), timeout=EXPORT_WAIT, interval=0.2)
                self.assertTrue(spans, "a failed request is exported whatever the head decision")
                self.assertTrue([s for s in spans if s["status"] == "error"], spans)
            finally:
                dead.stop()


class CollectorFaults(unittest.TestCase):
    """(d) the collector down, slow or failing costs requests nothing; spans are dropped and
    counted, and flow again once it is back. Waits for: export (bounded queue, drop counter,
    tracing_spans_dropped_total), httptrace."""

    def assert_requests_unharmed(self, base, n=10):
        for _ in range(n):
            r, took = timed_get(base, list_path(), source=FAULT_CLIENT)
            self.assertEqual(r.status, 200, r.body)
            self.assertLess(took, PROMPT, "a request must never wait for the collector")

    def test_the_stack_collector_down_drops_and_counts_then_recovers(self):
        before = dropped_spans(GATEWAY_METRICS)
        ctl("otlp", "stop")
        try:
            self.assert_requests_unharmed(GATEWAY)
            self.assertTrue(wait_until(lambda: dropped_spans(GATEWAY_METRICS) > before, timeout=60, interval=0.5),
                            "tracing_spans_dropped_total rose while the collector was down")
        finally:
            ctl("otlp", "start")
        r = request(GATEWAY, "GET", list_path(), source=FAULT_CLIENT)
        trace_id = traceparent_of(r)[0]
        self.assertTrue(wait_until(lambda: by_service(read_spans(OTLP_SPANS, trace_id), "gateway"),
                                   timeout=EXPORT_WAIT, interval=0.2), "spans flow again once the collector is back")

    def test_a_slow_or_failing_collector_drops_and_counts_then_recovers(self):
        with tempfile.TemporaryDirectory() as d, OtlpReceiver(d) as receiver:
            # A short export timeout (the standard variable, milliseconds) keeps the test short.
            gateway = own_gateway(receiver, OTEL_EXPORTER_OTLP_TIMEOUT="1000")
            try:
                metrics = gateway.metrics_url
                for fault in ({"delay_ms": 10000}, {"delay_ms": 0, "status": 503}):
                    with self.subTest(fault=fault):
                        receiver.control(**fault)
                        before = dropped_spans(metrics)
                        self.assert_requests_unharmed(gateway.url)
                        self.assertTrue(wait_until(lambda: dropped_spans(metrics) > before, timeout=60, interval=0.5),
                                        f"tracing_spans_dropped_total rose with the collector {fault}")
                receiver.control(delay_ms=0, status=200)
                r = request(gateway.url, "GET", list_path(), source=FAULT_CLIENT)
                trace_id = traceparent_of(r)[0]
                self.assertTrue(wait_until(lambda: receiver.spans(trace_id), timeout=EXPORT_WAIT, interval=0.2),
                                "spans flow again once the collector answers")
            finally:
                gateway.stop()


if __name__ == "__main__":
    unittest.main()
