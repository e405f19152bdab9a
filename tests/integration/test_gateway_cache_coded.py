"""The gateway's response cache keeps coded bodies (issue 15, "cached bytes stored compressed
once"), against a real gateway, catalog, identity, PostgreSQL and Redis: a list page stored in
the gateway's cache is answered to a gzip or br client from bytes coded once when it was
stored, which decode to the plain answer; hits code nothing (gateway_compressions_total stays
flat); and a write's purge drops every variant at once."""

import gzip
import json
import unittest
import uuid

from testkit import request, wait_until
from .test_catalog_support import CatalogBehindGateway, metric

PATH = "/api/v1/products?per_page=50"


class GatewayCacheCoded(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The defaults: the response cache on, COMPRESS_MIN_BYTES 1 KiB (the page is ~5 KiB).
        cls.stack = CatalogBehindGateway()
        cls.gw, cls.store, cls.token = cls.stack.gateway, cls.stack.store, cls.stack.token
        cls.ids = [cls.create(i) for i in range(8)]

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    @classmethod
    def call(cls, method, path, body=None, headers=None, token=False):
        h = {"X-Store-ID": cls.store, **(headers or {})}
        if token:
            h["Authorization"] = "Bearer " + cls.token
        return request(cls.gw.url, method, path, body=body, headers=h)

    @classmethod
    def create(cls, i):
        body = {"name": f"Coded Kettle {i}", "sku": "GC-" + uuid.uuid4().hex[:10], "price_cents": 2500 + i,
                "currency": "EUR", "status": "active", "stock": i,
                "description": "A kettle of enamelled steel for gas, electric and induction hobs. " * 4}
        r = cls.call("POST", "/api/v1/products", body, token=True)
        assert r.status == 201, r.body
        return r.json()["data"]["id"]

    def get(self, accept=None, **kw):
        return self.call("GET", PATH, headers={"Accept-Encoding": accept} if accept else None, **kw)

    def warm(self, accept=None):
        """Reads the page until the gateway answers it from its cache (a write's first second
        is never stored), and returns that hit."""
        hits = []
        wait_until(lambda: hits.append(self.get(accept)) or hits[-1].header("X-Cache") == "hit", timeout=30)
        return hits[-1]

    def codings(self):
        return {(c, by): metric(self.gw, "gateway_compressions_total", {"coding": c, "by": by})
                for c in ("gzip", "br") for by in ("middleware", "cache")}

    def vary(self, r):
        return [v.strip().lower() for k, val in r.headers if k.lower() == "vary" for v in val.split(",")]

    def test_a_gzip_hit_is_the_stored_coded_page_and_codes_nothing(self):
        plain = self.warm()
        self.assertGreater(len(plain.body), 1024)
        self.assertIsNone(plain.header("Content-Encoding"))
        before = self.codings()
        hits_before = metric(self.gw, "gateway_cache_hits_total", {})
        answers = [self.get("gzip") for _ in range(5)]
        br = [self.get("gzip;q=0.5, br") for _ in range(3)]
        self.assertEqual(metric(self.gw, "gateway_cache_hits_total", {}) - hits_before, 8)
        self.assertEqual(self.codings(), before, "a cache hit coded the page again")
        for r in answers:
            self.assertEqual((r.status, r.header("X-Cache"), r.header("Content-Encoding")), (200, "hit", "gzip"))
            self.assertEqual(r.body, answers[0].body)  # the same stored bytes every time
            self.assertEqual(gzip.decompress(r.body), plain.body)
            self.assertEqual(int(r.header("Content-Length")), len(r.body))
            self.assertEqual(r.header("ETag"), plain.header("ETag")[:-1] + '-gzip"')
            self.assertIn("accept-encoding", self.vary(r))
        self.assertEqual(json.loads(gzip.decompress(answers[0].body)), plain.json())
        for r in br:
            self.assertEqual((r.status, r.header("X-Cache"), r.header("Content-Encoding")), (200, "hit", "br"))
            self.assertEqual(r.body, br[0].body)
            self.assertLess(len(r.body), len(plain.body) // 2)
            self.assertEqual(r.header("ETag"), plain.header("ETag")[:-1] + '-br"')
        self.assertIn("accept-encoding", self.vary(plain))
        # The coded tag revalidates from the entry: a 304 that gives the coded tag back.
        nm = self.call("GET", PATH, headers={"Accept-Encoding": "gzip", "If-None-Match": answers[0].header("ETag")})
        self.assertEqual((nm.status, nm.header("X-Cache"), nm.body), (304, "hit", b""))
        self.assertEqual(nm.header("ETag"), answers[0].header("ETag"))
        # HEAD from the entry: the plain representation's headers, as the middleware answers one.
        head = request(self.gw.url, "HEAD", PATH, headers={"X-Store-ID": self.store, "Accept-Encoding": "gzip"})
        self.assertEqual((head.status, head.header("X-Cache"), head.header("Content-Encoding")), (200, "hit", None))

    def test_a_write_purges_the_plain_and_every_coded_variant(self):
        self.warm()
        old_gzip = self.warm("gzip")
        old_br = self.warm("br")
        self.assertEqual(old_gzip.header("Content-Encoding"), "gzip")
        self.assertEqual(old_br.header("Content-Encoding"), "br")
        renamed = "Coded Kettle Renamed " + uuid.uuid4().hex[:6]
        r = self.call("PATCH", f"/api/v1/products/{self.ids[0]}", {"name": renamed}, token=True)
        self.assertEqual(r.status, 200, r.body)
        # Right after the write: no variant is served from the cache, and each shows the write.
        gz = self.get("gzip")
        self.assertNotEqual(gz.header("X-Cache"), "hit")
        self.assertEqual(gz.header("Content-Encoding"), "gzip")
        self.assertIn(renamed, [p["name"] for p in json.loads(gzip.decompress(gz.body))["data"]])
        brr = self.get("br")
        self.assertNotEqual(brr.header("X-Cache"), "hit")
        self.assertEqual(brr.header("Content-Encoding"), "br")
        self.assertNotEqual(brr.body, old_br.body)
        plain = self.get()
        self.assertNotEqual(plain.header("X-Cache"), "hit")
        self.assertIn(renamed, [p["name"] for p in plain.json()["data"]])
        # Stored again once settled: the new gzip variant decodes to the new plain page.
        new_plain = self.warm()
        new_gzip = self.warm("gzip")
        self.assertEqual(gzip.decompress(new_gzip.body), new_plain.body)
        self.assertIn(renamed, [p["name"] for p in new_plain.json()["data"]])


if __name__ == "__main__":
    unittest.main()
