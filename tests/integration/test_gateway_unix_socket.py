"""The gateway reaches the catalog over a Unix domain socket (issue 15, "The hop itself").

Self-contained cases start their own catalog with HTTP_SOCKET in a scratch directory and a
gateway with PRODUCT_SERVICE_SOCKET, whose PRODUCT_SERVICE_PORT names a port nothing listens on:
a request that comes back at all came over the socket. The stack cases check that the driver's
test stack wires its gateway to the catalog's socket (so every other gateway test runs over it).
"""

import json
import os
import re
import signal
import socket
import tempfile
import unittest

from testkit import Service, free_port, read_until_closed, request, wait_until

GATEWAY_METRICS = os.environ.get("MERCATO_GATEWAY_METRICS_URL", "")
CATALOG_SOCKET = os.environ.get("MERCATO_CATALOG_SOCKET", "")
GATEWAY = os.environ.get("MERCATO_GATEWAY_URL", "http://127.0.0.1:18080")


def unix_exchange(path, raw, timeout=5):
    """Sends `raw` (a whole HTTP/1.1 request with Connection: close) to the socket at `path` and
    returns (status, body)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(raw)
        out = read_until_closed(s)
    head, _, body = out.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def upstream_ok(metrics_text, label):
    """upstream_requests_total{upstream=label,result="ok"}, 0 when absent."""
    pattern = r'^upstream_requests_total\{upstream="' + re.escape(label) + r'",result="ok"\} (\S+)$'
    m = re.search(pattern, metrics_text, re.M)
    return float(m.group(1)) if m else 0.0


def stop_and_read_log(service):
    """Stops `service` (SIGTERM) and returns its log lines as parsed JSON objects."""
    service.proc.send_signal(signal.SIGTERM)
    service.proc.wait(15)
    lines = []
    for line in service.proc.stderr.read().decode(errors="replace").splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pass
    service.proc.stderr.close()
    return lines


class GatewayOverUnixSocket(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory(prefix="mercato-uds-")
        self.sock = os.path.join(self.dir.name, "catalog.sock")
        self.dead_port = free_port()  # nothing listens here: TCP to the catalog cannot work
        self.catalog = self.start_catalog()
        self.gw = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(self.dead_port),
            "PRODUCT_SERVICE_SOCKET": self.sock,
            # The test is the dashboard: the gateway believes its X-Forwarded-For.
            "TRUSTED_PROXIES": "127.0.0.1",
            # Other tests' gateways count 127.0.0.1 in the same Redis; this one must never refuse.
            "RATE_LIMIT_PER_MINUTE": "1000000",
            # Every request must make the hop: no answer from the gateway's response cache.
            "GATEWAY_CACHE_MAX_BYTES": "0",
        })
        self.addCleanup(self.dir.cleanup)
        self.addCleanup(self.gw.stop)

    def start_catalog(self):
        # TRUSTED_PROXIES names an address no test connects from: over TCP, nobody is trusted.
        return Service("catalog", env={"HTTP_SOCKET": self.sock, "TRUSTED_PROXIES": "127.0.0.44",
                                       "LOG_LEVEL": "info"})

    def tearDown(self):
        if self.catalog.proc.poll() is None:
            self.catalog.stop()

    def test_a_forwarded_request_goes_over_the_socket(self):
        r = self.gw.get("/api/v1/products?per_page=2")
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.json()["meta"]["per_page"], 2)
        self.assertGreaterEqual(upstream_ok(self.gw.metrics(), "unix:" + self.sock), 1)
        self.assertEqual(upstream_ok(self.gw.metrics(), f"127.0.0.1:{self.dead_port}"), 0)

    def test_the_socket_peer_is_trusted_and_a_tcp_peer_cannot_spoof_it(self):
        # Through the gateway: the catalog sees the socket's peer and believes its account of
        # the client (the browser the trusted dashboard named).
        via = self.gw.get("/api/v1/products?per_page=1", headers={"X-Forwarded-For": "203.0.113.9"})
        self.assertEqual(via.status, 200)
        # The attacker on TCP writes what the gateway would: it is still just itself.
        direct = self.catalog.get("/api/v1/products?per_page=1",
                                  headers={"X-Forwarded-For": "203.0.113.66, unix"})
        self.assertEqual(direct.status, 200)
        log = [l for l in stop_and_read_log(self.catalog) if l.get("msg") == "request"
               and l.get("route") == "/api/v1/products"]
        peers = {(l.get("remote"), l.get("client")) for l in log}
        self.assertIn(("unix", "203.0.113.9"), peers, log)
        self.assertIn(("127.0.0.1", "127.0.0.1"), peers, log)
        self.assertNotIn("203.0.113.66", {c for _, c in peers})

    def test_metrics_are_not_served_on_the_socket(self):
        status, _ = unix_exchange(self.sock, b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 404)
        status, body = unix_exchange(self.sock, b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 200, body)

    def test_the_socket_file_is_private_and_gone_after_stop(self):
        mode = os.stat(self.sock).st_mode & 0o777
        self.assertEqual(mode, 0o660)
        self.catalog.stop()
        self.assertFalse(os.path.exists(self.sock))

    def test_a_restarted_catalog_is_reached_again_over_the_socket(self):
        self.assertEqual(self.gw.get("/api/v1/products?per_page=1").status, 200)
        self.catalog.stop()
        down = self.gw.get("/api/v1/products?per_page=1")
        self.assertIn(down.status, (502, 503), down.body[:300])
        self.catalog = self.start_catalog()
        # The circuit breaker may hold the instance open for a moment after the failure.
        up = wait_until(lambda: self.gw.get("/api/v1/products?per_page=1").status == 200, timeout=30, interval=0.2)
        self.assertTrue(up, "the gateway did not reach the restarted catalog")
        self.assertGreaterEqual(upstream_ok(self.gw.metrics(), "unix:" + self.sock), 2)

    def test_a_killed_catalogs_stale_socket_is_replaced_at_its_next_start(self):
        self.catalog.proc.kill()  # no shutdown: the socket file stays behind
        self.catalog.proc.wait()
        self.catalog.proc.stderr.close()
        self.assertTrue(os.path.exists(self.sock))
        self.catalog = self.start_catalog()
        up = wait_until(lambda: self.gw.get("/api/v1/products?per_page=1").status == 200, timeout=30, interval=0.2)
        self.assertTrue(up, "the gateway did not reach the catalog started over a stale socket file")


@unittest.skipUnless(GATEWAY_METRICS and CATALOG_SOCKET, "needs the driver's test stack (./mercato test)")
class TestStackUsesTheSocket(unittest.TestCase):
    def test_the_stack_gateway_reaches_the_catalog_over_its_socket(self):
        metrics = lambda: request(GATEWAY_METRICS, "GET", "/metrics").body.decode()
        before = upstream_ok(metrics(), "unix:" + CATALOG_SOCKET)
        self.assertEqual(request(GATEWAY, "GET", "/api/v1/products?per_page=1").status, 200)
        # At least this request (a readiness probe of the gateway's may add its own).
        self.assertGreaterEqual(upstream_ok(metrics(), "unix:" + CATALOG_SOCKET), before + 1)


if __name__ == "__main__":
    unittest.main()
