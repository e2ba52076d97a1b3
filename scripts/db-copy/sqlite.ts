/**
 * The SQLite side of a copy, on the raw better-sqlite3 driver: a source opened
 * read-only inside one read transaction (one consistent snapshot for the copy
 * and its verification), and a target built in a hidden file beside the named
 * one and moved into place only once it has verified.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { fsyncPath } from '../../src/core/published-file.js';
import type { TablePlan } from './plan.js';
import { CopyRefused, quote, type HighWater, type Reader, type Row, type Value } from './types.js';

export const SQLITE_MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations/sqlite');

export function journalLength(folder: string): number {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

/** Values as the copy carries them: booleans as booleans (SQLite stores 0/1), blobs as Buffers. */
function portable(table: TablePlan, raw: unknown[]): Row {
  return raw.map((v, i) => {
    if (table.columns[i]?.kind === 'boolean' && (v === 0 || v === 1)) return v === 1;
    return v as Value;
  });
}

function stored(v: Value): Value {
  return typeof v === 'boolean' ? (v ? 1 : 0) : v;
}

function readerOn(db: Database.Database, label: string): Reader {
  return {
    label,
    async *rows(table, batchSize) {
      const columns = table.columns.map((c) => quote(c.name)).join(', ');
      const order = table.key.map(quote).join(', ');
      const stmt = db.prepare(`select ${columns} from ${quote(table.name)} order by ${order}`).raw(true);
      let batch: Row[] = [];
      for (const raw of stmt.iterate() as IterableIterator<unknown[]>) {
        batch.push(portable(table, raw));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    },
    async highWater() {
      // A row of 0 (a migration's insert-select of no rows leaves one) says no more than no row: nothing was handed out.
      const rows = db.prepare('select name, seq from sqlite_sequence where seq > 0 order by name').all() as Array<{ name: string; seq: number }>;
      return Object.fromEntries(rows.map((r) => [r.name, r.seq]));
    },
  };
}

/** Tables and their columns as the file has them (not the schema module's idea of them). */
function shapeOf(db: Database.Database): Map<string, string[]> {
  const tables = db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name")
    .all() as Array<{ name: string }>;
  return new Map(tables.map(({ name }) => [name, (db.prepare(`pragma table_info(${quote(name)})`).all() as Array<{ name: string }>).map((c) => c.name)]));
}

export interface SqliteSource extends Reader {
  /** Applied migrations, and how many migrations/sqlite has. */
  migrations: { applied: number; expected: number };
  shape: Map<string, string[]>;
  /** The first text value holding U+0000, which PostgreSQL text cannot store. */
  findNul(tables: readonly TablePlan[]): { table: string; key: string; column: string } | null;
  close(): void;
}

export function openSqliteSource(file: string): SqliteSource {
  if (!fs.existsSync(file)) throw new CopyRefused(`No SQLite database at ${file}.`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const hasJournal = db.prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'").get() !== undefined;
  const applied = hasJournal ? (db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n : 0;
  // One read transaction from here to close: the copy and its verification read the same snapshot.
  db.exec('begin');
  db.prepare('select count(*) from sqlite_master').get();
  return {
    ...readerOn(db, file),
    migrations: { applied, expected: journalLength(SQLITE_MIGRATIONS) },
    shape: shapeOf(db),
    findNul(tables) {
      for (const table of tables) {
        const text = table.columns.filter((c) => c.kind === 'text').map((c) => c.name);
        if (text.length === 0) continue;
        // As a blob, so the search sees every byte (SQLite's text functions may stop at a NUL).
        const where = text.map((c) => `instr(cast(${quote(c)} as blob), x'00') > 0`).join(' or ');
        const row = db.prepare(`select ${[...table.key, ...text].map(quote).join(', ')} from ${quote(table.name)} where ${where} order by ${table.key.map(quote).join(', ')} limit 1`).raw(true).get() as unknown[] | undefined;
        if (!row) continue;
        const values = row.slice(table.key.length);
        const column = text[values.findIndex((v) => typeof v === 'string' && v.includes('\u0000'))] ?? text.join('|');
        return { table: table.name, key: keyText(table, row.slice(0, table.key.length)), column };
      }
      return null;
    },
    close() {
      if (db.inTransaction) db.exec('commit');
      db.close();
    },
  };
}

export function keyText(table: TablePlan, values: unknown[]): string {
  return table.key.map((k, i) => `${k}=${JSON.stringify(values[i])}`).join(', ');
}

export interface SqliteTarget extends Reader {
  /** Tables the migrations left rows in. */
  seeded: string[];
  appendOnly: Set<string>;
  migrationsApplied: number;
  begin(): void;
  deleteAll(table: string): void;
  insert(table: TablePlan, rows: Row[]): void;
  setHighWater(tables: readonly TablePlan[], marks: HighWater): void;
  commit(): void;
  /** Checks integrity and references, closes the file and moves it to the target path (never over a file that appeared meanwhile). */
  publish(): void;
  /** Closes and removes the temporary file: nothing is left at the target path. */
  discard(): void;
}

const COMPANIONS = ['', '-journal', '-wal', '-shm'];

export function createSqliteTarget(file: string): SqliteTarget {
  const finalPath = path.resolve(file);
  for (const suffix of COMPANIONS) {
    if (fs.existsSync(`${finalPath}${suffix}`)) throw new CopyRefused(`The target ${file}${suffix} already exists: the copy writes a new SQLite file only, never over one.`);
  }
  const dir = path.dirname(finalPath);
  fs.mkdirSync(dir, { recursive: true });
  const partial = path.join(dir, `.${path.basename(finalPath)}.partial-${process.pid}`);
  for (const suffix of COMPANIONS) fs.rmSync(`${partial}${suffix}`, { force: true });
  const db = new Database(partial);
  const remove = () => {
    if (db.open) db.close();
    for (const suffix of COMPANIONS) fs.rmSync(`${partial}${suffix}`, { force: true });
  };
  try {
    db.pragma('foreign_keys = ON');
    migrate(drizzle({ client: db }), { migrationsFolder: SQLITE_MIGRATIONS });
  } catch (err) {
    remove();
    throw err;
  }
  const seeded = [...shapeOf(db).keys()].filter((t) => db.prepare(`select 1 from ${quote(t)} limit 1`).get() !== undefined);
  const appendOnly = new Set(
    (db.prepare("select distinct tbl_name as name from sqlite_master where type = 'trigger' and sql like '%before delete%'").all() as Array<{ name: string }>).map((r) => r.name),
  );
  const inserts = new Map<string, Database.Statement>();
  return {
    ...readerOn(db, file),
    seeded,
    appendOnly,
    migrationsApplied: journalLength(SQLITE_MIGRATIONS),
    begin: () => db.exec('begin immediate'),
    deleteAll: (table) => db.exec(`delete from ${quote(table)}`),
    insert(table, rows) {
      let stmt = inserts.get(table.name);
      if (!stmt) {
        stmt = db.prepare(`insert into ${quote(table.name)} (${table.columns.map((c) => quote(c.name)).join(', ')}) values (${table.columns.map(() => '?').join(', ')})`);
        inserts.set(table.name, stmt);
      }
      for (const row of rows) stmt.run(row.map(stored));
    },
    setHighWater(tables, marks) {
      // The AUTOINCREMENT high-water marks as the source had them (the audit check reads audit_events' to notice
      // cut events). A table the source handed no id out for keeps the row the migrations left, at 0.
      const update = db.prepare('update sqlite_sequence set seq = ? where name = ?');
      const put = db.prepare('insert into sqlite_sequence (name, seq) values (?, ?)');
      for (const t of tables) {
        if (!t.identity) continue;
        const mark = marks[t.name] ?? 0;
        // As an integer: seq has no type affinity, and a JS number is bound as a REAL.
        if (update.run(BigInt(mark), t.name).changes === 0 && mark > 0) put.run(t.name, BigInt(mark));
      }
    },
    commit: () => db.exec('commit'),
    publish() {
      const integrity = (db.prepare('pragma integrity_check').get() as { integrity_check: string }).integrity_check;
      if (integrity !== 'ok') throw new Error(`The new SQLite file failed integrity_check: ${integrity}`);
      const broken = db.prepare('pragma foreign_key_check').all();
      if (broken.length > 0) throw new Error(`The new SQLite file has broken references: ${JSON.stringify(broken.slice(0, 3))}`);
      db.close();
      fsyncPath(partial);
      const appeared = () => new CopyRefused(`The target ${file} appeared during the copy: left as it is.`);
      try {
        // link(2) refuses to replace a file that appeared since the first look; rename(2) would not.
        fs.linkSync(partial, finalPath);
        fs.unlinkSync(partial);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw appeared();
        // Filesystems without hard links (FAT on a USB drive): a second look, then rename.
        if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
        if (fs.existsSync(finalPath)) throw appeared();
        fs.renameSync(partial, finalPath);
      }
      fsyncPath(dir);
    },
    discard: remove,
  };
}
