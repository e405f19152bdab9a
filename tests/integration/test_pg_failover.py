"""PostgreSQL failover under write load (docs/scaling.md, "PostgreSQL high availability"): a
pg_auto_failover formation of its own (scripts/pg_ha.sh: a monitor, a primary and two
synchronous standbys, fsync and synchronous_commit on) on free loopback ports in a temporary
directory; identity and a catalog given every node in DB_HOST (and the catalog every node in
DB_REPLICA_HOSTS: whichever nodes are standbys serve its reads); writers POSTing products and
readers GETting them; then the primary node is killed with SIGKILL (its pg_autoctl, which would
otherwise restart PostgreSQL in place, and its postmaster) and the writers keep going until the
promoted standby takes writes.

It holds when every product answered 2xx is in the database afterwards (an acknowledged write
survives the primary's loss: synchronous replication), writes are unavailable for at most
MAX_UNAVAILABLE_S (15 s, the issue's goal; see the constant) (kill to the first 2xx of a request sent after it: the monitor promotes, the
pools drop their dead sessions and find the new primary through target_session_attrs), and
nothing but 2xx, 503 or 504 is answered meanwhile (an interrupted write is an honest 503, never
a 2xx for a row that is gone nor a 500); and the standbys serve reads that miss the cache, before
the kill and again after the failover (the remaining standby, following the new primary).

Needs only the built binaries (MERCATO_BIN_DIR), pg_autoctl (postgresql-15-auto-failover,
pg-auto-failover-cli) and redis-server: it uses the stack's Redis when REDIS_PORT is set, else
starts one of its own. Everything it starts is stopped by pid, also when it fails.

Knobs for showing that the test can fail (not for normal runs):
  MERCATO_FAILOVER_SINGLE_HOST=1  DB_HOST names only the first primary (no multi-host list)
  MERCATO_FAILOVER_ASYNC=1        synchronous_commit=local on the nodes (no synchronous replication)
  MERCATO_FAILOVER_KEEP=1         keep the formation's directory (logs) afterwards
"""

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import uuid

from .test_catalog_support import DEFAULT_STORE, IdentityIssuer
from testkit import REPO, Service, free_port, request

# The data tier issue's goal: writes back within 15 s of the primary's loss. Measured on the
# 2026-12-06 machine: 4.8-7.4 s in 5 runs, 7.2-8.5 s in 5 more with two busy loops on its two
# cores (docs/scaling.md); an earlier, shared machine once took 20.4 s in 11 runs, and the
# test then held 30 s. Held to the goal again, with the margin these runs show.
MAX_UNAVAILABLE_S = 15.0
WRITERS = 4
READERS = 2
SETUP_TIMEOUT_S = 150  # creating the formation takes about 40 s here
RECOVERY_TIMEOUT_S = 60  # past this without a 2xx write the test gives up (and fails)
REPLICA_BACK_TIMEOUT_S = 30  # after the failover, until a standby serves reads again


