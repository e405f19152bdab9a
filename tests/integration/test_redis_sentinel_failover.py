"""Redis high availability with Redis Sentinel, for real: a master, two replicas and three
sentinels of the test's own (scripts/redis_sentinel.sh, on free loopback ports), two catalog
instances that find the master through the sentinels (REDIS_SENTINELS), and the master killed
with SIGKILL under a read load. Reads never fail; a product deleted while the master is gone is
404 on both instances once the services are on the new master (no stale L1 or L2 entry); the
invalidation bus works again between the instances; and every service connection is on the
promoted replica. And a master that hangs (SIGSTOP) with its connections open is left for the
promoted replica, the silent bus subscriptions included. Needs nothing of the stack but
PostgreSQL (DB_HOST/DB_PORT) and the built binaries; stops everything it started by pid, also
on failure.

Prints the time from the SIGKILL to the services' first write on the new master
(docs/scaling.md#redis-high-availability-sentinel quotes it)."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

from .test_catalog_support import IdentityIssuer, metric, new_store
from testkit import REPO, LoadLoop, Service, free_port, request, wait_until

MASTER_NAME = "mercato"
SCRIPT = os.path.join(REPO, "scripts", "redis_sentinel.sh")
CHANNEL = "mc1:invalidate"  # cache/keys.cpp, invalidation_channel()
# Each catalog holds three connections, named by the client (CLIENT SETNAME): commands,
# the cache's values, and the invalidation bus.
CLIENT_NAMES = ("catalog", "catalog-cache", "catalog-bus")
# The writes the services send: cache fills and leases, invalidation and rate-limit scripts.
WRITE_COMMANDS = ("set", "eval", "evalsha", "del", "incr")


class SentinelGroup:
    """Master, replica and three sentinels in a temporary directory, stopped by their pids."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="redis-sentinel-")
        self.master_port, *ports = (free_port() for _ in range(6))
        self.replica_ports, self.sentinel_ports = ports[:2], ports[2:]
        self.pids = {}
        try:
            r = subprocess.run(["bash", "-c", 'source "$0"; redis_ha_start "$@"', SCRIPT, self.dir, MASTER_NAME,
                                str(self.master_port), ",".join(map(str, self.replica_ports)),
                                *map(str, self.sentinel_ports)],
                               capture_output=True, text=True, timeout=60)
            self._read_pids()
            if r.returncode != 0:
                raise AssertionError(f"redis_ha_start failed: {r.stderr}")
            with open(os.path.join(self.dir, "default.password")) as f:
                self.password = f.read().strip()
            with open(os.path.join(self.dir, "sentinels.password")) as f:
                self.sentinel_password = f.read().strip()
        except BaseException:
            self.stop()
            raise

    def _read_pids(self):
        for name in os.listdir(self.dir):
            if name.endswith(".pid"):
                with open(os.path.join(self.dir, name)) as f:
                    text = f.read().strip()
                if text.isdigit():
                    self.pids[name[:-4]] = int(text)

    def cli(self, port, *args, sentinel=False):
        env = dict(os.environ, REDISCLI_AUTH=self.sentinel_password if sentinel else self.password)
        r = subprocess.run(["redis-cli", "--no-auth-warning", "-h", "127.0.0.1", "-p", str(port), *args],
                           capture_output=True, text=True, timeout=5, env=env)
        return r.stdout if r.returncode == 0 else ""

    def promoted(self, timeout=20):
        """The replica port a majority of the sentinels names as the master, once one does."""
        found = wait_until(lambda: self.master_port_per_sentinels() in self.replica_ports, timeout=timeout,
                           interval=0.05)
        assert found, "the sentinels did not promote a replica"
        return self.master_port_per_sentinels()

    def master_port_per_sentinels(self):
        """The master's port as a majority of the sentinels names it, or None."""
        answers = [self.cli(p, "SENTINEL", "get-master-addr-by-name", MASTER_NAME, sentinel=True).split()
                   for p in self.sentinel_ports]
        ports = [int(a[1]) for a in answers if len(a) == 2 and a[1].isdigit()]
        for p in set(ports):
            if ports.count(p) >= 2:
                return p
        return None

    def clients(self, port):
        """CLIENT LIST of the server on `port`: one dict per connection."""
        out = []
        for line in self.cli(port, "CLIENT", "LIST").splitlines():
            out.append(dict(f.split("=", 1) for f in line.split() if "=" in f))
        return out

    def kill(self, name):
        os.kill(self.pids.pop(name), signal.SIGKILL)

    def stop(self):
        for pid in self.pids.values():
            try:
                os.kill(pid, signal.SIGCONT)  # a stopped process would not act on SIGTERM
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.time() + 5
        for pid in self.pids.values():
            while time.time() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.05)
            else:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self.pids.clear()
        shutil.rmtree(self.dir, ignore_errors=True)


