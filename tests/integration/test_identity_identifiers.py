"""Identifiers identity accepts are what the database compares: an email with a control
character (a NUL would be cut off by libpq, which sends C strings, so the database would check
the real account under a throttle key of its own) is refused with 422 naming the field, and
every spelling the database treats as one account (case, surrounding spaces) is counted by the
login throttle as that one account."""

import unittest

from test_identity_support import PASSWORD, Identity, error_code, unique_email


def fields(response):
    return [d["field"] for d in response.json()["error"]["details"]]


class Identifiers(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # X-Forwarded-For from the test client names the attacker's address.
        cls.idp = Identity(env={"TRUSTED_PROXIES": "127.0.0.1"})

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def test_a_nul_suffixed_email_is_422_and_never_logs_in(self):
        email, _ = self.idp.add_user("admin")
        for suffix in ("\u0000", "\u00001", "\u0000x@evil.example", "\u0007", "\n"):
            r = self.idp.login(email + suffix)  # the right password
            self.assertEqual((r.status, error_code(r)), (422, "validation_failed"), repr(suffix))
            self.assertEqual(fields(r), ["email"])
            self.assertIsNone(r.header("Set-Cookie"))

    def test_case_and_space_variants_count_against_one_account(self):
        email, _ = self.idp.add_user("viewer")
        client = {"X-Forwarded-For": "203.0.113.151"}
        variants = [email.upper(), " " + email, email + " ", "  " + email.title() + "  ", email.swapcase()]
        for i in range(10):
            r = self.idp.login(variants[i % len(variants)], f"wrong guess {i:03}", headers=client)
            self.assertEqual((r.status, error_code(r)), (401, "invalid_credentials"), i)
        # Ten failures on that account from that address: even the right password waits now.
        r = self.idp.login(" " + email.upper() + " ", PASSWORD, headers=client)
        self.assertEqual((r.status, error_code(r)), (429, "rate_limited"))

    def test_a_spaced_upper_case_email_logs_in_as_the_account(self):
        email, uid = self.idp.add_user("viewer")
        r = self.idp.login("  " + email.upper() + " ")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["user"]["id"], uid)

    def test_nul_in_a_created_users_email_name_or_role_is_422_with_the_field(self):
        _, _, admin, _ = self.idp.session("admin")
        body = {"email": unique_email("nul") + "\u0000", "password": PASSWORD, "role": "viewer\u0000",
                "name": "Nul\u0000Name"}
        r = self.idp.call("POST", "/api/v1/users", body, token=admin)
        self.assertEqual((r.status, error_code(r)), (422, "validation_failed"))
        self.assertEqual(sorted(fields(r)), ["email", "name", "role"])

    def test_nul_in_a_refresh_token_is_422(self):
        r = self.idp.call("POST", "/api/v1/auth/refresh", {"refresh_token": "a" * 20 + "\u0000"})
        self.assertEqual((r.status, error_code(r)), (422, "validation_failed"))
        self.assertEqual(fields(r), ["refresh_token"])


if __name__ == "__main__":
    unittest.main()
