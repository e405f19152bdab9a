"""What the cluster tests share: the topology the driver started (scripts/cluster.sh exports it
as MERCATO_PUBLIC_URL and MERCATO_INSTANCES), a logged-in admin, and a load that records every
answer and every acknowledged write."""

import os
import threading
import time
import uuid

from integration.test_catalog_support import new_store, psql
from testkit import add_identity_user, ctl, request

PUBLIC_URL = os.environ.get("MERCATO_PUBLIC_URL", "")


class Instance:
    def __init__(self, spec):
        self.name, self.url, self.metrics_url, self.pidfile = spec.split("=", 3)
        self.kind = self.name.removesuffix("-2")

    def pid(self):
        try:
            with open(self.pidfile) as f:
                return int(f.read().strip())
        except (OSError, ValueError):
            return None

    def ready(self):
        try:
            return request(self.url, "GET", "/health/ready", timeout=2).status == 200
        except OSError:
            return False


def instances():
    """Every service instance of the running cluster, by name (gateway, gateway-2, …)."""
    if os.environ.get("MERCATO_TOPOLOGY") != "cluster":
        raise AssertionError("the cluster tests run against the cluster topology: ./mercato test starts it "
                             "(scripts/cluster.sh cluster_suite)")
    return {i.name: i for i in map(Instance, os.environ["MERCATO_INSTANCES"].split())}


def wait_ready(inst, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if inst.ready():
            return
        time.sleep(0.1)
    raise AssertionError(f"{inst.name} did not become ready within {timeout} s")


def ensure_running():
    """Starts any instance a previous test left stopped (a kill -9 test), and waits until every
    one is ready, so each test class starts from the whole cluster."""
    for inst in instances().values():
        if not inst.ready():
            ctl(f"svc:{inst.name}", "start")
            wait_ready(inst)
    # HAProxy takes an instance back after two passed checks, 500 ms apart.
    time.sleep(1.2)


def admin_session(store=None):
    """An admin of the stack's identity, logged in through the public entry: (headers, store),
    the store a new one unless given."""
    password = "pw-" + uuid.uuid4().hex
    email, _ = add_identity_user("cluster", "admin", password)
    r = request(PUBLIC_URL, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    if r.status != 200:
        raise AssertionError(f"login through {PUBLIC_URL}: {r.status} {r.body[:300]!r}")
    store = store or new_store()
    return {"Authorization": "Bearer " + r.json()["data"]["access_token"], "X-Store-ID": store}, store


OK = {200, 201, 204, 304}


class Load:
    """Writers create and re-price products, readers read them back, a list page and a search,
    through the public entry until stopped. Every answer is recorded; a write is acknowledged
    only by its 2xx. `answers` holds (method, path, status, detail), status None for no answer.

    Each writer is an admin of its own and each reader an anonymous client on an address of its
    own (127.0.0.30 and up), paced under the stack's per-client rate limit (RATE_LIMIT_PER_MINUTE
    of the cluster suite: 600), as separate users are: a 429 here would be a failure."""

    PACE_S = 0.12  # ≈ 8 requests a second per client, under 600 a minute

    def __init__(self, store, writers=3, readers=5, base_url=PUBLIC_URL):
        self.store, self.base_url = store, base_url
        self.writer_headers = [admin_session(store)[0] for _ in range(writers)]
        self.lock = threading.Lock()
        self.acked = {}  # id → (name, price_cents) the last acknowledged write left
        self.answers = []
        self.wrong = []
        self.stop_event = threading.Event()
        self.threads = [threading.Thread(target=self._writer, args=(w,), daemon=True) for w in range(writers)]
        self.threads += [threading.Thread(target=self._reader, args=(k,), daemon=True) for k in range(readers)]

    def _call(self, method, path, body=None, headers=None, source=None):
        try:
            r = request(self.base_url, method, path, body=body, headers=headers, timeout=10, source=source)
        except OSError as e:
            with self.lock:
                self.answers.append((method, path, None, repr(e)))
            return None
        with self.lock:
            self.answers.append((method, path, r.status, "" if r.status in OK else r.body[:200]))
        return r

    def _writer(self, w):
        i, headers = 0, self.writer_headers[w]
        while not self.stop_event.is_set():
            i += 1
            with self.lock:
                mine = [pid for pid in self.acked if hash(pid) % 3 == w % 3]
            if i % 3 == 0 and mine:
                pid = mine[i % len(mine)]
                price = 100 + i
                r = self._call("PATCH", f"/api/v1/products/{pid}", {"price_cents": price}, headers)
                with self.lock:
                    if r is not None and r.status == 200:
                        self.acked[pid] = (self.acked[pid][0], price)
                    elif r is None or r.status >= 500:
                        # Applied or not: nobody can tell (its connection broke, or the
                        # instance died holding it). Its product must still exist.
                        self.acked[pid] = (self.acked[pid][0], None)
            else:
                name = f"Cluster {uuid.uuid4().hex[:12]}"
                r = self._call("POST", "/api/v1/products",
                               {"name": name, "sku": "CL-" + uuid.uuid4().hex[:12], "price_cents": 500,
                                "currency": "EUR", "status": "active", "stock": 1}, headers)
                if r is not None and r.status == 201:
                    with self.lock:
                        self.acked[r.json()["data"]["id"]] = (name, 500)
            time.sleep(self.PACE_S)

    def _reader(self, k):
        i, headers, source = k, {"X-Store-ID": self.store}, f"127.0.0.{30 + k}"
        while not self.stop_event.is_set():
            i += 1
            with self.lock:
                items = list(self.acked.items())
            if not items:
                time.sleep(0.01)
                continue
            if i % 5 == 0:
                self._call("GET", "/api/v1/products?per_page=20", headers=headers, source=source)
            elif i % 5 == 1:
                self._call("GET", "/api/v1/products?q=cluster&per_page=10", headers=headers, source=source)
            else:
                pid, (name, _) = items[(i * 7919) % len(items)]
                r = self._call("GET", f"/api/v1/products/{pid}", headers=headers, source=source)
                if r is not None and r.status == 200 and r.json()["data"]["name"] != name:
                    with self.lock:
                        self.wrong.append((pid, "another product's bytes"))
            time.sleep(self.PACE_S)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for t in self.threads:
            t.join(30)

    def failures(self):
        with self.lock:
            return [a for a in self.answers if a[2] not in OK]

    def count(self):
        with self.lock:
            return len(self.answers)


def lost_writes(store, acked):
    """Acknowledged writes PostgreSQL does not hold as acknowledged: [(id, sent, stored)]."""
    rows = psql(f"SELECT id, name, price_cents FROM products WHERE store_id = '{store}' AND deleted_at IS NULL")
    stored = {}
    for line in rows.splitlines():
        pid, name, price = line.split("|")
        stored[pid] = (name, int(price))
    def kept(pid, want):
        got = stored.get(pid)
        return got is not None and got[0] == want[0] and (want[1] is None or got[1] == want[1])

    return [(pid, want, stored.get(pid)) for pid, want in acked.items() if not kept(pid, want)]