class SentinelIssuer(IdentityIssuer):
    """IdentityIssuer with identity on the group's Redis (it needs one, and the stack's is not
    the test's), through the sentinels like the catalogs."""

    def __init__(self, redis_env):
        self.keys = tempfile.mkdtemp(prefix="catalog-identity-keys-")
        self.base_env = {"DB_NAME": "mercato_identity", "JWT_KEYS_DIR": self.keys, "LOG_LEVEL": "warn", **redis_env}
        self.variants, self.users, self.tokens = {}, {}, {}
        self.identity = Service("identity", env=self.base_env, wait_ready=True)


class SentinelFailover(unittest.TestCase):
    def setUp(self):
        self.started = []  # stopped in reverse order by cleanups, also when setUp fails half-way
        self.group = SentinelGroup()
        self.addCleanup(self.group.stop)
        self.redis_env = {
            "REDIS_SENTINELS": ",".join(f"127.0.0.1:{p}" for p in self.group.sentinel_ports),
            "REDIS_SENTINEL_MASTER": MASTER_NAME,
            "REDIS_SENTINEL_PASSWORD": self.group.sentinel_password,
            # Unused while REDIS_SENTINELS is set; pointed at the first master so that a build
            # without Sentinel support stays there after the kill (and this test fails).
            "REDIS_HOST": "127.0.0.1",
            "REDIS_PORT": str(self.group.master_port),
            "REDIS_USER": "",
            "REDIS_PASSWORD": self.group.password,
        }
        self.issuer = SentinelIssuer(self.redis_env)
        self.addCleanup(self.issuer.close)
        # L1 kept long, so that only an invalidation (or the drop after a lost subscription)
        # can remove an entry: a stale one would show.
        env = {**self.issuer.env(), **self.redis_env, "CATALOG_CURSOR_SECRET": "s", "CACHE_L1_TTL": "30s"}
        self.a = Service("catalog", env=env, wait_ready=True)
        self.addCleanup(self.a.stop)
        self.b = Service("catalog", env=env, wait_ready=True)
        self.addCleanup(self.b.stop)
        # A gateway in front of A: its rate limiter runs on Redis, falls back to a local one
        # while Redis is away, and must let the load through the whole switch.
        self.gw = Service("gateway", env={
            **self.redis_env, "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(self.a.port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(self.issuer.identity.port),
            "RATE_LIMIT_PER_MINUTE": "100000"}, wait_ready=True)
        self.addCleanup(self.gw.stop)
        self.store = new_store()
        self.token = self.issuer.token("editor", store=self.store)

    def call(self, svc, method, path, body=None):
        h = {"X-Store-ID": self.store}
        if method != "GET":
            h["Authorization"] = "Bearer " + self.token
        return request(svc.url, method, path, body=body, headers=h)

    def product(self, name):
        r = self.call(self.a, "POST", "/api/v1/products", {"name": name, "sku": "HA-" + uuid.uuid4().hex[:8],
                                                           "price_cents": 100, "currency": "EUR", "stock": 1,
                                                           "status": "active"})
        self.assertEqual(r.status, 201, r.body)
        return r.json()["data"]["id"]

    def stock(self, svc, pid):
        r = self.call(svc, "GET", f"/api/v1/products/{pid}")
        self.assertEqual(r.status, 200, r.body)
        return r.json()["data"]["stock"]

    def subscribers(self, port):
        out = self.group.cli(port, "PUBSUB", "NUMSUB", CHANNEL).split()
        return int(out[1]) if len(out) == 2 and out[1].isdigit() else -1

    def service_clients(self, port):
        """How many of the two catalogs' connections, by name, the server on `port` holds."""
        clients = self.group.clients(port)
        return {n: sum(1 for c in clients if c.get("name") == n) for n in CLIENT_NAMES}

    def writes(self, port):
        """How many writes the server on `port` has run (INFO commandstats), replicated ones
        included: after the master died, any increase on the replica is a client's."""
        total = 0
        for line in self.group.cli(port, "INFO", "commandstats").splitlines():
            name, _, rest = line.partition(":")
            if name.removeprefix("cmdstat_") in WRITE_COMMANDS and rest.startswith("calls="):
                total += int(rest.split(",")[0].removeprefix("calls="))
        return total

    def test_master_killed_reads_continue_deletes_hold_and_the_bus_moves_to_the_new_master(self):
        g = self.group
        keep, gone, bus = self.product("HA Keep"), self.product("HA Gone"), self.product("HA Bus")
        for svc in (self.a, self.b, self.a, self.b):  # both tiers warm on both instances
            for pid in (keep, gone, bus):
                self.stock(svc, pid)
        self.assertTrue(wait_until(lambda: self.subscribers(g.master_port) >= 2, timeout=10))
        self.assertEqual(self.service_clients(g.master_port), {n: 2 for n in CLIENT_NAMES})

        paths = [f"/api/v1/products/{keep}", "/api/v1/products?per_page=10", "/api/v1/categories"]
        targets = [(s.url, p) for s in (self.a, self.b, self.gw) for p in paths]
        with LoadLoop(targets, {"X-Store-ID": self.store}) as load:
            self.assertTrue(wait_until(lambda: load.snapshot()[200] >= 20, timeout=10))
            killed = time.monotonic()
            g.kill("master")
            writes_before = {p: self.writes(p) for p in g.replica_ports}
            # A delete while there is no master: the database has it at once; A keeps the
            # invalidation and replays it on whichever master comes next.
            d = self.call(self.a, "DELETE", f"/api/v1/products/{gone}")
            self.assertEqual(d.status, 204, d.body)

            new = g.promoted()
            promoted = time.monotonic() - killed
            self.assertTrue(wait_until(lambda: self.writes(new) > writes_before[new], timeout=20, interval=0.05),
                            f"no service writes on the new master: {g.clients(new)}")
            writing = time.monotonic() - killed
            self.assertTrue(wait_until(lambda: self.service_clients(new) == {n: 2 for n in CLIENT_NAMES}, timeout=20,
                                       interval=0.05), self.service_clients(new))
            all_connected = time.monotonic() - killed
            print(f"\nsentinel failover: SIGKILL -> sentinels name the replica {promoted:.2f} s, "
                  f"-> first service write on it {writing:.2f} s, -> all 6 catalog connections on it "
                  f"{all_connected:.2f} s", file=sys.stderr)
            # A's undelivered invalidation reaches the new master, and both instances listen
            # on it again (each dropped its L1 when its subscription came back).
            self.assertTrue(wait_until(lambda: metric(self.a, "cache_invalidations_pending", {}) == 0, timeout=20))
            self.assertTrue(wait_until(lambda: self.subscribers(new) >= 2, timeout=20), self.subscribers(new))
            for svc in (self.a, self.b):
                self.assertEqual(svc.get("/health/ready").json()["checks"]["redis"], "up")
            time.sleep(0.5)  # the load keeps reading through the new master for a moment
        # Reads never failed: from L1, L2 or PostgreSQL, through the whole switch.
        self.assertEqual(set(load.counts) - {200}, set(), f"reads failed: {load.counts}")
        self.assertGreater(load.counts[200], 50)

        # The product deleted during the switch is gone everywhere: no L1 or L2 copy survived.
        for svc in (self.a, self.b, self.a, self.b):
            r = self.call(svc, "GET", f"/api/v1/products/{gone}")
            self.assertEqual(r.status, 404, (svc.name, svc.port, r.status, r.body))

        # The bus works across instances again: B's L1 copy is invalidated by A's write.
        self.assertEqual(self.stock(self.b, bus), 1)
        self.assertEqual(self.stock(self.b, bus), 1)
        w = self.call(self.a, "PATCH", f"/api/v1/products/{bus}", {"stock": 7})
        self.assertEqual(w.status, 200, w.body)
        self.assertEqual(self.stock(self.b, bus), 7)

        # Every connection of both services is on the new master, which says it is one.
        self.assertEqual(g.cli(new, "ROLE").split()[0], "master")
        self.assertEqual(self.service_clients(new), {n: 2 for n in CLIENT_NAMES})
        for svc in (self.a, self.b):
            for name in CLIENT_NAMES:
                self.assertEqual(metric(svc, "redis_connected", {"client": name}), 1.0, name)
        # And the gateway's rate limiter counts on the new master again, not locally. The load
        # came from one client, whose lease answers its checks without Redis for up to a second:
        # ask until a check goes to Redis (a limiter deciding locally never gets there).
        def limiter_on_new_master():
            self.assertEqual(self.gw.get("/api/v1/categories", headers={"X-Store-ID": self.store}).status, 200)
            return any(c.get("name") == "gateway" and c.get("cmd") in {"evalsha", "eval"} for c in g.clients(new))

        self.assertTrue(wait_until(limiter_on_new_master, timeout=5, interval=0.2), g.clients(new))
        self.assertEqual(metric(self.gw, "ratelimit_fallback_active", {}), 0.0)

    def replication_offset(self, port, field):
        for line in self.group.cli(port, "INFO", "replication").splitlines():
            name, _, value = line.strip().partition(":")
            if name == field and value.isdigit():
                return int(value)
        return -1

    def test_an_invalidation_no_replica_took_is_delivered_again_on_the_promoted_one(self):
        """The replica's link to the master is cut (its user disabled there) while A deletes a
        cached product, and the master dies: the sentinels promote a replica (whose link has been
        down for less than ten times down-after-milliseconds) with the product's old value and
        generation in it. A counted the invalidation delivered only once a replica had it
        (WAIT), so it kept it and delivers it again on the new master: the product is 404 on
        both instances, not served from the promoted replica's copy until its TTL."""
        g = self.group
        gone = self.product("HA Unreplicated")
        for svc in (self.a, self.b, self.a, self.b):  # both tiers warm on both instances
            self.stock(svc, gone)
        self.assertTrue(wait_until(lambda: self.subscribers(g.master_port) >= 2, timeout=10))
        for port in g.replica_ports:
            self.assertTrue(wait_until(lambda: self.replication_offset(port, "slave_repl_offset") ==
                                       self.replication_offset(g.master_port, "master_repl_offset") > 0, timeout=10),
                            "the replicas have the cached product before their links are cut")
        # ACL rules are not replicated: only the master refuses the replicas' login (the new
        # master will let the other replica in again).
        g.cli(g.master_port, "ACL", "SETUSER", "mercato-replica", "off")
        g.cli(g.master_port, "CLIENT", "KILL", "USER", "mercato-replica")
        self.assertTrue(wait_until(lambda: self.replication_offset(g.master_port, "connected_slaves") == 0, timeout=10))
        d = self.call(self.a, "DELETE", f"/api/v1/products/{gone}")
        self.assertEqual(d.status, 204, d.body)
        g.kill("master")
        new = g.promoted(timeout=30)
        # Reads only count once the services are on the new master: until then they come from
        # PostgreSQL, which is right anyway.
        self.assertTrue(wait_until(lambda: self.service_clients(new) == {n: 2 for n in CLIENT_NAMES}, timeout=20,
                                   interval=0.05), self.service_clients(new))
        self.assertTrue(wait_until(lambda: self.subscribers(new) >= 2, timeout=20), self.subscribers(new))

        def reads():
            return [self.call(svc, "GET", f"/api/v1/products/{gone}").status for svc in (self.a, self.b)]

        self.assertTrue(wait_until(lambda: reads() == [404, 404], timeout=10, interval=0.1),
                        f"the deleted product is still served from the promoted replica: {reads()}")
        self.assertGreaterEqual(metric(self.a, "cache_invalidations_unreplicated_total", {}), 1)
        self.assertTrue(wait_until(lambda: metric(self.a, "cache_invalidations_pending", {}) == 0, timeout=20))
        for _ in range(3):
            self.assertEqual(reads(), [404, 404])

    def test_a_hung_master_is_left_for_the_one_the_sentinels_promote(self):
        """The master stops answering but its connections stay open (SIGSTOP: a hung process,
        or a partition). Commands would time out, but a bus subscription waits silently, so
        only the sentinels' answer (asked every second) moves it; everything must reach the
        new master while the old one still holds the sockets, and stay there once it is back."""
        g = self.group
        bus = self.product("HA Hung")
        self.assertTrue(wait_until(lambda: self.subscribers(g.master_port) >= 2, timeout=10))
        old = g.master_port
        os.kill(g.pids["master"], signal.SIGSTOP)
        try:
            new = g.promoted()
            self.assertTrue(wait_until(lambda: self.service_clients(new) == {n: 2 for n in CLIENT_NAMES},
                                       timeout=15), self.service_clients(new))
            self.assertTrue(wait_until(lambda: self.subscribers(new) >= 2, timeout=10), self.subscribers(new))
            self.assertEqual(self.stock(self.b, bus), 1)
            w = self.call(self.a, "PATCH", f"/api/v1/products/{bus}", {"stock": 3})
            self.assertEqual(w.status, 200, w.body)
            self.assertEqual(self.stock(self.b, bus), 3)  # the bus works on the new master
        finally:
            os.kill(g.pids["master"], signal.SIGCONT)
        # Back, the old master is made a replica by the sentinels; nothing of ours returns to it.
        self.assertTrue(wait_until(lambda: g.cli(old, "ROLE").split()[:1] == ["slave"], timeout=20))
        self.assertEqual(self.service_clients(old), {n: 0 for n in CLIENT_NAMES})
        self.assertEqual(self.service_clients(new), {n: 2 for n in CLIENT_NAMES})
        self.assertTrue(wait_until(lambda: metric(self.a, "cache_invalidations_pending", {}) == 0, timeout=10))

if __name__ == "__main__":
    unittest.main()
