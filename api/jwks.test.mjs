// The public keys, read by a standard JOSE client: a Mercato access token verified with
// `jose` (createRemoteJWKSet + jwtVerify, EdDSA) against the running stack's gateway, at both
// documented locations of the JWK Set. A stock client only reads a plain RFC 7517 JWK Set
// (no envelope), and each key's kid is its RFC 7638 thumbprint.
//
//   MERCATO_GATEWAY_URL   the gateway (default http://127.0.0.1:18080, the test stack's)
//   MERCATO_E2E_EMAIL     an active user's email
//   MERCATO_E2E_PASSWORD  and password
//   MERCATO_JWKS_SOURCE_ADDRESS  the loopback address every request leaves from (default
//                        127.0.0.31: a rate-limit budget of its own, as the contract test has)
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { before, describe, it } from 'node:test';
import { calculateJwkThumbprint, createRemoteJWKSet, customFetch, decodeProtectedHeader, jwtVerify } from 'jose';
import { requesterFrom } from './request_from.mjs';

const BASE = (process.env.MERCATO_GATEWAY_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
const EMAIL = process.env.MERCATO_E2E_EMAIL;
const PASSWORD = process.env.MERCATO_E2E_PASSWORD;
const ISSUER = process.env.JWT_ISSUER || 'mercato-identity';
const AUDIENCE = process.env.JWT_AUDIENCE || 'mercato';
const PATHS = ['/.well-known/jwks.json', '/api/v1/.well-known/jwks.json'];
const SOURCE = process.env.MERCATO_JWKS_SOURCE_ADDRESS || '127.0.0.31';
assert.ok(isIP(SOURCE), `MERCATO_JWKS_SOURCE_ADDRESS=${SOURCE} is not an IP address`);

// A fetch-shaped function over it, used here and handed to jose (its customFetch hook).
const request = requesterFrom(SOURCE);
async function fetchFrom(url, options) {
  const r = await request(url, options);
  return new Response(r.body, { status: r.status, headers: r.headers });
}

describe('jwks: a standard JOSE client verifies Mercato tokens with the published keys', () => {
  const state = {};

  before(async () => {
    assert.ok(EMAIL && PASSWORD, 'set MERCATO_E2E_EMAIL and MERCATO_E2E_PASSWORD to an active account');
    const res = await fetchFrom(`${BASE}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD, refresh_token_delivery: 'body' }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    const body = await res.json();
    state.token = body.data.access_token;
    state.userId = body.data.user.id;
  });

  for (const path of PATHS) {
    it(`serves a plain RFC 7517 JWK Set with Cache-Control at ${path}`, async () => {
      const res = await fetchFrom(BASE + path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^application\/(jwk-set\+)?json/);
      assert.match(res.headers.get('cache-control') ?? '', /^public, max-age=\d+$/);
      const set = await res.json();
      assert.deepEqual(Object.keys(set), ['keys'], 'no envelope around the key set');
      assert.ok(set.keys.length >= 1);
      for (const jwk of set.keys) {
        assert.equal(jwk.kty, 'OKP');
        assert.equal(jwk.crv, 'Ed25519');
        assert.equal(jwk.d, undefined, 'never a private member');
        assert.equal(jwk.kid, await calculateJwkThumbprint(jwk, 'sha256'), 'kid is the RFC 7638 thumbprint');
      }
    });

    it(`verifies a Mercato access token with jose's remote JWK Set at ${path}`, async () => {
      const jwks = createRemoteJWKSet(new URL(BASE + path), { [customFetch]: (url, options) => fetchFrom(url, options) });
      const { payload, protectedHeader } = await jwtVerify(state.token, jwks, {
        algorithms: ['EdDSA'],
        issuer: ISSUER,
        audience: AUDIENCE,
      });
      assert.equal(protectedHeader.alg, 'EdDSA');
      assert.equal(protectedHeader.kid, decodeProtectedHeader(state.token).kid);
      assert.equal(payload.sub, state.userId);

      // One flipped character of the signature, and the same client refuses it.
      const [h, p, s] = state.token.split('.');
      const forged = `${h}.${p}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
      await assert.rejects(jwtVerify(forged, jwks, { algorithms: ['EdDSA'] }), { code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED' });
    });
  }
});
