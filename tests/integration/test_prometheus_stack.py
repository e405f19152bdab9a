"""The stack's own Prometheus (scripts/prometheus.sh), for real: it is ready, scrapes every
service instance the driver runs on its internal metrics listener (never the API port), a real
request's count shows up in a query within a few scrapes, an instance started later is found
through file-based service discovery and forgotten once it stops, and a service the driver stops
and starts leaves the targets and comes back — Prometheus never restarts."""

import os
import re
import unittest
import urllib.parse

from testkit import CTL, PROMETHEUS_URL, Service, ctl, prometheus_api, prometheus_target, request, wait_until

SERVICES = ("gateway", "catalog", "identity")
# A few 2 s scrapes (the test stack's interval) plus file-SD's reaction, with a generous margin.
WAIT_S = 30


def service_targets():
    """Active targets of the `mercato` job: {instance label: target}."""
    active = prometheus_api("/api/v1/targets", state="active")["activeTargets"]
    return {t["labels"]["instance"]: t for t in active if t["labels"].get("job") == "mercato"}


def start_time():
    return prometheus_api("/api/v1/status/runtimeinfo")["startTime"]


def query_value(promql):
    result = prometheus_api("/api/v1/query", query=promql)["result"]
    return float(result[0]["value"][1]) if result else None


class StackPrometheus(unittest.TestCase):
    def test_ready_and_every_service_instance_is_an_up_target_on_its_metrics_listener(self):
        self.assertEqual(request(PROMETHEUS_URL, "GET", "/-/ready").status, 200)

        def all_up():
            targets = service_targets()
            up = {t["labels"]["service"] for t in targets.values() if t["health"] == "up"}
            return targets if set(SERVICES) <= up else None

        targets = wait_until(all_up, timeout=WAIT_S, interval=0.5)
        self.assertTrue(targets, f"not every service is an up target: {service_targets()}")
        for name in SERVICES:
            metrics_url = os.environ.get(f"MERCATO_{name.upper()}_METRICS_URL")
            api_url = os.environ.get(f"MERCATO_{name.upper()}_URL")
            if not metrics_url or not api_url:
                continue  # outside ./mercato test: the ports are not known
            scraped = [t["scrapeUrl"] for t in targets.values() if t["labels"]["service"] == name]
            self.assertIn(f"{metrics_url}/metrics", scraped)
            api = urllib.parse.urlsplit(api_url)
            self.assertEqual([t["labels"]["instance"] for t in targets.values() if t["labels"]["service"] == name],
                             [f"{api.hostname}:{api.port}"])
            self.assertFalse(any(f":{api.port}/" in u for u in scraped), scraped)

    def test_a_request_is_counted_in_a_query_within_a_few_scrapes(self):
        gateway = os.environ.get("MERCATO_GATEWAY_URL", "http://127.0.0.1:18080")
        metrics = os.environ.get("MERCATO_GATEWAY_METRICS_URL", "http://127.0.0.1:19080")
        r = request(gateway, "GET", "/api/v1/products/00000000-0000-0000-0000-000000000000")
        self.assertEqual(r.status, 404)
        # The gateway's own count right after the request: Prometheus must catch up to it.
        series = 'http_requests_total{service="gateway",route="/api/v1/products/{id}",method="GET",status="404"}'
        text = request(metrics, "GET", "/metrics").body.decode()
        line = re.search(r"^" + re.escape(series) + r" (\d+)$", text, re.M)
        self.assertIsNotNone(line, "the gateway did not count the request")
        counted = float(line.group(1))
        promql = 'sum(http_requests_total{job="mercato",service="gateway",route="/api/v1/products/{id}",method="GET",status="404"})'
        seen = wait_until(lambda: (query_value(promql) or 0) >= counted, timeout=WAIT_S, interval=0.5)
        self.assertTrue(seen, f"Prometheus has {query_value(promql)}, the gateway counted {counted}")

    def test_an_added_catalog_instance_is_scraped_and_forgotten_without_restart(self):
        started = start_time()
        catalog = Service("catalog", env={"CATALOG_CURSOR_SECRET": "prometheus"})
        try:
            with prometheus_target(catalog) as target:
                up = wait_until(lambda: service_targets().get(target.instance, {}).get("health") == "up",
                                timeout=WAIT_S, interval=0.5)
                self.assertTrue(up, f"{target.instance} is not an up target: {service_targets().get(target.instance)}")
                t = service_targets()[target.instance]
                self.assertEqual(t["scrapeUrl"], f"{catalog.metrics_url}/metrics")
                self.assertEqual((t["labels"]["service"], t["labels"]["stack"]), ("catalog", "test"))
                # The targets page says up once a scrape succeeded; the sample it stored can reach
                # a query a moment later (one full run queried in between and found no series).
                promql = f'up{{job="mercato",instance="{target.instance}"}}'
                self.assertTrue(wait_until(lambda: query_value(promql) == 1, timeout=WAIT_S, interval=0.5),
                                f"{promql} = {query_value(promql)}")
            gone = wait_until(lambda: target.instance not in service_targets(), timeout=WAIT_S, interval=0.5)
            self.assertTrue(gone, f"{target.instance} is still a target after its file was removed")
        finally:
            catalog.stop()
        self.assertEqual(start_time(), started, "Prometheus restarted")

    @unittest.skipUnless(CTL, "needs MERCATO_CTL (./mercato test sets it)")
    def test_a_service_the_driver_stops_leaves_the_targets_and_returns_when_started(self):
        started = start_time()
        api = urllib.parse.urlsplit(os.environ.get("MERCATO_CATALOG_URL", "http://127.0.0.2:18081"))
        instance = f"{api.hostname}:{api.port}"
        self.assertTrue(wait_until(lambda: instance in service_targets(), timeout=WAIT_S, interval=0.5))
        ctl("svc:catalog", "stop")
        try:
            gone = wait_until(lambda: instance not in service_targets(), timeout=WAIT_S, interval=0.5)
            self.assertTrue(gone, f"{instance} is still a target after the driver stopped it")
        finally:
            ctl("svc:catalog", "start")
        back = wait_until(lambda: service_targets().get(instance, {}).get("health") == "up", timeout=WAIT_S, interval=0.5)
        self.assertTrue(back, f"{instance} is not an up target again: {service_targets().get(instance)}")
        self.assertEqual(start_time(), started, "Prometheus restarted")


if __name__ == "__main__":
    unittest.main()
