"""The product export (GET /api/v1/products/export) through a real gateway, catalog, identity,
PostgreSQL and Redis: the columns and their order, RFC 4180 quoting and the formula defence on
hostile cells, the list's filters and its audience rule (drafts only for the store's members,
never another store's rows), the streamed framing (chunked, no Content-Length, not compressed
or cached by the gateway), 422 for the list's paging parameters, and a download abandoned
halfway that leaves the catalog serving and no statement behind."""

import csv
import io
import json
import re
import socket
import time
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, PsqlSession, new_store
from testkit import Service, request, wait_until

HEADER = ["id", "sku", "name", "slug", "description", "price_cents", "currency", "status", "stock", "category_id",
          "attributes", "images", "updated_at"]


def raw_get(port, path, headers=None, read_limit=None):
    """GET over a socket of its own: (head text, the body's chunk sizes, the decoded body).
    `read_limit`: stop after that many body bytes and close (an abandoned download)."""
    h = {"Host": "127.0.0.1", "Connection": "close", **(headers or {})}
    req = f"GET {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n"
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(req.encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        got = s.recv(65536)
        if not got:
            break
        buf += got
    head, _, rest = buf.partition(b"\r\n\r\n")
    if read_limit is not None:
        while len(rest) < read_limit:
            got = s.recv(65536)
            if not got:
                break
            rest += got
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # a reset
        s.close()
        return head.decode(), [], rest
    while True:
        got = s.recv(65536)
        if not got:
            break
        rest += got
    s.close()
    if "transfer-encoding: chunked" not in head.decode().lower():
        return head.decode(), [], rest
    sizes, body, pos = [], b"", 0
    while True:
        eol = rest.index(b"\r\n", pos)
        size = int(rest[pos:eol], 16)
        sizes.append(size)
        body += rest[eol + 2:eol + 2 + size]
        assert rest[eol + 2 + size:eol + 4 + size] == b"\r\n"
        pos = eol + 4 + size
        if size == 0:
            break
    assert pos == len(rest), "bytes after the last chunk"
    return head.decode(), sizes, body


def parse_csv(body):
    text = body.decode("utf-8")
    # RFC 4180 records end with CRLF; csv reads them with newline=''.
    return list(csv.reader(io.StringIO(text, newline="")))


class ExportApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.catalog = Service("catalog", env={**cls.issuer.env()}, wait_ready=True)
        cls.gateway = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(cls.catalog.port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(cls.issuer.identity.port),
            "RATE_LIMIT_PER_MINUTE": "1000000"}, wait_ready=True)
        cls.store, cls.other = new_store(), new_store()
        cls.editor = cls.issuer.token("editor", store=cls.store)
        cls.viewer = cls.issuer.token("viewer", store=cls.store)
        cls.outsider = cls.issuer.token("viewer", store=cls.other)
        cls.db = PsqlSession()
        cls.category = str(uuid.uuid4())
        cls.db(f"INSERT INTO categories (id, store_id, name, slug) VALUES ('{cls.category}', '{cls.store}', 'Lamps', 'lamps')")
        cls.products = {}
        hostile = [
            ("plain", "Oak table", "A table.", "active"),
            ("comma", "Chair, wooden", "Seats one", "active"),
            ("quote", 'The "best" lamp', 'Says "hi"', "active"),
            ("formula", "=HYPERLINK(\"http://evil\",\"x\")", "+41 79 000", "active"),
            ("minus", "-5 discount", "@SUM(A1)", "active"),
            ("tab", "Tabbed", "\tindented\r\nline two", "active"),
            ("unicode", "Café – 日本 😀", "naïve", "active"),
            ("draft", "Secret draft", "not yet", "draft"),
            ("archived", "Old thing", "gone", "archived"),
        ]
        for key, name, description, status in hostile:
            pid = cls.create(name=name, description=description, status=status,
                             category_id=cls.category if key in ("plain", "comma") else None,
                             images=[{"url": f"https://img.test/{key}/2.jpg"}, {"url": f"https://img.test/{key}/1.jpg"}]
                             if key == "plain" else [],
                             attributes={"color": "red", "size": 2} if key == "plain" else {})
            cls.products[key] = pid
        # Another store's product with a name every search here would find.
        cls.foreign = cls.create(name="Oak table foreign", store=cls.other, token=cls.issuer.token("editor", store=cls.other))

    @classmethod
    def create(cls, store=None, token=None, **fields):
        body = {"sku": "EX-" + uuid.uuid4().hex[:10], "price_cents": 1234, "currency": "EUR"}
        body.update({k: v for k, v in fields.items() if v is not None})
        r = request(cls.gateway.url, "POST", "/api/v1/products", body=body,
                    headers={"Authorization": "Bearer " + (token or cls.editor), "X-Store-ID": store or cls.store})
        assert r.status == 201, r.body
        return r.json()["data"]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        cls.gateway.stop()
        cls.catalog.stop()
        cls.issuer.close()

    def export(self, query="", token=None, store=None, extra=None):
        h = {"X-Store-ID": store or self.store, **(extra or {})}
        if token:
            h["Authorization"] = "Bearer " + token
        return raw_get(self.gateway.port, "/api/v1/products/export" + query, h)

    def rows(self, query="", token=None, store=None):
        head, _, body = self.export(query, token, store)
        self.assertIn("HTTP/1.1 200", head.splitlines()[0], head + body.decode(errors="replace"))
        records = parse_csv(body)
        self.assertEqual(records[0], HEADER)
        return {r[0]: dict(zip(HEADER, r)) for r in records[1:]}

    # ---- the file ----

    def test_columns_values_and_order_by_id(self):
        head, _, body = self.export(token=self.editor)
        records = parse_csv(body)
        self.assertEqual(records[0], HEADER)
        ids = [r[0] for r in records[1:]]
        self.assertEqual(ids, sorted(ids), "ordered by id")
        self.assertEqual(set(ids), set(self.products.values()))
        self.assertTrue(body.endswith(b"\r\n"))
        self.assertNotIn(b"\n", body.replace(b"\r\n", b""))  # CRLF records (and the one CRLF inside a cell)
        plain = {r[0]: dict(zip(HEADER, r)) for r in records[1:]}[self.products["plain"]]
        self.assertEqual(plain["name"], "Oak table")
        self.assertEqual(plain["price_cents"], "1234")
        self.assertEqual(plain["currency"], "EUR")
        self.assertEqual(plain["status"], "active")
        self.assertEqual(plain["category_id"], self.category)
        self.assertEqual(plain["images"], "https://img.test/plain/2.jpg https://img.test/plain/1.jpg")  # position order
        self.assertEqual(json.loads(plain["attributes"]), {"color": "red", "size": 2})
        self.assertRegex(plain["updated_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertRegex(head, re.compile(r"^Content-Type: text/csv; charset=utf-8\r?$", re.M | re.I))

    def test_hostile_cells_are_quoted_and_formulas_defused(self):
        rows = self.rows(token=self.editor)
        p = self.products
        self.assertEqual(rows[p["comma"]]["name"], "Chair, wooden")
        self.assertEqual(rows[p["quote"]]["name"], 'The "best" lamp')
        self.assertEqual(rows[p["formula"]]["name"], "'=HYPERLINK(\"http://evil\",\"x\")")
        self.assertEqual(rows[p["formula"]]["description"], "'+41 79 000")
        self.assertEqual(rows[p["minus"]]["name"], "'-5 discount")
        self.assertEqual(rows[p["minus"]]["description"], "'@SUM(A1)")
        self.assertEqual(rows[p["tab"]]["description"], "'\tindented\r\nline two")
        self.assertEqual(rows[p["unicode"]]["name"], "Café – 日本 😀")
        # The raw bytes: the quoted formula keeps its apostrophe inside the quotes.
        _, _, body = self.export(token=self.editor)
        self.assertIn(b'"\'=HYPERLINK(""http://evil"",""x"")"', body)

    # ---- filters and who reads ----

    def test_filters_are_the_lists(self):
        self.assertEqual(set(self.rows("?status=draft", token=self.editor)), {self.products["draft"]})
        self.assertEqual(set(self.rows("?category_id=" + self.category, token=self.editor)),
                         {self.products["plain"], self.products["comma"]})
        found = self.rows("?q=oak", token=self.editor)
        self.assertEqual(set(found), {self.products["plain"]})
        self.assertNotIn(self.foreign, found)
        # The substring tier, as the list falls back to it when no word matches.
        self.assertEqual(set(self.rows("?q=abbed", token=self.editor)), {self.products["tab"]})
        # sort is accepted (a list's URL works as is) and the file stays in id order.
        ids = list(self.rows("?sort=-price", token=self.editor))
        self.assertEqual(ids, sorted(ids))

    def test_the_same_rows_as_the_list_for_each_reader(self):
        for token in (None, self.viewer, self.outsider, self.editor):
            listed = request(self.gateway.url, "GET", "/api/v1/products?per_page=100",
                             headers={"X-Store-ID": self.store, **({"Authorization": "Bearer " + token} if token else {})})
            self.assertEqual(listed.status, 200, listed.body)
            want = {p["id"] for p in listed.json()["data"]}
            self.assertEqual(set(self.rows(token=token)), want)

    def test_the_public_and_other_stores_never_see_drafts(self):
        public = set(self.rows())
        self.assertNotIn(self.products["draft"], public)
        self.assertNotIn(self.products["archived"], public)
        self.assertEqual(set(self.rows(token=self.outsider)), public)
        # The store's own members see them, as in the list.
        self.assertIn(self.products["draft"], self.rows(token=self.viewer))
        head, _, body = self.export("?status=draft")
        self.assertIn(" 401 ", head.splitlines()[0])
        self.assertIn(b'"auth_required"', body)
        head, _, body = self.export("?status=draft", token=self.outsider)
        self.assertIn(" 403 ", head.splitlines()[0])

    def test_another_stores_products_never_appear(self):
        self.assertNotIn(self.foreign, self.rows(token=self.editor))
        self.assertNotIn(self.foreign, self.rows(token=self.issuer.token("admin")))
        theirs = self.rows(token=self.outsider, store=self.other)
        self.assertEqual(set(theirs), {self.foreign})

    def test_bad_parameters_are_422_and_answered_whole(self):
        for query in ("?cursor=abc", "?limit=10", "?page=2", "?per_page=5", "?status=gone", "?category_id=nope",
                      "?q=ab", "?unknown=1"):
            r = request(self.gateway.url, "GET", "/api/v1/products/export" + query,
                        headers={"X-Store-ID": self.store, "Authorization": "Bearer " + self.editor})
            self.assertEqual(r.status, 422, query + " " + r.body.decode())
            self.assertEqual(r.json()["error"]["code"], "validation_failed", query)
            self.assertIsNotNone(r.header("Content-Length"), "an error is an ordinary answer")

    # ---- framing ----

    def test_streamed_framing_and_headers_through_the_gateway(self):
        head, sizes, body = self.export(token=self.editor, extra={"Accept-Encoding": "gzip, br"})
        lower = head.lower()
        self.assertIn("transfer-encoding: chunked", lower)
        self.assertNotIn("content-length", lower)
        self.assertNotIn("content-encoding", lower, "the gateway does not compress a stream")
        self.assertIn("cache-control: no-store", lower)
        self.assertRegex(head, re.compile(
            r'^Content-Disposition: attachment; filename="products-test-[0-9a-f]{8}-\d{8}T\d{6}Z?\.csv"\r?$', re.M))
        self.assertRegex(head, re.compile(r"^X-Request-ID: \S+", re.M))
        self.assertRegex(head, re.compile(r"^X-Content-Type-Options: nosniff", re.M | re.I))
        self.assertEqual(sizes[-1], 0)
        self.assertTrue(all(s > 0 for s in sizes[:-1]))
        self.assertTrue(body.startswith(",".join(HEADER).encode() + b"\r\n"))

    def test_head_answers_the_head_only(self):
        r = request(self.gateway.url, "HEAD", "/api/v1/products/export",
                    headers={"X-Store-ID": self.store, "Authorization": "Bearer " + self.editor})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("Content-Type"), "text/csv; charset=utf-8")

    def test_an_abandoned_download_leaves_the_catalog_healthy(self):
        big = new_store()
        self.db(f"""INSERT INTO products (id, store_id, name, slug, sku, description, price_cents, currency, status)
                    SELECT gen_random_uuid(), '{big}', 'Bulk item ' || g, 'bulk-' || g, 'BULK-' || g,
                           repeat('words and more words ', 10), 100 + g, 'EUR', 'active'
                      FROM generate_series(1, 30000) g""")
        head, _, part = raw_get(self.gateway.port, "/api/v1/products/export", {"X-Store-ID": big}, read_limit=200_000)
        self.assertIn("HTTP/1.1 200", head)
        self.assertGreater(len(part), 100_000)
        # No export statement is left running or waiting, on the catalog's connections.
        wait_until(lambda: self.db("""SELECT count(*) FROM pg_stat_activity
                                       WHERE query LIKE '%string_agg(i.url%' AND state <> 'idle'
                                         AND pid <> pg_backend_pid()""") == "0", timeout=10)
        r = request(self.gateway.url, "GET", "/api/v1/products?per_page=1", headers={"X-Store-ID": big})
        self.assertEqual(r.status, 200, r.body)
        # And a whole export of that store still comes through, every row once.
        _, _, body = raw_get(self.gateway.port, "/api/v1/products/export", {"X-Store-ID": big})
        records = parse_csv(body)
        self.assertEqual(len(records), 30001)
        self.assertEqual(len({r[0] for r in records[1:]}), 30000)


if __name__ == "__main__":
    unittest.main()
