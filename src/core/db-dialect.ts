/**
 * SQL that the two engines spell differently, chosen by `engineOf(db)`: a
 * repository writes its query once and asks here for the fragment that
 * differs (docs/postgresql.md, "One data layer").
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { engineOf, type Db } from './db.js';

/**
 * The distinct values of a group as one JSON array, in ascending order (a
 * null included, last on PostgreSQL, first on SQLite), parsed: SQLite's
 * json_group_array answers text, PostgreSQL's json_agg a parsed array.
 */
export function distinctJsonArray<T>(db: Db, value: SQLWrapper): SQL<T[]> {
  const array = engineOf(db) === 'postgres' ? sql`json_agg(distinct ${value} order by ${value})` : sql`json_group_array(distinct ${value} order by ${value})`;
  return array.mapWith((v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as T[]);
}

/** count(*) as a number: PostgreSQL's count is a bigint, which node-postgres answers as a string. */
export const countRows = (): SQL<number> => sql`count(*)`.mapWith(Number);
