"""Response compression at the gateway (services/gateway/compression.hpp), through a real
gateway in front of a real catalog and identity: a list page comes back gzip- or br-coded when
the client accepts it and decodes to the plain answer's JSON, with Vary and a coded ETag that
conditional requests (If-None-Match on a GET, If-Match on a PATCH) still understand; token
answers are never compressed (BREACH); a compressed request body is refused. A page in the
gateway's response cache is answered to gzip and br clients from bytes coded once when it was
stored: hits code nothing (gateway_compressions_total stays flat), and a write's purge drops
every coding."""

import gzip
import json
import unittest
import uuid

from testkit import request, wait_until
from .test_catalog_support import CatalogBehindGateway, metric

# Low enough that a product's answer is coded too, and that the login answer (~1 KiB of
# tokens) is above it: its being plain is then the secrets rule, not its size.
MIN_BYTES = 512
# A list page no other test reads, for the response cache's coded bodies.
CACHED_PAGE = "/api/v1/products?per_page=50"


class GatewayCompression(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = CatalogBehindGateway(gateway_env={"COMPRESS_MIN_BYTES": str(MIN_BYTES)})
        cls.gw, cls.store, cls.token = cls.stack.gateway, cls.stack.store, cls.stack.token
        cls.ids = [cls.create(i) for i in range(12)]

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
        body = {"name": f"Enamel Kettle {i}", "sku": "GZ-" + uuid.uuid4().hex[:10], "price_cents": 2500 + i,
                "currency": "EUR", "status": "active", "stock": i,
                "description": "A kettle of enamelled steel for gas, electric and induction hobs. " * 8}
        r = cls.call("POST", "/api/v1/products", body, token=True)
        assert r.status == 201, r.body
        return r.json()["data"]["id"]

    def vary(self, r):
        return [v.strip().lower() for k, val in r.headers if k.lower() == "vary" for v in val.split(",")]

    def test_a_list_page_comes_back_gzipped_and_decodes_to_the_plain_answer(self):
        path = "/api/v1/products?per_page=10"
        plain = self.call("GET", path)
        coded = self.call("GET", path, headers={"Accept-Encoding": "gzip"})
        self.assertEqual(plain.status, 200, plain.body)
        self.assertEqual(coded.status, 200, coded.body)
        self.assertGreaterEqual(len(plain.body), MIN_BYTES)
        self.assertIsNone(plain.header("Content-Encoding"))
        self.assertEqual(coded.header("Content-Encoding"), "gzip")
        self.assertEqual(coded.header("Content-Type"), plain.header("Content-Type"))
        self.assertEqual(int(coded.header("Content-Length")), len(coded.body))
        self.assertLess(len(coded.body), len(plain.body) // 2)
        self.assertEqual(json.loads(gzip.decompress(coded.body)), plain.json())
        self.assertEqual(len(plain.json()["data"]), 10)
        # Both variants say they vary, so no shared cache hands one to the other's client.
        self.assertIn("accept-encoding", self.vary(coded))
        self.assertIn("accept-encoding", self.vary(plain))
        self.assertIn("origin", self.vary(coded))  # CORS's Vary is kept
        # A different representation, a different strong ETag.
        self.assertEqual(coded.header("ETag"), plain.header("ETag")[:-1] + '-gzip"')

    def test_br_when_the_client_prefers_it_and_garbage_gets_the_plain_answer(self):
        path = "/api/v1/products?per_page=10"
        plain = self.call("GET", path)
        r = self.call("GET", path, headers={"Accept-Encoding": "gzip;q=0.5, br"})
        self.assertEqual(r.header("Content-Encoding"), "br")
        self.assertLess(len(r.body), len(plain.body) // 2)
        for value in ("gzip;q=7", "gzip br", "identity;q=1, gzip;q=0.1", "deflate", "x" * 8000):
            with self.subTest(accept_encoding=value[:20]):
                r = self.call("GET", path, headers={"Accept-Encoding": value})
                self.assertEqual(r.status, 200, r.body)
                self.assertIsNone(r.header("Content-Encoding"))
                self.assertEqual(r.json(), plain.json())

    def test_head_is_never_coded(self):
        r = self.call("HEAD", "/api/v1/products?per_page=10", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Content-Encoding"))

    def test_the_coded_etag_works_in_if_none_match_and_if_match(self):
        pid = self.ids[0]
        got = self.call("GET", f"/api/v1/products/{pid}", headers={"Accept-Encoding": "gzip"})
        self.assertEqual(got.header("Content-Encoding"), "gzip", got.headers)
        etag = got.header("ETag")
        self.assertTrue(etag.endswith('-gzip"'), etag)
        # Revalidation: a 304 naming the tag the client holds.
        r = self.call("GET", f"/api/v1/products/{pid}", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
        self.assertEqual(r.status, 304, r.body)
        self.assertEqual(r.header("ETag"), etag)
        self.assertIn("accept-encoding", self.vary(r))
        # A write conditional on the coded tag goes through, once; the old tag then fails.
        r = self.call("PATCH", f"/api/v1/products/{pid}", {"stock": 99}, headers={"If-Match": etag}, token=True)
        self.assertEqual(r.status, 200, r.body)
        r = self.call("PATCH", f"/api/v1/products/{pid}", {"stock": 98}, headers={"If-Match": etag}, token=True)
        self.assertEqual(r.status, 412, r.body)
        # A write answer's tag, coded, is accepted too (it names no representation hash).
        pid = self.ids[1]
        w = self.call("PATCH", f"/api/v1/products/{pid}", {"stock": 7}, headers={"Accept-Encoding": "gzip"}, token=True)
        self.assertEqual(w.status, 200, w.body)
        self.assertEqual(w.header("Content-Encoding"), "gzip")
        self.assertTrue(w.header("ETag").endswith('-gzip"'), w.header("ETag"))
        r = self.call("PATCH", f"/api/v1/products/{pid}", {"stock": 8}, headers={"If-Match": w.header("ETag")}, token=True)
        self.assertEqual(r.status, 200, r.body)

    def test_token_answers_are_never_compressed(self):
        email, password = self.stack.issuer.user("editor", self.store)
        # Tokens in the body and no cookie: the path alone keeps it plain.
        login = request(self.gw.url, "POST", "/api/v1/auth/login",
                        {"email": email, "password": password, "refresh_token_delivery": "body"},
                        headers={"Accept-Encoding": "gzip, br"})
        self.assertEqual(login.status, 200, login.body)
        self.assertIsNone(login.header("Set-Cookie"))
        self.assertIn("refresh_token", login.json()["data"])
        self.assertGreaterEqual(len(login.body), MIN_BYTES)  # large enough: plain because of what it holds
        self.assertIsNone(login.header("Content-Encoding"))
        self.assertNotIn("accept-encoding", self.vary(login))
        self.assertIn("access_token", login.json()["data"])
        me = request(self.gw.url, "GET", "/api/v1/auth/me", headers={
            "Accept-Encoding": "gzip", "Authorization": "Bearer " + login.json()["data"]["access_token"]})
        self.assertEqual(me.status, 200, me.body)
        self.assertIsNone(me.header("Content-Encoding"))

    def test_a_compressed_request_body_is_refused_and_changes_nothing(self):
        body = gzip.compress(json.dumps({"name": "Zipped", "sku": "GZ-BOMB", "price_cents": 1,
                                         "currency": "EUR"}).encode())
        before = self.call("GET", "/api/v1/products?per_page=100").json()["meta"]
        r = self.call("POST", "/api/v1/products", body, headers={"Content-Encoding": "gzip"}, token=True)
        self.assertEqual(r.status, 415, r.body)
        self.assertEqual(r.json()["error"]["code"], "unsupported_media_type")
        self.assertEqual(r.header("Accept-Encoding"), "identity")
        self.assertEqual(self.call("GET", "/api/v1/products?per_page=100").json()["meta"], before)

    # ---- coded bodies from the gateway's response cache (docs/http-caching.md) ----

    def get(self, accept=None):
        return self.call("GET", CACHED_PAGE, headers={"Accept-Encoding": accept} if accept else None)

    def warm(self, accept=None):
        """Reads the page until the gateway answers it from its cache (a write's first second
        is never stored), and returns that hit."""
        hits = []
        wait_until(lambda: hits.append(self.get(accept)) or hits[-1].header("X-Cache") == "hit", timeout=30)
        return hits[-1]

    def codings(self):
        return {(c, by): metric(self.gw, "gateway_compressions_total", {"coding": c, "by": by})
                for c in ("gzip", "br") for by in ("middleware", "cache")}

    def test_a_cache_hit_is_the_coded_page_stored_with_it_and_codes_nothing(self):
        plain = self.warm()
        self.assertGreater(len(plain.body), MIN_BYTES)
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
        nm = self.call("GET", CACHED_PAGE, headers={"Accept-Encoding": "gzip", "If-None-Match": answers[0].header("ETag")})
        self.assertEqual((nm.status, nm.header("X-Cache"), nm.body), (304, "hit", b""))
        self.assertEqual(nm.header("ETag"), answers[0].header("ETag"))
        # HEAD from the entry: the plain representation's headers, as the middleware answers one.
        head = request(self.gw.url, "HEAD", CACHED_PAGE, headers={"X-Store-ID": self.store, "Accept-Encoding": "gzip"})
        self.assertEqual((head.status, head.header("X-Cache"), head.header("Content-Encoding")), (200, "hit", None))

    def test_a_write_purges_the_cached_page_in_every_coding(self):
        self.warm()
        old_gzip = self.warm("gzip")
        old_br = self.warm("br")
        self.assertEqual(old_gzip.header("Content-Encoding"), "gzip")
        self.assertEqual(old_br.header("Content-Encoding"), "br")
        renamed = "Coded Kettle Renamed " + uuid.uuid4().hex[:6]
        r = self.call("PATCH", f"/api/v1/products/{self.ids[-1]}", {"name": renamed}, token=True)
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
