/**
 * Copies a whole site's database between SQLite and PostgreSQL, keeping every
 * id, every stored text byte for byte (the audit hash chain hashes stored
 * text), the blobs, and the AUTOINCREMENT high-water marks; then verifies the
 * copy row by row against the source (docs/postgresql.md, "Moving a site's
 * data"). The target is written in one transaction and is left as it was
 * when anything is refused, fails or does not verify.
 */
import crypto from 'node:crypto';
import { canonicalJson } from '../../src/core/canonical-json.js';
import { copyPlan, type TablePlan } from './plan.js';
import { nulMessage, openPgSource, openPgTarget, shownUrl } from './postgres.js';
import { createSqliteTarget, keyText, openSqliteSource } from './sqlite.js';
import { CopyRefused, type HighWater, type Reader, type Row, type Value } from './types.js';

export { CopyRefused } from './types.js';

const BATCH = 500;

export type Location = { engine: 'sqlite'; file: string } | { engine: 'postgres'; url: string };

/** A postgres:// or postgresql:// URL, or else a SQLite file path. */
export function locationOf(text: string): Location {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return { engine: 'sqlite', file: text };
  if (scheme !== 'postgres' && scheme !== 'postgresql') throw new CopyRefused(`${text.split('://')[0]}:// is not a database this copy knows: give a postgres:// URL or a SQLite file path.`);
  try {
    new URL(text);
  } catch {
    throw new CopyRefused(`Not a valid PostgreSQL URL: ${shownUrl(text)}`);
  }
  return { engine: 'postgres', url: text };
}

export interface TableCheck {
  table: string;
  rows: number;
  /** sha256 over the canonical JSON of every row in key order, booleans as true/false and bytes as hex: equal on both sides. */
  digest: string;
}

export type VerifyResult =
  | { ok: true; tables: TableCheck[]; rows: number; highWater: HighWater }
  | { ok: false; tables: TableCheck[]; difference: string };

export interface CopySummary {
  from: string;
  to: string;
  /** Migrations this run applied to the target. */
  migrationsApplied: number;
  /** Tables whose rows the target's migrations had seeded, replaced by the source's rows. */
  seedsReplaced: string[];
  tables: TableCheck[];
  rows: number;
  highWater: HighWater;
  verified: true;
  /** The whole run, and of it the comparison. */
  seconds: number;
  verifySeconds: number;
}

interface Source extends Reader {
  migrations: { applied: number; expected: number };
  shape: Map<string, string[]>;
  close(): Promise<void> | void;
}

async function openSource(from: Location): Promise<Source> {
  return from.engine === 'sqlite' ? openSqliteSource(from.file) : openPgSource(from.url);
}

/** The source must be fully migrated and hold exactly the schema's tables and columns, or some data would stay behind. */
function checkSource(source: Source, tables: readonly TablePlan[]): void {
  const { applied, expected } = source.migrations;
  if (applied !== expected) {
    throw new CopyRefused(
      `The source ${source.label} has ${applied} of the ${expected} migrations applied: start the service on it once (it migrates at start), stop it, then copy.`,
    );
  }
  const planned = new Map(tables.map((t) => [t.name, t.columns.map((c) => c.name)]));
  for (const [name, columns] of source.shape) {
    const want = planned.get(name);
    if (!want) throw new CopyRefused(`The source has a table the schema does not declare (${name}): it would not be copied.`);
    const missing = want.filter((c) => !columns.includes(c));
    const extra = columns.filter((c) => !want.includes(c));
    if (missing.length + extra.length > 0) throw new CopyRefused(`The source's ${name} differs from the schema (missing: ${missing.join(', ') || 'none'}; extra: ${extra.join(', ') || 'none'}).`);
  }
  const absent = tables.filter((t) => !source.shape.has(t.name)).map((t) => t.name);
  if (absent.length > 0) throw new CopyRefused(`The source lacks tables of the schema: ${absent.join(', ')}.`);
}

/** A seeded table that refuses DELETE cannot have its seeds replaced: say so rather than copy around them. */
function checkSeeds(seeded: readonly string[], appendOnly: ReadonlySet<string>, target: string): void {
  const stuck = seeded.filter((t) => appendOnly.has(t));
  if (stuck.length > 0) {
    throw new CopyRefused(
      `The migrations of ${target} seed rows into ${stuck.join(', ')}, which refuse DELETE (append-only): those seeds cannot be replaced by the source's rows. Extend scripts/db-copy to merge them.`,
    );
  }
}

