/**
 * A fresh PostgreSQL database per test file (docs/postgresql.md): created on
 * the server named by TEST_DATABASE_URL, migrated with migrations/pg, dropped
 * by `drop()`. A server that does not answer fails the test with its address
 * and how to start one; a test that needs PostgreSQL never skips.
 */
import crypto from 'node:crypto';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { PG_MIGRATIONS_FOLDER } from '../../src/core/db-postgres.js';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** The new database's URL. */
  url: string;
  pool: pg.Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** The admin connection's URL, without a password, for messages. */
function shown(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

async function connectAdmin(adminUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL does not answer at ${shown(adminUrl)} (TEST_DATABASE_URL): ${(err as Error).message}. ` +
        'Start it (Debian: pg_ctlcluster 15 main start; see docs/postgresql.md) or point TEST_DATABASE_URL at a server.',
      { cause: err },
    );
  }
}

/** Creates `<prefix>_<random>` on the server, applies migrations/pg, and returns a pool on it. */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`Database prefix must be lower-case letters, digits and _: ${prefix}`);
  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = await connectAdmin(adminUrl);
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 4 });
  const drop = async () => {
    await pool.end();
    const again = await connectAdmin(adminUrl);
    try {
      // A pool's end() resolves before its last sockets close: wait for the
      // database's backends to go, so that the forced drop does not kill a
      // connection the test process is still closing (an uncaught 57P01 there).
      for (let waited = 0; waited < 5000; waited += 50) {
        const { rows } = await again.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
        if (Number(rows[0]!.n) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await again.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await again.end();
    }
  };
  try {
    await migrate(drizzle({ client: pool }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
  } catch (err) {
    await drop();
    throw err;
  }
  return { url: url.toString(), pool, drop };
}
