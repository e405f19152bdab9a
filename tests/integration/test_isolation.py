"""Isolation on every route (issue 13, "Isolation, everywhere"): each operation of
api/openapi.json, through a real gateway in front of a real catalog and identity, asked by five
callers — anonymous, a viewer of store A, an editor of store A, an editor of store B, an admin —
against objects of store A and of store B (X-Store-ID naming the target's store). Each cell
asserts the exact status and error code; a refused write must leave both stores' catalog rows
and the users table exactly as they were (row counts, the sum of versions, deletions, audit
rows), and no answer may carry a draft product to someone outside its store.

The table is read against the document when the test runs: an operation of openapi.json that
has no row, or a row for an operation the document does not have, fails the test, so a new
route cannot ship without its row. Rows whose hole lies outside the catalog (another helper's
area) are marked expected failures with the owner named, and fail loudly once fixed (an
unexpected success) so the mark is removed.

Cost: one identity, catalog and gateway for the whole module; fresh objects only where a write
consumes its target (delete, restore)."""

import json
import os
import time
import unittest
import uuid

from .test_catalog_support import DEFAULT_STORE, IdentityIssuer, PsqlSession, new_store
from testkit import PROMETHEUS_URL, REPO, Service, request

CALLERS = ("anonymous", "viewer_a", "editor_a", "editor_b", "admin")
TARGETS = ("A", "B")


def member(caller, target):
    return caller == "admin" or (caller in ("viewer_a", "editor_a") and target == "A") or \
        (caller == "editor_b" and target == "B")


def writer(caller, target):
    return member(caller, target) and caller != "viewer_a"


def write_rule(ok):
    """The answer of a catalog write: 401 anonymous, 403 outside the store or without the
    editor role, else `ok` (status, code)."""
    def rule(caller, target):
        if caller == "anonymous":
            return 401, "auth_required"
        if not writer(caller, target):
            return 403, "forbidden"
        return ok
    return rule


def admin_rule(ok):
    def rule(caller, target):
        if caller == "anonymous":
            return 401, "auth_required"
        if caller != "admin":
            return 403, "forbidden"
        return ok
    return rule


def everyone(status, code=None):
    return lambda caller, target: (status, code)


def signed_in(ok):
    return lambda caller, target: (401, "auth_required") if caller == "anonymous" else ok


class Row:
    """One operation of the document, and how to ask it in one cell.
    `path(fx, target)`: the concrete path; `body(fx, target)`: the JSON body or None;
    `expect(caller, target)`: (status, error code or None); `writes`: which database a refused
    request must leave unchanged ("catalog", "users" or None); `owner`: set when the row is
    known to fail and the fix belongs to another area (then the row is an expected failure)."""

    def __init__(self, method, template, path, expect, body=None, writes=None, owner=None, name=None, headers=None):
        self.method, self.template, self.path, self.expect = method, template, path, expect
        self.body, self.writes, self.owner, self.headers = body, writes, owner, headers or {}
        self.name = name or (method.lower() + template.replace("/", "_").replace("{", "").replace("}", "")
                             .replace(".", "_").replace("-", "_"))


def other(target):
    return "B" if target == "A" else "A"


