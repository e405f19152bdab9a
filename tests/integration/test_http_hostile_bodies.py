"""Hostile JSON bodies cost the services no more than parsing them (issue 13, finding 1).

A login body of ~120,000 distinct members in under 1 MiB used to cost ~10^9 key comparisons on
an event-loop thread (the duplicate-member check was pairwise) and answer a multi-megabyte error
list; identity stalled until the gateway answered 504. Now an object of more than 256 members is
one 422 before any member is looked at, and an answer lists at most 50 problems."""

import os
import shutil
import tempfile
import threading
import time
import unittest

from testkit import Service, request

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
WIDE_REFUSAL = [{"field": "body", "message": "must have at most 256 members"}]


def key(i):
    out = ""
    while True:
        out += ALPHABET[i % 62]
        if i < 62:
            return out
        i //= 62


def wide_body(members=120_000):
    """{"a":0,"b":0,…}: `members` distinct keys, under the 1 MiB body limit."""
    body = ("{" + ",".join(f'"{key(i)}":0' for i in range(members)) + "}").encode()
    assert len(body) < 1 << 20, len(body)
    return body


class HostileBodies(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = tempfile.mkdtemp(prefix="hostile-bodies-keys-")
        os.rmdir(cls.keys)  # identity creates it itself, with mode 0700
        # Two event-loop threads, as on a small machine: a stalled loop shows at once.
        cls.identity = Service("identity", env={"DB_NAME": "mercato_identity", "JWT_KEYS_DIR": cls.keys,
                                                "LOG_LEVEL": "warn"})
        cls.gateway = Service("gateway", env={"USER_SERVICE_PORT": str(cls.identity.port), "LOG_LEVEL": "warn",
                                              "UPSTREAM_TIMEOUT": "5s", "RATE_LIMIT_PER_MINUTE": "100000"})
        cls.body = wide_body()

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()
        cls.identity.stop()
        shutil.rmtree(cls.keys, ignore_errors=True)

    def post_login(self, base_url, body, timeout=5):
        return request(base_url, "POST", "/api/v1/auth/login", body, headers={"Content-Type": "application/json"},
                       timeout=timeout)

    def test_a_login_body_of_120000_members_is_one_422_at_once(self):
        for name, svc in (("identity", self.identity), ("gateway", self.gateway)):
            with self.subTest(through=name):
                start = time.monotonic()
                r = self.post_login(svc.url, self.body)
                took = time.monotonic() - start
                self.assertEqual(r.status, 422, r.body[:300])
                err = r.json()["error"]
                self.assertEqual(err["code"], "validation_failed")
                self.assertEqual(err["details"], WIDE_REFUSAL)
                self.assertLess(len(r.body), 1024)
                # Generous (a shared machine): the refusal itself takes about a millisecond.
                self.assertLess(took, 1.0, f"{name} took {took:.3f}s")
                print(f"\n  {name}: 120,000-member login body refused in {took * 1000:.1f} ms (wall, client side)")

    def test_an_object_of_256_members_is_read_and_every_problem_is_capped_at_50(self):
        r = self.post_login(self.identity.url, wide_body(256))
        self.assertEqual(r.status, 422, r.body[:300])
        err = r.json()["error"]
        self.assertEqual(err["code"], "validation_failed")
        self.assertEqual(len(err["details"]), 50)
        # 256 unknown members, and email and password missing.
        self.assertEqual(err["message"], "request validation failed (the first 50 of 258 problems are listed)")

    def test_liveness_keeps_answering_during_a_burst_of_wide_bodies(self):
        stop = threading.Event()
        statuses = []
        lock = threading.Lock()

        def burst():
            while not stop.is_set():
                try:
                    status = self.post_login(self.identity.url, self.body, timeout=10).status
                except OSError:
                    status = "error"
                with lock:
                    statuses.append(status)

        workers = [threading.Thread(target=burst, daemon=True) for _ in range(6)]
        for w in workers:
            w.start()
        slowest = 0.0
        live = []
        try:
            end = time.monotonic() + 3
            while time.monotonic() < end:
                start = time.monotonic()
                try:
                    live.append(request(self.identity.url, "GET", "/health/live", timeout=2).status)
                except OSError:
                    live.append("error")
                slowest = max(slowest, time.monotonic() - start)
        finally:
            stop.set()
            for w in workers:
                w.join(15)
        print(f"\n  /health/live during the burst: {len(live)} answers, slowest {slowest * 1000:.1f} ms; "
              f"{len(statuses)} wide bodies refused")
        self.assertEqual(set(live), {200})
        self.assertLess(slowest, 1.0)
        self.assertGreater(len(statuses), 6)
        self.assertEqual(set(statuses), {422})


if __name__ == "__main__":
    unittest.main()
