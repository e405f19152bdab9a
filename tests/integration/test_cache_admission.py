"""Search pages are stored on their second request, not their first (capacity issue).

In the mix benchmark nearly every search URL was asked once, and their ~50 KB pages, stored on
the first request, took ~92 % of the cache Redis, evicting the product details that are asked
again (docs/capacity.md). Now a search's first answer is served but kept by no cache: not the
catalog's L1 or Redis, not the gateway's response cache (it says `Cache-Control: private`). Its
second request is stored as every other public answer, and later ones are hits. A list without
a search is stored on its first request, as before. Through a real gateway, catalog, identity
and Redis (the catalog's L2 is the stack's Redis here)."""

import os
import subprocess
import time
import unittest
import uuid

from .test_catalog_support import CatalogBehindGateway, metric
from testkit import request, stack_env, wait_until


def redis_keys(pattern):
    env = stack_env()
    run_env = dict(os.environ)
    if env["REDIS_PASSWORD"]:
        run_env["REDISCLI_AUTH"] = env["REDIS_PASSWORD"]
    out = subprocess.run(["redis-cli", "-h", env["REDIS_HOST"], "-p", env["REDIS_PORT"], "--scan", "--pattern", pattern],
                         env=run_env, capture_output=True, text=True, timeout=30, check=True).stdout
    return [k for k in out.splitlines() if k]


def db_queries(svc):
    return metric(svc, "db_queries_total", {"pool": "catalog", "result": "ok"})


class SearchPagesAdmittedOnRepeat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = CatalogBehindGateway()
        cls.word = "zq" + uuid.uuid4().hex[:8]
        for i in range(3):
            body = {"name": f"Admission {cls.word} Lamp {i}", "sku": "ADM-" + uuid.uuid4().hex[:10],
                    "price_cents": 1000 + i, "currency": "EUR", "status": "active"}
            r = cls.call(cls.stack.catalog, "POST", "/api/v1/products", body, token=True)
            assert r.status == 201, r.body

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    @classmethod
    def call(cls, svc, method, path, body=None, token=False):
        headers = {"X-Store-ID": cls.stack.store}
        if token:
            headers["Authorization"] = "Bearer " + cls.stack.token
        return request(svc.url, method, path, body=body, headers=headers)

    def stored(self, term):
        return [k for k in redis_keys(f"mc1:pl:{self.stack.store}:*") if term in k]

    def test_a_search_is_kept_by_no_cache_on_its_first_request_and_by_all_on_its_second(self):
        for version, path in (("v1", f"/api/v1/products?q={self.word}&per_page=10&sort=price"),
                              ("v2", f"/api/v2/products?q={self.word}&limit=10&sort=-price")):
            with self.subTest(version):
                deferred = metric(self.stack.catalog, "cache_admissions_deferred_total", {"cache": "product_list"})
                hits = metric(self.stack.gateway, "gateway_cache_hits_total", {})
                first = self.call(self.stack.gateway, "GET", path)
                self.assertEqual(first.status, 200, first.body)
                self.assertEqual(len(first.json()["data"]), 3)
                cc = first.header("Cache-Control") or ""
                self.assertIn("private", cc)
                self.assertNotIn("public", cc)
                self.assertEqual([k for k in self.stored(self.word) if f":{version}" in k], [])
                self.assertEqual(metric(self.stack.catalog, "cache_admissions_deferred_total",
                                        {"cache": "product_list"}), deferred + 1)

                # Time for the gateway to have stored the first answer, had it kept it.
                time.sleep(0.3)
                second = self.call(self.stack.gateway, "GET", path)
                self.assertEqual(second.status, 200, second.body)
                self.assertNotEqual(second.header("X-Cache"), "hit")
                self.assertEqual(metric(self.stack.gateway, "gateway_cache_hits_total", {}), hits)
                self.assertEqual(second.json()["data"], first.json()["data"])
                self.assertIn("public", second.header("Cache-Control") or "")
                self.assertEqual(len([k for k in self.stored(self.word) if f":{version}" in k]), 1)

                # Later ones are the gateway's hits: neither the catalog nor PostgreSQL hears of them.
                queries = db_queries(self.stack.catalog)
                wait_until(lambda: self.call(self.stack.gateway, "GET", path).header("X-Cache") == "hit", timeout=10)
                third = self.call(self.stack.gateway, "GET", path)
                self.assertEqual(third.header("X-Cache"), "hit")
                self.assertEqual(third.json()["data"], first.json()["data"])
                self.assertEqual(db_queries(self.stack.catalog), queries)

    def test_a_list_without_a_search_is_kept_on_its_first_request(self):
        path = "/api/v1/products?per_page=7&sort=name"
        deferred = metric(self.stack.catalog, "cache_admissions_deferred_total", {"cache": "product_list"})
        first = self.call(self.stack.gateway, "GET", path)
        self.assertEqual(first.status, 200, first.body)
        self.assertIn("public", first.header("Cache-Control") or "")
        self.assertTrue([k for k in redis_keys(f"mc1:pl:{self.stack.store}:v1:*") if k.endswith("|n7")])
        self.assertEqual(metric(self.stack.catalog, "cache_admissions_deferred_total", {"cache": "product_list"}),
                         deferred)

    def test_a_first_search_after_a_write_shows_the_write(self):
        # Not kept, but still read past the write (the cache's fences), like any fill.
        word = "zw" + uuid.uuid4().hex[:8]
        body = {"name": f"Fresh {word} Chair", "sku": "ADM-" + uuid.uuid4().hex[:10], "price_cents": 500,
                "currency": "EUR", "status": "active"}
        r = self.call(self.stack.catalog, "POST", "/api/v1/products", body, token=True)
        self.assertEqual(r.status, 201, r.body)
        got = self.call(self.stack.gateway, "GET", f"/api/v1/products?q={word}")
        self.assertEqual(got.status, 200, got.body)
        self.assertEqual([p["id"] for p in got.json()["data"]], [r.json()["data"]["id"]])


if __name__ == "__main__":
    unittest.main()
