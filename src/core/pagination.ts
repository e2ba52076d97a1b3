import { AppError } from './errors.js';

/** Opaque cursors: the last id of the page, wrapped so clients do not build them. */
export function encodeCursor(lastId: number): string {
  return Buffer.from(`v1:${lastId}`).toString('base64url');
}

/**
 * The largest row id: keys are integers below 2^31 on both engines
 * (docs/postgresql.md, Types), and PostgreSQL refuses a larger one where an
 * integer is compared, so ids in requests and cursors are bounded by it.
 */
export const MAX_ID = 2 ** 31 - 1;

export function decodeCursor(cursor: string): number {
  const m = /^v1:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || Number(m[1]) > MAX_ID) throw new AppError('request.invalid', 'The cursor is not one this service made.', { errors: [{ field: 'cursor', message: 'invalid cursor' }], location: 'query' });
  return Number(m[1]);
}

/**
 * One page of a list read with `limit + 1` rows: the extra row only says that
 * more follow, and the cursor is the last returned row's key.
 */
export function pageOf<T>(rows: T[], limit: number, keyOf: (row: T) => number): { page: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return { page, nextCursor: rows.length > limit ? encodeCursor(keyOf(page[page.length - 1]!)) : null };
}
