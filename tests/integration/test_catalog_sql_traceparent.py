"""A head-sampled request's trace reaches PostgreSQL: the catalog runs its statements with the
traceparent as an SQL comment (sqlcommenter's form), which pg_stat_activity shows while the
statement runs; an unsampled request's statements keep their prepared text.

A catalog of the test's own: it records spans (OTEL_EXPORTER_OTLP_ENDPOINT set; nothing needs to
listen there, spans are dropped), samples only what a trusted caller asks for
(parentbased_always_off) and trusts 127.0.0.1, where the test sends from. A PATCH waits for the
product's row lock, held by a psql session, so its SELECT … FOR UPDATE is seen running; the lock
is then released and the PATCH answers 200.

Needs the server tracing middleware (req.context.trace, the traceparent answer header) and the
exporter (only a recording trace gets the comment): the test is skipped until the catalog
answers with a traceparent and exports the tracing_* metrics."""

import threading
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, PsqlSession, new_store
from testkit import Service, free_port, request, wait_until

WAITING = ("SELECT query FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
           "AND pid <> pg_backend_pid()")


class SqlTraceparent(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        cls.svc = Service("catalog", env={**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "sql-traceparent",
                                          "TRUSTED_PROXIES": "127.0.0.1",
                                          "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{free_port()}",
                                          "OTEL_TRACES_SAMPLER": "parentbased_always_off"}, wait_ready=True)
        cls.store = new_store()
        cls.editor = cls.issuer.token("editor", store=cls.store)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        cls.issuer.close()

    def call(self, method, path, body=None, headers=None):
        h = {"Authorization": "Bearer " + self.editor, "X-Store-ID": self.store, **(headers or {})}
        return request(self.svc.url, method, path, body=body, headers=h)

    def setUp(self):
        r = self.call("POST", "/api/v1/products", {"name": "Traced Lamp", "sku": "SKU-" + uuid.uuid4().hex[:10],
                                                   "price_cents": 1500, "currency": "USD", "stock": 1})
        self.assertEqual(r.status, 201, r.body)
        if not r.header("traceparent"):
            self.skipTest("the catalog does not trace requests yet (server tracing middleware)")
        if "tracing_spans_exported_total" not in self.svc.metrics():
            self.skipTest("the catalog does not record spans yet (the OTLP exporter, service::Tracing)")
        self.pid = r.json()["data"]["id"]

    def patch_while_locked(self, traceparent):
        """Sends a PATCH carrying `traceparent` while its product's row is locked; returns the
        text of the statement seen waiting for the lock, and the PATCH's status."""
        holder, watcher = PsqlSession(), PsqlSession()
        statuses = []
        thread = threading.Thread(target=lambda: statuses.append(self.call(
            "PATCH", f"/api/v1/products/{self.pid}", {"stock": 2}, headers={"traceparent": traceparent}).status))
        try:
            holder(f"BEGIN; SELECT 1 FROM products WHERE id = '{self.pid}' FOR UPDATE")
            thread.start()
            waiting = wait_until(lambda: watcher(WAITING), timeout=10)
            self.assertTrue(waiting, "the PATCH should be waiting for the row lock")
            self.assertEqual(statuses, [])
        finally:
            holder("COMMIT")
            thread.join()
            holder.close()
            watcher.close()
        return waiting, statuses

    def test_a_sampled_requests_statement_shows_its_trace_id_in_pg_stat_activity(self):
        trace_id = uuid.uuid4().hex
        waiting, statuses = self.patch_while_locked(f"00-{trace_id}-{uuid.uuid4().hex[:16]}-01")
        self.assertEqual(statuses, [200])
        self.assertRegex(waiting, rf"^/\*traceparent='00-{trace_id}-[0-9a-f]{{16}}-01'\*/ SELECT ")
        self.assertIn("FOR UPDATE", waiting)

    def test_an_unsampled_requests_statement_keeps_its_prepared_text(self):
        trace_id = uuid.uuid4().hex
        waiting, statuses = self.patch_while_locked(f"00-{trace_id}-{uuid.uuid4().hex[:16]}-00")
        self.assertEqual(statuses, [200])
        self.assertNotIn("traceparent", waiting)
        self.assertNotIn(trace_id, waiting)
        self.assertIn("FOR UPDATE", waiting)


if __name__ == "__main__":
    unittest.main()
