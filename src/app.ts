import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import { registerAuth } from './core/auth.js';
import type { Clock } from './core/clock.js';
import type { Db } from './core/db.js';
import { registerErrorHandling } from './core/http-errors.js';
import { registerIdempotency } from './core/idempotency.js';
import { registerSecurityHeaders } from './core/security-headers.js';
import { loggerOptions } from './core/logger.js';
import { createServices, type Services } from './container.js';
import { registerRoutes } from './routes.js';

export type App = FastifyInstance & { services: Services };

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  /** Log level override; tests pass 'silent'. */
  logLevel?: string;
  /** Log destination override (tests capture lines to check redaction). */
  logStream?: NodeJS.WritableStream;
  /** scrypt cost for new password hashes; tests lower it for speed. */
  scryptN?: number;
  /** Random source for the verification sample; tests make it deterministic. */
  random?: () => number;
}

export interface RouteInfo {
  method: string;
  url: string;
  access: { public: true } | { roles: readonly string[] } | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}

/** Builds the whole service on the given database; does not listen. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db, clock } = deps;
  const app = Fastify({
    logger: loggerOptions(deps.logLevel ?? config.logLevel, deps.logStream),
    genReqId: () => randomUUID(),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  // JSON only: any other body type is 415, not parsed as text.
  app.removeContentTypeParser(['text/plain']);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const services = createServices({ db, clock, config, scryptN: deps.scryptN, random: deps.random });
  app.decorate('services', services);

  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: route.url, access: route.config?.access });
    }
    const access = route.config?.access;
    if (access && 'roles' in access && route.schema) {
      route.schema = {
        ...route.schema,
        security: [{ bearerAuth: [] }],
        description: [route.schema.description, `Roles: ${access.roles.join(', ')}.`].filter(Boolean).join('\n\n'),
      };
    }
  });

  registerErrorHandling(app);
  registerAuth(app, { users: services.users, clock, rateLimitPerMinute: config.rateLimitPerMinute });
  registerIdempotency(app, { db, clock });

  registerSecurityHeaders(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'refurb-ledger',
        version: '1',
        description: 'Inventory, custody and data-sanitization records for a computer refurbishment workshop.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { validatorUrl: null } });

  registerRoutes(app, services);
  app.addHook('onClose', async () => {
    await services.reports.close();
  });
  await app.ready();
  return app as unknown as App;
}