ROWS = [
    # ---- catalog reads: public, drafts only for members ----
    Row("GET", "/api/v1/products", lambda fx, t: "/api/v1/products?per_page=100", everyone(200)),
    Row("GET", "/api/v1/products", lambda fx, t: "/api/v1/products?per_page=100&status=draft",
        lambda c, t: (200, None) if member(c, t) else (401, "auth_required") if c == "anonymous" else (403, "forbidden"),
        name="get_products_status_draft"),
    Row("GET", "/api/v2/products", lambda fx, t: "/api/v2/products?limit=100", everyone(200)),
    Row("GET", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.draft[t]}",
        lambda c, t: (200, None) if member(c, t) else (404, "not_found")),
    Row("GET", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.active[t]}", everyone(200),
        name="get_product_active"),
    Row("GET", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.active[other(t)]}",
        everyone(404, "not_found"), name="get_product_of_the_other_store"),
    Row("GET", "/api/v1/categories", lambda fx, t: "/api/v1/categories", everyone(200)),
    Row("GET", "/api/v1/categories/{id}", lambda fx, t: f"/api/v1/categories/{fx.category[t]}", everyone(200)),
    Row("GET", "/api/v1/categories/{id}", lambda fx, t: f"/api/v1/categories/{fx.category[other(t)]}",
        everyone(404, "not_found"), name="get_category_of_the_other_store"),
    # ---- catalog writes ----
    Row("POST", "/api/v1/products", lambda fx, t: "/api/v1/products", write_rule((201, None)),
        body=lambda fx, t: {"name": "Iso Lamp", "sku": "ISO-" + uuid.uuid4().hex[:8], "price_cents": 1,
                            "currency": "EUR", "category_id": fx.category[t]}, writes="catalog"),
    Row("POST", "/api/v1/products", lambda fx, t: "/api/v1/products", write_rule((422, "validation_failed")),
        body=lambda fx, t: {"name": "Iso Lamp", "sku": "ISO-" + uuid.uuid4().hex[:8], "price_cents": 1,
                            "currency": "EUR", "category_id": fx.category[other(t)]}, writes="catalog",
        name="post_products_category_of_the_other_store"),
    Row("PATCH", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.active[t]}", write_rule((200, None)),
        body=lambda fx, t: {"stock": 3}, writes="catalog"),
    Row("PATCH", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.active[t]}",
        write_rule((422, "validation_failed")), body=lambda fx, t: {"category_id": fx.category[other(t)]},
        writes="catalog", name="patch_product_category_of_the_other_store"),
    Row("PATCH", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.active[other(t)]}",
        write_rule((404, "not_found")), body=lambda fx, t: {"stock": 4}, writes="catalog",
        name="patch_product_of_the_other_store"),
    Row("DELETE", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.fresh_product(t)}",
        write_rule((204, None)), writes="catalog"),
    Row("DELETE", "/api/v1/products/{id}", lambda fx, t: f"/api/v1/products/{fx.active[other(t)]}",
        write_rule((404, "not_found")), writes="catalog", name="delete_product_of_the_other_store"),
    Row("POST", "/api/v1/products/{id}/restore",
        lambda fx, t: f"/api/v1/products/{fx.fresh_product(t, deleted=True)}/restore", write_rule((200, None)),
        writes="catalog"),
    Row("POST", "/api/v1/products/{id}/restore",
        lambda fx, t: f"/api/v1/products/{fx.deleted[other(t)]}/restore", write_rule((404, "not_found")),
        writes="catalog", name="post_restore_of_the_other_store"),
    Row("POST", "/api/v1/categories", lambda fx, t: "/api/v1/categories", write_rule((201, None)),
        body=lambda fx, t: {"name": "Iso " + uuid.uuid4().hex[:8]}, writes="catalog"),
    Row("PATCH", "/api/v1/categories/{id}", lambda fx, t: f"/api/v1/categories/{fx.category[t]}",
        write_rule((200, None)), body=lambda fx, t: {"description": uuid.uuid4().hex}, writes="catalog"),
    Row("PATCH", "/api/v1/categories/{id}", lambda fx, t: f"/api/v1/categories/{fx.category[other(t)]}",
        write_rule((404, "not_found")), body=lambda fx, t: {"description": "x"}, writes="catalog",
        name="patch_category_of_the_other_store"),
    Row("DELETE", "/api/v1/categories/{id}", lambda fx, t: f"/api/v1/categories/{fx.fresh_category(t)}",
        write_rule((204, None)), writes="catalog"),
    Row("DELETE", "/api/v1/categories/{id}", lambda fx, t: f"/api/v1/categories/{fx.category[other(t)]}",
        write_rule((404, "not_found")), writes="catalog", name="delete_category_of_the_other_store"),
    # Bulk writes: each item of another store is answered 404 inside a 200 (test_catalog_bulk.py
    # checks those answers and that nothing changed); here, who may call at all.
    Row("POST", "/api/v1/products/bulk", lambda fx, t: "/api/v1/products/bulk", write_rule((200, None)),
        body=lambda fx, t: {"action": "archive", "items": [{"id": fx.fresh_product(t)}]}, writes="catalog"),
    Row("POST", "/api/v1/products/bulk", lambda fx, t: "/api/v1/products/bulk", write_rule((422, "validation_failed")),
        body=lambda fx, t: {"action": "set_category", "category_id": fx.category[other(t)],
                            "items": [{"id": fx.active[t]}]}, writes="catalog",
        name="post_products_bulk_category_of_the_other_store"),
    # A job: its store's members and admins see it; anyone else gets the 404 of an absent id.
    Row("GET", "/api/v1/jobs/{id}", lambda fx, t: f"/api/v1/jobs/{fx.job[t]}",
        lambda c, t: (200, None) if member(c, t) else (401, "auth_required") if c == "anonymous" else (404, "not_found")),
    # The CSV export: the list's audience (test_catalog_export.py checks the rows themselves);
    # the draft check below reads the CSV for every non-member.
    Row("GET", "/api/v1/products/export", lambda fx, t: "/api/v1/products/export", everyone(200)),
    Row("GET", "/api/v1/products/export", lambda fx, t: "/api/v1/products/export?status=draft",
        lambda c, t: (200, None) if member(c, t) else (401, "auth_required") if c == "anonymous" else (403, "forbidden"),
        name="get_products_export_status_draft"),
    # CSV imports: the store's editors and admins; another store's import is the 404 of an absent
    # id (test_catalog_import.py drives each step).
    Row("POST", "/api/v1/imports", lambda fx, t: "/api/v1/imports", write_rule((201, None)),
        body=lambda fx, t: {"filename": "iso.csv", "mapping": "mercato"}, writes="catalog"),
    Row("GET", "/api/v1/imports/{id}", lambda fx, t: f"/api/v1/imports/{fx.imports[t]}", write_rule((200, None))),
    Row("GET", "/api/v1/imports/{id}", lambda fx, t: f"/api/v1/imports/{fx.imports[other(t)]}",
        write_rule((404, "not_found")), name="get_import_of_the_other_store"),
    Row("GET", "/api/v1/imports/{id}/errors", lambda fx, t: f"/api/v1/imports/{fx.imports[t]}/errors",
        write_rule((200, None))),
    Row("GET", "/api/v1/imports/{id}/errors.csv", lambda fx, t: f"/api/v1/imports/{fx.imports[t]}/errors.csv",
        write_rule((200, None))),
    # Part 1 again: already received, so answered as it was and nothing changes.
    Row("PUT", "/api/v1/imports/{id}/parts/{n}", lambda fx, t: f"/api/v1/imports/{fx.imports[t]}/parts/1",
        write_rule((200, None)), body=lambda fx, t: IMPORT_PART, headers={"Content-Type": "text/csv"},
        writes="catalog"),
    Row("PUT", "/api/v1/imports/{id}/parts/{n}", lambda fx, t: f"/api/v1/imports/{fx.imports[other(t)]}/parts/2",
        write_rule((404, "not_found")), body=lambda fx, t: IMPORT_PART, headers={"Content-Type": "text/csv"},
        writes="catalog", name="put_import_part_of_the_other_store"),
    Row("POST", "/api/v1/imports/{id}/finish", lambda fx, t: f"/api/v1/imports/{fx.fresh_import(t)}/finish",
        write_rule((200, None)), writes="catalog"),
    Row("POST", "/api/v1/imports/{id}/run",
        lambda fx, t: f"/api/v1/imports/{fx.fresh_import(t, finished=True)}/run", write_rule((202, None)),
        writes="catalog"),
    Row("POST", "/api/v1/imports/{id}/run", lambda fx, t: f"/api/v1/imports/{fx.finished_import[other(t)]}/run",
        write_rule((404, "not_found")), writes="catalog", name="post_import_run_of_the_other_store"),
    # ---- users (identity; admin only, whichever store the user or the header names) ----
    # The audit trail: admins and the store's editors (X-Store-ID names the target's store);
    # test_audit_api.py tries every filter and cursor across stores.
    Row("GET", "/api/v1/audit", lambda fx, t: "/api/v1/audit?limit=200", write_rule((200, None))),
    Row("GET", "/api/v1/audit", lambda fx, t: f"/api/v1/audit?entity_id={fx.draft[t]}", write_rule((200, None)),
        name="get_api_v1_audit_entity"),
    Row("GET", "/api/v1/users", lambda fx, t: "/api/v1/users?per_page=5", admin_rule((200, None))),
    Row("POST", "/api/v1/users", lambda fx, t: "/api/v1/users", admin_rule((201, None)),
        body=lambda fx, t: {"email": f"iso-{uuid.uuid4().hex[:10]}@test.dev", "password": "pw-" + uuid.uuid4().hex,
                            "role": "viewer"}, writes="users"),
    Row("PATCH", "/api/v1/users/{id}", lambda fx, t: f"/api/v1/users/{fx.user[t]}", admin_rule((200, None)),
        body=lambda fx, t: {"name": "Iso " + uuid.uuid4().hex[:6]}, writes="users"),
    Row("DELETE", "/api/v1/users/{id}", lambda fx, t: f"/api/v1/users/{fx.fresh_user(t)}", admin_rule((204, None)),
        writes="users"),
    # ---- auth: the same for everyone, a token changes nothing but /me ----
    Row("POST", "/api/v1/auth/login", lambda fx, t: "/api/v1/auth/login", everyone(200),
        body=lambda fx, t: {"email": fx.login[0], "password": fx.login[1]}),
    Row("POST", "/api/v1/auth/refresh", lambda fx, t: "/api/v1/auth/refresh", everyone(401, "auth_required"),
        body=lambda fx, t: {}),
    Row("POST", "/api/v1/auth/logout", lambda fx, t: "/api/v1/auth/logout", everyone(204), body=lambda fx, t: {}),
    Row("GET", "/api/v1/auth/me", lambda fx, t: "/api/v1/auth/me", signed_in((200, None))),
    Row("GET", "/api/v1/.well-known/jwks.json", lambda fx, t: "/api/v1/.well-known/jwks.json", everyone(200)),
    Row("GET", "/.well-known/jwks.json", lambda fx, t: "/.well-known/jwks.json", everyone(200)),
    Row("POST", "/api/v1/rum", lambda fx, t: "/api/v1/rum", everyone(204),
        body=lambda fx, t: {"page": "/products", "metrics": [{"name": "LCP", "value": 1200}]}),
    Row("POST", "/api/v1/rum/errors", lambda fx, t: "/api/v1/rum/errors", everyone(204),
        body=lambda fx, t: {"page": "/products", "errors": [{"kind": "js", "message": "isolation"}]}),
    # ---- operations ----
    # The admins' operations view, answered by the gateway itself (from the stack's Prometheus
    # and its own record of slow requests): whichever store a token or the header names.
    Row("GET", "/api/v1/admin/ops/series", lambda fx, t: "/api/v1/admin/ops/series?panel=rate&range=300",
        admin_rule((200, None))),
    Row("GET", "/api/v1/admin/ops/alerts", lambda fx, t: "/api/v1/admin/ops/alerts", admin_rule((200, None))),
    Row("GET", "/api/v1/admin/ops/slow-requests", lambda fx, t: "/api/v1/admin/ops/slow-requests",
        admin_rule((200, None))),
    Row("GET", "/health/live", lambda fx, t: "/health/live", everyone(200)),
    Row("GET", "/health/ready", lambda fx, t: "/health/ready", everyone(200)),
    Row("GET", "/api/openapi.json", lambda fx, t: "/api/openapi.json", everyone(200)),
    # Finding 10: /metrics must never answer on the public API port (it is not an operation of
    # the document: each service serves it on its internal listener only).
    Row("GET", "/metrics", lambda fx, t: "/metrics", everyone(404, "not_found")),
]
NOT_OPERATIONS = {("GET", "/metrics")}


