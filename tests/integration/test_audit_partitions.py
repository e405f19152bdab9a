"""audit_log's monthly partitions on a scratch database the catalog migrates itself: the months
ahead exist once a catalog has started (it makes those missing), AUDIT_RETENTION_MONTHS drops
whole months past it and keeps the newer ones (no DELETE: the partitions are gone), 0 keeps
everything, several instances starting together do it once without a failure, and a bad value
stops the start with one line naming the variable."""

import time
import unittest
import uuid

from .test_catalog_support import create_scratch_database, drop_scratch_database, lit, psql_db
from testkit import Service, run_binary, wait_until

STORE = "00000000-0000-7000-8000-000000000001"


class AuditPartitions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.db = create_scratch_database("mercato_audit_partitions")
        r = run_binary("catalog", {"DB_NAME": cls.db, "LOG_LEVEL": "warn"}, ["seed", "--products", "0", "--no-vacuum"],
                       timeout=120)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        drop_scratch_database(cls.db)

    def sql(self, text):
        return psql_db(self.db, text).strip()

    def month(self, offset):
        """audit_log_pYYYYMM of the month `offset` months from this one (the database's clock, UTC)."""
        return self.sql(f"SELECT 'audit_log_p' || to_char(date_trunc('month', now() AT TIME ZONE 'UTC') + "
                        f"make_interval(months => {offset}), 'YYYYMM')")

    def exists(self, name):
        return self.sql(f"SELECT to_regclass({lit(name)}) IS NOT NULL") == "t"

    def catalog(self, **env):
        return Service("catalog", env={"DB_NAME": self.db, "LOG_LEVEL": "warn", **env})

    def add_row(self, months_ago):
        """One audit row ten days into the month `months_ago` months back (its partition made)."""
        when = (f"date_trunc('month', now() AT TIME ZONE 'UTC') - make_interval(months => {months_ago}) "
                f"+ interval '10 days'")
        self.sql(f"SELECT audit_log_create_partition(({when})::date);"
                 f"INSERT INTO audit_log (id, store_id, actor, actor_role, action, entity_type, entity_id, created_at) "
                 f"VALUES ({lit(uuid.uuid4())}, {lit(STORE)}, 'u', 'editor', 'product.update', 'product', "
                 f"{lit(uuid.uuid4())}, ({when}) AT TIME ZONE 'UTC')")

    def test_a_bad_retention_stops_the_start_with_one_line_naming_it(self):
        for value in ("-1", "abc", "1201", "1.5", "12 months"):
            with self.subTest(value=value):
                r = run_binary("catalog", {"DB_NAME": self.db, "AUDIT_RETENTION_MONTHS": value})
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = r.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertTrue(lines[0].startswith("config: AUDIT_RETENTION_MONTHS="), lines[0])

    def test_the_months_ahead_exist_after_start(self):
        for offset in (2, 3):
            self.sql(f"DROP TABLE IF EXISTS {self.month(offset)}")
        self.assertFalse(self.exists(self.month(3)))
        with self.catalog():
            self.assertTrue(wait_until(lambda: all(self.exists(self.month(m)) for m in range(4)), timeout=20),
                            "this month and the next three")

    def test_retention_drops_whole_months_past_it_and_keeps_the_newer_ones(self):
        for months_ago in (14, 13, 12, 11, 0):
            self.add_row(months_ago)
        old = [self.month(-14), self.month(-13)]
        kept = [self.month(-12), self.month(-11), self.month(0)]
        before = int(self.sql("SELECT count(*) FROM audit_log"))

        # 0 (the default) keeps everything.
        with self.catalog():
            self.assertTrue(wait_until(lambda: self.exists(self.month(3)), timeout=20))
            time.sleep(1)
            self.assertTrue(all(self.exists(p) for p in old + kept))

        # Twelve months, three instances starting at once: the two older months go, whole.
        instances = [self.catalog(AUDIT_RETENTION_MONTHS="12") for _ in range(3)]
        try:
            self.assertTrue(wait_until(lambda: not any(self.exists(p) for p in old), timeout=20), old)
            time.sleep(1)
            for svc in instances:
                self.assertIsNone(svc.proc.poll(), "an instance exited")
        finally:
            for svc in instances:
                svc.stop()
        self.assertTrue(all(self.exists(p) for p in kept), kept)
        self.assertEqual(int(self.sql("SELECT count(*) FROM audit_log")), before - 2)
        self.assertEqual(self.sql("SELECT count(*) FROM audit_log WHERE created_at >= date_trunc('month', now() "
                                  "AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '12 months'"),
                         str(before - 2), "every row of the kept months is still there")


if __name__ == "__main__":
    unittest.main()