/**
 * Copies `from` into `to` (one SQLite file and one PostgreSQL database, either
 * way round), verifies the copy, and only then commits (PostgreSQL) or moves
 * the new file into place (SQLite). Throws CopyRefused when the target was
 * left untouched because the inputs were refused, and other errors when the
 * copy failed (the target is rolled back then too).
 */
export async function copyDatabase(options: { from: string; to: string; onTable?: (t: { table: string; rows: number }) => void }): Promise<CopySummary> {
  const started = performance.now();
  const from = locationOf(options.from);
  const to = locationOf(options.to);
  if (from.engine === to.engine) {
    throw new CopyRefused(
      from.engine === 'sqlite' ? 'Both sides are SQLite files: use npm run backup to copy a SQLite database.' : 'Both sides are PostgreSQL: use pg_dump and pg_restore.',
    );
  }
  const tables = copyPlan();
  const source = await openSource(from);
  try {
    checkSource(source, tables);
    if (from.engine === 'sqlite') {
      // PostgreSQL text cannot hold U+0000: refuse before the target is touched.
      const nul = openedSqlite(source).findNul(tables);
      if (nul) throw new CopyRefused(nulMessage(nul.table, nul.key, nul.column));
    }
    const marks = await source.highWater(tables);
    if (to.engine === 'postgres') return await intoPostgres(source, to.url, tables, marks, options.onTable, started);
    return await intoSqlite(source, to.file, tables, marks, options.onTable, started);
  } finally {
    await source.close();
  }
}

function openedSqlite(source: Source): ReturnType<typeof openSqliteSource> {
  return source as ReturnType<typeof openSqliteSource>;
}

async function intoPostgres(
  source: Source,
  url: string,
  tables: TablePlan[],
  marks: HighWater,
  onTable: ((t: { table: string; rows: number }) => void) | undefined,
  started: number,
): Promise<CopySummary> {
  const target = await openPgTarget(url, tables);
  try {
    checkSeeds(target.seeded, target.appendOnly, target.label);
    await target.begin();
    try {
      for (const t of [...tables].reverse()) if (target.seeded.includes(t.name)) await target.deleteAll(t.name);
      for (const t of tables) {
        let rows = 0;
        for await (const batch of source.rows(t, BATCH)) {
          await target.insert(t, batch);
          rows += batch.length;
        }
        onTable?.({ table: t.name, rows });
      }
      await target.setHighWater(tables, marks);
      const verifying = performance.now();
      const verified = await verifyReaders(source, target, tables);
      if (!verified.ok) throw new Error(`The copy did not verify, so it was rolled back: ${verified.difference}`);
      const verifySeconds = seconds(verifying);
      await target.commit();
      return summary(source, target.label, target.migrationsApplied, target.seeded, verified, started, verifySeconds);
    } catch (err) {
      await target.rollback().catch(() => undefined);
      throw err;
    }
  } finally {
    await target.close();
  }
}

async function intoSqlite(
  source: Source,
  file: string,
  tables: TablePlan[],
  marks: HighWater,
  onTable: ((t: { table: string; rows: number }) => void) | undefined,
  started: number,
): Promise<CopySummary> {
  const target = createSqliteTarget(file);
  try {
    checkSeeds(target.seeded, target.appendOnly, file);
    target.begin();
    for (const t of [...tables].reverse()) if (target.seeded.includes(t.name)) target.deleteAll(t.name);
    for (const t of tables) {
      let rows = 0;
      for await (const batch of source.rows(t, BATCH)) {
        target.insert(t, batch);
        rows += batch.length;
      }
      onTable?.({ table: t.name, rows });
    }
    target.setHighWater(tables, marks);
    target.commit();
    const verifying = performance.now();
    const verified = await verifyReaders(source, target, tables);
    if (!verified.ok) throw new Error(`The copy did not verify, so nothing was written to ${file}: ${verified.difference}`);
    const verifySeconds = seconds(verifying);
    target.publish();
    return summary(source, file, target.migrationsApplied, target.seeded, verified, started, verifySeconds);
  } catch (err) {
    target.discard();
    throw err;
  }
}

const seconds = (since: number) => Math.round((performance.now() - since) / 10) / 100;

function summary(
  source: Source,
  to: string,
  migrationsApplied: number,
  seeded: string[],
  verified: VerifyResult & { ok: true },
  started: number,
  verifySeconds: number,
): CopySummary {
  return {
    from: source.label,
    to,
    migrationsApplied,
    seedsReplaced: seeded,
    tables: verified.tables,
    rows: verified.rows,
    highWater: verified.highWater,
    verified: true,
    seconds: seconds(started),
    verifySeconds,
  };
}

