"""Helpers shared by the catalog's black-box tests (named test_catalog_* to sit with them; it holds no tests): real tokens from identity, scratch stores, SQL access.

Tokens: the catalog verifies Ed25519 JWTs against the JWKS it fetches from
USER_SERVICE_HOST:USER_SERVICE_PORT. IdentityIssuer runs the real identity service on a keys
directory of its own, makes users with `mercato-identity user add`, scopes each to a store
(identity's users.store_id) and logs them in through POST /api/v1/auth/login, so both sides of
the token path are the production code. Tokens the tests need broken in one way come from
identity too: an expired one from a second identity on the same keys with JWT_ACCESS_TTL=1s,
one with a foreign issuer from a second identity with another JWT_ISSUER."""

import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

from testkit import BIN_DIR, Service, request, stack_env, wait_until

DEFAULT_STORE = "00000000-0000-7000-8000-000000000001"


class IdentityIssuer:
    def __init__(self, env=None):
        """`env`: variables of the identity service (and of its CLI) beyond the stack's, such as
        a DB_HOST of a test's own PostgreSQL (test_pg_failover.py)."""
        self.keys = tempfile.mkdtemp(prefix="catalog-identity-keys-")
        self.base_env = {"DB_NAME": "mercato_identity", "JWT_KEYS_DIR": self.keys, "LOG_LEVEL": "warn", **(env or {})}
        self.identity = Service("identity", env=self.base_env, wait_ready=True)
        self.variants = {}  # extra identities: (name, value) -> Service
        self.users = {}  # (role, store) -> (email, password)
        self.tokens = {}

    def env(self):
        """For the catalog under test: identity's address (for its JWKS), and no clock skew
        allowance, so a token from the 1-second identity is expired a second later."""
        return {"USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(self.identity.port), "JWT_CLOCK_SKEW": "0"}

    def user(self, role, store):
        key = (role, store)
        if key not in self.users:
            email = f"catalog-{role}-{uuid.uuid4().hex[:10]}@test.dev"
            password = "pw-" + uuid.uuid4().hex
            full = {**os.environ, **stack_env(), **self.base_env}
            r = subprocess.run([os.path.join(BIN_DIR, "mercato-identity"), "user", "add", "--email", email, "--role",
                                role], input=password + "\n", env=full, capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stderr
            if store != DEFAULT_STORE:
                psql(f"UPDATE users SET store_id = '{store}' WHERE email = '{email}'", db="mercato_identity")
            self.users[key] = (email, password)
        return self.users[key]

    def login(self, service, role, store):
        email, password = self.user(role, store)
        r = request(service.url, "POST", "/api/v1/auth/login", {"email": email, "password": password})
        assert r.status == 200, r.body
        return r.json()["data"]["access_token"]

    def variant(self, name, value):
        if (name, value) not in self.variants:
            self.variants[(name, value)] = Service("identity", env={**self.base_env, name: value}, wait_ready=True)
        return self.variants[(name, value)]

    def token(self, role="editor", store=DEFAULT_STORE, ttl=None, issuer=None):
        """A fresh token of `role` scoped to `store`; `ttl` <= 0: one that has expired;
        `issuer`: one signed by identity's key but issued under another name."""
        if issuer is not None:
            return self.login(self.variant("JWT_ISSUER", issuer), role, store)
        if ttl is not None and ttl <= 0:
            tok = self.login(self.variant("JWT_ACCESS_TTL", "1s"), role, store)
            time.sleep(2.1)
            return tok
        if (role, store) not in self.tokens:
            self.tokens[(role, store)] = self.login(self.identity, role, store)
        return self.tokens[(role, store)]

    def close(self):
        for svc in self.variants.values():
            svc.stop()
        self.identity.stop()


def psql(sql, db="mercato_catalog"):
    env = stack_env()
    r = subprocess.run(["psql", "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"], "-d", db,
                        "-XAtq", "-v", "ON_ERROR_STOP=1"], input=sql, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr}\n{sql}")
    return r.stdout.strip()


def psql_db(db, sql, variables=None, timeout=600, check=True):
    """psql as the stack's superuser on db (a scratch database of a test's own), `-v NAME=value`
    for each of variables: the output as psql printed it. A failure raises unless check is
    False (then the output is whatever psql printed)."""
    env = stack_env()
    args = ["psql", "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"], "-d", db, "-XAtq",
            "-v", "ON_ERROR_STOP=1"]
    for k, v in (variables or {}).items():
        args += ["-v", f"{k}={v}"]
    r = subprocess.run(args, input=sql, capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr}\n{sql[:2000]}")
    return r.stdout


def create_scratch_database(prefix):
    """An empty database named prefix_<this process's pid> (one left by an earlier run of the
    same pid is dropped first), for tests whose data no other test may see."""
    db = f"{prefix}_{os.getpid()}"
    psql_db("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE); CREATE DATABASE {db};")
    return db


def drop_scratch_database(db):
    """Drops a create_scratch_database database; never raises (a tearDown must not hide the
    test's own failure)."""
    psql_db("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)", check=False)


