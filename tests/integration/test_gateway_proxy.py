"""The gateway started for real in front of real catalog and identity processes: routing,
relaying, failure answers, retries, circuit breakers, CORS and security headers.

Where a test needs an upstream that misbehaves on cue (never answers, hangs up holding the
request) or one that shows exactly what it was sent, a few lines of socket server stand in
for the instance: fault injectors and observers, not imitations of a service."""

import socket
import threading
import time
import unittest

from testkit import Service, free_port, request, wait_until

ALLOWED_ORIGIN = "http://localhost:13000"


class SocketUpstream:
    """A listening socket on a free port (or a given one). mode:
    "record" answers every request with a small envelope and keeps what it received;
    "drop" reads a request and closes the connection without a byte;
    "hang" reads requests and never answers."""

    RECORD_BODY = b'{"success":true,"data":{"recorded":true}}'

    def __init__(self, mode, port=0):
        self.mode = mode
        self.requests = []  # (head as text, body bytes), in arrival order
        self.peers = []  # the address each connection came from, in accept order
        self.accepted = 0
        self._conns = []
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", port))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while True:
            try:
                conn, peer = self._sock.accept()
            except OSError:
                return
            with self._lock:
                self.accepted += 1
                self.peers.append(peer[0])
                self._conns.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        buf = b""
        try:
            while True:
                data = conn.recv(65536)
                if not data:
                    return
                buf += data
                while b"\r\n\r\n" in buf:
                    head, rest = buf.split(b"\r\n\r\n", 1)
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        name, _, value = line.partition(b":")
                        if name.strip().lower() == b"content-length":
                            length = int(value.strip())
                    if len(rest) < length:
                        break
                    with self._lock:
                        self.requests.append((head.decode("latin-1"), rest[:length]))
                    buf = rest[length:]
                    if self.mode == "drop":
                        return
                    if self.mode == "record":
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Connection: keep-alive, X-Upstream-Hop\r\nKeep-Alive: timeout=60\r\n"
                                     b"X-Upstream-Hop: secret\r\nX-Upstream-End: kept\r\n"
                                     b"Content-Length: " + str(len(self.RECORD_BODY)).encode() + b"\r\n\r\n"
                                     + self.RECORD_BODY)
        except OSError:
            pass
        finally:
            conn.close()

    def request_headers(self, index=-1):
        """The received request's header fields as (name, value) pairs."""
        head = self.requests[index][0]
        fields = []
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            fields.append((name.strip(), value.strip()))
        return fields

    def close(self):
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()
        with self._lock:
            for c in self._conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                c.close()


def probes(upstream):
    """The gateway's readiness probes among what `upstream` received (sent while its breaker is open)."""
    return [head for head, _ in upstream.requests if head.startswith("GET /health/ready ")]


def api_requests(upstream):
    """What `upstream` received apart from the gateway's readiness probes."""
    return [head for head, _ in upstream.requests if not head.startswith("GET /health/ready ")]


def field(fields, name):
    values = [v for k, v in fields if k.lower() == name.lower()]
    return ", ".join(values) if values else None


def metric_sum(svc, name, **labels):
    """Sum of the samples of `name` whose labels include `labels` in svc's /metrics."""
    total = 0.0
    for line in svc.metrics().splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def gateway(catalog_hosts, identity_hosts=None, **env):
    """A gateway whose catalog and identity instances are the given ports (the list form)."""
    identity_hosts = identity_hosts or [free_port()]
    full = {
        "PRODUCT_SERVICE_HOST": ",".join(f"127.0.0.1:{p}" for p in catalog_hosts),
        "USER_SERVICE_HOST": ",".join(f"127.0.0.1:{p}" for p in identity_hosts),
        "CORS_ORIGINS": ALLOWED_ORIGIN,
        # These tests count what reaches each instance: no answer from the response cache.
        "GATEWAY_CACHE_MAX_BYTES": "0",
        # Nor a 429: the limit is one budget per address across every gateway on the stack's
        # Redis, and on a fast machine the earlier suites spend 127.0.0.1's within the minute.
        "RATE_LIMIT_PER_MINUTE": "1000000",
    }
    full.update(env)
    return Service("gateway", env=full)


