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

/**
 * `column` is one of a list of integer ids bound as one value: the list of
 * any length fits one prepared statement. Bind what `idList` makes of the
 * ids to the placeholder `name`: SQLite reads a JSON array with json_each,
 * PostgreSQL an int array with `= any(...)`.
 */
export function inIdList(db: Db, column: SQLWrapper, name: string): SQL {
  return engineOf(db) === 'postgres' ? sql`${column} = any(${sql.placeholder(name)}::int[])` : sql`${column} in (select value from json_each(${sql.placeholder(name)}))`;
}

/** The value `inIdList`'s placeholder takes for these ids. */
export function idList(db: Db, ids: readonly number[]): string | readonly number[] {
  return engineOf(db) === 'postgres' ? ids : JSON.stringify(ids);
}
