"""Least privilege in the stack (issue 13, finding 11): PostgreSQL takes passwords (scram-sha-256)
and each service's role reaches only its own database; Redis takes passwords and each service's
ACL user runs only its own commands on its own keys; a wrong password stops a service at start
with one line. Runs against the stack the driver started (./mercato test, or a dev stack with
MERCATO_SECRETS_DIR pointing at its secrets)."""

import os
import subprocess
import unittest
import uuid

from testkit import BIN_DIR, request, run_binary, secret, stack_env, wait_until


def psql(user, password, db, sql, passfile=os.devnull):
    env = stack_env()
    run_env = dict(os.environ, PGPASSWORD=password, PGPASSFILE=passfile, PGCONNECT_TIMEOUT="5")
    return subprocess.run(["psql", "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", user, "-d", db, "-XAtq",
                           "-v", "ON_ERROR_STOP=1", "-c", sql], env=run_env, capture_output=True, text=True, timeout=30)


def redis(user, password, *args, port=None):
    """One command through redis-cli as `user` (None: AUTH with the password alone, the default
    user); returns what it printed, replies and errors alike."""
    env = stack_env()
    cmd = ["redis-cli", "-h", env["REDIS_HOST"], "-p", port or env["REDIS_PORT"]]
    if user:
        cmd += ["--user", user]
    run_env = dict(os.environ)
    run_env.pop("REDISCLI_AUTH", None)
    if password:
        run_env["REDISCLI_AUTH"] = password
    r = subprocess.run(cmd + list(args), env=run_env, capture_output=True, text=True, timeout=10)
    return (r.stdout + r.stderr).strip()


ROLES = {"catalog": "mercato_catalog", "identity": "mercato_identity"}


class PostgresRoles(unittest.TestCase):
    def test_each_service_role_reaches_only_its_own_database(self):
        for own, other in (("catalog", "identity"), ("identity", "catalog")):
            role, password = ROLES[own], secret(f"pg-{ROLES[own]}")
            with self.subTest(role=role):
                ok = psql(role, password, ROLES[own], "SELECT current_user, rolsuper, rolcreatedb, rolcreaterole "
                                                      "FROM pg_roles WHERE rolname = current_user")
                self.assertEqual(ok.returncode, 0, ok.stderr)
                self.assertEqual(ok.stdout.strip(), f"{role}|f|f|f")
                refused = psql(role, password, ROLES[other], "SELECT 1")
                self.assertNotEqual(refused.returncode, 0, refused.stdout)
                self.assertRegex(refused.stderr, r"no pg_hba\.conf entry|permission denied for database")

    def test_connect_is_not_granted_across_databases_either(self):
        # Independent of pg_hba.conf: even with a looser one, CONNECT is not granted.
        r = psql("postgres", secret("pg-postgres"), "postgres",
                 "SELECT has_database_privilege('mercato_catalog', 'mercato_identity', 'CONNECT'), "
                 "has_database_privilege('mercato_identity', 'mercato_catalog', 'CONNECT'), "
                 "has_database_privilege('mercato_catalog', 'mercato_catalog', 'CONNECT')")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.strip(), "f|f|t")

    def test_every_schema_object_belongs_to_the_service_role(self):
        # The migrations ran as the role, so it owns what they made (and nothing runs as postgres).
        for role in ROLES.values():
            with self.subTest(role=role):
                r = psql(role, secret(f"pg-{role}"), role,
                         "SELECT count(*) FILTER (WHERE tableowner <> current_user), count(*) "
                         "FROM pg_tables WHERE schemaname = 'public'")
                self.assertEqual(r.returncode, 0, r.stderr)
                foreign, total = r.stdout.strip().split("|")
                self.assertEqual(foreign, "0")
                self.assertGreater(int(total), 0)

    def test_a_wrong_or_missing_password_is_refused(self):
        for user, db in (("postgres", "postgres"), ("mercato_catalog", "mercato_catalog")):
            with self.subTest(user=user):
                r = psql(user, "not-the-password", db, "SELECT 1")
                self.assertNotEqual(r.returncode, 0)
                self.assertIn("password authentication failed", r.stderr)
                r = psql(user, "", db, "SELECT 1")
                self.assertNotEqual(r.returncode, 0)

    def test_the_replica_streams_as_its_own_role(self):
        replica = os.environ.get("MERCATO_PG_REPLICA_ADDRESS")
        if not replica:
            self.skipTest("the stack runs without a replica (MERCATO_PG_REPLICA=0)")
        host, port = replica.rsplit(":", 1)
        shown = subprocess.run(["psql", "-h", host, "-p", port, "-U", "postgres", "-d", "postgres", "-XAtq", "-c",
                                "SHOW primary_conninfo"], env=dict(os.environ, PGPASSWORD=secret("pg-postgres")),
                               capture_output=True, text=True, timeout=30)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertIn("user=mercato_replication", shown.stdout)
        self.assertNotIn("password=", shown.stdout)  # it reads a passfile only the server's user can

        def identify(user, password):
            env = stack_env()
            return subprocess.run(["psql", f"host={env['DB_HOST']} port={env['DB_PORT']} user={user} dbname=postgres "
                                   "replication=true", "-XAtq", "-c", "IDENTIFY_SYSTEM"],
                                  env=dict(os.environ, PGPASSWORD=password, PGPASSFILE=os.devnull),
                                  capture_output=True, text=True, timeout=30)
        self.assertEqual(identify("mercato_replication", secret("pg-mercato_replication")).returncode, 0)
        for user in ("postgres", "mercato_catalog"):  # only the replication role may stream
            refused = identify(user, secret(f"pg-{user}"))
            self.assertNotEqual(refused.returncode, 0, user)
            self.assertIn("no pg_hba.conf entry for replication connection", refused.stderr)


