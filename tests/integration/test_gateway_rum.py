"""Web Vitals from browsers reach the gateway's Prometheus histograms; bad reports are refused
with the envelope and change nothing."""

import json
import unittest

from testkit import Service, request


class RealUserMonitoring(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Not rate-limited: the budget is per address across the stack's gateways, and earlier
        # suites can spend 127.0.0.1's within the minute on a fast machine (a full run met 429s).
        cls.gw = Service("gateway", env={"RATE_LIMIT_PER_MINUTE": "1000000"})

    @classmethod
    def tearDownClass(cls):
        cls.gw.stop()

    def report(self, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return request(self.gw.url, "POST", "/api/v1/rum", body=data, headers={"Content-Type": content_type})

    def test_dashboard_report_is_exported_as_histograms(self):
        r = self.report({"page": "/products/[id]", "metrics": [
            {"name": "LCP", "value": 1830.0, "rating": "needs-improvement", "id": "v4-a", "navigation_type": "navigate"},
            {"name": "CLS", "value": 0.03, "rating": "good", "id": "v4-b", "navigation_type": "navigate"}]})
        self.assertEqual(r.status, 204)
        text = self.gw.metrics()
        self.assertIn('web_vitals_seconds_count{metric="LCP",rating="needs-improvement"} 1', text)
        self.assertIn('web_vitals_cls_count{rating="good"} 1', text)
        self.assertNotIn("v4-a", text)  # client-chosen ids never become labels

    def test_beacon_sent_as_text_is_accepted(self):
        r = self.report(json.dumps({"metrics": [{"name": "TTFB", "value": 120}]}).encode(), "text/plain;charset=UTF-8")
        self.assertEqual(r.status, 204)

    def test_bad_reports_are_refused_and_not_counted(self):
        before = self.gw.metrics().count("web_vitals_seconds_count")
        r = self.report({"metrics": [{"name": "FID", "value": "fast"}]})
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json()["error"]["code"], "validation_failed")
        self.assertEqual(self.report(b"{not json").status, 400)
        self.assertEqual(self.report({"metrics": []}, "application/xml").status, 415)
        self.assertEqual(self.report(b'{"metrics":[' + b'{"name":"LCP","value":1},' * 400 + b'{}]}').status, 413)
        after = self.gw.metrics().count("web_vitals_seconds_count")
        self.assertEqual(before, after)


if __name__ == "__main__":
    unittest.main()
