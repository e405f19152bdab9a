"""Tracing in the HTTP layer, on the running stack (issue 14): every answer names its trace in
`traceparent` and, unless the client sent an X-Request-ID, in X-Request-ID too; a client's trace
id is continued through the gateway to the catalog, whose log lines carry it like the gateway's;
and only a trusted peer's sampled flag decides sampling (the driver's address plan: the
gateway trusts the dashboard's 127.0.0.5, the services trust the gateway's 127.0.0.4; every
other local process, 127.0.0.1 included, is an ordinary client). The requests leave from
addresses of their own (127.0.0.50 and .51), apart from other tests' rate-limit budget.

The sampling checks hold for any parent-based sampler (OpenTelemetry's default,
parentbased_always_on): a trusted caller's flag is followed, either way; an untrusted caller's
flag changes nothing, so two requests of one trace id that differ only in the flag they send
get the same answer."""

import json
import os
import re
import random
import secrets
import unittest

from testkit import request, wait_until

GATEWAY = os.environ.get("MERCATO_GATEWAY_URL", "http://127.0.0.1:18080")
CATALOG = os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081")

DASHBOARD_EGRESS = "127.0.0.5"  # trusted by the gateway
GATEWAY_EGRESS = "127.0.0.4"  # trusted by catalog and identity
# The stack's gateway reaches the catalog over its Unix socket when the driver made one; the
# catalog then logs the peer as "unix".
CATALOG_PEER = "unix" if os.environ.get("MERCATO_CATALOG_SOCKET") else GATEWAY_EGRESS


def fresh_list_path(per_page=1):
    """A list page nobody asked for yet: the gateway's response cache cannot answer it, so the
    request reaches the catalog (and its access log)."""
    return f"/api/v1/products?per_page={per_page}&page={random.randint(1000, 10**6)}"
CLIENT = "127.0.0.50"  # an ordinary client with a rate-limit budget of its own
STRANGER = "127.0.0.51"  # trusted by nobody
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$")


def log_dir():
    """The running stack's service logs: .var/<stack>/logs, beside its secrets directory."""
    if os.environ.get("MERCATO_LOG_DIR"):
        return os.environ["MERCATO_LOG_DIR"]
    secrets_dir = os.environ.get("MERCATO_SECRETS_DIR", os.path.join("..", ".var", "test", "secrets"))
    return os.path.join(os.path.dirname(os.path.abspath(secrets_dir)), "logs")


def log_lines(service, trace_id):
    """The JSON log lines of `service` that carry `trace_id` in any field."""
    path = os.path.join(log_dir(), f"{service}.log")
    out = []
    with open(path, errors="replace") as f:
        for line in f:
            if trace_id in line and line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except ValueError:
                    pass
    return out


def access_line(service, trace_id):
    """The access-log line ("request") of `service` for the request of `trace_id`, once written."""
    lines = wait_until(lambda: [l for l in log_lines(service, trace_id) if l.get("msg") == "request"], timeout=10)
    return lines[0] if lines else None


def new_traceparent(flags="01"):
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return f"00-{trace_id}-{span_id}-{flags}", trace_id, span_id


def sampled(r):
    return r.header("traceparent")[-2:] == "01"


class AnswersNameTheirTrace(unittest.TestCase):
    def test_an_answer_through_the_gateway_carries_its_traceparent_and_the_trace_id_as_request_id(self):
        r = request(GATEWAY, "GET", fresh_list_path(), source=CLIENT)
        self.assertEqual(r.status, 200)
        tp = r.header("traceparent")
        self.assertIsNotNone(tp)
        self.assertEqual(len(tp), 55, tp)
        m = TRACEPARENT.match(tp)
        self.assertIsNotNone(m, tp)
        self.assertEqual(r.header("X-Request-ID"), m.group(1))

    def test_errors_and_unknown_routes_carry_them_too(self):
        for path in ("/api/v1/nothing-here", "/api/v1/products/not-a-uuid"):
            with self.subTest(path=path):
                r = request(GATEWAY, "GET", path, source=CLIENT)
                self.assertIn(r.status, (404, 422))
                m = TRACEPARENT.match(r.header("traceparent") or "")
                self.assertIsNotNone(m)
                self.assertEqual(r.header("X-Request-ID"), m.group(1))

    def test_a_clients_request_id_is_echoed_and_the_trace_goes_on_beside_it(self):
        tp, trace_id, _ = new_traceparent()
        r = request(GATEWAY, "GET", fresh_list_path(), headers={"X-Request-ID": "client-7", "traceparent": tp},
                    source=CLIENT)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("X-Request-ID"), "client-7")
        self.assertEqual(TRACEPARENT.match(r.header("traceparent")).group(1), trace_id)
        # The catalog logs the same request id and trace id: the gateway passed both on.
        line = access_line("catalog", trace_id)
        self.assertIsNotNone(line, "the catalog logged no access line with the trace id")
        self.assertEqual(line["request_id"], "client-7")

    def test_a_malformed_traceparent_starts_a_new_trace(self):
        bad = "00-" + "A" * 32 + "-00f067aa0ba902b7-01"
        r = request(GATEWAY, "GET", fresh_list_path(), headers={"traceparent": bad}, source=CLIENT)
        self.assertEqual(r.status, 200)
        m = TRACEPARENT.match(r.header("traceparent"))
        self.assertNotEqual(m.group(1), "a" * 32)
        self.assertEqual(r.header("X-Request-ID"), m.group(1))


