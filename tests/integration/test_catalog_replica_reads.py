"""Reads on the stack's streaming replica (issue 16): with its replay paused
(pg_wal_replay_pause) while writes go on, the writer reads its writes (the Mercato-Read-After
its write answered with, as a header or as the cookie), everyone else reads at most
DB_REPLICA_MAX_LAG behind, no cache fill stores the replica's copy from before a write, and
reads move back to the replica once replay resumes. Two catalog instances share Redis, so the
writer's next read and the fill land on another process than the write."""

import os
import time
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, metric, new_store
from testkit import Service, request

REPLICA = os.environ.get("MERCATO_PG_REPLICA_ADDRESS", "127.0.0.1:25433")
MAX_LAG_S = 4  # long enough that a paused replica is surely still in rotation for a few requests


def replica_sql(sql, db="postgres"):
    import subprocess
    host, port = REPLICA.rsplit(":", 1)
    return subprocess.run(["psql", "-h", host, "-p", port, "-U", "postgres", "-d", db, "-Atc", sql],
                          check=True, capture_output=True, text=True, timeout=30).stdout.strip()


def pause_replay():
    replica_sql("SELECT pg_wal_replay_pause()")
    for _ in range(250):
        if replica_sql("SELECT pg_get_wal_replay_pause_state()") == "paused":
            return
        time.sleep(0.02)
    raise AssertionError("the replica did not pause")


def resume_replay():
    replica_sql("SELECT pg_wal_replay_resume()")


def lsn(text):
    """A WAL position's text (X/Y, hex) as a number, for comparing two."""
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


def eventually(pred, limit=15.0):
    until = time.monotonic() + limit
    while time.monotonic() < until:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


