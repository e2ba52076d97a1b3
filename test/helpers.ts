import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import supertest from 'supertest';
import { buildApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { fixedClock } from '../src/core/clock.js';
import { sql, type SQL } from 'drizzle-orm';
import { closeDatabase, engineOf, openDatabase, openPostgres, selectRows, type Db } from '../src/core/db.js';
import type { ChangeNotices, PostgresNoticeOptions } from '../src/core/db-notices.js';
import { createTestDatabase } from './support/pg.js';
import type { Role } from '../src/modules/users/users.table.js';
import { assertConforms } from './support/contract.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const USER_PASSWORD = 'a-long-enough-password';
export const ROLES: readonly Role[] = ['trainee', 'coordinator', 'staff', 'admin', 'translator', 'program'];
/** Every role but `translator`: those who work in the workshop (devices, donations, scans). */
export const WORKSHOP_ROLES: readonly Role[] = ['trainee', 'coordinator', 'staff', 'admin'];

export interface TestApp {
  app: App;
  db: Db;
  clock: ReturnType<typeof fixedClock>;
  http: ReturnType<typeof supertest>;
  /** A bearer token for a user of that role (created on first use). */
  token(role: Role): Promise<string>;
  /** Creates a user through the API and logs in; returns the token and user id. */
  createUser(username: string, role: Role, password?: string): Promise<{ token: string; id: number }>;
  login(username: string, password: string): Promise<string>;
  /** Rows of raw SQL on the app's database, on either engine; `?` placeholders. Booleans come back as 0/1 on SQLite, true/false on PostgreSQL. */
  rows<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T[]>;
  /** The first such row, if any. */
  row<T = Record<string, unknown>>(statement: string, ...params: unknown[]): Promise<T | undefined>;
  /** `select count(*)` of a table, as a number. */
  count(table: string): Promise<number>;
  /** Runs a statement that returns no rows (an update, a delete), bypassing the service. */
  exec(statement: string, ...params: unknown[]): Promise<void>;
  /**
   * Lifts the append-only guards of one table (SQLite: drops its triggers;
   * PostgreSQL: disables its user triggers), so a test can play an attacker
   * with write access to the database file or server.
   */
  dropGuards(table: string): Promise<void>;
  /** Closes the database under the running app (SQLite: its connection; PostgreSQL: the pool), so that every query fails from then on. */
  loseDatabase(): Promise<void>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  dbPath?: string;
  logStream?: NodeJS.WritableStream;
  /** Where the fixed clock starts (ISO-8601); 2026-03-02T15:00:00.000Z unless given. */
  now?: string;
  /** The verification sample's random source (the app's default is Math.random). */
  random?: () => number;
  /** A file written by snapshotDatabase: its rows are copied into the fresh database before the app starts. */
  from?: string;
  /** An existing PostgreSQL database to share with other apps (several instances of one service); left in place on close. */
  postgresUrl?: string;
  /** The instances' change notices on PostgreSQL: lease and ping (src/core/db-notices.ts). */
  noticeTiming?: PostgresNoticeOptions;
  /** Change notices of the test's own, instead of the engine's. */
  notices?: ChangeNotices;
}

/**
 * The real app on a fresh, migrated in-memory database with a fixed clock.
 * Only scrypt's cost is lowered, so that tests that create users stay fast.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { db, closeDb } = await testDatabase(options);
  if (options.from) restoreRows(db, options.from);
  const clock = fixedClock(options.now ?? '2026-03-02T15:00:00.000Z');
  const config = loadConfig({ RATE_LIMIT_PER_MINUTE: '0', ...options.env });
  const app = await buildApp({
    config,
    db,
    clock,
    logLevel: options.logStream ? 'info' : 'silent',
    scryptN: 1024,
    ...(options.random ? { random: options.random } : {}),
    ...(options.noticeTiming ? { noticeTiming: options.noticeTiming } : {}),
    ...(options.notices ? { notices: options.notices } : {}),
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  await app.services.users.bootstrapAdmin(ADMIN_PASSWORD);
  checkInjections(app);
  const http = checkedHttp(app.server);
  const tokens = new Map<Role, string>();

  async function login(username: string, password: string): Promise<string> {
    const res = await http.post('/api/v1/auth/login').send({ username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.token as string;
  }

  async function createUser(username: string, role: Role, password = USER_PASSWORD) {
    const admin = await token('admin');
    const res = await http
      .post('/api/v1/users')
      .set('authorization', `Bearer ${admin}`)
      .send({ username, displayName: `Test ${role}`, role, password });
    if (res.status !== 201) throw new Error(`create user failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { token: await login(username, password), id: res.body.user.id as number };
  }

  async function token(role: Role): Promise<string> {
    const cached = tokens.get(role);
    if (cached) return cached;
    const t = role === 'admin' ? await login('admin', ADMIN_PASSWORD) : (await createUser(`test-${role}`, role)).token;
    tokens.set(role, t);
    return t;
  }

  const raw = rawSql(db);
  return {
    app,
    db,
    clock,
    http,
    token,
    createUser,
    login,
    ...raw,
    loseDatabase: async () => {
      if (engineOf(db) === 'postgres') await (db.$client as unknown as { end(): Promise<void> }).end();
      else db.$client.close();
    },
    close: async () => {
      await app.close();
      await closeDb();
    },
  };
}

/** Raw SQL with `?` placeholders on either engine (TestApp.rows and the rest). */
export function rawSql(db: Db): Pick<TestApp, 'rows' | 'row' | 'count' | 'exec' | 'dropGuards'> {
  const build = (statement: string, params: unknown[]): SQL => {
    const parts = statement.split('?');
    if (parts.length !== params.length + 1) throw new Error(`${parts.length - 1} placeholders for ${params.length} values: ${statement}`);
    return sql.join(parts.flatMap((part, i) => (i < params.length ? [sql.raw(part), sql`${params[i]}`] : [sql.raw(part)])));
  };
  // The engine's own error (a trigger's message, a constraint's name), not drizzle's "Failed query" wrapper.
  const unwrapped = async <T,>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw err instanceof Error && err.message.startsWith('Failed query') && err.cause instanceof Error ? err.cause : err;
    }
  };
  const rows = async <T,>(statement: string, ...params: unknown[]) => unwrapped(() => selectRows<T>(db, build(statement, params)));
  const exec = async (statement: string, ...params: unknown[]) => {
    if (engineOf(db) === 'postgres') await rows(statement, ...params);
    else db.$client.prepare(statement).run(...params);
  };
  return {
    rows,
    row: async <T,>(statement: string, ...params: unknown[]) => (await rows<T>(statement, ...params))[0],
    count: async (table: string) => Number((await rows<{ n: number | string }>(`select count(*) as n from "${table.replace(/"/g, '""')}"`))[0]!.n),
    exec,
    dropGuards: async (table: string) => {
      const quoted = `"${table.replace(/"/g, '""')}"`;
      if (engineOf(db) === 'postgres') {
        await exec(`alter table ${quoted} disable trigger user`);
        return;
      }
      const triggers = await rows<{ name: string }>("select name from sqlite_master where type = 'trigger' and tbl_name = ?", table);
      for (const { name } of triggers) db.$client.exec(`drop trigger "${name.replace(/"/g, '""')}"`);
    },
  };
}