def pg_ha(function, *args, timeout=60, env=None):
    """One function of scripts/pg_ha.sh (through scripts/lib/load.sh, as ./mercato loads it):
    its output, or AssertionError with the reason it gave (FAILED_WHY)."""
    script = ('REPO=$1; shift; source "$REPO/scripts/lib/load.sh"; "$@" || '
              '{ rc=$?; echo "${FAILED_WHY:-$1 failed}" >&2; exit $rc; }')
    r = subprocess.run(["bash", "-c", script, "pg_ha", REPO, function, *map(str, args)], capture_output=True,
                       text=True, timeout=timeout, env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise AssertionError(f"{function} failed: {r.stderr.strip()[-2000:]}")
    return r.stdout.strip()


def psql(conninfo, sql, password=None, timeout=30, retry_s=0):
    """psql's output; a failure to connect is retried for retry_s seconds (psql exits 2)."""
    env = {**os.environ, "PGCONNECT_TIMEOUT": "5"}
    if password:
        env["PGPASSWORD"] = password
    deadline = time.monotonic() + retry_s
    while True:
        r = subprocess.run(["psql", conninfo, "-XAtq", "-v", "ON_ERROR_STOP=1"], input=sql, capture_output=True,
                           text=True, timeout=timeout, env=env)
        if r.returncode == 0:
            return r.stdout.strip()
        if r.returncode != 2 or time.monotonic() >= deadline:
            raise AssertionError(f"psql failed: {r.stderr.strip()}\n{sql[:500]}")
        time.sleep(0.5)


def children(pid):
    """The pids whose parent is pid (from /proc)."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            out.append(int(entry))
    return out


def read_pid(path):
    with open(path) as f:
        return int(f.readline().strip())


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class PrivateRedis:
    """redis-server on a free port, without persistence; stopped by its pid."""

    def __init__(self, directory):
        self.port = free_port()
        self.proc = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                                      "--appendonly", "no", "--dir", directory], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("redis-server did not start")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Load:
    """Writers POSTing products and readers GETting the acknowledged ones, each answer recorded
    with when its request was sent."""

    def __init__(self, url, token, tag):
        self.url, self.tag = url, tag
        self.write_headers = {"Authorization": "Bearer " + token, "X-Store-ID": DEFAULT_STORE}
        self.read_headers = {"X-Store-ID": DEFAULT_STORE}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.writes = []  # (sent, answered, status or exception name)
        self.reads = []
        self.acked = []  # ids answered 2xx
        self.threads = [threading.Thread(target=self.writer, args=(i,), daemon=True) for i in range(WRITERS)]
        self.threads += [threading.Thread(target=self.reader, daemon=True) for _ in range(READERS)]

    def start(self):
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(30)

    def writer(self, n):
        i = 0
        while not self.stopping.is_set():
            i += 1
            body = {"name": f"Failover lamp {n}-{i}", "sku": f"HA-{self.tag}-{n}-{i}", "price_cents": 100 + i,
                    "currency": "EUR", "status": "active", "stock": 1}
            sent = time.monotonic()
            try:
                r = request(self.url, "POST", "/api/v1/products", body, headers=self.write_headers, timeout=20)
                status = r.status
                pid = r.json()["data"]["id"] if 200 <= status < 300 else None
            except (OSError, ValueError, KeyError) as e:
                status, pid = type(e).__name__, None
            with self.lock:
                self.writes.append((sent, time.monotonic(), status))
                if pid:
                    self.acked.append(pid)
            if pid is None:
                time.sleep(0.05)  # a failed write is retried as a new product, not hammered

    def reader(self):
        while not self.stopping.is_set():
            with self.lock:
                pid = random.choice(self.acked) if self.acked else None
            if pid is None:
                time.sleep(0.05)
                continue
            sent = time.monotonic()
            try:
                status = request(self.url, "GET", f"/api/v1/products/{pid}", headers=self.read_headers,
                                 timeout=20).status
            except OSError as e:
                status = type(e).__name__
            with self.lock:
                self.reads.append((sent, time.monotonic(), status))
            time.sleep(0.01)

    def first_ok_write_sent_after(self, t):
        with self.lock:
            done = [answered for sent, answered, status in self.writes
                    if sent >= t and isinstance(status, int) and 200 <= status < 300]
        return min(done) if done else None


class PgFailover(unittest.TestCase):
    def setUp(self):
        self.started = time.monotonic()
        self.tmp = tempfile.mkdtemp(prefix="mercato-pgha-")
        os.chmod(self.tmp, 0o755)  # the postgres user runs the servers under it
        if os.environ.get("MERCATO_FAILOVER_KEEP") == "1":  # the nodes' logs, for a failure's post-mortem
            print(f"\nformation kept in {self.tmp}", file=sys.stderr)
        else:
            self.addCleanup(shutil.rmtree, self.tmp, True)
        self.formation = os.path.join(self.tmp, "formation")

        if os.environ.get("REDIS_PORT"):
            redis_env = {k: os.environ.get(k, "") for k in ("REDIS_HOST", "REDIS_PORT", "REDIS_PASSWORD")}
        else:
            redis = PrivateRedis(self.tmp)
            self.addCleanup(redis.stop)
            redis_env = {"REDIS_HOST": "127.0.0.1", "REDIS_PORT": str(redis.port), "REDIS_PASSWORD": ""}

        monitor, *self.ports = (free_port() for _ in range(4))
        ha_env = {"PG_HA_SYNCHRONOUS_COMMIT": "local"} if os.environ.get("MERCATO_FAILOVER_ASYNC") == "1" else {}
        # Registered before the create, so a half-made formation is stopped too.
        self.addCleanup(pg_ha, "pg_ha_stop", self.formation, timeout=120)
        pg_ha("pg_ha_create", self.formation, monitor, *self.ports, timeout=SETUP_TIMEOUT_S, env=ha_env)
        self.primary_port = int(self.current_primary().rsplit(":", 1)[1])

        # The services' roles and databases, as scripts/postgres.sh makes them for a stack: each
        # role owns its database and logs in with a password (scram-sha-256, pg_ha_write_hba).
        self.passwords = {db: "pw-" + uuid.uuid4().hex for db in ("mercato_catalog", "mercato_identity")}
        sql = []
        for db, pw in self.passwords.items():
            sql.append(f"CREATE ROLE {db} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{pw}';")
            sql.append(f"CREATE DATABASE {db} OWNER {db};")
            sql.append(f"REVOKE ALL ON DATABASE {db} FROM PUBLIC;")
        # Through the host list: a formation that has only just become healthy may still move.
        psql(self.superuser(), "\n".join(sql), retry_s=20)

        db = {"DB_HOST": pg_ha("pg_ha_hosts", self.formation)}
        if os.environ.get("MERCATO_FAILOVER_SINGLE_HOST") == "1":
            db = {"DB_HOST": "127.0.0.1", "DB_PORT": str(self.primary_port)}
        self.db_hosts = db["DB_HOST"]
        common = {**db, "DB_CONNECT_TIMEOUT": "2s", "DB_QUERY_TIMEOUT": "5s", **redis_env}
        self.issuer = IdentityIssuer(env={**common, "DB_USER": "mercato_identity",
                                          "DB_PASSWORD": self.passwords["mercato_identity"]})
        self.addCleanup(self.issuer.close)
        # Every node as a replica: the catalog reads only from those in recovery and fresh, so
        # whichever are standbys now (and after a failover) serve, never the primary.
        replicas = {"DB_REPLICA_HOSTS": self.db_hosts if "," in self.db_hosts else ""}
        self.catalog = Service("catalog", env={**self.issuer.env(), **common, **replicas, "DB_USER": "mercato_catalog",
                                               "DB_PASSWORD": self.passwords["mercato_catalog"],
                                               "DB_NAME": "mercato_catalog"}, wait_ready=True)
        self.addCleanup(self.catalog.stop)
        self.token = self.issuer.token("editor")

    def replica_reads(self):
        """Reads the catalog has sent to a replica so far (db_read_routes_total{to="replica"})."""
        total = 0
        for line in self.catalog.metrics().splitlines():
            if line.startswith("db_read_routes_total{") and 'to="replica"' in line:
                total += int(float(line.rsplit(" ", 1)[1]))
        return total

    def current_primary(self, timeout=20):
        """host:port of the node that takes writes. Retried: between two states of the monitor
        (a standby rejoining, settings being applied) no node is reported and assigned primary."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return pg_ha("pg_ha_primary", self.formation)
            except AssertionError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.5)

    def nodes(self, user, dbname):
        """A libpq connection string to whichever node takes writes, as the services find it."""
        return (f"host={','.join(['127.0.0.1'] * len(self.ports))} port={','.join(map(str, self.ports))} "
                f"user={user} dbname={dbname} target_session_attrs=read-write")

    def superuser(self):
        # pg_autoctl's trust rule: postgres, database postgres, 127.0.0.1 only (pg_ha_write_hba).
        return self.nodes("postgres", "postgres")

    def kill_primary_node(self):
        """SIGKILL to everything of the primary node, as if its machine went away: its
        pg_autoctl (the whole process group: the keeper and its supervised services), its
        postmaster, and the postmaster's children, by the pids they wrote or /proc lists. The
        postmaster alone would be restarted in place by its pg_autoctl (a crash, not the node's
        loss), and its backends outlive it until they notice: one run got a 201 from such an
        orphan 0.08 s after the postmaster's kill (its walsender was still streaming too)."""
        node = f"node{self.ports.index(self.primary_port) + 1}"
        data = os.path.join(self.formation, node)
        keeper = read_pid(os.path.join(self.formation, "run", "pg_autoctl" + self.formation, node, "pg_autoctl.pid"))
        postmaster = read_pid(os.path.join(data, "postmaster.pid"))
        self.assertIn("pg_autoctl", cmdline(keeper))
        self.assertIn("postgres", cmdline(postmaster))
        backends = children(postmaster)
        os.killpg(os.getpgid(keeper), signal.SIGKILL)
        for pid in [postmaster] + backends:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it was in the keeper's group, or had exited
        # Taken after the signals, not before: a request sent in between could still be answered
        # by the old primary and would count as the first write after the kill.
        killed_at = time.monotonic()
        print(f"\nkilled {node} at {time.strftime('%H:%M:%S')}.{int(time.time() * 1000) % 1000:03d}", file=sys.stderr)
        return node, killed_at

    def test_acknowledged_writes_survive_killing_the_primary(self):
        # Durability is what is tested: the nodes must not run like the test stack's server.
        self.primary_port = int(self.current_primary().rsplit(":", 1)[1])
        settings = psql(self.superuser(),
                        "SELECT current_setting('fsync') || ' ' || current_setting('synchronous_commit') || ' ' || "
                        "current_setting('synchronous_standby_names')")
        if os.environ.get("MERCATO_FAILOVER_ASYNC") != "1":
            self.assertTrue(settings.startswith("on on ANY 1 ("), settings)

        load = Load(self.catalog.url, self.token, uuid.uuid4().hex[:8])
        load.start()
        try:
            time.sleep(3)
            self.assertIsNotNone(load.first_ok_write_sent_after(0), f"no write succeeded before the kill: {load.writes[:5]}")
            replica_reads_before = self.replica_reads()
            node, killed_at = self.kill_primary_node()
            recovered = None
            while time.monotonic() - killed_at < RECOVERY_TIMEOUT_S:
                recovered = load.first_ok_write_sent_after(killed_at)
                if recovered:
                    break
                time.sleep(0.1)
            time.sleep(2)  # writes on the new primary for a while
            # The remaining standby follows the new primary and serves reads again.
            replica_reads_at_recovery, replica_reads_after = self.replica_reads(), None
            deadline = time.monotonic() + REPLICA_BACK_TIMEOUT_S
            while recovered and time.monotonic() < deadline:
                if self.replica_reads() > replica_reads_at_recovery:
                    replica_reads_after = time.monotonic() - killed_at
                    break
                time.sleep(0.2)
        finally:
            load.stop()

        new_primary = self.current_primary()
        # Every acknowledged product, read back from whichever node takes writes now.
        sku_prefix = f"HA-{load.tag}-"
        found = set(psql(self.nodes("mercato_catalog", "mercato_catalog"),
                         f"SELECT id FROM products WHERE sku LIKE '{sku_prefix}%'",
                         password=self.passwords["mercato_catalog"]).split())
        acked = set(load.acked)
        lost = acked - found

        def counts(rows, since):
            out = {}
            for sent, _, status in rows:
                if sent >= since:
                    out[status] = out.get(status, 0) + 1
            return out

        writes_after, reads_after = counts(load.writes, killed_at), counts(load.reads, killed_at)
        unavailable = (recovered - killed_at) if recovered else None
        read_failures = sum(n for s, n in reads_after.items() if s != 200)
        print(f"\npg failover: killed {node} (127.0.0.1:{self.primary_port}), new primary {new_primary}; "
              f"writes unavailable {unavailable if unavailable is None else round(unavailable, 2)} s; "
              f"acknowledged {len(acked)}, lost {len(lost)}; writes after the kill {writes_after}; "
              f"reads after the kill {reads_after} ({read_failures} failed); reads from standbys "
              f"{replica_reads_before} before the kill, again {replica_reads_after and round(replica_reads_after, 1)} s "
              f"after it; DB_HOST={self.db_hosts}; "
              f"test took {time.monotonic() - self.started:.0f} s", file=sys.stderr)

        if unavailable is None or unavailable > MAX_UNAVAILABLE_S or lost:
            print(pg_ha("pg_ha_events", self.formation), file=sys.stderr)  # what the monitor did, when

        self.assertEqual(lost, set(), f"{len(lost)} of {len(acked)} acknowledged products are gone")
        self.assertIsNotNone(unavailable, f"no write succeeded within {RECOVERY_TIMEOUT_S} s of the kill: {writes_after}")
        self.assertLessEqual(unavailable, MAX_UNAVAILABLE_S)
        unexpected = {s: n for s, n in counts(load.writes, 0).items() if s not in (201, 503, 504)}
        self.assertEqual(unexpected, {}, "writes must answer 201, or 503/504 while there is no primary")
        self.assertNotEqual(new_primary, f"127.0.0.1:{self.primary_port}")
        if os.environ.get("MERCATO_FAILOVER_SINGLE_HOST") != "1":
            self.assertGreater(replica_reads_before, 0, "the standbys served no read before the kill")
            self.assertIsNotNone(replica_reads_after,
                                 f"no read went to a standby within {REPLICA_BACK_TIMEOUT_S} s of the failover")


if __name__ == "__main__":
    unittest.main()
