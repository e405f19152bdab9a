"""A flood of searches cannot take the catalog's database connections from every other read
(SEARCH_MAX_CONCURRENT, SEARCH_MAX_WAITING: docs/architecture.md, "Search").

A search costs milliseconds of PostgreSQL where a product read costs a fraction of one, and
anyone may send searches. Without a bound, a burst of them (or a slow moment of the database
under them) holds every pooled connection, and product reads queue behind them until their
deadline: the stalls of the soak (docs/capacity.md). With it, at most SEARCH_MAX_CONCURRENT
searches of one catalog are in PostgreSQL, SEARCH_MAX_WAITING more wait their turn, and the
rest are refused at once with 503 and Retry-After.

The test makes searches slow on purpose: it holds an ACCESS EXCLUSIVE lock on product_counts,
which a search's first statement (its probe) reads and a product read does not. Every search
that reaches PostgreSQL then waits on the lock with its connection. The catalog under test has
a pool of 4 connections: without the bound, 10 searches take all 4 and a product read gets
none until its deadline."""

import subprocess
import threading
import unittest
import urllib.parse
import os
import uuid

from .test_catalog_support import lit, psql
from testkit import Service, request, run_binary, stack_env, wait_until

POOL = 4
CONCURRENT = 2
WAITING = 3
SEARCHES = 10


class LockHolder:
    """A psql session holding an ACCESS EXCLUSIVE lock on a table until release()."""

    def __init__(self, table):
        env = stack_env()
        self.proc = subprocess.Popen(
            ["psql", "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"], "-d", "mercato_catalog",
             "-XAtq", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.proc.stdin.write(f"BEGIN; LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE; SELECT 'locked';\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        if line != "locked":
            self.release()
            raise AssertionError(f"could not lock {table}: {line!r} {self.proc.stderr.read()}")

    def release(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("ROLLBACK;\n")
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdout, self.proc.stderr):
            f.close()


def searches_in_postgres():
    """The catalog's statements waiting on the test's lock that are search probes."""
    return int(psql("SELECT count(*) FROM pg_stat_activity WHERE datname = 'mercato_catalog' "
                    "AND wait_event_type = 'Lock' AND query LIKE '%product_search_tsquery%'"))


class SearchBulkhead(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.store = str(uuid.uuid4())
        r = run_binary("catalog", {"LOG_LEVEL": "warn"}, ["seed", "--products", "20", "--store", cls.store],
                       timeout=120)
        assert r.returncode == 0, r.stderr
        cls.product = psql(f"SELECT id FROM products WHERE store_id = {lit(cls.store)} AND deleted_at IS NULL "
                           "AND status = 'active' ORDER BY id LIMIT 1")
        identity = urllib.parse.urlsplit(os.environ.get("MERCATO_IDENTITY_URL", "http://127.0.0.3:18082"))
        cls.svc = Service("catalog", env={
            "CACHE_ENABLED": "false", "CATALOG_CURSOR_SECRET": "bulkhead-test", "LOG_LEVEL": "warn",
            "USER_SERVICE_HOST": identity.hostname, "USER_SERVICE_PORT": str(identity.port),
            "DB_REPLICA_HOSTS": "", "DB_MAX_OPEN_CONNS": str(POOL), "DB_MAX_IDLE_CONNS": str(POOL),
            "JOBS_WORKER": "false", "REQUEST_TIMEOUT": "10s", "DB_QUERY_TIMEOUT": "30s",
            "SEARCH_MAX_CONCURRENT": str(CONCURRENT), "SEARCH_MAX_WAITING": str(WAITING)}, wait_ready=True)

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        s = lit(cls.store)
        psql(f"BEGIN; DELETE FROM products WHERE store_id = {s}; DELETE FROM product_counts WHERE store_id = {s}; "
             f"DELETE FROM categories WHERE store_id = {s}; DELETE FROM stores WHERE id = {s}; COMMIT;")

    def search(self, term, out):
        try:
            out[term] = request(self.svc.url, "GET", "/api/v1/products?" + urllib.parse.urlencode({"q": term}),
                                headers={"X-Store-ID": self.store}, timeout=30)
        except OSError as e:  # recorded, so that the assertions below name it
            out[term] = e

    def metric(self, name):
        for line in self.svc.metrics().splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                if 'bulkhead="search"' in line and (name != "bulkhead_refused_total" or 'reason="full"' in line):
                    return float(line.rsplit(" ", 1)[1])
        return None

    def test_a_flood_of_searches_gets_a_bounded_share_of_the_pool_and_product_reads_still_answer(self):
        lock = LockHolder("product_counts")
        self.addCleanup(lock.release)
        results, threads = {}, []
        for i in range(SEARCHES):
            t = threading.Thread(target=self.search, args=(f"flood{i} oak", results), daemon=True)
            t.start()
            threads.append(t)

        refused = lambda: [r for r in results.values() if not isinstance(r, OSError) and r.status == 503]
        # The searches beyond the bound are refused without waiting for the lock.
        self.assertTrue(wait_until(lambda: len(refused()) == SEARCHES - CONCURRENT - WAITING, timeout=10),
                        {t: getattr(r, "status", r) for t, r in results.items()})
        self.assertTrue(wait_until(lambda: searches_in_postgres() == CONCURRENT, timeout=10))
        self.assertEqual(self.metric("bulkhead_waiting"), WAITING)
        self.assertEqual(self.metric("bulkhead_in_use"), CONCURRENT)
        self.assertEqual(searches_in_postgres(), CONCURRENT)  # still: the waiting ones wait in the catalog

        # A product read finds a connection while the searches hold theirs.
        r = request(self.svc.url, "GET", f"/api/v1/products/{self.product}", headers={"X-Store-ID": self.store},
                    timeout=30)
        self.assertEqual(r.status, 200, r.body)

        for r in refused():
            self.assertEqual(r.json()["error"]["code"], "service_unavailable", r.body)
            self.assertEqual(r.header("Retry-After"), "1")
        self.assertEqual(self.metric("bulkhead_refused_total"), SEARCHES - CONCURRENT - WAITING)

        # Once the database moves again, every admitted and waiting search is answered.
        lock.release()
        for t in threads:
            t.join(30)
        statuses = sorted(getattr(r, "status", repr(r)) for r in results.values())
        self.assertEqual(statuses, [200] * (CONCURRENT + WAITING) + [503] * (SEARCHES - CONCURRENT - WAITING))
        self.assertEqual(self.metric("bulkhead_in_use"), 0)
        self.assertEqual(self.metric("bulkhead_waiting"), 0)


if __name__ == "__main__":
    unittest.main()
