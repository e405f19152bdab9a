// Contract test: every operation of openapi.json exercised against the running stack, and
// every real response — success and error — checked against the document (status
// documented, required headers, media type, body schema). What it creates through the API
// it deletes again.
//
//   MERCATO_GATEWAY_URL   the gateway (default http://127.0.0.1:18080, the test stack's)
//   MERCATO_E2E_EMAIL     an active admin's email
//   MERCATO_E2E_PASSWORD  and password
//   MERCATO_CONTRACT_SOURCE_ADDRESS  the loopback address every request leaves from
//                         (default 127.0.0.30)
//
// An unreachable gateway or missing credentials fail the run: a contract test that skips
// proves nothing.
//
// The run has a rate-limit budget of its own: its anonymous requests come from their own
// address (the gateway counts anonymous clients by address) and the others carry its own
// admin's token (counted by user), so no other suite spends it. A 429 is therefore a failure
// like any other unexpected status, never something to wait out.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { jsonPath } from './scripts/openapi_json.mjs';
import { requesterFrom } from './request_from.mjs';
import { ContractValidator } from './validator.mjs';

const BASE = (process.env.MERCATO_GATEWAY_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
const EMAIL = process.env.MERCATO_E2E_EMAIL;
const PASSWORD = process.env.MERCATO_E2E_PASSWORD;
const REQUEST_TIMEOUT_MS = 10_000;
const SOURCE = process.env.MERCATO_CONTRACT_SOURCE_ADDRESS || '127.0.0.30';
assert.ok(isIP(SOURCE), `MERCATO_CONTRACT_SOURCE_ADDRESS=${SOURCE} is not an IP address`);

const request = requesterFrom(SOURCE, REQUEST_TIMEOUT_MS);
async function send(url, options) {
  const r = await request(url, options);
  return { status: r.status, headers: r.headers, text: r.body.toString('utf8') };
}

const validator = new ContractValidator();
const run = randomUUID().slice(0, 8); // keeps names of this run apart from any other's

/** The path of `template` with its `{id}` filled in. */
const fill = (template, params = {}) => template.replace(/\{(\w+)\}/g, (_, k) => encodeURIComponent(params[k]));

/**
 * Sends one request and checks the answer against the document. Returns
 * {status, headers, text, body (parsed JSON or undefined)}. `expect`: the status (or list)
 * this step wants — a documented but unexpected status fails the step too.
 */
async function call(method, template, { params, query, body, raw, contentType, token, headers = {}, expect } = {}) {
  const url = new URL(BASE + fill(template, params));
  for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, String(v));
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined) h['Content-Type'] = contentType ?? 'application/json';

  const got = await send(url, { method, headers: h, body: payload });
  const problems = validator.problems(method, template, got);
  assert.deepEqual(problems, [], `${method} ${url.pathname}${url.search}: the response breaks the contract`);
  let parsed;
  if ((got.headers.get('content-type') ?? '').includes('json') && got.text) parsed = JSON.parse(got.text);
  const wanted = expect === undefined ? undefined : Array.isArray(expect) ? expect : [expect];
  if (got.status === 429 && !wanted?.includes(429))
    assert.fail(`${method} ${url.pathname}${url.search}: 429, the contract run's own rate-limit budget (address ${SOURCE}, its admin) is spent: ${got.text.slice(0, 400)}`);
  if (wanted) assert.ok(wanted.includes(got.status), `${method} ${url.pathname}${url.search}: status ${got.status}, wanted ${wanted.join(' or ')}: ${got.text.slice(0, 400)}`);
  return { ...got, body: parsed };
}

const errorCode = (r) => r.body?.error?.code;

