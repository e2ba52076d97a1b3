/**
 * What a copy between the engines needs to know about each table, derived
 * from the PostgreSQL schema module (src/db-schema.pg.ts), which
 * test/core/schema-parity.test.ts holds equal to the SQLite tables: the
 * columns in order, which are boolean, bytea or text, the primary key the rows
 * are read in, the identity column, and the foreign keys that order the
 * tables. Nothing here is a list of tables written by hand, so a new table or
 * column is copied as soon as the schema has it.
 */
import { getTableName, is } from 'drizzle-orm';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import * as pgSchema from '../../src/db-schema.pg.js';

export type ColumnKind = 'boolean' | 'bytes' | 'text' | 'number';

export interface ColumnPlan {
  name: string;
  kind: ColumnKind;
}

export interface TablePlan {
  name: string;
  columns: ColumnPlan[];
  /** Primary key columns, in key order: the order rows are read and compared in. */
  key: string[];
  /** The identity column (SQLite AUTOINCREMENT), whose high-water mark is copied. */
  identity: string | null;
  /** Tables this one references (itself excluded). */
  references: string[];
}

function kindOf(sqlType: string): ColumnKind {
  if (sqlType === 'boolean') return 'boolean';
  if (sqlType === 'bytea') return 'bytes';
  if (sqlType === 'text') return 'text';
  if (sqlType === 'integer' || sqlType === 'double precision') return 'number';
  throw new Error(`db-copy does not know how to carry a ${sqlType} column: add it to scripts/db-copy/plan.ts`);
}

function planOf(table: PgTable): TablePlan {
  const config = getTableConfig(table);
  const columns = config.columns.map((c) => ({ name: c.name, kind: kindOf(c.getSQLType()) }));
  const single = config.columns.filter((c) => c.primary).map((c) => c.name);
  const composite = config.primaryKeys[0]?.columns.map((c) => c.name) ?? [];
  const key = single.length > 0 ? single : composite;
  if (key.length === 0) throw new Error(`Table ${config.name} has no primary key: its rows have no order to compare in`);
  const identity = config.columns.find((c) => c.generatedIdentity !== undefined)?.name ?? null;
  const references = [...new Set(config.foreignKeys.map((fk) => getTableName(fk.reference().foreignTable)))].filter((t) => t !== config.name);
  return { name: config.name, columns, key, identity, references };
}

/** Orders tables so that each comes after every table it references (Kahn's algorithm, ties by name for a stable order). */
export function foreignKeyOrder(tables: readonly TablePlan[]): TablePlan[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  for (const t of tables) {
    for (const r of t.references) if (!byName.has(r)) throw new Error(`Table ${t.name} references ${r}, which the schema does not declare`);
  }
  const placed = new Set<string>();
  const ordered: TablePlan[] = [];
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t.name) && t.references.every((r) => placed.has(r))).sort((a, b) => a.name.localeCompare(b.name));
    if (ready.length === 0) {
      const left = tables.filter((t) => !placed.has(t.name)).map((t) => t.name);
      throw new Error(`The foreign keys between ${left.join(', ')} form a cycle: no insert order satisfies them`);
    }
    for (const t of ready) {
      placed.add(t.name);
      ordered.push(t);
    }
  }
  return ordered;
}

/** Every table of the schema, parents before children. */
export function copyPlan(): TablePlan[] {
  const tables = (Object.values(pgSchema) as unknown[]).filter((v): v is PgTable => is(v, PgTable));
  return foreignKeyOrder(tables.map(planOf));
}
