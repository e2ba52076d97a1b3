/**
 * The database module: the only place that knows the database is SQLite.
 * Opens the file with durable settings, applies the drizzle-kit migrations and
 * hands out a typed drizzle client. Everything else talks to `Db` and `Tx`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { isPostgresUniqueViolation, openPostgresHandle, PG_MIGRATIONS_FOLDER, WRITE_LOCK, type OpenPostgresOptions, type PostgresHandle } from './db-postgres.js';
import { publishVerifiedFile } from './published-file.js';
import { requestScope } from './request-context.js';
import { compiledAll } from './row-mapper.js';

// Untyped over the schema: modules import their own tables, and core knows none of them.
// Queries are written once, against the SQLite table objects, and always awaited
// (`await query`, never better-sqlite3's synchronous .get()/.all()/.run()), so that
// the same repository code runs on an asynchronous driver too (docs/domain.md §7).
type Queries = BaseSQLiteDatabase<'async', unknown>;
export type Db = Queries & { $client: Database.Database };
/** A transaction: the same query interface, on the connection that holds the transaction. */
export type Tx = Db;
/** Either the database or an open transaction: repositories take it as their first argument. */
export type Executor = Db;

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations/sqlite');

/** The PostgreSQL connections behind a Db opened with openPostgres; a Db absent here is SQLite. */
const postgresHandles = new WeakMap<object, PostgresHandle>();

export type Engine = 'sqlite' | 'postgres';

/** The SQLite file behind a Db, for a worker's own read-only connection; null in memory and on PostgreSQL. */
export function databaseFileOf(db: Db): string | null {
  if (postgresHandles.has(db) || db.$client.memory) return null;
  return db.$client.name;
}
export const engineOf = (db: Db): Engine => (postgresHandles.has(db) ? 'postgres' : 'sqlite');

/** The connection pool behind a PostgreSQL Db (its options open a connection of one's own: db-notices.ts). */
export function postgresPoolOf(db: Db): PostgresHandle['pool'] {
  const handle = postgresHandles.get(db);
  if (!handle) throw new Error('Not a PostgreSQL database.');
  return handle.pool;
}

/**
 * Opens a PostgreSQL database (DATABASE_URL), migrated (with `readOnly`, as it
 * is, every session read-only: the operator's checks). The handle answers
 * the same query interface as SQLite's; inside a transaction of the same flow
 * of work (writeTransaction, readTransaction) it runs on that transaction's
 * connection, so a use case reads its own writes as it does on SQLite.
 */
export async function openPostgres(options: OpenPostgresOptions): Promise<Db> {
  const handle = await openPostgresHandle(options);
  const base = handle.orm as unknown as Record<PropertyKey, unknown>;
  const db: Db = new Proxy(base, {
    get(target, prop) {
      if (prop === '$client') return handle.pool;
      const open = openTransaction.getStore();
      const source = (open?.db === db && open.tx ? open.tx : target) as Record<PropertyKey, unknown>;
      const value = source[prop];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(source) : value;
    },
  }) as unknown as Db;
  postgresHandles.set(db, handle);
  return db;
}

export interface OpenDatabaseOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  busyTimeoutMs?: number;
}

export function openDatabase(options: OpenDatabaseOptions): Db {
  if (options.path !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(options.path)), { recursive: true });
  const sqlite = new Database(options.path);
  // WAL lets readers run beside the writer; synchronous=FULL makes every
  // acknowledged commit survive a power cut (docs/domain.md §2, §7).
  if (options.path !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted content is overwritten with zeros, so an erased participant's name is not left in free pages (PIPEDA erasure).
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  const orm = drizzle({ client: sqlite });
  migrate(orm, { migrationsFolder: MIGRATIONS_FOLDER });
  return orm as unknown as Db;
}

