import type { RouteOptions } from 'fastify';

type RouteHookName = 'preValidation' | 'preHandler' | 'onSend' | 'onResponse';

/**
 * Adds a lifecycle hook to one route, from an onRoute hook: the routes that
 * need it run it, and the others (a lookup) have no hook to run at all.
 * Fastify runs a route's own hooks after the application's, in the order
 * they were added. A hook the route has already is not added again.
 * (Fastify copies a GET's options for its HEAD route before onRoute runs,
 * then runs onRoute for the HEAD route too: it gets its own hooks.)
 */
export function addRouteHook(route: RouteOptions, name: RouteHookName, hook: (...args: never[]) => unknown): void {
  const current = route[name] as unknown;
  const list = current === undefined || current === null ? [] : Array.isArray(current) ? (current as unknown[]) : [current];
  if (list.includes(hook)) return;
  (route as unknown as Record<RouteHookName, unknown[]>)[name] = [...list, hook];
}

/** The methods whose request Fastify never reads a body for (its `bodyless` set). */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

/** Whether any of a route's methods may carry a body that Fastify parses. */
export function routeTakesBody(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return methods.some((m) => !BODYLESS.has(m));
}

/** Whether any of a route's methods changes something (the methods Idempotency-Key applies to). */
export function routeMutates(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return methods.some((m) => m === 'POST' || m === 'PUT' || m === 'PATCH' || m === 'DELETE');
}
