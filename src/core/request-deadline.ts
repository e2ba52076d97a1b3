import type { FastifyInstance } from 'fastify';

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
 */
export function registerRequestDeadline(app: FastifyInstance, timeoutMs: number): void {
  app.decorateRequest('bodyDeadline', null);
  const clear = (request: { bodyDeadline: NodeJS.Timeout | null }) => {
    if (request.bodyDeadline) clearTimeout(request.bodyDeadline);
    request.bodyDeadline = null;
  };
  app.addHook('onRequest', (request, _reply, done) => {
    request.bodyDeadline = setTimeout(() => request.raw.socket?.destroy(), timeoutMs);
    request.bodyDeadline.unref();
    done();
  });
  // The body has been read and parsed by preValidation.
  app.addHook('preValidation', (request, _reply, done) => {
    clear(request);
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    clear(request);
    done();
  });
  app.addHook('onRequestAbort', (request, done) => {
    clear(request);
    done();
  });
}
