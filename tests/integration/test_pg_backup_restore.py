"""The stack's own backup restores (issue 17): `./mercato backup` takes a verified base backup
of the running primary, the primary archives its WAL continuously, and `./mercato restore
--time T` brings back exactly what was committed up to T — rows written before the backup,
rows written after it up to T, and nothing committed after T (the "before the bad import"
restore an operator needs). The restored server runs beside the stack and is stopped after."""

import os
import signal
import subprocess
import time
import unittest
import uuid

from testkit import REPO, free_port
from integration.test_catalog_support import new_store, psql


def driver(*args, timeout=300):
    r = subprocess.run([os.path.join(REPO, "mercato"), *args], capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"./mercato {' '.join(args)} failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout


def insert(store, label, n=3):
    psql("INSERT INTO products (id, store_id, name, slug, sku, description, price_cents, currency, status) "
         f"SELECT gen_random_uuid(), '{store}', '{label} ' || i, '{label.lower()}-' || i || '-{uuid.uuid4().hex[:6]}', "
         f"'{label[:2].upper()}-' || i || '-{uuid.uuid4().hex[:6]}', '', 100, 'EUR', 'active' FROM generate_series(1, {n}) i")


def wait_archived():
    """Closes the current WAL segment and waits until the archive holds it."""
    segment = psql("SELECT pg_walfile_name(pg_switch_wal())", db="postgres")
    deadline = time.monotonic() + 60
    while psql("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver", db="postgres") < segment:
        if time.monotonic() > deadline:
            raise AssertionError(f"WAL segment {segment} was not archived within 60 s")
        time.sleep(0.1)


class BackupAndRestore(unittest.TestCase):
    def test_restore_to_a_time_brings_back_exactly_what_was_committed_by_then(self):
        store = new_store()
        insert(store, "Before")
        out = driver("backup", "--test")
        self.assertIn("backup ", out)
        insert(store, "After")  # after the backup, before the target: replayed from the archive
        time.sleep(1.1)
        target = psql("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
        time.sleep(1.1)
        insert(store, "Late")  # the bad import: committed after the target, must not come back
        wait_archived()

        port = free_port()
        out = driver("restore", "--test", "--time", target, "--port", str(port))
        line = [x for x in out.splitlines() if x.startswith("RESTORED ")][-1]
        data, rport, pid = line.split()[1:]
        self.assertEqual(int(rport), port)
        try:
            r = subprocess.run(["psql", "-h", "127.0.0.1", "-p", rport, "-U", "postgres", "-d", "mercato_catalog",
                                "-XAtq", "-c",
                                f"SELECT split_part(name, ' ', 1), count(*) FROM products WHERE store_id = '{store}' "
                                "GROUP BY 1 ORDER BY 1"], capture_output=True, text=True, timeout=30)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.split(), ["After|3", "Before|3"])
            # The running primary still has all three, untouched by the restore beside it.
            self.assertEqual(psql(f"SELECT count(*) FROM products WHERE store_id = '{store}'"), "9")
        finally:
            os.kill(int(pid), signal.SIGINT)  # PostgreSQL's fast shutdown
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    os.kill(int(pid), 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
            subprocess.run(["rm", "-rf", data], check=False)

    def test_a_restore_to_a_time_before_every_backup_is_refused_and_starts_nothing(self):
        driver("backup", "--test")
        r = subprocess.run([os.path.join(REPO, "mercato"), "restore", "--test", "--time", "2001-01-01 00:00:00+00",
                            "--port", str(free_port())], capture_output=True, text=True, timeout=60)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("every backup was taken after", r.stderr + r.stdout)

    def test_a_malformed_time_is_refused(self):
        r = subprocess.run([os.path.join(REPO, "mercato"), "restore", "--test", "--time", "yesterday-ish; rm -rf /"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--time must be a time", r.stderr)


if __name__ == "__main__":
    unittest.main()
