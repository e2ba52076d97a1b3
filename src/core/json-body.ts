import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import { AppError } from './errors.js';
import { addRouteHook, routeTakesBody } from './http/route-hooks.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function assertWellFormed(value: unknown, path: string): void {
  if (typeof value === 'string') {
    // A lone surrogate cannot be stored as UTF-8: refuse it rather than store replacement characters.
    if (!value.isWellFormed()) throw new AppError('request.invalid', `${path} holds an unpaired UTF-16 surrogate.`, { errors: [{ field: path, message: 'not well-formed Unicode' }], location: null });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertWellFormed(v, `${path}.${i}`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (!k.isWellFormed()) throw new AppError('request.invalid', `${path} has a key that is not well-formed Unicode.`);
      assertWellFormed(v, `${path}.${k}`);
    }
  }
}

/**
 * Lone surrogates are refused after authentication (a caller without the
 * right learns nothing about the body): register after the auth hook.
 */
export function registerUnicodeCheck(app: FastifyInstance): void {
  const check: preValidationHookHandler = (request, _reply, done) => {
    try {
      if (request.body !== undefined && request.body !== null) assertWellFormed(request.body, 'body');
      done();
    } catch (err) {
      done(err as Error);
    }
  };
  // Only on routes whose requests can carry a body: Fastify reads none for a GET.
  app.addHook('onRoute', (route) => {
    if (routeTakesBody(route)) addRouteHook(route, 'preValidation', check);
  });
}

/**
 * JSON bodies, strictly: UTF-8 only (another charset is 415, invalid bytes are
 * 400, never silently replaced), no lone surrogates, and no `__proto__` or
 * `constructor.prototype` keys (prototype poisoning), as Fastify's own parser.
 */
export function registerStrictJson(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, body: Buffer, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new AppError('request.unsupported_media_type', `JSON must be UTF-8, not ${charset}.`), undefined);
    }
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new AppError('request.malformed_json', 'The body is not valid UTF-8.'), undefined);
    }
    if (text.trim() === '') return done(new AppError('request.malformed_json', 'The JSON body is empty.'), undefined);
    try {
      const value: unknown = JSON.parse(text, function (this: unknown, key: string, v: unknown) {
        if (key === '__proto__' || (key === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype'))) {
          throw new AppError('request.malformed_json', 'The body has a forbidden __proto__ or constructor.prototype key.');
        }
        return v;
      });
      done(null, value);
    } catch (err) {
      // The parser's own message would describe its internals: keep it generic.
      done(err instanceof AppError ? err : new AppError('request.malformed_json', 'The body is not valid JSON.'), undefined);
    }
  });
}
