import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';

/** The Fastify instance every routes file registers on: zod-typed schemas, default server. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** One registered route and what it declared about who may call it. */
export interface RouteInfo {
  method: string;
  url: string;
  access: { public: true } | { roles: readonly string[] } | undefined;
}
