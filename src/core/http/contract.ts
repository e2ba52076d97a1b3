import { ERROR_CODES, type ErrorCode } from '../errors.js';
import { MUTATING_METHODS } from './route-hooks.js';

/**
 * The parts of the HTTP contract that zod schemas do not say, completed in the
 * OpenAPI document from what the service knows about each route: its access,
 * which inputs it validates, the error codes its use case throws, and the
 * headers and media types it answers with. Routes declare only what is theirs
 * (`config.contract`); everything the service's plugins do to every route
 * (authentication, validation, body limits, Idempotency-Key, the rate limit,
 * storage failures) is derived here, so a new route is documented whole.
 */

/** What a route declares about its answers beyond its zod schemas. */
export interface RouteContract {
  /** The error codes its use case can throw (those of the plugins every route goes through are added). */
  errors?: readonly ErrorCode[];
  /** Media types of a success answer that is a file (PDF, CSV, ZPL, PNG), besides or instead of its JSON schema. */
  documents?: readonly string[];
  /** Success status of a route without a response schema (a document), when not 200. */
  status?: number;
  /** The success answer carries the resource's ETag. */
  etag?: boolean;
  /** The success answer carries the Location of what was created. */
  location?: boolean;
  /** If-Match names the version read: checked when sent, or required. */
  ifMatch?: 'optional' | 'required';
  /** Other headers of the success answer, by name, with what they hold. */
  headers?: Readonly<Record<string, string>>;
}

/** One operation as the service registered it: what the document is completed from. */
export interface OperationFacts {
  method: string;
  /** Fastify's URL (`/api/v1/devices/:tag`). */
  url: string;
  /** Public (no token), authenticated, or neither (outside the API, e.g. health checks). */
  access: 'public' | 'authenticated' | undefined;
  inputs: { body: boolean; query: boolean; params: boolean };
  contract: RouteContract;
}

type Json = Record<string, unknown>;
interface Operation extends Json {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Json[];
  responses: Record<string, Json>;
}
interface Document extends Json {
  info: Json;
  paths: Record<string, Record<string, Operation>>;
  components: Json & { schemas?: Record<string, unknown>; headers?: Record<string, unknown> };
}

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';
const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The RFC 9457 problem document every error is, with the codes the service can send. */
function problemSchema(): Json {
  return {
    type: 'object',
    description: 'An RFC 9457 problem document. Fields beyond these may be added (an edit refused as stale carries `currentVersion` and `etag`).',
    required: ['type', 'title', 'status', 'detail', 'code'],
    properties: {
      type: { type: 'string', description: '`urn:refurb-ledger:problem:<code>`' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      code: { type: 'string', enum: Object.keys(ERROR_CODES), description: 'Stable dotted code: what a client branches on.' },
      instance: { type: 'string', description: '`urn:request:<id>`, the id the server logged the request under.' },
      errors: {
        type: 'array',
        description: 'The fields at fault, named from the request (`body.storage.0.serialNumber`, `querystring.cursor`).',
        items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
      },
      currentVersion: { type: 'integer', description: 'The version the resource is at now (a stale or missing If-Match).' },
      etag: { type: 'string', description: 'The ETag of that version, to send again in If-Match.' },
    },
    additionalProperties: true,
  };
}

const HEADERS: Record<string, Json> = {
  ETag: { description: 'Strong entity tag of the version answered (`"v7"`): send it in If-Match to edit that version.', schema: { type: 'string' } },
  Location: { description: 'Where the created resource can be read.', schema: { type: 'string' } },
  IdempotentReplayed: { description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
  RetryAfter: { description: 'Seconds to wait before trying again (RFC 9110 §10.2.3).', schema: { type: 'string', pattern: '^[0-9]+$' } },
  ContentDisposition: { description: 'The file name of the document (`inline` or `attachment`).', schema: { type: 'string' } },
};
const HEADER_NAMES: Record<string, string> = {
  ETag: 'ETag',
  Location: 'Location',
  IdempotentReplayed: 'Idempotent-Replayed',
  RetryAfter: 'Retry-After',
  ContentDisposition: 'Content-Disposition',
};

const PARAMETERS: Record<string, Json> = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes the request safe to send again: a repeat with the same key and body answers the stored response (with `Idempotent-Replayed: true`); the same key with another body is 422, while the first is still running 409.',
    schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
  },
  IfMatchOptional: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description: 'The ETag of the version read; when sent, an answer 412 says the resource changed since. `*` matches any version.',
    schema: { type: 'string', maxLength: 100 },
  },
  IfMatchRequired: {
    name: 'If-Match',
    in: 'header',
    required: true,
    description: 'The ETag of the version read (412 when the resource changed since, 428 when missing). `*` matches any version.',
    schema: { type: 'string', maxLength: 100 },
  },
};