/** A read-only connection to a migrated database file, for report workers. */
export function openReadOnlyDatabase(filePath: string): Db {
  const sqlite = new Database(filePath, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  return drizzle({ client: sqlite }) as unknown as Db;
}

/**
 * The PostgreSQL transaction open in this flow of work: the handle runs the
 * flow's queries on it, and a use case called inside another's transaction
 * joins it. SQLite needs no such context: a transaction there never lets
 * another flow run before it ends, so the one open on the connection is this
 * flow's (and Node 20 slows every promise once an AsyncLocalStorage is used).
 */
const openTransaction = new AsyncLocalStorage<{ db: Db; tx: unknown }>();
/** SQLite connections with a transaction open, and the savepoints taken in it so far. */
const sqliteOpen = new WeakMap<Database.Database, { savepoints: number }>();

/** Whether this flow already has a transaction open on db. */
function inOpenTransaction(db: Db): boolean {
  return postgresHandles.has(db) ? openTransaction.getStore()?.db === db : sqliteOpen.has(db.$client);
}

/**
 * Runs fn in an IMMEDIATE transaction: the write lock is taken at BEGIN, so
 * read-then-write cannot race. On SQLite every query resolves at once, so a
 * body that awaits nothing but the database runs to COMMIT before any other
 * request's code can use the connection; a body that waits on anything else
 * (a timer, a file, a worker) would let another request read its uncommitted
 * rows, so it is refused and rolled back. Called inside a transaction of the
 * same flow (a report import recording each drive), it runs in a savepoint
 * of that transaction. The request's Idempotency-Key commits with the
 * outermost transaction's effect, or not at all.
 */
export async function writeTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (inOpenTransaction(db)) return inSavepoint(db, fn);
  const idem = requestScope.getStore()?.idempotency;
  const recordsKey = idem !== undefined && !idem.recorded;
  const run = postgresHandles.has(db) ? runPostgresWrite : (d: Db, body: (tx: Tx) => Promise<T>) => runTransaction(d, 'begin immediate', body);
  const value = await run(db, async (tx) => {
    if (recordsKey) await idem.claim(tx);
    const v = await fn(tx);
    if (recordsKey) await idem.record(tx);
    return v;
  });
  if (recordsKey) idem.recorded = true;
  return value;
}

/** Runs fn on one consistent snapshot of the database (a DEFERRED transaction, rolled back at the end: it writes nothing). */
export async function readTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (inOpenTransaction(db)) return fn(db);
  const handle = postgresHandles.get(db);
  if (handle) {
    // One snapshot for every read, and nothing written.
    return handle.orm.transaction((tx) => openTransaction.run({ db, tx }, () => fn(db)), {
      isolationLevel: 'repeatable read',
      accessMode: 'read only',
    });
  }
  return runTransaction(db, 'begin deferred', fn, 'rollback');
}

async function runTransaction<T>(db: Db, begin: string, fn: (tx: Tx) => Promise<T>, end: 'commit' | 'rollback' = 'commit'): Promise<T> {
  const sqlite = db.$client;
  if (sqlite.inTransaction) throw new Error('Another flow of work has a transaction open on this connection');
  let waitedOutside = false;
  // Runs only if the event loop turns while the transaction is open.
  const turn = setImmediate(() => {
    waitedOutside = true;
  });
  sqlite.exec(begin);
  sqliteOpen.set(sqlite, { savepoints: 0 });
  try {
    const value = await fn(db);
    if (waitedOutside) throw new Error('A transaction waited for something other than the database: it is rolled back');
    sqlite.exec(end);
    return value;
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('rollback');
    throw err;
  } finally {
    sqliteOpen.delete(sqlite);
    clearImmediate(turn);
  }
}

/**
 * PostgreSQL: READ COMMITTED, and every write transaction first takes one
 * transaction-scoped advisory lock, so writers run one at a time across all
 * instances as they do on SQLite's one connection. Every read-then-write check
 * of docs/domain.md §2 (versions, the audit chain's head, a serial's
 * uniqueness) then sees the last committed writer's rows.
 */
