"""GET /api/v1/audit against a real catalog, identity and PostgreSQL, from the attacker's side:
an editor of store A sees A's rows only, whatever filter, header or cursor it sends; a viewer
is refused, an anonymous caller asked to sign in; hostile query strings are refused with one
clear error and return no rows. And the trail itself: every write's row, newest first, each
filter, keyset pages that neither skip nor repeat a row."""

import base64
import json
import unittest
import urllib.parse
import uuid

from .test_catalog_support import IdentityIssuer, new_store, psql
from testkit import Service, request


def subject(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]


class AuditApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.svc = Service("catalog", env={**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "audit-test-secret"},
                          wait_ready=True)
        cls.a, cls.b = new_store(), new_store()
        cls.editor_a = cls.issuer.token("editor", store=cls.a)
        cls.editor_b = cls.issuer.token("editor", store=cls.b)
        cls.viewer_a = cls.issuer.token("viewer", store=cls.a)
        cls.admin = cls.issuer.token("admin")
        cls.made = {}
        for store, token in ((cls.a, cls.editor_a), (cls.b, cls.editor_b)):
            cat = cls.call("POST", "/api/v1/categories", {"name": "Audit Things"}, token=token, store=store)
            assert cat.status == 201, cat.body
            products = []
            for i in range(3):
                r = cls.call("POST", "/api/v1/products", {"name": f"Audit Lamp {i}", "sku": "AUD-" + uuid.uuid4().hex[:8],
                                                          "price_cents": 100 + i, "currency": "EUR"},
                             token=token, store=store)
                assert r.status == 201, r.body
                products.append(r.json()["data"]["id"])
            r = cls.call("PATCH", f"/api/v1/products/{products[0]}", {"stock": 7}, token=token, store=store)
            assert r.status == 200, r.body
            cls.made[store] = {"category": cat.json()["data"]["id"], "products": products}

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.issuer.close()

    @classmethod
    def call(cls, method, path, body=None, token=None, store=None, headers=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        if store:
            h["X-Store-ID"] = store
        return request(cls.svc.url, method, path, body=body, headers=h)

    def audit(self, token, query="", store=None):
        return self.call("GET", "/api/v1/audit" + ("?" + query if query else ""), token=token, store=store)

    def rows(self, token, query="", store=None):
        r = self.audit(token, query, store)
        self.assertEqual(r.status, 200, r.body)
        return r.json()["data"]

    def assert_error(self, r, status, code):
        self.assertEqual(r.status, status, r.body)
        body = r.json()
        self.assertIs(body["success"], False)
        self.assertEqual(body["error"]["code"], code, body)
        self.assertNotIn("data", body)
        return body["error"]

    # ---- what a row says ----

    def test_a_row_carries_who_what_where_and_both_sides(self):
        p = self.made[self.a]["products"][0]
        rows = self.rows(self.editor_a, f"entity_id={p}")
        self.assertEqual([r["action"] for r in rows], ["product.update", "product.create"], "newest first")
        update = rows[0]
        self.assertEqual(set(update), {"id", "time", "store_id", "user", "action", "entity", "before", "after",
                                       "client_address", "request_id"})
        self.assertEqual(update["store_id"], self.a)
        self.assertEqual(update["user"], {"id": subject(self.editor_a), "role": "editor"})
        self.assertEqual(update["entity"], {"type": "product", "id": p})
        self.assertEqual((update["before"]["stock"], update["after"]["stock"]), (0, 7))
        self.assertIsNone(rows[1]["before"], "a create has no before")
        self.assertEqual(update["client_address"], "127.0.0.1")
        self.assertTrue(update["request_id"])
        self.assertRegex(update["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")

    # ---- who sees what ----

    def test_admins_see_every_store_and_can_narrow_to_one(self):
        stores = {r["store_id"] for r in self.rows(self.admin, "limit=200")}
        self.assertTrue({self.a, self.b} <= stores, stores)
        self.assertEqual({r["store_id"] for r in self.rows(self.admin, f"store_id={self.b}")}, {self.b})
        self.assertEqual({r["store_id"] for r in self.rows(self.admin, store=self.b)}, {self.b})

    def test_an_editor_sees_its_own_store_only_whatever_it_filters_by(self):
        b = self.made[self.b]
        user_b = subject(self.editor_b)
        own = self.rows(self.editor_a, "limit=200")
        self.assertEqual(len(own), 5, own)  # the category, three products, one update
        self.assertEqual({r["store_id"] for r in own}, {self.a})
        for query in (f"entity_id={b['products'][0]}", f"entity_id={b['category']}&entity_type=category",
                      f"user_id={user_b}", f"user_id={user_b}&action=product.create", "action=product.update",
                      f"entity_id={b['products'][1]}&user_id={user_b}&action=product.create",
                      "since=2000-01-01T00:00:00Z", "until=2999-01-01T00:00:00Z"):
            with self.subTest(query=query):
                self.assertFalse([r for r in self.rows(self.editor_a, query) if r["store_id"] != self.a])
        for query, store in ((f"store_id={self.b}", None), ("", self.b), (f"store_id={self.b}", self.b),
                             (f"store_id={self.b}&entity_id={b['products'][0]}", None)):
            with self.subTest(query=query, header=store):
                self.assert_error(self.audit(self.editor_a, query, store), 403, "forbidden")

    def test_a_viewer_is_refused_and_an_anonymous_caller_asked_to_sign_in(self):
        self.assert_error(self.audit(self.viewer_a), 403, "forbidden")
        self.assert_error(self.audit(self.viewer_a, f"store_id={self.a}"), 403, "forbidden")
        self.assert_error(self.audit(None), 401, "auth_required")
        self.assert_error(self.audit("not-a-token"), 401, "invalid_token")

    def test_no_cursor_carries_another_scope_or_a_forged_position(self):
        admin_page = self.audit(self.admin, "limit=1").json()
        cursor = admin_page["meta"]["next_cursor"]
        self.assertTrue(cursor)
        # The admin's all-stores cursor, replayed by an editor: bound to another scope.
        self.assert_error(self.audit(self.editor_a, f"limit=1&cursor={cursor}"), 400, "bad_request")
        # Editor B's own cursor in editor A's hands: the scope is A's, the cursor B's.
        b_cursor = self.audit(self.editor_b, "limit=1").json()["meta"]["next_cursor"]
        self.assert_error(self.audit(self.editor_a, f"limit=1&cursor={b_cursor}"), 400, "bad_request")
        # The same cursor with another filter or limit-independent tampering.
        a_cursor = self.audit(self.editor_a, "limit=1").json()["meta"]["next_cursor"]
        self.assert_error(self.audit(self.editor_a, f"limit=1&action=product.create&cursor={a_cursor}"), 400,
                          "bad_request")
        raw = bytearray(base64.urlsafe_b64decode(a_cursor + "=" * (-len(a_cursor) % 4)))
        raw[20] ^= 1
        forged = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
        for bad in (forged, a_cursor[:-2], "x", "%00", "A" * 5000, a_cursor + "A"):
            with self.subTest(cursor=bad[:20]):
                self.assert_error(self.audit(self.editor_a, "cursor=" + urllib.parse.quote(bad)), 400, "bad_request")
        # The products list's cursor is signed by the same key but bound to another query.
        v2 = self.call("GET", "/api/v2/products?limit=1", store=self.a).json()["meta"]["next_cursor"]
        self.assert_error(self.audit(self.editor_a, f"cursor={v2}"), 400, "bad_request")

    # ---- hostile query strings ----

    def test_hostile_query_parameters_are_422_naming_the_parameter_and_return_nothing(self):
        cases = {
            "limit=0": "limit", "limit=201": "limit", "limit=-1": "limit", "limit=abc": "limit",
            "limit=99999999999999999999999": "limit", "limit=1&limit=2": "limit",
            "since=yesterday": "since", "since=2026-13-01T00:00:00Z": "since", "since=2026-02-30T00:00:00Z": "since",
            "since=2026-12-05": "since", "until=2026-12-05T17:00:00": "until", "since=1e10": "since",
            "until=" + urllib.parse.quote("2026-12-05T17:00:00Z'; DROP TABLE audit_log;--"): "until",
            "since=2026-12-05T00:00:00Z&until=2026-12-04T00:00:00Z": "until",
            "user_id=admin": "user_id", "user_id=" + urllib.parse.quote("' OR 1=1 --"): "user_id",
            "entity_id=42": "entity_id", "entity_type=order&entity_id=" + str(uuid.uuid4()): "entity_type",
            "entity_type=product": "entity_type", "action=DROP": "action", "action=product.update;": "action",
            "action=" + "a" * 70 + ".b": "action", "store_id=default": "store_id", "page=2": "page",
            "sort=time": "sort", "q=lamp": "q", "%ff=1": "(unprintable)",
        }
        for query, field in cases.items():
            with self.subTest(query=query):
                err = self.assert_error(self.audit(self.admin, query), 422, "validation_failed")
                self.assertIn(field, [d["field"] for d in err["details"]], err)
        self.assert_error(self.audit(self.admin, store="not-a-uuid"), 400, "bad_request")
        self.assertEqual(psql("SELECT to_regclass('audit_log') IS NOT NULL"), "t")

    # ---- filters and pages ----

    def test_each_filter_narrows_to_its_rows(self):
        a = self.made[self.a]
        user_a = subject(self.editor_a)
        self.assertEqual({r["entity"]["id"] for r in self.rows(self.editor_a, f"entity_id={a['category']}")},
                         {a["category"]})
        self.assertEqual(self.rows(self.editor_a, f"entity_id={a['category']}&entity_type=product"), [])
        self.assertEqual({r["user"]["id"] for r in self.rows(self.admin, f"user_id={user_a}")}, {user_a})
        self.assertEqual([r["action"] for r in self.rows(self.editor_a, "action=product.update")], ["product.update"])
        newest = self.rows(self.editor_a, "limit=1")[0]["time"]
        self.assertEqual(self.rows(self.editor_a, "until=" + urllib.parse.quote(newest) + "&since=" +
                                   urllib.parse.quote(newest)), [], "until is exclusive")
        since = self.rows(self.editor_a, "since=" + urllib.parse.quote(newest))
        self.assertTrue(since and all(r["time"] >= newest for r in since))
        self.assertEqual(self.rows(self.editor_a, "since=2999-01-01T00:00:00%2B01:00"), [])

    def test_keyset_pages_walk_the_trail_newest_first_without_skipping_or_repeating(self):
        everything = self.rows(self.editor_a, "limit=200")
        seen, cursor, pages = [], None, 0
        while True:
            r = self.audit(self.editor_a, "limit=2" + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(r.status, 200, r.body)
            body = r.json()
            seen += [row["id"] for row in body["data"]]
            pages += 1
            self.assertEqual(body["meta"]["limit"], 2)
            cursor = body["meta"]["next_cursor"]
            self.assertEqual(body["meta"]["has_more"], cursor is not None)
            if not cursor:
                break
        self.assertEqual(seen, [row["id"] for row in everything])
        self.assertEqual(pages, 3)
        keys = [(row["time"], row["id"]) for row in everything]
        self.assertEqual(keys, sorted(keys, reverse=True))

    def test_pages_under_until_stop_before_it_and_continue_below_it(self):
        # `until` and the cursor are one upper bound in the statement (audit_repository.cpp):
        # whichever comes first must win on every page.
        everything = self.rows(self.editor_a, "limit=200")
        until = everything[1]["time"]
        expected = [r["id"] for r in everything if r["time"] < until]
        seen, cursor = [], None
        for _ in range(len(everything) + 1):
            r = self.audit(self.editor_a, "limit=1&until=" + urllib.parse.quote(until) +
                           (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(r.status, 200, r.body)
            seen += [row["id"] for row in r.json()["data"]]
            cursor = r.json()["meta"]["next_cursor"]
            if not cursor:
                break
        self.assertEqual(seen, expected)

    def test_answers_are_never_kept_by_a_shared_cache(self):
        r = self.audit(self.admin)
        self.assertIn("no-store", r.header("Cache-Control") or "", r.headers)


if __name__ == "__main__":
    unittest.main()
