"""Logging in: the happy path and its cookie, one answer for every kind of wrong credentials
(proved by the argon2id counter, not by timing), validation, throttling, the bounded hashing
queue, /auth/me and readiness."""

import concurrent.futures
import unittest

from test_identity_support import PASSWORD, Identity, error_code, metric, unique_email


class Login(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def test_login_returns_tokens_user_and_a_strict_refresh_cookie(self):
        email, uid = self.idp.add_user("editor", name="Eddie")
        r = self.idp.login(email.upper())  # emails match whatever their case
        self.assertEqual(r.status, 200, r.body)
        data = r.json()["data"]
        self.assertEqual(data["token_type"], "Bearer")
        self.assertEqual(data["expires_in"], 900)
        self.assertEqual(data["user"]["id"], uid)
        self.assertEqual(data["user"]["role"], "editor")
        self.assertEqual(data["user"]["name"], "Eddie")
        self.assertNotIn("password_hash", data["user"])
        self.assertEqual(len(data["refresh_token"]), 43)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        cookie = r.header("Set-Cookie")
        parts = [p.strip() for p in cookie.split(";")]
        self.assertEqual(parts[0], "refresh_token=" + data["refresh_token"])
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/api/v1/auth", "Secure"):
            self.assertIn(attr, parts)
        self.assertIn("Max-Age=2592000", parts)

    def test_wrong_password_unknown_email_and_inactive_account_look_the_same_and_cost_the_same(self):
        email, uid = self.idp.add_user("viewer")
        inactive, _ = self.idp.add_user("viewer")
        _, _, admin, _ = self.idp.session("admin")
        r = self.idp.get("/api/v1/users?per_page=100", token=admin)
        iid = next(u["id"] for u in r.json()["data"] if u["email"] == inactive)
        self.assertEqual(self.idp.call("PATCH", f"/api/v1/users/{iid}", {"active": False}, token=admin).status, 200)

        answers = []
        for who, password in ((email, "wrong password here"), (unique_email("nobody"), PASSWORD), (inactive, PASSWORD)):
            before = metric(self.idp.svc, "password_verifications_total")
            r = self.idp.login(who, password)
            after = metric(self.idp.svc, "password_verifications_total")
            self.assertEqual(after - before, 1, f"{who}: one argon2id verification, real or dummy")
            answers.append((r.status, r.json()["error"]["code"], r.json()["error"]["message"]))
        self.assertEqual(answers[0], (401, "invalid_credentials", "email or password is incorrect"))
        self.assertEqual(len(set(answers)), 1, answers)

    def test_validation_lists_every_bad_field(self):
        r = self.idp.call("POST", "/api/v1/auth/login", {"email": 5, "extra": True})
        self.assertEqual(r.status, 422)
        details = {d["field"]: d["message"] for d in r.json()["error"]["details"]}
        self.assertEqual(set(details), {"email", "password", "extra"})
        self.assertIn("string", details["email"])
        self.assertIn("required", details["password"])

    def test_invalid_json_is_400_and_wrong_content_type_is_415(self):
        r = self.idp.call("POST", "/api/v1/auth/login", raw=b'{"email": ', headers={"Content-Type": "application/json"})
        self.assertEqual((r.status, error_code(r)), (400, "bad_request"))
        r = self.idp.call("POST", "/api/v1/auth/login", raw=b"email=a&password=b",
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual((r.status, error_code(r)), (415, "unsupported_media_type"))
        r = self.idp.call("POST", "/api/v1/auth/login", raw=b"[1,2]", headers={"Content-Type": "application/json"})
        self.assertEqual(r.status, 422)

    def test_me_needs_a_token_and_describes_its_user(self):
        email, uid, access, _ = self.idp.session("viewer")
        r = self.idp.me(access)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["data"]["id"], uid)
        self.assertEqual(r.json()["data"]["email"], email)
        r = self.idp.get("/api/v1/auth/me")
        self.assertEqual((r.status, error_code(r)), (401, "auth_required"))

    def test_logins_are_counted_by_result(self):
        email, _ = self.idp.add_user("viewer")
        ok = metric(self.idp.svc, "logins_total", {"result": "success"})
        bad = metric(self.idp.svc, "logins_total", {"result": "invalid_credentials"})
        self.idp.login(email)
        self.idp.login(email, "not the password!")
        self.assertEqual(metric(self.idp.svc, "logins_total", {"result": "success"}), ok + 1)
        self.assertEqual(metric(self.idp.svc, "logins_total", {"result": "invalid_credentials"}), bad + 1)

    def test_readiness_reports_database_and_redis(self):
        r = self.idp.get("/health/ready")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["checks"], {"database": "up", "redis": "up"})


