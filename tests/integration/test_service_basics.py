"""Every service binary, started for real: configuration errors, --help, the envelope on
router errors, request ids, metrics, protocol limits and SIGTERM."""

import http.server
import json
import os
import signal
import socket
import threading
import time
import unittest

from testkit import Service, raw_exchange, request, run_binary, wait_until

SERVICES = ("gateway", "catalog", "identity")


class ConfigErrors(unittest.TestCase):
    # (variable, bad value, the services that read it); every other service ignores it.
    BAD_VALUES = [
        ("HTTP_PORT", "abc", SERVICES),
        ("HTTP_PORT", "70000", SERVICES),
        ("HTTP_READ_TIMEOUT", "5x", SERVICES),
        ("HTTP_IDLE_TIMEOUT", "-1s", SERVICES),
        ("HTTP_WORKERS", "-3", SERVICES),
        ("HTTP_MAX_BODY", "1XB", SERVICES),
        ("DB_PORT", "abc", ("catalog", "identity")),
        ("DB_MAX_OPEN_CONNS", "0", ("catalog", "identity")),
        ("ENVIRONMENT", "staging", SERVICES),
        ("LOG_LEVEL", "loud", SERVICES),
        ("RATE_LIMIT_PER_MINUTE", "lots", ("gateway",)),
        ("REDIS_DB", "99", SERVICES),
        ("CACHE_L1_TTL", "1h", ("catalog",)),
        ("JWT_ACCESS_TTL", "forever", ("identity",)),
    ]

    def test_each_bad_value_stops_startup_with_one_line_naming_it(self):
        for name, value, readers in self.BAD_VALUES:
            for svc in readers:
                with self.subTest(service=svc, variable=name, value=value):
                    r = run_binary(svc, {name: value})
                    self.assertEqual(r.returncode, 2, r.stderr)
                    lines = r.stderr.strip().splitlines()
                    self.assertEqual(len(lines), 1, r.stderr)
                    self.assertIn(name, lines[0])
                    self.assertIn(value, lines[0])

    def test_a_service_ignores_the_variables_of_components_it_does_not_have(self):
        # The gateway has no database: a DB_PORT it would never use does not stop it.
        with Service("gateway", env={"DB_PORT": "abc", "CACHE_L1_TTL": "1h", "JWT_ACCESS_TTL": "forever"}) as s:
            self.assertEqual(s.get("/health/live").status, 200)
        with Service("identity", env={"RATE_LIMIT_PER_MINUTE": "lots", "CACHE_REDIS_PORT": "0"}) as s:
            self.assertEqual(s.get("/health/live").status, 200)

    def test_a_removed_variable_that_is_still_set_is_named_in_one_warning(self):
        s = Service("gateway", env={"REDIS_POOL_SIZE": "100"})
        s.proc.send_signal(signal.SIGTERM)
        stderr = s.proc.stderr.read().decode()
        s.stop()
        warnings = [line for line in stderr.splitlines() if "REDIS_POOL_SIZE" in line]
        self.assertEqual(len(warnings), 1, stderr)
        self.assertIn("no longer read", warnings[0])

    def test_idle_connections_above_open_connections_is_refused(self):
        r = run_binary("catalog", {"DB_MAX_OPEN_CONNS": "10", "DB_MAX_IDLE_CONNS": "50"})
        self.assertEqual(r.returncode, 2)
        self.assertIn("DB_MAX_IDLE_CONNS", r.stderr)

    def test_production_without_a_secret_or_verified_tls_stops_startup_with_one_line(self):
        complete = {"ENVIRONMENT": "production", "CATALOG_CURSOR_SECRET": "c", "DB_PASSWORD": "d",
                    "REDIS_PASSWORD": "r", "DB_SSLMODE": "verify-full"}
        cases = [("catalog", "CATALOG_CURSOR_SECRET", {"CATALOG_CURSOR_SECRET": ""}),
                 ("catalog", "DB_PASSWORD", {"DB_PASSWORD": ""}),
                 ("identity", "DB_PASSWORD", {"DB_PASSWORD": ""}),
                 ("gateway", "REDIS_PASSWORD", {"REDIS_PASSWORD": ""}),
                 ("identity", "DB_SSLMODE", {"DB_SSLMODE": "require"})]
        for svc, name, change in cases:
            with self.subTest(service=svc, variable=name):
                r = run_binary(svc, {**complete, **change})
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = r.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith(f"config: {name}"), lines[0])
                self.assertIn("ENVIRONMENT=production", lines[0])

    def test_help_lists_the_variables_of_the_service_with_their_defaults(self):
        common = ("HTTP_PORT", "LOG_LEVEL", "REDIS_HOST", "JWT_ISSUER")
        own = {"gateway": ("RATE_LIMIT_PER_MINUTE", "CORS_ORIGINS", "UPSTREAM_TIMEOUT"),
               "catalog": ("DB_MAX_OPEN_CONNS", "DB_CONN_MAX_LIFETIME", "CACHE_TTL_PRODUCT_DETAIL"),
               "identity": ("DB_MAX_OPEN_CONNS", "DB_CONN_MAX_LIFETIME", "JWT_ACCESS_TTL")}
        others = {"gateway": ("DB_PORT", "CACHE_TTL_PRODUCT_DETAIL", "JWT_ACCESS_TTL"),
                  "catalog": ("RATE_LIMIT_PER_MINUTE", "JWT_ACCESS_TTL"),
                  "identity": ("RATE_LIMIT_PER_MINUTE", "CACHE_TTL_PRODUCT_DETAIL", "USER_SERVICE_HOST")}
        for svc in SERVICES:
            with self.subTest(service=svc):
                r = run_binary(svc, {}, ["--help"])
                self.assertEqual(r.returncode, 0)
                for name in common + own[svc]:
                    self.assertIn(name, r.stdout)
                for name in others[svc] + ("REDIS_POOL_SIZE",):
                    self.assertNotIn(name, r.stdout)
                if svc != "gateway":
                    self.assertIn("15m", r.stdout)  # DB_CONN_MAX_LIFETIME's default

    def test_unknown_argument_is_usage_error(self):
        r = run_binary("gateway", {}, ["--frobnicate"])
        self.assertEqual(r.returncode, 2)
        self.assertIn("--frobnicate", r.stderr)


