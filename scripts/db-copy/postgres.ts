/**
 * The PostgreSQL side of a copy, on the raw pg driver: a source read inside
 * one REPEATABLE READ transaction (one snapshot for the copy and its
 * verification), and a target that must be empty, is migrated with
 * migrations/pg when it has no tables yet, and takes the whole copy in one
 * transaction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { POSTGRES_ONLY_TABLES } from '../../src/db-schema.pg.js';
import type { TablePlan } from './plan.js';
import { keyText, journalLength } from './sqlite.js';
import { CopyRefused, quote, type HighWater, type Reader, type Row } from './types.js';

export const PG_MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations/pg');

/** The URL without its password, for messages and summaries. */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unreadable PostgreSQL URL)';
  }
}

function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return err.errors.map(reasonOf).join('; ');
  if (err instanceof Error) return err.message || (err as NodeJS.ErrnoException).code || err.name;
  return String(err);
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new CopyRefused(`Cannot connect to PostgreSQL at ${shownUrl(url)}: ${reasonOf(err)}`, { cause: err });
  }
  // A broken connection mid-copy surfaces as the failing query's error; this only keeps the process alive to report it.
  client.on('error', () => undefined);
  return client;
}

async function migrationsApplied(client: pg.Client): Promise<number> {
  const journal = await client.query<{ t: string | null }>("select to_regclass('drizzle.__drizzle_migrations')::text as t");
  if (journal.rows[0]?.t == null) return 0;
  const n = await client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
  return n.rows[0]?.n ?? 0;
}

/** The tables of the schema's public schema, leaving out the limits' counters (POSTGRES_ONLY_TABLES): ephemeral, never copied. */
async function publicTables(client: pg.Client): Promise<Map<string, string[]>> {
  const res = await client.query<{ table_name: string; column_name: string }>(
    "select table_name, column_name from information_schema.columns where table_schema = 'public' order by table_name, ordinal_position",
  );
  const tables = await client.query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'");
  const shape = new Map<string, string[]>(tables.rows.filter((r) => !POSTGRES_ONLY_TABLES.includes(r.tablename)).map((r) => [r.tablename, []]));
  for (const r of res.rows) shape.get(r.table_name)?.push(r.column_name);
  return shape;
}

function readerOn(client: pg.Client, label: string): Reader {
  let cursors = 0;
  return {
    label,
    async *rows(table, batchSize) {
      const textKeys = new Set(table.columns.filter((c) => c.kind === 'text').map((c) => c.name));
      // Byte order for text keys, as SQLite's BINARY collation sorts them.
      const order = table.key.map((k) => (textKeys.has(k) ? `${quote(k)} collate "C"` : quote(k))).join(', ');
      const cursor = `db_copy_${++cursors}`;
      await client.query(`declare ${cursor} no scroll cursor for select ${table.columns.map((c) => quote(c.name)).join(', ')} from ${quote(table.name)} order by ${order}`);
      try {
        for (;;) {
          const res = await client.query<Row>({ text: `fetch forward ${Math.trunc(batchSize)} from ${cursor}`, rowMode: 'array' });
          if (res.rows.length === 0) break;
          yield res.rows;
        }
      } finally {
        await client.query(`close ${cursor}`);
      }
    },
    async highWater(tables) {
      const marks: HighWater = {};
      for (const t of tables) {
        if (!t.identity) continue;
        const seq = await sequenceOf(client, t);
        const res = await client.query<{ last_value: string; is_called: boolean }>(`select last_value::text, is_called from ${seq}`);
        const row = res.rows[0];
        if (row?.is_called && Number(row.last_value) > 0) marks[t.name] = Number(row.last_value);
      }
      return marks;
    },
  };
}

async function sequenceOf(client: pg.Client, table: TablePlan): Promise<string> {
  const res = await client.query<{ seq: string | null }>('select pg_get_serial_sequence($1, $2) as seq', [quote(table.name), table.identity]);
  const seq = res.rows[0]?.seq;
  if (!seq) throw new Error(`${table.name}.${table.identity} has no identity sequence on PostgreSQL`);
  return seq;
}

export interface PgSource extends Reader {
  migrations: { applied: number; expected: number };
  shape: Map<string, string[]>;
  close(): Promise<void>;
}

