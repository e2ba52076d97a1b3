/**
 * The PostgreSQL side of the database module (docs/postgresql.md): a pool of
 * node-postgres connections, the migrations in migrations/pg, and a handle
 * that runs the repositories' queries (written against the SQLite table
 * objects) through drizzle's PostgreSQL dialect. Only src/core/db*.ts know
 * which engine is behind a Db.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export const PG_MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations/pg');

export interface OpenPostgresOptions {
  url: string;
  /** Connections per process; several instances share the server's max_connections. */
  poolSize?: number | undefined;
  /**
   * Every session read-only (default_transaction_read_only), and no
   * migrations applied: for the operator's checks (audit:verify, backup),
   * which must not change the database they look at.
   */
  readOnly?: boolean | undefined;
}

export interface PostgresHandle {
  orm: NodePgDatabase;
  pool: pg.Pool;
}

/** Connects, applies migrations/pg unless read-only (under an advisory lock, so that instances starting together migrate once), and answers the handle. */
export async function openPostgresHandle(options: OpenPostgresOptions): Promise<PostgresHandle> {
  readNumbersAsNumbers();
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    ...(options.readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
  });
  // An idle connection the server dropped (a restart) is reported here instead of crashing the process.
  pool.on('error', () => undefined);
  try {
    const orm = drizzle({ client: pool });
    if (options.readOnly) {
      // Connect now, so that a wrong URL or password is reported at open, as with migrations.
      (await pool.connect()).release();
      return { orm, pool };
    }
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      try {
        await migrate(drizzle({ client }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      }
    } finally {
      client.release();
    }
    return { orm, pool };
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
}

/**
 * Counts and sums come back as numbers, as on SQLite: node-postgres gives
 * bigint (count(*), sum of integers) and numeric as strings, to keep
 * precision past 2^53, which no count, weight or total of this service nears.
 * Set on the driver's registry, which drizzle's own per-query parsers fall back to.
 */
function readNumbersAsNumbers(): void {
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number.parseInt(value, 10));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value: string) => Number.parseFloat(value));
}

/** Advisory lock keys of this service (any two distinct 64-bit numbers would do). */
export const MIGRATION_LOCK = 7_261_001;
/** Taken by every write transaction: writers run one at a time, as on SQLite (docs/domain.md §7). */
export const WRITE_LOCK = 7_261_002;

/** True for PostgreSQL's unique_violation, whatever drizzle wraps it in. */
export function isPostgresUniqueViolation(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if ('code' in e && (e as { code: unknown }).code === '23505') return true;
  }
  return false;
}
