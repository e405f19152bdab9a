"""Response compression at the gateway (services/gateway/compression.hpp), through a real
gateway in front of a real catalog and identity: a list page comes back gzip- or br-coded when
the client accepts it and decodes to the plain answer's JSON, with Vary and a coded ETag that
conditional requests (If-None-Match on a GET, If-Match on a PATCH) still understand; token
answers are never compressed (BREACH); a compressed request body is refused."""

import gzip
import json
import unittest
import uuid

from testkit import request
from .test_catalog_support import CatalogBehindGateway

# Low enough that a product's answer is coded too, and that the login answer (~1 KiB of
# tokens) is above it: its being plain is then the secrets rule, not its size.
MIN_BYTES = 512


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


if __name__ == "__main__":
    unittest.main()
