"""PostgreSQL and Redis restarted under load, for real (through `mercato _ctl test`): the
service answers 503 while its database is down, says `redis: degraded` while Redis is down,
recovers by itself, never crashes, and leaks no connections."""

import time
import unittest

from testkit import LoadLoop, Service, ctl, wait_until


class PostgresRestart(unittest.TestCase):
    def test_service_answers_503_while_postgres_is_down_and_recovers(self):
        for name in ("catalog", "identity"):
            with self.subTest(service=name), Service(name, wait_ready=True) as svc:
                with LoadLoop([(svc.url, "/health/ready")]) as load:
                    # The baseline is taken under the same load, once the pool has grown to it.
                    time.sleep(1.0)
                    baseline_fds = svc.fd_count()
                    ctl("pg", "stop")
                    try:
                        self.assertTrue(wait_until(lambda: svc.get("/health/ready").status == 503, timeout=15),
                                        "readiness did not turn 503 with PostgreSQL down")
                        time.sleep(1.0)
                    finally:
                        ctl("pg", "start")
                    self.assertTrue(wait_until(lambda: svc.get("/health/ready").status == 200, timeout=30),
                                    "service did not recover after PostgreSQL came back")
                    time.sleep(0.5)
                counts = load.snapshot()
                self.assertIsNone(svc.proc.poll(), "service died")
                self.assertEqual(counts["error"], 0, f"connections failed: {counts}")
                self.assertEqual(set(counts) - {200, 503}, set(), f"unexpected statuses: {counts}")
                self.assertGreater(counts[503], 0)
                # Every failed connect while it was down (dozens) was closed, not leaked; the slack
                # is two pooled connections (two fds each) of difference in pool size.
                self.assertTrue(wait_until(lambda: svc.fd_count() <= baseline_fds + 4, timeout=10),
                                f"fds {svc.fd_count()} vs baseline {baseline_fds}")


class RedisRestart(unittest.TestCase):
    def test_redis_down_is_degraded_not_unready_and_heals(self):
        for name in ("gateway", "catalog", "identity"):
            with self.subTest(service=name), Service(name, wait_ready=True) as svc:
                self.assertEqual(svc.get("/health/ready").json()["checks"]["redis"], "up")
                with LoadLoop([(svc.url, "/health/ready")]) as load:
                    time.sleep(1.0)
                    baseline_fds = svc.fd_count()
                    ctl("redis", "stop")
                    try:
                        degraded = wait_until(lambda: svc.get("/health/ready").json()["checks"]["redis"] == "degraded",
                                              timeout=15)
                        self.assertTrue(degraded, "readiness did not report redis degraded")
                        r = svc.get("/health/ready")
                        self.assertEqual(r.status, 200)
                    finally:
                        ctl("redis", "start")
                    self.assertTrue(wait_until(lambda: svc.get("/health/ready").json()["checks"]["redis"] == "up",
                                               timeout=30), "redis client did not reconnect by itself")
                counts = load.snapshot()
                self.assertIsNone(svc.proc.poll(), "service died")
                self.assertEqual(set(counts) - {200}, set(), f"unexpected statuses: {counts}")
                self.assertTrue(wait_until(lambda: svc.fd_count() <= baseline_fds + 4, timeout=10),
                                f"fds {svc.fd_count()} vs baseline {baseline_fds}")


if __name__ == "__main__":
    unittest.main()
