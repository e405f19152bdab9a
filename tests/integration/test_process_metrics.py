"""Metrics that explain capacity (issue 14): every service's internal /metrics listener exports
the standard process metrics and its event-loop lag, identity the creation time of its signing
key, and each database pool its size, waiters and wait time, with values that match the process
and its configuration."""

import json
import os
import re
import shutil
import tempfile
import time
import unittest

from testkit import Service, free_port, request, wait_until

SERVICES = ("gateway", "catalog", "identity")
SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$")


def samples(text):
    """{(name, labels): value} of a Prometheus text exposition."""
    out = {}
    for line in text.splitlines():
        m = SAMPLE.match(line)
        if m:
            out[(m.group(1), m.group(2) or "")] = float(m.group(3))
    return out


def types(text):
    return dict(line.split()[2:4] for line in text.splitlines() if line.startswith("# TYPE "))


def check_process_metrics(test, text):
    s, t = samples(text), types(text)
    test.assertEqual(t.get("process_cpu_seconds_total"), "counter")
    for name in ("process_resident_memory_bytes", "process_open_fds", "process_max_fds", "process_start_time_seconds"):
        test.assertEqual(t.get(name), "gauge", name)
    test.assertEqual(t.get("event_loop_lag_seconds"), "histogram")
    test.assertGreater(s[("process_resident_memory_bytes", "")], 1024 * 1024)
    test.assertGreaterEqual(s[("process_cpu_seconds_total", "")], 0)
    open_fds, max_fds = s[("process_open_fds", "")], s[("process_max_fds", "")]
    test.assertGreater(open_fds, 3)  # stdio, the listeners, the io_context
    test.assertGreater(max_fds, open_fds)
    start = s[("process_start_time_seconds", "")]
    test.assertLessEqual(start, time.time() + 1)
    test.assertGreater(start, time.time() - 30 * 86400)
    return s


class ProcessMetrics(unittest.TestCase):
    """A gateway this test starts (it needs no database): the values are its own."""

    def test_process_metrics_match_the_process(self):
        nowhere = str(free_port())
        started = time.time()
        with Service("gateway", env={"PRODUCT_SERVICE_PORT": nowhere, "USER_SERVICE_PORT": nowhere,
                                     "LOG_LEVEL": "warn"}) as gw:
            s = check_process_metrics(self, gw.metrics())
            # The kernel counts start time in clock ticks after boot: within a few seconds.
            self.assertAlmostEqual(s[("process_start_time_seconds", "")], started, delta=5)
            with open(f"/proc/{gw.pid}/limits") as f:
                limit = int(f.read().split("Max open files")[1].split()[0])
            self.assertEqual(s[("process_max_fds", "")], limit)
            # Open descriptors: what /proc shows now, give or take the scrape's own connection.
            self.assertLessEqual(abs(s[("process_open_fds", "")] - gw.fd_count()), 2)
            with open(f"/proc/{gw.pid}/statm") as f:
                rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            self.assertLess(abs(s[("process_resident_memory_bytes", "")] - rss), 16 * 1024 * 1024)
            # The lag probe fires every 0.5 s: its histogram fills without any request.
            lag = wait_until(lambda: samples(gw.metrics()).get(("event_loop_lag_seconds_count", "")) or 0, timeout=10)
            self.assertGreaterEqual(lag, 1)
            # An idle loop is late by far less than a second.
            after = samples(gw.metrics())
            self.assertEqual(after[("event_loop_lag_seconds_bucket", '{le="1"}')], after[("event_loop_lag_seconds_count", "")])
            self.assertEqual(gw.stop(), 0)  # the probe does not hold up a clean shutdown


class DatabasePoolMetrics(unittest.TestCase):
    """An identity this test starts on the stack's database with a pool of its own size."""

    def test_the_pool_exports_its_configured_size_no_waiters_and_a_wait_histogram(self):
        keys = tempfile.mkdtemp(prefix="metrics-identity-keys-")
        self.addCleanup(shutil.rmtree, keys, True)
        env = {"DB_NAME": "mercato_identity", "JWT_KEYS_DIR": keys, "DB_MAX_OPEN_CONNS": "7",
               "DB_MAX_IDLE_CONNS": "7", "LOG_LEVEL": "warn"}
        with Service("identity", env=env, wait_ready=True) as idp:
            text = idp.metrics()
            s, t = samples(text), types(text)
            pools = {k[1]: v for k, v in s.items() if k[0] == "db_pool_max_connections"}
            self.assertTrue(pools, text)
            for labels, size in pools.items():
                self.assertEqual(size, 7, labels)
                self.assertEqual(s[("db_pool_waiters", labels)], 0)
                self.assertIn(("db_pool_wait_seconds_count", labels), s)
            self.assertEqual(t.get("db_pool_max_connections"), "gauge")
            self.assertEqual(t.get("db_pool_waiters"), "gauge")
            self.assertEqual(t.get("db_pool_wait_seconds"), "histogram")
            # Its only key is the one it created on first start.
            [key_file] = [f for f in os.listdir(keys) if f.endswith(".jwk")]
            with open(os.path.join(keys, key_file)) as f:
                created_ms = json.load(f)["created_ms"]
            self.assertEqual(s[("identity_signing_key_created_timestamp_seconds", "")], created_ms / 1000)


class DriverStackProcessMetrics(unittest.TestCase):
    """The stack `./mercato up|test` started: each service's MERCATO_<SERVICE>_METRICS_URL."""

    def metrics(self, name):
        url = os.environ.get(f"MERCATO_{name.upper()}_METRICS_URL")
        if not url:
            self.skipTest("no driver stack (MERCATO_*_METRICS_URL unset)")
        r = request(url, "GET", "/metrics")
        self.assertEqual(r.status, 200)
        return r.body.decode()

    def test_every_service_exports_process_metrics_and_loop_lag(self):
        for name in SERVICES:
            with self.subTest(service=name):
                check_process_metrics(self, self.metrics(name))

    def test_database_services_export_pool_size_and_waiters(self):
        for name in ("catalog", "identity"):
            with self.subTest(service=name):
                s = samples(self.metrics(name))
                pools = {k[1]: v for k, v in s.items() if k[0] == "db_pool_max_connections"}
                self.assertTrue(pools)
                for labels, size in pools.items():
                    busy = s[("db_pool_connections", labels[:-1] + ',state="busy"}')]
                    self.assertGreaterEqual(size, max(1, busy))
                    self.assertGreaterEqual(s[("db_pool_waiters", labels)], 0)

    def test_identity_exports_the_creation_time_of_its_signing_key(self):
        s = samples(self.metrics("identity"))
        created = s[("identity_signing_key_created_timestamp_seconds", "")]
        self.assertLessEqual(created, time.time() + 1)
        self.assertGreater(created, 1.7e9)  # seconds, not milliseconds: after 2023, before 2286
        self.assertLess(created, 1e10)
        # The key in use is the newest file of the stack's key directory.
        keys_dir = os.environ.get("JWT_KEYS_DIR")
        if keys_dir and os.path.isdir(keys_dir):
            created_ms = []
            for name in os.listdir(keys_dir):
                if name.endswith(".jwk"):
                    with open(os.path.join(keys_dir, name)) as f:
                        created_ms.append(json.load(f)["created_ms"])
            self.assertEqual(created, max(created_ms) / 1000)


if __name__ == "__main__":
    unittest.main()
