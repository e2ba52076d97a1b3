import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { Clock } from './clock.js';
import { noteStorageFailure, storageFailureOf, type Db } from './db.js';
import { AppError, ERROR_CODES, type ErrorCode, type FieldLocation, type FieldProblem } from './errors.js';
import { deviceEtag } from './http/etag.js';

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

/** The part of the request a field of each location is in, as Fastify's validation names it. */
const FIELD_PREFIX: Record<FieldLocation, string> = { body: 'body', query: 'querystring' };

/** The fields an error names, named from the request: `notes` of the body is `body.notes`. */
function requestFields(err: AppError): FieldProblem[] | undefined {
  const location = err.location;
  if (err.errors === undefined || location === null) return err.errors;
  return err.errors.map((e) => ({ field: `${FIELD_PREFIX[location]}.${e.field}`, message: e.message }));
}

/** The RFC 9457 problem document of an error. */
export function toProblem(err: AppError, requestId?: string): Problem {
  const def = ERROR_CODES[err.code];
  const errors = requestFields(err);
  return {
    ...err.extra,
    ...(err.currentVersion === undefined ? {} : { currentVersion: err.currentVersion, etag: deviceEtag(err.currentVersion) }),
    type: `urn:refurb-ledger:problem:${err.code}`,
    title: def.title,
    status: def.status,
    detail: err.detail ?? def.title,
    code: err.code,
    ...(errors === undefined ? {} : { errors }),
    ...(requestId === undefined ? {} : { instance: `urn:request:${requestId}` }),
  };
}

/** Headers that describe a success answer's resource or document: a problem sent instead must not carry them. */
const RESOURCE_HEADERS = ['etag', 'location', 'content-disposition', 'x-asset-tags'];

export function sendProblem(reply: FastifyReply, err: AppError): FastifyReply {
  // A handler may have set them before a later step failed (the answer's storage after its write committed).
  for (const header of RESOURCE_HEADERS) reply.removeHeader(header);
  // RFC 9110 §10.2.3: Retry-After in delay-seconds.
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.code(err.status).type(PROBLEM_JSON).send(toProblem(err, String(reply.request.id)));
}

/** Fastify's own errors (parsing, limits) that a client caused, mapped to our codes. */
const FASTIFY_CODES: Record<string, AppError['code']> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request.body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'request.unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request.invalid',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'request.malformed_json',
  FST_ERR_CTP_INVALID_TYPE: 'request.invalid',
  FST_ERR_VALIDATION: 'request.invalid',
};

function validationProblems(err: FastifyError & { validation: Array<{ instancePath: string; message?: string; keyword: string; params: Record<string, unknown> }> }): FieldProblem[] {
  const where = err.validationContext ?? 'body';
  return err.validation.flatMap((v) => {
    const base = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
    // A body that may take one of several shapes: report the shape it came closest to.
    if (v.keyword === 'invalid_union' && Array.isArray(v.params['errors']) && v.params['errors'].length > 0) {
      const options = v.params['errors'] as Array<Array<{ path: PropertyKey[]; message: string; code: string; keys?: string[] }>>;
      const closest = options.reduce((best, o) => (o.length < best.length ? o : best));
      return closest.flatMap((issue) => {
        const field = [base, ...issue.path.map(String)].join('.');
        if (issue.code === 'unrecognized_keys' && issue.keys) return issue.keys.map((k) => ({ field: `${field}.${k}`, message: 'unknown property' }));
        return [{ field, message: issue.message }];
      });
    }
    // Unknown properties are rejected by name, so the client sees which field to drop.
    if (v.keyword === 'unrecognized_keys' && Array.isArray(v.params['keys'])) {
      return (v.params['keys'] as string[]).map((k) => ({ field: `${base}.${k}`, message: 'unknown property' }));
    }
    return [{ field: base, message: v.message ?? 'invalid' }];
  });
}

/** What the client can do about a write the disk refused (the detail is read by people at the bench). */
const STORAGE_PROBLEMS = {
  full: () => new AppError('storage.full', "The server's disk is full: nothing was saved. Free space on the server, then try again."),
  io: () =>
    new AppError(
      'storage.io_error',
      "The server could not read or write its disk, so the change may not have been saved. Have the server's disk checked, and read the record back before trying again.",
    ),
} as const;

/** The db is the one whose storage failures /readyz reports (see storageWritable). */
export function registerErrorHandling(app: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) return sendProblem(reply, error);

    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = validationProblems(error);
      return sendProblem(reply, new AppError('request.invalid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), { errors, location: null }));
    }

    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
      return sendProblem(reply, new AppError('internal'));
    }

    const storage = storageFailureOf(error);
    if (storage) {
      noteStorageFailure(deps.db, deps.clock.now().toISOString());
      request.log.error({ err: error }, storage === 'full' ? 'the disk is full: write refused' : 'disk I/O error');
      const keyed = request.idempotencyScope;
      if (keyed?.idempotency?.recorded) {
        // A write of this request already committed with its Idempotency-Key, and the disk then refused the
        // answer's storage (onSend) or a later write: say what a replay will say, and do not store this answer.
        keyed.idempotencyRow = undefined;
        return sendProblem(
          reply,
          new AppError('idempotency.outcome_unknown', 'The change was saved, but the server could not keep its answer: read the record back instead of sending it again.'),
        );
      }
      return sendProblem(reply, STORAGE_PROBLEMS[storage]());
    }

    const mapped = typeof error.code === 'string' ? FASTIFY_CODES[error.code] : undefined;
    if (mapped) {
      // Fastify's messages for these say what is wrong with the body, not how the service works.
      return sendProblem(reply, new AppError(mapped, error.message));
    }

    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Another client error raised by Fastify; keep its status but not its internals.
      request.log.info({ err: error }, 'client error');
      const problem = toProblem(new AppError('request.invalid', 'The request could not be processed.'), String(request.id));
      return reply.code(error.statusCode).type(PROBLEM_JSON).send({ ...problem, status: error.statusCode });
    }

    // Database and library errors never reach the client.
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, new AppError('internal'));
  });

  app.setNotFoundHandler((request, reply) => {
    return sendProblem(reply, new AppError('request.not_found', `No route ${request.method} ${request.url.split('?')[0] ?? ''}.`));
  });
}
