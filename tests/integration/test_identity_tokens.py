"""Access tokens under attack, checked at GET /auth/me: every forged, altered, misaddressed,
expired or premature token is refused with the right code; and the public keys: JWKS content,
rotation keeping old tokens valid."""

import hashlib
import json
import os
import stat
import time
import unittest

from test_identity_support import Identity, b64url, b64url_decode, error_code, token_parts


class Attacks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()
        cls.email, cls.uid, cls.token, _ = cls.idp.session("viewer")

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def refused(self, token, code="invalid_token"):
        r = self.idp.me(token)
        self.assertEqual(r.status, 401, r.body)
        self.assertEqual(error_code(r), code)
        self.assertEqual(r.header("WWW-Authenticate"), 'Bearer error="invalid_token"')
        return r

    def forged(self, header=None, **claims):
        merged = {"sub": self.uid}
        merged.update(claims)
        return self.idp.sign(header or self.idp.header(), self.idp.claims(**merged))

    def test_our_own_signer_makes_tokens_identity_accepts(self):
        # The control for every forged token below: signed right, claims right → 200.
        self.assertEqual(self.idp.me(self.forged()).status, 200)

    def test_issued_token_names_eddsa_and_a_published_kid(self):
        header, claims, _ = token_parts(self.token)
        self.assertEqual(header["alg"], "EdDSA")
        self.assertEqual(header["typ"], "JWT")
        kids = [k["kid"] for k in self.idp.get("/api/v1/.well-known/jwks.json").json()["keys"]]
        self.assertIn(header["kid"], kids)
        for claim in ("iss", "aud", "sub", "role", "store", "iat", "exp", "jti"):
            self.assertIn(claim, claims)
        self.assertEqual(claims["exp"] - claims["iat"], 900)

    def test_alg_none_is_refused(self):
        header = b64url(json.dumps({"alg": "none", "typ": "JWT"}))
        payload = b64url(json.dumps(self.idp.claims(sub=self.uid, role="admin")))
        self.refused(f"{header}.{payload}.")
        self.refused(f"{header}.{payload}")
        header = b64url(json.dumps({"alg": "none", "kid": self.idp.current_kid()}))
        self.refused(f"{header}.{payload}.AAAA")

    def test_hs256_signed_with_the_public_key_is_refused(self):
        import hmac
        jwk = self.idp.get("/.well-known/jwks.json").json()["keys"][0]
        secret = b64url_decode(jwk["x"])
        signing_input = (b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": jwk["kid"]})) + "." +
                         b64url(json.dumps(self.idp.claims(sub=self.uid, role="admin"))))
        for key in (secret, jwk["x"].encode(), json.dumps(jwk).encode()):
            mac = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
            self.refused(signing_input + "." + b64url(mac))

    def test_other_algorithms_with_a_valid_eddsa_signature_are_refused(self):
        for alg in ("RS256", "ES256", "HS256", "eddsa"):
            self.refused(self.forged(self.idp.header(alg=alg)))

    def test_tampered_payload_is_refused(self):
        header, payload, sig = self.token.split(".")
        claims = json.loads(b64url_decode(payload))
        claims["role"] = "admin"
        self.refused(f"{header}.{b64url(json.dumps(claims))}.{sig}")

    def test_tampered_signature_is_refused(self):
        header, payload, sig = self.token.split(".")
        raw = bytearray(b64url_decode(sig))
        raw[10] ^= 0x01
        self.refused(f"{header}.{payload}.{b64url(bytes(raw))}")

    def test_unknown_kid_is_refused(self):
        self.refused(self.forged(self.idp.header(kid="not-a-key-we-have")))
        self.refused(self.forged({"alg": "EdDSA", "typ": "JWT"}))

    def test_expired_is_token_expired_and_premature_is_invalid(self):
        now = int(time.time())
        self.refused(self.forged(iat=now - 3600, exp=now - 1800), code="token_expired")
        self.refused(self.forged(nbf=now + 600))
        self.refused(self.forged(iat=now + 600, exp=now + 1200))

    def test_small_clock_skew_is_tolerated(self):
        now = int(time.time())
        self.assertEqual(self.idp.me(self.forged(iat=now - 600, exp=now - 5)).status, 200)
        self.assertEqual(self.idp.me(self.forged(nbf=now + 10)).status, 200)

    def test_wrong_issuer_or_audience_is_refused(self):
        self.refused(self.forged(iss="someone-else"))
        self.refused(self.forged(aud="another-app"))
        self.assertEqual(self.idp.me(self.forged(aud=["another-app", "mercato"])).status, 200)

    def test_missing_or_malformed_claims_are_refused(self):
        for missing in ("sub", "role", "store", "exp", "iat"):
            with self.subTest(missing=missing):
                self.refused(self.forged(**{missing: None}))
        self.refused(self.forged(role="superuser"))
        self.refused(self.forged(exp="tomorrow"))

    def test_truncated_garbage_and_wrong_schemes_are_refused(self):
        for bad in (self.token[:-20], self.token + "x", self.token.replace(".", "", 1), "garbage",
                    "a.b.c", "..", "x" * 5000):
            with self.subTest(token=bad[:30]):
                self.refused(bad)
        for header in ("Basic dXNlcjpwYXNz", "Bearer", "Token " + self.token):
            r = self.idp.get("/api/v1/auth/me", headers={"Authorization": header})
            self.assertEqual((r.status, error_code(r)), (401, "invalid_token"), header)

    def test_a_token_of_a_deleted_user_is_refused(self):
        _, uid, token, _ = self.idp.session("viewer")
        _, _, admin, _ = self.idp.session("admin")
        self.assertEqual(self.idp.call("DELETE", f"/api/v1/users/{uid}", token=admin).status, 204)
        self.refused(token)


