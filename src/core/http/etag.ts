import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';

/**
 * Entity tags of versioned resources and the If-Match preconditions that name
 * them (RFC 9110 §8.8.3, §13.1.1). Services take and report plain version
 * numbers; only this module knows how a version looks on the wire.
 */

/** Strong ETag of a device's representation: it changes whenever the version does. */
export const deviceEtag = (version: number) => `"v${version}"`;

/** Answers with the ETag of the version the device is at now. */
export function setDeviceEtag(reply: FastifyReply, version: number): FastifyReply {
  return reply.header('etag', deviceEtag(version));
}

/** Where a created resource can be read. */
export function setLocation(reply: FastifyReply, path: string): FastifyReply {
  return reply.header('location', path);
}

function parseIfMatch(header: string | string[] | undefined): number | '*' | undefined {
  if (typeof header !== 'string') return undefined;
  const value = header.trim();
  if (value === '*') return '*';
  // If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag never matches.
  const m = /^"v(\d{1,12})"$/.exec(value);
  return m ? Number(m[1]) : -1;
}

/** The version an optional If-Match names on a lifecycle action; a malformed value never matches, `*` matches any. */
export function ifMatchVersion(request: FastifyRequest): number | undefined {
  const parsed = parseIfMatch(request.headers['if-match']);
  return parsed === '*' ? undefined : parsed;
}

/** An edit needs the version the caller read: the version If-Match names, or 'any' for `*`. */
export function requiredIfMatch(request: FastifyRequest): number | 'any' {
  const parsed = parseIfMatch(request.headers['if-match']);
  if (parsed === undefined) throw new AppError('devices.if_match_required', 'Send If-Match with the ETag from GET /devices/{tag}.');
  return parsed === '*' ? 'any' : parsed;
}
