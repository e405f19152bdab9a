"""Catalog writes with tokens from the real identity service: a user made with
`mercato-identity user add`, logged in through POST /api/v1/auth/login, writes the catalog
as their role allows; the catalog verifies the token with the keys identity publishes."""

import os
import subprocess
import tempfile
import unittest
import uuid

from testkit import BIN_DIR, Service, request, stack_env

IDENTITY = os.path.join(BIN_DIR, "mercato-identity")


@unittest.skipUnless(os.path.exists(IDENTITY), "mercato-identity is not built")
class CatalogWithIdentity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = tempfile.mkdtemp(prefix="catalog-identity-keys-")
        env = {"DB_NAME": "mercato_identity", "JWT_KEYS_DIR": cls.keys, "LOG_LEVEL": "warn"}
        cls.identity = Service("identity", env=env, wait_ready=True)
        cls.users = {}
        for role in ("editor", "viewer"):
            email = f"catalog-{role}-{uuid.uuid4().hex[:8]}@test.dev"
            password = "pw-" + uuid.uuid4().hex
            full = {**os.environ, **stack_env(), **env}
            r = subprocess.run([IDENTITY, "user", "add", "--email", email, "--role", role], input=password + "\n",
                               env=full, capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, r.stderr
            cls.users[role] = (email, password)
        cls.catalog = Service("catalog", env={"USER_SERVICE_HOST": "127.0.0.1",
                                              "USER_SERVICE_PORT": str(cls.identity.port)}, wait_ready=True)

    @classmethod
    def tearDownClass(cls):
        cls.catalog.stop()
        cls.identity.stop()

    def login(self, role):
        email, password = self.users[role]
        r = request(self.identity.url, "POST", "/api/v1/auth/login", {"email": email, "password": password})
        self.assertEqual(r.status, 200, r.body)
        return r.json()["data"]["access_token"]

    def test_editor_token_from_identity_writes_and_viewer_token_is_forbidden(self):
        body = {"name": "Identity Lamp", "sku": "ID-" + uuid.uuid4().hex[:8], "price_cents": 100, "currency": "EUR"}
        viewer = {"Authorization": "Bearer " + self.login("viewer")}
        r = request(self.catalog.url, "POST", "/api/v1/products", body, headers=viewer)
        self.assertEqual((r.status, r.json()["error"]["code"]), (403, "forbidden"))
        editor = {"Authorization": "Bearer " + self.login("editor")}
        r = request(self.catalog.url, "POST", "/api/v1/products", body, headers=editor)
        self.assertEqual(r.status, 201, r.body)
        pid = r.json()["data"]["id"]
        self.assertEqual(request(self.catalog.url, "DELETE", f"/api/v1/products/{pid}", headers=editor).status, 204)


if __name__ == "__main__":
    unittest.main()