/**
 * The engine under test: SQLite in memory (or the file given), or with
 * TEST_ENGINE=postgres a fresh PostgreSQL database per app (npm run test:pg;
 * docs/postgresql.md), dropped on close.
 */
export const TEST_ENGINE = process.env.TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';

async function testDatabase(options: TestAppOptions): Promise<{ db: Db; closeDb: () => Promise<void> }> {
  if (options.postgresUrl !== undefined) {
    const shared = await openPostgres({ url: options.postgresUrl, poolSize: 4 });
    return { db: shared, closeDb: () => closeDatabase(shared) };
  }
  if (TEST_ENGINE === 'sqlite') {
    const db = openDatabase({ path: options.dbPath ?? ':memory:' });
    return {
      db,
      closeDb: async () => {
        db.$client.close();
      },
    };
  }
  if (options.dbPath !== undefined || options.from !== undefined) throw new Error('dbPath and from are SQLite files: this test runs on SQLite only');
  const server = await createTestDatabase('rl_test');
  const db = await openPostgres({ url: server.url, poolSize: 4 });
  return {
    db,
    closeDb: async () => {
      await closeDatabase(db);
      await server.drop();
    },
  };
}

/**
 * Writes a consistent copy of a test app's database to a temporary file, so
 * that many apps can start from the same records without building them
 * again through the API (createTestApp({ from })). Users and sessions are
 * copied too: tokens issued before the snapshot stay valid, and the
 * snapshot's users log in with their passwords (token() creates users, so
 * use login() for them).
 */
