"""Helpers shared by the catalog's black-box tests (named test_catalog_* to sit with them; it holds no tests): a token issuer, scratch stores, SQL access.

Tokens: the catalog verifies Ed25519 JWTs against the JWKS it fetches from
USER_SERVICE_HOST:USER_SERVICE_PORT. TokenIssuer plays that part — a key pair made with the
openssl CLI and a JWKS endpoint on a local port — so the catalog's real verification path
(signature, issuer, audience, expiry, role) is what the tests exercise; nothing in the service
is bypassed. (Once identity's login is in every stack, tests can log in there instead.)"""

import base64
import http.server
import json
import os
import subprocess
import tempfile
import threading
import time
import uuid

from testkit import stack_env


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenIssuer:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="catalog-keys-")
        self.key = os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", self.key], check=True,
                       capture_output=True)
        der = subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout", "-outform", "DER"], check=True,
                             capture_output=True).stdout
        self.kid = "test-" + uuid.uuid4().hex[:8]
        jwks = json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": b64url(der[-32:]), "kid": self.kid,
                                     "use": "sig", "alg": "EdDSA"}]}).encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(jwks)))
                self.end_headers()
                self.wfile.write(jwks)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def env(self):
        return {"USER_SERVICE_HOST": "127.0.0.1", "USER_SERVICE_PORT": str(self.port)}

    def token(self, role="editor", store="00000000-0000-7000-8000-000000000001", sub=None, ttl=600,
              issuer="mercato-identity"):
        now = int(time.time())
        iat = min(now, now + ttl - 60)  # an expired token was also issued in the past
        header = b64url(json.dumps({"alg": "EdDSA", "typ": "JWT", "kid": self.kid}).encode())
        claims = {"iss": issuer, "aud": "mercato", "sub": sub or str(uuid.uuid4()), "role": role, "store": store,
                  "iat": iat, "exp": now + ttl}
        signing_input = header + "." + b64url(json.dumps(claims).encode())
        msg = os.path.join(self.dir, "msg")
        with open(msg, "wb") as f:
            f.write(signing_input.encode())
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", self.key, "-rawin", "-in", msg], check=True,
                             capture_output=True).stdout
        return signing_input + "." + b64url(sig)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def psql(sql, db="mercato_catalog"):
    env = stack_env()
    r = subprocess.run(["psql", "-h", env["DB_HOST"], "-p", env["DB_PORT"], "-U", env["DB_USER"], "-d", db,
                        "-XAtq", "-v", "ON_ERROR_STOP=1"], input=sql, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise AssertionError(f"psql failed: {r.stderr}\n{sql}")
    return r.stdout.strip()


def new_store():
    """A store of its own, so a test module's counts and lists see only its own rows."""
    sid = str(uuid.uuid4())
    psql(f"INSERT INTO stores (id, slug, name) VALUES ('{sid}', 'test-{sid[:8]}', 'Test store')")
    return sid


def store_fingerprint(store):
    """Everything a failed request must leave untouched."""
    return psql(f"""SELECT (SELECT count(*) FROM products WHERE store_id = '{store}') || '/' ||
                           (SELECT coalesce(max(version), 0) FROM products WHERE store_id = '{store}') || '/' ||
                           (SELECT count(*) FROM categories WHERE store_id = '{store}') || '/' ||
                           (SELECT count(*) FROM audit_log WHERE store_id = '{store}')""")


def metric(svc, name, labels):
    """The value of one sample of the service's /metrics."""
    body = svc.get("/metrics").body.decode()
    want = name + "{" + ",".join(f'{k}="{v}"' for k, v in labels.items()) + "}"
    for line in body.splitlines():
        if line.startswith(want + " "):
            return float(line.split()[-1])
    return 0.0
