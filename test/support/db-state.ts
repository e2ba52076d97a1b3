/**
 * What a test compares to show a request wrote nothing: every table's row
 * count and a digest of its rows, on either engine.
 */
import { createHash } from 'node:crypto';
import { engineOf } from '../../src/core/db.js';
import { POSTGRES_ONLY_TABLES } from '../../src/db-schema.pg.js';
import type { TestApp } from '../helpers.js';

/** Table name -> `rows:digest`. */
export type DbState = Map<string, string>;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The application's tables, sorted: SQLite's (sqlite_sequence included) or PostgreSQL's public schema (the migration journal lives in the drizzle schema). */
export async function tableNames(t: Pick<TestApp, 'db' | 'rows'>): Promise<string[]> {
  const rows =
    engineOf(t.db) === 'postgres'
      ? await t.rows<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'")
      : await t.rows<{ name: string }>("select name from sqlite_master where type = 'table'");
  return rows.map((r) => r.name).sort();
}

/**
 * Every table but those left out, with its rows in a canonical order (the
 * digest does not depend on where the engine keeps a row). On SQLite the
 * AUTOINCREMENT counters of compared tables (sqlite_sequence) count too; a
 * PostgreSQL sequence moves even when its transaction rolls back, so it is
 * not part of the state there (docs/postgresql.md), nor are the limiters'
 * counters (src/db-schema.pg.ts POSTGRES_ONLY_TABLES).
 */
export async function dbState(t: Pick<TestApp, 'db' | 'rows'>, uncompared: ReadonlySet<string>): Promise<DbState> {
  // PostgreSQL's limiter counters (a refused login counts a failure there, in memory on SQLite) are not records.
  const names = (await tableNames(t)).filter((name) => !uncompared.has(name) && !POSTGRES_ONLY_TABLES.includes(name));
  const state: DbState = new Map();
  if (engineOf(t.db) === 'postgres') {
    // One round trip: the server digests each table's rows as text.
    const digests = await t.rows<{ name: string; n: number | string; digest: string }>(
      names
        .map((name) => `select '${name.replace(/'/g, "''")}' as name, count(*) as n, coalesce(md5(string_agg(x::text, '|' order by x::text)), '') as digest from ${quote(name)} x`)
        .join(' union all '),
    );
    for (const { name, n, digest } of digests) state.set(name, `${Number(n)}:${digest.slice(0, 16)}`);
    return state;
  }
  for (const name of names) {
    const statement =
      name === 'sqlite_sequence'
        ? `select * from sqlite_sequence where name not in (${[...uncompared].map((n) => `'${n.replace(/'/g, "''")}'`).join(', ')})`
        : `select * from ${quote(name)}`;
    const rows = (await t.rows(statement)).map((row) => JSON.stringify(row)).sort();
    state.set(name, `${rows.length}:${createHash('sha256').update(rows.join('\n')).digest('hex').slice(0, 16)}`);
  }
  return state;
}
