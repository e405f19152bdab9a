"""A bulk job whose worker dies: kill -9 the catalog instance working a job by filter in the
middle of it, start another instance, and the job finishes there with every product written
exactly once (one version bump and one audit row each), resumed at the dead worker's last
committed chunk, not restarted.

On a scratch database of its own, so that no other catalog (the stack's) can claim the job and
the killed instance is known to be the one working it."""

import os
import signal
import time
import unittest
import uuid

from .test_catalog_support import ScratchCatalogs
from testkit import request, wait_until

PRODUCTS = 4000
CHUNK = 20


class BulkJobWorkerKilled(ScratchCatalogs):
    SCRATCH_DB = "mercato_catalog_bulk_chaos"
    ENV = {"CATALOG_CURSOR_SECRET": "bulk-chaos", "BULK_CHUNK_SIZE": str(CHUNK)}

    def test_a_killed_workers_job_resumes_elsewhere_and_writes_each_product_once(self):
        first = self.start_catalog()  # migrates the scratch database
        store = str(uuid.uuid4())
        self.sql(f"INSERT INTO stores (id, slug, name) VALUES ('{store}', 'chaos-{store[:8]}', 'Chaos')")
        self.sql(f"""INSERT INTO products (id, store_id, name, slug, sku, price_cents, currency, status)
                     SELECT gen_random_uuid(), '{store}', 'Chaos ' || g, 'chaos-' || g, 'CH-' || g, 100, 'EUR', 'active'
                     FROM generate_series(1, {PRODUCTS}) g""")
        token = self.issuer.token("editor", store=store)
        r = request(first.url, "POST", "/api/v1/products/bulk", {"action": "archive", "filter": {"status": "active"}},
                    headers={"X-Store-ID": store, "Authorization": "Bearer " + token})
        self.assertEqual(r.status, 202, r.body)
        job = r.json()["data"]["id"]

        def progress():
            return self.sql(f"SELECT state || '|' || done || '|' || coalesce(locked_by, '') || '|' || attempts "
                            f"FROM jobs WHERE id = '{job}'").split("|")

        # Mid-job: some chunks committed, most not.
        wait_until(lambda: int(progress()[1]) >= 10 * CHUNK, timeout=60, interval=0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.proc.wait(10)
        state, done_at_kill, locked_by, attempts = progress()
        self.assertEqual(state, "running")
        self.assertIn(f"catalog-{first.pid}-", locked_by, "the killed instance was the one working the job")
        self.assertLess(int(done_at_kill), PRODUCTS, "killed before the end")
        self.assertEqual(attempts, "1")
        print(f"\n  killed pid {first.pid} at {done_at_kill}/{PRODUCTS}", end=" ")

        killed_at = time.time()
        second = self.start_catalog()

        def finished():
            p = progress()
            return p if p[0] in ("succeeded", "failed") else None

        state, done, locked_by, attempts = wait_until(finished, timeout=90, interval=0.1)
        print(f"taken over and finished {time.time() - killed_at:.1f} s after the kill", end=" ")
        self.assertEqual(state, "succeeded")
        self.assertEqual(attempts, "2", "claimed once more, by the second instance")
        self.assertEqual(self.sql(f"SELECT done || '/' || total || '/' || errors FROM jobs WHERE id = '{job}'"),
                         f"{PRODUCTS}/{PRODUCTS}/0")
        # Exactly once: every product archived with one version bump and one audit row.
        self.assertEqual(self.sql(f"SELECT status || '/' || version || '/' || count(*) FROM products "
                                  f"WHERE store_id = '{store}' GROUP BY status, version"), f"archived/2/{PRODUCTS}")
        self.assertEqual(self.sql(f"SELECT count(*) || '/' || count(DISTINCT entity_id) FROM audit_log "
                                  f"WHERE store_id = '{store}'"), f"{PRODUCTS}/{PRODUCTS}")
        got = request(second.url, "GET", f"/api/v1/jobs/{job}",
                      headers={"X-Store-ID": store, "Authorization": "Bearer " + token}).json()["data"]
        self.assertEqual((got["state"], got["progress"]["done"], got["attempts"]), ("succeeded", PRODUCTS, 2))


if __name__ == "__main__":
    unittest.main()
