import type { FastifyLoggerOptions } from 'fastify';
import type { LoggerOptions } from 'pino';

/**
 * pino options shared by the server and the scripts. Tokens, passwords and
 * participants' personal data never reach a log line.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.token',
  '*.displayName',
  '*.contact',
  'body.password',
  'body.token',
];

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyLoggerOptions & LoggerOptions & { stream?: NodeJS.WritableStream } {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    ...(stream ? { stream } : {}),
  };
}
