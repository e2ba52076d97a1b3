/**
 * Documents (PDF, PNG, ZPL) are drawn on a bounded pool of worker threads, so
 * a 300-label sheet never holds the event loop that answers lookups and scans.
 * Renderers take plain data and return bytes, which is all that crosses to a
 * worker; the database stays on the main thread.
 *
 * Bounds, checked when a render is admitted (before any work is done for it):
 * at most `perUser` renders in flight per user (429 documents.too_many_renders)
 * and at most `workers + queue` in all (503 documents.busy), both with
 * Retry-After. A render still queued or running at the request's deadline is
 * cancelled in the pool (a running one ends its thread; the pool starts
 * another) and answered 503 documents.render_timeout.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { Piscina } from 'piscina';
import { AppError, type ErrorCode, type FieldLocation, type FieldProblem } from './errors.js';
import { addRouteHook } from './http/route-hooks.js';

/** What the pool knows of the request a render is for; absent outside a request (scripts): no per-user cap, no deadline. */
export interface RenderScope {
  user: number;
  /** performance.now() by which the answer must be sent. */
  deadlineAt: number;
  /** Calls abort if the client goes away before the answer; returns the undo. */
  onGone(abort: () => void): () => void;
}

const renderScope = new AsyncLocalStorage<RenderScope>();

/** The routes that render on the pool: labels and every PDF. */
export const DOCUMENT_ROUTE = /\/labels?$|\.pdf$/;

/**
 * Opens the render scope for authenticated requests. The deadline is the
 * request timeout from the request's start, less a margin (a twentieth, at
 * most a second): the socket's idle timeout (connectionTimeout, the same
 * value) must not cut the connection before the 503 is written, and the
 * client's clock started before ours (connect, accept queue under load).
 */
export function registerRenderScope(app: FastifyInstance, requestTimeoutMs: number): void {
  const margin = Math.min(1000, Math.round(requestTimeoutMs / 20));
  // A callback hook, so that the handler runs inside renderScope.run().
  const openScope: preHandlerHookHandler = (request, reply, done) => {
    const actor = request.actor;
    if (!actor) return done();
    const scope: RenderScope = {
      user: actor.id,
      deadlineAt: performance.now() - reply.elapsedTime + requestTimeoutMs - margin,
      onGone: (abort) => {
        const onClose = () => {
          if (!reply.raw.writableFinished) abort();
        };
        reply.raw.once('close', onClose);
        return () => reply.raw.off('close', onClose);
      },
    };
    renderScope.run(scope, done);
  };
  // Only routes that draw documents run inside a scope: AsyncLocalStorage.run on every request cost the
  // lookup path about a tenth of its throughput, and a hook that only looked at the route cost it too.
  app.addHook('onRoute', (route) => {
    if (DOCUMENT_ROUTE.test(route.url)) addRouteHook(route, 'preHandler', openScope);
  });
}

/** How an AppError thrown in a worker crosses back (structured clone keeps only an Error's message). */
type WorkerReply = { ok: unknown } | { appError: { code: ErrorCode; detail: string | undefined; errors: FieldProblem[] | undefined; location: FieldLocation | null; extra: Record<string, unknown> | undefined } };

/** Wraps a worker's task function so that its AppErrors reach the client with their code. */
export function workerTask<T>(fn: (task: T) => unknown): (task: T) => Promise<WorkerReply> {
  return async (task) => {
    // A null task is the pool's warm-up call: the module has loaded.
    if (task === null) return { ok: null };
    try {
      return { ok: await fn(task) };
    } catch (err) {
      if (err instanceof AppError) return { appError: { code: err.code, detail: err.detail, errors: err.errors, location: err.location, extra: err.extra } };
      throw err;
    }
  };
}