def assert_envelope_error(test, r, status, code):
    test.assertEqual(r.status, status, r.body[:300])
    body = r.json()
    test.assertIs(body["success"], False)
    test.assertEqual(body["error"]["code"], code)
    test.assertTrue(r.header("X-Request-ID"))


class InFrontOfRealServices(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.catalog = Service("catalog")
        cls.identity = Service("identity")
        cls.gw = Service("gateway", env={
            "PRODUCT_SERVICE_HOST": "127.0.0.1", "PRODUCT_SERVICE_PORT": str(cls.catalog.port),
            "USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(cls.identity.port),
            "CORS_ORIGINS": ALLOWED_ORIGIN, "RATE_LIMIT_PER_MINUTE": "1000000",  # as gateway() says
        })

    @classmethod
    def tearDownClass(cls):
        for s in (cls.gw, cls.catalog, cls.identity):
            s.stop()

    def test_proxied_request_reaches_the_catalog_and_its_answer_comes_back_whole(self):
        seen = lambda: metric_sum(self.catalog, "http_requests_total", route="/api/v1/products", method="GET")
        before = seen()
        via = self.gw.get("/api/v1/products?per_page=5", headers={"X-Request-ID": "gw-e2e-1"})
        self.assertEqual(seen(), before + 1, "the catalog did not count the proxied request")
        direct = self.catalog.get("/api/v1/products?per_page=5")
        self.assertEqual(via.status, direct.status)
        self.assertEqual(via.header("X-Request-ID"), "gw-e2e-1")
        self.assertEqual(via.header("Content-Type"), direct.header("Content-Type"))
        self.assertEqual(set(via.json()), set(direct.json()))
        self.assertEqual(via.json()["meta"]["per_page"], 5)

    def test_upstream_error_envelopes_pass_through_unchanged(self):
        for path, svc, status, code in (("/api/v1/products/not-a-uuid", self.catalog, 404, "not_found"),
                                        ("/api/v1/auth/me", self.identity, 401, "auth_required")):
            with self.subTest(path=path):
                via = self.gw.get(path)
                direct = svc.get(path)
                assert_envelope_error(self, via, status, code)
                self.assertEqual(via.status, direct.status)
                self.assertEqual(via.json(), direct.json())

    def test_unknown_route_is_404_from_the_gateway_without_a_hop(self):
        # The v2 API has only the list (docs/architecture.md#public-api); a v2 detail is unknown here too.
        for path in ("/api/v1/no-such-thing/42", "/api/v2/products/01900000-0000-7000-8000-000000000000"):
            with self.subTest(path=path):
                before = metric_sum(self.catalog, "http_requests_total")
                r = self.gw.get(path)
                assert_envelope_error(self, r, 404, "not_found")
                # The catalog saw nothing (scrapes go to its internal listener and are not counted).
                self.assertEqual(metric_sum(self.catalog, "http_requests_total") - before, 0)

    def test_unlisted_method_is_405_from_the_gateway(self):
        r = request(self.gw.url, "PUT", "/api/v1/products", body={})
        assert_envelope_error(self, r, 405, "method_not_allowed")
        self.assertEqual(r.header("Allow"), "GET, HEAD, POST")

    def test_security_headers_on_every_response(self):
        for method, path in (("GET", "/api/v1/products"), ("GET", "/api/v1/nope"), ("GET", "/health/live"),
                             ("POST", "/api/v1/auth/login")):
            with self.subTest(path=path):
                r = request(self.gw.url, method, path, body={} if method == "POST" else None)
                self.assertEqual(r.header("X-Content-Type-Options"), "nosniff")
                self.assertEqual(r.header("Referrer-Policy"), "no-referrer")
                self.assertEqual(r.header("X-Frame-Options"), "DENY")
                self.assertEqual(r.header("Server"), "mercato")
        login = request(self.gw.url, "POST", "/api/v1/auth/login", body={})
        self.assertEqual(login.header("Cache-Control"), "no-store")

    def test_allowed_origin_gets_cors_headers(self):
        r = self.gw.get("/api/v1/products", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        self.assertEqual(r.header("Access-Control-Allow-Credentials"), "true")
        self.assertIn("Origin", r.header("Vary"))

    def test_other_origin_gets_no_cors_headers(self):
        r = self.gw.get("/api/v1/products", headers={"Origin": "https://evil.example"})
        self.assertEqual(r.status, 200)
        self.assertFalse([k for k, _ in r.headers if k.lower().startswith("access-control-")])

    def test_preflight_from_allowed_origin_is_204_cached_for_600s(self):
        r = request(self.gw.url, "OPTIONS", "/api/v1/products/x", headers={
            "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "PATCH",
            "Access-Control-Request-Headers": "authorization, content-type, if-match"})
        self.assertEqual(r.status, 204)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("Access-Control-Allow-Origin"), ALLOWED_ORIGIN)
        self.assertIn("PATCH", r.header("Access-Control-Allow-Methods"))
        for h in ("Authorization", "Content-Type", "If-Match"):
            self.assertIn(h, r.header("Access-Control-Allow-Headers"))
        self.assertEqual(r.header("Access-Control-Max-Age"), "600")

    def test_preflight_from_other_origin_is_403(self):
        r = request(self.gw.url, "OPTIONS", "/api/v1/products", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"})
        assert_envelope_error(self, r, 403, "forbidden")
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))

    def test_readiness_lists_each_upstream(self):
        r = self.gw.get("/health/ready")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["checks"], {"catalog": "up", "identity": "up", "redis": "up"})


