"""The catalog's HTTP API against a real catalog process and PostgreSQL: every endpoint's
success, validation, auth, not-found and conflict answers, optimistic concurrency, soft delete
and restore, v2 cursors, the audit trail, and the number of statements a page costs."""

import json
import threading
import urllib.parse
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, PsqlSession, metric, new_store, psql, store_fingerprint
from testkit import Service, raw_exchange, request, wait_until

DEFAULT_STORE = "00000000-0000-7000-8000-000000000001"


class CatalogApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.svc = Service("catalog", env={**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "test-secret-1"},
                          wait_ready=True)
        cls.store = new_store()
        cls.editor = cls.issuer.token("editor", store=cls.store)
        cls.admin = cls.issuer.token("admin")
        cls.viewer = cls.issuer.token("viewer", store=cls.store)
        cls.category = cls.call("POST", "/api/v1/categories", {"name": "Kitchen Things"}, token=cls.editor).json()["data"]

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.issuer.close()

    # ---- helpers ----

    @classmethod
    def call(cls, method, path, body=None, token=None, store=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        h["X-Store-ID"] = store or cls.store
        return request(cls.svc.url, method, path, body=body, headers=h)

    def product(self, **over):
        body = {"name": "Walnut Desk Lamp", "sku": "SKU-" + uuid.uuid4().hex[:10], "price_cents": 4999,
                "currency": "EUR", "status": "active", "stock": 5, "category_id": self.category["id"],
                "attributes": {"color": "brown"}, "images": [{"url": "https://cdn.example/1.jpg", "alt_text": "front"}]}
        body.update(over)
        r = self.call("POST", "/api/v1/products", body, token=self.editor)
        self.assertEqual(r.status, 201, r.body)
        return r

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.body)
        body = r.json()
        self.assertIs(body["success"], False)
        self.assertEqual(body["error"]["code"], code, body)
        return body["error"]

    # ---- products: create and read ----

    def test_create_returns_201_location_etag_and_is_readable(self):
        r = self.product()
        p = r.json()["data"]
        self.assertEqual(r.header("Location"), f"/api/v1/products/{p['id']}")
        self.assertEqual(r.header("ETag"), f'"{p["id"]}.1"')
        self.assertEqual(p["price_cents"], 4999)
        self.assertEqual(p["category"], {"id": self.category["id"], "name": "Kitchen Things"})
        self.assertEqual(p["images"][0]["url"], "https://cdn.example/1.jpg")
        self.assertTrue(p["slug"].startswith("walnut-desk-lamp-"))
        got = self.call("GET", f"/api/v1/products/{p['id']}")
        self.assertEqual(got.status, 200)
        self.assertEqual(got.json()["data"], p)
        # A GET's ETag is the write's "<id>.<version>" plus a hash of the bytes (for If-None-Match);
        # If-Match accepts either form by its version.
        self.assertTrue(got.header("ETag").startswith(r.header("ETag")[:-1] + "."), got.header("ETag"))

    def test_product_of_another_store_is_not_found(self):
        p = self.product().json()["data"]
        self.assert_error(self.call("GET", f"/api/v1/products/{p['id']}", store=DEFAULT_STORE), 404, "not_found")

    def test_unknown_and_malformed_ids_are_404(self):
        self.assert_error(self.call("GET", f"/api/v1/products/{uuid.uuid4()}"), 404, "not_found")
        self.assert_error(self.call("GET", "/api/v1/products/not-a-uuid"), 404, "not_found")
        self.assert_error(self.call("GET", "/api/v1/products/x", store="nope"), 404, "not_found")
        self.assert_error(self.call("GET", "/api/v1/products", store="not-a-uuid"), 400, "bad_request")

    def test_validation_reports_every_bad_field_at_once(self):
        before = store_fingerprint(self.store)
        r = self.call("POST", "/api/v1/products", {"name": "", "sku": "bad sku!", "price_cents": -1,
                                                   "currency": "euro", "status": "gone", "stock": 1.5,
                                                   "category_id": "x", "attributes": [1], "colour": "red",
                                                   "images": [{"url": "ftp://x", "extra": 1}]}, token=self.editor)
        err = self.assert_error(r, 422, "validation_failed")
        fields = {d["field"] for d in err["details"]}
        self.assertEqual(fields, {"name", "sku", "price_cents", "currency", "status", "stock", "category_id",
                                  "attributes", "colour", "images[0].url", "images[0].extra"})
        self.assertEqual(store_fingerprint(self.store), before)

    def test_missing_required_fields_are_each_reported(self):
        err = self.assert_error(self.call("POST", "/api/v1/products", {}, token=self.editor), 422, "validation_failed")
        self.assertEqual({d["field"] for d in err["details"]}, {"name", "sku", "price_cents", "currency"})

    def test_money_is_only_an_integer(self):
        for price in (19.99, "1999", 1e3, 2**63, True, None):
            with self.subTest(price=price):
                body = {"name": "X", "sku": "S-1", "price_cents": price, "currency": "EUR"}
                err = self.assert_error(self.call("POST", "/api/v1/products", body, token=self.editor), 422,
                                        "validation_failed")
                self.assertEqual([d["field"] for d in err["details"]], ["price_cents"])

    def test_duplicate_sku_is_409_naming_the_field(self):
        p = self.product().json()["data"]
        err = self.assert_error(self.call("POST", "/api/v1/products",
                                          {"name": "Other", "sku": p["sku"], "price_cents": 1, "currency": "EUR"},
                                          token=self.editor), 409, "conflict")
        self.assertEqual([d["field"] for d in err["details"]], ["sku"])

    def test_unknown_category_is_422(self):
        err = self.assert_error(self.call("POST", "/api/v1/products", {"name": "X", "sku": "S-2", "price_cents": 1,
                                                                        "currency": "EUR",
                                                                        "category_id": str(uuid.uuid4())},
                                          token=self.editor), 422, "validation_failed")
        self.assertEqual(err["details"][0]["field"], "category_id")

    def test_a_category_of_another_store_is_422_on_create_and_patch_and_lists_nothing(self):
        """Issue 13, item 3: a category id is only meaningful inside its own store. Using
        another store's category is refused exactly like an unknown one (422, field
        category_id: the answer does not say whether it exists elsewhere), nothing is written,
        and filtering a list by it shows none of the other store's products."""
        other = new_store()
        admin = self.admin
        foreign = self.call("POST", "/api/v1/categories", {"name": "Foreign"}, token=admin, store=other).json()["data"]
        r = self.call("POST", "/api/v1/products", {"name": "Foreign Lamp", "sku": "F-1", "price_cents": 1,
                                                   "currency": "EUR", "status": "active",
                                                   "category_id": foreign["id"]}, token=admin, store=other)
        self.assertEqual(r.status, 201, r.body)
        p = self.product().json()["data"]
        before = store_fingerprint(self.store), store_fingerprint(other)
        for token in (self.editor, self.admin):
            err = self.assert_error(self.call("POST", "/api/v1/products",
                                              {"name": "X", "sku": "F-2", "price_cents": 1, "currency": "EUR",
                                               "category_id": foreign["id"]}, token=token), 422, "validation_failed")
            self.assertEqual(err["details"], [{"field": "category_id", "message": "no such category in this store"}])
            err = self.assert_error(self.call("PATCH", f"/api/v1/products/{p['id']}", {"category_id": foreign["id"]},
                                              token=token), 422, "validation_failed")
            self.assertEqual(err["details"], [{"field": "category_id", "message": "no such category in this store"}])
        self.assertEqual((store_fingerprint(self.store), store_fingerprint(other)), before)
        for who in (None, self.viewer, self.editor, self.admin):
            for path in (f"/api/v1/products?category_id={foreign['id']}", f"/api/v2/products?category_id={foreign['id']}"):
                r = self.call("GET", path, token=who)
                self.assertEqual((r.status, r.json()["data"]), (200, []), (path, r.body))
            self.assert_error(self.call("GET", f"/api/v1/categories/{foreign['id']}", token=who), 404, "not_found")
        meta = self.call("GET", f"/api/v1/products?category_id={foreign['id']}", token=self.admin).json()["meta"]
        self.assertEqual(meta["total_items"], 0)

    def test_body_must_be_json_object_of_json_type(self):
        self.assert_error(self.call("POST", "/api/v1/products", b"{not json", token=self.editor), 400, "bad_request")
        self.assert_error(self.call("POST", "/api/v1/products", [1, 2], token=self.editor), 422, "validation_failed")
        self.assert_error(self.call("POST", "/api/v1/products", b'{"name": "\xff"}', token=self.editor), 400,
                          "bad_request")
        self.assert_error(self.call("POST", "/api/v1/products", b"name=x", token=self.editor,
                                    headers={"Content-Type": "application/x-www-form-urlencoded"}),
                          415, "unsupported_media_type")

    # ---- auth ----

    def test_writes_need_a_valid_token_with_editor_role(self):
        body = {"name": "X", "sku": "S-3", "price_cents": 1, "currency": "EUR"}
        before = store_fingerprint(self.store)
        self.assert_error(self.call("POST", "/api/v1/products", body), 401, "auth_required")
        self.assert_error(self.call("POST", "/api/v1/products", body, token="abc.def.ghi"), 401, "invalid_token")
        self.assert_error(self.call("POST", "/api/v1/products", body, token=self.issuer.token(ttl=-120)), 401,
                          "token_expired")
        self.assert_error(self.call("POST", "/api/v1/products", body,
                                    token=self.issuer.token(issuer="someone-else")), 401, "invalid_token")
        self.assert_error(self.call("POST", "/api/v1/products", body, token=self.viewer), 403, "forbidden")
        # An editor of another store may not write here; an admin may write anywhere.
        self.assert_error(self.call("POST", "/api/v1/products", body, token=self.issuer.token("editor")), 403,
                          "forbidden")
        self.assertEqual(store_fingerprint(self.store), before)
        self.assertEqual(self.call("POST", "/api/v1/products", body, token=self.admin).status, 201)

    def test_public_reads_need_no_token(self):
        self.assertEqual(self.call("GET", "/api/v1/products").status, 200)
        self.assertEqual(self.call("GET", "/api/v2/products").status, 200)
        self.assertEqual(self.call("GET", "/api/v1/categories").status, 200)

    # ---- PATCH and If-Match ----

    def test_patch_with_current_etag_updates_and_bumps_version(self):
        r = self.product()
        p = r.json()["data"]
        u = self.call("PATCH", f"/api/v1/products/{p['id']}", {"price_cents": 5999, "images": []}, token=self.editor,
                      headers={"If-Match": r.header("ETag")})
        self.assertEqual(u.status, 200, u.body)
        d = u.json()["data"]
        self.assertEqual((d["price_cents"], d["version"], d["images"], d["name"]), (5999, 2, [], p["name"]))
        self.assertEqual(u.header("ETag"), f'"{p["id"]}.2"')

    def test_patch_with_stale_etag_is_412_and_changes_nothing(self):
        r = self.product()
        p = r.json()["data"]
        self.assertEqual(self.call("PATCH", f"/api/v1/products/{p['id']}", {"stock": 1}, token=self.editor).status, 200)
        before = store_fingerprint(self.store)
        self.assert_error(self.call("PATCH", f"/api/v1/products/{p['id']}", {"stock": 2}, token=self.editor,
                                    headers={"If-Match": r.header("ETag")}), 412, "precondition_failed")
        self.assertEqual(store_fingerprint(self.store), before)
        self.assert_error(self.call("PATCH", f"/api/v1/products/{p['id']}", {"stock": 2}, token=self.editor,
                                    headers={"If-Match": "not-quoted"}), 400, "bad_request")
        self.assert_error(self.call("PATCH", f"/api/v1/products/{p['id']}", {"stock": 2}, token=self.editor,
                                    headers={"If-Match": f'W/"{p["id"]}.2"'}), 412, "precondition_failed")

    def test_two_patches_with_the_same_etag_at_once_one_wins(self):
        """Both PATCHes really overlap: a psql session holds the product's row lock while both
        are sent, both are seen waiting for it in pg_stat_activity, then the lock is released
        and they race for it. The winner answers 200, the other reads the new version: 412."""
        r = self.product()
        pid, etag = r.json()["data"]["id"], r.header("ETag")
        holder, watcher = PsqlSession(), PsqlSession()
        statuses, threads = [], []
        try:
            holder(f"BEGIN; SELECT 1 FROM products WHERE id = '{pid}' FOR UPDATE")

            def patch(n):
                statuses.append(self.call("PATCH", f"/api/v1/products/{pid}", {"stock": n}, token=self.editor,
                                          headers={"If-Match": etag}).status)

            threads += [threading.Thread(target=patch, args=(n,)) for n in (10, 20)]
            for t in threads:
                t.start()
            waiting = wait_until(lambda: watcher(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
                "AND pid <> pg_backend_pid()") == "2", timeout=10)
            self.assertTrue(waiting, "both PATCHes should be waiting for the row lock")
            self.assertEqual(statuses, [])  # neither has answered while the lock is held
        finally:
            holder("COMMIT")
            for t in threads:
                t.join()
            holder.close()
            watcher.close()
        self.assertEqual(sorted(statuses), [200, 412])
        self.assertEqual(psql(f"SELECT version FROM products WHERE id = '{pid}'"), "2")

    def test_patch_validation_and_unknown_product(self):
        p = self.product().json()["data"]
        self.assert_error(self.call("PATCH", f"/api/v1/products/{p['id']}", {}, token=self.editor), 422,
                          "validation_failed")
        self.assert_error(self.call("PATCH", f"/api/v1/products/{p['id']}", {"name": None}, token=self.editor), 422,
                          "validation_failed")
        self.assert_error(self.call("PATCH", f"/api/v1/products/{uuid.uuid4()}", {"stock": 1}, token=self.editor),
                          404, "not_found")

    def test_patch_to_a_taken_sku_is_409(self):
        a, b = self.product().json()["data"], self.product().json()["data"]
        self.assert_error(self.call("PATCH", f"/api/v1/products/{b['id']}", {"sku": a["sku"]}, token=self.editor),
                          409, "conflict")

    # ---- soft delete and restore ----

    def test_soft_delete_then_404_then_second_delete_404_then_restore(self):
        p = self.product().json()["data"]
        path = f"/api/v1/products/{p['id']}"
        d = self.call("DELETE", path, token=self.editor)
        self.assertEqual((d.status, d.body), (204, b""))
        self.assert_error(self.call("GET", path), 404, "not_found")
        self.assert_error(self.call("DELETE", path, token=self.editor), 404, "not_found")
        ids = [x["id"] for x in self.call("GET", "/api/v1/products?per_page=100").json()["data"]]
        self.assertNotIn(p["id"], ids)
        r = self.call("POST", path + "/restore", token=self.editor)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["deleted_at"], None)
        self.assertEqual(self.call("GET", path).status, 200)
        self.assert_error(self.call("POST", path + "/restore", token=self.editor), 409, "conflict")
        self.assert_error(self.call("POST", f"/api/v1/products/{uuid.uuid4()}/restore", token=self.editor), 404,
                          "not_found")

    def test_restore_is_409_when_the_sku_was_taken_meanwhile(self):
        p = self.product().json()["data"]
        self.assertEqual(self.call("DELETE", f"/api/v1/products/{p['id']}", token=self.editor).status, 204)
        self.product(sku=p["sku"])
        self.assert_error(self.call("POST", f"/api/v1/products/{p['id']}/restore", token=self.editor), 409, "conflict")

    def test_every_write_has_its_audit_row_in_the_same_transaction(self):
        p = self.product().json()["data"]
        self.call("PATCH", f"/api/v1/products/{p['id']}", {"stock": 9}, token=self.editor)
        self.call("DELETE", f"/api/v1/products/{p['id']}", token=self.editor)
        self.call("POST", f"/api/v1/products/{p['id']}/restore", token=self.editor)
        rows = psql(f"SELECT action, actor_role, before IS NULL, after->>'stock' FROM audit_log "
                    f"WHERE entity_id = '{p['id']}' ORDER BY id").splitlines()
        self.assertEqual(rows, ["product.create|editor|t|5", "product.update|editor|f|9",
                                "product.delete|editor|f|9", "product.restore|editor|f|9"])

    # ---- categories ----

    def test_category_crud_and_delete_conflict_while_it_holds_live_products(self):
        c = self.call("POST", "/api/v1/categories", {"name": "Garden Tools"}, token=self.editor)
        self.assertEqual(c.status, 201, c.body)
        cat = c.json()["data"]
        self.assertEqual((cat["slug"], c.header("Location")), ("garden-tools", f"/api/v1/categories/{cat['id']}"))
        self.assert_error(self.call("POST", "/api/v1/categories", {"name": "Garden Tools"}, token=self.editor), 409,
                          "conflict")
        u = self.call("PATCH", f"/api/v1/categories/{cat['id']}", {"description": "Spades"}, token=self.editor,
                      headers={"If-Match": c.header("ETag")})
        self.assertEqual(u.status, 200, u.body)
        self.assert_error(self.call("PATCH", f"/api/v1/categories/{cat['id']}", {"name": "X"}, token=self.editor,
                                    headers={"If-Match": c.header("ETag")}), 412, "precondition_failed")
        p = self.product(category_id=cat["id"]).json()["data"]
        listed = {x["id"]: x for x in self.call("GET", "/api/v1/categories").json()["data"]}
        self.assertEqual(listed[cat["id"]]["product_count"], 1)
        self.assert_error(self.call("DELETE", f"/api/v1/categories/{cat['id']}", token=self.editor), 409, "conflict")
        self.assertEqual(self.call("DELETE", f"/api/v1/products/{p['id']}", token=self.editor).status, 204)
        self.assertEqual(self.call("DELETE", f"/api/v1/categories/{cat['id']}", token=self.editor).status, 204)
        self.assert_error(self.call("DELETE", f"/api/v1/categories/{cat['id']}", token=self.editor), 404, "not_found")
        self.assert_error(self.call("GET", f"/api/v1/categories/{cat['id']}"), 404, "not_found")
        # Restoring the product detaches it from the deleted category.
        r = self.call("POST", f"/api/v1/products/{p['id']}/restore", token=self.editor)
        self.assertEqual((r.status, r.json()["data"]["category_id"]), (200, None))

    def test_category_validation_and_auth(self):
        self.assert_error(self.call("POST", "/api/v1/categories", {"name": "X"}), 401, "auth_required")
        self.assert_error(self.call("POST", "/api/v1/categories", {"name": "X"}, token=self.viewer), 403, "forbidden")
        err = self.assert_error(self.call("POST", "/api/v1/categories", {"name": "", "slug": "Bad Slug", "x": 1},
                                          token=self.editor), 422, "validation_failed")
        self.assertEqual({d["field"] for d in err["details"]}, {"name", "slug", "x"})

    # ---- lists ----

    def test_list_filters_sorts_and_meta(self):
        store = new_store()
        tok = self.issuer.token("admin")
        cat = self.call("POST", "/api/v1/categories", {"name": "Lamps"}, token=tok, store=store).json()["data"]
        for i, (name, price, status) in enumerate([("Oak Lamp", 300, "active"), ("Birch Lamp", 100, "draft"),
                                                    ("Steel Chair", 200, "active")]):
            r = self.call("POST", "/api/v1/products", {"name": name, "sku": f"L-{i}", "price_cents": price,
                                                       "currency": "EUR", "status": status,
                                                       "category_id": cat["id"] if "Lamp" in name else None},
                          token=tok, store=store)
            self.assertEqual(r.status, 201, r.body)

        def names(query):
            # As a member (admin): the public sees active products only (test_catalog_visibility).
            r = self.call("GET", "/api/v1/products" + query, token=tok, store=store)
            self.assertEqual(r.status, 200, r.body)
            return [p["name"] for p in r.json()["data"]], r.json()["meta"]

        self.assertEqual(names("?sort=price")[0], ["Birch Lamp", "Steel Chair", "Oak Lamp"])
        self.assertEqual(names("?sort=-price")[0], ["Oak Lamp", "Steel Chair", "Birch Lamp"])
        self.assertEqual(names("?sort=name")[0], ["Birch Lamp", "Oak Lamp", "Steel Chair"])
        self.assertEqual(names("?sort=created_at")[0], ["Oak Lamp", "Birch Lamp", "Steel Chair"])
        self.assertEqual(names("")[0], ["Steel Chair", "Birch Lamp", "Oak Lamp"])
        self.assertEqual(names(f"?category_id={cat['id']}&sort=name")[0], ["Birch Lamp", "Oak Lamp"])
        self.assertEqual(names("?status=draft")[0], ["Birch Lamp"])
        self.assertEqual(names("?q=lamp&sort=name")[0], ["Birch Lamp", "Oak Lamp"])
        self.assertEqual(names("?q=L-2")[0], ["Steel Chair"])  # SKU search
        self.assertEqual(names("?q=100%25")[0], [])  # LIKE metacharacters are literal
        got, meta = names("?per_page=2&page=2&sort=name")
        self.assertEqual(got, ["Steel Chair"])
        self.assertEqual(meta, {"page": 2, "per_page": 2, "total_items": 3, "total_pages": 2, "total_exact": True,
                                "total_is_estimate": False})
        self.assertEqual(names(f"?category_id={cat['id']}&status=active")[1]["total_items"], 1)
        self.assertEqual(names("?q=lamp")[1]["total_items"], 2)

    def test_hostile_query_parameters_are_422_naming_the_parameter(self):
        # (v1 query, v2 query, the parameter named in the one detail): each answer exactly.
        cases = [("page=0", "limit=0", "page|limit"), ("page=-1", "limit=-1", "page|limit"),
                 ("page=abc", "limit=abc", "page|limit"), ("page=99999999999999999999", "limit=99999999999999999999",
                                                           "page|limit"),
                 ("per_page=101", "limit=101", "per_page|limit"), ("per_page=0", "limit=0", "per_page|limit"),
                 ("sort=price;DROP%20TABLE%20products",) * 2 + ("sort",), ("sort=%27--",) * 2 + ("sort",),
                 ("sort=updated_at",) * 2 + ("sort",), ("status=deleted",) * 2 + ("status",),
                 ("category_id=1",) * 2 + ("category_id",), ("q=ab",) * 2 + ("q",), ("q=" + "x" * 101,) * 2 + ("q",),
                 ("q=%ff%fe",) * 2 + ("q",), ("q=a%00b",) * 2 + ("q",), ("pagee=1",) * 2 + ("pagee",),
                 ("page=1&page=2", "limit=1&limit=2", "page|limit")]
        for v1, v2, field in cases:
            for path, query, name in (("/api/v1/products", v1, field.split("|")[0]),
                                      ("/api/v2/products", v2, field.split("|")[-1])):
                with self.subTest(path=path, query=query):
                    err = self.assert_error(self.call("GET", f"{path}?{query}"), 422, "validation_failed")
                    self.assertEqual([d["field"] for d in err["details"]], [name], err)

    def test_hostile_bodies_leave_the_database_unchanged(self):
        p = self.product().json()["data"]
        required = ["name", "sku", "price_cents", "currency"]
        # (body, status, code, the fields a PATCH's 422 names); a POST's 422 also names the
        # required fields the body lacks.
        cases = [(b"", 400, "bad_request", []), (b"null", 422, "validation_failed", ["body"]),
                 (b"[]", 422, "validation_failed", ["body"]), (b'"str"', 422, "validation_failed", ["body"]),
                 (b"{", 400, "bad_request", []), (b'{"name": "' + b"x" * 300 + b'"}', 422, "validation_failed", ["name"]),
                 (json.dumps({"name": "x" * 500_000}).encode(), 422, "validation_failed", ["name"]),
                 (b'{"price_cents": 1e400}', 400, "bad_request", []),
                 (b'{"price_cents": 99999999999999999999999}', 400, "bad_request", []),
                 (b'{"name": "a", "name": "b"}', 422, "validation_failed", ["name"]),
                 (json.dumps({"attributes": {"k" * 65: 1}}).encode(), 422, "validation_failed", ["attributes"]),
                 (json.dumps({"attributes": {"a": {"b": 1}}}).encode(), 422, "validation_failed", ["attributes.a"]),
                 (json.dumps({"images": [{"url": "https://x"}] * 21}).encode(), 422, "validation_failed", ["images"]),
                 (json.dumps({"stock": -1}).encode(), 422, "validation_failed", ["stock"]),
                 (json.dumps({"description": "bad\x00char"}).encode(), 422, "validation_failed", ["description"])]
        before = store_fingerprint(self.store)
        for body, status, code, fields in cases:
            for method, path in (("POST", "/api/v1/products"), ("PATCH", f"/api/v1/products/{p['id']}")):
                with self.subTest(method=method, body=body[:40]):
                    err = self.assert_error(self.call(method, path, body, token=self.editor), status, code)
                    got = {d["field"] for d in err.get("details", [])}
                    want = set(fields) | (set(required) if method == "POST" and status == 422 else set())
                    self.assertEqual(got, want, err)
        self.assertEqual(store_fingerprint(self.store), before)

    def test_control_characters_in_identifiers_are_422_naming_the_field(self):
        """Issue 13, finding 2: libpq sends C strings, so a NUL would cut an identifier short
        in the database while the service saw the whole value; every identifier refuses
        control characters with 422 and the field's path, and nothing is written."""
        p = self.product().json()["data"]
        cat = self.category["id"]
        base = {"name": "Ctl Lamp", "sku": "CTL-" + uuid.uuid4().hex[:6], "price_cents": 1, "currency": "EUR"}
        cases = [({"sku": "CTL-1\x00x"}, "sku"), ({"sku": "CTL-1\x01"}, "sku"), ({"slug": "ctl\x00lamp"}, "slug"),
                 ({"slug": "ctl-lamp\x1f"}, "slug"), ({"category_id": cat + "\x00"}, "category_id"),
                 ({"category_id": "\x00" + cat[1:]}, "category_id")]
        before = store_fingerprint(self.store)
        for extra, field in cases:
            for method, path in (("POST", "/api/v1/products"), ("PATCH", f"/api/v1/products/{p['id']}")):
                with self.subTest(method=method, body=extra):
                    body = {**base, **extra} if method == "POST" else extra  # json.dumps writes \u0000
                    err = self.assert_error(self.call(method, path, body, token=self.editor), 422,
                                            "validation_failed")
                    self.assertEqual([d["field"] for d in err["details"]], [field], err)
        for raw, field in ((b'{"name": "Ctl", "slug": "ctl\u0000x"}', "slug"),
                           (b'{"name": "Ctl\u0000"}', "name")):
            with self.subTest(category=raw):
                err = self.assert_error(self.call("POST", "/api/v1/categories", raw, token=self.editor), 422,
                                        "validation_failed")
                self.assertEqual([d["field"] for d in err["details"]], [field], err)
        for query, field in (("category_id=" + cat + "%00", "category_id"), ("category_id=%00" + cat[1:], "category_id"),
                             ("q=lamp%00x", "q"), ("sort=name%00", "sort"), ("status=active%00", "status")):
            for path in ("/api/v1/products", "/api/v2/products"):
                with self.subTest(path=path, query=query):
                    err = self.assert_error(self.call("GET", f"{path}?{query}"), 422, "validation_failed")
                    self.assertEqual([d["field"] for d in err["details"]], [field], err)
        self.assertEqual(store_fingerprint(self.store), before)

    def test_a_nul_inside_an_attribute_is_422_with_its_path_never_500(self):
        """PostgreSQL's jsonb cannot hold \\u0000 (it answered 500); every place of the
        attributes object is checked and reported by its path."""
        p = self.product().json()["data"]
        cases = [(b'{"color": "red\u0000"}', "attributes.color"),
                 (b'{"tags": ["ok", "x\u0000y"]}', "attributes.tags[1]"),
                 (b'{"sizes": [["s", "m\u0000"]]}', "attributes.sizes[0][1]"),
                 (b'{"parts": [{"name\u0000": 1}]}', "attributes.parts[0]"),
                 (b'{"parts": [{"name": "\u0000"}]}', "attributes.parts[0].name"),
                 (b'{"co\u0000lor": "red"}', "attributes"),
                 (b'{"note": "bell\u0007"}', "attributes.note")]
        before = store_fingerprint(self.store)
        for attrs, field in cases:
            for method, path in (("POST", "/api/v1/products"), ("PATCH", f"/api/v1/products/{p['id']}")):
                with self.subTest(method=method, attributes=attrs):
                    head = (b'{"name": "Nul Lamp", "sku": "NUL-1", "price_cents": 1, "currency": "EUR", '
                            if method == "POST" else b"{")
                    r = self.call(method, path, head + b'"attributes": ' + attrs + b"}", token=self.editor)
                    err = self.assert_error(r, 422, "validation_failed")
                    self.assertEqual([d["field"] for d in err["details"]], [field], err)
        self.assertEqual(store_fingerprint(self.store), before)
        # Line breaks and tabs are text, not control of anything: kept.
        r = self.call("PATCH", f"/api/v1/products/{p['id']}", {"attributes": {"care": "wash\tcold\nhang"}},
                      token=self.editor)
        self.assertEqual(r.status, 200, r.body)

    def test_a_10_mb_body_is_refused_with_413_before_it_is_read(self):
        head = (f"POST /api/v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Authorization: Bearer {self.editor}\r\nX-Store-ID: {self.store}\r\n"
                f"Content-Length: {10 * 1024 * 1024}\r\n\r\n").encode()
        out = raw_exchange(self.svc.port, head + b'{"name": "' + b"x" * 1000)
        self.assertTrue(out.startswith(b"HTTP/1.1 413"), out[:200])
        self.assertIn(b'"payload_too_large"', out)

    def test_sql_meta_characters_are_just_text(self):
        name = "Robert'); DROP TABLE products;-- \\ % _"
        p = self.product(name=name).json()["data"]
        self.assertEqual(self.call("GET", f"/api/v1/products/{p['id']}").json()["data"]["name"], name)
        r = self.call("GET", "/api/v1/products?q=" + urllib.parse.quote("'); DROP"))
        self.assertEqual([x["id"] for x in r.json()["data"]], [p["id"]])

    # ---- v2 ----

    def test_v2_pages_match_v1_and_cursors_are_tamper_proof(self):
        store = new_store()
        tok = self.issuer.token("admin")
        for i in range(7):
            self.assertEqual(self.call("POST", "/api/v1/products", {"name": f"Item {i}", "sku": f"V-{i}",
                                                                    "price_cents": 100 * (i % 3), "currency": "EUR",
                                                                    "status": "active"},
                                       token=tok, store=store).status, 201)
        for sort in ("-created_at", "created_at", "price", "-price", "name"):
            with self.subTest(sort=sort):
                v1 = [p for p in self.call("GET", f"/api/v1/products?per_page=100&sort={sort}", store=store)
                      .json()["data"]]
                v2, cursor = [], None
                while True:
                    q = f"/api/v2/products?limit=3&sort={sort}" + (f"&cursor={cursor}" if cursor else "")
                    body = self.call("GET", q, store=store).json()
                    v2 += body["data"]
                    self.assertEqual(body["meta"]["has_more"], body["meta"]["next_cursor"] is not None)
                    cursor = body["meta"]["next_cursor"]
                    if not cursor:
                        break
                self.assertEqual([p["id"] for p in v2], [p["id"] for p in v1])
                self.assertEqual(v2[0]["price"], {"amount": v1[0]["price_cents"], "currency": "EUR"})
                self.assertNotIn("price_cents", v2[0])

        first = self.call("GET", "/api/v2/products?limit=2", store=store).json()["meta"]["next_cursor"]
        flipped = first[:10] + ("A" if first[10] != "A" else "B") + first[11:]
        for bad in (flipped, first[:-2], "garbage", first + "AA"):
            self.assert_error(self.call("GET", f"/api/v2/products?limit=2&cursor={bad}", store=store), 400,
                              "bad_request")
        # Bound to its query: other filters or another store → 400.
        self.assert_error(self.call("GET", f"/api/v2/products?limit=2&sort=price&cursor={first}", store=store), 400,
                          "bad_request")
        self.assert_error(self.call("GET", f"/api/v2/products?limit=2&cursor={first}"), 400, "bad_request")
        # A cursor signed with another key (another deployment) is refused too.
        with Service("catalog", env={**self.issuer.env(), "CATALOG_CURSOR_SECRET": "other"}) as other:
            foreign = request(other.url, "GET", "/api/v2/products?limit=2", headers={"X-Store-ID": store}) \
                .json()["meta"]["next_cursor"]
        self.assert_error(self.call("GET", f"/api/v2/products?limit=2&cursor={foreign}", store=store), 400,
                          "bad_request")

    # ---- statement counts ----

    def test_a_page_costs_the_same_statements_for_1_or_100_rows(self):
        store = new_store()
        tok = self.issuer.token("admin")
        cat = self.call("POST", "/api/v1/categories", {"name": "Bulk"}, token=tok, store=store).json()["data"]
        for i in range(100):
            self.call("POST", "/api/v1/products", {"name": f"Bulk {i}", "sku": f"B-{i}", "price_cents": i,
                                                   "currency": "EUR", "category_id": cat["id"], "status": "active",
                                                   "images": [{"url": "https://x/1"}, {"url": "https://x/2"}]},
                      token=tok, store=store)

        def statements(path):
            before = metric(self.svc, "db_queries_total", {"pool": "catalog", "result": "ok"})
            r = self.call("GET", path, store=store)
            self.assertEqual(r.status, 200, r.body)
            return metric(self.svc, "db_queries_total", {"pool": "catalog", "result": "ok"}) - before, r.json()

        for base, expected in (("/api/v1/products?per_page=", 2), ("/api/v2/products?limit=", 1)):
            one, body1 = statements(base + "1")
            hundred, body100 = statements(base + "100")
            self.assertEqual(len(body100["data"]), 100)
            self.assertEqual(len(body100["data"][0]["images"]), 2)
            self.assertEqual((one, hundred), (expected, expected), base)
        self.assertEqual(statements(f"/api/v1/products/{body100['data'][0]['id']}")[0], 1)


if __name__ == "__main__":
    unittest.main()
