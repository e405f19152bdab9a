"""The gateway's response cache (issue 15) against the real catalog, identity, PostgreSQL and
Redis: one catalog behind two gateways sharing the stack's Redis, as two gateway pods would.
Each read of a public answer is warmed into both gateways until it is a hit (the first second
after a write is never stored: ResponseCache::kSettle), then a write through gateway A must be
seen at once through A and B. What a token may see (drafts, a member's lists) is never served
from nor stored into the cache, and one store's entry never answers another store."""

import unittest
import uuid

from .test_catalog_support import IdentityIssuer, metric, new_store
from testkit import Service, request, wait_until


class GatewayCache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.catalog = Service("catalog", env=cls.issuer.env(), wait_ready=True)
        gw_env = {"PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(cls.catalog.port),
                  "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(cls.issuer.identity.port),
                  "RATE_LIMIT_PER_MINUTE": "100000"}
        cls.a = Service("gateway", env=gw_env, wait_ready=True)
        cls.b = Service("gateway", env=gw_env, wait_ready=True)
        cls.store = new_store()
        cls.token = cls.issuer.token("editor", store=cls.store)
        cls.outsider = cls.issuer.token("viewer", store=new_store())  # signed in, not a member
        r = cls.call(cls.a, "POST", "/api/v1/categories", {"name": "Gw " + uuid.uuid4().hex[:6]}, token=cls.token)
        assert r.status == 201, r.body
        cls.category = r.json()["data"]

    @classmethod
    def tearDownClass(cls):
        cls.a.stop()
        cls.b.stop()
        cls.catalog.stop()
        cls.issuer.close()

    @classmethod
    def call(cls, gw, method, path, body=None, token=None, store=None, headers=None):
        h = {"X-Store-ID": store or cls.store, **(headers or {})}
        if token:
            h["Authorization"] = "Bearer " + token
        return request(gw.url, method, path, body=body, headers=h)

    def create(self, **over):
        body = {"name": "Gw Lamp", "sku": "G-" + uuid.uuid4().hex[:10], "price_cents": 1000, "currency": "EUR",
                "status": "active", "category_id": self.category["id"]}
        body.update(over)
        r = self.call(self.a, "POST", "/api/v1/products", body, token=self.token)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["data"]

    def warm(self, path, *gateways, **kw):
        """Reads `path` anonymously on each gateway until that gateway answers it from its cache."""
        for gw in gateways or (self.a, self.b):
            wait_until(lambda: self.call(gw, "GET", path, **kw).header("X-Cache") == "hit", timeout=30)

    def hits(self, gw):
        return metric(gw, "gateway_cache_hits_total", {})

    def stores(self, gw):
        return metric(gw, "gateway_cache_stores_total", {})

    # ---- hits ----

    def test_a_public_detail_read_twice_is_a_hit_with_the_origins_headers(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.warm(path, self.a)
        before = self.hits(self.a)
        first = self.call(self.a, "GET", path, headers={"X-Request-ID": "gw-cache-" + uuid.uuid4().hex})
        second = self.call(self.a, "GET", path)
        self.assertEqual(self.hits(self.a) - before, 2)
        for r in (first, second):
            self.assertEqual(r.status, 200)
            self.assertEqual(r.header("X-Cache"), "hit")
            self.assertIsNotNone(r.header("Age"))
            self.assertEqual(r.json()["data"]["id"], p["id"])
            self.assertTrue(r.header("Cache-Control").startswith("public"))
            self.assertIn("X-Store-ID", r.header("Vary"))
            self.assertIn(p["id"], r.header("Cache-Tag"))
            self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
        self.assertEqual(first.body, second.body)
        # Each answer carries its own request's id, never the one it was stored under.
        self.assertTrue(first.header("X-Request-ID").startswith("gw-cache-"))
        self.assertNotEqual(first.header("X-Request-ID"), second.header("X-Request-ID"))
        # A conditional read is answered from the cache too.
        nm = self.call(self.a, "GET", path, headers={"If-None-Match": first.header("ETag")})
        self.assertEqual((nm.status, nm.header("X-Cache"), nm.body), (304, "hit", b""))
        head = request(self.a.url, "HEAD", path, headers={"X-Store-ID": self.store})
        self.assertEqual((head.status, head.header("X-Cache")), (200, "hit"))

    # ---- writes are never served stale, by any gateway ----

    def test_a_patch_is_read_at_once_through_both_gateways(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.warm(path)
        r = self.call(self.a, "PATCH", path, {"name": "Gw Lamp Renamed", "price_cents": 1234}, token=self.token)
        self.assertEqual(r.status, 200, r.body)
        for gw in (self.b, self.a, self.b):
            got = self.call(gw, "GET", path)
            self.assertEqual(got.status, 200)
            self.assertEqual(got.json()["data"]["name"], "Gw Lamp Renamed")
            self.assertEqual(got.json()["data"]["price_cents"], 1234)

    def test_a_delete_is_404_at_once_through_both_gateways(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.warm(path)
        self.assertEqual(self.call(self.a, "DELETE", path, token=self.token).status, 204)
        for gw in (self.b, self.a):
            self.assertEqual(self.call(gw, "GET", path).status, 404)

    def test_a_product_put_back_to_draft_disappears_at_once(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.warm(path)
        self.assertEqual(self.call(self.a, "PATCH", path, {"status": "draft"}, token=self.token).status, 200)
        for gw in (self.b, self.a):
            self.assertEqual(self.call(gw, "GET", path).status, 404)

    def test_a_list_and_a_category_rename_are_read_at_once(self):
        p = self.create()
        list_path = f"/api/v1/products?category_id={self.category['id']}&per_page=100"
        detail = f"/api/v1/products/{p['id']}"
        self.warm(list_path)
        self.warm(detail)
        self.assertEqual(self.call(self.a, "PATCH", detail, {"price_cents": 4321}, token=self.token).status, 200)
        for gw in (self.b, self.a):
            prices = {q["id"]: q["price_cents"] for q in self.call(gw, "GET", list_path).json()["data"]}
            self.assertEqual(prices[p["id"]], 4321)
        # The category's name is shown inside the product: its rename purges the detail.
        self.warm(detail)
        new_name = "Gw Renamed " + uuid.uuid4().hex[:6]
        r = self.call(self.a, "PATCH", f"/api/v1/categories/{self.category['id']}", {"name": new_name},
                      token=self.token)
        self.assertEqual(r.status, 200, r.body)
        for gw in (self.b, self.a):
            self.assertIn(new_name, self.call(gw, "GET", detail).body.decode())

    # ---- what a token may see never meets the shared cache ----

    def test_a_draft_is_never_cached(self):
        p = self.create(status="draft")
        path = f"/api/v1/products/{p['id']}"
        stores = self.stores(self.a)
        member = self.call(self.a, "GET", path, token=self.token)
        self.assertEqual(member.status, 200)
        self.assertIsNone(member.header("X-Cache"))
        self.assertTrue(member.header("Cache-Control").startswith("private"))
        for _ in range(3):
            self.assertEqual(self.call(self.a, "GET", path).status, 404)
        self.assertEqual(self.stores(self.a), stores)

    def test_a_tokened_request_is_never_served_from_the_cache(self):
        # A member's list shows drafts; the public's cached list of the same URL does not.
        self.create()
        draft = self.create(status="draft")
        path = "/api/v1/products?per_page=100"
        self.warm(path, self.a)
        hits = self.hits(self.a)
        r = self.call(self.a, "GET", path, token=self.token)
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("X-Cache"))
        self.assertIn(draft["id"], [q["id"] for q in r.json()["data"]])
        self.assertEqual(self.hits(self.a), hits)

    def test_a_tokened_request_is_never_stored(self):
        # A signed-in non-member gets the public view, marked public: still not stored.
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.warm(path, self.b)  # once B stores it, the write's settle window has passed for A too
        stores = self.stores(self.a)
        for _ in range(3):
            r = self.call(self.a, "GET", path, token=self.outsider)
            self.assertEqual(r.status, 200)
            self.assertTrue(r.header("Cache-Control").startswith("public"))
            self.assertIsNone(r.header("X-Cache"))
        self.assertEqual(self.stores(self.a), stores)
        self.assertEqual(self.call(self.a, "GET", path).header("X-Cache"), "miss")
        # and a cookie is a credential too
        self.assertIsNone(self.call(self.a, "GET", path, headers={"Cookie": "session=x"}).header("X-Cache"))

    def test_another_store_never_gets_this_stores_entry(self):
        p = self.create()
        path = f"/api/v1/products/{p['id']}"
        self.warm(path, self.a)
        other = new_store()
        forged = self.call(self.a, "GET", path, store=other)
        self.assertEqual(forged.status, 404)
        self.assertNotEqual(forged.header("X-Cache"), "hit")
        self.assertEqual(self.call(self.a, "GET", path, store=self.store.upper()).status, 200)
        # without X-Store-ID the default store is read: not this one either
        self.assertEqual(request(self.a.url, "GET", path).status, 404)


if __name__ == "__main__":
    unittest.main()