class ForwardedFields(unittest.TestCase):
    """What the upstream receives, seen by a recording upstream."""

    def setUp(self):
        self.up = SocketUpstream("record")

    def tearDown(self):
        self.up.close()

    def test_hop_by_hop_fields_stay_behind_and_forwarding_fields_are_added(self):
        with gateway([self.up.port]) as gw:
            r = gw.get("/api/v1/products?q=a%20b", headers={
                "X-Request-ID": "e2e-42", "Connection": "keep-alive, X-Secret-Hop", "X-Secret-Hop": "1",
                "Keep-Alive": "timeout=5", "Proxy-Authorization": "Basic Zm9vOmJhcg==", "TE": "trailers",
                "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https"})
            self.assertEqual(r.status, 200)
            self.assertEqual(r.json(), {"success": True, "data": {"recorded": True}})
        head = self.up.requests[-1][0]
        self.assertTrue(head.startswith("GET /api/v1/products?q=a%20b HTTP/1.1\r\n"), head)
        got = self.up.request_headers()
        for hop in ("Keep-Alive", "X-Secret-Hop", "Proxy-Authorization", "TE"):
            self.assertIsNone(field(got, hop), f"{hop} was forwarded")
        self.assertNotIn("X-Secret-Hop", field(got, "Connection") or "")
        # Authorization is end-to-end too, but the gateway verifies a bearer token before
        # forwarding it (a bogus one is 401 here); the API contract test's writes through the
        # gateway prove a real token reaches the services.
        self.assertEqual(field(got, "X-Request-ID"), "e2e-42")
        # The test client is not a trusted proxy: what it claims is replaced by what is seen.
        self.assertEqual(field(got, "X-Forwarded-For"), "127.0.0.1")
        self.assertEqual(field(got, "X-Forwarded-Proto"), "http")
        # The upstream's own hop-by-hop fields do not reach the client; its end-to-end ones do.
        self.assertEqual(r.header("X-Upstream-End"), "kept")
        self.assertIsNone(r.header("X-Upstream-Hop"))
        self.assertIsNone(r.header("Keep-Alive"))
        self.assertEqual(r.header("X-Request-ID"), "e2e-42")

    def test_a_trusted_proxys_client_is_forwarded_as_the_one_address(self):
        # The services trust the gateway alone, so the address they read must be the client's,
        # not that of the proxy in front of the gateway; what left of it nobody vouches for.
        with gateway([self.up.port], TRUSTED_PROXIES="127.0.0.1") as gw:
            gw.get("/api/v1/products", headers={"X-Forwarded-For": "6.6.6.6, 198.51.100.7",
                                                "X-Forwarded-Proto": "https"})
        got = self.up.request_headers()
        self.assertEqual(field(got, "X-Forwarded-For"), "198.51.100.7")
        self.assertEqual(field(got, "X-Forwarded-Proto"), "https")

    def test_upstream_connections_come_from_the_source_address(self):
        with gateway([self.up.port], UPSTREAM_SOURCE_ADDRESS="127.0.0.4") as gw:
            self.assertEqual(gw.get("/api/v1/products").status, 200)
        self.assertEqual(set(self.up.peers), {"127.0.0.4"})

    def test_without_a_source_address_upstream_connections_come_from_the_kernels_choice(self):
        with gateway([self.up.port]) as gw:
            self.assertEqual(gw.get("/api/v1/products").status, 200)
        self.assertEqual(set(self.up.peers), {"127.0.0.1"})

    def test_body_and_method_are_forwarded(self):
        with gateway([self.up.port]) as gw:
            r = request(gw.url, "PATCH", "/api/v1/products/p1", body=b'{"price_cents":5}',
                        headers={"Content-Type": "application/json", "If-Match": '"3"'})
            self.assertEqual(r.status, 200)
        head, body = self.up.requests[-1]
        self.assertTrue(head.startswith("PATCH /api/v1/products/p1 HTTP/1.1"))
        self.assertEqual(body, b'{"price_cents":5}')
        self.assertEqual(field(self.up.request_headers(), "If-Match"), '"3"')

    def test_sequential_requests_reuse_one_upstream_connection(self):
        with gateway([self.up.port]) as gw:
            for _ in range(20):
                self.assertEqual(gw.get("/api/v1/products").status, 200)
        self.assertEqual(len(self.up.requests), 20)
        self.assertLessEqual(self.up.accepted, 2, "a new upstream connection per request")

    def test_configured_sunset_is_announced_on_that_version_only(self):
        sunset = "Wed, 31 Dec 2031 23:59:59 GMT"
        with gateway([self.up.port], API_V1_SUNSET=sunset) as gw:
            v1 = gw.get("/api/v1/products")
            v2 = gw.get("/api/v2/products")
        self.assertEqual(v1.header("Sunset"), sunset)
        self.assertRegex(v1.header("Deprecation"), r"^@\d+$")
        self.assertIsNone(v2.header("Sunset"))
        self.assertIsNone(v2.header("Deprecation"))


