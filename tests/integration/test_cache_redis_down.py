"""Redis killed in the middle of load, for real (`$MERCATO_CTL redis stop|start`), under two
catalog instances: reads never fail, every write succeeds and is read back, the instance that
wrote serves its write at once and the other within its short L1 TTL (no bus meanwhile), and
once Redis is back — without restarting anything — invalidation across instances works again."""

import subprocess
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, metric, new_store, psql
from testkit import LoadLoop, Service, ctl, request, stack_env, wait_until

L1_TTL_S = 2
CHANNEL = "mc1:invalidate"  # cache/keys.cpp, invalidation_channel()


def subscribers():
    """How many connections Redis has subscribed to the invalidation channel (every catalog
    process on this Redis, these two included), or -1 while Redis does not answer."""
    env = stack_env()
    r = subprocess.run(["redis-cli", "-h", env["REDIS_HOST"], "-p", env["REDIS_PORT"], "PUBSUB", "NUMSUB", CHANNEL],
                       capture_output=True, text=True, timeout=10)
    lines = r.stdout.split()
    return int(lines[1]) if r.returncode == 0 and len(lines) == 2 and lines[1].isdigit() else -1


class RedisKilledUnderLoad(unittest.TestCase):
    def setUp(self):
        self.other_subscribers = subscribers()  # other catalogs on this Redis (a dev or test stack's)
        self.issuer = IdentityIssuer()
        env = {**self.issuer.env(), "CATALOG_CURSOR_SECRET": "s", "CACHE_L1_TTL": f"{L1_TTL_S}s"}
        self.a = Service("catalog", env=env, wait_ready=True)
        self.b = Service("catalog", env=env, wait_ready=True)
        self.store = new_store()
        self.token = self.issuer.token("editor", store=self.store)

    def tearDown(self):
        if not self.redis_up():
            ctl("redis", "start")
        self.a.stop()
        self.b.stop()
        self.issuer.close()

    def redis_up(self):
        try:
            return self.a.get("/health/ready").json()["checks"]["redis"] == "up"
        except Exception:
            return False

    def call(self, svc, method, path, body=None):
        h = {"X-Store-ID": self.store}
        if method != "GET":
            h["Authorization"] = "Bearer " + self.token
        return request(svc.url, method, path, body=body, headers=h)

    def stock(self, svc, pid):
        r = self.call(svc, "GET", f"/api/v1/products/{pid}")
        self.assertEqual(r.status, 200, r.body)
        return r.json()["data"]["stock"]

    def test_reads_never_fail_writes_are_kept_and_invalidation_heals_after_restart(self):
        r = self.call(self.a, "POST", "/api/v1/products", {"name": "Outage Lamp", "sku": "O-" + uuid.uuid4().hex[:8],
                                                           "price_cents": 1, "currency": "EUR", "stock": 0,
                                                           "status": "active"})
        self.assertEqual(r.status, 201, r.body)
        pid = r.json()["data"]["id"]
        paths = [f"/api/v1/products/{pid}", "/api/v1/products?per_page=10", "/api/v1/categories"]
        # Both instances subscribe asynchronously after start (readiness does not wait for
        # it): wait until Redis counts them beside the others.
        subscribed = self.other_subscribers + 2
        self.assertTrue(wait_until(lambda: subscribers() >= subscribed, timeout=10))
        with LoadLoop([(s.url, p) for s in (self.a, self.b) for p in paths], {"X-Store-ID": self.store}) as load:
            self.assertTrue(wait_until(lambda: load.snapshot()[200] >= 20, timeout=10))  # the load is running
            ctl("redis", "stop")
            try:
                self.assertTrue(wait_until(lambda: all(s.get("/health/ready").json()["checks"]["redis"] == "degraded"
                                                       for s in (self.a, self.b)), timeout=15))
                for n in range(1, 6):
                    w = self.call(self.a, "PATCH", f"/api/v1/products/{pid}", {"stock": n})
                    self.assertEqual(w.status, 200, w.body)  # writes do not need Redis
                    self.assertEqual(self.stock(self.a, pid), n)  # the writer's own L1 was invalidated
                # The other instance hears nothing without Redis: its L1 entry expires.
                self.assertTrue(wait_until(lambda: self.stock(self.b, pid) == 5, timeout=L1_TTL_S + 2))
            finally:
                ctl("redis", "start")
            self.assertTrue(wait_until(lambda: all(s.get("/health/ready").json()["checks"]["redis"] == "up"
                                                   for s in (self.a, self.b)), timeout=30))
            # Each subscriber reconnects on its own back-off schedule (up to 2 s): wait until
            # Redis counts every subscription it had before the stop again.
            self.assertTrue(wait_until(lambda: subscribers() >= subscribed, timeout=30),
                            (subscribers(), subscribed))
            # And A has delivered the invalidations Redis missed: until then A queues new ones
            # behind them, and B would serve its L1 for up to CACHE_L1_TTL (README "Cache").
            self.assertTrue(wait_until(lambda: metric(self.a, "cache_invalidations_pending", {}) == 0, timeout=30))
            for svc in (self.a, self.b, self.a, self.b):
                self.stock(svc, pid)  # warm both tiers again
            w = self.call(self.a, "PATCH", f"/api/v1/products/{pid}", {"stock": 42})
            self.assertEqual(w.status, 200, w.body)
            self.assertEqual(self.stock(self.b, pid), 42)  # invalidation crosses instances again, at once
        self.assertEqual(psql(f"SELECT stock FROM products WHERE id = '{pid}'"), "42")
        self.assertEqual(set(load.counts) - {200}, set(), f"reads failed: {load.counts}")
        self.assertGreater(load.counts[200], 100)


if __name__ == "__main__":
    unittest.main()
