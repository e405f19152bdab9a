"""The `mix` bench's load (bench/wrk/mix.lua: product details with Zipf-like popularity, cached
list pages, deep v2 pages, searches, GET /auth/me, create → patch → delete chains) through the
cluster's public entry, for the rolling-restart test: wrk, paced at RATE requests a second.

The cluster suite's rate limit is low (RATE_LIMIT_PER_MINUTE 600, for its shared-budget test),
and wrk sends from one address, so every read goes as one of USERS viewers
(BENCH_MIX_AS_USERS): each user's budget, like separate people's, stays under the limit. The
request files are made from what the stack holds: the default store's live products (at least
MIN_PRODUCTS: more are made when missing), its v2 pages, search terms from their names."""

import os
import re
import signal
import subprocess
import tempfile
import uuid

import testkit
from cluster.support import PUBLIC_URL, admin_session
from integration.test_catalog_support import psql
from testkit import add_identity_user, request

MIX_LUA = os.path.join(testkit.REPO, "bench", "wrk", "mix.lua")
DEFAULT_STORE = "00000000-0000-7000-8000-000000000001"
MIN_PRODUCTS = 300


class MixLoad:
    def __init__(self, rate=120, users=24, connections=8):
        # Each user's share of the rate under 600 a minute (10 a second), with room for bursts.
        assert rate / users < 8, "too few users for the cluster suite's per-user rate limit"
        self.rate, self.users, self.connections = rate, users, connections
        self.dir = tempfile.mkdtemp(prefix="mercato-mix-")
        self.proc = None
        self.output = ""
        self._prepare()

    def _write(self, name, lines):
        lines = [line for line in lines if line]
        if not lines:
            raise AssertionError(f"mix load: nothing for {name}")
        with open(os.path.join(self.dir, name), "w") as f:
            f.write("\n".join(lines) + "\n")

    def _prepare(self):
        headers, _ = admin_session(DEFAULT_STORE)
        live = int(psql(f"SELECT count(*) FROM products WHERE store_id = '{DEFAULT_STORE}' "
                        "AND deleted_at IS NULL AND status = 'active'"))
        for i in range(max(0, MIN_PRODUCTS - live)):
            r = request(PUBLIC_URL, "POST", "/api/v1/products",
                        {"name": f"Mix lamp {uuid.uuid4().hex[:6]} oak", "sku": "MX-" + uuid.uuid4().hex[:12],
                         "price_cents": 1000 + i, "currency": "EUR", "status": "active", "stock": 5},
                        headers=headers, source=f"127.0.0.{60 + i % 40}")
            if r.status != 201:
                raise AssertionError(f"mix load: creating a product: {r.status} {r.body[:200]!r}")
        rows = psql(f"SELECT id, name, sku FROM products WHERE store_id = '{DEFAULT_STORE}' AND deleted_at IS NULL "
                    "AND status = 'active' ORDER BY md5(id::text)").splitlines()
        products = [row.split("|") for row in rows]
        self._write("details", [f"/api/v1/products/{pid}" for pid, _, _ in products])
        lists = []
        for sort in ("-created_at", "price", "-price", "name"):
            lists += [f"/api/v1/products?page={p}&per_page=20&sort={sort}" for p in (1, 2)]
            lists.append(f"/api/v2/products?limit=20&sort={sort}")
        self._write("lists", lists)
        words = {w.lower() for _, name, _ in products for w in name.split() if re.fullmatch(r"[A-Za-z]{3,}", w)}
        self._write("search_common", sorted(words))
        self._write("search_rare", [sku for _, _, sku in products[:200]])
        tokens = []
        for i in range(self.users):
            password = "pw-" + uuid.uuid4().hex
            email, _ = add_identity_user("mix", "viewer", password)
            r = request(PUBLIC_URL, "POST", "/api/v1/auth/login", {"email": email, "password": password},
                        source=f"127.0.0.{110 + i}")
            if r.status != 200:
                raise AssertionError(f"mix load: login: {r.status} {r.body[:200]!r}")
            tokens.append(r.json()["data"]["access_token"])
            testkit.record_secret("token", tokens[-1])
        self._write("tokens", tokens)
        # Cursors are signed for what their reader may see: a viewer's, as the mix reads them.
        deep, cursor = [], None
        for _ in range(5):
            r = request(PUBLIC_URL, "GET", "/api/v2/products?limit=20" + (f"&cursor={cursor}" if cursor else ""),
                        headers={"Authorization": f"Bearer {tokens[0]}"})
            cursor = r.json()["meta"].get("next_cursor") if r.status == 200 else None
            if not cursor:
                break
            deep.append(f"/api/v2/products?limit=20&cursor={cursor}")
        self._write("deep", deep)
        self.admin_token = headers["Authorization"].removeprefix("Bearer ")

    def __enter__(self):
        env = {**os.environ, "BENCH_MIX_DIR": self.dir, "BENCH_ADMIN_TOKEN": self.admin_token, "BENCH_SEED": "1",
               "BENCH_MIX_RATE": str(self.rate), "BENCH_MIX_AS_USERS": "1"}
        # Long enough for any restart sequence; stopped with SIGINT, after which wrk still
        # prints its report and mix.lua's counts.
        self.proc = subprocess.Popen(["wrk", "-t1", f"-c{self.connections}", "-d600s", "--timeout", "10s",
                                      "-s", MIX_LUA, PUBLIC_URL + "/"], env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.output, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.output, _ = self.proc.communicate()

    def requests(self):
        m = re.search(r"(\d+) requests in", self.output)
        return int(m.group(1)) if m else 0

    def failures(self):
        """What wrk saw fail: socket errors and answers other than 2xx, in words ([] if none)."""
        out = []
        m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", self.output)
        if m and any(int(n) for n in m.groups()):
            out.append(m.group(0))
        m = re.search(r"Non-2xx or 3xx responses: (\d+)", self.output)
        if m and int(m.group(1)):
            out.append(m.group(0))
        out += re.findall(r"mix: \d+ answers \d+: .*", self.output)
        return out

    def counts(self):
        m = re.search(r"mix: sent (.*)", self.output)
        return m.group(1) if m else "(no counts)"

    def latency(self):
        """mix.lua's own latency line (each answer timed once, from its slot, by the
        X-Request-ID the gateway echoes) as a dict of numbers: timed, untimed, p50_ms, …"""
        m = re.search(r"mix: latency (timed=.*)", self.output)
        if not m:
            return {}
        return {k: float(v) for k, v in (f.split("=", 1) for f in m.group(1).split()) if k != "from"}
