import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RouteContract } from './contract.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route answers beyond its zod schemas, for the OpenAPI document (see contract.ts). */
    contract?: RouteContract;
  }
}

/** Where the versioned API lives: every route under it declares its access. */
export const API_PREFIX = '/api/v1';

/** The Fastify instance every routes file registers on: zod-typed schemas, default server. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

/** One registered route and what it declared about who may call it: public, or a permission with the roles the permission map gives it. */
export interface RouteInfo {
  method: string;
  url: string;
  access: { public: true } | { permission: string; roles: readonly string[] } | undefined;
}
