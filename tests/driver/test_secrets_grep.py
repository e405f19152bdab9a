"""The secrets grep (scripts/secrets_grep.py), the last suite of ./mercato test, on planted
signals: it must fail on a secret in a log, a span, a metric or a Prometheus label value, name
the signal, and never print the secret; and it must pass on clean signals."""

import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from testkit import REPO

CHECKER = os.path.join(REPO, "scripts", "secrets_grep.py")
PASSWORD = "planted password 7f3a9c"
REFRESH = "rT0k3n-planted-5e8d1b2c9a7f"
ACCESS = ("eyJhbGciOiJFZERTQSIsImtpZCI6InBsYW50ZWQifQ.eyJzdWIiOiIwMWEyNDM2NiIsInJvbGUiOiJhZG1pbiJ9."
          "c2lnbmF0dXJlLW9mLWEtcGxhbnRlZC10b2tlbg")
KEY_D = "K3_ATzLu_2je9S7r02JWUQtTvO3Yo1SJ-planted"
REDIS_PASSWORD = "redis-secret-planted-0123"


class MetricsServer:
    """Serves fixed text at /metrics and a fixed Prometheus label API, to stand for a scrape."""

    def __init__(self, metrics, labels):
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                if self.path == "/metrics":
                    body = outer.metrics.encode()
                elif self.path == "/api/v1/labels":
                    body = json.dumps({"status": "success", "data": list(outer.labels)}).encode()
                elif self.path.startswith("/api/v1/label/"):
                    name = self.path.split("/")[4]
                    body = json.dumps({"status": "success", "data": outer.labels.get(name, [])}).encode()
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.metrics, self.labels = metrics, labels
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SecretsGrepTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.logs, self.secrets, self.keys = (os.path.join(d, n) for n in ("logs", "secrets", "keys"))
        for p in (self.logs, self.secrets, self.keys):
            os.makedirs(p)
        self.seen = os.path.join(d, "secrets-seen.txt")
        with open(self.seen, "w") as f:
            f.write(f"password\ttest_x.py:test_login\t{PASSWORD}\n")
            f.write(f"refresh_token\ttest_x.py:test_login\t{REFRESH}\n")
            f.write(f"access_token\ttest_x.py:test_login\t{ACCESS}\n")
            f.write("password\ttest_x.py:test_short\tshort\n")  # under the length floor: not looked for
        with open(os.path.join(self.secrets, "redis-default.password"), "w") as f:
            f.write(REDIS_PASSWORD + "\n")
        with open(os.path.join(self.keys, "kid.jwk"), "w") as f:
            json.dump({"kty": "OKP", "crv": "Ed25519", "kid": "kid", "x": "public-part-is-fine-0123456789", "d": KEY_D}, f)
        self.spans = os.path.join(d, "spans.jsonl")
        self.write("gateway.log", '{"level":"info","msg":"request","route":"/api/v1/auth/login","status":200}\n'
                                  '{"level":"warn","msg":"login failed","password":"[redacted]","note":"short"}\n')
        self.write("python.log", f"a suite's own output may show {PASSWORD}\n")  # not a signal of the stack
        with open(self.spans, "w") as f:
            f.write(json.dumps({"trace_id": "a" * 32, "attributes": {"http.route": "/api/v1/auth/login"}}) + "\n")
        self.prom = MetricsServer('http_requests_total{route="/api/v1/auth/login"} 3\n',
                                  {"route": ["/api/v1/auth/login"], "__name__": ["http_requests_total"]})

    def tearDown(self):
        self.prom.close()
        self.tmp.cleanup()

    def write(self, name, text, mode="w"):
        with open(os.path.join(self.logs, name), mode) as f:
            f.write(text)

    def run_checker(self):
        return subprocess.run([sys.executable, CHECKER, "--seen", self.seen, "--secrets-dir", self.secrets,
                               "--keys-dir", self.keys, "--logs", self.logs, "--spans", self.spans,
                               "--spans", self.spans + ".1", "--metrics", self.prom.url + "/metrics",
                               "--prometheus", self.prom.url], capture_output=True, text=True, timeout=60)

    def assert_fails_naming(self, r, *words):
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        for w in words:
            self.assertIn(w, r.stdout)
        for secret in (PASSWORD, REFRESH, ACCESS, KEY_D, REDIS_PASSWORD):
            self.assertNotIn(secret, r.stdout + r.stderr, "the report must never print a secret")

    def test_clean_signals_pass(self):
        r = self.run_checker()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("no secret in any signal", r.stdout)
        self.assertIn("log gateway.log", r.stdout)

    def test_a_recorded_password_in_a_service_log_fails_naming_the_log_and_the_test(self):
        self.write("catalog.log", f'{{"level":"error","msg":"bad login","body":"{{\\"email\\":\\"a@b\\",'
                                  f'\\"pw\\":\\"{PASSWORD}\\"}}"}}\n', "a")
        r = self.run_checker()
        self.assert_fails_naming(r, "SECRET FOUND in log catalog.log, line 1", "password (recorded by test_x.py:test_login)",
                                 f"[password: {len(PASSWORD)} chars]")

    def test_a_refresh_token_in_a_span_attribute_fails(self):
        with open(self.spans, "a") as f:
            f.write(json.dumps({"trace_id": "b" * 32, "attributes": {"url.query": f"token={REFRESH}"}}) + "\n")
        self.assert_fails_naming(self.run_checker(), "SECRET FOUND in spans spans.jsonl, line 2", "refresh_token")

    def test_a_rotated_spans_file_is_searched_too(self):
        with open(self.spans + ".1", "w") as f:
            f.write(json.dumps({"attributes": {"x": ACCESS}}) + "\n")
        self.assert_fails_naming(self.run_checker(), "spans spans.jsonl.1", "access_token")

    def test_a_secret_in_a_metric_label_fails(self):
        self.prom.metrics += f'login_attempts_total{{user="{REDIS_PASSWORD}"}} 1\n'
        self.assert_fails_naming(self.run_checker(), f"metrics {self.prom.url}/metrics", "stack credential")

    def test_a_secret_in_a_prometheus_label_value_fails(self):
        self.prom.labels["client"] = [KEY_D]
        self.assert_fails_naming(self.run_checker(), "Prometheus label values", "signing key (private part)")

    def test_secret_shapes_fail_whatever_their_value(self):
        unrecorded_jwt = ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzb21lb25lLWVsc2UifQ."
                          "dW5yZWNvcmRlZC1zaWduYXR1cmUtYnl0ZXM")
        self.write("identity.log", '{"msg":"upstream","authorization":"Bearer ' + unrecorded_jwt + '"}\n'
                                   '{"msg":"x","refresh_token":"abcdefghijklmnopqrstuv"}\n'
                                   '{"msg":"y","password":"not redacted at all"}\n')
        r = self.run_checker()
        self.assert_fails_naming(r, "log identity.log, line 1: JWT (shape)", "bearer credential",
                                 "line 2: refresh_token value (shape)", "line 3: password value (shape)")
        self.assertNotIn(unrecorded_jwt, r.stdout)
        self.assertNotIn("abcdefghijklmnopqrstuv", r.stdout)
        self.assertNotIn("not redacted at all", r.stdout)

    def test_an_unreachable_metrics_endpoint_fails_instead_of_passing_unchecked(self):
        self.prom.close()
        r = self.run_checker()
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertIn("cannot scrape", r.stdout)
        self.prom = MetricsServer("", {})  # for tearDown


if __name__ == "__main__":
    unittest.main()
