import type { FastifyInstance, FastifyReply, FastifyRequest, preValidationHookHandler } from 'fastify';
import { addRouteHook, BODYLESS_METHODS, routeTakesBody } from './http/route-hooks.js';

declare module 'fastify' {
  interface FastifyRequest {
    bodyDeadline: NodeJS.Timeout | null;
  }
}

/**
 * A request must arrive whole within the request timeout. Node's own
 * requestTimeout does not cut a client that trickles its body a byte at a time
 * once Fastify has taken the request, and the idle timeout restarts with every
 * byte, so such a client could hold a connection for ever: the socket is
 * destroyed if the body is not in by the deadline.
 *
 * The deadline is armed by armBodyDeadline in the app's onRequest hook, and
 * only for a request that has a body to wait for (a Content-Length other
 * than 0, or Transfer-Encoding) and a method whose body Fastify reads: a
 * lookup has none, and a timer set and cleared on every GET was pure cost.
 */
export function armBodyDeadline(request: FastifyRequest, reply: FastifyReply, timeoutMs: number): void {
  if (BODYLESS_METHODS.has(request.method)) return;
  const headers = request.headers;
  const length = headers['content-length'];
  if (headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) return;
  const deadline = setTimeout(destroySocket, timeoutMs, request);
  deadline.unref();
  request.bodyDeadline = deadline;
  // However the exchange ends (answered by its route or as a 404, or the client gone), the deadline goes with
  // it; a listener on this request only, where hooks on every route would cost every lookup.
  reply.raw.once('close', () => clear(request));
}

function destroySocket(request: FastifyRequest): void {
  request.raw.socket?.destroy();
}

function clear(request: FastifyRequest): void {
  if (request.bodyDeadline === null) return;
  clearTimeout(request.bodyDeadline);
  request.bodyDeadline = null;
}

/** The request's decoration and the hooks that clear its deadline. */
export function registerRequestDeadline(app: FastifyInstance): void {
  app.decorateRequest('bodyDeadline', null);
  // The body has been read and parsed by preValidation: on the routes that take one.
  const bodyRead: preValidationHookHandler = (request, _reply, done) => {
    clear(request);
    done();
  };
  app.addHook('onRoute', (route) => {
    if (routeTakesBody(route)) addRouteHook(route, 'preValidation', bodyRead);
  });
}
