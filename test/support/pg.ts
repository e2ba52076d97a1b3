/**
 * A fresh PostgreSQL database per test app (docs/postgresql.md): created on
 * the server named by TEST_DATABASE_URL as a copy of a template migrated with
 * migrations/pg, dropped by `drop()`. A server that does not answer fails the test with its address
 * and how to start one; a test that needs PostgreSQL never skips.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { PG_MIGRATIONS_FOLDER } from '../../src/core/db-postgres.js';

/** Held while the template is built (any number unlikely to clash with the service's own locks). */
const TEMPLATE_LOCK = 0x726c_7470;

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

/**
 * The migrated schema, built once per server and set of migrations
 * (`rl_template_<hash of migrations/pg>`), that each test database is copied
 * from: copying a database is far quicker than applying every migration
 * again. Built under an advisory lock, so parallel test workers build it once.
 * Templates are kept between runs (one per set of migrations; a server's
 * `rl_template_*` databases can be dropped at any time when no test runs).
 */
let templateName: Promise<string> | undefined;

function migrationsHash(): string {
  const hash = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(`${path.relative(PG_MIGRATIONS_FOLDER, full)}\0`).update(fs.readFileSync(full));
    }
  };
  walk(PG_MIGRATIONS_FOLDER);
  return hash.digest('hex').slice(0, 12);
}

async function waitForNoBackends(admin: pg.Client, name: string): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 50) {
    const { rows } = await admin.query<{ n: string }>('select count(*) as n from pg_stat_activity where datname = $1', [name]);
    if (Number(rows[0]!.n) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function buildTemplate(adminUrl: string): Promise<string> {
  const name = `rl_template_${migrationsHash()}`;
  const admin = await connectAdmin(adminUrl);
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    try {
      const { rows } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (rows.length > 0) return name;
      const building = `${name}_building`;
      await admin.query(`drop database if exists "${building}" with (force)`);
      await admin.query(`create database "${building}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${building}`;
      const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
      try {
        await migrate(drizzle({ client: pool }), { migrationsFolder: PG_MIGRATIONS_FOLDER });
      } finally {
        await pool.end();
      }
      await waitForNoBackends(admin, building);
      // Renamed only once complete: a run killed while migrating leaves no half-built template behind the name.
      await admin.query(`alter database "${building}" rename to "${name}"`);
      return name;
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]);
    }
  } finally {
    await admin.end();
  }
}

/**
 * Creates `<prefix>_<random>` on the server as a copy of the migrated
 * template, or of `from` (a database of the same server, named by its URL,
 * that no one is connected to: a set of fixtures built once), and returns a
 * pool on it.
 */
export async function createTestDatabase(prefix: string, options: { from?: string } = {}): Promise<TestDatabase> {
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`Database prefix must be lower-case letters, digits and _: ${prefix}`);
  const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  templateName ??= buildTemplate(adminUrl);
  const template =
    options.from === undefined
      ? await templateName.catch((err: unknown) => {
          templateName = undefined;
          throw err;
        })
      : decodeURIComponent(new URL(options.from).pathname.slice(1));
  const name = `${prefix}_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = await connectAdmin(adminUrl);
  try {
    // A pool's last sockets may still be closing on the source.
    if (options.from !== undefined) await waitForNoBackends(admin, template);
    await admin.query(`create database "${name}" template "${template}"`);
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
      await waitForNoBackends(again, name);
      await again.query(`drop database if exists "${name}" with (force)`);
    } finally {
      await again.end();
    }
  };
  return { url: url.toString(), pool, drop };
}
