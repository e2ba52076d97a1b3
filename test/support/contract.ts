/**
 * Every answer the tests receive, checked against the committed OpenAPI
 * document (test/fixtures/openapi.json, which openapi-contract.test.ts keeps
 * equal to what the routes generate): the status is declared for the
 * operation, the media type for that status, the JSON body matches its
 * schema, and the contract's headers it carries are declared. So the
 * document cannot drift from what the service does: a test that provokes an
 * answer the document does not declare fails, whatever it asserts itself.
 *
 * After changing a route: `npm run openapi:write`, then run the tests.
 */
import fs from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

interface Response {
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: unknown }>;
}
interface Operation {
  responses: Record<string, Response>;
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
}

const DOCUMENT_URL = new URL('../fixtures/openapi.json', import.meta.url);
const DOCUMENT_ID = 'urn:refurb-ledger:openapi';

/** The headers of the contract that an answer may carry only where the document declares them. */
const CONTRACT_HEADERS = ['etag', 'location', 'idempotent-replayed', 'retry-after', 'content-disposition', 'x-asset-tags'];

let loaded: { doc: OpenApi; ajv: Ajv2020; templates: Array<{ path: string; pattern: RegExp; literal: number }> } | undefined;
const validators = new Map<string, ValidateFunction>();

function load() {
  if (loaded) return loaded;
  const doc = JSON.parse(fs.readFileSync(DOCUMENT_URL, 'utf8')) as OpenApi;
  // Formats are zod's business (the service validates its own answers); this checks shapes.
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
  ajv.addSchema({ ...doc, $id: DOCUMENT_ID }, undefined, undefined, false);
  const templates = Object.keys(doc.paths).map((path) => ({
    path,
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{\w+\\?\}/g, '[^/]+')}/?$`),
    // The router prefers static segments to parameters: so does the lookup.
    literal: path.replace(/\{\w+\}/g, '').length,
  }));
  templates.sort((a, b) => b.literal - a.literal);
  loaded = { doc, ajv, templates };
  return loaded;
}

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validatorFor(path: string, method: string, status: string, mediaType: string): ValidateFunction {
  const key = `${method} ${path} ${status} ${mediaType}`;
  let validate = validators.get(key);
  if (!validate) {
    // Compiled once per worker and answer kind; the document's own refs (#/components/...) resolve against it.
    validate = load().ajv.compile({ $ref: `${DOCUMENT_ID}#/${pointer('paths', path, method, 'responses', status, 'content', mediaType, 'schema')}` });
    validators.set(key, validate);
  }
  return validate;
}

export interface ObservedResponse {
  method: string;
  /** Path and query, as sent. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text, when it is text; undefined for bytes. */
  text: string | undefined;
}

/** What is wrong with an answer, by the document; empty when it conforms. */
export function contractViolations(res: ObservedResponse): string[] {
  const { doc, templates } = load();
  const method = res.method.toLowerCase();
  const rawPath = res.url.split('?')[0] ?? '/';
  let path: string;
  try {
    path = decodeURI(rawPath);
  } catch {
    path = rawPath;
  }
  const template = templates.find((t) => t.pattern.test(path) && doc.paths[t.path]?.[method]);
  // Not an operation of the document: Fastify's own 404 for a path or method no route has, a malformed
  // URL the router refused before matching, the pages and assets the document hides, HEAD. Nothing to declare.
  if (!template) return [];
  const operation = doc.paths[template.path]![method]!;
  const where = `${res.method} ${template.path} answered ${res.status}`;
  const status = String(res.status);
  const response = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses['default'];
  if (!response) return [`${where}, a status the document does not declare for it (declared: ${Object.keys(operation.responses).join(', ')})`];

  const problems: string[] = [];
  const declaredHeaders = new Set(Object.keys(response.headers ?? {}).map((h) => h.toLowerCase()));
  for (const header of CONTRACT_HEADERS) {
    if (res.headers[header] !== undefined && !declaredHeaders.has(header)) problems.push(`${where} with header ${header}, which the document does not declare`);
  }

  const contentType = res.headers['content-type'];
  const mediaType = typeof contentType === 'string' ? contentType.split(';')[0]!.trim().toLowerCase() : undefined;
  const hasBody = res.text === undefined ? true : res.text.length > 0;
  if (!mediaType || !hasBody) {
    if (response.content && Object.keys(response.content).length > 0 && hasBody) problems.push(`${where} without a Content-Type`);
    return problems;
  }
  const media = response.content?.[mediaType];
  if (!media) {
    problems.push(`${where} as ${mediaType}, a media type the document does not declare (declared: ${Object.keys(response.content ?? {}).join(', ') || 'none'})`);
    return problems;
  }
  if (/^application\/(?:[\w.+-]+\+)?json$/.test(mediaType) && res.text !== undefined) {
    const validate = validatorFor(template.path, method, operation.responses[status] ? status : `${status[0]}XX`, mediaType);
    let body: unknown;
    try {
      body = JSON.parse(res.text);
    } catch {
      problems.push(`${where} with a body that is not JSON`);
      return problems;
    }
    if (!validate(body)) {
      const code = (body as { code?: unknown } | null)?.code;
      problems.push(`${where}${typeof code === 'string' ? ` (${code})` : ''} with a body the schema refuses: ${validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params).slice(0, 300)}`).join('; ')}`);
    }
  }
  return problems;
}

/** Throws with every violation of the answer, naming the fix. */
export function assertConforms(res: ObservedResponse): void {
  const problems = contractViolations(res);
  if (problems.length > 0 && process.env['CONTRACT_VIOLATIONS_LOG']) {
    fs.appendFileSync(process.env['CONTRACT_VIOLATIONS_LOG'], problems.map((p) => `${p}\n`).join(''));
    return;
  }
  if (problems.length > 0) {
    throw new Error(`The answer does not conform to the OpenAPI document (test/fixtures/openapi.json; after a route change run \`npm run openapi:write\`):\n- ${problems.join('\n- ')}`);
  }
}

