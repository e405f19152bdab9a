"""Browser errors reported by the dashboard (POST /api/v1/rum/errors) are counted by kind on the
gateway's metrics endpoint and logged once each, with the trace id and without query strings;
malformed, oversized or hostile reports are refused with the envelope and change nothing."""

import json
import re
import threading
import unittest

from testkit import Service, request, wait_until

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
HEADER_TRACE = "0af7651916cd43dd8448eb211c80319c"
SECRET = "s3cr3t-query-value"
# Reports leave from addresses of their own, so the shared rate limit (per client address, in
# Redis) neither refuses them because of other tests nor spends those tests' budget.
SOURCE = "127.0.0.46"
LIMITED_SOURCE = "127.0.0.47"


def metric(text, series):
    """Value of one series (`name{labels}` exactly as exported), 0 when absent."""
    m = re.search("^" + re.escape(series) + r" (\S+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


class BrowserErrorReports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.gw = Service("gateway")
        # The gateway writes its log to stderr: read it as it comes, so the pipe never fills.
        cls.log = []
        cls.reader = threading.Thread(target=lambda: cls.log.extend(line.decode() for line in cls.gw.proc.stderr),
                                      daemon=True)
        cls.reader.start()

    @classmethod
    def tearDownClass(cls):
        cls.gw.stop()

    def report(self, body, content_type="application/json", headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return request(self.gw.url, "POST", "/api/v1/rum/errors", body=data, source=SOURCE,
                       headers={"Content-Type": content_type, **(headers or {})})

    def logged(self, marker):
        """The gateway's 'browser error' log lines whose message holds `marker`, parsed."""
        lines = [json.loads(line) for line in list(self.log) if '"browser error"' in line and marker in line]
        return lines

    def counts(self):
        text = self.gw.metrics()
        return {k: metric(text, f'web_errors_total{{kind="{k}"}}') for k in ("js", "unhandled_rejection", "fetch", "render")}

    def test_a_valid_report_is_counted_by_kind_and_logged_once_with_its_trace_id(self):
        before = self.counts()
        accepted_before = metric(self.gw.metrics(), 'web_error_reports_total{result="accepted"}')
        r = self.report({"page": f"/products/[id]?token={SECRET}#frag", "errors": [
            {"kind": "fetch", "message": f"GET /api/v2/products?q={SECRET} failed: 503 service_unavailable marker-fetch",
             "method": "GET", "url": f"/api/v2/products?q={SECRET}#x", "status": 503,
             "request_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "trace_id": TRACE},
            {"kind": "js", "message": "TypeError: x is undefined marker-js",
             "stack": f"at f (http://127.0.0.1:3000/_next/static/a.js?dpl={SECRET}:12:5)\n\tat g",
             "source": f"http://127.0.0.1:3000/_next/static/a.js?dpl={SECRET}", "line": 12, "column": 5},
            {"kind": "unhandled_rejection", "message": "Error: nobody caught me marker-rejection"},
            {"kind": "render", "message": "Error: render failed marker-render", "stack": "at Page"}]})
        self.assertEqual(r.status, 204, r.body)

        after = self.counts()
        self.assertEqual({k: after[k] - before[k] for k in after},
                         {"js": 1, "unhandled_rejection": 1, "fetch": 1, "render": 1})
        text = self.gw.metrics()
        self.assertEqual(metric(text, 'web_error_reports_total{result="accepted"}'), accepted_before + 1)
        # Bounded labels only: no message, page or URL becomes a label.
        for leaked in ("marker-", "/api/v2/products", "/products/[id]", SECRET):
            self.assertNotIn(leaked, text)

        fetch_lines = wait_until(lambda: self.logged("marker-fetch"), timeout=10)
        self.assertEqual(len(fetch_lines), 1, self.log[-5:])
        line = fetch_lines[0]
        self.assertEqual(line["level"], "warn")
        self.assertEqual(line["kind"], "fetch")
        self.assertEqual(line["client"], SOURCE)
        self.assertEqual(line["trace_id"], TRACE)
        self.assertEqual(line["failed_request_id"], "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
        self.assertEqual(line["url"], "/api/v2/products")
        self.assertEqual(line["page"], "/products/[id]")
        self.assertEqual(line["message"], "GET /api/v2/products failed: 503 service_unavailable marker-fetch")
        js = wait_until(lambda: self.logged("marker-js"), timeout=10)
        self.assertEqual(js[0]["source"], "http://127.0.0.1:3000/_next/static/a.js")
        self.assertEqual(js[0]["stack"], "at f (http://127.0.0.1:3000/_next/static/a.js:12:5)\n\tat g")
        for marker in ("marker-rejection", "marker-render"):
            self.assertEqual(len(wait_until(lambda: self.logged(marker), timeout=10)), 1, marker)
        # No query string, and so no value carried in one, reaches the log.
        self.assertFalse([l for l in self.log if SECRET in l])

    def test_the_reports_own_traceparent_names_the_trace_of_errors_without_one(self):
        r = self.report({"errors": [{"kind": "js", "message": "marker-header-trace"}]},
                        headers={"traceparent": f"00-{HEADER_TRACE}-b7ad6b7169203331-01",
                                 "Cookie": "session=marker-never-logged"})
        self.assertEqual(r.status, 204)
        lines = wait_until(lambda: self.logged("marker-header-trace"), timeout=10)
        self.assertEqual(lines[0]["trace_id"], HEADER_TRACE)
        self.assertFalse([l for l in self.log if "marker-never-logged" in l])  # headers are never logged

    def test_a_beacon_sent_as_text_is_accepted(self):
        r = self.report(json.dumps({"errors": [{"kind": "js", "message": "marker-beacon"}]}).encode(),
                        "text/plain;charset=UTF-8")
        self.assertEqual(r.status, 204)

    def test_bad_reports_are_refused_with_details_and_change_nothing(self):
        before_counts = self.counts()
        before_text = self.gw.metrics()
        cases = [
            ({"errors": [{"kind": "warning", "message": "m"}]}, ["errors[0].kind"]),
            ({"errors": [{"kind": "js"}]}, ["errors[0].message"]),
            ({"errors": [{"kind": "js", "message": "m" * 501}]}, ["errors[0].message"]),
            ({"errors": [{"kind": "js", "message": "m", "stack": "s" * 2001}]}, ["errors[0].stack"]),
            ({"errors": [{"kind": "js", "message": "forged\n{\"level\":\"error\"}"}]}, ["errors[0].message"]),
            ({"errors": [{"kind": "js", "message": "bidi \u202e override"}]}, ["errors[0].message"]),
            ({"errors": [{"kind": "fetch", "message": "m", "status": "503", "trace_id": "XYZ"}]},
             ["errors[0].status", "errors[0].trace_id"]),
            ({"errors": [{"kind": "js", "message": "m", "headers": {"Cookie": "x"}}]}, ["errors[0].headers"]),
            ({"errors": [{"kind": "js", "message": "m"}], "user": "someone"}, ["user"]),
            ({"errors": [{"kind": "js", "message": "m"}] * 11}, ["errors"]),
            ({"page": "/x"}, ["errors"]),
        ]
        for body, fields in cases:
            with self.subTest(fields=fields):
                r = self.report(body)
                self.assertEqual(r.status, 422, r.body)
                err = r.json()["error"]
                self.assertEqual(err["code"], "validation_failed")
                self.assertEqual([d["field"] for d in err["details"]], fields)
        self.assertEqual(self.report(b"{not json").status, 400)
        self.assertEqual(self.report(b"[]").json()["error"]["code"], "bad_request")
        self.assertEqual(self.report({"errors": [{"kind": "js", "message": "m"}]}, "application/xml").status, 415)
        r = self.report(b'{"errors":[' + (b'{"kind":"js","message":"' + b"m" * 400 + b'"},') * 90 + b'{}]}')
        self.assertEqual(r.status, 413)
        self.assertEqual(r.json()["error"]["code"], "payload_too_large")

        self.assertEqual(self.counts(), before_counts)
        after_text = self.gw.metrics()
        self.assertEqual(metric(after_text, 'web_error_reports_total{result="accepted"}'),
                         metric(before_text, 'web_error_reports_total{result="accepted"}'))
        self.assertEqual(metric(after_text, 'web_error_reports_total{result="rejected"}'),
                         metric(before_text, 'web_error_reports_total{result="rejected"}') + len(cases) + 4)
        self.assertFalse([l for l in self.log if "forged" in l or "override" in l])

    def test_the_vitals_contract_is_unchanged(self):
        r = request(self.gw.url, "POST", "/api/v1/rum", headers={"Content-Type": "application/json"}, source=SOURCE,
                    body=json.dumps({"page": "/products", "metrics": [{"name": "LCP", "value": 900, "rating": "good"}]}).encode())
        self.assertEqual(r.status, 204)
        r = request(self.gw.url, "POST", "/api/v1/rum", headers={"Content-Type": "application/json"}, source=SOURCE,
                    body=json.dumps({"metrics": [{"name": "LCP", "value": 1}], "errors": []}).encode())
        self.assertEqual(r.status, 422)  # errors go to their own endpoint, not into the vitals report


class BrowserErrorRateLimit(unittest.TestCase):
    def test_reports_sit_behind_the_shared_rate_limit(self):
        with Service("gateway", env={"RATE_LIMIT_PER_MINUTE": "2"}) as gw:
            statuses = [request(gw.url, "POST", "/api/v1/rum/errors", source=LIMITED_SOURCE,
                                headers={"Content-Type": "application/json"},
                                body=json.dumps({"errors": [{"kind": "js", "message": "m"}]}).encode()).status
                        for _ in range(3)]
            # The window may have started earlier in this minute (another run): at least one is limited.
            self.assertIn(429, statuses)
            self.assertEqual(statuses[-1], 429)


if __name__ == "__main__":
    unittest.main()
