// The one conversion of openapi.yaml into openapi.json, shared by `npm run build` and the
// sync test, so both always agree on the exact bytes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const yamlPath = fileURLToPath(new URL('../openapi.yaml', import.meta.url));
export const jsonPath = fileURLToPath(new URL('../openapi.json', import.meta.url));

/** The parsed document. Duplicate keys and YAML aliases are refused: the source stays plain. */
export function loadDocument() {
  return parse(readFileSync(yamlPath, 'utf8'), { uniqueKeys: true, maxAliasCount: 0 });
}

/** openapi.json's exact text: two-space indentation, keys in source order, final newline. */
export function renderJson(doc = loadDocument()) {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
