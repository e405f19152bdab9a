"""/metrics is internal (issue 13, finding 10).

The gateway served /metrics on its public API port, with upstream addresses and login counters
in it. Every service now serves /metrics (and /health/*) on an internal listener,
METRICS_HOST:METRICS_PORT, and its API port answers /metrics like any unknown path: 404 in the
envelope."""

import os
import socket
import unittest

from testkit import Service, free_port, request

SERVICES = ("gateway", "catalog", "identity")


def assert_not_found(test, r):
    test.assertEqual(r.status, 404, r.body[:200])
    body = r.json()
    test.assertFalse(body["success"])
    test.assertEqual(body["error"]["code"], "not_found")


class MetricsListener(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        nowhere = str(free_port())
        cls.svcs = {name: Service(name, env={"PRODUCT_SERVICE_PORT": nowhere, "USER_SERVICE_PORT": nowhere,
                                             "LOG_LEVEL": "warn"}) for name in SERVICES}

    @classmethod
    def tearDownClass(cls):
        for s in cls.svcs.values():
            s.stop()

    def test_the_api_port_answers_metrics_with_404_and_the_metrics_port_serves_it(self):
        for name, s in self.svcs.items():
            with self.subTest(service=name):
                for method in ("GET", "HEAD"):
                    r = request(s.url, method, "/metrics")
                    self.assertEqual(r.status, 404)
                assert_not_found(self, s.get("/metrics"))
                assert_not_found(self, s.get("/metrics?format=text"))
                m = request(s.metrics_url, "GET", "/metrics")
                self.assertEqual(m.status, 200)
                self.assertTrue(m.header("Content-Type").startswith("text/plain; version=0.0.4"))
                self.assertIn("# TYPE http_requests_total counter", m.body.decode())
                self.assertEqual(request(s.metrics_url, "GET", "/health/live").status, 200)
                self.assertEqual(request(s.metrics_url, "GET", "/health/ready").status in (200, 503), True)
                # The API port keeps its own health routes; the internal listener serves no API.
                self.assertEqual(s.get("/health/live").status, 200)
                assert_not_found(self, request(s.metrics_url, "GET", "/api/v1/products"))

    def test_the_metrics_listener_binds_metrics_host_only(self):
        port = free_port()
        with Service("catalog", env={"METRICS_HOST": "127.0.0.3", "METRICS_PORT": str(port),
                                     "LOG_LEVEL": "warn"}) as s:
            self.assertEqual(request(f"http://127.0.0.3:{port}", "GET", "/metrics").status, 200)
            with self.assertRaises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
            assert_not_found(self, s.get("/metrics"))


class DriverStackMetrics(unittest.TestCase):
    """The stack `./mercato up|test` started: each service's API URL refuses /metrics and its
    MERCATO_<SERVICE>_METRICS_URL serves it."""

    def test_each_stack_service_serves_metrics_only_on_its_metrics_url(self):
        for name in SERVICES:
            api = os.environ.get(f"MERCATO_{name.upper()}_URL")
            internal = os.environ.get(f"MERCATO_{name.upper()}_METRICS_URL")
            if not api or not internal:
                self.skipTest("no driver stack (MERCATO_*_URL and MERCATO_*_METRICS_URL unset)")
            with self.subTest(service=name):
                assert_not_found(self, request(api, "GET", "/metrics"))
                m = request(internal, "GET", "/metrics")
                self.assertEqual(m.status, 200)
                self.assertIn("http_requests_total", m.body.decode())


if __name__ == "__main__":
    unittest.main()