/** The error codes an operation can answer: its own, and those of the plugins it goes through. */
export function operationErrorCodes(op: OperationFacts): ErrorCode[] {
  const codes = new Set<ErrorCode>(['internal', 'storage.io_error']);
  const mutating = MUTATING_METHODS.has(op.method);
  if (op.inputs.body || op.inputs.query || op.inputs.params) codes.add('request.invalid');
  // A path parameter over the router's limit (maxParamLength) or with a malformed escape.
  if (op.inputs.params) codes.add('request.uri_too_long').add('request.invalid');
  if (mutating) {
    // Any body is parsed (JSON only, within the size limit) before the route is reached, even where none is expected.
    codes.add('request.invalid').add('request.malformed_json').add('request.body_too_large').add('request.unsupported_media_type').add('storage.full');
  }
  if (op.access === 'authenticated') {
    codes.add('auth.unauthenticated').add('auth.forbidden').add('rate_limited');
    if (mutating) codes.add('idempotency.invalid_key').add('idempotency.in_progress').add('idempotency.key_reused').add('idempotency.outcome_unknown');
  }
  for (const code of op.contract.errors ?? []) codes.add(code);
  return [...codes];
}

/** Fastify's `/devices/:tag` as OpenAPI's `/devices/{tag}`. */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');

