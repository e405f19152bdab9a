"""The request deadline (docs/architecture.md#request-deadline): the gateway starts a budget
at UPSTREAM_TIMEOUT and passes what remains in X-Request-Deadline-Ms; the catalog bounds every
statement of the request by it, so a write stuck behind a row lock is answered 504 when the
budget is spent and its statement is cancelled, instead of waiting DB_QUERY_TIMEOUT (here 30 s)
for the lock. Own gateway and catalog instances (on ports the kernel picks, outside every
stack's block), so the stack's settings stay untouched."""

import time
import unittest
import uuid

from .test_catalog_support import CatalogBehindGateway, PsqlSession, psql
from testkit import request, wait_until


def exchange(svc, method, path, body=None, headers=None, source=None, timeout=10):
    r = request(svc.url, method, path, body=body, headers=headers, source=source, timeout=timeout)
    return r.status, r.json()


class RequestDeadlineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = CatalogBehindGateway(catalog_env={"DB_QUERY_TIMEOUT": "30s", "TRUSTED_PROXIES": "127.0.0.1"},
                                         gateway_env={"UPSTREAM_TIMEOUT": "2s"})
        cls.catalog, cls.gateway = cls.stack.catalog, cls.stack.gateway
        cls.store, cls.token = cls.stack.store, cls.stack.token

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    def auth(self):
        return {"Authorization": "Bearer " + self.token, "X-Store-ID": self.store}

    def new_product(self):
        body = {"name": "Deadline lamp", "sku": "DL-" + uuid.uuid4().hex[:10], "price_cents": 1000,
                "currency": "EUR", "status": "active", "stock": 1}
        r = request(self.catalog.url, "POST", "/api/v1/products", body=body, headers=self.auth())
        self.assertEqual(r.status, 201, r.body)
        return r.json()["data"]["id"]

    def test_a_write_behind_a_locked_row_answers_504_in_the_budget_and_leaves_no_waiting_statement(self):
        pid = self.new_product()
        locker = PsqlSession()
        try:
            locker_pid = locker("SELECT pg_backend_pid()")
            locker("BEGIN")
            locker(f"SELECT 1 FROM products WHERE id = '{pid}' FOR UPDATE")

            started = time.monotonic()
            status, body = exchange(self.gateway, "PATCH", f"/api/v1/products/{pid}", {"name": "Renamed"},
                                    headers=self.auth(), timeout=40)
            elapsed = time.monotonic() - started
            self.assertEqual(status, 504, body)
            self.assertEqual(body["error"]["code"], "gateway_timeout")
            self.assertGreaterEqual(elapsed, 1.5)  # the budget was spent waiting, not refused early
            self.assertLess(elapsed, 5.0)

            def waiters():
                return int(locker(f"SELECT count(*) FROM pg_stat_activity WHERE {locker_pid} = ANY(pg_blocking_pids(pid))"))
            self.assertEqual(wait_until(lambda: waiters() == 0, timeout=1.0, interval=0.05), True,
                             "the PATCH's statement still waits for the lock after the 504")
            locker("ROLLBACK")
        finally:
            locker.close()
        # The cancelled PATCH changed nothing, even once the lock is gone.
        self.assertEqual(psql(f"SELECT name || '/' || version FROM products WHERE id = '{pid}'"), "Deadline lamp/1")

    def test_reads_that_miss_the_cache_behind_a_locked_table_answer_504_in_the_budget_and_leave_no_waiting_statement(self):
        # Every read's statements wait on the lock: product detail, v1 and v2 lists, categories.
        pid = self.new_product()
        cid = str(uuid.uuid4())
        psql(f"INSERT INTO categories (id, store_id, name, slug) VALUES ('{cid}', '{self.store}', 'Lamps', "
             f"'lamps-{cid[:8]}')")
        absent = str(uuid.uuid4())  # never read before: a miss in every tier
        locker = PsqlSession()
        try:
            locker_pid = locker("SELECT pg_backend_pid()")
            locker("BEGIN")
            locker("LOCK TABLE products, categories IN ACCESS EXCLUSIVE MODE")

            def waiters():
                return int(locker(f"SELECT count(*) FROM pg_stat_activity WHERE {locker_pid} = ANY(pg_blocking_pids(pid))"))

            def assert_504_and_no_waiter(svc, path, headers, low, high):
                started = time.monotonic()
                status, body = exchange(svc, "GET", path, headers=headers, timeout=40)
                elapsed = time.monotonic() - started
                self.assertEqual(status, 504, (path, body))
                self.assertEqual(body["error"]["code"], "gateway_timeout", path)
                self.assertGreaterEqual(elapsed, low, path)  # spent waiting, not refused early
                self.assertLess(elapsed, high, path)
                self.assertEqual(wait_until(lambda: waiters() == 0, timeout=1.0, interval=0.05), True,
                                 f"the statement of GET {path} still waits for the lock after the 504")

            # Through the gateway (UPSTREAM_TIMEOUT=2s), anonymously: the public, cached path.
            assert_504_and_no_waiter(self.gateway, f"/api/v1/products/{absent}", {"X-Store-ID": self.store}, 1.5, 5.0)
            # Straight to the catalog with a budget from a trusted peer: each read path, public
            # (through the cache) and member (straight to the database).
            budget = {"X-Request-Deadline-Ms": "500"}
            public = {**budget, "X-Store-ID": self.store}
            member = {**budget, **self.auth()}
            for path, headers in [(f"/api/v1/products/{pid}", public), (f"/api/v1/products/{pid}", member),
                                  ("/api/v1/products?per_page=7", public), ("/api/v1/products?per_page=7", member),
                                  ("/api/v2/products?limit=7", public), ("/api/v2/products?limit=7&q=lamp", member),
                                  ("/api/v1/products?q=lamp", public),
                                  (f"/api/v1/categories/{cid}", public), (f"/api/v1/categories/{cid}", member),
                                  ("/api/v1/categories?per_page=9", public), ("/api/v1/categories", member)]:
                assert_504_and_no_waiter(self.catalog, path, headers, 0.4, 3.0)
            locker("ROLLBACK")
        finally:
            locker.close()
        # With the lock gone the same reads answer (the 504s cached nothing).
        status, body = exchange(self.catalog, "GET", f"/api/v1/products/{pid}", headers={"X-Store-ID": self.store})
        self.assertEqual(status, 200, body)
        status, body = exchange(self.gateway, "GET", f"/api/v1/products/{absent}", headers={"X-Store-ID": self.store})
        self.assertEqual(status, 404, body)

    def test_the_catalog_believes_a_spent_budget_from_a_trusted_peer_only(self):
        pid = self.new_product()
        path = f"/api/v1/products/{pid}"
        status, body = exchange(self.catalog, "PATCH", path, {"name": "x"},
                                headers={**self.auth(), "X-Request-Deadline-Ms": "0"})
        self.assertEqual(status, 504, body)
        self.assertEqual(body["error"]["code"], "gateway_timeout")
        # 127.0.0.10 is not in TRUSTED_PROXIES: its budget is ignored and the service's own holds.
        status, body = exchange(self.catalog, "GET", path, headers={**self.auth(), "X-Request-Deadline-Ms": "0"},
                                source="127.0.0.10")
        self.assertEqual(status, 200, body)
        for hostile in ["-1", "abc", "1.5", "99999999999999999999"]:
            status, body = exchange(self.catalog, "GET", path, headers={**self.auth(), "X-Request-Deadline-Ms": hostile})
            self.assertEqual(status, 200, (hostile, body))

    def test_the_gateway_ignores_a_clients_budget_and_passes_on_its_own(self):
        pid = self.new_product()
        # A client of the gateway is not trusted (its TRUSTED_PROXIES is empty): a spent budget
        # it sends neither shortens the gateway's nor reaches the catalog.
        status, body = exchange(self.gateway, "GET", f"/api/v1/products/{pid}",
                                headers={**self.auth(), "X-Request-Deadline-Ms": "0"})
        self.assertEqual(status, 200, body)


if __name__ == "__main__":
    unittest.main()
