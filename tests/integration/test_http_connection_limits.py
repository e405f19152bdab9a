"""One address cannot take the server from everyone else (issue 13, finding 9).

The gateway had one global cap of 10,000 connections and let a silent connection live 60 s, so
one address opening ~170 idle sockets a second filled it for every other client. Now each peer
address may hold HTTP_MAX_CONNECTIONS_PER_ADDRESS (256) connections, more are closed at accept,
and a new connection that sends nothing is closed after HTTP_REQUEST_START_TIMEOUT (5 s)."""

import resource
import socket
import time
import unittest

from testkit import Service, free_port, read_until_closed, request, wait_until

ATTACKER = "127.0.0.10"
CLIENT = "127.0.0.11"
IDLE_SOCKETS = 10_000
CAP = 256


def probe(port, timeout=2.0):
    """GET /health/live from CLIENT's address; (status or 'error', seconds taken)."""
    start = time.monotonic()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(CLIENT, 0)) as s:
            s.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            out = read_until_closed(s)
        status = int(out.split(b" ", 2)[1]) if out.startswith(b"HTTP/1.1 ") else "error"
    except OSError:
        status = "error"
    return status, time.monotonic() - start


class ConnectionLimits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The idle sockets are this process's file descriptors; the gateway (started after this)
        # inherits the raised limit too, so the old behaviour shows instead of EMFILE.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = IDLE_SOCKETS + 2000
        if hard != resource.RLIM_INFINITY and hard < want:
            raise unittest.SkipTest(f"RLIMIT_NOFILE hard limit {hard} < {want}")
        cls.old_limit = (soft, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, want), hard))
        nowhere = str(free_port())
        cls.gateway = Service("gateway", env={"PRODUCT_SERVICE_PORT": nowhere, "USER_SERVICE_PORT": nowhere,
                                              "LOG_LEVEL": "warn", "RATE_LIMIT_PER_MINUTE": "100000"})

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()
        resource.setrlimit(resource.RLIMIT_NOFILE, cls.old_limit)

    def test_ten_thousand_idle_sockets_from_one_address_leave_another_address_served(self):
        port = self.gateway.port
        baseline = self.gateway.fd_count()
        idle = []
        try:
            for _ in range(IDLE_SOCKETS):
                s = socket.socket()
                s.setblocking(False)
                s.bind((ATTACKER, 0))
                s.connect_ex(("127.0.0.1", port))
                idle.append(s)
            # The flood has reached the server once it holds (about) the attacker's share.
            self.assertTrue(wait_until(lambda: self.gateway.fd_count() - baseline >= CAP - 8, timeout=30))
            results = []
            end = time.monotonic() + 3
            while time.monotonic() < end:
                results.append(probe(port))
            held = self.gateway.fd_count() - baseline
            slowest = max(t for _, t in results)
            print(f"\n  {IDLE_SOCKETS} idle sockets from {ATTACKER}: the gateway holds {held} connections; "
                  f"{len(results)} requests from {CLIENT}, slowest {slowest * 1000:.1f} ms")
            self.assertEqual({s for s, _ in results}, {200}, results[:5])
            self.assertLess(slowest, 1.0)
            self.assertLessEqual(held, CAP + 8)  # the cap, plus a probe or two in flight
            # A silent connection does not outlive the request start timeout (5 s).
            self.assertTrue(wait_until(lambda: self.gateway.fd_count() - baseline <= 8, timeout=15),
                            self.gateway.fd_count() - baseline)
        finally:
            for s in idle:
                s.close()


if __name__ == "__main__":
    unittest.main()
