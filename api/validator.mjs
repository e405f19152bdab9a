// Checks real HTTP responses against openapi.json: the status must be documented for the
// operation, required headers present and well-formed, the media type the documented one,
// and the body valid against that status's schema (JSON Schema 2020-12, as OpenAPI 3.1 uses).
// Written here because no package on hand validates OAS 3.1 responses; Ajv does the schema
// work, this file only finds the right schema and compares the rest.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { jsonPath } from './scripts/openapi_json.mjs';

const DOC_ID = 'https://mercato.invalid/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

const escapePointer = (s) => s.replaceAll('~', '~0').replaceAll('/', '~1');

function at(doc, pointer) {
  let node = doc;
  for (const raw of pointer.replace(/^#\//, '').split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = node?.[key];
  }
  if (node === undefined) throw new Error(`openapi.json has nothing at ${pointer}`);
  return node;
}

export class ContractValidator {
  /** `doc`: the OpenAPI document (default: openapi.json beside this file). */
  constructor(doc = JSON.parse(readFileSync(jsonPath, 'utf8'))) {
    this.doc = doc;
    // strict: false because OpenAPI adds keywords of its own (example, discriminator, …)
    // and the document root is not itself a schema; formats are checked (ajv-formats).
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...doc, $id: DOC_ID });
    this.seen = new Set(); // "GET /api/v1/products 200" of every response checked
  }

  /** Every operation as "METHOD template". */
  operations() {
    const out = [];
    for (const [template, item] of Object.entries(this.doc.paths))
      for (const m of METHODS) if (item[m]) out.push(`${m.toUpperCase()} ${template}`);
    return out;
  }

  /** Operations no checked response has touched yet. */
  unexercised() {
    const hit = new Set([...this.seen].map((k) => k.split(' ').slice(0, 2).join(' ')));
    return this.operations().filter((op) => !hit.has(op));
  }

  #schema(pointer) {
    const fn = this.ajv.getSchema(`${DOC_ID}${pointer}`);
    if (!fn) throw new Error(`no schema at ${pointer}`);
    return fn;
  }

  /** Validates `value` against the schema at a JSON pointer into the document; [] when valid. */
  errorsAt(pointer, value) {
    const validate = this.#schema(pointer);
    if (validate(value)) return [];
    return validate.errors.map((e) => `${e.instancePath || '(root)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  /**
   * Problems of one response, [] when it honours the contract.
   * `res`: {status, headers (a Headers or a plain object of lower-case names), text (body)}.
   */
  problems(method, template, res) {
    const item = this.doc.paths[template];
    const op = item?.[method.toLowerCase()];
    if (!op) return [`${method} ${template} is not an operation of the document`];
    const label = `${method.toUpperCase()} ${template} → ${res.status}`;
    let pointer = `#/paths/${escapePointer(template)}/${method.toLowerCase()}/responses/${res.status}`;
    let response = op.responses?.[String(res.status)];
    if (!response) {
      const documented = Object.keys(op.responses ?? {}).join(', ');
      return [`${label}: status ${res.status} is not documented (documented: ${documented}); body: ${res.text.slice(0, 300)}`];
    }
    if (response.$ref) {
      pointer = response.$ref;
      response = at(this.doc, pointer);
    }
    this.seen.add(`${method.toUpperCase()} ${template} ${res.status}`);
    const problems = [];
    const header = (name) => (typeof res.headers.get === 'function' ? res.headers.get(name) : res.headers[name.toLowerCase()]);

    for (const [name, spec0] of Object.entries(response.headers ?? {})) {
      const spec = spec0.$ref ? at(this.doc, spec0.$ref) : spec0;
      const value = header(name);
      if (value === null || value === undefined) {
        if (spec.required) problems.push(`${label}: required header ${name} is missing`);
        continue;
      }
      const schema = spec.schema?.$ref ? at(this.doc, spec.schema.$ref) : spec.schema;
      const typed = schema?.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
      const headerPointer = spec0.$ref ? `${spec0.$ref}/schema` : `${pointer}/headers/${escapePointer(name)}/schema`;
      for (const e of this.errorsAt(headerPointer, typed)) problems.push(`${label}: header ${name}="${value}": ${e}`);
    }

    const content = response.content;
    if (!content) {
      if (res.text.length > 0) problems.push(`${label}: documented without a body, but has ${res.text.length} bytes`);
      return problems;
    }
    const contentType = (header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    const mediaType = Object.keys(content).find((m) => m.toLowerCase() === contentType);
    if (!mediaType) {
      problems.push(`${label}: Content-Type "${contentType}" is not documented (${Object.keys(content).join(', ')})`);
      return problems;
    }
    const schemaPointer = `${pointer}/content/${escapePointer(mediaType)}/schema`;
    let body = res.text;
    if (mediaType.endsWith('json')) {
      try {
        body = JSON.parse(res.text);
      } catch {
        problems.push(`${label}: body is not JSON: ${res.text.slice(0, 200)}`);
        return problems;
      }
    }
    for (const e of this.errorsAt(schemaPointer, body)) problems.push(`${label}: body ${e}`);
    return problems;
  }
}
