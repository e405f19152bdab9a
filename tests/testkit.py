"""Shared helpers for the black-box tests: they talk to real service processes over real
sockets, started from the binaries the build produced, against the test stack's PostgreSQL and
Redis. Only the Python standard library, so nothing extra to install."""

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter

REPO = os.environ.get("MERCATO_REPO", os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))
BIN_DIR = os.environ.get("MERCATO_BIN_DIR", os.path.join(REPO, "build", "release", "bin"))
CTL = os.environ.get("MERCATO_CTL", "")


def stack_env():
    """The variables that point a service at the test stack's dependencies."""
    env = {
        "DB_HOST": os.environ.get("DB_HOST", "127.0.0.1"),
        "DB_PORT": os.environ.get("DB_PORT", "25432"),
        "DB_USER": os.environ.get("DB_USER", "postgres"),
        "DB_PASSWORD": os.environ.get("DB_PASSWORD", ""),
        "REDIS_HOST": os.environ.get("REDIS_HOST", "127.0.0.1"),
        "REDIS_PORT": os.environ.get("REDIS_PORT", "26379"),
        "REDIS_PASSWORD": os.environ.get("REDIS_PASSWORD", ""),
        "MIGRATIONS_DIR": os.path.join(REPO, "migrations"),
        "OPENAPI_PATH": os.path.join(REPO, "api", "openapi.json"),
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "warn",
        "JWT_KEYS_DIR": os.environ.get("JWT_KEYS_DIR", os.path.join(REPO, ".var", "test", "keys")),
    }
    return env


def secret(name):
    """A credential of the stack under test (`secret("pg-mercato_catalog")`), from the files the
    driver generates in .var/<stack>/secrets (MERCATO_SECRETS_DIR)."""
    base = os.environ.get("MERCATO_SECRETS_DIR", os.path.join(REPO, ".var", "test", "secrets"))
    with open(os.path.join(base, f"{name}.password")) as f:
        return f.read().strip()


# Ports free_port() handed out in this process: never the same twice (two servers of one test
# asking for a port each must not get the same one).
_HANDED_OUT = set()


def _unclaimable_ports():
    """Loopback ports no outgoing connection can take: those outside the kernel's ephemeral range.

    A port bound to 0 comes from that range, and any connect() of this machine (a client of the
    stack, podman building an image) may take it before the test's server binds it, which for
    the container tests is minutes later (a CI run lost the kube play test so). Above the range,
    only a listener asking for that very port can."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low, high = (int(p) for p in f.read().split())
    above = range(high + 1, 65536)
    # Below the range (a kernel set so), start above the driver's stacks' fixed ports, which are
    # all below 30000 (scripts/stack.sh).
    return above if len(above) >= 1000 else range(30000, low)


def free_port():
    """A loopback port nothing listens on, outside the ephemeral range, new to this process."""
    candidates = _unclaimable_ports()
    for _ in range(1000):
        port = random.choice(candidates)
        if port in _HANDED_OUT:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _HANDED_OUT.add(port)
        return port
    raise AssertionError(f"no free loopback port in {candidates.start}-{candidates.stop - 1}")


def ctl(*args):
    """Stops or starts one component of the running test stack (`mercato _ctl test …`)."""
    if not CTL:
        raise AssertionError("MERCATO_CTL is not set: run the fault tests through ./mercato test")
    subprocess.run(CTL.split() + list(args), check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)


# Secrets a test run handled -------------------------------------------------------------------
# "No secrets in any signal": every password, token, refresh token and cookie the tests send or
# receive is appended to MERCATO_SECRETS_SEEN (set by ./mercato test: .var/test/secrets-seen.txt),
# and the last step of the run (scripts/secrets_grep.py) looks for each in every log, exported
# span and metric label of the stack. Recorded at the one place requests pass (request()), so a
# test does not have to remember; record_secret() is for the few created elsewhere. Shorter
# values than SECRET_MIN_LENGTH are not recorded: a short one ("wrong") would be found in
# unrelated text and fail the run for nothing.

SECRETS_SEEN = os.environ.get("MERCATO_SECRETS_SEEN", "")
SECRET_MIN_LENGTH = 10
# JSON fields whose name ends so (password, new_password, access_token, client_secret, …); not
# password_changed_at or token_type, which are not secrets.
_SECRET_FIELDS = ("password", "token", "secret", "cookie", "authorization", "api_key", "private_key")
_recorded = set()
_recorded_lock = threading.Lock()


def _test_name():
    """The test method that is running (for the report: which test made the secret)."""
    f = sys._getframe(1)
    while f is not None:
        if f.f_code.co_name.startswith(("test", "setUp")):
            return f"{os.path.basename(f.f_code.co_filename)}:{f.f_code.co_name}"
        f = f.f_back
    return "?"


def record_secret(kind, value):
    """Records one secret value of `kind` (password, access_token, refresh_token, cookie, …)."""
    if not SECRETS_SEEN or not isinstance(value, str) or len(value) < SECRET_MIN_LENGTH:
        return
    if "\n" in value or "\t" in value:
        for part in value.replace("\t", "\n").splitlines():
            record_secret(kind, part.strip())
        return
    with _recorded_lock:
        if value in _recorded:
            return
        _recorded.add(value)
        with open(SECRETS_SEEN, "a", encoding="utf-8") as f:
            f.write(f"{kind}\t{_test_name()}\t{value}\n")


def _record_fields(obj, depth=0):
    if depth > 8:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, str) and isinstance(k, str) and k.lower().endswith(_SECRET_FIELDS):
                record_secret(k.lower(), v)
            else:
                _record_fields(v, depth + 1)
    elif isinstance(obj, list):
        for v in obj:
            _record_fields(v, depth + 1)


def record_secrets_of(headers, body):
    """Records the secrets in one request's or answer's headers (a dict or (name, value) pairs)
    and JSON body: Authorization bearer tokens, cookie values, and every JSON field whose name
    says password, token or secret."""
    if not SECRETS_SEEN:
        return
    pairs = headers.items() if isinstance(headers, dict) else (headers or [])
    for name, value in pairs:
        n = str(name).lower()
        if n == "authorization" and isinstance(value, str):
            record_secret("authorization", value.split(" ", 1)[-1].strip())
        elif n in ("cookie", "set-cookie") and isinstance(value, str):
            cookies = value.split(";") if n == "cookie" else value.split(";", 1)[:1]
            for c in cookies:
                if "=" in c:
                    record_secret("cookie", c.split("=", 1)[1].strip().strip('"'))
    if isinstance(body, (bytes, bytearray)):
        if len(body) > 1 << 20 or not body[:1] in (b"{", b"["):
            return
        try:
            body = json.loads(body)
        except ValueError:
            return
    _record_fields(body)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def json(self):
        return json.loads(self.body)


def request(base_url, method, path, body=None, headers=None, timeout=10, source=None):
    """One request on a new connection. `source`: the local address to connect from (a test
    client that stands for a separate user binds 127.0.0.10 and up; see README, Ports).
    Every password, token and cookie it sends or receives is recorded (record_secrets_of)."""
    record_secrets_of(headers, body)
    u = urllib.parse.urlsplit(base_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout,
                                      source_address=(source, 0) if source else None)
    try:
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        h = dict(headers or {})
        if data is not None and "Content-Type" not in h:
            h["Content-Type"] = "application/json"
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        res = Response(r.status, r.getheaders(), r.read())
        record_secrets_of(res.headers, res.body)
        return res
    finally:
        conn.close()


def raw_exchange(port, payload, timeout=3.0):
    """Sends raw bytes and returns everything read until the server closes or `timeout`."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(payload)
        out = b""
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            out += chunk
        return out