def cache_port():
    """The driver's cache Redis (redis-cache), where the catalog's values live."""
    return os.environ.get("MERCATO_CACHE_REDIS_PORT") or stack_env()["REDIS_PORT"]


class RedisUsers(unittest.TestCase):
    USERS = ("mercato-catalog", "mercato-identity", "mercato-gateway")
    # Each user's own key, and the instance it lives in.
    OWN_KEY = {"mercato-catalog": "mc1:privtest", "mercato-identity": "identity:privtest",
               "mercato-gateway": "mercato:rl:privtest"}

    def port_of(self, user):
        return cache_port() if user == "mercato-catalog" else None

    def test_no_login_no_access(self):
        for port in (None, cache_port()):
            self.assertIn("NOAUTH", redis(None, None, "GET", "mc1:privtest", port=port))
            self.assertIn("WRONGPASS", redis(None, "not-the-password", "PING", port=port))
            self.assertIn("WRONGPASS", redis("mercato-catalog", "not-the-password", "PING", port=port))

    def test_a_service_user_cannot_administer_redis(self):
        for user in self.USERS:
            password = secret(f"redis-{user}")
            for port in {None, self.port_of(user)}:
                with self.subTest(user=user, port=port):
                    self.assertEqual(redis(user, password, "PING", port=port), "PONG")
                    for command in (["FLUSHALL"], ["FLUSHDB"], ["CONFIG", "GET", "*"], ["KEYS", "*"],
                                    ["ACL", "LIST"], ["SCRIPT", "FLUSH"], ["CLIENT", "LIST"], ["SWAPDB", "0", "1"]):
                        self.assertIn("NOPERM", redis(user, password, *command, port=port), command)

    def test_a_service_user_touches_only_its_own_keys(self):
        for user in self.USERS:
            password = secret(f"redis-{user}")
            port = self.port_of(user)
            with self.subTest(user=user):
                own = self.OWN_KEY[user]
                self.assertNotIn("NOPERM", redis(user, password, "GET", own, port=port))
                for other_user, other in self.OWN_KEY.items():
                    if other_user != user:
                        for p in {None, port}:
                            self.assertIn("NOPERM", redis(user, password, "GET", other, port=p), other)
                            self.assertIn("NOPERM", redis(user, password, "SET", other, "x", port=p), other)
                # A script cannot reach around the key patterns either.
                self.assertIn("NOPERM", redis(user, password, "EVAL", "return redis.call('GET', KEYS[1])", "1",
                                              next(k for u, k in self.OWN_KEY.items() if u != user), port=port))

    def test_only_the_catalog_has_a_user_on_the_cache_redis_and_no_keys_on_the_main_one(self):
        if cache_port() == stack_env()["REDIS_PORT"]:
            self.skipTest("one Redis for both roles")
        for user in ("mercato-identity", "mercato-gateway"):
            self.assertIn("WRONGPASS", redis(user, secret(f"redis-{user}"), "PING", port=cache_port()))
        self.assertIn("NOPERM", redis("mercato-catalog", secret("redis-mercato-catalog"), "GET", "mc1:privtest"))


