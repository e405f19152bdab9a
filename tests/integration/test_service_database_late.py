"""A service whose PostgreSQL is away when it starts (src/service/schema.hpp, database.hpp):
it lives, says why it is not ready, answers 503 `service_unavailable` on /api/ (identity's
JWKS excepted: it is read from key files), retries its migrations by itself and turns ready
once the database can be reached, with no restart."""

import os
import socket
import socketserver
import threading
import unittest

from testkit import Service, free_port, request, wait_until


class LateRelay:
    """A TCP port that refuses connections until `open()`, then relays each one to the stack's
    PostgreSQL: the database "comes up" at an address the service already uses."""

    def __init__(self, target_port):
        self.port = free_port()
        self.server = None
        target = ("127.0.0.1", target_port)

        class Relay(socketserver.BaseRequestHandler):
            def handle(self):
                with socket.create_connection(target) as upstream:
                    back = threading.Thread(target=pipe, args=(upstream, self.request), daemon=True)
                    back.start()
                    pipe(self.request, upstream)
                    back.join()

        self.handler = Relay

    def open(self):
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), self.handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()


def pipe(src, dst):
    """Copies src to dst until src ends, then ends dst's sending side."""
    try:
        while data := src.recv(65536):
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


class DatabaseAwayAtStart(unittest.TestCase):
    def start(self, name, relay):
        svc = Service(name, env={"DB_HOST": "127.0.0.1", "DB_PORT": str(relay.port), "DB_CONNECT_TIMEOUT": "1s"})
        self.addCleanup(svc.stop)
        return svc

    def assert_gated(self, svc, path, service):
        r = svc.get(path)
        self.assertEqual(r.status, 503, path)
        self.assertEqual(r.json()["error"]["code"], "service_unavailable")
        self.assertEqual(r.json()["error"]["message"], f"{service} database is not ready")

    def test_each_service_gates_its_api_until_migrated_then_turns_ready_by_itself(self):
        for name, gated, open_paths in (
                ("catalog", "/api/v1/products", []),
                ("identity", "/api/v1/auth/me", ["/api/v1/.well-known/jwks.json"])):
            with self.subTest(service=name):
                relay = LateRelay(int(os.environ.get("DB_PORT", "25432")))
                self.addCleanup(relay.close)
                svc = self.start(name, relay)

                self.assertEqual(svc.get("/health/live").status, 200)
                ready = request(svc.metrics_url, "GET", "/health/ready")
                self.assertEqual(ready.status, 503)
                self.assertEqual(ready.json()["status"], "not_ready")
                self.assertEqual(ready.json()["checks"]["database"], "down")
                self.assert_gated(svc, gated, name)
                for path in open_paths:
                    self.assertEqual(svc.get(path).status, 200, path)

                relay.open()
                # The retry waits at most 10 s between attempts (1 s doubling).
                self.assertTrue(wait_until(lambda: svc.get("/health/ready").status == 200, timeout=30),
                                f"{name} did not turn ready after its database came up")
                self.assertNotEqual(svc.get(gated).status, 503)
                self.assertIsNone(svc.proc.poll())


if __name__ == "__main__":
    unittest.main()
