/** What the two engines' sides of a copy have in common. */
import type { TablePlan } from './plan.js';

/** A column value as the copy carries it between engines: booleans as booleans, bytes as Buffers, text byte for byte. */
export type Value = string | number | boolean | Buffer | null;
/** One row, its values in the plan's column order. */
export type Row = Value[];
/** The highest id each identity (AUTOINCREMENT) table has handed out, by table: SQLite's sqlite_sequence. */
export type HighWater = Record<string, number>;

/** Either side of a copy, read in the same shape. */
export interface Reader {
  /** The database as the user named it (a PostgreSQL URL without its password). */
  label: string;
  /** A table's rows in primary-key order (byte order for text keys), in batches. */
  rows(table: TablePlan, batchSize: number): AsyncIterable<Row[]>;
  highWater(tables: readonly TablePlan[]): Promise<HighWater>;
}

/** The copy was refused or failed before anything reached the target: the target is as it was. */
export class CopyRefused extends Error {}

export const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