class ServicesUnderTheirOwnUsers(unittest.TestCase):
    """The driver's services run as their own roles and ACL users: a login, a write and cached
    reads through the gateway exercise every script and command they send, and no Redis command
    of theirs was refused."""

    def url(self, svc):
        return os.environ.get(f"MERCATO_{svc.upper()}_URL") or self.skipTest("needs the driver's stack")

    def refusals(self):
        """What the ACL logs of both Redis instances hold besides failed logins: commands, keys
        or channels refused (inside Lua scripts too). Redis 7 logs each with its reason."""
        found = []
        for port in (None, cache_port()):
            lines = redis(None, secret("redis-default"), "ACL", "LOG", port=port).splitlines()
            found += [lines[i + 1:i + 10] for i, line in enumerate(lines[:-1])
                      if line == "reason" and lines[i + 1] != "auth"]
        return found

    def test_login_write_and_cached_reads_work_without_a_refused_command(self):
        gateway = self.url("gateway")
        for port in (None, cache_port()):
            self.assertEqual(redis(None, secret("redis-default"), "ACL", "LOG", "RESET", port=port), "OK")
        email, password = f"acl-{uuid.uuid4().hex[:8]}@mercato.test", uuid.uuid4().hex
        added = subprocess.run([os.path.join(BIN_DIR, "mercato-identity"), "user", "add", "--email", email, "--role",
                                "admin", "--name", "ACL"], input=password + "\n", capture_output=True, text=True,
                               env=dict(os.environ, **stack_env(), DB_NAME="mercato_identity"), timeout=60)
        self.assertEqual(added.returncode, 0, added.stderr)
        # A failed login runs identity's throttle script; the good one its bookkeeping.
        self.assertEqual(request(gateway, "POST", "/api/v1/auth/login", {"email": email, "password": "wrong"}).status, 401)
        r = request(gateway, "POST", "/api/v1/auth/login", {"email": email, "password": password})
        self.assertEqual(r.status, 200, r.body)
        token = r.json()["data"]["access_token"]
        store = str(uuid.uuid4())
        made = psql("postgres", secret("pg-postgres"), "mercato_catalog",
                    f"INSERT INTO stores (id, slug, name) VALUES ('{store}', 'acl-{store[:8]}', 'ACL store')")
        self.assertEqual(made.returncode, 0, made.stderr)
        h = {"Authorization": "Bearer " + token, "X-Store-ID": store}
        body = {"name": "ACL Lamp", "sku": "ACL-" + uuid.uuid4().hex[:8], "price_cents": 100, "currency": "EUR",
                "status": "active", "stock": 1}
        r = request(gateway, "POST", "/api/v1/products", body, headers=h)
        self.assertEqual(r.status, 201, r.body)
        pid = r.json()["data"]["id"]
        for _ in range(2):  # a miss that fills (lease, script), then a hit
            r = request(gateway, "GET", f"/api/v1/products/{pid}", headers=h)
            self.assertEqual(r.status, 200, r.body)
        r = request(gateway, "PUT", f"/api/v1/products/{pid}", dict(body, name="ACL Lamp 2"), headers=h)
        if r.status == 405:
            r = request(gateway, "PATCH", f"/api/v1/products/{pid}", {"name": "ACL Lamp 2"}, headers=h)
        self.assertEqual(r.status, 200, r.body)
        r = request(gateway, "GET", f"/api/v1/products/{pid}", headers=h)
        self.assertEqual(r.json()["data"]["name"], "ACL Lamp 2")
        # A role change publishes a token revocation that the gateway and the catalog hear.
        r = request(gateway, "POST", "/api/v1/users", {"email": f"acl-{uuid.uuid4().hex[:8]}@mercato.test",
                                                       "password": uuid.uuid4().hex, "role": "viewer"},
                    headers={"Authorization": "Bearer " + token})
        self.assertEqual(r.status, 201, r.body)
        r = request(gateway, "PATCH", f"/api/v1/users/{r.json()['data']['id']}", {"role": "editor"},
                    headers={"Authorization": "Bearer " + token})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.refusals(), [], "a service's Redis user was refused something it sends")


class WrongPasswordAtStart(unittest.TestCase):
    def assert_refused_with_one_line(self, r, *fragments):
        self.assertEqual(r.returncode, 2, r.stderr)
        # Everything before the last line is the JSON log; the reason is one plain line.
        lines = r.stderr.strip().splitlines()
        self.assertTrue(lines, "nothing on stderr")
        last = lines[-1]
        self.assertFalse(last.startswith("{"), last)
        for fragment in fragments:
            self.assertIn(fragment, last)
        self.assertFalse([l for l in lines[:-1] if not l.startswith("{")], r.stderr)

    def test_a_wrong_database_password_stops_startup_with_one_line(self):
        for svc in ("catalog", "identity"):
            with self.subTest(service=svc):
                r = run_binary(svc, {"DB_USER": ROLES[svc], "DB_PASSWORD": "not-the-password"}, timeout=30)
                self.assert_refused_with_one_line(r, f'DB_USER="{ROLES[svc]}"', "password authentication failed",
                                                  "DB_PASSWORD")

    def test_a_wrong_redis_password_stops_startup_with_one_line(self):
        for svc in ("gateway", "catalog", "identity"):
            with self.subTest(service=svc):
                r = run_binary(svc, {"REDIS_USER": f"mercato-{svc}", "REDIS_PASSWORD": "not-the-password"},
                               timeout=30)
                self.assert_refused_with_one_line(r, f'REDIS_USER="mercato-{svc}"', "WRONGPASS", "REDIS_PASSWORD")

    def test_redis_without_a_password_stops_startup_with_one_line(self):
        r = run_binary("gateway", {"REDIS_PASSWORD": ""}, timeout=30)
        self.assert_refused_with_one_line(r, "the default user", "NOAUTH")


if __name__ == "__main__":
    unittest.main()