/** A Buffer arrives from a worker as a plain Uint8Array. */
const fromWorker = (value: unknown): unknown => (value instanceof Uint8Array && !Buffer.isBuffer(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value);

export interface RenderPoolOptions {
  /** The worker module (a piscina task file). */
  worker: URL;
  workers: number;
  perUser: number;
  queue: number;
  /** Errors of a worker that no task is waiting on (a thread that fails to start). */
  onError?: (err: Error) => void;
}

export type RunRender = (task: unknown) => Promise<unknown>;

export function createRenderPool(options: RenderPoolOptions) {
  let pool: Piscina | null = null;
  let closed = false;
  let inFlight = 0;
  const perUser = new Map<number, number>();
  // Recent render time, for Retry-After; a first guess until renders are measured.
  let averageMs = 1000;

  // Started on first use: apps that never render (scripts, most tests) start no thread.
  function started(): Piscina {
    if (pool) return pool;
    const p = new Piscina({
      filename: options.worker.href,
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: 60_000,
      // Admission below bounds the queue; this is only a backstop.
      maxQueue: options.queue + options.workers,
    });
    p.on('error', (err: Error) => (options.onError ?? ((e: Error) => process.emitWarning(e)))(err));
    pool = p;
    return p;
  }

  const seconds = (ms: number) => Math.min(120, Math.max(1, Math.ceil(ms / 1000)));

  function admit(user: number | undefined): () => void {
    if (closed) throw new AppError('service.unavailable');
    if (inFlight >= options.workers + options.queue) {
      const waiting = inFlight - options.workers + 1;
      throw new AppError('documents.busy', `${inFlight} documents are being drawn or waiting; try again shortly.`, {
        retryAfterSeconds: seconds((waiting * averageMs) / options.workers),
      });
    }
    if (user !== undefined && (perUser.get(user) ?? 0) >= options.perUser) {
      throw new AppError('documents.too_many_renders', `At most ${options.perUser} documents at a time per user; wait for one to finish.`, {
        retryAfterSeconds: seconds(averageMs),
      });
    }
    inFlight += 1;
    if (user !== undefined) perUser.set(user, (perUser.get(user) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inFlight -= 1;
      if (user === undefined) return;
      const n = (perUser.get(user) ?? 1) - 1;
      if (n === 0) perUser.delete(user);
      else perUser.set(user, n);
    };
  }

  async function runOnPool(task: unknown, scope: RenderScope | undefined): Promise<unknown> {
    const controller = new AbortController();
    let why: 'deadline' | 'gone' | null = null;
    const stop = (reason: 'deadline' | 'gone') => {
      why ??= reason;
      controller.abort(reason);
    };
    let timer: NodeJS.Timeout | undefined;
    let undoGone = () => {};
    if (scope) {
      const left = scope.deadlineAt - performance.now();
      if (left <= 0) stop('deadline');
      else {
        timer = setTimeout(() => stop('deadline'), left);
        timer.unref();
      }
      undoGone = scope.onGone(() => stop('gone'));
    }
    const t0 = performance.now();
    try {
      const reply = (await started().run(task, { signal: controller.signal })) as WorkerReply;
      averageMs = averageMs * 0.7 + (performance.now() - t0) * 0.3;
      if ('appError' in reply) {
        const e = reply.appError;
        throw new AppError(e.code, e.detail, { errors: e.errors, location: e.location, extra: e.extra });
      }
      return fromWorker(reply.ok);
    } catch (err) {
      if (why !== null) {
        throw new AppError('documents.render_timeout', why === 'deadline' ? 'The document was not drawn within the request deadline; it was cancelled.' : 'The client went away; the render was cancelled.', {
          retryAfterSeconds: seconds(averageMs),
        });
      }
      if (closed) throw new AppError('service.unavailable');
      throw err;
    } finally {
      if (timer) clearTimeout(timer);
      undoGone();
    }
  }

  return {
    /**
     * Admits one render for the current request (429/503 before any work when
     * over the caps), then calls fn, which may draw once with `run`; the slot
     * is held until fn settles. Use it when work that must not be wasted on a
     * refused render (reserving tags) comes between the two.
     */
    async admitted<R>(fn: (run: RunRender) => Promise<R>): Promise<R> {
      const scope = renderScope.getStore();
      const release = admit(scope?.user);
      try {
        // Let the event loop take in what else has arrived (lookups, the other requests of a burst)
        // before this request's reads: they are the costly part left on the main thread.
        await new Promise((resolve) => setImmediate(resolve));
        return await fn((task) => runOnPool(task, scope));
      } finally {
        release();
      }
    },

    /** Starts the threads if need be and waits until one answers (start-up, tests). */
    async warm(): Promise<void> {
      if (closed) throw new AppError('service.unavailable');
      await started().run(null);
    },

    stats(): { inFlight: number; queued: number; threads: number } {
      return { inFlight, queued: pool?.queueSize ?? 0, threads: pool?.threads.length ?? 0 };
    },

    /** Ends the threads; renders still queued or running are answered 503. */
    async close(): Promise<void> {
      closed = true;
      const p = pool;
      pool = null;
      if (p) await p.destroy();
    },
  };
}

export type RenderPool = ReturnType<typeof createRenderPool>;