# An import's first part: the header and one product (native columns).
IMPORT_PART = b"sku,name,price_cents,currency,status\r\nISO-IMP-1,Imported lamp,100,EUR,active\r\n"


def document_operations():
    with open(os.path.join(REPO, "api", "openapi.json")) as f:
        doc = json.load(f)
    methods = {"get", "post", "put", "patch", "delete", "head", "options"}
    return {(m.upper(), path) for path, item in doc["paths"].items() for m in item if m in methods}


class Fixture:
    """Two stores with a category, an active, a draft and a deleted product each; a user of
    each store; tokens of the five callers."""

    def __init__(self):
        self.catalog_db, self.identity_db = PsqlSession(), PsqlSession("mercato_identity")
        self.issuer = IdentityIssuer()
        self.catalog = Service("catalog", env={**self.issuer.env(), "CATALOG_CURSOR_SECRET": "isolation"},
                               wait_ready=True)
        ident = self.issuer.identity
        self.gateway = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(self.catalog.port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(ident.port),
            "RATE_LIMIT_PER_MINUTE": "100000", "PROMETHEUS_URL": PROMETHEUS_URL}, wait_ready=True)
        self.store = {"A": new_store(), "B": new_store()}
        self.tokens = {
            "anonymous": None,
            "viewer_a": self.issuer.token("viewer", store=self.store["A"]),
            "editor_a": self.issuer.token("editor", store=self.store["A"]),
            "editor_b": self.issuer.token("editor", store=self.store["B"]),
            "admin": self.issuer.token("admin", store=DEFAULT_STORE),
        }
        self.login = self.issuer.user("viewer", self.store["A"])
        self.category, self.active, self.draft, self.deleted, self.user, self.job = {}, {}, {}, {}, {}, {}
        self.imports, self.finished_import = {}, {}
        for t in TARGETS:
            self.category[t] = self.admin_call(t, "POST", "/api/v1/categories", {"name": "Iso"})["id"]
            self.active[t] = self.fresh_product(t)
            self.draft[t] = self.fresh_product(t, status="draft")
            self.deleted[t] = self.fresh_product(t, deleted=True)
            self.user[t] = self.fresh_user(t)
            # A job that selects nothing (a category without products): it only has to exist.
            r = request(self.catalog.url, "POST", "/api/v1/products/bulk",
                        {"action": "archive", "filter": {"category_id": self.fresh_category(t)}},
                        headers={"X-Store-ID": self.store[t], "Authorization": "Bearer " + self.tokens["admin"]})
            assert r.status == 202, r.body
            self.job[t] = r.json()["data"]["id"]
            self.imports[t] = self.fresh_import(t)
            self.finished_import[t] = self.fresh_import(t, finished=True)

    def fresh_import(self, target, finished=False):
        """An import of `target`'s store with its first part received; finished: dry-run too."""
        imp = self.admin_call(target, "POST", "/api/v1/imports", {"filename": "iso.csv", "mapping": "mercato"})["id"]
        h = {"X-Store-ID": self.store[target], "Authorization": "Bearer " + self.tokens["admin"],
             "Content-Type": "text/csv"}
        r = request(self.catalog.url, "PUT", f"/api/v1/imports/{imp}/parts/1", body=IMPORT_PART, headers=h)
        assert r.status == 200, r.body
        if finished:
            self.admin_call(target, "POST", f"/api/v1/imports/{imp}/finish")
        return imp

    def admin_call(self, target, method, path, body=None):
        r = request(self.catalog.url, method, path, body=body,
                    headers={"X-Store-ID": self.store[target], "Authorization": "Bearer " + self.tokens["admin"]})
        assert r.status in (200, 201, 204), (method, path, r.body)
        return r.json()["data"] if r.body else None

    def fresh_product(self, target, status="active", deleted=False):
        p = self.admin_call(target, "POST", "/api/v1/products",
                            {"name": f"Iso {status}", "sku": "ISO-" + uuid.uuid4().hex[:10], "price_cents": 5,
                             "currency": "EUR", "status": status, "category_id": self.category[target]})
        if deleted:
            self.admin_call(target, "DELETE", f"/api/v1/products/{p['id']}")
        return p["id"]

    def fresh_category(self, target):
        return self.admin_call(target, "POST", "/api/v1/categories", {"name": "Iso " + uuid.uuid4().hex[:8]})["id"]

    def fresh_user(self, target):
        # Straight into identity's table: the users API is under test, and argon2id is slow.
        uid = str(uuid.uuid4())
        self.identity_db(f"INSERT INTO users (id, email, role, store_id, password_hash) VALUES ('{uid}', "
                         f"'iso-{uid[:12]}@test.dev', 'viewer', '{self.store[target]}', 'not-a-hash')")
        return uid

    def settle_jobs(self, timeout=60):
        """Waits until no job of the two stores is queued or running: an import or a bulk write
        a cell started (202) writes in the background, and must not be counted against the next
        cell's refused write."""
        ids = ", ".join(f"'{s}'" for s in self.store.values())
        deadline = time.monotonic() + timeout
        while self.catalog_db(f"SELECT count(*) FROM jobs WHERE store_id IN ({ids}) "
                              "AND state IN ('queued', 'running')") != "0":
            if time.monotonic() > deadline:
                raise AssertionError(f"jobs of the isolation stores still open after {timeout} s")
            time.sleep(0.05)

    def fingerprint(self, what):
        if what == "catalog":
            ids = ", ".join(f"'{s}'" for s in self.store.values())
            return self.catalog_db(f"""SELECT (SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || count(deleted_at)
                                      FROM products WHERE store_id IN ({ids})) || ' ' ||
                                   (SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || count(deleted_at)
                                      FROM categories WHERE store_id IN ({ids})) || ' ' ||
                                   (SELECT count(*) FROM audit_log WHERE store_id IN ({ids}))""")
        return self.identity_db("SELECT count(*) || '/' || count(deleted_at) || '/' || coalesce(max(updated_at)::text, '') || '/' "
                    "|| count(*) FILTER (WHERE active) || '/' || string_agg(md5(name || role), '' ORDER BY id) "
                    "FROM users")

    def close(self):
        self.gateway.stop()
        self.catalog.stop()
        self.issuer.close()
        self.catalog_db.close()
        self.identity_db.close()