export function snapshotDatabase(t: TestApp): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-ledger-test-'));
  const file = path.join(dir, 'snapshot.sqlite');
  t.db.$client.prepare('vacuum into ?').run(file);
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies every row of a snapshot into a freshly migrated database (same migrations, so the same columns in the same order). */
function restoreRows(db: Db, file: string): void {
  const client = db.$client;
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  // Rows go in table by table, so references are checked only once all are in.
  client.pragma('foreign_keys = OFF');
  client.prepare('attach database ? as snapshot').run(file);
  try {
    client.transaction(() => {
      const tables = client
        .prepare("select name from snapshot.sqlite_master where type = 'table' and name <> '__drizzle_migrations' and name not like 'sqlite_%' order by name")
        .all() as Array<{ name: string }>;
      for (const { name } of [...tables, { name: 'sqlite_sequence' }]) {
        client.exec(`delete from main.${quote(name)}; insert into main.${quote(name)} select * from snapshot.${quote(name)}`);
      }
    })();
    const broken = client.pragma('foreign_key_check');
    if (Array.isArray(broken) && broken.length > 0) throw new Error(`snapshot ${file}: broken references ${JSON.stringify(broken)}`);
  } finally {
    client.exec('detach database snapshot');
    client.pragma('foreign_keys = ON');
  }
}

type SupertestTest = ReturnType<ReturnType<typeof supertest>['get']>;

/**
 * supertest on the server, with every answer checked against the OpenAPI
 * document before the test sees it (test/support/contract.ts): an answer the
 * document does not declare fails the request, as a failed expect() would.
 */
export function checkedHttp(server: Parameters<typeof supertest>[0]): ReturnType<typeof supertest> {
  const http = supertest(server);
  return new Proxy(http, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const made: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(made instanceof supertest.Test)) return made;
        const test = made as SupertestTest & { assert(error: unknown, res: unknown, fn: unknown): void; method: string; url: string };
        const assert = test.assert.bind(test);
        test.assert = (error, res, fn) => {
          const r = res as { status: number; headers: Record<string, string>; text?: unknown } | undefined;
          if (r && typeof fn === 'function') {
            try {
              assertConforms({ method: test.method, url: new URL(test.url).pathname, status: r.status, headers: r.headers, text: typeof r.text === 'string' ? r.text : undefined });
            } catch (violation) {
              (fn as (e: unknown, r: unknown) => void).call(test, violation, res);
              return;
            }
          }
          assert(error, res, fn);
        };
        return test;
      };
    },
  });
}

/** app.inject({ ... }) with its answer checked against the OpenAPI document, as checkedHttp does (the chained and callback forms are left as they are). */
function checkInjections(app: App): void {
  const original = app.inject.bind(app) as (...args: unknown[]) => unknown;
  app.inject = ((options?: InjectOptions | string, ...rest: unknown[]) => {
    if (options === undefined || typeof options === 'string' || rest.length > 0) return original(options, ...rest);
    return (original(options) as Promise<LightMyRequestResponse>).then((res) => {
      const url = typeof options.url === 'string' ? options.url : (options.url?.pathname ?? '/');
      const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, typeof v === 'number' ? String(v) : v]));
      assertConforms({ method: options.method ?? 'GET', url, status: res.statusCode, headers, text: res.payload });
      return res;
    });
  }) as typeof app.inject;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * Serial numbers from a counter, not Math.random: a failing test builds the
 * same devices when run again. Unique within a test file (each file runs in
 * its own module scope), which is as far as serial numbers must be unique.
 */
let serialCounter = 0;
const nextSerial = (prefix: string) => `${prefix}-${(++serialCounter).toString(36).toUpperCase().padStart(8, '0')}`;

/** A minimal valid intake body; override what the test is about. */
export function laptop(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category: 'laptop',
    make: 'Lenovo',
    model: 'ThinkPad T480',
    serialNumber: nextSerial('PF'),
    storage: [{ serialNumber: nextSerial('S3Z'), kind: 'ssd', capacityGb: 256 }],
    ...overrides,
  };
}

/** A passing wipe record of one drive (NIST purge by crypto erase, fully verified); override what the test is about. */
export function wipeBody(storageSerial: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { storageSerial, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', toolVersion: '0.37', verification: 'full', result: 'passed', ...overrides };
}
