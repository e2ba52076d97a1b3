import type { FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from './http/api.js';
import type { RouteContract } from './http/contract.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The security headers of the route's answers, chosen once when it is registered (see securityHeadersOf). */
    securityHeaders?: Readonly<Record<string, string>>;
  }
}

/**
 * The headers helmet sets by default, computed once instead of per request
 * (helmet's per-request work was a sixth of a device lookup's cost here).
 * The workshop LAN is plain HTTP: no HSTS and no upgrade-insecure-requests.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' data:;form-action 'self';frame-ancestors 'none';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
});

/**
 * The security headers of an API route that answers JSON and nothing else.
 * Kept: the Content-Security-Policy (frame-ancestors 'none'), nosniff,
 * Cross-Origin-Resource-Policy (no cross-origin no-cors reads of the JSON),
 * Cross-Origin-Opener-Policy and X-Frame-Options (for a browser without
 * frame-ancestors). Left out, as they do nothing for a JSON answer:
 * Origin-Agent-Cluster and X-DNS-Prefetch-Control (HTML documents only),
 * Referrer-Policy (a JSON answer makes no requests), X-Download-Options
 * (IE8's "open" of a download), X-Permitted-Cross-Domain-Policies (Flash and
 * Acrobat policy files) and X-XSS-Protection: 0 (the legacy XSS auditor
 * reads HTML only). The six cost each JSON answer about a microsecond of
 * CPU (Node validates and formats every header in writeHead) and 330 bytes.
 */
export const JSON_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    ['content-security-policy', 'cross-origin-opener-policy', 'cross-origin-resource-policy', 'x-content-type-options', 'x-frame-options'].map((name) => [name, SECURITY_HEADERS[name]!]),
  ),
);

/**
 * The headers a route's answers get: the JSON set for an API route whose
 * success answers all have a response schema and that declares no document
 * (PDF, CSV...) in its contract; the whole set for anything else (pages,
 * /docs, documents, health checks), and for requests that match no route.
 */
export function securityHeadersOf(route: { url: string; schema?: { response?: unknown } | undefined; config?: { contract?: RouteContract } | undefined }): Readonly<Record<string, string>> {
  const contract = route.config?.contract;
  const response = route.schema?.response;
  const jsonOnly =
    route.url.startsWith(`${API_PREFIX}/`) &&
    typeof response === 'object' &&
    response !== null &&
    Object.keys(response).length > 0 &&
    contract?.documents === undefined &&
    contract?.status === undefined;
  return jsonOnly ? JSON_SECURITY_HEADERS : SECURITY_HEADERS;
}

/** Sets the security headers and the request's id on its answer; app.ts calls it first thing in its onRequest hook. */
export function setSecurityHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.headers(request.routeOptions.config.securityHeaders ?? SECURITY_HEADERS);
  reply.header('x-request-id', request.id);
}
