"""`./mercato test` when its stack cannot start: it must stop at once, say which component failed
with the end of its log, list every suite as not run, and exit 1 (issue 12).

A second, complete `./mercato test` runs beside the suite's stack (driver/isolated.py). An invalid
LOG_LEVEL stops identity, the first service, with exit 2 while PostgreSQL and Redis start
normally. The inner run never reaches the Python suite, so this file does not recurse, even when
the fix is missing (then the inner run goes on into ctest, and the assertions below fail)."""

import os
import unittest

from driver.isolated import port_open, run_driver

# Generous: the inner run's build is up to date (this suite runs after the build) and starting
# PostgreSQL and Redis takes seconds.
BOUND_S = 120


class TestStackFailureStopsTheRun(unittest.TestCase):
    def test_a_service_that_cannot_start_ends_the_run_with_a_summary(self):
        run = run_driver(self, ["test"], {"LOG_LEVEL": "loud"}, BOUND_S)
        self.assertEqual(run.rc, 1, run.out)
        self.assertIn("== test summary ==", run.out)
        summary = run.out[run.out.index("== test summary =="):]
        lines = {line[:18].strip(): line[18:].strip() for line in summary.splitlines() if line.startswith("  ")}
        self.assertEqual(lines.get("stack"), "FAIL (identity)", summary)
        for suite in ("ctest release", "prometheus rules", "k8s manifests", "python", "api contract"):
            self.assertEqual(lines.get(suite), "not run (stack failed: identity)", summary)
        # The end of identity's log, naming the variable, is part of the summary.
        self.assertIn('config: LOG_LEVEL="loud"', summary)
        self.assertTrue(summary.rstrip().endswith("FAILED"), summary)
        # Nothing ran after the stack: no suite wrote its log.
        logs = os.listdir(os.path.join(run.state, "test", "logs"))
        self.assertFalse([f for f in logs if f.startswith(("ctest", "python", "api", "web"))], logs)
        # And what it had started (PostgreSQL, Redis, their exporters, Prometheus, Alertmanager)
        # was stopped.
        for name in ("PG", "REDIS", "PG_EXPORTER", "REDIS_EXPORTER", "REDIS_CACHE_EXPORTER", "PROMETHEUS", "ALERTMANAGER"):
            self.assertFalse(port_open(run.ports[name]), f"{name} still listens on {run.ports[name]}")
        print(f"\n    ./mercato test with a failing identity exited 1 in {run.elapsed:.1f} s")


if __name__ == "__main__":
    unittest.main()
