"""Identity under the request deadline (docs/architecture.md#request-deadline): every database
call a request makes is bounded by the caller's budget (X-Request-Deadline-Ms from a trusted
peer), so a read behind a locked table, a user change behind a locked row and a refresh behind
a locked family answer 504 `gateway_timeout` when the budget is spent, and their statements are
cancelled, instead of waiting DB_QUERY_TIMEOUT (here 10 s) and answering 503. An identity of its
own (test_identity_support.Identity) with 127.0.0.1 as its trusted proxy, the address the test
sends from."""

import time
import unittest

from .test_catalog_support import PsqlSession
from .test_identity_support import Identity, PASSWORD, psql
from testkit import wait_until

BUDGET_MS = 1500


def error_code(r):
    return r.json()["error"]["code"]


class IdentityDeadlineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity(env={"DB_QUERY_TIMEOUT": "10s", "TRUSTED_PROXIES": "127.0.0.1"})
        cls.admin_email, cls.admin_id, cls.admin, _ = cls.idp.session("admin")
        cls.email, cls.uid, cls.token, cls.refresh_token = cls.idp.session("editor")

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def budget(self, token=None):
        h = {"X-Request-Deadline-Ms": str(BUDGET_MS)}
        if token:
            h["Authorization"] = "Bearer " + token
        return h

    def assert_times_out_and_leaves_no_waiter(self, lock_sql, method, path, body=None, headers=None):
        locker = PsqlSession(db=self.idp.db)
        try:
            locker_pid = locker("SELECT pg_backend_pid()")
            locker("BEGIN")
            locker(lock_sql)
            started = time.monotonic()
            r = self.idp.call(method, path, body, headers=headers)
            elapsed = time.monotonic() - started
            self.assertEqual((r.status, error_code(r)), (504, "gateway_timeout"), r.body)
            self.assertGreaterEqual(elapsed, BUDGET_MS / 1000 * 0.8)  # spent waiting, not refused early
            self.assertLess(elapsed, 5.0)

            def waiters():
                return int(locker(f"SELECT count(*) FROM pg_stat_activity WHERE {locker_pid} = ANY(pg_blocking_pids(pid))"))
            self.assertTrue(wait_until(lambda: waiters() == 0, timeout=1.0, interval=0.05),
                            "the request's statement still waits for the lock after the 504")
            locker("ROLLBACK")
        finally:
            locker.close()

    def test_me_behind_a_locked_users_table_answers_504_in_the_budget(self):
        self.assert_times_out_and_leaves_no_waiter("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", "GET",
                                                   "/api/v1/auth/me", headers=self.budget(self.token))

    def test_login_behind_a_locked_users_table_answers_504_in_the_budget(self):
        self.assert_times_out_and_leaves_no_waiter("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", "POST",
                                                   "/api/v1/auth/login", {"email": self.email, "password": PASSWORD},
                                                   headers=self.budget())

    def test_a_user_change_behind_a_locked_row_answers_504_and_changes_nothing(self):
        self.assert_times_out_and_leaves_no_waiter(f"SELECT 1 FROM users WHERE id = '{self.uid}' FOR UPDATE", "PATCH",
                                                   f"/api/v1/users/{self.uid}", {"role": "viewer"},
                                                   headers=self.budget(self.admin))
        self.assertEqual(psql(self.idp.db, f"SELECT role FROM users WHERE id = '{self.uid}'"), "editor")

    def test_a_refresh_behind_a_locked_family_answers_504_and_the_token_still_works(self):
        self.assert_times_out_and_leaves_no_waiter("LOCK TABLE refresh_token_families IN ACCESS EXCLUSIVE MODE",
                                                   "POST", "/api/v1/auth/refresh",
                                                   {"refresh_token": self.refresh_token}, headers=self.budget())
        # The cancelled rotation rolled back: the token was not used up.
        r = self.idp.refresh(self.refresh_token)
        self.assertEqual(r.status, 200, r.body)
        type(self).refresh_token = r.json()["data"]["refresh_token"]

    def test_a_spent_budget_is_refused_before_any_statement(self):
        r = self.idp.me(self.token)
        self.assertEqual(r.status, 200, r.body)
        r = self.idp.call("GET", "/api/v1/auth/me", headers={"Authorization": "Bearer " + self.token,
                                                              "X-Request-Deadline-Ms": "0"})
        self.assertEqual((r.status, error_code(r)), (504, "gateway_timeout"), r.body)


if __name__ == "__main__":
    unittest.main()
