import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { FastifyInstance, onResponseHookHandler, onSendAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import { canonicalJson } from '../../core/canonical-json.js';
import type { Clock } from '../../core/clock.js';
import { engineOf, reusable, type Db, type Tx } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { sendProblem } from '../../core/http-errors.js';
import { addRouteHook, MUTATING_METHODS, routeMutates } from '../../core/http/route-hooks.js';
import { idempotencyKeys } from './idempotency.table.js';
import { requestScope, type RequestScope } from '../../core/request-context.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;
const REPLAYED_HEADERS = ['etag', 'location', 'retry-after', 'content-disposition', 'x-asset-tags'];
/**
 * Marks a stored body that was bytes, kept as base64. U+FFFF is a
 * noncharacter no text answer of the service begins with, and PostgreSQL text
 * can hold it (not U+0000, the mark SQLite databases may still hold, read too).
 */
const BINARY = '\uffffbase64:';
const BINARY_BEFORE = '\u0000base64:';
const storedBody = (body: string | null): string | Buffer | undefined => {
  if (body === null) return undefined;
  const mark = body.startsWith(BINARY) ? BINARY : body.startsWith(BINARY_BEFORE) ? BINARY_BEFORE : null;
  return mark ? Buffer.from(body.slice(mark.length), 'base64') : body;
};
/** How long a duplicate on another instance waits for the first request's answer to be stored (PostgreSQL). */
const ANSWER_WAIT_MS = 2000;
const ANSWER_POLL_MS = 25;

/**
 * Idempotency-Key on mutating requests (docs/domain.md §4), scoped per user and route.
 * - The key row is inserted inside the same write transaction as the effect
 *   (see writeTransaction), so a crash can never leave an effect without its
 *   key, nor a key without its effect.
 * - The response is stored when it is sent; a replay returns it with
 *   `Idempotent-Replayed: true`.
 * - Requests still running are tracked in memory: a concurrent duplicate is 409.
 *   On PostgreSQL a duplicate sent to another instance is caught in its write
 *   transaction, which finds the first one's key committed: 409 as well; one
 *   that arrives between the first's commit and the storing of its answer
 *   waits for that answer and is replayed it.
 */
declare module 'fastify' {
  interface FastifyRequest {
    idempotencyScope: RequestScope | null;
    idempotencyFlightKey: string | null;
  }
}

const keyOf = (row: { userId: number; route: string; key: string }) =>
  and(eq(idempotencyKeys.userId, row.userId), eq(idempotencyKeys.route, row.route), eq(idempotencyKeys.key, row.key));

export function registerIdempotency(app: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  const { db } = deps;
  const inFlight = new Set<string>();
  const find = reusable(db, (q) =>
    q
      .select()
      .from(idempotencyKeys)
      .where(and(eq(idempotencyKeys.userId, sql.placeholder('userId')), eq(idempotencyKeys.route, sql.placeholder('route')), eq(idempotencyKeys.key, sql.placeholder('key')))),
  );

  /**
   * The key's row. On PostgreSQL a row without an answer may belong to a
   * request still finishing on another instance (committed, its answer about
   * to be stored): wait a little for the answer before calling it lost. On
   * SQLite the one process knows its requests in flight, so no wait.
   */
  const lookUp = async (row: { userId: number; route: string; key: string }) => {
    let [existing] = await find(row);
    if (engineOf(db) !== 'postgres') return existing;
    for (let waited = 0; existing && existing.responseStatus === null && waited < ANSWER_WAIT_MS; waited += ANSWER_POLL_MS) {
      await new Promise((resolve) => setTimeout(resolve, ANSWER_POLL_MS));
      [existing] = await find(row);
    }
    return existing;
  };

  app.decorateRequest('idempotencyScope', null);
  app.decorateRequest('idempotencyFlightKey', null);
  const forgetFlight: onResponseHookHandler = (request, _reply, done) => {
    if (request.idempotencyFlightKey) inFlight.delete(request.idempotencyFlightKey);
    done();
  };

  // A callback hook, so the handler runs inside requestScope.run(): the
  // write transactions of the handler find the key to record.
  const claimKey: preHandlerHookHandler = (request, reply, done) => {
    const fail = (err: AppError) => {
      sendProblem(reply, err);
    };
    const header = request.headers['idempotency-key'];
    const actor = request.actor;
    // Public routes (login) are not keyed.
    if (!MUTATING_METHODS.has(request.method) || header === undefined || !actor) return done();
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) {
      return fail(new AppError('idempotency.invalid_key', 'Idempotency-Key must be 1 to 200 visible ASCII characters.'));
    }
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n`)
      .update(canonicalJson(request.body ?? null))
      .digest('hex');
    const flightKey = `${actor.id}\u0000${route}\u0000${header}`;

    if (inFlight.has(flightKey)) {
      return fail(new AppError('idempotency.in_progress', 'The first request with this key has not finished; retry later.'));
    }
    lookUp({ userId: actor.id, route, key: header }).then((existing) => {
      if (existing) {
        if (existing.requestHash !== requestHash) {
          return fail(new AppError('idempotency.key_reused', 'This Idempotency-Key was used with a different request.'));
        }
        if (existing.responseStatus === null) {
          return fail(new AppError('idempotency.outcome_unknown', 'The request was applied but its response was not kept; read the resource instead.'));
        }
        reply.header('idempotent-replayed', 'true');
        if (existing.responseHeaders) reply.headers(existing.responseHeaders);
        if (existing.responseContentType) reply.type(existing.responseContentType);
        reply.code(existing.responseStatus).send(storedBody(existing.responseBody));
        return;
      }

      inFlight.add(flightKey);
      reply.raw.once('close', () => inFlight.delete(flightKey));
      request.idempotencyFlightKey = flightKey;
      const row = { userId: actor.id, route, key: header };
      let resource: string | null = null;
      const scope: RequestScope = {
        idempotency: {
          recorded: false,
          record: async (tx: Tx) => {
            await tx.insert(idempotencyKeys)
              .values({ ...row, requestHash, createdAt: deps.clock.now().toISOString(), resource });
          },
          claim: async (tx: Tx) => {
            // The in-memory set above covers one process; this covers a
            // duplicate that passed the lookup on another instance while the
            // first was still uncommitted there (docs/domain.md §4).
            const [taken] = await tx.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(keyOf(row));
            if (taken) throw new AppError('idempotency.in_progress', 'A request with this key was applied while this one waited; retry to read its answer.');
          },
          about: async (tx: Tx, name: string) => {
            resource = name;
            // Named in a later transaction than the one that recorded the key: the row is there already.
            if (scope.idempotency?.recorded) await tx.update(idempotencyKeys).set({ resource }).where(keyOf(row));
          },
        },
        idempotencyRow: row,
      };
      request.idempotencyScope = scope;
      requestScope.run(scope, done);
    }, done);
  };

  const storeAnswer: onSendAsyncHookHandler = async (request, reply, payload) => {
    const scope = request.idempotencyScope;
    const row = scope?.idempotencyRow;
    if (!scope?.idempotency?.recorded || !row) return payload;
    // Text is kept as it is, bytes (PDFs) as base64; a stream cannot be kept and replays as "applied".
    const stored = Buffer.isBuffer(payload) ? BINARY + payload.toString('base64') : typeof payload === 'string' ? payload : payload === null || payload === undefined ? null : undefined;
    if (stored !== undefined) {
      await db.update(idempotencyKeys)
        .set({
          responseStatus: reply.statusCode,
          responseBody: stored,
          responseContentType: String(reply.getHeader('content-type') ?? ''),
          responseHeaders: Object.fromEntries(
            REPLAYED_HEADERS.flatMap((h) => {
              const v = reply.getHeader(h);
              return v === undefined ? [] : [[h, String(v)]];
            }),
          ),
        })
        .where(keyOf(row));
    }
    return payload;
  };

  // Only the routes that change something carry the three hooks: a lookup runs none of them.
  app.addHook('onRoute', (route) => {
    if (!routeMutates(route)) return;
    addRouteHook(route, 'preHandler', claimKey);
    addRouteHook(route, 'onSend', storeAnswer);
    addRouteHook(route, 'onResponse', forgetFlight);
  });
}
