import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';

export interface Document {
  body: Buffer | string | Readable;
  contentType: string;
  filename: string;
  /** attachment for downloads (CSV), inline for what a browser shows (PDF, PNG). */
  disposition?: 'inline' | 'attachment';
}

/**
 * Sends a file-like answer (PDF, CSV, ZPL, PNG). Fastify passes strings,
 * buffers and streams through as they are, past a route's JSON response
 * schema; the cast only tells the type provider so.
 */
export function sendDocument(reply: unknown, doc: Document): FastifyReply {
  const r = reply as FastifyReply;
  return r
    .type(doc.contentType)
    .header('content-disposition', `${doc.disposition ?? 'inline'}; filename="${doc.filename}"`)
    .send(doc.body);
}
