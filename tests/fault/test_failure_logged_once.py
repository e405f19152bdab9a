"""A handled 5xx logs its cause once, with the trace id (issue 14), on the running stack: a
failure is induced for real (through `mercato _ctl`), and the services' logs must hold exactly
one error line for that request, naming the cause and the trace — not one per layer it crossed,
and none in the gateway when it only relays a service's failure."""

import os
import secrets
import unittest
import uuid

from testkit import ctl, request, wait_until
from integration.test_http_tracing import GATEWAY, access_line, log_lines

SERVICES = ("gateway", "catalog", "identity")
CLIENT = "127.0.0.52"  # a rate-limit budget of its own


def error_lines(trace_id):
    return [(service, line) for service in SERVICES for line in log_lines(service, trace_id)
            if line.get("level") == "error"]


class FailureLoggedOnce(unittest.TestCase):
    def traced_get(self, path):
        trace_id = secrets.token_hex(16)
        r = request(GATEWAY, "GET", path, headers={"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"},
                    source=CLIENT)
        return r, trace_id

    def test_an_unreachable_service_is_one_error_line_of_the_gateway(self):
        ctl("svc:catalog", "stop")
        try:
            r, trace_id = self.traced_get("/api/v1/products?per_page=1")
        finally:
            ctl("svc:catalog", "start")
        self.assertEqual(r.status, 502)
        self.assertEqual(r.json()["error"]["code"], "bad_gateway")
        self.assertEqual(r.header("X-Request-ID"), trace_id)
        gateway = access_line("gateway", trace_id)  # the request's last line in the gateway
        self.assertIsNotNone(gateway)
        errors = error_lines(trace_id)
        self.assertEqual(len(errors), 1, errors)
        service, line = errors[0]
        self.assertEqual(service, "gateway")
        self.assertEqual(line["trace_id"], trace_id)
        self.assertEqual(line["status"], 502)
        self.assertEqual(line["code"], "bad_gateway")
        self.assertIn("upstream", line["cause"])  # which instance and how, for operators only
        self.assertIn("(connect)", line["cause"])
        self.assertNotIn(line["cause"], r.body.decode())

    def test_a_database_outage_is_one_error_line_of_the_catalog_and_none_of_the_gateway(self):
        # An id nobody has asked for: no cache tier can answer it, the database must. Both
        # servers down: with the primary alone down the replica answers the read
        # (test_reads_survive_the_primary.py).
        path = f"/api/v1/products/{uuid.uuid4()}"
        ctl("pg-replica", "stop")
        ctl("pg", "stop")
        try:
            r, trace_id = self.traced_get(path)
        finally:
            ctl("pg", "start")
            ctl("pg-replica", "start")
        self.assertEqual(r.status, 503, r.body)
        self.assertEqual(r.json()["error"]["code"], "service_unavailable")
        # Both access lines written: every line of the request is in the logs by then.
        gateway = access_line("gateway", trace_id)
        catalog = access_line("catalog", trace_id)
        self.assertIsNotNone(gateway)
        self.assertIsNotNone(catalog)
        self.assertEqual(gateway["level"], "info", "the gateway relays the catalog's failure; it did not fail")
        errors = error_lines(trace_id)
        self.assertEqual(len(errors), 1, errors)
        service, line = errors[0]
        self.assertEqual(service, "catalog")
        self.assertEqual(line["code"], "service_unavailable")
        self.assertIn("database", line["cause"])
        self.assertEqual(line["route"], "/api/v1/products/{id:uuid}")
        # The catalog recovers (readiness) before the next test needs it.
        self.assertTrue(wait_until(lambda: request(os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081"),
                                                   "GET", "/health/ready").status == 200, timeout=30))


if __name__ == "__main__":
    unittest.main()