class ScratchCatalogs(unittest.TestCase):
    """Catalog instances of a test's own on a scratch database (SCRATCH_DB, its prefix), so no
    other catalog (the stack's) can claim its jobs and an instance it kills is known to be the
    one working them. Jobs are polled every 100 ms and a dead worker's job is taken over after
    2 s; ENV adds a subclass's own variables."""

    SCRATCH_DB = ""
    ENV = {}

    @classmethod
    def setUpClass(cls):
        cls.db = create_scratch_database(cls.SCRATCH_DB)
        cls.issuer = IdentityIssuer()
        cls.env = {**cls.issuer.env(), "DB_NAME": cls.db, "JOBS_POLL_INTERVAL": "100ms", "JOBS_HEARTBEAT_TIMEOUT": "2s",
                   **cls.ENV}
        cls.services = []

    @classmethod
    def tearDownClass(cls):
        for s in cls.services:
            s.stop()
        cls.issuer.close()
        drop_scratch_database(cls.db)

    def sql(self, text):
        return psql_db(self.db, text).strip()

    def start_catalog(self):
        svc = Service("catalog", env=self.env, wait_ready=True)
        self.services.append(svc)
        return svc

    def job_progress(self, job):
        """[state, done, locked_by, attempts] of a job, as text."""
        return self.sql(f"SELECT state || '|' || done || '|' || coalesce(locked_by, '') || '|' || attempts "
                        f"FROM jobs WHERE id = '{job}'").split("|")

    def stop_job_holder(self, job, instances, after_done):
        """Once `job` has done `after_done` items, SIGTERM to whichever of `instances` works it
        (jobs.locked_by names its pid), which must exit 0; returns (holder, the others)."""
        wait_until(lambda: int(self.job_progress(job)[1]) >= after_done, timeout=60, interval=0.02)
        pid = int(self.job_progress(job)[2].split("-")[1])
        holder = next((s for s in instances if s.pid == pid), None)
        self.assertIsNotNone(holder, f"the job is held by pid {pid}, none of {[s.pid for s in instances]}")
        os.kill(holder.pid, signal.SIGTERM)
        self.assertEqual(holder.proc.wait(30), 0, "a stopped catalog exits 0")
        return holder, [s for s in instances if s is not holder]


class SilentBusListener:
    """A subscriber of the cache's invalidation channel on the stack's Redis that never
    acknowledges: each invalidation published while it listens waits CACHE_ACK_TIMEOUT (250 ms)
    for it, a window in which a test can look at what the writer has committed already."""

    CHANNEL = "mc1:invalidate"  # cache/keys.cpp, invalidation_channel()

    def __init__(self):
        env = stack_env()
        self.proc = subprocess.Popen(["redis-cli", "-h", env["REDIS_HOST"], "-p", env["REDIS_PORT"], "SUBSCRIBE",
                                      self.CHANNEL], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(l.rstrip("\n")) for l in self.proc.stdout], daemon=True).start()
        got = [self.lines.get(timeout=10) for _ in range(3)]
        if got != ["subscribe", self.CHANNEL, "1"]:
            self.close()
            raise AssertionError(f"redis-cli did not subscribe: {got}")

    def first_naming(self, words, timeout=30):
        """The first invalidation whose payload names one of `words`, or None by `timeout`."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.lines.get(timeout=max(0.1, deadline - time.time())) != "message":
                    continue
                if self.lines.get(timeout=5) != self.CHANNEL:
                    continue
                payload = self.lines.get(timeout=5)
            except queue.Empty:
                return None
            if any(w in payload for w in words):
                return payload
        return None

    def close(self):
        self.proc.kill()
        self.proc.wait(10)


def lit(v):
    """v as an SQL string literal."""
    return "'" + str(v).replace("'", "''") + "'"


def plan_nodes(plan):
    """Every node of an EXPLAIN (FORMAT JSON) plan, the root first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


class PsqlSession:
    """One long-lived psql process for tests that query after every request: a new psql per
    statement costs tens of milliseconds, this about one. Each call sends the SQL followed by
    an \\echo of a marker and reads the lines up to it."""

    MARK = "--psql-session-done--"

    def __init__(self, db="mercato_catalog"):
        env = stack_env()
        self.proc = subprocess.Popen(["psql", "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"], "-d", db,
                                      "-XAtq", "-v", "ON_ERROR_STOP=0"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)

    def __call__(self, sql):
        self.proc.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo " + self.MARK + "\n")
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"psql exited: {''.join(lines)}")
            if line.rstrip("\n") == self.MARK:
                break
            lines.append(line)
        out = "".join(lines).strip()
        if out.startswith(("ERROR:", "psql:")):
            raise AssertionError(f"psql failed: {out}\n{sql}")
        return out

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(10)
        self.proc.stdout.close()


def new_store():
    """A store of its own, so a test module's counts and lists see only its own rows."""
    sid = str(uuid.uuid4())
    psql(f"INSERT INTO stores (id, slug, name) VALUES ('{sid}', 'test-{sid[:8]}', 'Test store')")
    return sid


def store_fingerprint(store):
    """Everything a failed request must leave untouched."""
    return psql(f"""SELECT (SELECT count(*) FROM products WHERE store_id = '{store}') || '/' ||
                           (SELECT coalesce(max(version), 0) FROM products WHERE store_id = '{store}') || '/' ||
                           (SELECT count(*) FROM categories WHERE store_id = '{store}') || '/' ||
                           (SELECT count(*) FROM audit_log WHERE store_id = '{store}')""")


def metric(svc, name, labels):
    """The value of one sample of the service's /metrics."""
    body = svc.metrics()
    want = name + ("{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else "")
    for line in body.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return 0.0


class CatalogBehindGateway:
    """A catalog and a gateway of a test's own in front of an IdentityIssuer, with a fresh
    store and an editor's token for it: for tests that need their own settings on both hops."""

    def __init__(self, catalog_env=None, gateway_env=None):
        self.issuer = IdentityIssuer()
        self.catalog = Service("catalog", env={**self.issuer.env(), **(catalog_env or {})}, wait_ready=True)
        self.gateway = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(self.catalog.port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(self.issuer.identity.port),
            "RATE_LIMIT_PER_MINUTE": "100000", **(gateway_env or {})}, wait_ready=True)
        self.store = new_store()
        self.token = self.issuer.token("editor", store=self.store)

    def close(self):
        self.gateway.stop()
        self.catalog.stop()
        self.issuer.close()