async function runPostgresWrite<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const handle = postgresHandles.get(db)!;
  return handle.orm.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${WRITE_LOCK})`);
    // The handle itself is the transaction: inside this flow it runs every query on tx.
    return openTransaction.run({ db, tx }, () => fn(db));
  });
}

async function inSavepoint<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (postgresHandles.has(db)) {
    const scope = openTransaction.getStore()!;
    const outer = scope.tx as { transaction<R>(f: (tx: unknown) => Promise<R>): Promise<R> };
    return outer.transaction((nested) => openTransaction.run({ db, tx: nested }, () => fn(db)));
  }
  const scope = sqliteOpen.get(db.$client)!;
  const name = `nested_${++scope.savepoints}`;
  db.$client.exec(`savepoint ${name}`);
  try {
    const value = await fn(db);
    db.$client.exec(`release ${name}`);
    return value;
  } catch (err) {
    db.$client.exec(`rollback to ${name}`);
    db.$client.exec(`release ${name}`);
    throw err;
  }
}

export async function readyCheck(db: Db): Promise<{ ok: boolean; migrations: number }> {
  const postgres = postgresHandles.get(db);
  const folder = postgres ? PG_MIGRATIONS_FOLDER : MIGRATIONS_FOLDER;
  const n = postgres
    ? Number((await postgres.pool.query<{ n: string }>('select count(*) as n from drizzle.__drizzle_migrations')).rows[0]!.n)
    : (db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  return { ok: n === journal.entries.length, migrations: n };
}

/**
 * A consistent online snapshot of a live database (VACUUM INTO runs inside one
 * read transaction), published whole or not at all (published-file.ts): the
 * copy is written to a hidden temporary file beside the target and `check`
 * runs on it (opened read-only, so the copy stays exactly as written) before
 * it is synced and linked into place.
 */
export async function snapshotDatabase<T>(db: Db, target: string, check: (copy: Db) => Promise<T>): Promise<T> {
  return publishVerifiedFile(target, async (partial) => {
    db.$client.prepare('VACUUM INTO ?').run(partial);
    const copy = openReadOnlyDatabase(partial);
    try {
      return await check(copy);
    } finally {
      copy.$client.close();
    }
  });
}

/**
 * The highest id a table with AUTOINCREMENT ever handed out, even if rows were
 * removed since: lets the audit check notice events cut from the end.
 */
export async function autoincrementHighWater(db: Db, table: string): Promise<number> {
  // PostgreSQL keeps no such mark inside the transaction (a sequence moves even
  // when the transaction rolls back): the highest id stands in for it, and the
  // append-only triggers (DELETE and TRUNCATE refused) guard the end of the chain.
  if (postgresHandles.has(db)) return (await selectRow<{ id: number | null }>(db, sql`select max(id) as id from ${sql.identifier(table)}`))?.id ?? 0;
  const row = db.$client.prepare('select seq from sqlite_sequence where name = ?').get(table) as { seq: number } | undefined;
  return row?.seq ?? 0;
}

export function integrityCheck(db: Db): string {
  const row = db.$client.prepare('PRAGMA integrity_check').get() as { integrity_check: string };
  return row.integrity_check;
}

/**
 * Copies the WAL into the database and truncates it, so that rows just
 * deleted (and zeroed there by secure_delete) leave no copy in the WAL file.
 * Best effort: a reader still holding an old snapshot keeps part of the WAL
 * until the next checkpoint.
 */
export function checkpointWal(db: Db): void {
  // PostgreSQL's own VACUUM reclaims deleted rows; there is no WAL file of ours to rewrite.
  if (postgresHandles.has(db)) return;
  if (!db.$client.memory) db.$client.pragma('wal_checkpoint(TRUNCATE)');
}

export async function closeDatabase(db: Db): Promise<void> {
  const postgres = postgresHandles.get(db);
  if (postgres) {
    postgresHandles.delete(db);
    if (!postgres.pool.ended) await postgres.pool.end();
    return;
  }
  if (!db.$client.open) return;
  if (!db.$client.memory) db.$client.pragma('wal_checkpoint(TRUNCATE)');
  db.$client.close();
}

/**
 * SQLite's answer when a write could not reach the disk: SQLITE_FULL (no
 * space, or max_page_count) rolls the transaction back, so nothing was
 * applied; SQLITE_IOERR_* (a failing disk, a failed fsync) may leave the
 * outcome of the last commit unknown.
 */
export function storageFailureOf(err: unknown): 'full' | 'io' | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = 'code' in e ? (e as { code: unknown }).code : undefined;
    if (code === 'SQLITE_FULL') return 'full';
    if (typeof code === 'string' && code.startsWith('SQLITE_IOERR')) return 'io';
  }
  return undefined;
}

/** The time of the last storage failure of each connection not yet followed by a successful probe. */
const storageFailures = new WeakMap<Database.Database, string>();
/**
 * Room the probe asks for: more than one request's write needs (an intake
 * may add a page to each of the dozen b-trees it touches), so that the
 * service is not called ready while the next ordinary write would fail.
 */
const PROBE_BYTES = 64 * 1024;

export function noteStorageFailure(db: Db, at: string): void {
  storageFailures.set(db.$client, at);
}

/**
 * Whether writes commit, for /readyz. Without a recorded failure nothing is
 * written. After one, a probe runs on each call until it succeeds: in one
 * IMMEDIATE transaction it creates a table and fills PROBE_BYTES inside a
 * savepoint that is rolled back (a full disk or max_page_count refuses the
 * new pages), then rewrites the header's user_version with its own value and
 * commits, so a WAL frame must be appended and fsynced. A rolled-back write
 * alone would prove nothing in WAL mode, where it never leaves the page cache;
 * the probe leaves no row, table or value behind.
 */
export function storageWritable(db: Db): { ok: true; recoveredFrom?: string } | { ok: false; since: string } {
  // PostgreSQL reports its own storage: a failed write is an error from the server, and /readyz asks it (readyCheck).
  if (postgresHandles.has(db)) return { ok: true };
  const since = storageFailures.get(db.$client);
  if (since === undefined) return { ok: true };
  const sqlite = db.$client;
  try {
    const userVersion = Math.trunc(Number(sqlite.pragma('user_version', { simple: true })));
    sqlite
      .transaction(() => {
        sqlite.exec('savepoint storage_probe');
        try {
          sqlite.exec('create table storage_probe (filler blob)');
          sqlite.prepare('insert into storage_probe values (zeroblob(?))').run(PROBE_BYTES);
        } finally {
          sqlite.exec('rollback to storage_probe');
          sqlite.exec('release storage_probe');
        }
        sqlite.pragma(`user_version = ${userVersion}`);
      })
      .immediate();
  } catch {
    return { ok: false, since };
  }
  storageFailures.delete(sqlite);
  return { ok: true, recoveredFrom: since };
}

/** True for a unique-constraint violation on either engine, whatever the driver wraps it in. */
export function isUniqueViolation(err: unknown): boolean {
  if (isPostgresUniqueViolation(err)) return true;
  return err instanceof Error && 'code' in err && (err as { code: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The rows of a query the query builder cannot say (reports' aggregates): the one way raw SQL is run. */
export async function selectRows<T>(db: Executor, query: SQL): Promise<T[]> {
  if (postgresHandles.has(db)) return (await (db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(query)).rows;
  return db.all<T>(query);
}

/** The first row of such a query, if any. */
export async function selectRow<T>(db: Executor, query: SQL): Promise<T | undefined> {
  return (await selectRows<T>(db, query))[0];
}

/**
 * A query built once and run many times with placeholders (the scan path):
 * prepared once on SQLite. On PostgreSQL it is prepared once as a named
 * statement (the server parses and plans it once per connection) for use
 * outside transactions; inside a transaction of this flow it is built on the
 * transaction's connection, so that it reads the transaction's own writes.
 */
export function reusable<R>(db: Db, build: (db: Db) => { prepare(): { all(values?: Record<string, unknown>): Promise<R[]> } }): (values: Record<string, unknown>) => Promise<R[]> {
  if (postgresHandles.has(db)) {
    type Executable = { execute(v: Record<string, unknown>): Promise<R[]> };
    const named = (build(db) as unknown as { prepare(name: string): Executable }).prepare(`refurb_${++preparedNames}`);
    return async (values) => (openTransaction.getStore()?.db === db ? (build(db) as unknown as Executable) : named).execute(values);
  }
  // SQLite: the rows are mapped by a function compiled for the select (row-mapper.ts).
  const all = compiledAll(build(db).prepare());
  return async (values) => all(values);
}

let preparedNames = 0;

/**
 * A scalar subquery answering one JSON array with an object per row, in
 * `orderBy` order (`[]` for no row): lets one statement read a row and the
 * rows that belong to it (a device, its drives, their records). SQLite builds
 * it with json_group_array(json_object(...)), PostgreSQL with
 * json_agg(json_build_object(...)). It comes back parsed, as the objects JSON
 * makes of the values: a number for an integer, a string for text, null; a
 * comparison is 0 or 1 on SQLite and a boolean on PostgreSQL. The caller
 * maps them to its row types.
 */
export function jsonArrayOf(db: Db, q: { fields: Record<string, SQLWrapper>; from: SQL; orderBy: SQLWrapper }): SQL<Array<Record<string, unknown>>> {
  const pairs = sql.join(
    Object.entries(q.fields).map(([key, value]) => {
      // Keys are written into the statement: identifiers from code only.
      if (!/^[A-Za-z]\w*$/.test(key)) throw new Error(`Not a JSON key this helper writes: ${key}`);
      return sql`${sql.raw(`'${key}'`)}, ${value}`;
    }),
    sql`, `,
  );
  const array =
    engineOf(db) === 'postgres'
      ? sql`coalesce(json_agg(json_build_object(${pairs}) order by ${q.orderBy}), '[]'::json)`
      : sql`json_group_array(json_object(${pairs}) order by ${q.orderBy})`;
  // node-postgres parses json itself; better-sqlite3 answers the text.
  return sql`(select ${array} from ${q.from})`.mapWith((v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v) as Array<Record<string, unknown>>);
}
