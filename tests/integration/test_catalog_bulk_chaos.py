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


def start_archive_job(test, svc, label):
    """A store of `test`'s scratch database with PRODUCTS active products, and a job archiving
    them by filter, started through `svc`: (store, editor token, job id)."""
    store = str(uuid.uuid4())
    test.sql(f"INSERT INTO stores (id, slug, name) VALUES ('{store}', '{label}-{store[:8]}', '{label}')")
    test.sql(f"""INSERT INTO products (id, store_id, name, slug, sku, price_cents, currency, status)
                 SELECT gen_random_uuid(), '{store}', '{label} ' || g, '{label}-' || g, '{label}-' || g, 100, 'EUR',
                        'active' FROM generate_series(1, {PRODUCTS}) g""")
    token = test.issuer.token("editor", store=store)
    r = request(svc.url, "POST", "/api/v1/products/bulk", {"action": "archive", "filter": {"status": "active"}},
                headers={"X-Store-ID": store, "Authorization": "Bearer " + token})
    test.assertEqual(r.status, 202, r.body)
    return store, token, r.json()["data"]["id"]


def assert_archived_once(test, store):
    """Exactly once: every product of `store` archived with one version bump and one audit row."""
    test.assertEqual(test.sql(f"SELECT status || '/' || version || '/' || count(*) FROM products "
                              f"WHERE store_id = '{store}' GROUP BY status, version"), f"archived/2/{PRODUCTS}")
    test.assertEqual(test.sql(f"SELECT count(*) || '/' || count(DISTINCT entity_id) FROM audit_log "
                              f"WHERE store_id = '{store}'"), f"{PRODUCTS}/{PRODUCTS}")


class BulkJobWorkerKilled(ScratchCatalogs):
    SCRATCH_DB = "mercato_catalog_bulk_chaos"
    ENV = {"CATALOG_CURSOR_SECRET": "bulk-chaos", "BULK_CHUNK_SIZE": str(CHUNK)}

    def test_a_killed_workers_job_resumes_elsewhere_and_writes_each_product_once(self):
        first = self.start_catalog()  # migrates the scratch database
        store, token, job = start_archive_job(self, first, "chaos")

        def progress():
            return self.job_progress(job)

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
        assert_archived_once(self, store)
        got = request(second.url, "GET", f"/api/v1/jobs/{job}",
                      headers={"X-Store-ID": store, "Authorization": "Bearer " + token}).json()["data"]
        self.assertEqual((got["state"], got["progress"]["done"], got["attempts"]), ("succeeded", PRODUCTS, 2))


class BulkJobWorkerStopped(ScratchCatalogs):
    """SIGTERM (a rolling restart) to the instance working a bulk job: it hands the job over
    after the chunk under way, exits 0, and the other instance finishes it at once; a dead
    worker's job would wait ten minutes here for its heartbeat to go stale."""

    SCRATCH_DB = "mercato_catalog_bulk_handover"
    ENV = {"CATALOG_CURSOR_SECRET": "bulk-handover", "BULK_CHUNK_SIZE": str(CHUNK), "JOBS_HEARTBEAT_TIMEOUT": "600s"}

    def test_a_stopped_workers_job_is_handed_over_and_finished_elsewhere_at_once(self):
        a, b = self.start_catalog(), self.start_catalog()
        store, token, job = start_archive_job(self, a, "handover")

        def progress():
            return self.job_progress(job)

        _, (other,) = self.stop_job_holder(job, [a, b], after_done=10 * CHUNK)
        self.assertLess(int(progress()[1]), PRODUCTS, "stopped before the end")

        def finished():
            p = progress()
            return p if p[0] in ("succeeded", "failed") else None

        ended = wait_until(finished, timeout=60, interval=0.1)
        self.assertIsNotNone(ended, f"the other instance did not finish the job within 60 s: {progress()}")
        state, done, locked_by, attempts = ended
        self.assertEqual((state, attempts), ("succeeded", "1"), "a handover does not count as a failed attempt")
        assert_archived_once(self, store)
        got = request(other.url, "GET", f"/api/v1/jobs/{job}",
                      headers={"X-Store-ID": store, "Authorization": "Bearer " + token}).json()["data"]
        self.assertEqual((got["state"], got["progress"]["done"]), ("succeeded", PRODUCTS))


if __name__ == "__main__":
    unittest.main()
