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
export const BODYLESS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'TRACE']);
/** The methods that change something: those Idempotency-Key applies to, and the contract's writes. */
export const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const methodsOf = (route: RouteOptions): string[] => (Array.isArray(route.method) ? route.method : [route.method]);

/** Whether any of a route's methods may carry a body that Fastify parses. */
export function routeTakesBody(route: RouteOptions): boolean {
  return methodsOf(route).some((m) => !BODYLESS_METHODS.has(m));
}

/** Whether any of a route's methods changes something. */
export function routeMutates(route: RouteOptions): boolean {
  return methodsOf(route).some((m) => MUTATING_METHODS.has(m));
}
