"""GET /auth/me through the gateway, answered from the gateway's copy of identity's answer
(src/services/gateway/principal_cache.hpp), seen from the attacker's side: the copy is used (the
hit counter moves), yet the very next call after an admin demotes, deactivates, re-passwords or
renames a user reflects the change or is refused, never after a lifetime; a token only ever
gets its own user's answer; a revoked, expired or forged token is refused, never answered from
the copy."""

import unittest
import uuid

from testkit import Service, request
from test_identity_support import Identity, error_code, metric

HITS = "gateway_principal_cache_hits_total"
MISSES = "gateway_principal_cache_misses_total"


class PrincipalCache(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()
        # No catalog: this gateway only relays to identity. A lifetime far beyond the test, so
        # nothing but the change events can make an answer fresh.
        cls.gateway = Service("gateway", env={
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(cls.idp.svc.port),
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(cls.idp.svc.port),
            "RATE_LIMIT_PER_MINUTE": "100000", "PRINCIPAL_CACHE_TTL": "1h", "LOG_LEVEL": "warn"},
            wait_ready=True)
        cls.admin = cls.idp.session("admin")[2]

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()
        cls.idp.stop()

    # --- helpers ---

    def me(self, token, request_id=None):
        headers = {"Authorization": "Bearer " + token}
        if request_id:
            headers["X-Request-ID"] = request_id
        return request(self.gateway.url, "GET", "/api/v1/auth/me", headers=headers)

    def counters(self):
        return metric(self.gateway, HITS), metric(self.gateway, MISSES)

    def cached_session(self, role="viewer"):
        """A new user, logged in, whose /auth/me answer the gateway now holds (the second call
        was a hit): (user id, token, answer)."""
        _, uid, token, _ = self.idp.session(role)
        first = self.me(token)
        self.assertEqual(first.status, 200, first.body)
        hits = metric(self.gateway, HITS)
        second = self.me(token)
        self.assertEqual(second.status, 200, second.body)
        self.assertEqual(metric(self.gateway, HITS), hits + 1, "the second /auth/me was not answered from the copy")
        self.assertEqual(second.body, first.body)
        return uid, token, second.json()["data"]

    def patch(self, uid, change):
        r = self.idp.call("PATCH", f"/api/v1/users/{uid}", change, token=self.admin)
        self.assertEqual(r.status, 200, r.body)

    def assert_refused(self, r, code="invalid_token"):
        self.assertEqual(r.status, 401, r.body)
        self.assertEqual(error_code(r), code)

    # --- the copy is used, and answers as identity does ---

    def test_a_repeated_call_is_answered_by_the_gateway_with_identitys_bytes(self):
        _, uid, token, _ = self.idp.session("editor")
        hits, misses = self.counters()
        first = self.me(token, "me-first-" + uuid.uuid4().hex[:8])
        self.assertEqual(self.counters(), (hits, misses + 1))
        rid = "me-second-" + uuid.uuid4().hex[:8]
        second = self.me(token, rid)
        self.assertEqual(self.counters(), (hits + 1, misses + 1))
        self.assertEqual(second.status, 200)
        self.assertEqual(second.body, first.body)
        self.assertEqual(second.json()["data"]["id"], uid)
        self.assertEqual(second.header("Content-Type"), first.header("Content-Type"))
        # The tokens area's headers, and this request's own id, not the first one's.
        self.assertEqual(second.header("Cache-Control"), "no-store")
        self.assertEqual(second.header("X-Request-ID"), rid)
        self.assertEqual(second.header("X-Content-Type-Options"), "nosniff")

    def test_no_token_is_identitys_auth_required_and_never_cached(self):
        hits, _ = self.counters()
        for _ in range(2):
            r = request(self.gateway.url, "GET", "/api/v1/auth/me")
            self.assertEqual(r.status, 401)
            self.assertEqual(error_code(r), "auth_required")
        self.assertEqual(metric(self.gateway, HITS), hits)

    # --- never stale ---

    def test_a_demoted_users_next_call_is_refused_and_a_new_token_shows_the_new_role(self):
        uid, token, before = self.cached_session("editor")
        self.assertEqual(before["role"], "editor")
        self.patch(uid, {"role": "viewer"})
        self.assert_refused(self.me(token))
        email = before["email"]
        fresh = self.idp.login(email).json()["data"]["access_token"]
        r = self.me(fresh)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["role"], "viewer")

    def test_a_promoted_users_new_token_shows_the_new_role(self):
        uid, _, before = self.cached_session("viewer")
        self.patch(uid, {"role": "editor"})
        fresh = self.idp.login(before["email"]).json()["data"]["access_token"]
        self.assertEqual(self.me(fresh).json()["data"]["role"], "editor")

    def test_a_deactivated_users_next_call_is_refused(self):
        uid, token, _ = self.cached_session()
        self.patch(uid, {"active": False})
        self.assert_refused(self.me(token))

    def test_a_re_passworded_users_next_call_is_refused(self):
        uid, token, _ = self.cached_session()
        self.patch(uid, {"password": "another long password " + uuid.uuid4().hex[:6]})
        self.assert_refused(self.me(token))

    def test_after_a_new_password_a_new_tokens_answer_is_the_new_row(self):
        # The new token has the same sub and role as the old one: only the dropped copy keeps
        # the old row's password_changed_at and updated_at from being served to it.
        uid, token, before = self.cached_session()
        password = "another long password " + uuid.uuid4().hex[:6]
        self.patch(uid, {"password": password})
        self.assert_refused(self.me(token))
        r = self.idp.login(before["email"], password=password)
        self.assertEqual(r.status, 200, r.body)
        after = self.me(r.json()["data"]["access_token"])
        self.assertEqual(after.status, 200, after.body)
        self.assertNotEqual(after.json()["data"]["password_changed_at"], before["password_changed_at"])
        self.assertNotEqual(after.json()["data"]["updated_at"], before["updated_at"])

    def test_a_deleted_users_next_call_is_refused(self):
        uid, token, _ = self.cached_session()
        r = self.idp.call("DELETE", f"/api/v1/users/{uid}", token=self.admin)
        self.assertEqual(r.status, 204, r.body)
        self.assert_refused(self.me(token))

    def test_a_rename_shows_on_the_very_next_call_with_the_same_token(self):
        # A rename revokes nothing: only identity's "user changed" event can drop the copy.
        uid, token, before = self.cached_session()
        name = "Renamed " + uuid.uuid4().hex[:6]
        self.patch(uid, {"name": name})
        r = self.me(token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["name"], name)
        self.assertNotEqual(r.json()["data"]["updated_at"], before["updated_at"])
        # And the new answer is the one held from now on.
        hits = metric(self.gateway, HITS)
        self.assertEqual(self.me(token).json()["data"]["name"], name)
        self.assertEqual(metric(self.gateway, HITS), hits + 1)

    # --- whose answer ---

    def test_a_token_only_ever_gets_its_own_users_answer(self):
        a_uid, a_token, _ = self.cached_session()
        b_uid, b_token, _ = self.cached_session()
        for _ in range(3):
            self.assertEqual(self.me(a_token).json()["data"]["id"], a_uid)
            self.assertEqual(self.me(b_token).json()["data"]["id"], b_uid)

    def test_a_tampered_token_naming_another_user_is_refused(self):
        a_uid, a_token, _ = self.cached_session()
        b_uid, b_token, _ = self.cached_session()
        # A's signature over a payload naming B: the signature no longer holds.
        header, _, sig = a_token.split(".")
        b_payload = b_token.split(".")[1]
        self.assert_refused(self.me(f"{header}.{b_payload}.{sig}"))
        # A's token with a byte of the signature changed.
        flipped = a_token[:-2] + ("A" if a_token[-2] != "A" else "B") + a_token[-1]
        self.assert_refused(self.me(flipped))

    def test_a_forged_token_for_a_cached_user_is_refused(self):
        uid, _, _ = self.cached_session()
        other = Identity()  # another issuer's keys: same claims, unknown kid and signature
        try:
            forged = other.sign(other.header(), other.claims(sub=uid))
        finally:
            other.stop()
        self.assert_refused(self.me(forged))
        # A key this gateway knows, but alg "none".
        unsigned = self.idp.sign(self.idp.header(), self.idp.claims(sub=uid)).rsplit(".", 1)[0] + "."
        self.assert_refused(self.me(unsigned))

    def test_an_expired_token_of_a_cached_user_is_token_expired(self):
        uid, _, _ = self.cached_session()
        old = self.idp.claims(sub=uid, iat=1_700_000_000, exp=1_700_000_600)
        self.assert_refused(self.me(self.idp.sign(self.idp.header(), old)), "token_expired")

    def test_a_token_of_a_cached_user_with_a_higher_role_claim_is_refused(self):
        # Signed right, but issued with a role the user does not have (say, a row changed by
        # hand): it must not share the real tokens' entry; identity judges it.
        uid, _, me = self.cached_session("viewer")
        claims = self.idp.claims(sub=uid, role="admin", store=me["store_id"])
        self.assert_refused(self.me(self.idp.sign(self.idp.header(), claims)))


if __name__ == "__main__":
    unittest.main()
