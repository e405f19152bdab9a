"""The tiered cache (issue 5) against real Redis and PostgreSQL, through two catalog instances
sharing them — as two pods behind a load balancer. Every read is warmed in both instances (so
L1 and Redis hold it) before a write through one of them; the other must answer the new truth
at once. Tokens come from the real identity service (test_catalog_support.IdentityIssuer)."""

import json
import resource
import selectors
import socket
import subprocess
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, metric, new_store
from testkit import Service, request, stack_env

SECRET = "cache-test-secret"


def queries(svc):
    return metric(svc, "db_queries_total", {"pool": "catalog", "result": "ok"})


def redis_cli(*args):
    env = stack_env()
    return subprocess.run(["redis-cli", "-h", env["REDIS_HOST"], "-p", env["REDIS_PORT"], *args], capture_output=True,
                          text=True, timeout=10, check=True).stdout.strip()


def concurrent_gets(targets, headers, timeout=60):
    """Opens every connection first, then sends every request, then reads every answer: the
    requests really are in flight together. `targets`: (port, path) pairs. Returns
    [(status, body)] in order."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < len(targets) + 256:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, len(targets) + 1024), hard))
    socks = [socket.create_connection(("127.0.0.1", port), timeout=timeout) for port, _ in targets]
    sel = selectors.DefaultSelector()
    bufs = {}
    try:
        for s, (port, path) in zip(socks, targets):
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n{extra}Connection: close\r\n\r\n".encode())
        for s in socks:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            bufs[s] = b""
        open_count = len(socks)
        while open_count:
            events = sel.select(timeout)
            if not events:
                raise AssertionError("responses did not all arrive")
            for key, _ in events:
                chunk = key.fileobj.recv(65536)
                if chunk:
                    bufs[key.fileobj] += chunk
                else:
                    sel.unregister(key.fileobj)
                    open_count -= 1
    finally:
        for s in socks:
            s.close()
    out = []
    for s in socks:
        head, _, body = bufs[s].partition(b"\r\n\r\n")
        out.append((int(head.split(b" ", 2)[1]), body))
    return out


class TwoInstances(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        env = {**cls.issuer.env(), "CATALOG_CURSOR_SECRET": SECRET}
        cls.a = Service("catalog", env=env, wait_ready=True)
        cls.b = Service("catalog", env=env, wait_ready=True)
        cls.store = new_store()
        cls.token = cls.issuer.token("editor", store=cls.store)
        cls.category = cls.call(cls.a, "POST", "/api/v1/categories", {"name": "Cache " + uuid.uuid4().hex[:6]}) \
            .json()["data"]

    @classmethod
    def tearDownClass(cls):
        cls.a.stop()
        cls.b.stop()
        cls.issuer.close()

    @classmethod
    def call(cls, svc, method, path, body=None, headers=None):
        h = {"X-Store-ID": cls.store, **(headers or {})}
        if method != "GET":
            h["Authorization"] = "Bearer " + cls.token
        return request(svc.url, method, path, body=body, headers=h)

    def create(self, **over):
        body = {"name": "Cache Lamp", "sku": "C-" + uuid.uuid4().hex[:10], "price_cents": 1000, "currency": "EUR",
                "status": "active", "category_id": self.category["id"]}
        body.update(over)
        r = self.call(self.a, "POST", "/api/v1/products", body)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["data"]

    def warm(self, path):
        """Reads `path` twice on each instance (the second read is an L1 hit) and returns B's body."""
        for svc in (self.a, self.b, self.a, self.b):
            r = self.call(svc, "GET", path)
        return r

    def ids(self, svc, path):
        r = self.call(svc, "GET", path)
        self.assertEqual(r.status, 200, r.body)
        return [p["id"] for p in r.json()["data"]]

    # ---- invalidation ----

    def test_deleted_product_is_404_on_every_instance_immediately(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.assertEqual(self.warm(path).status, 200)
        self.assertEqual(self.call(self.a, "DELETE", path).status, 204)
        for svc in (self.b, self.a):
            self.assertEqual(self.call(svc, "GET", path).status, 404)

    def test_a_write_waits_for_every_instances_acknowledgement_and_counts_them(self):
        counters = ("cache_invalidations_sent_total", "cache_invalidation_acks_total",
                    "cache_invalidations_unacknowledged_total")
        before = {name: metric(self.a, name, {}) for name in counters}
        self.create()  # through A: one invalidation, which A, B (and the stack's catalogs) receive
        after = {name: metric(self.a, name, {}) for name in counters}
        self.assertEqual(after["cache_invalidations_sent_total"] - before["cache_invalidations_sent_total"], 1)
        self.assertGreaterEqual(after["cache_invalidation_acks_total"] - before["cache_invalidation_acks_total"], 2)
        self.assertEqual(after["cache_invalidations_unacknowledged_total"],
                         before["cache_invalidations_unacknowledged_total"])

    def test_list_pages_follow_create_update_delete_restore_on_every_instance(self):
        lists = ["/api/v1/products?per_page=100", f"/api/v1/products?per_page=100&category_id={self.category['id']}",
                 "/api/v2/products?limit=100", "/api/v1/products?per_page=100&sort=name"]
        for path in lists:
            self.warm(path)
        p = self.create(name="Fresh Lamp")
        for path in lists:
            self.assertIn(p["id"], self.ids(self.b, path), path)
        self.warm(lists[0])
        r = self.call(self.a, "PATCH", f"/api/v1/products/{p['id']}", {"name": "Renamed Lamp"})
        self.assertEqual(r.status, 200, r.body)
        for path in lists:
            names = {x["id"]: x["name"] for x in self.call(self.b, "GET", path).json()["data"]}
            self.assertEqual(names[p["id"]], "Renamed Lamp", path)
        self.assertEqual(self.call(self.a, "DELETE", f"/api/v1/products/{p['id']}").status, 204)
        for path in lists:
            self.assertNotIn(p["id"], self.ids(self.b, path), path)
        self.assertEqual(self.call(self.b, "POST", f"/api/v1/products/{p['id']}/restore").status, 200)
        for path in lists:
            self.assertIn(p["id"], self.ids(self.a, path), path)

    def test_moving_a_product_updates_both_category_pages(self):
        other = self.call(self.a, "POST", "/api/v1/categories", {"name": "Other " + uuid.uuid4().hex[:6]}).json()["data"]
        p = self.create()
        old_page = f"/api/v1/products?per_page=100&category_id={self.category['id']}"
        new_page = f"/api/v1/products?per_page=100&category_id={other['id']}"
        self.warm(old_page)
        self.warm(new_page)
        self.assertEqual(self.call(self.a, "PATCH", f"/api/v1/products/{p['id']}", {"category_id": other["id"]}).status,
                         200)
        self.assertNotIn(p["id"], self.ids(self.b, old_page))
        self.assertIn(p["id"], self.ids(self.b, new_page))

    def test_categories_follow_writes_on_every_instance(self):
        self.warm("/api/v1/categories")
        c = self.call(self.a, "POST", "/api/v1/categories", {"name": "Brand New " + uuid.uuid4().hex[:6]})
        self.assertEqual(c.status, 201, c.body)
        cat = c.json()["data"]
        self.assertIn(cat["id"], self.ids(self.b, "/api/v1/categories"))
        p = self.create(category_id=cat["id"])
        counts = {x["id"]: x["product_count"] for x in self.call(self.b, "GET", "/api/v1/categories").json()["data"]}
        self.assertEqual(counts[cat["id"]], 1)  # a product write changes the category list too
        # A rename changes what every product of the category shows, though no product changed.
        self.warm(f"/api/v1/products/{p['id']}")
        self.warm(f"/api/v1/categories/{cat['id']}")
        self.assertEqual(self.call(self.a, "PATCH", f"/api/v1/categories/{cat['id']}", {"name": "Renamed Cat"}).status,
                         200)
        got = self.call(self.b, "GET", f"/api/v1/products/{p['id']}").json()["data"]
        self.assertEqual(got["category"]["name"], "Renamed Cat")
        self.assertEqual(self.call(self.b, "GET", f"/api/v1/categories/{cat['id']}").json()["data"]["name"],
                         "Renamed Cat")
        self.assertEqual(self.call(self.a, "DELETE", f"/api/v1/products/{p['id']}").status, 204)
        self.assertEqual(self.call(self.a, "DELETE", f"/api/v1/categories/{cat['id']}").status, 204)
        self.assertEqual(self.call(self.b, "GET", f"/api/v1/categories/{cat['id']}").status, 404)
        self.assertNotIn(cat["id"], self.ids(self.b, "/api/v1/categories"))

    # ---- stampede ----

    def test_1000_concurrent_misses_across_two_instances_make_one_query(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        before = queries(self.a) + queries(self.b)
        # Interleaved, A, B, A, B…: both instances miss at the same moment and race for the lease
        # (sent A's 500 first, A had the lease before B heard of the key).
        targets = [(svc.port, path) for _ in range(500) for svc in (self.a, self.b)]
        answers = concurrent_gets(targets, {"X-Store-ID": self.store})
        self.assertEqual(queries(self.a) + queries(self.b) - before, 1)
        self.assertEqual({status for status, _ in answers}, {200})
        self.assertEqual({json.loads(body)["data"]["id"] for _, body in answers}, {p["id"]})
        self.assertEqual(len({body for _, body in answers}), 1)

    # ---- negative caching ----

    def test_absent_ids_reach_postgres_once_and_a_restore_clears_the_negative_entry(self):
        missing = f"/api/v1/products/{uuid.uuid4()}"
        before = queries(self.a) + queries(self.b)
        for svc in (self.a, self.b) * 10:
            self.assertEqual(self.call(svc, "GET", missing).status, 404)
        self.assertEqual(queries(self.a) + queries(self.b) - before, 1)
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.assertEqual(self.call(self.a, "DELETE", path).status, 204)
        for svc in (self.a, self.b):
            self.assertEqual(self.call(svc, "GET", path).status, 404)  # now cached as absent
        self.assertEqual(self.call(self.a, "POST", path + "/restore").status, 200)
        for svc in (self.b, self.a):
            self.assertEqual(self.call(svc, "GET", path).status, 200)

    # ---- TTL ----

    def test_redis_ttls_are_the_configured_ones_with_ten_percent_jitter(self):
        ttls = []
        for _ in range(20):
            p = self.create()
            self.call(self.a, "GET", f"/api/v1/products/{p['id']}")
            ttls.append(int(redis_cli("PTTL", f"mc1:pd:{self.store}:{p['id']}")))
        hour = 3_600_000
        for t in ttls:
            self.assertTrue(0.9 * hour - 60_000 <= t <= 1.1 * hour, ttls)
        self.assertGreater(max(ttls) - min(ttls), 0.02 * hour, ttls)  # spread, not one expiry moment
        self.call(self.a, "GET", "/api/v1/products?per_page=7")
        keys = redis_cli("--scan", "--pattern", f"mc1:pl:{self.store}:v1:*").split()
        self.assertTrue(keys)
        for k in keys:
            self.assertTrue(0.9 * 300_000 - 60_000 <= int(redis_cli("PTTL", k)) <= 1.1 * 300_000)

    # ---- conditional GET ----

    def test_if_none_match_with_the_current_etag_is_304_without_a_body(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        first = self.call(self.b, "GET", path)
        etag = first.header("ETag")
        for svc in (self.a, self.b):
            r = self.call(svc, "GET", path, headers={"If-None-Match": etag})
            self.assertEqual((r.status, r.body, r.header("ETag")), (304, b"", etag))
        # The GET's ETag still works for If-Match.
        u = self.call(self.a, "PATCH", path, {"stock": 3}, headers={"If-Match": etag})
        self.assertEqual(u.status, 200, u.body)
        r = self.call(self.b, "GET", path, headers={"If-None-Match": etag})
        self.assertEqual(r.status, 200)
        self.assertNotEqual(r.header("ETag"), etag)
        # A category rename changes the product's bytes but not its version: no 304 for it.
        etag = r.header("ETag")
        self.call(self.a, "PATCH", f"/api/v1/categories/{self.category['id']}", {"description": "x"})
        name = "Cat " + uuid.uuid4().hex[:6]
        self.assertEqual(self.call(self.a, "PATCH", f"/api/v1/categories/{self.category['id']}", {"name": name}).status,
                         200)
        self.assertEqual(self.call(self.b, "GET", path, headers={"If-None-Match": etag}).status, 200)
        # Lists too.
        lst = self.call(self.a, "GET", "/api/v1/products?per_page=5")
        r = self.call(self.b, "GET", "/api/v1/products?per_page=5", headers={"If-None-Match": lst.header("ETag")})
        self.assertEqual((r.status, r.body), (304, b""))


class CacheDisabled(unittest.TestCase):
    """CACHE_ENABLED=false (what `./mercato bench catalog` measures): every read is a query,
    concurrent identical reads are not merged, nothing is written to Redis, and reads still
    answer ETags and 304s."""

    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.svc = Service("catalog", env={**cls.issuer.env(), "CACHE_ENABLED": "false"}, wait_ready=True)
        cls.store = new_store()
        cls.token = cls.issuer.token("editor", store=cls.store)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.issuer.close()

    def test_every_read_reaches_postgres_and_nothing_reaches_redis(self):
        h = {"X-Store-ID": self.store}
        body = {"name": "Uncached Lamp", "sku": "U-" + uuid.uuid4().hex[:10], "price_cents": 1000, "currency": "EUR",
                "status": "active"}
        created = request(self.svc.url, "POST", "/api/v1/products", body=body,
                          headers={**h, "Authorization": "Bearer " + self.token})
        self.assertEqual(created.status, 201, created.body)
        path = f"/api/v1/products/{created.json()['data']['id']}"
        before = queries(self.svc)
        for _ in range(5):
            self.assertEqual(request(self.svc.url, "GET", path, headers=h).status, 200)
        self.assertEqual(queries(self.svc) - before, 5)
        before = queries(self.svc)
        answers = concurrent_gets([(self.svc.port, path)] * 50, h)
        self.assertEqual({status for status, _ in answers}, {200})
        self.assertEqual(queries(self.svc) - before, 50)
        self.assertEqual(redis_cli("--scan", "--pattern", f"mc1:*:{self.store}:*"), "")
        etag = request(self.svc.url, "GET", path, headers=h).header("ETag")
        r = request(self.svc.url, "GET", path, headers={**h, "If-None-Match": etag})
        self.assertEqual((r.status, r.body), (304, b""))


if __name__ == "__main__":
    unittest.main()
