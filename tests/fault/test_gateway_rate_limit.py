"""The gateway's rate limit is one budget for every instance: two real gateways sharing the
test stack's Redis, one client, 150 requests. With Redis stopped each gateway falls back to its
local share and keeps answering."""

import os
import random
import time
import unittest
import urllib.parse

from testkit import Service, ctl, wait_until


def catalog_address():
    u = urllib.parse.urlsplit(os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081"))
    return f"{u.hostname}:{u.port}"


class SharedRateLimit(unittest.TestCase):
    def gateways(self, **env):
        # Trusting loopback lets each test name its client by X-Forwarded-For, so no other
        # test's traffic from 127.0.0.1 shares its budget.
        common = {"PRODUCT_SERVICE_HOST": catalog_address(), "RATE_LIMIT_PER_MINUTE": "100",
                  "TRUSTED_PROXIES": "127.0.0.1"}
        common.update(env)
        return Service("gateway", env=common, wait_ready=True), Service("gateway", env=common, wait_ready=True)

    def test_two_gateways_allow_one_budget_per_client(self):
        a, b = self.gateways()
        try:
            client = {"X-Forwarded-For": f"198.51.100.{random.randint(1, 254)}"}
            statuses, remaining = [], []
            for i in range(150):
                gw = a if i % 2 == 0 else b
                r = gw.get("/api/v1/products?per_page=1", headers=client)
                statuses.append(r.status)
                self.assertEqual(r.header("RateLimit-Limit"), "100")
                if r.status == 200:
                    remaining.append(int(r.header("RateLimit-Remaining")))
                else:
                    self.assertEqual(r.status, 429, r.body[:200])
                    self.assertEqual(r.json()["error"]["code"], "rate_limited")
                    self.assertGreaterEqual(int(r.header("Retry-After")), 1)
            allowed = statuses.count(200)
            # The budget refills by one request every 0.6 s: over the run's few seconds, a
            # request or two may legitimately come back.
            self.assertGreaterEqual(allowed, 100)
            self.assertLessEqual(allowed, 103, f"{allowed} allowed: the instances do not share one budget")
            self.assertEqual(statuses[:100], [200] * 100)
            # Remaining counts down across both instances, never up by more than a refill.
            self.assertEqual(remaining[0], 99)
            self.assertTrue(all(later <= earlier + 1 for earlier, later in zip(remaining, remaining[1:])), remaining)
        finally:
            a.stop()
            b.stop()

    def test_redis_stopped_each_gateway_limits_locally_and_keeps_answering(self):
        a, b = self.gateways(RATE_LIMIT_PER_MINUTE="20", RATE_LIMIT_LOCAL_FALLBACK="2")
        try:
            ctl("redis", "stop")
            try:
                client = {"X-Forwarded-For": f"203.0.113.{random.randint(1, 254)}"}
                for gw in (a, b):
                    statuses = [gw.get("/api/v1/products?per_page=1", headers=client).status for _ in range(15)]
                    self.assertEqual(set(statuses) - {200, 429}, set(), statuses)  # never a 5xx
                    self.assertEqual(statuses.count(200), 10, statuses)  # 20 per minute / 2 instances
                metrics = a.metrics()
                self.assertIn('ratelimit_decisions_total{source="local",result="denied"}', metrics)
            finally:
                ctl("redis", "start")
            self.assertTrue(wait_until(lambda: a.get("/health/ready").json()["checks"]["redis"] == "up", timeout=30))
        finally:
            a.stop()
            b.stop()


if __name__ == "__main__":
    unittest.main()