class RunningService(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svcs = {name: Service(name, env={"HTTP_READ_TIMEOUT": "1s", "HTTP_MAX_BODY": "4096"}) for name in SERVICES}

    @classmethod
    def tearDownClass(cls):
        for s in cls.svcs.values():
            s.stop()

    def test_unknown_route_is_404_envelope_with_request_id(self):
        for name, s in self.svcs.items():
            with self.subTest(service=name):
                r = s.get("/api/v1/does-not-exist")
                self.assertEqual(r.status, 404)
                body = r.json()
                self.assertEqual(body["success"], False)
                self.assertEqual(body["error"]["code"], "not_found")
                self.assertTrue(r.header("X-Request-ID"))

    def test_wrong_method_is_405_with_allow(self):
        from testkit import request
        for name, s in self.svcs.items():
            with self.subTest(service=name):
                r = request(s.url, "DELETE", "/health/live")
                self.assertEqual(r.status, 405)
                self.assertEqual(r.json()["error"]["code"], "method_not_allowed")
                self.assertIn("GET", r.header("Allow"))

    def test_well_formed_request_id_is_echoed(self):
        s = self.svcs["catalog"]
        r = s.get("/health/live", headers={"X-Request-ID": "client-abc_123.x"})
        self.assertEqual(r.header("X-Request-ID"), "client-abc_123.x")

    def test_malformed_request_id_is_replaced(self):
        s = self.svcs["catalog"]
        for bad in ("has space", "x" * 200, "quote\"d", "<script>"):
            with self.subTest(bad=bad):
                r = s.get("/health/live", headers={"X-Request-ID": bad})
                rid = r.header("X-Request-ID")
                self.assertNotEqual(rid, bad)
                # The request's trace id: one id leads to its trace and its log lines.
                self.assertRegex(rid, r"^[0-9a-f]{32}$")
                self.assertEqual(rid, r.header("traceparent")[3:35])

    def test_metrics_count_requests_by_route_template(self):
        s = self.svcs["identity"]
        s.get("/api/v1/nothing-here/12345")
        s.get("/health/live")
        text = s.metrics()
        self.assertIn("# TYPE http_requests_total counter", text)
        self.assertIn('route="/health/live"', text)
        self.assertIn('route="unmatched"', text)
        self.assertNotIn("12345", text)  # a raw path never becomes a label
        self.assertIn("http_request_duration_seconds_bucket", text)

    def test_oversized_header_is_431(self):
        s = self.svcs["gateway"]
        out = raw_exchange(s.port, b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 431"), out[:200])
        self.assertIn(b'"code":"bad_request"', out)

    def test_oversized_body_is_413(self):
        s = self.svcs["catalog"]
        out = raw_exchange(s.port, b"POST /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + b"a" * 5000)
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:200])
        self.assertIn(b'"code":"payload_too_large"', out)

    def test_malformed_request_is_400(self):
        s = self.svcs["catalog"]
        out = raw_exchange(s.port, b"GARBAGE\r\n\r\n")
        self.assertTrue(out.startswith(b"HTTP/1.1 400"), out[:200])

    def test_pipelined_requests_are_answered_in_order(self):
        s = self.svcs["identity"]
        out = raw_exchange(s.port, b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-ID: one\r\n\r\n"
                                   b"GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-ID: two\r\n\r\n"
                                   b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Request-ID: three\r\nConnection: close\r\n\r\n")
        self.assertEqual(out.count(b"HTTP/1.1 "), 3)
        self.assertLess(out.index(b"X-Request-ID: one"), out.index(b"X-Request-ID: two"))
        self.assertLess(out.index(b"X-Request-ID: two"), out.index(b"X-Request-ID: three"))
        self.assertIn(b"HTTP/1.1 404", out)

    def test_slowloris_is_cut_off(self):
        s = self.svcs["gateway"]
        start = time.time()
        with socket.create_connection(("127.0.0.1", s.port), timeout=5) as c:
            closed = False
            for ch in b"GET /health/live HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                try:
                    c.sendall(bytes([ch]))
                    c.settimeout(0.1)
                    if c.recv(1) == b"":
                        closed = True
                        break
                except socket.timeout:
                    continue
                except OSError:
                    closed = True
                    break
                if time.time() - start > 4:
                    break
        self.assertTrue(closed, "a request trickled over 4 s was not cut off by a 1 s read timeout")
        self.assertLess(time.time() - start, 3.0)


class Shutdown(unittest.TestCase):
    def test_sigterm_exits_zero_promptly(self):
        for name in SERVICES:
            with self.subTest(service=name):
                s = Service(name)
                # An open idle keep-alive connection must not hold the shutdown up.
                idle = socket.create_connection(("127.0.0.1", s.port))
                start = time.time()
                s.proc.send_signal(signal.SIGTERM)
                code = s.proc.wait(10)
                idle.close()
                self.assertEqual(code, 0)
                self.assertLess(time.time() - start, 5)
                s.stop()

    def test_readiness_says_draining_while_an_in_flight_request_finishes(self):
        # A load balancer must stop sending as soon as SIGTERM arrives, while what it already
        # sent still gets its answer. The gateway holds a request open on an upstream that
        # answers only when told to.
        with HeldUpstream() as upstream:
            s = Service("gateway", env={
                "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(upstream.port),
                "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(upstream.port),
                "UPSTREAM_TIMEOUT": "30s", "SHUTDOWN_TIMEOUT": "30s"}, wait_ready=True)
            try:
                self.assertEqual(request(s.metrics_url, "GET", "/health/ready").status, 200)
                answer = {}
                client = threading.Thread(target=lambda: answer.update(
                    r=request(s.url, "GET", "/api/v1/products", timeout=30)), daemon=True)
                client.start()
                self.assertTrue(upstream.arrived.wait(10), "the request never reached the upstream")

                s.proc.send_signal(signal.SIGTERM)

                def readiness():
                    r = request(s.metrics_url, "GET", "/health/ready", timeout=5)
                    return r if r.status != 200 else None
                ready = wait_until(readiness, timeout=10)
                self.assertIsNotNone(ready, "/health/ready still answered 200 after SIGTERM")
                self.assertEqual(ready.status, 503)
                self.assertEqual(ready.json()["status"], "draining")
                self.assertIsNone(s.proc.poll(), "the process exited with a request in flight")
                self.assertNotIn("r", answer)

                upstream.release.set()
                client.join(30)
                self.assertEqual(answer["r"].status, 200)
                self.assertEqual(answer["r"].json(), HeldUpstream.BODY)
                self.assertEqual(s.proc.wait(10), 0)
            finally:
                upstream.release.set()
                s.stop()


class HeldUpstream:
    """An upstream instance for a gateway: /api/v1/products is held until `release` is set,
    then answered 200; /health/* answers 200 at once, anything else 404. A fault injector,
    not a service."""

    BODY = {"success": True, "data": {"held": True}}

    def __init__(self):
        self.arrived, self.release = threading.Event(), threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                status = 200
                if self.path.startswith("/api/v1/products"):
                    outer.arrived.set()
                    outer.release.wait(60)
                elif not self.path.startswith("/health/"):
                    status = 404  # the gateway's JWKS and revocation fetches: not this test's
                body = json.dumps(outer.BODY).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    unittest.main()
