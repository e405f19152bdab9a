"""As root, with the stack's state in a directory the postgres user cannot traverse (a checkout in
a home directory of mode 700), `up` must still start PostgreSQL, without asking anyone to change
the directory's mode (issue 12): its data moves to /var/lib/mercato/<hash>/<stack>/pg, and `up`
says so.

The state directory stands for the checkout (MERCATO_STATE_DIR inside a mode-700 directory: the
same path walk fails for the postgres user). An invalid LOG_LEVEL then stops identity, so `up`
ends right after PostgreSQL and Redis started, and stops them."""

import os
import re
import shutil
import subprocess
import unittest

from driver.isolated import port_open, run_driver


def remove_pg_dir(pg_dir):
    shutil.rmtree(pg_dir, True)
    for d in (os.path.dirname(pg_dir), os.path.dirname(os.path.dirname(pg_dir))):
        try:
            os.rmdir(d)
        except OSError:
            pass


def postgres_user_exists():
    return subprocess.run(["id", "postgres"], capture_output=True).returncode == 0


@unittest.skipUnless(os.geteuid() == 0 and postgres_user_exists(), "needs root and a postgres user")
class TestUnreachableCheckout(unittest.TestCase):
    def test_up_starts_postgres_outside_a_mode_700_directory(self):
        run = run_driver(self, ["up", "-d"], {"LOG_LEVEL": "loud"}, 120, state_mode=0o700)
        where = re.search(r"postgres data in (/var/lib/mercato/[0-9a-f]{12}/dev/pg) ", run.out)
        if where:
            self.addCleanup(remove_pg_dir, where.group(1))
        self.assertEqual(run.rc, 1, run.out)
        self.assertRegex(run.out, r"==> postgres +started", run.out)
        self.assertIn("step 'identity' failed", run.out)
        self.assertTrue(where, run.out)
        self.assertTrue(os.path.isfile(os.path.join(where.group(1), "primary", "PG_VERSION")))
        # The server's log is still found beside the others.
        log = os.path.join(run.state, "dev", "logs", "postgres.log")
        self.assertEqual(os.path.realpath(log), os.path.join(where.group(1), "postgres.log"))
        self.assertFalse(port_open(run.ports["PG"]), "postgres still runs after up failed")


if __name__ == "__main__":
    unittest.main()
