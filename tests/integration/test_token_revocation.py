"""Revocation of access tokens: when identity deactivates, demotes, re-passwords or deletes a
user, it publishes (user id, not-before) on the Redis bus, and every verifier refuses that
user's older tokens within a second — on every catalog instance, from their verified-token
caches too, in a catalog started afterwards, and in one that never hears the bus (it asks
identity instead). A refused write leaves the database untouched; a token issued after the
change works."""

import os
import tempfile
import time
import unittest
import uuid

from testkit import Service, add_identity_user, request, wait_until
from test_catalog_support import DEFAULT_STORE, psql

PASSWORD = "revocation test password"


class RevocationStack(unittest.TestCase):
    """An identity of its own (on the stack's database and Redis) two catalogs and a gateway verifying
    its tokens; the helpers the revocation tests share (tests/fault uses them too)."""

    @classmethod
    def setUpClass(cls):
        cls.keys = tempfile.mkdtemp(prefix="revocation-keys-")
        os.rmdir(cls.keys)  # identity creates it with mode 0700
        cls.identity_env = {"DB_NAME": "mercato_identity", "JWT_KEYS_DIR": cls.keys, "LOG_LEVEL": "warn"}
        cls.identity = Service("identity", env=cls.identity_env, wait_ready=True)
        cls.catalogs = [cls.catalog(), cls.catalog()]
        # The gateway verifies tokens too (for its rate limit, and answers 401 itself).
        cls.gateway = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(cls.catalogs[0].port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(cls.identity.port),
            "JWT_CLOCK_SKEW": "0", "RATE_LIMIT_PER_MINUTE": "10000", "LOG_LEVEL": "warn"}, wait_ready=True)
        cls.verifiers = cls.catalogs + [cls.gateway]
        cls.admin = cls.login(cls.add_user("admin")[0])

    @classmethod
    def tearDownClass(cls):
        for c in cls.verifiers:
            c.stop()
        cls.identity.stop()

    # --- helpers ---

    @classmethod
    def catalog(cls, **env):
        # No clock leeway: a token identity dates at a revocation's not-before (up to a second
        # ahead) must still be accepted.
        full = {"DB_NAME": "mercato_catalog", "USER_SERVICE_HOST": "127.0.0.1",
                "USER_SERVICE_PORT": str(cls.identity.port), "LOG_LEVEL": "warn", "JWT_CLOCK_SKEW": "0"}
        full.update(env)
        return Service("catalog", env=full, wait_ready=True)

    @classmethod
    def add_user(cls, role):
        return add_identity_user("revoke", role, PASSWORD, cls.identity_env)

    @classmethod
    def login(cls, email):
        r = request(cls.identity.url, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
        assert r.status == 200, r.body
        return r.json()["data"]["access_token"]

    def patch_user(self, uid, change):
        r = request(self.identity.url, "PATCH", f"/api/v1/users/{uid}", change,
                    headers={"Authorization": "Bearer " + self.admin})
        self.assertEqual(r.status, 200, r.body)

    def create(self, catalog, token):
        """A product write with `token`: (status, error code or None, sku)."""
        sku = "REV-" + uuid.uuid4().hex[:12]
        r = request(catalog.url, "POST", "/api/v1/products",
                    {"name": "Revocation probe", "sku": sku, "price_cents": 100, "currency": "EUR"},
                    headers={"Authorization": "Bearer " + token, "X-Store-ID": DEFAULT_STORE})
        code = r.json()["error"]["code"] if r.status >= 400 else None
        return r.status, code, sku

    def rows_with_sku(self, sku):
        return int(psql(f"SELECT count(*) FROM products WHERE sku = '{sku}'"))

    def refused_everywhere(self, token, catalogs, expected=(401, "invalid_token")):
        """True once every catalog refuses a write with `token` as `expected`; each refused
        write must have left no row behind."""
        for c in catalogs:
            status, code, sku = self.create(c, token)
            if status == 201:
                return False
            self.assertEqual((status, code), expected)
            self.assertEqual(self.rows_with_sku(sku), 0)
        return True

    def editor_writing_everywhere(self):
        email, uid = self.add_user("editor")
        token = self.login(email)
        for c in self.verifiers:
            status, _, sku = self.create(c, token)  # verified once: now in each verifier's cache
            self.assertEqual(status, 201)
            self.assertEqual(self.rows_with_sku(sku), 1)
        return email, uid, token



class Revocation(RevocationStack):

    def test_a_deactivated_editor_is_refused_by_every_catalog_within_a_second(self):
        email, uid, token = self.editor_writing_everywhere()
        self.patch_user(uid, {"active": False})
        changed = time.monotonic()
        self.assertTrue(wait_until(lambda: self.refused_everywhere(token, self.verifiers), timeout=1.0, interval=0.05),
                        "a catalog still accepted the deactivated editor's token 1 s after the change")
        self.assertLess(time.monotonic() - changed, 1.5)
        # Re-activated: the old token stays dead, a new one works everywhere.
        self.patch_user(uid, {"active": True})
        fresh = self.login(email)
        for c in self.verifiers:
            self.assertEqual(self.create(c, fresh)[0], 201)
            self.assertEqual(self.create(c, token)[:2], (401, "invalid_token"))

    def test_a_demoted_editor_is_refused_by_every_catalog_and_the_new_token_is_a_viewers(self):
        email, uid, token = self.editor_writing_everywhere()
        self.patch_user(uid, {"role": "viewer"})
        self.assertTrue(wait_until(lambda: self.refused_everywhere(token, self.verifiers), timeout=1.0, interval=0.05))
        viewer = self.login(email)
        self.assertTrue(self.refused_everywhere(viewer, self.verifiers, expected=(403, "forbidden")))

    def test_a_password_change_and_a_delete_revoke_too(self):
        for change in ("password", "delete"):
            with self.subTest(change=change):
                _, uid, token = self.editor_writing_everywhere()
                if change == "password":
                    self.patch_user(uid, {"password": "another long password"})
                else:
                    r = request(self.identity.url, "DELETE", f"/api/v1/users/{uid}",
                                headers={"Authorization": "Bearer " + self.admin})
                    self.assertEqual(r.status, 204)
                self.assertTrue(wait_until(lambda: self.refused_everywhere(token, self.verifiers), timeout=1.0,
                                           interval=0.05))

    def test_a_catalog_started_after_the_change_refuses_the_old_token(self):
        _, uid, token = self.editor_writing_everywhere()
        self.patch_user(uid, {"active": False})
        with self.catalog() as fresh:
            self.assertTrue(self.refused_everywhere(token, [fresh]))

    def test_a_catalog_that_cannot_hear_the_bus_asks_identity(self):
        with self.catalog(REDIS_PORT="1") as deaf:  # nothing listens there: no bus at all
            _, uid, token = self.editor_writing_everywhere()
            self.assertEqual(self.create(deaf, token)[0], 201)
            self.patch_user(uid, {"active": False})
            # It polls identity every second while the bus is down: a generous bound.
            self.assertTrue(wait_until(lambda: self.refused_everywhere(token, [deaf]), timeout=3.0, interval=0.05))

    def test_without_the_bus_and_identity_a_token_is_503_not_trusted(self):
        other_identity = Service("identity", env=self.identity_env, wait_ready=True)  # same keys and users
        try:
            with self.catalog(REDIS_PORT="1", USER_SERVICE_PORT=str(other_identity.port)) as deaf:
                _, _, token = self.editor_writing_everywhere()
                self.assertEqual(self.create(deaf, token)[0], 201)
                other_identity.stop()
                # Neither the bus nor identity can say whether the token was revoked meanwhile.
                self.assertTrue(wait_until(lambda: self.create(deaf, token)[0] == 503, timeout=5))
                status, code, sku = self.create(deaf, token)
                self.assertEqual((status, code), (503, "service_unavailable"))
                self.assertEqual(self.rows_with_sku(sku), 0)
                r = request(deaf.url, "GET", "/api/v1/products?per_page=1")  # anonymous reads go on
                self.assertEqual(r.status, 200)
        finally:
            other_identity.stop()

    def test_identity_lists_recent_revocations_for_verifiers(self):
        _, uid, _ = self.editor_writing_everywhere()
        self.patch_user(uid, {"role": "viewer"})
        r = request(self.identity.url, "GET", "/internal/v1/revocations")
        self.assertEqual(r.status, 200)
        entries = {e["sub"]: e["not_before"] for e in r.json()["revocations"]}
        self.assertIn(uid, entries)
        self.assertGreaterEqual(entries[uid], int(time.time()) - 5)
        self.assertGreater(r.json()["horizon_seconds"], 0)


if __name__ == "__main__":
    unittest.main()
