"""The primary PostgreSQL stopped for real (through `mercato _ctl test`), the stack's replica
still holding what it had replayed (issue 16): the stack's catalog keeps answering reads that
miss every cache from the replica — a product no cache ever held is 200 with its data, an
unknown id 404 — and recovers once the primary is back."""

import os
import subprocess
import unittest
import uuid

from testkit import ctl, request, wait_until
from integration.test_catalog_support import new_store, psql

CATALOG = os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081")
REPLICA = os.environ.get("MERCATO_PG_REPLICA_ADDRESS", "127.0.0.1:25433")


def on_replica(sql):
    host, port = REPLICA.rsplit(":", 1)
    return subprocess.run(["psql", "-h", host, "-p", port, "-U", "postgres", "-d", "mercato_catalog", "-XAtqc", sql],
                          capture_output=True, text=True, timeout=30).stdout.strip()


class ReadsSurviveThePrimary(unittest.TestCase):
    def test_reads_are_served_by_the_replica_while_the_primary_is_down(self):
        store = new_store()
        # A product written straight into the database: no cache of the stack's catalog has
        # ever seen it, so only a database can answer its detail.
        pid = str(uuid.uuid4())
        psql(f"INSERT INTO products (id, store_id, name, slug, sku, price_cents, currency, status, stock) VALUES "
             f"('{pid}', '{store}', 'Replica-served lamp', 'replica-served-{pid[:8]}', 'RS-{pid[:8]}', 700, 'EUR', "
             f"'active', 1)")
        headers = {"X-Store-ID": store}
        self.assertTrue(wait_until(lambda: on_replica(f"SELECT count(*) FROM products WHERE id = '{pid}'") == "1",
                                   timeout=10), "the replica replays the insert")
        ctl("pg", "stop")
        try:
            got = request(CATALOG, "GET", f"/api/v1/products/{pid}", headers=headers)
            self.assertEqual(got.status, 200, got.body)
            self.assertEqual(got.json()["data"]["name"], "Replica-served lamp")
            missing = request(CATALOG, "GET", f"/api/v1/products/{uuid.uuid4()}", headers=headers)
            self.assertEqual(missing.status, 404, missing.body)
            # And it stays in its load balancer's rotation: ready, the database degraded, since
            # a replica in rotation serves its reads (a 503 here would pull every catalog out
            # of a Kubernetes Service and fail the reads the replica could answer).
            ready = request(CATALOG, "GET", "/health/ready")
            self.assertEqual(ready.status, 200, ready.body)
            self.assertEqual(ready.json()["checks"]["database"], "degraded", ready.body)
        finally:
            ctl("pg", "start")
        self.assertTrue(wait_until(lambda: request(CATALOG, "GET", "/health/ready").status == 200, timeout=30))


if __name__ == "__main__":
    unittest.main()
