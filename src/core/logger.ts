import type { FastifyLoggerOptions } from 'fastify';
import pino, { type LoggerOptions } from 'pino';

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

/**
 * Where the server logs when no stream is given: standard output, written
 * asynchronously (a synchronous write per line cost a lookup about a tenth of
 * its CPU time). Lines buffered when the process exits, normally or on an
 * uncaught exception, are flushed synchronously by pino's exit handler; only a
 * SIGKILL or a power cut can lose the last few.
 */
export function serverLogStream(level: string): NodeJS.WritableStream | undefined {
  if (level === 'silent') return undefined;
  // SonicBoom is a stream in all but its typings.
  return pino.destination({ dest: 1, sync: false }) as unknown as NodeJS.WritableStream;
}