/**
 * Compares two databases of the same schema, one on each engine or not: the
 * row count and a digest of every table, and the AUTOINCREMENT high-water
 * marks. Opens both read-only. This is the data-level check of a copy; the
 * audit chain's own check (/audit/verify on the service running on the copy)
 * comes on top of it.
 */
export async function verifyCopy(fromText: string, toText: string): Promise<VerifyResult> {
  const tables = copyPlan();
  const a = await openSource(locationOf(fromText));
  try {
    const b = await openSource(locationOf(toText));
    try {
      return await verifyReaders(a, b, tables);
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
}

const byName = new WeakMap<TablePlan, Array<{ name: string; kind: string; index: number }>>();

/** A row as an object whose keys are in sorted order: JSON.stringify of it is its canonical JSON, without sorting per row. */
function comparable(table: TablePlan, row: Row): Record<string, unknown> {
  let columns = byName.get(table);
  if (!columns) {
    columns = table.columns.map((c, index) => ({ ...c, index })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    byName.set(table, columns);
  }
  const out: Record<string, unknown> = {};
  for (const c of columns) {
    const v: Value = row[c.index] ?? null;
    if (Buffer.isBuffer(v)) out[c.name] = { bytes: v.toString('hex') };
    else if (c.kind === 'boolean' && (v === 0 || v === 1)) out[c.name] = v === 1;
    else out[c.name] = v;
  }
  return out;
}

async function* rowsOf(reader: Reader, table: TablePlan): AsyncGenerator<Row> {
  for await (const batch of reader.rows(table, BATCH)) yield* batch;
}

function firstDifference(table: TablePlan, a: Row | undefined, b: Row | undefined, aLabel: string, bLabel: string): string {
  const keyOf = (row: Row) => keyText(table, table.key.map((k) => row[table.columns.findIndex((c) => c.name === k)]));
  if (!a && b) return `${table.name}: row ${keyOf(b)} is in ${bLabel} only`;
  if (a && !b) return `${table.name}: row ${keyOf(a)} is in ${aLabel} only`;
  if (!a || !b) return `${table.name}: no difference`;
  const ca = comparable(table, a);
  const cb = comparable(table, b);
  if (keyOf(a) !== keyOf(b)) return `${table.name}: ${aLabel} has row ${keyOf(a)} where ${bLabel} has row ${keyOf(b)}`;
  const column = table.columns.find((c) => canonicalJson(ca[c.name]) !== canonicalJson(cb[c.name]))?.name ?? '?';
  const show = (v: unknown) => {
    const s = canonicalJson(v) ?? 'undefined';
    return s.length > 80 ? `${s.slice(0, 77)}...` : s;
  };
  return `${table.name}: row ${keyOf(a)} differs in ${column}: ${show(ca[column])} in ${aLabel}, ${show(cb[column])} in ${bLabel}`;
}

async function verifyReaders(a: Reader, b: Reader, tables: readonly TablePlan[]): Promise<VerifyResult> {
  const checks: TableCheck[] = [];
  let total = 0;
  for (const table of tables) {
    const ia = rowsOf(a, table);
    const ib = rowsOf(b, table);
    const hash = crypto.createHash('sha256');
    let rows = 0;
    try {
      for (;;) {
        const [ra, rb] = await Promise.all([ia.next(), ib.next()]);
        if (ra.done && rb.done) break;
        const sa = ra.done ? undefined : JSON.stringify(comparable(table, ra.value));
        const sb = rb.done ? undefined : JSON.stringify(comparable(table, rb.value));
        if (sa !== sb) {
          return { ok: false, tables: checks, difference: firstDifference(table, ra.done ? undefined : ra.value, rb.done ? undefined : rb.value, a.label, b.label) };
        }
        hash.update(`${sa}\n`);
        rows++;
      }
    } finally {
      await ia.return(undefined);
      await ib.return(undefined);
    }
    checks.push({ table: table.name, rows, digest: hash.digest('hex') });
    total += rows;
  }
  const ha = await a.highWater(tables);
  const hb = await b.highWater(tables);
  for (const name of [...new Set([...Object.keys(ha), ...Object.keys(hb)])].sort()) {
    if (ha[name] !== hb[name]) {
      return { ok: false, tables: checks, difference: `high-water mark of ${name}: ${ha[name] ?? 'none'} in ${a.label}, ${hb[name] ?? 'none'} in ${b.label}` };
    }
  }
  return { ok: true, tables: checks, rows: total, highWater: ha };
}