class Isolation(unittest.TestCase):
    fx = None

    @classmethod
    def setUpClass(cls):
        cls.fx = Fixture()

    @classmethod
    def tearDownClass(cls):
        cls.fx.close()

    def test_every_operation_of_the_document_has_a_row(self):
        in_table = {(r.method, r.template) for r in ROWS}
        documented = document_operations()
        self.assertEqual(sorted(documented - in_table), [], "operations of api/openapi.json without a row")
        self.assertEqual(sorted(in_table - documented - NOT_OPERATIONS), [],
                         "rows for operations the document does not have")

    def run_row(self, row):
        fx = self.fx
        for target in TARGETS:
            for caller in CALLERS:
                with self.subTest(caller=caller, target=target):
                    path = row.path(fx, target)
                    body = row.body(fx, target) if row.body else None
                    if row.writes == "catalog":
                        fx.settle_jobs()
                    before = fx.fingerprint(row.writes) if row.writes else None
                    h = {"X-Store-ID": fx.store[target], **row.headers}
                    if fx.tokens[caller]:
                        h["Authorization"] = "Bearer " + fx.tokens[caller]
                    r = request(fx.gateway.url, row.method, path, body=body, headers=h)
                    status, code = row.expect(caller, target)
                    got_code = None
                    if r.status >= 400 and r.body:
                        got_code = r.json().get("error", {}).get("code")
                    self.assertEqual((r.status, got_code), (status, code), r.body[:300])
                    if r.status >= 400 and row.writes:
                        self.assertEqual(fx.fingerprint(row.writes), before, "a refused write changed the database")
                    if not member(caller, target):
                        for t in TARGETS:
                            self.assertNotIn(fx.draft[t].encode(), r.body, "a draft reached a non-member")


def _make(row):
    def test(self):
        self.run_row(row)
    test.__doc__ = f"{row.method} {row.template} ({row.name})"
    if row.owner:
        test.__doc__ += f" — expected failure, owner: {row.owner}"
        test = unittest.expectedFailure(test)
    return test


for _row in ROWS:
    assert not hasattr(Isolation, "test_" + _row.name), _row.name
    setattr(Isolation, "test_" + _row.name, _make(_row))


if __name__ == "__main__":
    unittest.main()