describe('contract: responses of the running stack match api/openapi.yaml', () => {
  const state = { cleanup: [] };

  before(async () => {
    try {
      await send(`${BASE}/health/live`);
    } catch (e) {
      throw new Error(`the gateway at ${BASE} is unreachable from ${SOURCE} (${e.code ?? e.message}); start the stack or set MERCATO_GATEWAY_URL`);
    }
    assert.ok(EMAIL && PASSWORD, 'set MERCATO_E2E_EMAIL and MERCATO_E2E_PASSWORD to an active admin account');
  });

  after(async () => {
    // Whatever a failed step left behind, newest first (products before their category).
    for (const undo of state.cleanup.reverse()) {
      try {
        await undo();
      } catch {
        // best effort: the failure that matters was reported by its own step
      }
    }
  });

  describe('operations', () => {
    it('health_live_and_ready_answer_their_documented_shapes', async () => {
      const live = await call('GET', '/health/live', { expect: 200 });
      assert.equal(live.body.status, 'up');
      await call('GET', '/health/ready', { expect: [200, 503] });
    });

    it('metrics_are_not_served_on_the_api_port', async () => {
      // Internal only (each service's METRICS_PORT): here /metrics is an unknown path.
      const res = await fetch(`${BASE}/metrics`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const body = await res.json();
      assert.equal(res.status, 404);
      assert.deepEqual(validator.errorsAt('#/components/schemas/ErrorEnvelope', body), []);
      assert.equal(body.error.code, 'not_found');
    });

    it('the_gateway_serves_this_document_with_an_etag_and_304', async () => {
      const doc = await call('GET', '/api/openapi.json', { expect: 200 });
      assert.deepEqual(doc.body, JSON.parse(readFileSync(jsonPath, 'utf8')), 'the served document is not api/openapi.json');
      const etag = doc.headers.get('etag');
      const again = await call('GET', '/api/openapi.json', { headers: { 'If-None-Match': etag }, expect: 304 });
      assert.equal(again.text, '');
    });

    it('request_id_is_echoed_and_unknown_routes_and_methods_get_the_envelope', async () => {
      const id = `contract-${run}`;
      const r = await call('GET', '/health/live', { headers: { 'X-Request-ID': id }, expect: 200 });
      assert.equal(r.headers.get('x-request-id'), id);

      // Not operations of the document, so checked against the envelope schema directly.
      for (const [method, path, status, code] of [
        ['GET', '/api/v1/no-such-thing', 404, 'not_found'],
        ['PUT', '/api/v1/products', 405, 'method_not_allowed'],
      ]) {
        const res = await send(BASE + path, { method });
        const body = JSON.parse(res.text);
        assert.equal(res.status, status);
        assert.deepEqual(validator.errorsAt('#/components/schemas/ErrorEnvelope', body), []);
        assert.equal(body.error.code, code);
        assert.ok(res.headers.get('x-request-id'));
        if (status === 405) assert.ok(res.headers.get('allow'), '405 without Allow');
      }
    });
  });

  describe('rum', () => {
    it('web_vitals_reports_are_accepted_and_bad_ones_refused', async () => {
      await call('POST', '/api/v1/rum', {
        body: { page: '/products', metrics: [{ name: 'LCP', value: 900, rating: 'good', id: 'v4-1', navigation_type: 'navigate' }] },
        expect: 204,
      });
      await call('POST', '/api/v1/rum', { body: { metrics: [{ name: 'FID', value: 1 }] }, expect: 422 });
    });

    it('browser_error_reports_are_accepted_and_bad_ones_refused', async () => {
      await call('POST', '/api/v1/rum/errors', {
        body: {
          page: '/products',
          errors: [
            { kind: 'js', message: 'TypeError: x is undefined', stack: 'at f (http://h/a.js:1:2)', source: 'http://h/a.js', line: 1, column: 2 },
            { kind: 'fetch', message: 'GET /api/v1/products failed: 503 service_unavailable', method: 'GET', url: '/api/v1/products',
              status: 503, request_id: `contract-${run}`, trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' },
          ],
        },
        expect: 204,
      });
      await call('POST', '/api/v1/rum/errors', { body: { errors: [{ kind: 'warning', message: 'm', extra: 1 }] }, expect: 422 });
      await call('POST', '/api/v1/rum/errors', { body: { errors: [{ kind: 'js', message: 'm'.repeat(400) }].concat(
        Array.from({ length: 90 }, () => ({ kind: 'js', message: 'm'.repeat(400) }))) }, expect: 413 });
    });
  });

  describe('auth', () => {
    it('login_refuses_bad_input_and_wrong_credentials', async () => {
      // An address that does not exist, so the failure counts against no real account.
      const nobody = `nobody-${run}@example.com`;
      const wrong = await call('POST', '/api/v1/auth/login', { body: { email: nobody, password: 'wrong-password-123' }, expect: 401 });
      assert.equal(errorCode(wrong), 'invalid_credentials');
      assert.equal(errorCode(await call('POST', '/api/v1/auth/login', { body: { email: 1, passwrod: 'x' }, expect: 422 })), 'validation_failed');
      assert.equal(errorCode(await call('POST', '/api/v1/auth/login', { raw: '{"email":', expect: 400 })), 'bad_request');
      assert.equal(errorCode(await call('POST', '/api/v1/auth/login', { raw: 'email=a', contentType: 'text/plain', expect: 415 })), 'unsupported_media_type');
    });

    it('login_returns_a_session_and_the_user', async () => {
      const r = await call('POST', '/api/v1/auth/login', { body: { email: EMAIL, password: PASSWORD }, expect: 200 });
      assert.equal(r.body.data.user.role, 'admin', 'MERCATO_E2E_EMAIL must be an admin');
      assert.match(r.headers.get('set-cookie') ?? '', /refresh_token=.+HttpOnly/i);
      state.admin = r.body.data.access_token;
      state.refresh = r.body.data.refresh_token;
      state.adminId = r.body.data.user.id;
    });

    it('me_needs_a_valid_token', async () => {
      const me = await call('GET', '/api/v1/auth/me', { token: state.admin, expect: 200 });
      assert.equal(me.body.data.id, state.adminId);
      assert.equal(errorCode(await call('GET', '/api/v1/auth/me', { expect: 401 })), 'auth_required');
      assert.equal(errorCode(await call('GET', '/api/v1/auth/me', { token: 'abc.def.ghi', expect: 401 })), 'invalid_token');
    });

    it('refresh_rotates_the_token_and_refuses_none_or_garbage', async () => {
      const r = await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: state.refresh }, expect: 200 });
      assert.notEqual(r.body.data.refresh_token, state.refresh);
      state.refresh = r.body.data.refresh_token;
      assert.equal(errorCode(await call('POST', '/api/v1/auth/refresh', { expect: 401 })), 'auth_required');
      assert.equal(errorCode(await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: `garbage-${run}` }, expect: 401 })), 'invalid_token');
      assert.equal(errorCode(await call('POST', '/api/v1/auth/refresh', { body: { token: 'x' }, expect: 422 })), 'validation_failed');
    });

    it('jwks_lists_ed25519_keys_as_a_plain_jwk_set_at_both_locations', async () => {
      for (const path of ['/api/v1/.well-known/jwks.json', '/.well-known/jwks.json']) {
        const r = await call('GET', path, { expect: 200 });
        assert.ok(r.body.keys.length >= 1);
      }
    });
  });

  describe('users', () => {
    it('admin_lists_users_with_offset_meta', async () => {
      const r = await call('GET', '/api/v1/users', { token: state.admin, query: { page: 1, per_page: 5 }, expect: 200 });
      assert.equal(r.body.meta.per_page, 5);
      await call('GET', '/api/v1/users', { token: state.admin, query: { per_page: 101 }, expect: 422 });
      await call('GET', '/api/v1/users', { expect: 401 });
    });

    it('admin_creates_changes_and_deletes_a_user', async () => {
      const email = `contract-${run}@example.com`;
      const password = `Contract-${run}-pass`;
      const created = await call('POST', '/api/v1/users', { token: state.admin, body: { email, password, role: 'editor', name: 'Contract editor' }, expect: 201 });
      const id = created.body.data.id;
      assert.equal(created.headers.get('location'), `/api/v1/users/${id}`);
      state.cleanup.push(() => call('DELETE', '/api/v1/users/{id}', { params: { id }, token: state.admin }));

      assert.equal(errorCode(await call('POST', '/api/v1/users', { token: state.admin, body: { email, password, role: 'editor' }, expect: 409 })), 'conflict');
      const bad = await call('POST', '/api/v1/users', { token: state.admin, body: { email: 'no', password: 'short', role: 'boss', extra: 1 }, expect: 422 });
      assert.ok(bad.body.error.details.some((d) => d.field === 'extra'));

      // The editor may not manage users.
      const login = await call('POST', '/api/v1/auth/login', { body: { email, password }, expect: 200 });
      state.editor = login.body.data.access_token;
      assert.equal(errorCode(await call('GET', '/api/v1/users', { token: state.editor, expect: 403 })), 'forbidden');
      await call('POST', '/api/v1/auth/logout', { body: { refresh_token: login.body.data.refresh_token }, expect: 204 });

      const changed = await call('PATCH', '/api/v1/users/{id}', { params: { id }, token: state.admin, body: { name: 'Renamed' }, expect: 200 });
      assert.equal(changed.body.data.name, 'Renamed');
      await call('PATCH', '/api/v1/users/{id}', { params: { id }, token: state.admin, body: {}, expect: 422 });
      await call('PATCH', '/api/v1/users/{id}', { params: { id: randomUUID() }, token: state.admin, body: { name: 'x' }, expect: 404 });

      await call('DELETE', '/api/v1/users/{id}', { params: { id }, token: state.admin, expect: 204 });
      await call('DELETE', '/api/v1/users/{id}', { params: { id }, token: state.admin, expect: 404 });
    });
  });

  describe('catalog', () => {
    it('categories_are_created_read_changed_with_if_match', async () => {
      await call('GET', '/api/v1/categories', { expect: 200 });
      await call('GET', '/api/v1/categories', { query: { per_page: 101 }, expect: 422 });
      await call('POST', '/api/v1/categories', { body: { name: 'x' }, expect: 401 });

      const name = `Contract ${run}`;
      const c = await call('POST', '/api/v1/categories', { token: state.admin, body: { name, description: 'made by the contract test' }, expect: 201 });
      state.category = c.body.data;
      state.cleanup.push(() => call('DELETE', '/api/v1/categories/{id}', { params: { id: state.category.id }, token: state.admin }));
      assert.equal(c.headers.get('location'), `/api/v1/categories/${state.category.id}`);
      assert.equal(errorCode(await call('POST', '/api/v1/categories', { token: state.admin, body: { name }, expect: 409 })), 'conflict');
      await call('POST', '/api/v1/categories', { token: state.admin, body: { name: '', colour: 'red' }, expect: 422 });
      await call('POST', '/api/v1/categories', { token: state.admin, raw: 'name=x', contentType: 'text/plain', expect: 415 });

      const got = await call('GET', '/api/v1/categories/{id}', { params: { id: state.category.id }, expect: 200 });
      const etag = got.headers.get('etag');
      await call('GET', '/api/v1/categories/{id}', { params: { id: state.category.id }, headers: { 'If-None-Match': etag }, expect: 304 });
      const list = await call('GET', '/api/v1/categories', { expect: 200 });
      await call('GET', '/api/v1/categories', { headers: { 'If-None-Match': list.headers.get('etag') }, expect: 304 });
      const patched = await call('PATCH', '/api/v1/categories/{id}', {
        params: { id: state.category.id }, token: state.admin, headers: { 'If-Match': etag }, body: { description: 'changed' }, expect: 200,
      });
      assert.notEqual(patched.headers.get('etag'), etag);
      assert.equal(errorCode(await call('PATCH', '/api/v1/categories/{id}', {
        params: { id: state.category.id }, token: state.admin, headers: { 'If-Match': etag }, body: { description: 'stale' }, expect: 412,
      })), 'precondition_failed');
      assert.equal(errorCode(await call('PATCH', '/api/v1/categories/{id}', {
        params: { id: state.category.id }, token: state.admin, headers: { 'If-Match': 'not-quoted' }, body: { description: 'x' }, expect: 400,
      })), 'bad_request');
      state.categoryEtag = patched.headers.get('etag');
      await call('GET', '/api/v1/categories/{id}', { params: { id: randomUUID() }, expect: 404 });
    });

    it('products_are_created_and_listed_in_v1_and_v2', async () => {
      const category_id = state.category.id;
      const make = (n) => ({
        name: `Contract product ${n} ${run}`,
        sku: `CT-${run}-${n}`,
        price_cents: 1000 + n,
        currency: 'EUR',
        status: 'active',
        stock: n,
        category_id,
        attributes: { size: 'M', tags: ['contract'], n },
        images: [{ url: `https://img.example/${run}/${n}.jpg`, alt_text: `picture ${n}` }],
      });
      state.products = [];
      for (const n of [1, 2]) {
        const r = await call('POST', '/api/v1/products', { token: state.admin, body: make(n), expect: 201 });
        state.products.push(r.body.data);
        const id = r.body.data.id;
        assert.equal(r.headers.get('location'), `/api/v1/products/${id}`);
        state.cleanup.push(() => call('DELETE', '/api/v1/products/{id}', { params: { id }, token: state.admin }));
      }
      assert.equal(errorCode(await call('POST', '/api/v1/products', { token: state.admin, body: make(1), expect: 409 })), 'conflict');
      const bad = await call('POST', '/api/v1/products', { token: state.admin, body: { name: '', price_cents: -1, currency: 'euro', prise: 1 }, expect: 422 });
      assert.ok(bad.body.error.details.some((d) => d.field === 'prise'));
      await call('POST', '/api/v1/products', { body: make(3), expect: 401 });
      await call('POST', '/api/v1/products', { token: state.admin, raw: '{"name":', expect: 400 });

      const v1 = await call('GET', '/api/v1/products', { query: { category_id, sort: 'price', per_page: 1, page: 1 }, expect: 200 });
      assert.equal(v1.body.data.length, 1);
      assert.equal(v1.body.meta.total_items, 2);
      await call('GET', '/api/v1/products', { query: { category_id, sort: 'price', per_page: 1, page: 1 }, headers: { 'If-None-Match': v1.headers.get('etag') }, expect: 304 });
      for (const query of [{ per_page: 101 }, { sort: 'cheapest' }, { q: 'ab' }, { page: 0 }, { colour: 'red' }])
        assert.equal(errorCode(await call('GET', '/api/v1/products', { query, expect: 422 })), 'validation_failed');
      await call('GET', '/api/v1/products', { headers: { 'X-Store-ID': 'not-a-uuid' }, expect: 400 });

      const first = await call('GET', '/api/v2/products', { query: { category_id, limit: 1 }, expect: 200 });
      assert.equal(first.body.meta.has_more, true);
      await call('GET', '/api/v2/products', { query: { category_id, limit: 1 }, headers: { 'If-None-Match': first.headers.get('etag') }, expect: 304 });
      const second = await call('GET', '/api/v2/products', { query: { category_id, limit: 1, cursor: first.body.meta.next_cursor }, expect: 200 });
      assert.notEqual(second.body.data[0].id, first.body.data[0].id);
      assert.equal(second.body.meta.has_more, false);
      assert.equal(second.body.meta.next_cursor, null);
      await call('GET', '/api/v2/products', { query: { cursor: 'bm90LWEtY3Vyc29y' }, expect: 400 });
      await call('GET', '/api/v2/products', { query: { limit: 101 }, expect: 422 });
    });

    it('products_are_read_changed_deleted_and_restored', async () => {
      const id = state.products[0].id;
      const got = await call('GET', '/api/v1/products/{id}', { params: { id }, expect: 200 });
      const etag = got.headers.get('etag');
      await call('GET', '/api/v1/products/{id}', { params: { id }, headers: { 'If-None-Match': etag }, expect: 304 });
      await call('GET', '/api/v1/products/{id}', { params: { id: randomUUID() }, expect: 404 });
      await call('GET', '/api/v1/products/{id}', { params: { id: 'not-a-uuid' }, expect: 404 });

      const patched = await call('PATCH', '/api/v1/products/{id}', { params: { id }, token: state.admin, headers: { 'If-Match': etag }, body: { price_cents: 1999, stock: 7 }, expect: 200 });
      assert.equal(patched.body.data.version, got.body.data.version + 1);
      assert.equal(errorCode(await call('PATCH', '/api/v1/products/{id}', { params: { id }, token: state.admin, headers: { 'If-Match': etag }, body: { stock: 1 }, expect: 412 })), 'precondition_failed');
      await call('PATCH', '/api/v1/products/{id}', { params: { id }, token: state.admin, body: {}, expect: 422 });
      await call('PATCH', '/api/v1/products/{id}', { params: { id }, token: state.admin, raw: 'stock=1', contentType: 'text/plain', expect: 415 });
      await call('PATCH', '/api/v1/products/{id}', { params: { id: randomUUID() }, token: state.admin, body: { stock: 1 }, expect: 404 });

      // A category that holds live products cannot go.
      assert.equal(errorCode(await call('DELETE', '/api/v1/categories/{id}', { params: { id: state.category.id }, token: state.admin, expect: 409 })), 'conflict');

      await call('DELETE', '/api/v1/products/{id}', { params: { id }, token: state.admin, headers: { 'If-Match': etag }, expect: 412 });
      await call('DELETE', '/api/v1/products/{id}', { params: { id }, token: state.admin, headers: { 'If-Match': patched.headers.get('etag') }, expect: 204 });
      await call('GET', '/api/v1/products/{id}', { params: { id }, expect: 404 });
      await call('DELETE', '/api/v1/products/{id}', { params: { id }, token: state.admin, expect: 404 });
      await call('DELETE', '/api/v1/products/{id}', { params: { id }, expect: 401 });

      const restored = await call('POST', '/api/v1/products/{id}/restore', { params: { id }, token: state.admin, expect: 200 });
      assert.equal(restored.body.data.deleted_at, null);
      assert.equal(errorCode(await call('POST', '/api/v1/products/{id}/restore', { params: { id }, token: state.admin, expect: 409 })), 'conflict');
      await call('POST', '/api/v1/products/{id}/restore', { params: { id: randomUUID() }, token: state.admin, expect: 404 });

      // Bulk: every item answered in one 200; a body problem is a 422; a filter is a job (202).
      const bulk = await call('POST', '/api/v1/products/bulk', { token: state.admin, body: { action: 'archive', items: [{ id }, { id: randomUUID() }] }, expect: 200 });
      assert.deepEqual(bulk.body.data.items.map((i) => i.status), [200, 404]);
      await call('POST', '/api/v1/products/bulk', { token: state.admin, body: { action: 'archive', items: [] }, expect: 422 });
      await call('POST', '/api/v1/products/bulk', { body: { action: 'archive', items: [{ id }] }, expect: 401 });
      const job = await call('POST', '/api/v1/products/bulk', { token: state.admin, body: { action: 'archive', filter: { category_id: randomUUID() } }, expect: 202 });
      await call('GET', '/api/v1/jobs/{id}', { params: { id: job.body.data.id }, token: state.admin, expect: 200 });
      await call('GET', '/api/v1/jobs/{id}', { params: { id: randomUUID() }, token: state.admin, expect: 404 });
      await call('GET', '/api/v1/jobs/{id}', { params: { id: job.body.data.id }, expect: 401 });
    });

    it('the_audit_trail_lists_a_products_writes_newest_first_in_keyset_pages', async () => {
      const entity_id = state.products[0].id;
      // Reads may go to a replica: this write's position makes it wait for the write's rows.
      const written = await call('PATCH', '/api/v1/products/{id}', { params: { id: entity_id }, token: state.admin, body: { stock: 3 }, expect: 200 });
      const headers = { 'Mercato-Read-After': written.headers.get('mercato-read-after') };
      const all = await call('GET', '/api/v1/audit', { token: state.admin, headers, query: { entity_id }, expect: 200 });
      // Newest first: this PATCH, the bulk archive above (a bulk item's audit action is the
      // single write's), the restore, the delete, the earlier PATCH, the create.
      assert.deepEqual(all.body.data.map((r) => r.action),
        ['product.update', 'product.update', 'product.restore', 'product.delete', 'product.update', 'product.create']);
      assert.equal(all.body.data[1].after.status, 'archived');
      assert.equal(all.body.data[5].before, null);
      assert.equal(all.body.data[0].after.stock, 3);
      const first = await call('GET', '/api/v1/audit', { token: state.admin, headers, query: { entity_id, limit: 1 }, expect: 200 });
      assert.equal(first.body.meta.has_more, true);
      const second = await call('GET', '/api/v1/audit', { token: state.admin, headers, query: { entity_id, limit: 1, cursor: first.body.meta.next_cursor }, expect: 200 });
      assert.equal(second.body.data[0].id, all.body.data[1].id);
      await call('GET', '/api/v1/audit', { token: state.admin, query: { cursor: 'bm90LWEtY3Vyc29y' }, expect: 400 });
      for (const query of [{ limit: 201 }, { since: 'yesterday' }, { entity_type: 'product' }, { colour: 'red' }])
        assert.equal(errorCode(await call('GET', '/api/v1/audit', { token: state.admin, query, expect: 422 })), 'validation_failed');
      await call('GET', '/api/v1/audit', { expect: 401 });
    });

    it('a_csv_import_is_uploaded_in_parts_checked_run_and_its_errors_reported', async () => {
      const sku = `CT-IMP-${run}`;
      const csv = 'sku,name,price_cents,currency,status\n' + `${sku},"Imported, by the contract test",1250,EUR,active\n` + 'bad sku,,12.5,EUR,sold\n';
      const created = await call('POST', '/api/v1/imports', { token: state.admin, body: { filename: 'contract.csv', mapping: 'auto' }, expect: 201 });
      const id = created.body.data.id;
      await call('POST', '/api/v1/imports', { token: state.admin, body: { filename: '', mapping: 'xml' }, expect: 422 });
      await call('POST', '/api/v1/imports', { body: { filename: 'x.csv' }, expect: 401 });
      const cut = csv.indexOf('by the');  // inside a quoted field: the next part completes it
      await call('PUT', '/api/v1/imports/{id}/parts/{n}', { params: { id, n: 1 }, token: state.admin, raw: csv.slice(0, cut), contentType: 'text/csv', expect: 200 });
      await call('PUT', '/api/v1/imports/{id}/parts/{n}', { params: { id, n: 3 }, token: state.admin, raw: 'x', contentType: 'text/csv', expect: 409 });
      await call('PUT', '/api/v1/imports/{id}/parts/{n}', { params: { id, n: 2 }, token: state.admin, raw: 'x', contentType: 'application/json', expect: 415 });
      await call('PUT', '/api/v1/imports/{id}/parts/{n}', { params: { id, n: 2 }, token: state.admin, raw: csv.slice(cut), contentType: 'text/csv', expect: 200 });
      const checked = await call('POST', '/api/v1/imports/{id}/finish', { params: { id }, token: state.admin, expect: 200 });
      assert.deepEqual([checked.body.data.state, checked.body.data.rows, checked.body.data.valid, checked.body.data.errors], ['validated', 2, 1, 1]);
      await call('POST', '/api/v1/imports/{id}/finish', { params: { id }, token: state.admin, expect: 409 });
      const page = await call('GET', '/api/v1/imports/{id}/errors', { params: { id }, token: state.admin, query: { limit: 2 }, expect: 200 });
      assert.equal(page.body.meta.has_more, true);
      const rest = await call('GET', '/api/v1/imports/{id}/errors', { params: { id }, token: state.admin, query: { cursor: page.body.meta.next_cursor }, expect: 200 });
      const errors = [...page.body.data, ...rest.body.data];
      assert.deepEqual(errors.map((e) => `${e.line} ${e.field}`).sort(), ['3 name', '3 price_cents', '3 sku', '3 status']);
      await call('GET', '/api/v1/imports/{id}/errors', { params: { id }, token: state.admin, query: { limit: 0 }, expect: 422 });
      const report = await call('GET', '/api/v1/imports/{id}/errors.csv', { params: { id }, token: state.admin, expect: 200 });
      assert.match(report.text, /^line,field,message\r\n3,/);
      const started = await call('POST', '/api/v1/imports/{id}/run', { params: { id }, token: state.admin, expect: 202 });
      await call('POST', '/api/v1/imports/{id}/run', { params: { id }, token: state.admin, expect: 409 });
      let summary = started;
      for (let i = 0; i < 100 && summary.body.data.state === 'importing'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        summary = await call('GET', '/api/v1/imports/{id}', { params: { id }, token: state.admin, expect: 200 });
      }
      assert.equal(summary.body.data.state, 'succeeded');
      await call('GET', '/api/v1/jobs/{id}', { params: { id: summary.body.data.job_id }, token: state.admin, expect: 200 });
      await call('GET', '/api/v1/imports/{id}', { params: { id: randomUUID() }, token: state.admin, expect: 404 });
      await call('GET', '/api/v1/imports/{id}', { params: { id }, expect: 401 });
      // The CSV export of a list filter: the import's native columns, streamed.
      const exported = await call('GET', '/api/v1/products/export', { token: state.admin, query: { status: 'active' }, expect: 200 });
      assert.match(exported.text, /^id,sku,name,slug,description,price_cents,currency,status,stock,category_id,attributes,images,updated_at\r\n/);
      await call('GET', '/api/v1/products/export', { query: { per_page: 5 }, expect: 422 });
      // The imported product goes with the others (reads may lag behind on a replica).
      let found;
      for (let i = 0; i < 50 && !found; i++) {
        const list = await call('GET', '/api/v1/products', { token: state.admin, query: { q: sku }, expect: 200 });
        found = list.body.data.find((p) => p.sku === sku);
        if (!found) await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(found, `the imported product ${sku} is listed`);
      assert.equal(found.name, 'Imported, by the contract test');
      state.products.push(found);
    });

    it('cleanup_deletes_what_the_test_made', async () => {
      for (const p of state.products) await call('DELETE', '/api/v1/products/{id}', { params: { id: p.id }, token: state.admin, expect: 204 });
      await call('DELETE', '/api/v1/categories/{id}', { params: { id: state.category.id }, token: state.admin, headers: { 'If-Match': state.categoryEtag }, expect: 204 });
      await call('GET', '/api/v1/categories/{id}', { params: { id: state.category.id }, expect: 404 });
      state.cleanup = [];
    });
  });

  describe('operations view', () => {
    it('admins_read_panels_alerts_and_slow_requests_and_others_are_refused', async () => {
      const series = await call('GET', '/api/v1/admin/ops/series', { query: { panel: 'rate,latency_p99', range: 300 }, token: state.admin, expect: 200 });
      assert.deepEqual(series.body.data.panels.map((p) => p.name), ['rate', 'latency_p99']);
      assert.equal(errorCode(await call('GET', '/api/v1/admin/ops/series', { query: { panel: 'up' }, token: state.admin, expect: 422 })), 'validation_failed');
      assert.equal(errorCode(await call('GET', '/api/v1/admin/ops/series', { query: { panel: 'rate' }, expect: 401 })), 'auth_required');
      await call('GET', '/api/v1/admin/ops/alerts', { token: state.admin, expect: 200 });
      await call('GET', '/api/v1/admin/ops/alerts', { expect: 401 });
      const slow = await call('GET', '/api/v1/admin/ops/slow-requests', { token: state.admin, expect: 200 });
      assert.ok(slow.body.data.length > 0, 'this run made requests, so some are listed');
      await call('GET', '/api/v1/admin/ops/slow-requests', { query: { limit: 5 }, token: state.admin, expect: 422 });
    });
  });

  describe('session end', () => {
    it('logout_revokes_the_refresh_token_and_is_idempotent', async () => {
      const r = await call('POST', '/api/v1/auth/logout', { body: { refresh_token: state.refresh }, expect: 204 });
      assert.match(r.headers.get('set-cookie') ?? '', /Max-Age=0/);
      await call('POST', '/api/v1/auth/logout', { expect: 204 });
      await call('POST', '/api/v1/auth/refresh', { body: { refresh_token: state.refresh }, expect: 401 });
    });
  });

  describe('coverage', () => {
    it('every_documented_operation_was_exercised', () => {
      assert.deepEqual(validator.unexercised(), [], 'operations of openapi.yaml that no step called: add a step for each');
    });
  });
});
