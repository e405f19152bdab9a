"""Alertmanager's inhibition against the stack's real Alertmanager (deploy/prometheus/alertmanager.yml):
a paging SLO alert silences the ticket of the same SLO and service, and nothing else. An alert
without an `slo` label (PostgresDown, RedisDown, …) must not silence an unrelated ticket: with
`equal: [slo, service, stack]` alone, two alerts that both lack `slo` and `service` count as
equal, so a page about PostgreSQL would hide a ticket about Redis."""

import datetime
import json
import os
import unittest
import uuid

import testkit

ALERTMANAGER_URL = os.environ.get("MERCATO_ALERTMANAGER_URL", "http://127.0.0.1:19093")


def post_alerts(alerts):
    now = datetime.datetime.now(datetime.timezone.utc)
    body = [{"labels": a, "startsAt": now.isoformat(), "endsAt": (now + datetime.timedelta(minutes=5)).isoformat()}
            for a in alerts]
    r = testkit.request(ALERTMANAGER_URL, "POST", "/api/v2/alerts", body=json.dumps(body).encode(),
                        headers={"Content-Type": "application/json"})
    if r.status != 200:
        raise AssertionError(f"Alertmanager answered {r.status}: {r.body[:300]!r}")


def alert_state(run, alertname):
    r = testkit.request(ALERTMANAGER_URL, "GET", f"/api/v2/alerts?filter=run%3D%22{run}%22")
    if r.status != 200:
        return None
    for a in r.json():
        if a["labels"].get("alertname") == alertname:
            return a["status"]
    return None


class TestAlertInhibition(unittest.TestCase):
    def wait_state(self, run, alertname, inhibited):
        """Alertmanager evaluates inhibition when it lists the alerts; wait until it lists this one."""
        def seen():
            s = alert_state(run, alertname)
            return s if s is not None and (bool(s["inhibitedBy"]) == inhibited) else None
        state = testkit.wait_until(seen, timeout=10)
        self.assertIsNotNone(state, f"{alertname} never listed with inhibited={inhibited}: {alert_state(run, alertname)}")
        return state

    def test_a_page_without_an_slo_does_not_silence_an_unrelated_ticket(self):
        run = uuid.uuid4().hex
        post_alerts([
            {"alertname": "PostgresDown", "severity": "page", "stack": "test", "run": run},
            {"alertname": "RedisRejectingConnections", "severity": "ticket", "stack": "test", "run": run},
        ])
        self.assertIsNotNone(testkit.wait_until(lambda: alert_state(run, "PostgresDown"), timeout=10))
        state = testkit.wait_until(lambda: alert_state(run, "RedisRejectingConnections"), timeout=10)
        self.assertIsNotNone(state)
        self.assertEqual(state["inhibitedBy"], [], "a PostgreSQL page silenced a Redis ticket")
        self.assertEqual(state["state"], "active")

    def test_a_page_silences_the_ticket_of_the_same_slo_and_service(self):
        run = uuid.uuid4().hex
        # A stack label of its own: a real page of the test stack (a service's errors while other
        # suites run) must not be what silences these tickets.
        labels = {"slo": "availability", "service": "catalog", "stack": f"test-{run}", "run": run}
        post_alerts([
            {"alertname": "SLOAvailabilityBurnFast", "severity": "page", **labels},
            {"alertname": "SLOAvailabilityBurnSlow", "severity": "ticket", **labels},
            {"alertname": "SLOAvailabilityBurnSlowOther", "severity": "ticket", **{**labels, "service": "identity"}},
        ])
        self.wait_state(run, "SLOAvailabilityBurnSlow", inhibited=True)
        other = self.wait_state(run, "SLOAvailabilityBurnSlowOther", inhibited=False)
        self.assertEqual(other["state"], "active")


if __name__ == "__main__":
    unittest.main()
