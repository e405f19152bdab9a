"""Who the client is, on the running stack (issue 13, finding 3). The driver's address plan
(README, Ports): the dashboard reaches the gateway from 127.0.0.5 and says who the browser is
in X-Forwarded-For; the gateway trusts exactly that address, and reaches catalog (127.0.0.2)
and identity (127.0.0.3) from 127.0.0.4, the only address they trust. Every other local
process connects from 127.0.0.1, the kernel's choice on loopback.

Simulated users bind their own source addresses (127.0.0.10 and up), so each is a separate
client to the stack, as separate browsers are. Each test states its effect through what the
stack does — a 429, a rate-limit budget, an audit row — never through a log line."""

import os
import random
import unittest
import uuid

from testkit import add_identity_user, request
from .test_catalog_support import new_store, psql

GATEWAY = os.environ.get("MERCATO_GATEWAY_URL", "http://127.0.0.1:18080")
CATALOG = os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081")
IDENTITY = os.environ.get("MERCATO_IDENTITY_URL", "http://127.0.0.3:18082")
WEB = os.environ.get("MERCATO_WEB_URL", "http://127.0.0.1:13000")

DASHBOARD_EGRESS = "127.0.0.5"  # the dashboard's source address towards the gateway
GATEWAY_EGRESS = "127.0.0.4"  # the gateway's source address towards the services
USER_A, USER_B = "127.0.0.10", "127.0.0.11"
STRANGER = "127.0.0.12"  # a client that is no proxy of anything
USER_C, USER_D = "127.0.0.13", "127.0.0.14"  # A and B again, for a second test that must start afresh
KERNELS_CHOICE = None  # connect without binding: 127.0.0.1, what any local process gets
PASSWORD = "correct horse battery staple"
LOGIN = "/api/v1/auth/login"


def add_user(role):
    """A user of the stack's identity database, made with the real CLI; returns its email."""
    return add_identity_user("trust", role, PASSWORD)[0]


def login_body(email, password=PASSWORD):
    return {"email": email, "password": password}


def error_code(r):
    return r.json().get("error", {}).get("code")  # None for a success


def through_gateway_as_dashboard(browser, method, path, body=None, headers=None):
    """What the dashboard sends the gateway for a browser at `browser`: from its own source
    address, with X-Forwarded-For naming the browser (the dashboard is the edge: whatever the
    browser wrote there is dropped)."""
    h = {**(headers or {}), "X-Forwarded-For": browser}
    return request(GATEWAY, method, path, body=body, headers=h, source=DASHBOARD_EGRESS)


def through_dashboard(browser, method, path, body=None, headers=None):
    """A browser at `browser` calling the dashboard's /api proxy."""
    return request(WEB, method, path, body=body, headers=headers, source=browser)


class OneClientsFailuresDoNotLockOutAnother(unittest.TestCase):
    """Finding 3: 105 failed logins from one client through the dashboard throttled every
    staff member, since every dashboard user was 127.0.0.1 to the gateway and to identity."""

    def check(self, send, user_a, user_b):
        victim = add_user("viewer")
        # User A guesses: ten times at B's account, then at accounts that do not exist (each
        # costs the same argon2id work). Identity's per-address limit is 100 failures.
        statuses = []
        for i in range(105):
            email = victim if i < 10 else f"nobody-{uuid.uuid4().hex[:8]}@test.dev"
            r = send(user_a, "POST", LOGIN, login_body(email, f"wrong guess {i:03}"))
            self.assertIn((r.status, error_code(r)), {(401, "invalid_credentials"), (429, "rate_limited")}, i)
            statuses.append(r.status)
        self.assertEqual(statuses[-1], 429, "A was never throttled: the test proves nothing")

        # B, at another address, is neither throttled nor sharing A's request budget.
        r = send(user_b, "POST", LOGIN, login_body(victim))
        self.assertEqual(r.status, 200, r.body[:300])
        limit = int(r.header("RateLimit-Limit"))
        self.assertGreaterEqual(int(r.header("RateLimit-Remaining")), limit - 10,
                                "B's request budget was spent by A's requests")
        r = send(user_b, "POST", LOGIN, login_body(f"nobody-{uuid.uuid4().hex[:8]}@test.dev", "wrong guess"))
        self.assertEqual((r.status, error_code(r)), (401, "invalid_credentials"))
        # A stays throttled.
        r = send(user_a, "POST", LOGIN, login_body(victim))
        self.assertEqual((r.status, error_code(r)), (429, "rate_limited"))

    def test_through_the_dashboard(self):
        # The dashboard's server proxies /api/* from 127.0.0.5 with the browser's address in
        # X-Forwarded-For (web/server/api-proxy.mjs, GATEWAY_SOURCE_ADDRESS in scripts/web.sh).
        self.check(through_dashboard, USER_A, USER_B)

    def test_through_the_gateway_with_the_dashboard_hop_simulated(self):
        # The same, with this test in the dashboard's place: the gateway's half of the chain
        # alone, so a failure here is not the dashboard's.
        self.check(through_gateway_as_dashboard, USER_C, USER_D)


