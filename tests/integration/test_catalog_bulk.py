"""Bulk product writes (POST /api/v1/products/bulk) and jobs (GET /api/v1/jobs/{id}) against a
real gateway, catalog, identity, PostgreSQL and Redis: per-item answers (If-Match, absent,
deleted, prices out of bounds), isolation from the attacker's side, hostile bodies that change
nothing, the rate limit's per-item cost (many small calls never cheaper than one large), one
invalidation per chunk with every changed product read back correctly through the gateway, and
a job by filter over thousands of products whose progress reaches its total. The job whose
worker is killed is test_catalog_bulk_chaos.py."""

import time
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, PsqlSession, SilentBusListener, metric, new_store, psql
from testkit import Service, request, wait_until


def insert_products(store, n, status="active", price=1000, category=None):
    """n products straight into the table (the API is not what these tests measure), ids
    ascending in insertion order; returns their ids."""
    cat = f"'{category}'" if category else "NULL"
    out = psql(f"""INSERT INTO products (id, store_id, category_id, name, slug, sku, price_cents, currency, status)
                   SELECT gen_random_uuid(), '{store}', {cat}, 'Bulk ' || g, 'bulk-' || g || '-{uuid.uuid4().hex[:6]}',
                          'BULK-' || g || '-{uuid.uuid4().hex[:6]}', {price}, 'EUR', '{status}'
                   FROM generate_series(1, {n}) g RETURNING id""")
    return out.split()


class BulkApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.catalog = Service("catalog", env={**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "bulk",
                                              "BULK_CHUNK_SIZE": "100", "JOBS_POLL_INTERVAL": "200ms"},
                              wait_ready=True)
        cls.gateway = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(cls.catalog.port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(cls.issuer.identity.port),
            "RATE_LIMIT_PER_MINUTE": "1000000"}, wait_ready=True)
        cls.store, cls.other = new_store(), new_store()
        cls.editor = cls.issuer.token("editor", store=cls.store)
        cls.viewer = cls.issuer.token("viewer", store=cls.store)
        cls.attacker = cls.issuer.token("editor", store=cls.other)
        cls.db = PsqlSession()

    @classmethod
    def tearDownClass(cls):
        cls.db.close()
        cls.gateway.stop()
        cls.catalog.stop()
        cls.issuer.close()

    # ---- helpers ----

    def call(self, method, path, body=None, token=None, store=None, svc=None):
        h = {"X-Store-ID": store or self.store}
        if token:
            h["Authorization"] = "Bearer " + token
        return request((svc or self.gateway).url, method, path, body=body, headers=h, timeout=30)

    def bulk(self, body, token=None, store=None):
        return self.call("POST", "/api/v1/products/bulk", body, token=token or self.editor, store=store)

    def create(self, **over):
        body = {"name": "Bulk Lamp", "sku": "BL-" + uuid.uuid4().hex[:10], "price_cents": 1000, "currency": "EUR",
                "status": "active"}
        body.update(over)
        r = self.call("POST", "/api/v1/products", body, token=self.editor)
        self.assertEqual(r.status, 201, r.body)
        return r.json()["data"]

    def fingerprint(self, store):
        return self.db(f"""SELECT (SELECT count(*) || '/' || coalesce(sum(version), 0) || '/' || count(deleted_at) || '/'
                                  || coalesce(sum(price_cents), 0) || '/' || string_agg(status, '' ORDER BY id)
                                  FROM products WHERE store_id = '{store}') || ' ' ||
                                 (SELECT count(*) FROM audit_log WHERE store_id = '{store}')""")

    def audit_rows(self, ids):
        quoted = ", ".join(f"'{i}'" for i in ids)
        return int(self.db(f"SELECT count(*) FROM audit_log WHERE store_id = '{self.store}' AND entity_id IN ({quoted})"))

    def items_by_id(self, r):
        self.assertEqual(r.status, 200, r.body)
        return {it["id"]: it for it in r.json()["data"]["items"]}

    # ---- per-item answers ----

    def test_each_item_answers_alone_if_match_absent_and_deleted(self):
        fresh, stale, plain, deleted = self.create(), self.create(), self.create(), self.create()
        self.assertEqual(self.call("PATCH", f"/api/v1/products/{stale['id']}", {"stock": 9}, token=self.editor).status, 200)
        self.assertEqual(self.call("DELETE", f"/api/v1/products/{deleted['id']}", token=self.editor).status, 204)
        absent = str(uuid.uuid4())
        audits_before = self.audit_rows([fresh["id"], stale["id"], plain["id"], deleted["id"]])
        r = self.bulk({"action": "archive", "items": [
            {"id": fresh["id"], "if_match": f'"{fresh["id"]}.1"'},
            {"id": stale["id"], "if_match": f'"{stale["id"]}.1"'},  # version 2 now
            {"id": plain["id"]}, {"id": absent}, {"id": deleted["id"]}]})
        items = self.items_by_id(r)
        self.assertEqual([it["id"] for it in r.json()["data"]["items"]],
                         [fresh["id"], stale["id"], plain["id"], absent, deleted["id"]], "answers keep the request's order")
        self.assertEqual((items[fresh["id"]]["status"], items[fresh["id"]]["etag"]), (200, f'"{fresh["id"]}.2"'))
        self.assertEqual((items[stale["id"]]["status"], items[stale["id"]]["error"]["code"]), (412, "precondition_failed"))
        self.assertEqual(items[plain["id"]]["status"], 200)
        self.assertEqual((items[absent]["status"], items[absent]["error"]["code"]), (404, "not_found"))
        self.assertEqual((items[deleted["id"]]["status"], items[deleted["id"]]["error"]["code"]), (404, "not_found"))
        self.assertEqual((r.json()["data"]["succeeded"], r.json()["data"]["failed"]), (2, 3))
        rows = dict(line.split("|", 1) for line in self.db(
            f"SELECT id, status || '/' || version FROM products WHERE id IN ('{fresh['id']}', '{stale['id']}', '{plain['id']}')"
        ).splitlines())
        self.assertEqual(rows, {fresh["id"]: "archived/2", stale["id"]: "active/2", plain["id"]: "archived/2"})
        # One audit row per written item, none for a refused one.
        self.assertEqual(self.audit_rows([fresh["id"], stale["id"], plain["id"], deleted["id"]]), audits_before + 2)
        got = self.call("GET", f"/api/v1/products/{fresh['id']}", token=self.editor)
        self.assertEqual(got.json()["data"]["status"], "archived")

    def test_restore_delete_and_activate_follow_the_single_write_rules(self):
        live, gone = self.create(status="archived"), self.create()
        self.assertEqual(self.call("DELETE", f"/api/v1/products/{gone['id']}", token=self.editor).status, 204)
        items = self.items_by_id(self.bulk({"action": "restore", "items": [{"id": live["id"]}, {"id": gone["id"]}]}))
        self.assertEqual((items[live["id"]]["status"], items[live["id"]]["error"]["code"]), (409, "conflict"))
        self.assertEqual(items[gone["id"]]["status"], 200)
        items = self.items_by_id(self.bulk({"action": "activate", "items": [{"id": live["id"]}]}))
        self.assertEqual(items[live["id"]]["status"], 200)
        items = self.items_by_id(self.bulk({"action": "delete", "items": [{"id": live["id"]}, {"id": gone["id"]}]}))
        self.assertEqual([items[live["id"]]["status"], items[gone["id"]]["status"]], [200, 200])
        self.assertEqual(self.call("GET", f"/api/v1/products/{live['id']}", token=self.editor).status, 404)

    def test_a_restore_refused_by_the_database_fails_only_its_item(self):
        # Two deleted products, one of whose sku a live product took meanwhile: the chunk's one
        # UPDATE is refused (unique), then each item is written alone in a savepoint.
        a, b = self.create(), self.create()
        for p in (a, b):
            self.assertEqual(self.call("DELETE", f"/api/v1/products/{p['id']}", token=self.editor).status, 204)
        self.create(sku=b["sku"])
        items = self.items_by_id(self.bulk({"action": "restore", "items": [{"id": a["id"]}, {"id": b["id"]}]}))
        self.assertEqual(items[a["id"]]["status"], 200)
        self.assertEqual((items[b["id"]]["status"], items[b["id"]]["error"]["code"]), (409, "conflict"))
        self.assertEqual(self.db(f"SELECT deleted_at IS NULL FROM products WHERE id = '{a['id']}'"), "t")
        self.assertEqual(self.db(f"SELECT deleted_at IS NULL FROM products WHERE id = '{b['id']}'"), "f")
        self.assertEqual(self.audit_rows([b["id"]]), 2, "b: its create and its delete, no restore")

    def test_adjust_price_rounds_and_refuses_out_of_bounds_per_item(self):
        cheap, dear = self.create(price_cents=5), self.create(price_cents=1999)
        items = self.items_by_id(self.bulk({"action": "adjust_price", "percent": -10,
                                            "items": [{"id": cheap["id"]}, {"id": dear["id"]}]}))
        self.assertEqual([items[cheap["id"]]["status"], items[dear["id"]]["status"]], [200, 200])
        prices = self.db(f"SELECT string_agg(price_cents::text, ',' ORDER BY price_cents) FROM products "
                         f"WHERE id IN ('{cheap['id']}', '{dear['id']}')")
        self.assertEqual(prices, "5,1799")  # 4.5 → 5 (halves up), 1799.1 → 1799
        items = self.items_by_id(self.bulk({"action": "adjust_price", "amount_cents": -1000,
                                            "items": [{"id": cheap["id"]}, {"id": dear["id"]}]}))
        self.assertEqual((items[cheap["id"]]["status"], items[cheap["id"]]["error"]["code"]), (422, "validation_failed"))
        self.assertEqual(items[dear["id"]]["status"], 200)
        items = self.items_by_id(self.bulk({"action": "adjust_price", "amount_cents": 100_000_000_000,
                                            "items": [{"id": dear["id"]}]}))
        self.assertEqual(items[dear["id"]]["status"], 422, "above the maximum price: an item error, never a 500")

    def test_set_category_moves_products_and_refuses_another_stores_category(self):
        mine = self.call("POST", "/api/v1/categories", {"name": "Bulk " + uuid.uuid4().hex[:6]}, token=self.editor)
        theirs = self.call("POST", "/api/v1/categories", {"name": "Theirs"}, token=self.attacker, store=self.other)
        p = self.create()
        before = self.fingerprint(self.store)
        r = self.bulk({"action": "set_category", "category_id": theirs.json()["data"]["id"], "items": [{"id": p["id"]}]})
        self.assertEqual((r.status, r.json()["error"]["code"]), (422, "validation_failed"))
        self.assertEqual(self.fingerprint(self.store), before)
        items = self.items_by_id(self.bulk({"action": "set_category", "category_id": mine.json()["data"]["id"],
                                            "items": [{"id": p["id"]}]}))
        self.assertEqual(items[p["id"]]["status"], 200)
        got = self.call("GET", f"/api/v1/products/{p['id']}").json()["data"]
        self.assertEqual(got["category"]["id"], mine.json()["data"]["id"])

    # ---- isolation, from the attacker's side ----

    def test_another_stores_products_are_not_found_and_untouched(self):
        victim = [self.create()["id"] for _ in range(3)]
        before = self.fingerprint(self.store)
        for action in ("delete", "archive"):
            r = self.bulk({"action": action, "items": [{"id": i} for i in victim]}, token=self.attacker, store=self.other)
            items = self.items_by_id(r)
            self.assertEqual({it["status"] for it in items.values()}, {404}, r.body)
            self.assertEqual({it["error"]["code"] for it in items.values()}, {"not_found"})
            self.assertEqual({it["error"]["message"] for it in items.values()}, {"product not found"},
                             "the same words as an id that does not exist")
        # Naming the victim's store: refused before anything is read.
        r = self.bulk({"action": "delete", "items": [{"id": victim[0]}]}, token=self.attacker, store=self.store)
        self.assertEqual((r.status, r.json()["error"]["code"]), (403, "forbidden"))
        r = self.bulk({"action": "delete", "filter": {}}, token=self.attacker, store=self.store)
        self.assertEqual((r.status, r.json()["error"]["code"]), (403, "forbidden"))
        r = self.bulk({"action": "delete", "items": [{"id": victim[0]}]}, token=self.viewer)
        self.assertEqual((r.status, r.json()["error"]["code"]), (403, "forbidden"))
        r = request(self.gateway.url, "POST", "/api/v1/products/bulk", {"action": "delete", "items": [{"id": victim[0]}]},
                    headers={"X-Store-ID": self.store})
        self.assertEqual((r.status, r.json()["error"]["code"]), (401, "auth_required"))
        self.assertEqual(self.fingerprint(self.store), before)

    def test_another_stores_job_is_not_found(self):
        r = self.bulk({"action": "archive", "filter": {"status": "draft", "category_id": str(uuid.uuid4())}})
        self.assertEqual(r.status, 202, r.body)
        path = r.header("Location")
        self.assertEqual(self.call("GET", path, token=self.editor).status, 200)
        self.assertEqual(self.call("GET", path, token=self.viewer).status, 200)
        got = self.call("GET", path, token=self.attacker, store=self.other)
        self.assertEqual((got.status, got.json()["error"]["code"]), (404, "not_found"))
        got = self.call("GET", path, token=self.attacker, store=self.store)
        self.assertEqual((got.status, got.json()["error"]["code"]), (404, "not_found"))
        got = request(self.gateway.url, "GET", path)
        self.assertEqual((got.status, got.json()["error"]["code"]), (401, "auth_required"))
        self.assertEqual(self.call("GET", f"/api/v1/jobs/{uuid.uuid4()}", token=self.editor).status, 404)

    # ---- hostile bodies: a clear error, nothing changed ----

    def test_hostile_bodies_are_refused_whole_and_change_nothing(self):
        p = self.create()
        before = self.fingerprint(self.store)
        over = [{"id": str(uuid.uuid4())} for _ in range(1001)]
        cases = [
            ({"action": "delete", "items": over}, 422, "items"),
            ({"action": "delete", "items": [{"id": p["id"]}, {"id": p["id"].upper()}]}, 422, "items[1].id"),
            ({"action": "delete", "items": [{"id": p["id"]}, {"id": 7}]}, 422, "items[1].id"),
            ({"action": "delete", "items": p["id"]}, 422, "items"),
            ({"action": "delete", "items": [{"id": p["id"], "if_match": 1}]}, 422, "items[0].if_match"),
            ({"action": "nuke", "items": [{"id": p["id"]}]}, 422, "action"),
            ({"action": "delete", "items": [{"id": p["id"]}], "filter": {}}, 422, "items"),
            ({"action": "adjust_price", "percent": "10", "items": [{"id": p["id"]}]}, 422, "percent"),
            ({"action": "delete", "filter": {"q": "lamp"}}, 422, "filter.q"),
        ]
        for body, status, field in cases:
            with self.subTest(field=field):
                r = self.bulk(body)
                self.assertEqual(r.status, status, r.body[:300])
                self.assertEqual(r.json()["error"]["code"], "validation_failed")
                self.assertIn(field, [d["field"] for d in r.json()["error"]["details"]])
        r = request(self.gateway.url, "POST", "/api/v1/products/bulk", None,
                    headers={"X-Store-ID": self.store, "Authorization": "Bearer " + self.editor,
                             "Content-Type": "application/json"})
        self.assertIn(r.status, (400, 422))
        self.assertEqual(self.fingerprint(self.store), before)

    # ---- the rate limit: items cost, however they are split ----

    def test_many_small_bulk_calls_never_cost_less_than_one_large(self):
        # 60 requests a minute (one a second of budget), an item costing a tenth of a request.
        with Service("gateway", env={
                "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(self.catalog.port),
                "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(self.issuer.identity.port),
                "RATE_LIMIT_PER_MINUTE": "60", "RATE_LIMIT_ITEMS_PER_REQUEST": "10"}, wait_ready=True) as gw:
            def spend(token, store, body):
                r = request(gw.url, "POST", "/api/v1/products/bulk", body,
                            headers={"X-Store-ID": store, "Authorization": "Bearer " + token}, timeout=30)
                self.assertIn(r.status, (200, 202), r.body[:200])
                return 60 - int(r.header("RateLimit-Remaining"))

            def items(n):
                return {"action": "archive", "items": [{"id": str(uuid.uuid4())} for _ in range(n)]}

            # Each side is a user of its own (the limit keys on the token's subject).
            large_store, small_store, job_store = new_store(), new_store(), new_store()
            large = self.issuer.token("editor", store=large_store)
            small = self.issuer.token("editor", store=small_store)
            used_large = spend(large, large_store, items(100))
            self.assertEqual(used_large, 11, "one call of 100 items: 1 request + 100/10")
            used_small = 0
            for _ in range(10):
                used_small = spend(small, small_store, items(10))
            # The items' part is the same (10 requests' worth); each extra call adds its own
            # request. A second of budget may have come back during the ten calls.
            self.assertGreaterEqual(used_small, used_large + 9 - 1, (used_small, used_large))
            self.assertLessEqual(used_small, used_large + 9)
            print(f"\n  budget used: one call of 100 items {used_large}, ten calls of 10 items {used_small}", end=" ")
            # A job by filter costs as 1,000 items: here more than the whole budget, capped at it,
            # so the next call of that user waits.
            job = self.issuer.token("editor", store=job_store)
            body = {"action": "archive", "filter": {"category_id": str(uuid.uuid4())}}
            self.assertEqual(spend(job, job_store, body), 60)
            r = request(gw.url, "POST", "/api/v1/products/bulk", items(1),
                        headers={"X-Store-ID": job_store, "Authorization": "Bearer " + job})
            self.assertEqual((r.status, r.json()["error"]["code"]), (429, "rate_limited"))
            # Another spelling of the path is not the bulk route (so it cannot dodge the count).
            r = request(gw.url, "POST", "/api/v1/products/bulk/", items(5),
                        headers={"X-Store-ID": small_store, "Authorization": "Bearer " + small})
            self.assertIn(r.status, (404, 405, 429))

    # ---- the cache: one invalidation per chunk, and every product right afterwards ----

    def test_each_chunk_is_one_invalidation_and_every_changed_product_reads_back_right(self):
        ids = insert_products(self.store, 250, price=1000)
        for i in ids:  # warm every tier: the catalog's L1 and Redis, the gateway's response cache
            for _ in range(2):
                self.assertEqual(self.call("GET", f"/api/v1/products/{i}").json()["data"]["price_cents"], 1000)
        sent = metric(self.catalog, "cache_invalidations_sent_total", {})
        r = self.bulk({"action": "adjust_price", "amount_cents": 234, "items": [{"id": i} for i in ids]})
        self.assertEqual(r.json()["data"]["succeeded"], 250, r.body[:300])
        self.assertEqual(metric(self.catalog, "cache_invalidations_sent_total", {}) - sent, 3,
                         "250 items in chunks of 100: three invalidations, not 250")
        for i in ids:
            self.assertEqual(self.call("GET", f"/api/v1/products/{i}").json()["data"]["price_cents"], 1234, i)
        listed = self.call("GET", f"/api/v1/products?per_page=100&sort=price").json()
        self.assertNotIn(1000, [p["price_cents"] for p in listed["data"] if p["id"] in set(ids)])

    # ---- jobs ----

    def test_a_job_by_filter_reaches_its_total_and_archives_each_product_once(self):
        store = new_store()
        token = self.issuer.token("editor", store=store)
        keep = insert_products(store, 50, status="draft")
        ids = insert_products(store, 3000, status="active")
        r = self.call("POST", "/api/v1/products/bulk", {"action": "archive", "filter": {"status": "active"}},
                      token=token, store=store)
        self.assertEqual(r.status, 202, r.body)
        self.assertTrue(r.header("Location").startswith("/api/v1/jobs/"))
        job = r.json()["data"]
        self.assertEqual((job["state"], job["action"], job["filter"]), ("queued", "archive", {"status": "active"}))
        seen = []

        def finished():
            got = self.call("GET", r.header("Location"), token=token, store=store).json()["data"]
            seen.append(got["progress"]["done"])
            return got if got["state"] in ("succeeded", "failed") else None

        final = wait_until(finished, timeout=120, interval=0.05)
        self.assertEqual(final["state"], "succeeded", final)
        self.assertEqual(final["progress"], {"done": 3000, "total": 3000, "errors": 0})
        self.assertEqual(seen, sorted(seen), "progress never goes back")
        self.assertEqual(self.db(f"SELECT status || '/' || version || '/' || count(*) FROM products WHERE store_id = '{store}' "
                                 f"GROUP BY status, version ORDER BY 1"), "archived/2/3000\ndraft/1/50")
        self.assertEqual(self.db(f"SELECT count(*) || '/' || count(DISTINCT entity_id) FROM audit_log WHERE store_id = '{store}'"),
                         "3000/3000")
        self.assertEqual(len(keep), 50)


    def test_a_job_reads_as_ended_only_after_its_last_chunks_invalidation(self):
        # A chunk's invalidation follows its commit. Had the last chunk also marked the job
        # succeeded, a client polling the job could read "succeeded" and then an instance's
        # old cached copy. A subscriber of the bus that never acknowledges holds each
        # invalidation for CACHE_ACK_TIMEOUT (250 ms): the job must still be running when the
        # invalidation of its products goes out.
        store = new_store()
        token = self.issuer.token("editor", store=store)
        ids = insert_products(store, 5, status="active")
        listener = SilentBusListener()
        try:
            r = self.call("POST", "/api/v1/products/bulk", {"action": "archive", "filter": {"status": "active"}},
                          token=token, store=store)
            self.assertEqual(r.status, 202, r.body)
            job = r.json()["data"]["id"]
            self.assertIsNotNone(listener.first_naming(ids), "no invalidation of the job's products")
            state_at_invalidation = self.db(f"SELECT state FROM jobs WHERE id = '{job}'")
            self.assertEqual(state_at_invalidation, "running")
        finally:
            listener.close()
        final = wait_until(lambda: self.db(f"SELECT state FROM jobs WHERE id = '{job}'") == "succeeded", timeout=60)
        self.assertTrue(final, "the job ends")
        self.assertEqual(self.db(f"SELECT count(*) FROM products WHERE store_id = '{store}' AND status = 'archived'"), "5")

if __name__ == "__main__":
    unittest.main()