/** `GET /api/v1/devices/{tag}/certificate.pdf` → `getDevicesByTagCertificatePdf`: unique as long as method and path are. */
export function operationIdOf(method: string, path: string, prefix: string): string {
  const words = path
    .slice(path.startsWith(prefix) ? prefix.length : 0)
    .split('/')
    .filter(Boolean)
    .flatMap((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      return param ? ['by', param[1]!] : segment.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const isJson = (mediaType: string) => /^application\/(?:[\w.+-]+\+)?json$/.test(mediaType);

function errorResponses(op: OperationFacts, idempotent: boolean): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of operationErrorCodes(op)) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, Json> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].title}`).join('; '),
      ...errorHeaders(status, idempotent),
      // The codes this operation can answer with this status, so that a client (and its types) know which to expect.
      content: { [PROBLEM_MEDIA_TYPE]: { schema: { allOf: [ref('schemas', 'Problem'), { type: 'object', properties: { code: { type: 'string', enum: codes } } }] } } },
    };
  }
  return out;
}

function errorHeaders(status: number, idempotent: boolean): { headers?: Json } {
  const headers: Json = {
    // A limiter or a busy render pool says when to come back.
    ...(status === 429 || status === 503 ? { 'Retry-After': ref('headers', 'RetryAfter') } : {}),
    // A write that committed before a later step failed (a document drawn after the tags were reserved) keeps
    // that answer for its Idempotency-Key: a replay repeats it.
    ...(idempotent && (status === 429 || status >= 500) ? { [HEADER_NAMES['IdempotentReplayed']!]: ref('headers', 'IdempotentReplayed') } : {}),
  };
  return Object.keys(headers).length > 0 ? { headers } : {};
}

/** Completes one generated operation with what the service knows about it. */
function completeOperation(operation: Operation, op: OperationFacts, path: string, prefix: string): void {
  operation.operationId ??= operationIdOf(op.method, path, prefix);
  // Public operations say so (an empty requirement), rather than leaving it unsaid.
  if (op.access !== 'authenticated') operation.security = [];
  const mutating = MUTATING_METHODS.has(op.method);
  const idempotent = mutating && op.access === 'authenticated';

  const parameters = [...(operation.parameters ?? [])];
  if (idempotent) parameters.push(ref('parameters', 'IdempotencyKey'));
  if (op.contract.ifMatch) parameters.push(ref('parameters', op.contract.ifMatch === 'required' ? 'IfMatchRequired' : 'IfMatchOptional'));
  if (parameters.length > 0) operation.parameters = parameters;

  // The success answer: the schema's status, or the route's own; its media types and headers.
  const declared = Object.keys(operation.responses).filter((s) => /^2\d\d$/.test(s));
  const generated = declared.length === 1 && declared[0] === '200' && !('content' in operation.responses['200']!);
  const successStatus = op.contract.status ?? (declared.length === 0 || generated ? 200 : Number(declared[0]));
  if (generated && successStatus !== 200) delete operation.responses['200'];
  const success: Json = (operation.responses[String(successStatus)] ??= { description: 'Default Response' });
  if (success['description'] === 'Default Response') success['description'] = successStatus === 204 ? 'Done; no content' : 'Success';
  if (successStatus !== 204) {
    const content = (success['content'] as Record<string, Json> | undefined) ?? {};
    for (const type of op.contract.documents ?? []) {
      content[type] = { schema: isJson(type) ? {} : { type: 'string', format: 'binary' } };
    }
    success['content'] = content;
  }
  const headers: Record<string, unknown> = { ...(success['headers'] as Json | undefined) };
  if (op.contract.etag) headers[HEADER_NAMES['ETag']!] = ref('headers', 'ETag');
  if (op.contract.location) headers[HEADER_NAMES['Location']!] = ref('headers', 'Location');
  if (idempotent) headers[HEADER_NAMES['IdempotentReplayed']!] = ref('headers', 'IdempotentReplayed');
  if (op.contract.documents?.some((t) => !isJson(t))) headers[HEADER_NAMES['ContentDisposition']!] = ref('headers', 'ContentDisposition');
  for (const [name, description] of Object.entries(op.contract.headers ?? {})) headers[name] = { description, schema: { type: 'string' } };
  if (Object.keys(headers).length > 0) success['headers'] = headers;

  const responses = { ...operation.responses };
  for (const [status, error] of Object.entries(errorResponses(op, idempotent))) {
    const own = responses[status];
    // A status the route answers itself (readyz's 503 not_ready) keeps its own answer beside the problem.
    responses[status] = own
      ? { ...error, ...own, description: `${String(own['description'])}; ${String(error['description'])}`, content: { ...(own['content'] as Json), ...(error['content'] as Json) } }
      : error;
  }
  operation.responses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => a.localeCompare(b)));
}

export interface DocumentOptions {
  /** The API's path prefix, left out of operation ids. */
  prefix: string;
  /** The licence, as an SPDX identifier. */
  license: string;
  /** What each tag groups. */
  tags: Readonly<Record<string, string>>;
}

/**
 * Completes the document @fastify/swagger generated from the routes' zod
 * schemas: error answers, headers, media types, operation ids, servers,
 * licence. Throws on two operations with one id (a route table error).
 */
export function completeDocument(document: Json, facts: readonly OperationFacts[], options: DocumentOptions): Json {
  const doc = document as Document;
  doc.info = { ...doc.info, license: { name: options.license, identifier: options.license } };
  // Relative: the document is served by the service it describes, on whatever host and port it listens.
  doc['servers'] = [{ url: '/' }];
  doc.components.schemas = { ...doc.components.schemas, Problem: problemSchema() };
  doc.components['headers'] = HEADERS;
  doc.components['parameters'] = PARAMETERS;

  const ids = new Map<string, string>();
  const tags = new Set<string>();
  for (const op of facts) {
    const path = openApiPath(op.url);
    const operation = doc.paths[path]?.[op.method.toLowerCase()];
    if (!operation) continue; // hidden (pages, assets, the document itself)
    completeOperation(operation, op, path, options.prefix);
    const other = ids.get(operation.operationId!);
    if (other) throw new Error(`operationId ${operation.operationId} of ${op.method} ${path} is also that of ${other}`);
    ids.set(operation.operationId!, `${op.method} ${path}`);
    for (const tag of operation.tags ?? []) tags.add(tag);
  }
  doc['tags'] = [...tags].sort().map((name) => ({ name, ...(options.tags[name] === undefined ? {} : { description: options.tags[name] }) }));
  // Only the shared headers and parameters some operation uses.
  const text = JSON.stringify(doc.paths);
  for (const kind of ['headers', 'parameters'] as const) {
    const all = doc.components[kind] as Record<string, unknown>;
    doc.components[kind] = Object.fromEntries(Object.entries(all).filter(([name]) => text.includes(`"#/components/${kind}/${name}"`)));
  }
  return doc;
}

/** What a route's schema and config tell about an operation. */
export function operationFacts(
  method: string,
  url: string,
  access: OperationFacts['access'],
  schema: { body?: unknown; querystring?: unknown; params?: unknown } | undefined,
  contract: RouteContract | undefined,
): OperationFacts {
  return {
    method,
    url,
    access,
    inputs: { body: schema?.body !== undefined, query: schema?.querystring !== undefined, params: schema?.params !== undefined || url.includes(':') },
    contract: contract ?? {},
  };
}

/** What drawing a document on the render pool can answer (core/render-pool.ts, core/pdf/fonts.ts). */
export const RENDER_ERRORS = [
  'documents.undrawable_text',
  'documents.too_many_renders',
  'documents.busy',
  'documents.render_timeout',
  'service.unavailable',
] as const satisfies readonly ErrorCode[];

/** A route that answers a PDF drawn on the render pool. */
export const pdfDocument = (errors: readonly ErrorCode[]): RouteContract => ({ documents: ['application/pdf'], errors: [...RENDER_ERRORS, ...errors] });