class ForgedForwardedForIsIgnored(unittest.TestCase):
    """X-Forwarded-For from a peer that is not the trusted proxy of that hop changes nothing:
    not the gateway's rate-limit key nor what it forwards, not identity's login throttle, not
    the address in the catalog's audit trail."""

    @classmethod
    def setUpClass(cls):
        admin = add_user("admin")
        r = request(GATEWAY, "POST", LOGIN, login_body(admin), source=STRANGER)
        assert r.status == 200, r.body
        cls.token = r.json()["data"]["access_token"]
        cls.store = new_store()

    @classmethod
    def tearDownClass(cls):
        s = cls.store
        psql(f"BEGIN; DELETE FROM audit_log WHERE store_id = '{s}'; DELETE FROM categories WHERE store_id = '{s}'; "
             f"DELETE FROM product_counts WHERE store_id = '{s}'; DELETE FROM stores WHERE id = '{s}'; COMMIT;")

    def audited_address(self, base_url, source, forwarded_for):
        """Creates a category with `forwarded_for` as X-Forwarded-For; the audit row's address."""
        name = f"Trust {uuid.uuid4().hex[:10]}"
        r = request(base_url, "POST", "/api/v1/categories", body={"name": name},
                    headers={"Authorization": "Bearer " + self.token, "X-Store-ID": self.store,
                             "X-Forwarded-For": forwarded_for}, source=source)
        self.assertEqual(r.status, 201, r.body[:300])
        cid = r.json()["data"]["id"]
        return psql(f"SELECT client_address FROM audit_log WHERE entity_id = '{cid}' AND action = 'category.create'")

    def test_gateway_rate_limit_key_is_the_untrusted_peer(self):
        for source in (STRANGER, GATEWAY_EGRESS):  # the gateway's own egress is no proxy of it
            remaining = []
            for i in range(4):
                r = request(GATEWAY, "GET", "/api/v1/products?per_page=1", source=source,
                            headers={"X-Forwarded-For": f"198.51.100.{i + 1}"})
                self.assertEqual(r.status, 200, r.body[:300])
                remaining.append(int(r.header("RateLimit-Remaining")))
            # One budget for the four: each took one request from it (a refill may give one back).
            self.assertLessEqual(remaining[-1], remaining[0] - 2, (source, remaining))

    def test_gateway_forwards_the_peer_not_the_forged_address(self):
        self.assertEqual(self.audited_address(GATEWAY, STRANGER, "203.0.113.9"), STRANGER)
        self.assertEqual(self.audited_address(GATEWAY, KERNELS_CHOICE, "203.0.113.9"), "127.0.0.1")

    def test_the_dashboards_account_of_the_browser_reaches_the_audit_trail(self):
        # The trusted chain end to end; a forged entry left of the browser's address is ignored.
        self.assertEqual(self.audited_address(GATEWAY, DASHBOARD_EGRESS, USER_A), USER_A)
        self.assertEqual(self.audited_address(GATEWAY, DASHBOARD_EGRESS, f"203.0.113.9, {USER_B}"), USER_B)

    def test_catalog_audit_records_the_peer_when_the_peer_is_not_the_gateway(self):
        # Straight to the catalog, past the gateway: from a local process, and from the
        # dashboard's address (a proxy of the gateway, not of the catalog).
        self.assertEqual(self.audited_address(CATALOG, KERNELS_CHOICE, "203.0.113.9"), "127.0.0.1")
        self.assertEqual(self.audited_address(CATALOG, DASHBOARD_EGRESS, "203.0.113.9"), DASHBOARD_EGRESS)

    def test_identity_throttles_the_peer_not_the_forged_addresses(self):
        # Ten failures on one account from one address make the next attempt wait (sooner, if
        # an earlier run left that address over its limit). Were the forged X-Forwarded-For
        # believed, every attempt would come from a new address and none would wait.
        for source in (KERNELS_CHOICE, DASHBOARD_EGRESS):
            email = add_user("viewer")
            answers = []
            for i in range(11):
                forged = f"198.{random.randint(18, 19)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
                password = PASSWORD if i == 10 else f"wrong guess {i:03}"
                r = request(IDENTITY, "POST", LOGIN, body=login_body(email, password), source=source,
                            headers={"X-Forwarded-For": forged})
                answers.append((r.status, error_code(r)))
                if r.status == 429:
                    break
            self.assertEqual(answers[-1], (429, "rate_limited"), (source, answers))
            self.assertEqual(set(answers[:-1]) - {(401, "invalid_credentials")}, set(), (source, answers))

if __name__ == "__main__":
    unittest.main()
