import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { serializerCompiler } from './core/http/compiled-serializer.js';
import { validatorCompiler } from './core/http/compiled-validator.js';
import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import type { Db } from './core/db.js';
import { AppError } from './core/errors.js';
import { registerErrorHandling, sendProblem, toProblem } from './core/http-errors.js';
import { registerStrictJson, registerUnicodeCheck } from './core/json-body.js';
import { armBodyDeadline, registerRequestDeadline } from './core/request-deadline.js';
import { registerRenderScope } from './core/render-pool.js';
import { securityHeadersOf, setSecurityHeaders } from './core/security-headers.js';
import { loggerOptions, requestLineLogger, requestLoggerFactory, RequestLineController, serverLogStream } from './core/logger.js';
import { API_PREFIX, type RouteInfo } from './core/http/api.js';
import { completeDocument, operationFacts, type OperationFacts } from './core/http/contract.js';
import { registerIdempotency } from './modules/idempotency/idempotency.js';
import { registerAuth, resolveAccess } from './modules/users/authentication.js';
import { createServices, type Services } from './container.js';
import type { ChangeNotices, PostgresNoticeOptions } from './core/db-notices.js';
import { ROUTE_TAGS, registerRoutes } from './routes.js';

/** The service's licence (package.json), as the document states it. */
const LICENSE = 'AGPL-3.0-or-later';

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
  /** The lease and ping of the instances' change notices on PostgreSQL (db-notices.ts); tests shorten them. */
  noticeTiming?: PostgresNoticeOptions;
  /** The change notices themselves, instead of the engine's (tests). */
  notices?: ChangeNotices;
}

export type { RouteInfo };

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}

/** Builds the whole service on the given database; does not listen. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db, clock } = deps;
  const logLevel = deps.logLevel ?? config.logLevel;
  const logStream = deps.logStream ?? serverLogStream(logLevel);
  const app = Fastify({
    logger: loggerOptions(logLevel, logStream),
    genReqId: () => randomUUID(),
    // One line per request, at completion, without a child logger or redaction on the way (see logger.ts).
    logController: new RequestLineController(requestLineLogger(logLevel, logStream)),
    childLoggerFactory: requestLoggerFactory,
    bodyLimit: config.bodyLimitBytes,
    requestTimeout: config.requestTimeoutMs,
    connectionTimeout: config.requestTimeoutMs,
    return503OnClosing: true,
    // Node enforces requestTimeout only as often as it checks connections (30 s by default):
    // check often enough that a slow-drip client is cut close to the limit.
    http: { connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs) },
    frameworkErrors: (error, request, reply) => {
      // Router errors (a bad escape, an over-long path parameter) as problem+json too.
      const code = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 'request.uri_too_long' : 'request.invalid';
      void sendProblem(reply, new AppError(code, code === 'request.invalid' ? 'The URL is malformed.' : 'A path segment is too long.'));
    },
    clientErrorHandler: (err: NodeJS.ErrnoException, socket) => {
      // Errors Node's HTTP parser raises before Fastify sees a request (bad header bytes, too many headers).
      if (!socket.writable) return socket.destroy();
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const problem = toProblem(new AppError(tooLarge ? 'request.header_too_large' : 'request.invalid', tooLarge ? 'The request headers are too large.' : 'The request is malformed.'));
      const body = JSON.stringify(problem);
      socket.end(
        `HTTP/1.1 ${problem.status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  // JSON only: any other body type is 415, not parsed as text; and JSON strictly (see json-body.ts).
  app.removeContentTypeParser(['text/plain', 'application/json']);
  registerStrictJson(app, config.bodyLimitBytes);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const services = createServices({ db, clock, config, scryptN: deps.scryptN, random: deps.random, noticeOptions: { ...deps.noticeTiming, log: app.log }, notices: deps.notices });
  app.decorate('services', services);
  // The first start names the first site from the configuration (docs/domain.md §8).
  await services.sites.nameFirstSite({ code: config.siteCode, name: config.siteName, nameSyllabics: config.siteNameSyllabics, assetTagPrefix: config.assetTagPrefix, timezone: config.siteTimeZone });

  const routeTable: RouteInfo[] = [];
  app.decorate('routeTable', routeTable);
  const operations: OperationFacts[] = [];
  app.addHook('onRoute', (route) => {
    const access = resolveAccess(route);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routeTable.push({ method, url: route.url, access });
      const kind = access === undefined ? undefined : 'public' in access ? 'public' : 'authenticated';
      operations.push(operationFacts(method, route.url, kind, route.schema, route.config?.contract));
    }
    route.config = { ...route.config, securityHeaders: securityHeadersOf(route) };
    if (access && 'roles' in access && route.schema) {
      route.schema = {
        ...route.schema,
        security: [{ bearerAuth: [] }],
        description: [route.schema.description, `Roles: ${access.roles.join(', ')}.`].filter(Boolean).join('\n\n'),
      };
    }
  });

  registerErrorHandling(app, { db, clock });
  registerUnicodeCheck(app);
  registerIdempotency(app, { db, clock });

  registerRequestDeadline(app);
  // One callback hook for what every request needs first: no promise and no closure per request.
  const requestTimeoutMs = config.requestTimeoutMs;
  app.addHook('onRequest', (request, reply, done) => {
    setSecurityHeaders(request, reply);
    armBodyDeadline(request, reply, requestTimeoutMs);
    done();
  });
  registerRenderScope(app, config.requestTimeoutMs);
  // After the security headers and the request deadline (onRequest): a refusal carries the headers every answer does.
  registerAuth(app, { users: services.users, clock, requestLimiter: services.requestLimiter });

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
    // Errors, headers, media types and ids the zod schemas do not say (see core/http/contract.ts).
    transformObject: (generated) =>
      'openapiObject' in generated ? (completeDocument(generated.openapiObject, operations, { prefix: API_PREFIX, license: LICENSE, tags: ROUTE_TAGS }) as typeof generated.openapiObject) : generated.swaggerObject,
  });
  // No staticCSP: the plugin's own policy allows https: styles and fonts and upgrade-insecure-requests (which breaks
  // the plain-HTTP LAN); /docs keeps the service's policy from security-headers.ts, which the bundled UI needs no more than.
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });

  registerRoutes(app, services);
  app.addHook('onClose', async () => {
    await services.notices.close();
    await services.reports.close();
    await services.renderPool.close();
  });
  await app.ready();
  // Instances on one PostgreSQL database hear each other's revocations from here on.
  await services.notices.start();
  return app as unknown as App;
}