class OneTraceAcrossServices(unittest.TestCase):
    def test_a_client_trace_id_is_kept_and_the_gateway_and_catalog_log_it(self):
        tp, trace_id, client_span = new_traceparent()
        # An untrusted client of the gateway.
        r = request(GATEWAY, "GET", fresh_list_path(2), headers={"traceparent": tp}, source=CLIENT)
        self.assertEqual(r.status, 200)
        m = TRACEPARENT.match(r.header("traceparent"))
        self.assertEqual(m.group(1), trace_id)
        self.assertNotEqual(m.group(2), client_span, "the answer names the gateway's span, not the client's")
        self.assertEqual(r.header("X-Request-ID"), trace_id)

        gateway = access_line("gateway", trace_id)
        catalog = access_line("catalog", trace_id)
        self.assertIsNotNone(gateway, "the gateway logged no access line with the trace id")
        self.assertIsNotNone(catalog, "the catalog logged no access line with the trace id")
        self.assertEqual(gateway["trace_id"], trace_id)
        self.assertEqual(catalog["trace_id"], trace_id)
        self.assertEqual(gateway["span_id"], m.group(2))
        self.assertNotIn(catalog["span_id"], (gateway["span_id"], client_span))
        self.assertEqual(catalog["request_id"], trace_id)
        self.assertEqual(catalog["remote"], CATALOG_PEER)
        self.assertEqual(gateway["route"], "/api/v1/products")
        # Only the access lines (and no error) name this trace.
        for service in ("gateway", "catalog"):
            self.assertEqual([l for l in log_lines(service, trace_id) if l["level"] == "error"], [], service)


class OnlyATrustedPeerDecidesSampling(unittest.TestCase):
    def check(self, base, path, trusted_peer):
        tp_on, trace_id, span = new_traceparent("01")
        tp_off = f"00-{trace_id}-{span}-00"
        # A trusted peer's flag is followed, both ways.
        on = request(base, "GET", path, headers={"traceparent": tp_on}, source=trusted_peer)
        off = request(base, "GET", path, headers={"traceparent": tp_off}, source=trusted_peer)
        # (Statuses do not matter: every answer, a 429 too, carries the head decision.)
        self.assertTrue(sampled(on), on.header("traceparent"))
        self.assertFalse(sampled(off), off.header("traceparent"))
        # An untrusted caller's flag changes nothing: the service decides for the trace id alone.
        stranger_on = request(base, "GET", path, headers={"traceparent": tp_on}, source=STRANGER)
        stranger_off = request(base, "GET", path, headers={"traceparent": tp_off}, source=STRANGER)
        self.assertEqual(sampled(stranger_on), sampled(stranger_off))
        for r in (on, off, stranger_on, stranger_off):
            self.assertEqual(TRACEPARENT.match(r.header("traceparent")).group(1), trace_id)

    def test_the_gateway_follows_the_dashboard_only(self):
        self.check(GATEWAY, fresh_list_path(), DASHBOARD_EGRESS)

    def test_the_catalog_follows_the_gateway_only(self):
        self.check(CATALOG, "/api/v1/products?per_page=1", GATEWAY_EGRESS)

    def test_loopback_itself_is_not_trusted_by_the_gateway(self):
        # From 127.0.0.1, the kernel's choice on loopback, whose rate-limit budget other tests
        # share: only the answer's traceparent counts here, which a 429 carries too.
        tp_on, trace_id, span = new_traceparent("01")
        tp_off = f"00-{trace_id}-{span}-00"
        a = request(GATEWAY, "GET", fresh_list_path(), headers={"traceparent": tp_on})
        b = request(GATEWAY, "GET", fresh_list_path(), headers={"traceparent": tp_off})
        self.assertEqual(sampled(a), sampled(b))


if __name__ == "__main__":
    unittest.main()
