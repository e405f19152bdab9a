"""Chaos under load (issue 16): kill -9 a catalog instance and then a gateway instance while
clients write and read through two gateways in front of two catalogs. Every write a client saw
acknowledged (201) is in PostgreSQL afterwards with what the client sent; no answer is ever a
wrong one: a read of an acknowledged product is its product, never a 404 or another's bytes,
and the only failures a client sees are 502/503/504 or a connection the dead gateway refused.
Bounded: about 10 s of load."""

import threading
import time
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, new_store, psql
from testkit import Service, request

LOAD_S = 9.0
KILL_CATALOG_AT = 2.5
KILL_GATEWAY_AT = 5.0
FAILURES = {502, 503, 504}


class KillInstancesUnderLoad(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        env = {**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "chaos"}
        cls.catalogs = [Service("catalog", env=env, wait_ready=True) for _ in range(2)]
        upstreams = ",".join(f"127.0.0.1:{c.port}" for c in cls.catalogs)
        cls.gateways = [Service("gateway", env={
            "PRODUCT_SERVICE_HOST": upstreams, "USER_SERVICE_HOST": "127.0.0.1",
            "USER_SERVICE_PORT": str(cls.issuer.identity.port), "RATE_LIMIT_PER_MINUTE": "1000000"},
            wait_ready=True) for _ in range(2)]
        cls.store = new_store()
        cls.token = cls.issuer.token("editor", store=cls.store)

    @classmethod
    def tearDownClass(cls):
        for s in cls.gateways + cls.catalogs:
            s.stop()
        cls.issuer.close()

    def test_no_acknowledged_write_lost_no_wrong_answer(self):
        headers = {"X-Store-ID": self.store, "Authorization": "Bearer " + self.token}
        acked = {}  # id → name the client sent
        lock = threading.Lock()
        statuses, wrong, refused = [], [], [0]
        stop = threading.Event()

        def call(i, method, path, body=None):
            gw = self.gateways[i % 2]
            try:
                return request(gw.url, method, path, body=body, headers=headers, timeout=5)
            except OSError:
                with lock:
                    refused[0] += 1  # the killed gateway: no answer at all, never a wrong one
                return None

        def writer(w):
            i = w
            while not stop.is_set():
                name = f"Chaos {uuid.uuid4().hex[:12]}"
                r = call(i, "POST", "/api/v1/products",
                         {"name": name, "sku": "CH-" + uuid.uuid4().hex[:10], "price_cents": 500, "currency": "EUR",
                          "status": "active", "stock": 1})
                i += 1
                if r is None:
                    continue
                with lock:
                    statuses.append(("POST", r.status))
                    if r.status == 201:
                        acked[r.json()["data"]["id"]] = name
                    elif r.status not in FAILURES:
                        wrong.append(("POST", r.status, r.body[:200]))

        def reader(k):
            i = k
            while not stop.is_set():
                with lock:
                    items = list(acked.items())
                if not items:
                    time.sleep(0.01)
                    continue
                pid, name = items[(i * 7919) % len(items)]
                r = call(i, "GET", f"/api/v1/products/{pid}")
                i += 1
                if r is None:
                    continue
                with lock:
                    statuses.append(("GET", r.status))
                    if r.status == 200:
                        if r.json()["data"]["name"] != name:
                            wrong.append(("GET", pid, "another product's bytes"))
                    elif r.status not in FAILURES:
                        wrong.append(("GET", pid, r.status))

        threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
        threads += [threading.Thread(target=reader, args=(k,)) for k in range(4)]
        start = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(KILL_CATALOG_AT)
        self.catalogs[0].proc.kill()  # SIGKILL: no graceful drain
        time.sleep(KILL_GATEWAY_AT - KILL_CATALOG_AT)
        self.gateways[1].proc.kill()
        time.sleep(max(0.0, LOAD_S - (time.monotonic() - start)))
        stop.set()
        for t in threads:
            t.join(30)
        self.catalogs[0].proc.wait()
        self.gateways[1].proc.wait()

        self.assertEqual(wrong, [], "no wrong answer")
        self.assertGreater(len(acked), 50, "the load wrote")
        posts_after = [s for m, s in statuses[len(statuses) // 2:] if m == "POST" and s == 201]
        self.assertTrue(posts_after, "writes kept succeeding through the surviving instances")
        ids = list(acked)
        rows = psql(f"SELECT id, name FROM products WHERE store_id = '{self.store}' AND deleted_at IS NULL")
        stored = dict(line.split("|", 1) for line in rows.splitlines() if line)
        lost = [i for i in ids if stored.get(i) != acked[i]]
        self.assertEqual(lost, [], f"{len(lost)} of {len(ids)} acknowledged writes lost or changed")
        print(f"\n  chaos: {len(ids)} writes acknowledged, 0 lost; answers {self.summary(statuses)}; "
              f"{refused[0]} connections refused by the killed gateway")

    @staticmethod
    def summary(statuses):
        counts = {}
        for m, s in statuses:
            counts[f"{m} {s}"] = counts.get(f"{m} {s}", 0) + 1
        return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))


if __name__ == "__main__":
    unittest.main()
