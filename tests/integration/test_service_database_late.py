"""A service whose PostgreSQL is away when it starts (src/service/schema.hpp, database.hpp):
it lives, says why it is not ready, answers 503 `service_unavailable` on /api/ (identity's
JWKS excepted: it is read from key files), retries its migrations by itself and turns ready
once the database can be reached, with no restart."""

import os
import socket
import threading
import unittest

from testkit import Service, free_port, request, wait_until


class LateRelay:
    """A TCP port that refuses connections until `open()`, then relays each one to the stack's
    PostgreSQL: the database "comes up" at an address the service already uses."""

    def __init__(self, target_port):
        self.port = free_port()
        self.target_port = target_port
        self._sock = None

    def open(self):
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(64)
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def close(self):
        if self._sock:
            self._sock.close()

    def _accept_loop(self):
        while True:
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()


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
