import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ReportKind } from './wipe-reports.service.js';

/** What this route accepts, at most: a ShredOS stick's log of many drives fits many times over. */
export const WIPE_REPORT_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * A request body kept as the bytes sent. The bytes are a private field, so
 * the service's body-wide checks (Unicode, Idempotency-Key fingerprints) see
 * only its kind and digest, never walk 16 MiB byte by byte.
 */
export class RawBody {
  readonly #bytes: Buffer;
  readonly kind: ReportKind;
  readonly sha256: string;
  constructor(kind: ReportKind, bytes: Buffer) {
    this.#bytes = bytes;
    this.kind = kind;
    this.sha256 = createHash('sha256').update(bytes).digest('hex');
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

/**
 * In the (encapsulated) context of the wipe-report routes only: text, JSON
 * and PDF bodies are read as bytes up to WIPE_REPORT_LIMIT_BYTES, not parsed
 * (the service parses them, knowing what each format is).
 */
export function acceptRawReports(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  const add = (type: string, kind: ReportKind) =>
    app.addContentTypeParser(type, { parseAs: 'buffer', bodyLimit: WIPE_REPORT_LIMIT_BYTES }, (_request, body: Buffer, done) => done(null, new RawBody(kind, body)));
  add('text/plain', 'text');
  add('application/json', 'json');
  add('application/pdf', 'pdf');
}