class Service:
    """One service process on a free port; stopped (SIGTERM, then SIGKILL) by its pid."""

    def __init__(self, name, env=None, port=None, wait_ready=False):
        self.name = name
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # /metrics is served only on the internal listener, never on the API port.
        self.metrics_port = int((env or {}).get("METRICS_PORT") or free_port())
        self.metrics_url = f"http://127.0.0.1:{self.metrics_port}"
        full_env = dict(os.environ)
        full_env.update(stack_env())
        full_env.update({"HTTP_PORT": str(self.port), "HTTP_WORKERS": "2", "METRICS_PORT": str(self.metrics_port)})
        full_env.update(env or {})
        self.proc = subprocess.Popen([os.path.join(BIN_DIR, f"mercato-{name}")], env=full_env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.pid = self.proc.pid
        try:
            self._wait("/health/ready" if wait_ready else "/health/live")
        except BaseException:
            self.stop()  # a service that never became ready must not outlive the test that started it
            raise

    def _wait(self, path, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"{self.name} exited with {self.proc.returncode}: {self.proc.stderr.read().decode()}")
            try:
                if request(self.url, "GET", path, timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"{self.name} did not answer {path} within {timeout}s")

    def get(self, path, **kw):
        return request(self.url, "GET", path, **kw)

    def metrics(self):
        """The service's Prometheus text, from its internal listener."""
        r = request(self.metrics_url, "GET", "/metrics")
        if r.status != 200:
            raise AssertionError(f"{self.name} /metrics answered {r.status}")
        return r.body.decode()

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def stop(self, timeout=15):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run_binary(name, env, args=(), timeout=15):
    """Runs a service binary to completion (for --help and start-up failures)."""
    full_env = dict(os.environ)
    full_env.update(stack_env())
    full_env.update(env)
    return subprocess.run([os.path.join(BIN_DIR, f"mercato-{name}")] + list(args), env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def add_identity_user(prefix, role, password, env=None):
    """A user made with identity's real CLI (`mercato-identity user add`), email
    <prefix>-<role>-<random>@test.dev, in the stack's mercato_identity database (env, extra
    variables for the CLI, may name another DB_NAME): returns (email, the user's id)."""
    email = f"{prefix}-{role}-{uuid.uuid4().hex[:10]}@test.dev"
    full = {**os.environ, **stack_env(), "DB_NAME": "mercato_identity", "LOG_LEVEL": "warn", **(env or {})}
    r = subprocess.run([os.path.join(BIN_DIR, "mercato-identity"), "user", "add", "--email", email, "--role", role],
                       input=password + "\n", env=full, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return email, r.stdout.split()[1]


def read_until_closed(sock):
    """Every byte sock receives until the peer closes it (each wait bounded by sock's timeout)."""
    out = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return out
        out += chunk


def wait_until(predicate, timeout=30, interval=0.1):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    return last


class LoadLoop:
    """GETs `targets` ((base_url, path) pairs, taken in turn) from a few threads until the
    `with` block ends, tallying the statuses in `counts` ('error' for a failed connection: a
    service under a fault must never stop answering)."""

    def __init__(self, targets, headers=None, threads=4):
        self.targets, self.headers = list(targets), headers or {}
        self.counts = Counter()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, n):
        while not self.stop.is_set():
            url, path = self.targets[n % len(self.targets)]
            n += 1
            try:
                status = request(url, "GET", path, headers=self.headers, timeout=10).status
            except OSError:
                status = "error"
            with self.lock:
                self.counts[status] += 1

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()

    def snapshot(self):
        with self.lock:
            return Counter(self.counts)


# Prometheus of the stack under test (scripts/prometheus.sh) -------------------------------------

PROMETHEUS_URL = os.environ.get("MERCATO_PROMETHEUS_URL", "http://127.0.0.1:19090")
PROMETHEUS_SD_DIR = os.environ.get("MERCATO_PROMETHEUS_SD_DIR", os.path.join(REPO, ".var", "test", "prometheus", "targets"))


def prometheus_api(path, **params):
    """`data` of one Prometheus HTTP API answer (`prometheus_api("/api/v1/query", query="up")`)."""
    query = urllib.parse.urlencode(params)
    r = request(PROMETHEUS_URL, "GET", f"{path}?{query}" if query else path)
    if r.status != 200:
        raise AssertionError(f"Prometheus {path} answered {r.status}: {r.body[:300]!r}")
    body = r.json()
    if body.get("status") != "success":
        raise AssertionError(f"Prometheus {path}: {body}")
    return body["data"]


class prometheus_target:
    """Makes an instance a test started itself (a `Service`) a scrape target of the stack's
    Prometheus while the `with` block runs: a file-SD file beside the driver's, in the same form
    (labels service, instance, stack), written atomically and removed on exit."""

    def __init__(self, service, stack="test"):
        self.service = service
        self.instance = f"127.0.0.1:{service.port}"
        self.path = os.path.join(PROMETHEUS_SD_DIR, f"{service.name}-{service.port}.json")
        self.group = [{"targets": [f"127.0.0.1:{service.metrics_port}"],
                       "labels": {"service": service.name, "instance": self.instance, "stack": stack}}]

    def __enter__(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.group, f)
        os.replace(tmp, self.path)
        return self

    def __exit__(self, *exc):
        try:
            os.remove(self.path)
        except FileNotFoundError:
            pass


# Traces (scripts/otlp_receiver.py) ---------------------------------------------------------------

OTLP_URL = os.environ.get("MERCATO_OTLP_URL", "http://127.0.0.1:14318")
OTLP_SPANS = os.environ.get("MERCATO_OTLP_SPANS", os.path.join(REPO, ".var", "test", "otlp", "spans.jsonl"))


def read_spans(path, trace_id=None):
    """The spans a receiver wrote to `path` (and its rotated `.1`), of one trace or all."""
    out = []
    for p in (path + ".1", path):
        try:
            with open(p, encoding="utf-8") as f:
                for line in f:
                    if trace_id is None or trace_id in line:
                        s = json.loads(line)
                        if trace_id is None or s["trace_id"] == trace_id:
                            out.append(s)
        except FileNotFoundError:
            pass
    return out


class OtlpReceiver:
    """The stack's OTLP receiver program on a free port with a spans file of its own, for a
    test that needs a collector it can stop, slow down or inspect alone; stopped by its pid."""

    def __init__(self, directory, port=None, extra_args=()):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.spans_path = os.path.join(directory, "spans.jsonl")
        self.proc = subprocess.Popen([sys.executable, os.path.join(REPO, "scripts", "otlp_receiver.py"),
                                      "--port", str(self.port), "--out", directory, *extra_args],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ok = wait_until(lambda: self.proc.poll() is not None or self._healthy(), timeout=15, interval=0.05)
        if not ok or self.proc.poll() is not None:
            raise AssertionError(f"otlp receiver did not start: {self.proc.stderr.read().decode() if self.proc.poll() is not None else 'timeout'}")

    def _healthy(self):
        try:
            return request(self.url, "GET", "/health", timeout=1).status == 200
        except OSError:
            return False

    def control(self, **settings):
        r = request(self.url, "POST", "/control", settings)
        if r.status != 200:
            raise AssertionError(f"control answered {r.status}: {r.body!r}")
        return r.json()

    def spans(self, trace_id=None):
        return read_spans(self.spans_path, trace_id)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
