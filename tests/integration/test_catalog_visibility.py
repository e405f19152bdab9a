"""Who sees which products (issue 13, finding 5): anonymous readers and members of other stores
see a store's `active` products only, whatever X-Store-ID they send; the store's own members
(any role whose token names that store) and admins see drafts and archived products too, and
only they may filter by those statuses. Checked on every read (v1 and v2 lists, detail, search,
category filter) through the real cache: two catalog instances sharing Redis, each read
repeated so that L1 and Redis answer it, in both orders (a member first, then an anonymous
reader, and the other way round), so a cached page can never carry one audience's answer to
the other."""

import unittest
import uuid

from .test_catalog_support import IdentityIssuer, new_store
from testkit import Service, request


class DraftsArePrivate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        env = {**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "visibility"}
        cls.a = Service("catalog", env=env, wait_ready=True)
        cls.b = Service("catalog", env=env, wait_ready=True)
        cls.store, cls.other_store = new_store(), new_store()
        cls.tokens = {
            "anonymous": None,
            "viewer": cls.issuer.token("viewer", store=cls.store),
            "editor": cls.issuer.token("editor", store=cls.store),
            "admin": cls.issuer.token("admin"),
            "other_viewer": cls.issuer.token("viewer", store=cls.other_store),
            "other_editor": cls.issuer.token("editor", store=cls.other_store),
        }
        editor = cls.tokens["editor"]
        cls.category = cls.call(cls.a, "POST", "/api/v1/categories", {"name": "Visibility"}, editor).json()["data"]
        cls.products = {}
        for status in ("active", "draft", "archived"):
            r = cls.call(cls.a, "POST", "/api/v1/products",
                         {"name": f"Secret {status} lamp", "sku": f"VIS-{status}-{uuid.uuid4().hex[:6]}",
                          "price_cents": 123, "currency": "EUR", "status": status, "stock": 7,
                          "category_id": cls.category["id"]}, editor)
            assert r.status == 201, r.body
            cls.products[status] = r.json()["data"]["id"]

    @classmethod
    def tearDownClass(cls):
        cls.a.stop()
        cls.b.stop()
        cls.issuer.close()

    @classmethod
    def call(cls, svc, method, path, body=None, token=None):
        h = {"X-Store-ID": cls.store}
        if token:
            h["Authorization"] = "Bearer " + token
        return request(svc.url, method, path, body=body, headers=h)

    LISTS = ["/api/v1/products?per_page=100", "/api/v2/products?limit=100", "/api/v1/products?per_page=100&q=secret",
             "/api/v2/products?limit=100&q=lamp&sort=name", "/api/v1/products?per_page=100&category_id={cat}",
             "/api/v2/products?limit=100&category_id={cat}&sort=price"]

    def visible(self, who, path):
        """The product ids `who` gets from `path`, asked on both instances twice (L1 and Redis)."""
        seen = set()
        for svc in (self.a, self.b, self.a, self.b):
            r = self.call(svc, "GET", path.format(cat=self.category["id"]), token=self.tokens[who])
            self.assertEqual(r.status, 200, (who, path, r.body))
            got = {p["id"] for p in r.json()["data"]}
            if r.json()["meta"].get("total_items") is not None:
                self.assertEqual(r.json()["meta"]["total_items"], len(got), (who, path))
            seen.add(frozenset(got))
        self.assertEqual(len(seen), 1, (who, path, seen))
        return set(next(iter(seen)))

    def expected(self, who):
        if who in ("viewer", "editor", "admin"):
            return set(self.products.values())
        return {self.products["active"]}

    def test_lists_and_searches_show_drafts_only_to_the_stores_members_in_either_order(self):
        orders = [["viewer", "anonymous", "other_viewer", "admin", "other_editor", "editor"],
                  ["anonymous", "editor", "other_editor", "viewer", "other_viewer", "admin"]]
        for n, order in enumerate(orders):
            if n:  # a write drops every cached page, so the second order starts cold too
                r = self.call(self.a, "PATCH", f"/api/v1/products/{self.products['active']}", {"stock": 8},
                              self.tokens["editor"])
                self.assertEqual(r.status, 200, r.body)
            for path in self.LISTS:
                for who in order:
                    with self.subTest(order=n, path=path, who=who):
                        self.assertEqual(self.visible(who, path), self.expected(who))

    def test_detail_of_a_draft_or_archived_product_is_404_outside_the_store(self):
        for status, pid in self.products.items():
            for who in ("editor", "anonymous", "other_editor", "viewer", "other_viewer", "admin"):
                with self.subTest(status=status, who=who):
                    for svc in (self.a, self.b, self.a, self.b):
                        r = self.call(svc, "GET", f"/api/v1/products/{pid}", token=self.tokens[who])
                        if pid in self.expected(who):
                            self.assertEqual(r.status, 200, r.body)
                            self.assertEqual(r.json()["data"]["status"], status)
                        else:
                            self.assertEqual((r.status, r.json()["error"]["code"]), (404, "not_found"), r.body)

    def test_a_product_leaving_active_disappears_for_the_public_at_once(self):
        r = self.call(self.a, "POST", "/api/v1/products",
                      {"name": "Soon hidden lamp", "sku": "VIS-H-" + uuid.uuid4().hex[:6], "price_cents": 1,
                       "currency": "EUR", "status": "active"}, self.tokens["editor"])
        self.assertEqual(r.status, 201, r.body)
        pid = r.json()["data"]["id"]
        for path in (f"/api/v1/products/{pid}", "/api/v1/products?per_page=100"):
            for svc in (self.a, self.b, self.a, self.b):
                self.assertEqual(self.call(svc, "GET", path).status, 200)
        self.assertEqual(self.call(self.a, "PATCH", f"/api/v1/products/{pid}", {"status": "draft"},
                                   self.tokens["editor"]).status, 200)
        for svc in (self.b, self.a):
            self.assertEqual(self.call(svc, "GET", f"/api/v1/products/{pid}").status, 404)
            ids = {p["id"] for p in self.call(svc, "GET", "/api/v1/products?per_page=100").json()["data"]}
            self.assertNotIn(pid, ids)
            self.assertEqual(self.call(svc, "GET", f"/api/v1/products/{pid}", token=self.tokens["viewer"]).status, 200)
        self.call(self.a, "DELETE", f"/api/v1/products/{pid}", token=self.tokens["editor"])

    def test_category_product_counts_count_drafts_only_for_members(self):
        """A category's product_count must not tell the public how many unpublished products
        it holds: active ones for the public, all live ones for members, cached or not."""
        cat = self.category["id"]
        for order in (["viewer", "anonymous", "other_editor", "admin"], ["anonymous", "editor", "other_viewer"]):
            for who in order:
                for svc in (self.a, self.b, self.a, self.b):
                    with self.subTest(who=who, svc=svc.port):
                        want = 3 if who in ("viewer", "editor", "admin") else 1
                        r = self.call(svc, "GET", f"/api/v1/categories/{cat}", token=self.tokens[who])
                        self.assertEqual((r.status, r.json()["data"]["product_count"]), (200, want), r.body)
                        listed = {c["id"]: c["product_count"] for c in
                                  self.call(svc, "GET", "/api/v1/categories", token=self.tokens[who]).json()["data"]}
                        self.assertEqual(listed[cat], want)

    def test_only_members_may_filter_by_draft_or_archived(self):
        for status in ("draft", "archived"):
            for version, path in (("v1", f"/api/v1/products?status={status}"),
                                  ("v2", f"/api/v2/products?status={status}")):
                with self.subTest(status=status, version=version):
                    r = self.call(self.a, "GET", path)
                    self.assertEqual((r.status, r.json()["error"]["code"]), (401, "auth_required"), r.body)
                    for who in ("other_viewer", "other_editor"):
                        r = self.call(self.a, "GET", path, token=self.tokens[who])
                        self.assertEqual((r.status, r.json()["error"]["code"]), (403, "forbidden"), r.body)
                    for who in ("viewer", "editor", "admin"):
                        r = self.call(self.a, "GET", path, token=self.tokens[who])
                        self.assertEqual(r.status, 200, r.body)
                        self.assertEqual([p["id"] for p in r.json()["data"]], [self.products[status]])
        for who in self.tokens:
            r = self.call(self.a, "GET", "/api/v1/products?status=active", token=self.tokens[who])
            self.assertEqual([p["id"] for p in r.json()["data"]], [self.products["active"]], who)

    def test_a_public_v2_cursor_pages_through_active_products_only(self):
        store = new_store()
        admin = self.tokens["admin"]
        made = []
        for i in range(6):
            status = "active" if i % 2 else "draft"
            r = request(self.a.url, "POST", "/api/v1/products",
                        body={"name": f"Paged {i}", "sku": f"PG-{i}", "price_cents": i, "currency": "EUR",
                              "status": status}, headers={"X-Store-ID": store, "Authorization": "Bearer " + admin})
            self.assertEqual(r.status, 201, r.body)
            made.append((r.json()["data"]["id"], status))
        seen, cursor = [], None
        while True:
            path = "/api/v2/products?limit=1&sort=price" + (f"&cursor={cursor}" if cursor else "")
            body = request(self.b.url, "GET", path, headers={"X-Store-ID": store}).json()
            seen += [p["id"] for p in body["data"]]
            cursor = body["meta"]["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, [pid for pid, status in made if status == "active"])


if __name__ == "__main__":
    unittest.main()
