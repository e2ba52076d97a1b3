import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { Clock } from '../../core/clock.js';
import { AppError } from '../../core/errors.js';
import { sendProblem } from '../../core/http-errors.js';
import { API_PREFIX } from '../../core/http/api.js';
import { can, isPermission, rolesFor, type Permission, type Role } from '../auth/permissions.js';
import type { RequestLimiter } from './limits.js';
import type { Actor, UsersService } from './users.service.js';

/** What a route says about who may call it: a permission of the map, or public. Every route under /api/v1 must say it. */
export type RouteAccess = { public: true } | { permission: Permission };

/** A route's access with the permission resolved to its roles through the map. */
export type ResolvedAccess = { public: true } | { permission: Permission; roles: readonly Role[] };

/**
 * The access a route declared, resolved through the permission map; undefined
 * when it declared none. A permission the map does not hold refuses the route,
 * so a typo fails at start-up instead of locking everyone out.
 */
export function resolveAccess(route: { method: unknown; url: string; config?: { access?: RouteAccess } | undefined }): ResolvedAccess | undefined {
  const access = route.config?.access;
  if (!access || 'public' in access) return access;
  if (typeof access.permission !== 'string' || !isPermission(access.permission)) {
    throw new Error(`Route ${String(route.method)} ${route.url} declares the permission ${String(access.permission)}, which the permission map does not hold`);
  }
  return { permission: access.permission, roles: rolesFor(access.permission) };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    actor: Actor | null;
    bearerToken: string | null;
  }
}

export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+([A-Za-z0-9_-]{20,200})\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** The authenticated user of a route that declared a permission; throws if the route was public. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('auth.unauthenticated');
  return request.actor;
}

/**
 * Authentication and role checks run in onRequest, after the request
 * limiter and before the body is read: a caller without the right learns
 * nothing about a route's body (401/403, never 400 or 415), and the routes
 * that take large files (wipe and hardware reports, 16 MiB) never buffer one
 * for a caller who may not send it.
 */
export function registerAuth(app: FastifyInstance, deps: { users: UsersService; clock: Clock; requestLimiter: RequestLimiter | null }): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('bearerToken', null);

  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith(API_PREFIX)) return;
    if (route.method === 'HEAD' || (Array.isArray(route.method) && route.method.includes('HEAD'))) return;
    const access = resolveAccess(route);
    if (!access || ('roles' in access && access.roles.length === 0)) {
      throw new Error(`Route ${String(route.method)} ${route.url} does not declare its access (config.access)`);
    }
  });

  // A callback hook: a remembered session (the usual case) is admitted without a promise.
  app.addHook('onRequest', (request, reply, done) => {
    const access = request.routeOptions.config.access;
    if (!access || 'public' in access) return done();
    const token = bearerToken(request);
    if (!token) return refuse(reply, null);
    const remembered = deps.users.remembered(token);
    if (remembered) return admit(request, reply, done, access.permission, token, remembered);
    deps.users.authenticate(token).then((actor) => settle(done, () => (actor ? admit(request, reply, done, access.permission, token, actor) : refuse(reply, token))), done);
  });

  /** After a promise, an error of the next step still reaches Fastify's error handler (as an async hook's would). */
  function settle(done: HookHandlerDoneFunction, step: () => void): void {
    try {
      step();
    } catch (err) {
      done(err as Error);
    }
  }

  function refuse(reply: FastifyReply, token: string | null): void {
    reply.header('www-authenticate', 'Bearer');
    sendProblem(reply, new AppError('auth.unauthenticated', token ? 'The token is unknown, expired or revoked.' : 'Send Authorization: Bearer <token>.'));
  }

  /** The request limiter, then the role; done() only when the request may go on. */
  function admit(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, permission: Permission, token: string, actor: Actor): void {
    const limiter = deps.requestLimiter;
    if (!limiter) return authorize(request, reply, done, permission, token, actor);
    limiter.count(actor.id, deps.clock.now().getTime()).then(
      (wait) =>
        settle(done, () => {
          if (wait <= 0) return authorize(request, reply, done, permission, token, actor);
          const retry = Math.max(1, Math.ceil(wait / 1000));
          sendProblem(reply, new AppError('rate_limited', `At most ${limiter.perMinute} requests a minute per user.`, { retryAfterSeconds: retry }));
        }),
      done,
    );
  }

  function authorize(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction, permission: Permission, token: string, actor: Actor): void {
    if (!can(actor.role, permission)) {
      sendProblem(reply, new AppError('auth.forbidden', `This needs one of the roles: ${rolesFor(permission).join(', ')}.`));
      return;
    }
    request.actor = actor;
    request.bearerToken = token;
    done();
  }
}
