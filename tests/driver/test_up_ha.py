"""`./mercato up --ha` (issue 16): the dev stack on a pg_auto_failover formation instead of one
PostgreSQL server, started and stopped by the driver like any other stack.

A whole `up --ha -d` beside the suite's stack (driver/isolated.py: its own state directory and
free ports; no dashboard, MERCATO_WEB=off, since a `next build` would only add minutes). It
holds when `up` reports the formation and `status` a primary and two secondaries; the primary
commits synchronously to a standby (synchronous_standby_names is ANY 1 of them, and one is a
quorum/sync standby in pg_stat_replication); a product the demo admin writes through the gateway
is on all three nodes; the catalog sends reads to the standbys (db_read_routes_total
{to="replica"}); `down` stops every process of the formation (its ports close); and `up`
without --ha then refuses to start the same stack on an empty single server.

What a primary's loss does to acknowledged writes is tests/integration/test_pg_failover.py's.
"""

import os
import subprocess
import time
import unittest

from driver.isolated import port_open, run_driver
from integration.test_catalog_support import DEFAULT_STORE
from testkit import request

UP_BOUND_S = 420  # 18 s here; creating the formation took up to a minute on a loaded machine


def have_pg_autoctl():
    return subprocess.run(["sh", "-c", "command -v pg_autoctl"], capture_output=True).returncode == 0


@unittest.skipUnless(have_pg_autoctl(), "needs pg_autoctl (./mercato up installs postgresql-15-auto-failover)")
class TestUpHa(unittest.TestCase):
    def setUp(self):
        self.env = {"MERCATO_WEB": "off", "MERCATO_DEMO_PRODUCTS": "20"}
        self.up = run_driver(self, ["up", "--ha", "-d"], self.env, UP_BOUND_S)
        # Registered whatever `up` said: a half-started formation is stopped too.
        self.addCleanup(self.down)
        self.assertEqual(self.up.rc, 0, self.up.out[-6000:])
        self.nodes = [self.up.ports[n] for n in ("PG", "PG_REPLICA", "PG_NODE3")]
        self.gateway = f"http://127.0.0.1:{self.up.ports['GATEWAY']}"
        self.pgpass = os.path.join(self.up.state, "dev", "secrets", "pgpass")

    def down(self):
        if getattr(self, "stopped", False):
            return
        self.stopped = True
        run_driver(self, ["down"], self.env, 180, after=self.up)

    def psql(self, port, sql, db="postgres"):
        r = subprocess.run(["psql", f"host=127.0.0.1 port={port} user=postgres dbname={db} connect_timeout=5",
                            "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True, text=True,
                           timeout=30, env={**os.environ, "PGPASSFILE": self.pgpass})
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_up_runs_the_formation_and_down_stops_it(self):
        self.assertIn("pg_auto_failover: nodes", self.up.out)

        status = run_driver(self, ["status"], self.env, 60, after=self.up)
        self.assertEqual(status.rc, 0, status.out)
        self.assertRegex(status.out, r"postgres-replica +- +\(--ha")
        states = [line.split()[1] for line in status.out.splitlines() if line.strip().startswith("node")]
        self.assertEqual(sorted(states), ["primary", "secondary", "secondary"], status.out)

        # Synchronous replication on whichever node is primary.
        primary = next(p for p in self.nodes if self.psql(p, "SELECT pg_is_in_recovery()") == "f")
        self.assertIn("ANY 1", self.psql(primary, "SHOW synchronous_standby_names"))
        self.assertGreaterEqual(int(self.psql(
            primary, "SELECT count(*) FROM pg_stat_replication WHERE sync_state IN ('sync', 'quorum')")), 1)

        # A write through the gateway, as the demo admin `up` created.
        with open(os.path.join(self.up.state, "demo-admin.txt")) as f:
            email, password = f.read().split()
        r = request(self.gateway, "POST", "/api/v1/auth/login", {"email": email, "password": password})
        self.assertEqual(r.status, 200, r.body)
        token = r.json()["data"]["access_token"]
        r = request(self.gateway, "POST", "/api/v1/products",
                    {"name": "HA lamp", "sku": "HA-UP-1", "price_cents": 1200, "currency": "EUR", "status": "active",
                     "stock": 3}, headers={"Authorization": "Bearer " + token, "X-Store-ID": DEFAULT_STORE})
        self.assertEqual(r.status, 201, r.body)
        product = r.json()["data"]["id"]
        # Acknowledged after a standby had its WAL; replayed on both within moments.
        for port in self.nodes:
            deadline = time.monotonic() + 10
            while self.psql(port, f"SELECT count(*) FROM products WHERE id = '{product}'", "mercato_catalog") != "1":
                self.assertLess(time.monotonic(), deadline, f"the product is not on node {port}")
                time.sleep(0.2)

        # Reads that miss the cache go to the standbys.
        for page in range(1, 6):
            r = request(self.gateway, "GET", f"/api/v1/products?per_page=5&page={page}",
                        headers={"X-Store-ID": DEFAULT_STORE})
            self.assertEqual(r.status, 200, r.body)
        metrics = request(f"http://127.0.0.1:{self.up.ports['CATALOG_METRICS']}", "GET", "/metrics").body.decode()
        replica_reads = sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
                            if line.startswith("db_read_routes_total{") and 'to="replica"' in line)
        self.assertGreater(replica_reads, 0, "no read went to a standby")

        self.down()
        for port in self.nodes + [self.up.ports["PG_HA_MONITOR"]]:
            self.assertFalse(port_open(port), f"port {port} still open after down")

        # The formation's data is not started as an empty single server by mistake.
        single = run_driver(self, ["up", "-d"], self.env, 120, after=self.up)
        self.assertEqual(single.rc, 1, single.out)
        self.assertIn("data is in a --ha formation", single.out)
        self.assertFalse(port_open(self.up.ports["PG"]), "up without --ha started something")


if __name__ == "__main__":
    unittest.main()
