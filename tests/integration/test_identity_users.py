"""User management: admin-only CRUD, what editors and viewers may not do, validation, the
last active admin, and the `user add` command."""

import unittest
import uuid

from test_identity_support import PASSWORD, Identity, error_code, psql, unique_email


class Users(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()
        cls.admin_email, cls.admin_id, cls.admin, _ = cls.idp.session("admin")

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def create(self, **body):
        payload = {"email": unique_email("made"), "password": PASSWORD, "role": "viewer"}
        payload.update(body)
        return self.idp.call("POST", "/api/v1/users", payload, token=self.admin)

    def test_admin_creates_lists_updates_and_deletes(self):
        r = self.create(name="Grace Hopper", role="editor")
        self.assertEqual(r.status, 201, r.body)
        user = r.json()["data"]
        self.assertEqual(r.header("Location"), "/api/v1/users/" + user["id"])
        self.assertEqual((user["name"], user["role"], user["active"]), ("Grace Hopper", "editor", True))
        self.assertNotIn("password", user)
        self.assertNotIn("password_hash", user)
        # The new user can log in with the password given.
        self.assertEqual(self.idp.login(user["email"]).status, 200)

        r = self.idp.get("/api/v1/users?page=1&per_page=100", token=self.admin)
        self.assertEqual(r.status, 200)
        self.assertIn(user["id"], [u["id"] for u in r.json()["data"]])
        meta = r.json()["meta"]
        self.assertEqual((meta["page"], meta["per_page"]), (1, 100))
        self.assertGreaterEqual(meta["total_items"], 2)
        self.assertEqual(meta["total_pages"], 1)

        r = self.idp.call("PATCH", f"/api/v1/users/{user['id']}", {"name": "Rear Admiral", "role": "viewer"},
                          token=self.admin)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual((r.json()["data"]["name"], r.json()["data"]["role"]), ("Rear Admiral", "viewer"))

        self.assertEqual(self.idp.call("DELETE", f"/api/v1/users/{user['id']}", token=self.admin).status, 204)
        self.assertEqual(self.idp.call("DELETE", f"/api/v1/users/{user['id']}", token=self.admin).status, 404)
        self.assertEqual(self.idp.call("PATCH", f"/api/v1/users/{user['id']}", {"name": "x"}, token=self.admin).status,
                         404)
        self.assertNotIn(user["id"], [u["id"] for u in self.idp.get("/api/v1/users?per_page=100",
                                                                     token=self.admin).json()["data"]])
        r = self.idp.login(user["email"])
        self.assertEqual((r.status, error_code(r)), (401, "invalid_credentials"))
        # Soft delete: the row is kept, and its address can be used again.
        self.assertEqual(psql(self.idp.db, f"SELECT deleted_at IS NOT NULL FROM users WHERE id = '{user['id']}'"), "t")
        self.assertEqual(self.create(email=user["email"]).status, 201)

    def test_pages_are_bounded(self):
        for _ in range(3):
            self.create()
        r = self.idp.get("/api/v1/users?page=2&per_page=2", token=self.admin)
        self.assertEqual(r.status, 200)
        self.assertEqual(len(r.json()["data"]), 2)
        self.assertGreaterEqual(r.json()["meta"]["total_pages"], 2)
        r = self.idp.get("/api/v1/users?per_page=101&page=0&sort=email", token=self.admin)
        self.assertEqual(r.status, 422)
        self.assertEqual({d["field"] for d in r.json()["error"]["details"]}, {"per_page", "page", "sort"})

    def test_emails_are_unique_whatever_their_case(self):
        email = unique_email("dup")
        self.assertEqual(self.create(email=email).status, 201)
        r = self.create(email=email.upper())
        self.assertEqual((r.status, error_code(r)), (409, "conflict"))

    def test_validation_reports_every_bad_field_at_once(self):
        r = self.idp.call("POST", "/api/v1/users", {"email": "not-an-email", "password": "short", "role": "root",
                                                    "name": 7, "is_admin": True}, token=self.admin)
        self.assertEqual((r.status, error_code(r)), (422, "validation_failed"))
        fields = {d["field"] for d in r.json()["error"]["details"]}
        self.assertEqual(fields, {"email", "password", "role", "name", "is_admin"})
        r = self.idp.call("POST", "/api/v1/users", {}, token=self.admin)
        self.assertEqual({d["field"] for d in r.json()["error"]["details"]}, {"email", "password", "role"})
        r = self.create(password="x" * 257)
        self.assertEqual(r.status, 422)
        r = self.idp.call("PATCH", f"/api/v1/users/{self.admin_id}", {}, token=self.admin)
        self.assertEqual(r.status, 422)
        r = self.idp.call("PATCH", f"/api/v1/users/{self.admin_id}", {"active": "no", "email": "a@b.c"},
                          token=self.admin)
        self.assertEqual({d["field"] for d in r.json()["error"]["details"]}, {"active", "email"})

    def test_editor_and_viewer_cannot_manage_users_and_anonymous_must_log_in(self):
        target = self.create().json()["data"]["id"]
        for role in ("editor", "viewer"):
            _, _, token, _ = self.idp.session(role)
            for method, path, body in (("GET", "/api/v1/users", None),
                                       ("POST", "/api/v1/users", {"email": unique_email(), "password": PASSWORD,
                                                                  "role": "admin"}),
                                       ("PATCH", f"/api/v1/users/{target}", {"role": "admin"}),
                                       ("DELETE", f"/api/v1/users/{target}", None)):
                with self.subTest(role=role, method=method):
                    r = self.idp.call(method, path, body, token=token)
                    self.assertEqual((r.status, error_code(r)), (403, "forbidden"))
                    r = self.idp.call(method, path, body)
                    self.assertEqual((r.status, error_code(r)), (401, "auth_required"))

    def test_a_demoted_admin_loses_power_before_their_token_expires(self):
        _, uid, token, _ = self.idp.session("admin")
        self.assertEqual(self.idp.call("PATCH", f"/api/v1/users/{uid}", {"role": "editor"}, token=self.admin).status, 200)
        r = self.idp.get("/api/v1/users", token=token)  # the token still says admin, but predates the demotion
        self.assertEqual((r.status, error_code(r)), (401, "invalid_token"))

    def test_a_new_role_shows_in_the_next_login(self):
        email, uid, _, _ = self.idp.session("viewer")
        self.idp.call("PATCH", f"/api/v1/users/{uid}", {"role": "editor"}, token=self.admin)
        r = self.idp.login(email)
        self.assertEqual(r.json()["data"]["user"]["role"], "editor")

    def test_unknown_ids_are_404_and_malformed_ids_do_not_match(self):
        r = self.idp.call("PATCH", f"/api/v1/users/{uuid.uuid4()}", {"name": "x"}, token=self.admin)
        self.assertEqual((r.status, error_code(r)), (404, "not_found"))
        self.assertEqual(self.idp.call("DELETE", "/api/v1/users/123", token=self.admin).status, 404)


class LastAdmin(unittest.TestCase):
    def test_the_last_active_admin_cannot_be_demoted_deactivated_or_deleted(self):
        idp = Identity()
        try:
            _, uid, token, _ = idp.session("admin")
            for method, body in (("PATCH", {"role": "editor"}), ("PATCH", {"active": False}), ("DELETE", None)):
                with self.subTest(method=method, body=body):
                    r = idp.call(method, f"/api/v1/users/{uid}", body, token=token)
                    self.assertEqual((r.status, error_code(r)), (409, "conflict"), r.body)
            # With a second admin, the first may step down.
            _, second, _, _ = idp.session("admin")
            self.assertEqual(idp.call("PATCH", f"/api/v1/users/{uid}", {"role": "editor"}, token=token).status, 200)
            # And now the second is the last one: not even the command line demotes them.
            r = idp.cli("user", "add", "--email", _email_of_db(idp, second), "--role", "viewer",
                        stdin=PASSWORD + "\n")
            self.assertEqual(r.returncode, 1)
            self.assertIn("last active admin", r.stderr)
        finally:
            idp.stop()


def _email_of_db(idp, uid):
    return psql(idp.db, f"SELECT email FROM users WHERE id = '{uid}'")


class Command(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def test_user_add_creates_then_resets(self):
        email = unique_email("cli")
        r = self.idp.cli("user", "add", "--email", email, "--role", "editor", "--name", "Cli User",
                         stdin=PASSWORD + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith("created "))
        uid = r.stdout.split()[1]
        r = self.idp.cli("user", "add", "--email", email.upper(), "--role", "viewer",
                         stdin="another good password\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.split(), ["updated", uid])
        self.assertEqual(self.idp.login(email).status, 401)
        data = self.idp.login(email, "another good password").json()["data"]
        self.assertEqual((data["user"]["role"], data["user"]["name"]), ("viewer", "Cli User"))
        self.assertNotIn(PASSWORD, r.stdout + r.stderr)

    def test_create_admin_is_user_add_with_the_admin_role(self):
        email = unique_email("boss")
        r = self.idp.cli("create-admin", "--email", email, stdin=PASSWORD + "\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.idp.login(email).json()["data"]["user"]["role"], "admin")

    def test_bad_passwords_and_usage_are_refused(self):
        r = self.idp.cli("user", "add", "--email", unique_email(), "--role", "viewer", stdin="short\n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("12 bytes", r.stderr)
        for args in (("user", "add", "--role", "viewer"), ("user", "add", "--email", "x@y.z", "--role", "king"),
                     ("user", "remove"), ("keys",), ("frobnicate",), ("user", "add", "--email")):
            with self.subTest(args=args):
                r = self.idp.cli(*args, stdin=PASSWORD + "\n")
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn("usage:", r.stderr)


if __name__ == "__main__":
    unittest.main()
