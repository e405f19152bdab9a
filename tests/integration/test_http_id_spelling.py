"""Ids in paths have one spelling (issue 13, finding 4).

`{id:uuid}` accepted upper-case hex and the catalog built its cache keys from the request's
spelling, so after a DELETE the upper-case URL kept serving the product from Redis for an
hour. The router now lower-cases every uuid parameter before any handler (or cache key) sees
it; anything that is not a UUID after percent-decoding matches no route: 404 `not_found`, and
bytes that HTTP does not allow in a request target are a 400 `bad_request` from the server."""

import socket
import unittest
import uuid

from testkit import raw_exchange, request
from .test_catalog_support import CatalogBehindGateway


class IdSpelling(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = CatalogBehindGateway()
        cls.catalog, cls.gateway = cls.stack.catalog, cls.stack.gateway
        cls.store, cls.token = cls.stack.store, cls.stack.token

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def call(self, svc, method, path, body=None):
        h = {"X-Store-ID": self.store}
        if method != "GET":
            h["Authorization"] = "Bearer " + self.token
        return request(svc.url, method, path, body=body, headers=h)

    def create(self, svc):
        body = {"name": "Spelling Lamp", "sku": "SP-" + uuid.uuid4().hex[:10], "price_cents": 1000,
                "currency": "EUR", "status": "active"}
        r = self.call(svc, "POST", "/api/v1/products", body)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["data"]["id"]

    def test_a_deleted_product_is_404_under_every_spelling_of_its_id(self):
        for name, svc in (("catalog", self.catalog), ("gateway", self.gateway)):
            with self.subTest(through=name):
                pid = self.create(svc)
                upper = pid.upper()
                mixed = pid[:9] + pid[9:].upper()
                # Both spellings read the product (and fill every cache tier under their key).
                for spelling in (pid, upper, mixed):
                    r = self.call(svc, "GET", f"/api/v1/products/{spelling}")
                    self.assertEqual(r.status, 200, r.body)
                    self.assertEqual(r.json()["data"]["id"], pid)
                # A write through the upper-case URL acts on the same product.
                r = self.call(svc, "DELETE", f"/api/v1/products/{upper}")
                self.assertEqual(r.status, 204, r.body)
                for spelling in (pid, upper, mixed):
                    r = self.call(svc, "GET", f"/api/v1/products/{spelling}")
                    self.assertEqual(r.status, 404, f"{spelling}: {r.body}")
                    self.assertEqual(r.json()["error"]["code"], "not_found")
                # Percent-encoded hex is the same id once decoded.
                encoded = "".join(f"%{ord(c):02X}" if c in "abcdef" else c for c in pid)
                self.assertEqual(self.call(svc, "GET", f"/api/v1/products/{encoded}").status, 404)
                r = self.call(svc, "POST", f"/api/v1/products/{upper}/restore")
                self.assertEqual(r.status, 200, r.body)
                for spelling in (pid, upper, encoded):
                    r = self.call(svc, "GET", f"/api/v1/products/{spelling}")
                    self.assertEqual(r.status, 200, f"{spelling}: {r.body}")
                    self.assertEqual(r.json()["data"]["id"], pid)

    def test_ids_that_are_not_uuids_match_no_route(self):
        pid = str(uuid.uuid4())
        hostile = [
            pid + "%00",                 # NUL after a valid id
            pid[:-1] + "%00",            # NUL inside the 36 characters
            pid[:-1] + "%0A",            # a line feed
            pid[:-1] + "%1F",            # another control character
            pid[:-1] + "g",              # not hex
            pid[:-1] + "%C3%A9",         # not ASCII
            pid.replace("-", ""),        # no dashes
            "{" + pid + "}",             # braces
            pid + "%2Frestore",          # an encoded slash is part of the segment, not a separator
            "%" + pid[1:],               # a malformed escape
        ]
        for name, svc in (("catalog", self.catalog), ("gateway", self.gateway)):
            for method in ("GET", "PATCH", "DELETE"):
                for bad in hostile:
                    with self.subTest(through=name, method=method, id=bad):
                        r = self.call(svc, method, f"/api/v1/products/{bad}", body={"name": "x"} if method == "PATCH" else None)
                        self.assertEqual(r.status, 404, r.body)
                        self.assertEqual(r.json()["error"]["code"], "not_found")

    def test_raw_control_bytes_in_the_target_are_400_from_the_server(self):
        pid = str(uuid.uuid4())
        for name, svc in (("catalog", self.catalog), ("gateway", self.gateway)):
            for byte in (b"\x00", b"\x01", b"\x7f", b" x"):
                with self.subTest(through=name, byte=byte):
                    out = raw_exchange(svc.port, b"GET /api/v1/products/" + pid[:-1].encode() + byte +
                                       b" HTTP/1.1\r\nHost: x\r\n\r\n")
                    self.assertTrue(out.startswith(b"HTTP/1.1 400 "), out[:200])
                    self.assertIn(b'"code":"bad_request"', out)


if __name__ == "__main__":
    unittest.main()
