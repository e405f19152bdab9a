"""Refresh tokens: rotation on every use, reuse of a used token revoking the whole family,
the grace window for two tabs, the cookie path, logout, and the users who may no longer
refresh."""

import concurrent.futures
import time
import unittest

from test_identity_support import PASSWORD, Identity, error_code, metric

TAB = {"User-Agent": "Mozilla/5.0 (tab)", "X-Forwarded-For": "203.0.113.10"}


def cookie_token(response):
    """The refresh token a Set-Cookie header carries ("" when none)."""
    cookie = response.header("Set-Cookie") or ""
    first = cookie.split(";")[0].strip()
    return first[len("refresh_token="):] if first.startswith("refresh_token=") else ""


class Refresh(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def refused(self, r):
        self.assertEqual((r.status, error_code(r)), (401, "invalid_token"), r.body)
        self.assertIn("Max-Age=0", r.header("Set-Cookie"))  # the browser forgets it

    def test_each_refresh_rotates_and_issues_a_working_access_token(self):
        _, uid, _, rt1 = self.idp.session("editor", headers=TAB)
        r = self.idp.refresh(rt1, headers=TAB)
        self.assertEqual(r.status, 200, r.body)
        data = r.json()["data"]
        rt2 = data["refresh_token"]
        self.assertNotEqual(rt2, rt1)
        self.assertIn("refresh_token=" + rt2, r.header("Set-Cookie"))
        self.assertEqual(self.idp.me(data["access_token"]).json()["data"]["id"], uid)
        rt3 = self.idp.refresh(rt2, headers=TAB).json()["data"]["refresh_token"]
        self.assertNotIn(rt3, (rt1, rt2))

    def test_reusing_a_used_token_revokes_the_family_including_its_newest_token(self):
        _, _, _, rt1 = self.idp.session("viewer", headers=TAB)
        rt2 = self.idp.refresh(rt1, headers=TAB).json()["data"]["refresh_token"]
        before = metric(self.idp.svc, "token_reuse_detected_total")
        thief = {"User-Agent": "curl/8", "X-Forwarded-For": "198.51.100.66"}
        self.refused(self.idp.refresh(rt1, headers=thief))
        self.assertEqual(metric(self.idp.svc, "token_reuse_detected_total"), before + 1)
        # The legitimate holder's newest token died with the family.
        self.refused(self.idp.refresh(rt2, headers=TAB))

    def test_reuse_after_the_grace_window_from_the_same_client_is_still_reuse(self):
        _, _, _, rt1 = self.idp.session("viewer", headers=TAB)
        rt2 = self.idp.refresh(rt1, headers=TAB).json()["data"]["refresh_token"]
        time.sleep(2.3)
        self.refused(self.idp.refresh(rt1, headers=TAB))
        self.refused(self.idp.refresh(rt2, headers=TAB))

    def test_a_duplicate_from_the_same_client_within_two_seconds_gets_the_same_successor(self):
        _, _, _, rt1 = self.idp.session("viewer", headers=TAB)
        first = self.idp.refresh(rt1, headers=TAB)
        second = self.idp.refresh(rt1, headers=TAB)
        self.assertEqual(first.status, 200)
        self.assertEqual(second.status, 200, second.body)
        successor = first.json()["data"]["refresh_token"]
        self.assertEqual(second.json()["data"]["refresh_token"], successor)
        # The family lives on: the successor rotates normally.
        self.assertEqual(self.idp.refresh(successor, headers=TAB).status, 200)

    def test_two_tabs_refreshing_at_the_same_moment_both_stay_logged_in(self):
        _, _, _, rt1 = self.idp.session("viewer", headers=TAB)
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda _: self.idp.refresh(rt1, headers=TAB), range(2)))
        self.assertEqual([r.status for r in results], [200, 200], [r.body for r in results])
        tokens = {r.json()["data"]["refresh_token"] for r in results}
        self.assertEqual(len(tokens), 1)
        self.assertGreaterEqual(metric(self.idp.svc, "refresh_total", {"result": "grace"}), 1)

    def test_a_duplicate_from_another_client_inside_the_window_is_reuse(self):
        _, _, _, rt1 = self.idp.session("viewer", headers=TAB)
        rt2 = self.idp.refresh(rt1, headers=TAB).json()["data"]["refresh_token"]
        self.refused(self.idp.refresh(rt1, headers={"User-Agent": "evil", "X-Forwarded-For": "198.51.100.9"}))
        self.refused(self.idp.refresh(rt2, headers=TAB))

    def test_the_cookie_alone_refreshes_and_the_new_token_comes_only_as_a_cookie(self):
        _, uid, _, rt1 = self.idp.session("viewer", headers=TAB)
        r = self.idp.call("POST", "/api/v1/auth/refresh", headers=dict(TAB, Cookie=f"theme=dark; refresh_token={rt1}"))
        self.assertEqual(r.status, 200, r.body)
        data = r.json()["data"]
        # Page script can call /auth/refresh: what it can read must not outlive the access token.
        self.assertNotIn("refresh_token", data)
        self.assertNotIn("refresh_expires_in", data)
        self.assertEqual(self.idp.me(data["access_token"]).json()["data"]["id"], uid)
        rt2 = cookie_token(r)
        self.assertNotIn(rt2, ("", rt1))
        for attr in ("HttpOnly", "SameSite=Strict", "Path=/api/v1/auth"):
            self.assertIn(attr, [p.strip() for p in r.header("Set-Cookie").split(";")])
        # The cookie's token is the family's live one: it rotates again.
        r = self.idp.call("POST", "/api/v1/auth/refresh", headers=dict(TAB, Cookie=f"refresh_token={rt2}"))
        self.assertEqual(r.status, 200, r.body)
        self.assertNotIn("refresh_token", r.json()["data"])

    def test_a_body_refresh_answers_in_the_body(self):
        _, _, _, rt1 = self.idp.session("viewer", headers=TAB)
        r = self.idp.refresh(rt1, headers=TAB)
        self.assertEqual(r.status, 200, r.body)
        rt2 = r.json()["data"]["refresh_token"]
        self.assertEqual(len(rt2), 43)
        self.assertEqual(self.idp.refresh(rt2, headers=TAB).status, 200)

    def test_login_delivers_the_refresh_token_where_it_is_asked_for(self):
        email, _ = self.idp.add_user("viewer")
        r = self.idp.call("POST", "/api/v1/auth/login",
                          {"email": email, "password": PASSWORD, "refresh_token_delivery": "cookie"}, headers=TAB)
        self.assertEqual(r.status, 200, r.body)
        self.assertNotIn("refresh_token", r.json()["data"])
        self.assertNotIn("refresh_expires_in", r.json()["data"])
        rt = cookie_token(r)
        self.assertEqual(len(rt), 43)
        self.assertEqual(self.idp.call("POST", "/api/v1/auth/refresh", headers=dict(TAB, Cookie=f"refresh_token={rt}")).status, 200)

        r = self.idp.call("POST", "/api/v1/auth/login",
                          {"email": email, "password": PASSWORD, "refresh_token_delivery": "body"}, headers=TAB)
        self.assertEqual(r.status, 200, r.body)
        self.assertIsNone(r.header("Set-Cookie"))
        self.assertEqual(len(r.json()["data"]["refresh_token"]), 43)
        self.assertEqual(r.json()["data"]["refresh_expires_in"], 2592000)

        # Absent: both, as before (existing API clients).
        r = self.idp.login(email, headers=TAB)
        self.assertEqual(cookie_token(r), r.json()["data"]["refresh_token"])

        r = self.idp.call("POST", "/api/v1/auth/login",
                          {"email": email, "password": PASSWORD, "refresh_token_delivery": "script"}, headers=TAB)
        self.assertEqual((r.status, error_code(r)), (422, "validation_failed"))
        self.assertEqual([d["field"] for d in r.json()["error"]["details"]], ["refresh_token_delivery"])

    def test_missing_and_unknown_tokens_are_refused(self):
        r = self.idp.call("POST", "/api/v1/auth/refresh")
        self.assertEqual((r.status, error_code(r)), (401, "auth_required"))
        self.refused(self.idp.refresh("A" * 43))
        self.refused(self.idp.refresh("not a token"))
        r = self.idp.call("POST", "/api/v1/auth/refresh", {"refresh_token": 5, "extra": 1})
        self.assertEqual(r.status, 422)
        self.assertEqual({d["field"] for d in r.json()["error"]["details"]}, {"refresh_token", "extra"})

    def test_logout_revokes_the_family_and_clears_the_cookie(self):
        _, _, _, rt1 = self.idp.session("viewer", headers=TAB)
        rt2 = self.idp.refresh(rt1, headers=TAB).json()["data"]["refresh_token"]
        r = self.idp.call("POST", "/api/v1/auth/logout", headers=dict(TAB, Cookie=f"refresh_token={rt2}"))
        self.assertEqual(r.status, 204)
        self.assertIn("Max-Age=0", r.header("Set-Cookie"))
        self.refused(self.idp.refresh(rt2, headers=TAB))
        # Idempotent and silent about unknown tokens.
        self.assertEqual(self.idp.call("POST", "/api/v1/auth/logout", {"refresh_token": "B" * 43}).status, 204)

    def test_deactivation_role_change_and_password_change_end_every_session(self):
        _, _, admin, _ = self.idp.session("admin")
        for change in ({"active": False}, {"role": "editor"}, {"password": "a brand new password"}):
            with self.subTest(change=change):
                email, uid, _, rt = self.idp.session("viewer", headers=TAB)
                # A second device of the same user: every family goes, not just one.
                rt_laptop = self.idp.login(email).json()["data"]["refresh_token"]
                r = self.idp.call("PATCH", f"/api/v1/users/{uid}", change, token=admin)
                self.assertEqual(r.status, 200, r.body)
                self.refused(self.idp.refresh(rt, headers=TAB))
                self.refused(self.idp.refresh(rt_laptop))

    def test_a_deleted_users_refresh_fails(self):
        _, _, admin, _ = self.idp.session("admin")
        _, uid, _, rt = self.idp.session("viewer", headers=TAB)
        self.assertEqual(self.idp.call("DELETE", f"/api/v1/users/{uid}", token=admin).status, 204)
        self.refused(self.idp.refresh(rt, headers=TAB))


if __name__ == "__main__":
    unittest.main()
