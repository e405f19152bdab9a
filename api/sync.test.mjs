// openapi.json is generated from openapi.yaml and committed (the gateway serves it): neither
// may be edited without the other.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { jsonPath, renderJson } from './scripts/openapi_json.mjs';

test('openapi_json_is_in_sync_with_openapi_yaml', () => {
  const committed = readFileSync(jsonPath, 'utf8');
  assert.ok(
    committed === renderJson(),
    'api/openapi.json differs from what `npm run build` makes of api/openapi.yaml: edit the YAML, then run `npm run build`',
  );
});