class UpstreamFailures(unittest.TestCase):
    def setUp(self):
        self.fakes = []

    def tearDown(self):
        for f in self.fakes:
            f.close()

    def upstream(self, mode, port=0):
        u = SocketUpstream(mode, port)
        self.fakes.append(u)
        return u

    def test_upstream_down_is_502_and_the_gateway_stays_ready(self):
        with gateway([free_port()]) as gw:
            assert_envelope_error(self, gw.get("/api/v1/products"), 502, "bad_gateway")
            ready = gw.get("/health/ready")
            self.assertEqual(ready.status, 200)
            self.assertEqual(ready.json()["checks"]["catalog"], "degraded")

    def test_hung_upstream_is_504_within_the_timeout(self):
        hung = self.upstream("hang")
        with gateway([hung.port], UPSTREAM_TIMEOUT="1s") as gw:
            start = time.time()
            r = gw.get("/api/v1/products")
            took = time.time() - start
        assert_envelope_error(self, r, 504, "gateway_timeout")
        self.assertGreaterEqual(took, 0.9)
        self.assertLess(took, 2.5)

    def test_breaker_opens_answers_503_at_once_then_readmits_the_instance_once_it_says_it_is_ready(self):
        dying = self.upstream("drop")
        with gateway([dying.port]) as gw:
            for i in range(5):
                assert_envelope_error(self, gw.get("/api/v1/products"), 502, "bad_gateway")
            self.assertEqual(len(api_requests(dying)), 5)
            start = time.time()
            r = gw.get("/api/v1/products")
            assert_envelope_error(self, r, 503, "service_unavailable")
            self.assertLess(time.time() - start, 0.2)
            self.assertTrue(r.header("Retry-After"))

            # While the breaker is open the gateway asks the instance whether it is ready; one
            # that cannot say so stays shut out.
            self.assertTrue(wait_until(lambda: len(probes(dying)) >= 2, timeout=10, interval=0.05),
                            "no readiness probe reached the shut-out instance")
            assert_envelope_error(self, gw.get("/api/v1/products"), 503, "service_unavailable")
            self.assertEqual(len(api_requests(dying)), 5, "an open breaker sent a request")

            # The instance comes back on the same port; its readiness answer readmits it, not
            # the end of the 5 s cool-down (then the first thing it got would be a request).
            port = dying.port
            dying.close()
            back = self.upstream("record", port)
            self.assertTrue(wait_until(lambda: gw.get("/api/v1/products").status == 200, timeout=10, interval=0.05))
            self.assertTrue(back.requests[0][0].startswith("GET /health/ready "), back.requests[0][0])
            for _ in range(3):
                self.assertEqual(gw.get("/api/v1/products").status, 200)
            self.assertEqual(len(api_requests(back)), 4)

    def test_get_is_retried_on_the_second_instance_when_the_first_is_dead(self):
        dying = self.upstream("drop")
        catalog = Service("catalog")
        try:
            with gateway([dying.port, catalog.port]) as gw:
                for i in range(4):
                    r = gw.get("/api/v1/products")
                    self.assertEqual(r.status, 200, r.body[:200])
                    self.assertIs(r.json()["success"], True)
            self.assertEqual(dying.accepted, 2, "the dead instance did not get its turns")
        finally:
            catalog.stop()

    def test_post_that_reached_a_dying_instance_is_not_retried(self):
        dying = self.upstream("drop")
        live = self.upstream("record")
        with gateway([dying.port, live.port]) as gw:
            statuses = sorted(request(gw.url, "POST", "/api/v1/products", body={"name": "x"}).status
                              for _ in range(4))
        self.assertEqual(statuses, [200, 200, 502, 502])
        self.assertEqual(len(dying.requests), 2)
        self.assertEqual(len(live.requests), 2, "a POST was sent a second time")

    def test_post_refused_at_connect_goes_to_the_other_instance(self):
        live = self.upstream("record")
        with gateway([free_port(), live.port]) as gw:
            for _ in range(4):
                self.assertEqual(request(gw.url, "POST", "/api/v1/products", body={"name": "x"}).status, 200)
        self.assertEqual(len(live.requests), 4)


class CorsForAnyOrigin(unittest.TestCase):
    """CORS_ORIGINS=* lets any site read public answers, but never with the user's cookies: an
    origin echoed together with Access-Control-Allow-Credentials would let any page call the
    API as the signed-in user (the refresh cookie rides along) and read the answer."""

    def test_star_answers_any_origin_with_a_wildcard_and_no_credentials(self):
        up = SocketUpstream("record")
        try:
            with gateway([up.port], CORS_ORIGINS="*") as gw:
                r = gw.get("/api/v1/products", headers={"Origin": "https://evil.example"})
                self.assertEqual(r.status, 200)
                self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
                self.assertIsNone(r.header("Access-Control-Allow-Credentials"))
                pre = request(gw.url, "OPTIONS", "/api/v1/auth/refresh", headers={
                    "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
                self.assertEqual(pre.status, 204)
                self.assertEqual(pre.header("Access-Control-Allow-Origin"), "*")
                self.assertIsNone(pre.header("Access-Control-Allow-Credentials"))
        finally:
            up.close()


if __name__ == "__main__":
    unittest.main()
