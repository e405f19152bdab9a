"""The cache cannot push counters out of Redis (issue 13, finding 9): the catalog's L2 values
live in their own Redis (CACHE_REDIS_*), bounded by maxmemory with volatile-lru, and every value
key carries a TTL; the generation counters carry none, so volatile-lru never evicts them; the
rate-limit and throttle counters and the bus stay in the main Redis with noeviction.

The test starts its own small cache Redis (a few MiB above its empty size), two catalogs on it,
fills it far past maxmemory with filler keys that have a TTL, and checks that reads and
cross-instance invalidation still work, that generations survived untouched, and that a counter
in the main Redis is intact."""

import os
import subprocess
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, new_store
from testkit import Service, free_port, request, stack_env, wait_until

HEADROOM = 4 * 1024 * 1024  # maxmemory = the empty server's memory + this
FILLER_VALUE = "x" * 16384
FILLER_KEYS = 1500  # ~24 MiB of values: six times the headroom


def cli(port, *args, stdin=None):
    env = dict(os.environ, REDISCLI_AUTH=stack_env()["REDIS_PASSWORD"])
    if not env["REDISCLI_AUTH"]:
        env.pop("REDISCLI_AUTH")
    r = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args], input=stdin, env=env,
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"redis-cli {args}: {r.stderr}")
    return r.stdout.strip()


def info(port, field):
    for line in cli(port, "INFO").splitlines():
        if line.startswith(field + ":"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {field} in INFO")


def resp(*args):
    out = f"*{len(args)}\r\n"
    for a in args:
        a = str(a)
        out += f"${len(a.encode())}\r\n{a}\r\n"
    return out


class CacheRedisUnderMemoryPressure(unittest.TestCase):
    def setUp(self):
        self.port = free_port()
        password = stack_env()["REDIS_PASSWORD"]
        cmd = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
               "--maxmemory-policy", "volatile-lru"]
        if password:
            cmd += ["--requirepass", password]  # the catalogs log in as the main Redis's default user
        self.redis = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(self.stop_redis)
        self.assertTrue(wait_until(lambda: self.ping(), timeout=10), "test Redis did not start")
        self.maxmemory = int(info(self.port, "used_memory")) + HEADROOM
        cli(self.port, "CONFIG", "SET", "maxmemory", str(self.maxmemory))

        self.issuer = IdentityIssuer()
        self.addCleanup(self.issuer.close)
        env = {**self.issuer.env(), "CATALOG_CURSOR_SECRET": "s", "CACHE_L1_TTL": "0",
               "CACHE_REDIS_HOST": "127.0.0.1", "CACHE_REDIS_PORT": str(self.port)}
        self.a = Service("catalog", env=env, wait_ready=True)
        self.addCleanup(self.a.stop)
        self.b = Service("catalog", env=env, wait_ready=True)
        self.addCleanup(self.b.stop)
        self.store = new_store()
        self.token = self.issuer.token("editor", store=self.store)

    def ping(self):
        try:
            return cli(self.port, "PING") == "PONG"
        except AssertionError:
            return False

    def stop_redis(self):
        self.redis.terminate()
        self.redis.wait(10)

    def call(self, svc, method, path, body=None):
        h = {"X-Store-ID": self.store}
        if method != "GET":
            h["Authorization"] = "Bearer " + self.token
        return request(svc.url, method, path, body=body, headers=h)

    def keys(self, pattern):
        return cli(self.port, "--scan", "--pattern", pattern).split()

    def test_filling_the_cache_past_maxmemory_evicts_only_values_never_generations_or_counters(self):
        main_port = stack_env()["REDIS_PORT"]
        self.assertEqual(cli(main_port, "CONFIG", "GET", "maxmemory-policy").split()[-1], "noeviction")
        counter = f"mercato:rl:memtest-{uuid.uuid4().hex[:8]}"
        cli(main_port, "SET", counter, "12345", "PX", "600000")

        r = self.call(self.a, "POST", "/api/v1/products", {"name": "Memory Lamp", "sku": "M-" + uuid.uuid4().hex[:8],
                                                           "price_cents": 1, "currency": "EUR", "stock": 1,
                                                           "status": "active"})
        self.assertEqual(r.status, 201, r.body)
        pid = r.json()["data"]["id"]
        for svc in (self.a, self.b):  # fills L2: the detail and a list page
            self.assertEqual(self.call(svc, "GET", f"/api/v1/products/{pid}").status, 200)
            self.assertEqual(self.call(svc, "GET", "/api/v1/products?per_page=5").status, 200)

        # Every cache key but a generation carries a TTL; generations carry none.
        gens = self.keys(f"mc1:g:{self.store}:*")
        self.assertTrue(gens, "no generation keys were written")
        values = [k for k in self.keys(f"mc1:*{self.store}*") if not k.startswith("mc1:g:")]
        self.assertTrue(values, "nothing was cached in the cache Redis")
        for k in values:
            self.assertGreater(int(cli(self.port, "PTTL", k)), 0, k)
        for g in gens:
            self.assertEqual(cli(self.port, "PTTL", g), "-1", g)
        gen_values = {g: cli(self.port, "GET", g) for g in gens}

        # Far past maxmemory: filler values with a TTL, like every cache value.
        filler = "".join(resp("SET", f"mc1:filler:{i}", FILLER_VALUE, "PX", 600000) for i in range(FILLER_KEYS))
        cli(self.port, "--pipe", stdin=filler)
        self.assertGreater(int(info(self.port, "evicted_keys")), 0, "the cache Redis never reached maxmemory")
        self.assertLessEqual(int(info(self.port, "used_memory")), self.maxmemory + 1024 * 1024)

        # Generations were never evicted and never changed; the counter in the main Redis is intact.
        self.assertEqual({g: cli(self.port, "GET", g) for g in gens}, gen_values)
        for g in gens:
            self.assertEqual(cli(self.port, "PTTL", g), "-1", g)
        self.assertEqual(cli(main_port, "GET", counter), "12345")

        # Reads still work (from L2 or, for an evicted value, reloaded and cached again), and a
        # write on one instance is seen by the other at once.
        for svc in (self.a, self.b):
            r = self.call(svc, "GET", f"/api/v1/products/{pid}")
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["data"]["stock"], 1)
        r = self.call(self.a, "PATCH", f"/api/v1/products/{pid}", {"stock": 7})
        self.assertEqual(r.status, 200, r.body)
        for svc in (self.b, self.a):
            r = self.call(svc, "GET", f"/api/v1/products/{pid}")
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.json()["data"]["stock"], 7)
        self.assertEqual(self.call(self.b, "GET", "/api/v1/products?per_page=5").status, 200)
        # The write bumped its generations (they are counters, not evicted copies).
        self.assertNotEqual({g: cli(self.port, "GET", g) for g in gens}, gen_values)
        cli(main_port, "DEL", counter)


class DriverRedisPolicies(unittest.TestCase):
    def test_the_stacks_cache_redis_is_bounded_and_the_main_one_never_evicts(self):
        cache = os.environ.get("MERCATO_CACHE_REDIS_PORT")
        if not cache:
            self.skipTest("needs the driver's stack (MERCATO_CACHE_REDIS_PORT)")
        self.assertEqual(cli(cache, "CONFIG", "GET", "maxmemory-policy").split()[-1], "volatile-lru")
        self.assertGreater(int(cli(cache, "CONFIG", "GET", "maxmemory").split()[-1]), 0)
        self.assertEqual(cli(stack_env()["REDIS_PORT"], "CONFIG", "GET", "maxmemory-policy").split()[-1], "noeviction")


if __name__ == "__main__":
    unittest.main()
