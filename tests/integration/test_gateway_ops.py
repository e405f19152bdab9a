"""The admins' operations endpoints of the gateway (/api/v1/admin/ops/…) against the running
stack: its real gateway, reading its real Prometheus. An admin gets every panel of the fixed
table with real data points, non-admins are refused, bad parameters are a 422 naming them (as the catalog's lists),
firing and pending alerts come back with five fields and nothing else, the slowest requests are
listed with the X-Request-ID they were answered with, and a stopped Prometheus is a quick 503
(never a hang) that heals when it is back."""

import os
import time
import unittest
import urllib.parse
import uuid

from testkit import CTL, Service, add_identity_user, ctl, prometheus_target, request, wait_until

GATEWAY = os.environ.get("MERCATO_GATEWAY_URL", "http://127.0.0.1:18080")
CATALOG = os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081")
IDENTITY = os.environ.get("MERCATO_IDENTITY_URL", "http://127.0.0.3:18082")
PASSWORD = "correct horse battery staple"
OPS = "/api/v1/admin/ops"
PANELS = ("rate", "errors", "client_errors", "latency_p50", "latency_p99", "cache_hit_ratio", "db_pool_saturation",
          "db_pool_waiters", "alerts_firing")
SERVICES = {"gateway", "catalog", "identity"}
# Scrapes every 2 s in the test stack (10 s in dev) and rate() over 1m needs two of them.
WAIT_S = 60
# Each simulated client its own address, so the rate limit of one test never refuses another's.
LOAD_SOURCES = [f"127.0.0.{n}" for n in range(150, 158)]  # no other test uses these


def add_user(role):
    """A user of the stack's identity database, made with the real CLI; returns its email."""
    return add_identity_user("ops", role, PASSWORD)[0]


def login(email, source=None, request_id=None):
    headers = {"X-Request-ID": request_id} if request_id else {}
    return request(GATEWAY, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD}, headers=headers,
                   source=source)


def token_of(email):
    r = login(email)
    assert r.status == 200, (r.status, r.body)
    return r.json()["data"]["access_token"]


def ops(path, token=None, timeout=10):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return request(GATEWAY, "GET", OPS + path, headers=headers, timeout=timeout)


def error_of(r):
    body = r.json()
    assert body["success"] is False, body
    return body["error"]


def user_traffic(requests_each=6):
    """Public catalog reads (cached: the cache tiers count them), a miss, and some logins, from a
    few addresses."""
    for source in LOAD_SOURCES[:3]:
        for _ in range(requests_each):
            request(GATEWAY, "GET", "/api/v1/products?per_page=5", source=source)
            request(GATEWAY, "GET", "/api/v1/categories", source=source)
        request(GATEWAY, "GET", f"/api/v1/products/{uuid.uuid4()}", source=source)


class OpsEndpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.admin = token_of(add_user("admin"))
        cls.viewer = token_of(add_user("viewer"))
        cls.editor = token_of(add_user("editor"))

    def series(self, panels, range_s=300, token=None):
        return ops(f"/series?panel={','.join(panels)}&range={range_s}", token=token or self.admin)

    def test_admin_gets_every_panel_with_real_data_points(self):
        user_traffic()

        def every_panel_has_data():
            user_traffic(requests_each=1)  # keep the 1-minute windows filled while waiting
            r = self.series(PANELS)
            if r.status != 200:
                return None
            panels = {p["name"]: p for p in r.json()["data"]["panels"]}
            with_values = {n for n, p in panels.items()
                           if any(v is not None for s in p["series"] for _, v in s["points"])}
            return panels if with_values == set(PANELS) else None

        panels = wait_until(every_panel_has_data, timeout=WAIT_S, interval=1)
        self.assertTrue(panels, f"not every panel has a value: {self.series(PANELS).body[:2000]!r}")
        r = self.series(PANELS)
        data = r.json()["data"]
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertEqual([p["name"] for p in data["panels"]], list(PANELS))  # the order asked for
        self.assertEqual((data["range"], data["step"]), (300, 5))
        for p in data["panels"]:
            self.assertEqual(set(p), {"name", "title", "unit", "series"}, p["name"])
            for s in p["series"]:
                self.assertEqual(set(s), {"label", "points"})
                self.assertLessEqual(len(s["points"]), 61)
                for t, v in s["points"]:
                    self.assertGreaterEqual(t, data["end"] - 300)
                    self.assertLessEqual(t, data["end"])
                    self.assertTrue(v is None or isinstance(v, (int, float)))
        by_name = {p["name"]: p for p in data["panels"]}
        # Series are named by the panel's legend labels only, never a raw label set.
        self.assertLessEqual({s["label"] for s in by_name["rate"]["series"]}, SERVICES)
        self.assertIn("gateway", {s["label"] for s in by_name["rate"]["series"]})
        self.assertLessEqual({s["label"] for s in by_name["cache_hit_ratio"]["series"]}, {"l1", "l2"})
        self.assertEqual([s["label"] for s in by_name["alerts_firing"]["series"]], ["total"])
        gateway_rate = next(s for s in by_name["rate"]["series"] if s["label"] == "gateway")
        self.assertGreater(max(v for _, v in gateway_rate["points"] if v is not None), 0)
        for s in by_name["db_pool_saturation"]["series"]:
            for _, v in s["points"]:
                self.assertTrue(v is None or 0 <= v <= 1, v)

    def test_a_longer_range_keeps_the_point_count_bounded(self):
        r = self.series(["rate"], range_s=21600)
        self.assertEqual(r.status, 200, r.body)
        data = r.json()["data"]
        self.assertEqual(data["step"], 180)
        for s in data["panels"][0]["series"]:
            self.assertLessEqual(len(s["points"]), 121)

    def test_non_admins_are_403_and_anonymous_401_with_the_envelope(self):
        for path in ("/series?panel=rate", "/alerts", "/slow-requests"):
            for token in (self.viewer, self.editor):
                r = ops(path, token=token)
                self.assertEqual((r.status, error_of(r)["code"]), (403, "forbidden"), path)
            r = ops(path)
            self.assertEqual((r.status, error_of(r)["code"]), (401, "auth_required"), path)
            r = ops(path, token="not-a-token")
            self.assertEqual((r.status, error_of(r)["code"]), (401, "invalid_token"), path)

    def test_bad_parameters_are_422_naming_each_problem(self):
        cases = {
            "/series?panel=nope": [{"field": "panel", "message": 'unknown panel "nope"'}],
            "/series?panel=rate&range=59": [{"field": "range", "message": "must be whole seconds from 60 to 21600"}],
            "/series?panel=rate&range=86400": [{"field": "range", "message": "must be whole seconds from 60 to 21600"}],
            "/series?panel=rate&query=up": [{"field": "query", "message": "is not a known parameter"}],
            "/series": [{"field": "panel", "message": "is required: one or more panel names, comma-separated"}],
            "/series?panel=sum(up)": [{"field": "panel", "message": 'unknown panel "sum(up)"'}],
            "/alerts?filter=x": [{"field": "filter", "message": "is not a known parameter"}],
            "/slow-requests?limit=5": [{"field": "limit", "message": "is not a known parameter"}],
        }
        for path, details in cases.items():
            r = ops(path, token=self.admin)
            self.assertEqual(r.status, 422, path)
            err = error_of(r)
            self.assertEqual((err["code"], err["details"]), ("validation_failed", details), path)

    def test_alerts_are_listed_with_five_fields_and_no_labels(self):
        # A scrape target that cannot be scraped: `up` is 0 at the next scrape and TargetDown is
        # pending at once (firing after its `for: 1m`).
        class Dead:
            name, port, metrics_port = "ops-dead-target", 1, 1

        with prometheus_target(Dead()):
            def target_down_listed():
                r = ops("/alerts", token=self.admin)
                self.assertEqual(r.status, 200, r.body)
                found = [a for a in r.json()["data"] if a["name"] == "TargetDown" and "127.0.0.1:1" in a["summary"]]
                return found

            found = wait_until(target_down_listed, timeout=WAIT_S, interval=1)
            self.assertTrue(found, ops("/alerts", token=self.admin).body)
        alert = found[0]
        self.assertEqual(set(alert), {"name", "severity", "state", "since", "summary"})
        self.assertEqual(alert["severity"], "page")
        self.assertIn(alert["state"], {"pending", "firing"})
        self.assertRegex(alert["since"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        r = ops("/alerts", token=self.admin)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        for a in r.json()["data"]:
            self.assertEqual(set(a), {"name", "severity", "state", "since", "summary"})
            self.assertIn(a["state"], {"pending", "firing"})

    def test_slowest_requests_carry_the_request_id_they_were_answered_with(self):
        self.maxDiff = None
        # A gateway of its own in front of the stack's catalog and identity, so its record holds
        # exactly this test's requests (the stack's gateway ranks every other test's too).
        catalog, identity = (urllib.parse.urlsplit(u) for u in (CATALOG, IDENTITY))
        with Service("gateway", env={"PRODUCT_SERVICE_HOST": catalog.hostname, "PRODUCT_SERVICE_PORT": str(catalog.port),
                                     "USER_SERVICE_HOST": identity.hostname, "USER_SERVICE_PORT": str(identity.port),
                                     "RATE_LIMIT_PER_MINUTE": "100000", "LOG_LEVEL": "warn"}) as gw:
            email = add_user("viewer")
            answered = {}
            for i in range(3):
                r = request(gw.url, "POST", "/api/v1/auth/login", {"email": email, "password": PASSWORD},
                            headers={"X-Request-ID": f"ops-login-{i}-{uuid.uuid4().hex[:8]}"})
                self.assertEqual(r.status, 200, r.body)
                answered[r.header("X-Request-ID")] = ("POST", "/api/v1/auth/login", 200)
            for i in range(5):
                r = request(gw.url, "GET", f"/api/v1/products/{uuid.uuid4()}", headers={"X-Request-ID": f"ops-read-{i}"})
                self.assertEqual(r.status, 404, r.body)
                answered[r.header("X-Request-ID")] = ("GET", "/api/v1/products/{id}", 404)
            r = request(gw.url, "GET", "/api/v1/no-such-route")
            answered[r.header("X-Request-ID")] = ("GET", "unmatched", 404)

            r = request(gw.url, "GET", OPS + "/slow-requests", headers={"Authorization": f"Bearer {self.admin}"})
            self.assertEqual(r.status, 200, r.body)
            self.assertEqual(r.header("Cache-Control"), "no-store")
            body = r.json()
            self.assertEqual(body["meta"], {"capacity": 20, "window_seconds": 300})
            listed = body["data"]
            # Every request it answered, each under the X-Request-ID of its answer, slowest first
            # (besides the probes that waited for it to start).
            self.assertEqual({e["request_id"]: (e["method"], e["route"], e["status"]) for e in listed
                              if e["route"] != "/health/live"}, answered)
            durations = [e["duration_ms"] for e in listed]
            self.assertEqual(durations, sorted(durations, reverse=True))
            for e in listed:
                self.assertEqual(set(e), {"method", "route", "status", "duration_ms", "request_id", "at"})
                self.assertGreater(e["duration_ms"], 0)
            # Logins (argon2id, tens of milliseconds) outrank reads of an absent id.
            self.assertEqual({e["route"] for e in listed[:3]}, {"/api/v1/auth/login"})

            # More than twenty: the twenty slowest stay.
            for i in range(30):
                request(gw.url, "GET", "/api/v1/categories")
            r = request(gw.url, "GET", OPS + "/slow-requests", headers={"Authorization": f"Bearer {self.admin}"})
            listed = r.json()["data"]
            self.assertEqual(len(listed), 20)
            self.assertEqual([e["route"] for e in listed[:3]], ["/api/v1/auth/login"] * 3)

    @unittest.skipUnless(CTL, "needs MERCATO_CTL to stop and start the stack's Prometheus")
    def test_a_stopped_prometheus_is_a_quick_503_and_the_view_heals_when_it_is_back(self):
        ctl("prometheus", "stop")
        try:
            for path in ("/series?panel=rate,errors", "/alerts"):
                start = time.monotonic()
                r = ops(path, token=self.admin, timeout=30)
                elapsed = time.monotonic() - start
                self.assertEqual((r.status, error_of(r)["code"]), (503, "service_unavailable"), path)
                self.assertLess(elapsed, 2.0, f"{path} took {elapsed:.2f} s")  # refused at once, never a hang
            # What the gateway knows by itself is still served.
            self.assertEqual(ops("/slow-requests", token=self.admin).status, 200)
        finally:
            ctl("prometheus", "start")
        healed = wait_until(lambda: ops("/series?panel=rate", token=self.admin).status == 200, timeout=WAIT_S, interval=0.5)
        self.assertTrue(healed, ops("/series?panel=rate", token=self.admin).body)


if __name__ == "__main__":
    unittest.main()
