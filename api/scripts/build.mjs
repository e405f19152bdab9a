// `npm run build`: writes openapi.json from openapi.yaml. With --check, writes nothing and
// exits 1 when openapi.json is not what the build would write.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { jsonPath, renderJson } from './openapi_json.mjs';

const expected = renderJson();
if (process.argv.includes('--check')) {
  const actual = existsSync(jsonPath) ? readFileSync(jsonPath, 'utf8') : '';
  if (actual !== expected) {
    console.error('api/openapi.json is out of date with api/openapi.yaml: run `npm run build` in api/');
    process.exit(1);
  }
  console.log('api/openapi.json is in sync with api/openapi.yaml');
} else {
  writeFileSync(jsonPath, expected);
  console.log(`wrote ${jsonPath}`);
}