class Throttling(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def test_eleventh_bad_password_is_429_but_the_owner_elsewhere_still_logs_in(self):
        email, _ = self.idp.add_user("viewer")
        attacker = {"X-Forwarded-For": "203.0.113.77"}
        for i in range(10):
            r = self.idp.login(email, f"guess number {i:03}", headers=attacker)
            self.assertEqual(r.status, 401, f"attempt {i + 1}")
        r = self.idp.login(email, "guess number 011", headers=attacker)
        self.assertEqual((r.status, error_code(r)), (429, "rate_limited"))
        retry = int(r.header("Retry-After"))
        self.assertTrue(0 < retry <= 900, retry)
        # Even the right password waits at that address...
        self.assertEqual(self.idp.login(email, headers=attacker).status, 429)
        # ...while the owner, from another address, is not locked out.
        r = self.idp.login(email, headers={"X-Forwarded-For": "198.51.100.5"})
        self.assertEqual(r.status, 200, r.body)
        self.assertGreaterEqual(metric(self.idp.svc, "logins_total", {"result": "rate_limited"}), 2)

    def test_a_throttled_attempt_costs_no_argon2id(self):
        email, _ = self.idp.add_user("viewer")
        client = {"X-Forwarded-For": "203.0.113.78"}
        for i in range(10):
            self.idp.login(email, f"guess number {i:03}", headers=client)
        before = metric(self.idp.svc, "password_verifications_total")
        self.assertEqual(self.idp.login(email, "guess number 999", headers=client).status, 429)
        self.assertEqual(metric(self.idp.svc, "password_verifications_total"), before)

    def test_a_successful_login_clears_that_address_count(self):
        email, _ = self.idp.add_user("viewer")
        client = {"X-Forwarded-For": "203.0.113.79"}
        for i in range(9):
            self.idp.login(email, f"guess number {i:03}", headers=client)
        self.assertEqual(self.idp.login(email, headers=client).status, 200)
        for i in range(9):
            self.assertEqual(self.idp.login(email, f"again {i:03} wrong", headers=client).status, 401)


class RedisDown(unittest.TestCase):
    def test_without_redis_logins_work_and_are_still_throttled_per_instance(self):
        idp = Identity(env={"REDIS_PORT": "1"})  # nothing listens there
        try:
            r = idp.get("/health/ready")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.json()["checks"], {"database": "up", "redis": "degraded"})
            email, _ = idp.add_user("viewer")
            self.assertEqual(idp.login(email).status, 200)
            client = {"X-Forwarded-For": "203.0.113.90"}
            for i in range(10):
                self.assertEqual(idp.login(email, f"guess number {i:03}", headers=client).status, 401)
            r = idp.login(email, "guess number 010", headers=client)
            self.assertEqual((r.status, error_code(r)), (429, "rate_limited"))
            self.assertTrue(int(r.header("Retry-After")) > 0)
        finally:
            idp.stop()


class BusyHashing(unittest.TestCase):
    def test_a_full_hashing_queue_answers_503_at_once(self):
        idp = Identity(env={"PASSWORD_HASH_WORKERS": "1", "PASSWORD_HASH_QUEUE": "1"})
        try:
            email, _ = idp.add_user("viewer")
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                results = list(pool.map(lambda i: idp.login(email, headers={"X-Forwarded-For": f"192.0.2.{i}"}),
                                        range(8)))
            statuses = sorted(r.status for r in results)
            self.assertIn(200, statuses)
            busy = [r for r in results if r.status == 503]
            self.assertTrue(busy, statuses)
            self.assertEqual(error_code(busy[0]), "service_unavailable")
            self.assertTrue(busy[0].header("Retry-After"))
        finally:
            idp.stop()


class DevelopmentCookie(unittest.TestCase):
    def test_cookie_is_not_secure_only_in_development(self):
        idp = Identity(env={"ENVIRONMENT": "development"})
        try:
            email, _ = idp.add_user("viewer")
            cookie = idp.login(email).header("Set-Cookie")
            self.assertNotIn("Secure", cookie)
            self.assertIn("HttpOnly", cookie)
        finally:
            idp.stop()


if __name__ == "__main__":
    unittest.main()
