import type { FastifyBaseLogger, FastifyLoggerOptions, FastifyReply, FastifyRequest } from 'fastify';
import { LogController } from 'fastify';
import pino, { type Bindings, type ChildLoggerOptions, type Level, type LoggerOptions } from 'pino';

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
 * its CPU time) and in batches: lines are written once 4 KiB are buffered, or
 * within 250 ms (an asynchronous write per line still cost a lookup at `info`
 * several microseconds of the main thread). Lines buffered when the process
 * exits, normally or on an uncaught exception, are flushed synchronously by
 * pino's exit handler; only a SIGKILL or a power cut can lose the last few.
 *
 * The 250 ms flush runs only when a line came since the last one: SonicBoom's
 * own periodic flush writes even an empty buffer, which woke an idle server
 * four times a second for a write of nothing. `dest` is a file descriptor
 * (standard output unless a test gives another).
 *
 * The lines are gathered here and handed to SonicBoom a batch at a time:
 * SonicBoom measures the UTF-8 length of everything it holds on every write,
 * which cost each request line 3 to 9 µs with 4 KiB held. Every flush, the
 * exit handler's included, takes the gathered lines first.
 */
export function serverLogStream(level: string, dest = 1): NodeJS.WritableStream | undefined {
  if (level === 'silent') return undefined;
  const boom = pino.destination({ dest, sync: false, minLength: 0 });
  let unflushed = false;
  const gathered: string[] = [];
  let gatheredLength = 0;
  const write = boom.write.bind(boom);
  const handOver = () => {
    if (gathered.length === 0) return;
    const batch = gathered.join('');
    gathered.length = 0;
    gatheredLength = 0;
    write(batch);
  };
  boom.write = (chunk: string) => {
    unflushed = true;
    gathered.push(chunk);
    gatheredLength += chunk.length;
    if (gatheredLength >= BATCH_LENGTH) handOver();
    return true;
  };
  for (const method of ['flush', 'flushSync', 'end'] as const) {
    const original = boom[method].bind(boom) as (...args: unknown[]) => void;
    (boom as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      handOver();
      original(...args);
    };
  }
  const timer = setInterval(() => {
    if (!unflushed) return;
    unflushed = false;
    boom.flush();
  }, FLUSH_EVERY_MS);
  timer.unref();
  // Ended (pino's exit handler, a closed app): nothing more to flush.
  for (const event of ['finish', 'close'] as const) boom.once(event, () => clearInterval(timer));
  // SonicBoom is a stream in all but its typings.
  return boom as unknown as NodeJS.WritableStream;
}

/** How long a line of the server log may wait in the buffer. */
export const FLUSH_EVERY_MS = 250;
/** How much is gathered (in UTF-16 code units, about 4 KiB of ASCII) before it is written. */
const BATCH_LENGTH = 4096;

/** The label of the request id on every line about a request. */
export const REQUEST_ID_LABEL = 'requestId';

/**
 * Query parameters whose values are logged as they are: closed sets and
 * numbers. Any other value (a search text, a participant code, a cursor, a
 * parameter the service does not know, which could be a token) is logged as
 * `[redacted]`.
 */
const LOGGED_QUERY_VALUES = new Set(['status', 'category', 'grade', 'flag', 'sort', 'limit', 'format', 'lang', 'donationId', 'template', 'kind', 'from', 'to']);
/** What such a value looks like: a short word, number or date; anything else (a token sent by mistake) is redacted too. */
const LOGGED_VALUE = /^[\w.:-]{1,20}$/;

/** The URL as the request line logs it: the path, and the query with every value not known to be harmless redacted (a bare key too). */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return LOGGED_QUERY_VALUES.has(pair) ? pair : '[redacted]';
      const key = pair.slice(0, eq);
      return LOGGED_QUERY_VALUES.has(key) && LOGGED_VALUE.test(pair.slice(eq + 1)) ? pair : `${key}=[redacted]`;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}`;
}

/**
 * A request's logger, made for every request: the pino child logger with the
 * request id (and the redaction it inherits) is only built when a line about
 * the request is written, which on the hot path is never (the request line
 * is written by RequestLineController without it). A pino child per request
 * cost a lookup several microseconds even at `warn`.
 */
class RequestLogger {
  #child: pino.Logger | undefined;
  readonly #parent: pino.Logger;
  readonly #bindings: Bindings;
  constructor(parent: pino.Logger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  #logger(): pino.Logger {
    return (this.#child ??= this.#parent.child(this.#bindings));
  }

  #write(level: Level, args: unknown[]): void {
    // A level that is off writes nothing: no child for it.
    if (!(this.#child ?? this.#parent).isLevelEnabled(level)) return;
    const logger = this.#logger();
    Reflect.apply(logger[level], logger, args);
  }

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }
  set level(level: string) {
    this.#logger().level = level;
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options);
  }
}

/** Fastify's childLoggerFactory: a lazy request logger unless the route sets its own level or serializers. */
export function requestLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new RequestLogger(logger as pino.Logger, bindings);
}

/**
 * One line per request, written when it completes: method, URL (query values
 * redacted, see loggedUrl), status, time in ms, request id, user id and
 * remote address. It goes through its own pino logger without redaction:
 * every field is one the line builds from the request's scalars, never a
 * header or a body, so pino's redaction paths (wildcards walked on every
 * line) have nothing to do there. A request that failed with an error is
 * logged through the request's (redacting) logger, with the error's stack.
 *
 * The line is the one pino's `info(fields, 'request completed')` writes (its
 * level, time and bindings, the fields in that order, then the message), built
 * as one template and handed to the logger's stream: pino's general
 * serialization of the object cost a lookup about 5 µs at `info`.
 * test/core/logging.test.ts compares the two.
 */
export class RequestLineController extends LogController {
  /** pino's `,"pid":…,"hostname":"…"` of the lines' logger. */
  readonly #bindings: string;
  readonly #stream: { write(line: string): unknown };
  readonly #levelValue: number;
  constructor(private readonly lines: pino.Logger) {
    super({ requestIdLogLabel: REQUEST_ID_LABEL });
    const internals = lines as unknown as Record<symbol, unknown>;
    this.#bindings = internals[pino.symbols.chindingsSym] as string;
    this.#stream = internals[pino.symbols.streamSym] as { write(line: string): unknown };
    this.#levelValue = lines.levels.values['info']!;
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ err: error, statusCode: reply.statusCode, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    if (!this.lines.isLevelEnabled('info')) return;
    const ip = request.ip;
    // As pino leaves out an undefined field (a socket already gone has no address).
    const address = ip === undefined ? '' : `,"remoteAddress":${JSON.stringify(ip)}`;
    this.#stream.write(
      `{"level":${this.#levelValue},"time":${Date.now()}${this.#bindings},"${REQUEST_ID_LABEL}":${JSON.stringify(request.id)},"method":${JSON.stringify(request.method)},` +
        `"url":${JSON.stringify(loggedUrl(request.url))},"statusCode":${reply.statusCode},"responseTime":${Math.round(reply.elapsedTime * 100) / 100},` +
        `"userId":${request.actor?.id ?? null}${address},"msg":"request completed"}\n`,
    );
  }
}

/** The logger of the request lines: the server's level and stream, no redaction (see RequestLineController). */
export function requestLineLogger(level: string, stream: NodeJS.WritableStream | undefined): pino.Logger {
  return stream ? pino({ level }, stream as pino.DestinationStream) : pino({ level });
}