export async function openPgSource(url: string): Promise<PgSource> {
  const client = await connect(url);
  try {
    const applied = await migrationsApplied(client);
    const shape = await publicTables(client);
    await client.query('begin isolation level repeatable read read only');
    return {
      ...readerOn(client, shownUrl(url)),
      migrations: { applied, expected: journalLength(PG_MIGRATIONS) },
      shape,
      async close() {
        await client.query('rollback').catch(() => undefined);
        await client.end();
      },
    };
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** Tables the PostgreSQL migrations write rows into, read from their SQL: the only tables an empty target may hold rows in. */
function tablesSeededByMigrations(): Set<string> {
  const seeded = new Set<string>();
  for (const file of fs.readdirSync(PG_MIGRATIONS).filter((f) => f.endsWith('.sql'))) {
    const text = fs.readFileSync(path.join(PG_MIGRATIONS, file), 'utf8');
    for (const m of text.matchAll(/insert\s+into\s+"?([a-z0-9_]+)"?/gi)) if (m[1]) seeded.add(m[1]);
  }
  return seeded;
}

export interface PgTarget extends Reader {
  seeded: string[];
  appendOnly: Set<string>;
  /** Migrations this run applied (0 when the target was migrated already). */
  migrationsApplied: number;
  begin(): Promise<void>;
  deleteAll(table: string): Promise<void>;
  insert(table: TablePlan, rows: Row[]): Promise<void>;
  setHighWater(tables: readonly TablePlan[], marks: HighWater): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL takes at most 65,535 parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * Connects to the target and checks that it is empty: either no tables at all
 * (then migrations/pg is applied here), or migrated by these very migrations
 * with no row outside the tables they seed. Anything else is refused.
 */
export async function openPgTarget(url: string, tables: readonly TablePlan[]): Promise<PgTarget> {
  const shown = shownUrl(url);
  const client = await connect(url);
  try {
    const expected = journalLength(PG_MIGRATIONS);
    let applied = await migrationsApplied(client);
    let shape = await publicTables(client);
    let migratedHere = 0;
    if (shape.size === 0) {
      if (applied > 0) throw new CopyRefused(`${shown} has a migration journal (drizzle.__drizzle_migrations) but no tables: give an empty database.`);
      await migrate(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS });
      migratedHere = expected;
      applied = await migrationsApplied(client);
      shape = await publicTables(client);
    }
    if (applied !== expected) {
      throw new CopyRefused(`${shown} is not empty: it has tables, and ${applied} of the ${expected} migrations in migrations/pg applied. Give a database with no tables.`);
    }
    const known = new Set(tables.map((t) => t.name));
    const foreign = [...shape.keys()].filter((t) => !known.has(t));
    if (foreign.length > 0) throw new CopyRefused(`${shown} is not empty: it has tables the schema does not declare (${foreign.join(', ')}).`);
    const seedable = tablesSeededByMigrations();
    const withRows: string[] = [];
    for (const t of tables) {
      const res = await client.query<{ n: number }>(`select count(*)::int as n from ${quote(t.name)}`);
      const n = res.rows[0]?.n ?? 0;
      if (n === 0) continue;
      if (!seedable.has(t.name)) throw new CopyRefused(`${shown} is not empty: ${t.name} holds ${n} row(s). The copy goes only into an empty database.`);
      withRows.push(t.name);
    }
    const triggers = await client.query<{ name: string }>(
      // tgtype bit 3 (8) is DELETE: the append-only tables refuse it.
      `select distinct c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and not t.tgisinternal and (t.tgtype & 8) <> 0`,
    );
    return {
      ...readerOn(client, shown),
      seeded: withRows,
      appendOnly: new Set(triggers.rows.map((r) => r.name)),
      migrationsApplied: migratedHere,
      begin: async () => void (await client.query('begin')),
      deleteAll: async (table) => void (await client.query(`delete from ${quote(table)}`)),
      async insert(table, rows) {
        const width = table.columns.length;
        const perStatement = Math.max(1, Math.min(500, Math.floor(MAX_PARAMETERS / width)));
        const columns = table.columns.map((c) => quote(c.name)).join(', ');
        const keyIndexes = table.key.map((k) => table.columns.findIndex((c) => c.name === k));
        for (let start = 0; start < rows.length; start += perStatement) {
          const chunk = rows.slice(start, start + perStatement);
          const params: unknown[] = [];
          const tuples: string[] = [];
          for (const row of chunk) {
            row.forEach((v, i) => {
              if (typeof v === 'string' && v.includes('\u0000')) {
                throw new CopyRefused(nulMessage(table.name, keyText(table, keyIndexes.map((k) => row[k])), table.columns[i]?.name ?? '?'));
              }
            });
            tuples.push(`(${row.map((_, i) => `$${params.length + i + 1}`).join(', ')})`);
            params.push(...row);
          }
          await client.query(`insert into ${quote(table.name)} (${columns}) values ${tuples.join(', ')}`, params);
        }
      },
      async setHighWater(plan, marks) {
        for (const t of plan) {
          if (!t.identity) continue;
          const seq = await sequenceOf(client, t);
          const max = await client.query<{ n: number | null }>(`select max(${quote(t.identity)}) as n from ${quote(t.name)}`);
          // The source's high-water mark, or the largest copied id if that is higher: the next row numbered here comes after both.
          const mark = Math.max(marks[t.name] ?? 0, max.rows[0]?.n ?? 0);
          if (mark >= 1) await client.query('select setval($1::regclass, $2, true)', [seq, mark]);
          else await client.query('select setval($1::regclass, 1, false)', [seq]);
        }
      },
      commit: async () => void (await client.query('commit')),
      rollback: async () => void (await client.query('rollback')),
      close: () => client.end(),
    };
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

export function nulMessage(table: string, key: string, column: string): string {
  return `${table} row ${key}: column ${column} holds a NUL character (U+0000), which PostgreSQL text cannot store. Nothing was copied; correct that value on the source first.`;
}