class ReadsOnReplicas(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.issuer = IdentityIssuer()
        env = {**cls.issuer.env(), "CATALOG_CURSOR_SECRET": "replicas", "DB_REPLICA_HOSTS": REPLICA,
               "DB_REPLICA_MAX_LAG": f"{MAX_LAG_S}s"}
        cls.a = Service("catalog", env=env, wait_ready=True)
        cls.b = Service("catalog", env=env, wait_ready=True)
        cls.store = new_store()
        cls.editor = cls.issuer.token("editor", store=cls.store)

    @classmethod
    def tearDownClass(cls):
        resume_replay()
        cls.a.stop()
        cls.b.stop()
        cls.issuer.close()

    def setUp(self):
        resume_replay()
        for svc in (self.a, self.b):
            self.assertTrue(eventually(lambda: self.in_rotation(svc)), "the replica serves reads before each test")

    def tearDown(self):
        resume_replay()

    def in_rotation(self, svc):
        return metric(svc, "db_replica_in_rotation", {"pool": "catalog-replica1"}) == 1

    def routed(self, svc, to, why):
        return metric(svc, "db_read_routes_total", {"pool": "catalog", "to": to, "why": why})

    def call(self, svc, method, path, body=None, token=None, headers=None):
        h = {"X-Store-ID": self.store, **(headers or {})}
        if token:
            h["Authorization"] = "Bearer " + token
        return request(svc.url, method, path, body=body, headers=h)

    def create(self, status="draft", price=100):
        r = self.call(self.a, "POST", "/api/v1/products",
                      {"name": "Replica lamp", "sku": "REP-" + uuid.uuid4().hex[:8], "price_cents": price,
                       "currency": "EUR", "status": status, "stock": 1}, self.editor)
        self.assertEqual(r.status, 201, r.body)
        return r

    def test_a_finished_jobs_answer_carries_the_position_of_its_writes(self):
        # The dashboard lists again when the bulk job it started has ended; that read may reach
        # another instance and a replica, and must see what the job wrote, which no write of
        # its own answered with a position for.
        pid = self.create(status="active").json()["data"]["id"]
        path = f"/api/v1/products/{pid}"
        # The replica has the product before replay pauses: asked of the replica itself, not
        # through b, whose caches would then hold it (an L1 copy is dropped by the invalidation
        # bus, asynchronously: a separate guarantee from the position's, tested elsewhere).
        self.assertTrue(eventually(lambda: replica_sql(f"SELECT count(*) FROM products WHERE id = '{pid}'",
                                                       db="mercato_catalog") == "1"))
        pause_replay()
        started = self.call(self.a, "POST", "/api/v1/products/bulk",
                            {"action": "archive", "filter": {"status": "active"}}, self.editor)
        self.assertEqual(started.status, 202, started.body)
        queued_at = started.header("Mercato-Read-After")  # the job's creation, not its writes
        ended = []

        def finished():
            r = self.call(self.a, "GET", started.header("Location"), token=self.editor)
            if r.json()["data"]["state"] in ("succeeded", "failed"):
                ended.append(r)
                return True
            self.assertIsNone(r.header("Mercato-Read-After"), "a job still at work has no position to give")
            return False

        self.assertTrue(eventually(finished, 30), "the job ended")
        final = ended[0]
        self.assertEqual(final.json()["data"]["state"], "succeeded", final.body)
        position = final.header("Mercato-Read-After")
        self.assertRegex(position or "", r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$", "an ended job answers with a position")
        self.assertIn(f"mercato_read_after={position}; Path=/api/", final.header("Set-Cookie") or "")
        self.assertGreater(lsn(position), lsn(queued_at), "past the job's writes, not just its creation")
        r = self.call(self.b, "GET", path, token=self.editor, headers={"Mercato-Read-After": position})
        self.assertEqual(r.json()["data"]["status"], "archived", "the read after the job sees its write")

    def test_a_member_never_reads_a_deleted_product_older_than_the_cache_knows_it(self):
        # The public entry of a deleted product is "absent", filled under the delete's fence;
        # a member (staff) then falls back to the database for what the public may not see (a
        # draft). That fallback must not read an older state than the entry it follows: from
        # a replica behind the delete it found the product alive and answered 200, to any
        # member without the writer's position (the dashboard's bulk delete e2e test met it).
        pid = self.create(status="active").json()["data"]["id"]
        path = f"/api/v1/products/{pid}"
        self.assertTrue(eventually(lambda: replica_sql(f"SELECT count(*) FROM products WHERE id = '{pid}'",
                                                       db="mercato_catalog") == "1"))
        self.assertEqual(self.call(self.a, "GET", path, token=self.editor).status, 200)  # cached
        pause_replay()
        deleted = self.call(self.a, "DELETE", path, token=self.editor)
        self.assertEqual(deleted.status, 204, deleted.body)
        other_member = self.issuer.token("viewer", store=self.store)
        for svc in (self.a, self.b):
            r = self.call(svc, "GET", path, token=other_member)
            self.assertEqual(r.status, 404, (svc.port, r.body))

    def test_the_writer_reads_its_write_everyone_else_at_most_the_bound_behind(self):
        pause_replay()
        written = self.create()
        pid = written.json()["data"]["id"]
        position = written.header("Mercato-Read-After")
        self.assertRegex(position or "", r"^[0-9A-F]{1,8}/[0-9A-F]{1,8}$", "a write answers with its WAL position")
        cookie = written.header("Set-Cookie") or ""
        self.assertIn(f"mercato_read_after={position}; Path=/api/; Max-Age={2 * MAX_LAG_S}; HttpOnly; SameSite=Strict",
                      cookie)
        # A member's list (never cached): read from the database each time, on the replica
        # when one qualifies. (A member's detail of a draft is read from the primary: the
        # test above.)
        path = "/api/v1/products?per_page=100"

        def listed(how=None):
            r = self.call(self.b, "GET", path, token=self.editor, headers=how)
            self.assertEqual(r.status, 200, r.body)
            return pid in [p["id"] for p in r.json()["data"]]

        self.assertTrue(self.in_rotation(self.b), "paused, but still within the bound")
        for how in ({"Mercato-Read-After": position}, {"Cookie": f"mercato_read_after={position}"}):
            before = self.routed(self.b, "primary", "read_after")
            self.assertTrue(listed(how), how)
            self.assertGreater(self.routed(self.b, "primary", "read_after"), before, how)
        # Without the position: the replica's copy, which does not have it yet (within the bound).
        self.assertFalse(listed(), "a reader without the position reads the replica, up to the bound behind")
        # Past the bound the replica leaves the rotation: everyone reads the write.
        self.assertTrue(eventually(lambda: not self.in_rotation(self.b), MAX_LAG_S + 5))
        self.assertTrue(listed())
        # Readiness says so, without taking the instance out (the primary serves meanwhile).
        ready = request(self.b.url, "GET", "/health/ready")
        self.assertEqual(ready.status, 200)
        self.assertNotEqual(ready.json()["checks"]["replicas"], "up")
        resume_replay()
        self.assertTrue(eventually(lambda: self.in_rotation(self.b)), "back once replay resumed")
        self.assertTrue(eventually(lambda: request(self.b.url, "GET", "/health/ready").json()["checks"]["replicas"]
                                   == "up"))
        fresh = self.routed(self.b, "replica", "fresh")
        self.assertTrue(listed())
        self.assertGreater(self.routed(self.b, "replica", "fresh"), fresh, "reads are on the replica again")

    def test_no_fill_after_a_write_stores_the_replicas_older_copy(self):
        created = self.create(status="active", price=100).json()["data"]
        pid, path = created["id"], f"/api/v1/products/{created['id']}"
        self.assertTrue(eventually(lambda: self.call(self.b, "GET", path).status == 200))
        # Cached now (L1 of b, Redis). Replay paused, the price changes through a.
        pause_replay()
        r = self.call(self.a, "PATCH", path, {"price_cents": 250}, self.editor)
        self.assertEqual(r.status, 200, r.body)
        lists = ["/api/v1/products?per_page=100", "/api/v2/products?limit=100"]
        # The public, without any position, on both instances: the fill must not come from the
        # replica (still in rotation, still at 100), or the old price would be cached for an hour.
        for svc in (self.b, self.a):
            got = self.call(svc, "GET", path)
            self.assertEqual(got.status, 200)
            self.assertEqual(got.json()["data"]["price_cents"], 250, svc.url)
            for lst in lists:
                rows = {p["id"]: p for p in self.call(svc, "GET", lst).json()["data"]}
                price = rows[pid].get("price_cents", rows[pid].get("price", {}).get("amount"))  # v1, v2
                self.assertEqual(price, 250, lst)
        self.assertTrue(self.in_rotation(self.b), "the replica was in rotation all along")
        resume_replay()
        for svc in (self.a, self.b):  # what was cached is the new price
            self.assertEqual(self.call(svc, "GET", path).json()["data"]["price_cents"], 250)

    def test_a_malformed_position_header_is_refused_a_malformed_cookie_ignored(self):
        for bad in ("", "1", "0/0/0", "G/0", "123456789/0", "0/1;", "-1/0"):
            r = self.call(self.a, "GET", "/api/v1/products", headers={"Mercato-Read-After": bad})
            self.assertEqual(r.status, 400, bad)
            self.assertEqual(r.json()["error"]["code"], "bad_request")
            self.assertIn("Mercato-Read-After", r.json()["error"]["message"])
        r = self.call(self.a, "GET", "/api/v1/products", headers={"Cookie": "mercato_read_after=nonsense"})
        self.assertEqual(r.status, 200)
        # A forged position far ahead of the primary: that client's reads go to the primary.
        before = self.routed(self.a, "primary", "read_after")
        r = self.call(self.a, "GET", "/api/v1/products?per_page=3&q=zz" + uuid.uuid4().hex[:8],
                      headers={"Mercato-Read-After": "FFFFFFFF/FFFFFFFF"})
        self.assertEqual(r.status, 200)
        self.assertGreater(self.routed(self.a, "primary", "read_after"), before)


if __name__ == "__main__":
    unittest.main()
