// The validator itself, without a running stack: right responses pass, and each way a
// response can break the contract is caught.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractValidator } from './validator.mjs';

const v = new ContractValidator();
const json = (status, body, headers = {}) => ({
  status,
  text: JSON.stringify(body),
  headers: { 'content-type': 'application/json', 'x-request-id': '0190c3a2-7d4e-7b3a-9c1d-2f6e8a4b5c6d', ...headers },
});

const product = {
  id: '0190c3a2-7d4e-7b3a-9c1d-2f6e8a4b5c6d',
  store_id: '00000000-0000-7000-8000-000000000001',
  category_id: null,
  category: null,
  name: 'Blue shirt',
  slug: 'blue-shirt-sh-1',
  sku: 'SH-1',
  description: '',
  price_cents: 2999,
  currency: 'EUR',
  status: 'active',
  stock: 3,
  attributes: { size: 'M', tags: ['a'] },
  images: [{ id: '0190c3a2-7d4e-7b3a-9c1d-2f6e8a4b5c6e', url: 'https://img.example/1.jpg', alt_text: '', position: 0 }],
  version: 1,
  created_at: '2025-01-02T03:04:05.123456Z',
  updated_at: '2025-01-02T03:04:05.123456Z',
  deleted_at: null,
};
const etag = { etag: '"0190c3a2-7d4e-7b3a-9c1d-2f6e8a4b5c6d.1"' };

describe('contract validator', () => {
  it('accepts_a_product_as_the_catalog_writes_it', () => {
    assert.deepEqual(v.problems('GET', '/api/v1/products/{id}', json(200, { success: true, data: product }, etag)), []);
  });

  it('accepts_a_documented_error_with_details', () => {
    const body = { success: false, error: { code: 'validation_failed', message: 'x', details: [{ field: 'sku', message: 'is required' }] } };
    assert.deepEqual(v.problems('POST', '/api/v1/products', json(422, body)), []);
  });

  it('catches_a_missing_field', () => {
    const { stock, ...rest } = product;
    const p = v.problems('GET', '/api/v1/products/{id}', json(200, { success: true, data: rest }, etag));
    assert.match(p.join('\n'), /stock/);
  });

  it('catches_a_field_the_document_does_not_know', () => {
    const p = v.problems('GET', '/api/v1/products/{id}', json(200, { success: true, data: { ...product, colour: 'blue' } }, etag));
    assert.match(p.join('\n'), /additional/);
  });

  it('catches_a_v1_field_in_a_v2_product', () => {
    const { price_cents, currency, ...rest } = product;
    const body = { success: true, data: [{ ...rest, price_cents }], meta: { limit: 20, next_cursor: null, has_more: false } };
    const p = v.problems('GET', '/api/v2/products', json(200, body));
    assert.ok(p.length > 0);
  });

  it('catches_an_undocumented_status', () => {
    const body = { success: false, error: { code: 'conflict', message: 'x' } };
    assert.match(v.problems('GET', '/api/v1/products', json(409, body)).join('\n'), /not documented/);
  });

  it('catches_an_error_code_that_belongs_to_another_status', () => {
    const body = { success: false, error: { code: 'forbidden', message: 'x' } };
    assert.ok(v.problems('GET', '/api/v1/products/{id}', json(404, body)).length > 0);
  });

  it('catches_a_missing_required_header', () => {
    const r = json(201, { success: true, data: product }, etag); // no Location
    assert.match(v.problems('POST', '/api/v1/products', r).join('\n'), /Location/);
    const noId = json(200, { success: true, data: product }, etag);
    delete noId.headers['x-request-id'];
    assert.match(v.problems('GET', '/api/v1/products/{id}', noId).join('\n'), /X-Request-ID/);
  });

  it('catches_a_body_on_a_204_and_a_wrong_media_type', () => {
    assert.ok(v.problems('DELETE', '/api/v1/products/{id}', { status: 204, text: '{}', headers: { 'x-request-id': 'a' } }).length > 0);
    const r = json(200, { success: true, data: product }, etag);
    r.headers['content-type'] = 'text/html';
    assert.match(v.problems('GET', '/api/v1/products/{id}', r).join('\n'), /Content-Type/);
  });

  it('catches_a_success_envelope_that_says_false', () => {
    assert.ok(v.problems('GET', '/api/v1/products/{id}', json(200, { success: false, data: product }, etag)).length > 0);
  });
});
