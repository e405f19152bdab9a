"""Identity's own routes refuse a token the user's current row no longer backs: issued before the
user's tokens_not_before (demoted, deactivated, re-passworded, re-promoted), or carrying a role
above the user's current one. Called on identity directly (MERCATO_IDENTITY_URL), not through
the gateway, which already refuses such tokens; a refused write changes nothing."""

import os
import unittest
import uuid

from testkit import add_identity_user, request
from test_identity_support import PASSWORD, error_code, psql

IDENTITY = os.environ.get("MERCATO_IDENTITY_URL", "http://127.0.0.3:18082")
DB = "mercato_identity"


def add_user(role):
    return add_identity_user("currency", role, PASSWORD, {"DB_NAME": DB})


def call(method, path, token, body=None):
    return request(IDENTITY, method, path, body=body, headers={"Authorization": "Bearer " + token})


def login(email):
    r = request(IDENTITY, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert r.status == 200, r.body
    return r.json()["data"]["access_token"]


class TokenCurrency(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.admin = login(add_user("admin")[0])

    def session(self, role):
        email, uid = add_user(role)
        return email, uid, login(email)

    def patch(self, uid, change):
        r = call("PATCH", f"/api/v1/users/{uid}", self.admin, change)
        self.assertEqual(r.status, 200, r.body)

    def assert_refused(self, r):
        code = error_code(r) if r.status >= 400 else None
        self.assertEqual((r.status, code), (401, "invalid_token"), r.body)

    def row(self, uid):
        return psql(DB, f"SELECT name, role, active, updated_at FROM users WHERE id = '{uid}'")

    def test_a_demoted_admins_old_token_is_refused_and_changes_nothing(self):
        _, uid, old = self.session("admin")
        self.assertEqual(call("GET", "/api/v1/users", old).status, 200)
        self.patch(uid, {"role": "editor"})
        self.assert_refused(call("GET", "/api/v1/users", old))
        _, target = add_user("viewer")
        before = self.row(target)
        self.assert_refused(call("PATCH", f"/api/v1/users/{target}", old, {"name": "Not Changed", "role": "admin"}))
        self.assert_refused(call("DELETE", f"/api/v1/users/{target}", old))
        self.assert_refused(call("POST", "/api/v1/users", old,
                                 {"email": f"never-{uuid.uuid4().hex[:8]}@test.dev", "password": PASSWORD,
                                  "role": "admin"}))
        self.assertEqual(self.row(target), before)

    def test_a_deactivated_admins_old_token_is_refused(self):
        _, uid, old = self.session("admin")
        self.patch(uid, {"active": False})
        self.assert_refused(call("GET", "/api/v1/users", old))

    def test_a_re_promoted_admins_older_token_stays_dead_and_a_new_one_works(self):
        email, uid, old = self.session("admin")
        self.patch(uid, {"role": "viewer"})
        self.patch(uid, {"role": "admin"})
        # The token says admin and the user is an admin again, but it predates the demotion.
        self.assert_refused(call("GET", "/api/v1/users", old))
        self.assertEqual(call("GET", "/api/v1/users", login(email)).status, 200)

    def test_me_refuses_a_token_older_than_a_password_change(self):
        email, uid, old = self.session("viewer")
        self.assertEqual(call("GET", "/api/v1/auth/me", old).status, 200)
        self.patch(uid, {"password": PASSWORD + " v2"})
        self.assert_refused(call("GET", "/api/v1/auth/me", old))


if __name__ == "__main__":
    unittest.main()
