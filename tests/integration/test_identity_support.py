"""Helpers for identity's black-box tests (no tests here; the name only fits the suite's
pattern). Each test module gets a database of its own (so "the last admin" means what the test
made) and a key directory of its own (so rotating keys touches nobody else), both removed at
the end. Users are made with the real CLI, tokens obtained by logging in.

Forged tokens: `sign()` signs any header and claims with one of the service's own keys (read
from its key directory, signed by the openssl CLI), so a test can give identity a token whose
signature is perfect and whose claims are wrong — the check under test is then the only thing
that can refuse it."""

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid

from testkit import BIN_DIR, Service, request, stack_env

PASSWORD = "correct horse battery staple"


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def unique_email(tag="user"):
    return f"{tag}-{uuid.uuid4().hex[:12]}@example.com"


def token_parts(token):
    h, p, s = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p)), s


def _db_cmd(tool, name):
    env = stack_env()
    subprocess.run([tool, "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"], name], check=True,
                   capture_output=True, timeout=60)


def psql(db, sql):
    env = stack_env()
    r = subprocess.run(["psql", "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"], "-d", db,
                        "-XAtq", "-v", "ON_ERROR_STOP=1"], input=sql, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr}\n{sql}")
    return r.stdout.strip()


def metric(svc, name, labels=None):
    body = svc.metrics()
    want = name + ("{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}" if labels else "")
    for line in body.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return 0.0


class Identity:
    """One identity service on its own database and key directory."""

    def __init__(self, env=None, db=None, keys_dir=None):
        self.owns_db = db is None
        self.db = db or "identity_test_" + uuid.uuid4().hex[:10]
        self.owns_keys = keys_dir is None
        self.keys_dir = keys_dir or tempfile.mkdtemp(prefix="identity-keys-")
        if self.owns_keys:
            os.rmdir(self.keys_dir)  # identity creates it itself, with mode 0700
        if self.owns_db:
            _db_cmd("createdb", self.db)
        self.env = {"DB_NAME": self.db, "JWT_KEYS_DIR": self.keys_dir, "LOG_LEVEL": "error"}
        self.env.update(env or {})
        self.svc = Service("identity", env=self.env, wait_ready=True)
        self.url = self.svc.url

    def sibling(self, env):
        """Another identity process on the same database and keys, with settings of its own."""
        merged = dict(self.env)
        merged.update(env)
        return Identity(env=merged, db=self.db, keys_dir=self.keys_dir)

    def stop(self):
        self.svc.stop()
        if self.owns_db:
            _db_cmd("dropdb", self.db)
        if self.owns_keys:
            shutil.rmtree(self.keys_dir, ignore_errors=True)

    # --- the binary's commands ---

    def cli(self, *args, stdin=""):
        full_env = dict(os.environ)
        full_env.update(stack_env())
        full_env.update(self.env)
        return subprocess.run([os.path.join(BIN_DIR, "mercato-identity")] + list(args), env=full_env, input=stdin,
                              capture_output=True, text=True, timeout=60)

    def add_user(self, role="viewer", email=None, password=PASSWORD, name=None):
        email = email or unique_email(role)
        args = ["user", "add", "--email", email, "--role", role] + (["--name", name] if name else [])
        r = self.cli(*args, stdin=password + "\n")
        if r.returncode != 0:
            raise AssertionError(f"user add failed ({r.returncode}): {r.stderr}")
        return email, r.stdout.split()[1]

    # --- HTTP ---

    def call(self, method, path, body=None, token=None, headers=None, raw=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = "Bearer " + token
        if raw is not None:
            return request(self.url, method, path, body=raw, headers=h)
        return request(self.url, method, path, body=body, headers=h)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def login(self, email, password=PASSWORD, headers=None):
        return self.call("POST", "/api/v1/auth/login", {"email": email, "password": password}, headers=headers)

    def session(self, role="viewer", headers=None):
        """A new user of `role`, logged in: (email, user id, access token, refresh token)."""
        email, uid = self.add_user(role)
        r = self.login(email, headers=headers)
        if r.status != 200:
            raise AssertionError(f"login failed: {r.status} {r.body!r}")
        data = r.json()["data"]
        return email, uid, data["access_token"], data["refresh_token"]

    def refresh(self, token, headers=None):
        return self.call("POST", "/api/v1/auth/refresh", {"refresh_token": token}, headers=headers)

    def me(self, token):
        return self.get("/api/v1/auth/me", token=token)

    # --- keys ---

    def signing_key_files(self):
        return sorted(f for f in os.listdir(self.keys_dir) if f.endswith(".jwk"))

    def sign(self, header, claims, kid=None):
        """A compact JWS over `header`/`claims` (dicts or raw strings) signed by one of the
        service's own Ed25519 keys (the newest unless `kid`)."""
        keys = []
        for f in self.signing_key_files():
            with open(os.path.join(self.keys_dir, f)) as fh:
                keys.append(json.load(fh))
        keys.sort(key=lambda k: k["created_ms"])
        key = next(k for k in keys if k["kid"] == kid) if kid else keys[-1]
        if isinstance(header, dict):
            header = json.dumps(header, separators=(",", ":"))
        if isinstance(claims, dict):
            claims = json.dumps(claims, separators=(",", ":"))
        signing_input = b64url(header) + "." + b64url(claims)
        work = tempfile.mkdtemp(prefix="identity-sign-")
        try:
            # PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410), which openssl reads as DER.
            der = bytes.fromhex("302e020100300506032b657004220420") + b64url_decode(key["d"])
            with open(os.path.join(work, "key.der"), "wb") as f:
                f.write(der)
            with open(os.path.join(work, "msg"), "wb") as f:
                f.write(signing_input.encode())
            sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-keyform", "DER", "-inkey",
                                  os.path.join(work, "key.der"), "-rawin", "-in", os.path.join(work, "msg")],
                                 check=True, capture_output=True).stdout
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return signing_input + "." + b64url(sig)

    def claims(self, **overrides):
        """Claims identity would issue for a made-up user, with `overrides` (None removes one)."""
        now = int(time.time())
        c = {"iss": "mercato-identity", "aud": "mercato", "sub": str(uuid.uuid4()), "role": "viewer",
             "store": "00000000-0000-7000-8000-000000000001", "iat": now, "exp": now + 600}
        for k, v in overrides.items():
            if v is None:
                c.pop(k, None)
            else:
                c[k] = v
        return c

    def header(self, **overrides):
        h = {"alg": "EdDSA", "typ": "JWT", "kid": self.current_kid()}
        h.update(overrides)
        return h

    def current_kid(self):
        keys = []
        for f in self.signing_key_files():
            with open(os.path.join(self.keys_dir, f)) as fh:
                keys.append(json.load(fh))
        return max(keys, key=lambda k: k["created_ms"])["kid"]


def error_code(response):
    return response.json()["error"]["code"]