class Expiry(unittest.TestCase):
    def test_a_token_past_its_lifetime_is_token_expired(self):
        idp = Identity(env={"JWT_ACCESS_TTL": "1s", "JWT_CLOCK_SKEW": "0"})
        try:
            _, _, token, _ = idp.session("viewer")
            time.sleep(2.1)
            r = idp.me(token)
            self.assertEqual((r.status, error_code(r)), (401, "token_expired"))
        finally:
            idp.stop()


class Keys(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.idp = Identity()

    @classmethod
    def tearDownClass(cls):
        cls.idp.stop()

    def test_key_files_are_private(self):
        mode = stat.S_IMODE(os.stat(self.idp.keys_dir).st_mode)
        self.assertEqual(mode, 0o700)
        files = self.idp.signing_key_files()
        self.assertTrue(files)
        for f in files:
            self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.idp.keys_dir, f)).st_mode), 0o600)

    def test_jwks_publishes_ed25519_keys_with_thumbprint_kids(self):
        r = self.idp.get("/api/v1/.well-known/jwks.json")
        self.assertEqual(r.status, 200)
        # A plain RFC 7517 JWK Set, not the envelope: stock JOSE clients read it.
        self.assertEqual(r.header("Content-Type"), "application/jwk-set+json")
        self.assertEqual(list(r.json()), ["keys"])
        keys = r.json()["keys"]
        self.assertTrue(keys)
        for k in keys:
            self.assertEqual({k2: k[k2] for k2 in ("kty", "crv", "use", "alg")},
                             {"kty": "OKP", "crv": "Ed25519", "use": "sig", "alg": "EdDSA"})
            self.assertEqual(len(b64url_decode(k["x"])), 32)
            self.assertNotIn("d", k)
            canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": k["x"]}, separators=(",", ":"))
            self.assertEqual(k["kid"], b64url(hashlib.sha256(canonical.encode()).digest()))  # RFC 7638
        plain = self.idp.get("/.well-known/jwks.json")
        self.assertEqual(plain.json(), {"keys": keys})
        for answer in (r, plain):
            self.assertEqual(answer.header("Cache-Control"), "public, max-age=60")

    def test_rotation_signs_with_the_new_key_and_old_tokens_stay_valid(self):
        email, _, old_token, _ = self.idp.session("viewer")
        old_kid = token_parts(old_token)[0]["kid"]
        r = self.idp.cli("keys", "rotate")
        self.assertEqual(r.returncode, 0, r.stderr)
        new_kid = r.stdout.strip()
        self.assertNotEqual(new_kid, old_kid)

        def published():
            return [k["kid"] for k in self.idp.get("/api/v1/.well-known/jwks.json").json()["keys"]]

        deadline = time.time() + 10
        while new_kid not in published() and time.time() < deadline:
            time.sleep(0.2)
        self.assertIn(new_kid, published())
        self.assertIn(old_kid, published())
        # The retiring key says when its last token expires (access TTL + skew after the new
        # key was made), so verifiers drop it then even if they cannot refetch; the signing
        # key has no end.
        by_kid = {k["kid"]: k for k in self.idp.get("/.well-known/jwks.json").json()["keys"]}
        self.assertNotIn("exp", by_kid[new_kid])
        self.assertTrue(time.time() + 900 < by_kid[old_kid]["exp"] <= time.time() + 900 + 30 + 2, by_kid[old_kid])
        new_token = self.idp.login(email).json()["data"]["access_token"]
        self.assertEqual(token_parts(new_token)[0]["kid"], new_kid)
        self.assertEqual(self.idp.me(old_token).status, 200)
        self.assertEqual(self.idp.me(new_token).status, 200)
        listing = self.idp.cli("keys", "list").stdout
        self.assertIn(new_kid + " ", listing)
        self.assertIn("signing", listing)
        self.assertIn("verifying", listing)

    def test_a_rotation_activated_later_is_published_first_and_signs_only_from_then(self):
        # What a Kubernetes rollout of the keys' Secret needs: every pod and every verifier
        # knows the new key before any token is signed with it (docs/kubernetes.md).
        email, _, _, _ = self.idp.session("viewer")
        bad = self.idp.cli("keys", "rotate", "--activate-in", "soon")
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--activate-in takes a duration", bad.stderr)
        r = self.idp.cli("keys", "rotate", "--activate-in", "6s")
        self.assertEqual(r.returncode, 0, r.stderr)
        new_kid = r.stdout.strip()
        activates = time.time() + 6

        def published():
            return [k["kid"] for k in self.idp.get("/api/v1/.well-known/jwks.json").json()["keys"]]

        deadline = time.time() + 4
        while new_kid not in published() and time.time() < deadline:
            time.sleep(0.2)
        self.assertIn(new_kid, published(), "published at once")
        self.assertLess(time.time(), activates - 1, "too slow to tell (the key is due)")
        early = self.idp.login(email).json()["data"]["access_token"]
        self.assertNotEqual(token_parts(early)[0]["kid"], new_kid, "a key still to come signed")
        self.assertRegex(self.idp.cli("keys", "list").stdout, new_kid + r"\s+\S+\s+pending")

        time.sleep(max(0.0, activates - time.time()) + 2.5)  # its time, and identity's 2 s reload
        late = self.idp.login(email).json()["data"]["access_token"]
        self.assertEqual(token_parts(late)[0]["kid"], new_kid)
        self.assertEqual(self.idp.me(early).status, 200)
        self.assertEqual(self.idp.me(late).status, 200)


if __name__ == "__main__":
    unittest.main()
