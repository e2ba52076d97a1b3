/**
 * npm run db:copy (docs/postgresql.md, "Moving a site's data"): a site built
 * with the real app on SQLite goes to a new PostgreSQL database and back into
 * a new SQLite file, row for row and byte for byte, and the app opens the
 * result with its audit chain intact. Every refusal leaves the target as it
 * was. The PostgreSQL tests fail, never skip, when the server does not answer.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifyCopy } from '../../scripts/db-copy/copy.js';
import { PG_MIGRATIONS } from '../../scripts/db-copy/postgres.js';
import { journalLength } from '../../scripts/db-copy/sqlite.js';
import { bearer, createTestApp, laptop, wipeBody, type TestApp } from '../helpers.js';
import { createTestDatabase, DEFAULT_TEST_DATABASE_URL, type TestDatabase } from '../support/pg.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const API = '/api/v1';
const NWIPE_LOG = fs.readFileSync(path.join(ROOT, 'test/fixtures/wipe-reports/nwipe-0.42.format-strings.txt'));
type Body = Record<string, Record<string, unknown>>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as `npm run db:copy --` runs it. */
function dbCopy(...args: string[]): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/db-copy.ts'), ...args], { cwd: ROOT, env: process.env });
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function post(t: TestApp, url: string, body: Record<string, unknown>, role: 'trainee' | 'coordinator' | 'staff' | 'admin' | 'translator' = 'trainee') {
  const res = await t.http
    .post(`${API}${url}`)
    .set(bearer(await t.token(role)))
    .send(body);
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body as Body;
}

/**
 * A small site through the HTTP API: users of every role, a donation, devices
 * with drives, failed and passing wipes, a second-person verification, grades,
 * a repair, an issue to a participant and its return, a recycling shipment with
 * a bulk line, a translation, an added community, an imported wipe report (a
 * blob) and a scan.
 */
async function buildSite(dbPath: string): Promise<void> {
  // The built nwipe log's wipes are of 2026-02-27: its devices come in before that, the rest after.
  const t = await createTestApp({ dbPath, now: '2026-02-27T13:00:00.000Z', env: { SESSION_TTL_HOURS: String(24 * 30) } });
  try {
    for (const drives of [[{ serialNumber: 'ZN15TA6Y', kind: 'hdd' }, { serialNumber: 'WD-WX11A80W7430', kind: 'hdd' }], [{ serialNumber: 'S4EWNX0R123456789012AB', kind: 'nvme' }]]) {
      await post(t, '/devices', laptop({ storage: drives.map((d) => ({ ...d, capacityGb: 500 })) }));
    }
    t.clock.set('2026-03-02T15:00:00.000Z');
    // The log itself: a blob in wipe_reports, and a sanitization record for each drive.
    const report = await t.http
      .post(`${API}/wipe-reports`)
      .set(bearer(await t.token('trainee')))
      .set('content-type', 'text/plain')
      .serialize((b: unknown) => b as string)
      .send(NWIPE_LOG);
    expect(report.status, JSON.stringify(report.body)).toBeLessThan(300);

    const donation = await post(t, '/donations', { donorName: 'ᐃᖃᓗᐃᑦ Housing Office', donorType: 'government', receivedAt: '2026-03-01' }, 'staff');
    const donationId = donation['donation']!['id'] as number;
    const intake = await post(t, '/devices', laptop({ donationId, notes: 'keyboard: "é" key sticks; ᓄᓇᕗᑦ' }));
    const tag = intake['device']!['assetTag'] as string;
    const drive = (intake['device']!['storage'] as Array<{ serialNumber: string }>)[0]!.serialNumber;
    await post(t, `/devices/${tag}/sanitizations`, wipeBody(drive, { result: 'failed' }));
    const passed = await post(t, `/devices/${tag}/sanitizations`, wipeBody(drive));
    expect(passed['sanitization']!['id']).toEqual(expect.any(Number));
    // The sample drew a passing wipe (the first one always is): a second person checks it.
    const pending = await t.http.get(`${API}/sanitization-verifications`).set(bearer(await t.token('coordinator')));
    const drawn = (pending.body.items as Array<{ id: number }>)[0];
    expect(drawn, JSON.stringify(pending.body)).toBeDefined();
    await post(t, `/sanitization-verifications/${drawn!.id}`, { result: 'passed', notes: 'spot-checked three sectors' }, 'coordinator');
    await post(t, `/devices/${tag}/grade`, { grade: 'B' });
    await post(t, '/communities', { name: 'Ottawa', altName: 'Bytown' }, 'admin');
    const participant = await post(
      t,
      '/participants',
      { community: 'Ottawa', displayName: 'Test Person', contact: '867-555-0100', consent: { given: true, language: 'iu' } },
      'coordinator',
    );
    await post(t, `/devices/${tag}/issue`, { participantCode: participant['participant']!['code'], kind: 'gift', agreementAccepted: true }, 'coordinator');
    await post(t, `/devices/${tag}/return`, { condition: 'good', personalDataRemoved: true, notes: 'returned by a cousin' }, 'coordinator');

    const second = await post(t, '/devices', laptop());
    const tag2 = second['device']!['assetTag'] as string;
    await post(t, `/devices/${tag2}/sanitizations`, wipeBody((second['device']!['storage'] as Array<{ serialNumber: string }>)[0]!.serialNumber));
    const repair = await post(t, `/devices/${tag2}/repairs`, { description: 'fan replaced', minutes: 20 });
    await post(t, `/devices/${tag2}/repairs/${repair['repair']!['id'] as number}/complete`, { outcome: 'fixed', minutes: 5 });

    const third = await post(t, '/devices', laptop());
    const tag3 = third['device']!['assetTag'] as string;
    await post(t, `/devices/${tag3}/sanitizations`, wipeBody((third['device']!['storage'] as Array<{ serialNumber: string }>)[0]!.serialNumber, { method: 'destroy', technique: 'shred' }));
    await post(t, `/devices/${tag3}/grade`, { grade: 'D' });
    const recycler = await post(t, '/recyclers', { name: 'Southern E-Cycle', certification: 'R2' }, 'coordinator');
    const shipment = await post(t, '/shipments', { recyclerId: recycler['recycler']!['id'], mode: 'sealift' }, 'coordinator');
    const shipmentId = shipment['shipment']!['id'] as number;
    await post(t, `/shipments/${shipmentId}/devices`, { assetTag: tag3 }, 'coordinator');
    await post(t, `/shipments/${shipmentId}/bulk-lines`, { category: 'cables', weightGrams: 4200, units: 30 }, 'coordinator');

    const translated = await t.http.put(`${API}/translations/iu/station.card.drives`).set(bearer(await t.token('translator'))).send({ text: 'ᓄᓇᕗᑦ (test)', reviewed: true });
    expect(translated.status, JSON.stringify(translated.body)).toBeLessThan(300);

    const scan = await t.http.post(`${API}/scans`).set(bearer(await t.token('trainee'))).send({ code: tag2 });
    expect(scan.status, JSON.stringify(scan.body)).toBeLessThan(300);
  } finally {
    await t.close();
  }
}

/** Every row of every table (and sqlite_sequence) as SQLite's quote() writes it: type and bytes, so 1 and 1.0 and '1' differ. */
function rowSets(file: string): Record<string, string[]> {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("select name from sqlite_master where type = 'table' and name <> '__drizzle_migrations' order by name").all() as Array<{ name: string }>;
    const out: Record<string, string[]> = {};
    for (const { name } of tables) {
      const columns = (db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string }>).map((c) => `quote("${c.name}")`);
      out[name] = (db.prepare(`select ${columns.join(" || '|' || ")} as r from "${name}"`).pluck().all() as string[]).sort();
    }
    return out;
  } finally {
    db.close();
  }
}

const count = async (pool: pg.Pool, table: string) => (await pool.query<{ n: number }>(`select count(*)::int as n from "${table}"`)).rows[0]!.n;

let tmp: string;
let site: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'db-copy-'));
  site = path.join(tmp, 'site.db');
  await buildSite(site);
}, 60_000);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('db:copy, SQLite to PostgreSQL and back', () => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const d of databases.splice(0)) await d.drop();
  });
  const database = async () => {
    const d = await createTestDatabase('rl_copy');
    databases.push(d);
    return d;
  };

  it('copies every row, text and byte into PostgreSQL, verifies, copies back to a new file with the same row sets, and the app opens it with its audit chain intact', async () => {
    const target = await database();
    const there = await dbCopy('--from', site, '--to', target.url, '--json');
    expect(there.code, there.stderr).toBe(0);
    const summary = JSON.parse(there.stdout) as { verified: boolean; rows: number; seedsReplaced: string[]; tables: Array<{ table: string; rows: number }>; highWater: Record<string, number> };
    expect(summary.verified).toBe(true);
    expect(summary.seedsReplaced.sort()).toEqual(['co2e_factor_sets', 'co2e_factors', 'communities', 'sanitization_sampling_tally', 'sites']);
    const source = new Database(site, { readonly: true });
    const sourceCount = (table: string) => (source.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
    try {
      for (const t of summary.tables) expect([t.table, t.rows]).toEqual([t.table, sourceCount(t.table)]);
      for (const table of ['users', 'donations', 'devices', 'storage_drives', 'sanitization_records', 'sanitization_verifications', 'gradings', 'issuances', 'participants', 'shipments', 'shipment_devices', 'shipment_bulk_lines', 'translations', 'wipe_reports', 'scans', 'repairs']) {
        expect([table, sourceCount(table)]).not.toEqual([table, 0]);
        expect([table, await count(target.pool, table)]).toEqual([table, sourceCount(table)]);
      }
      // The chain's stored text, the blob's bytes, a boolean as a boolean, the added community.
      const events = source.prepare('select id, details, records, prev_hash, hash from audit_events order by id').all();
      expect((await target.pool.query('select id, details, records, prev_hash, hash from audit_events order by id')).rows).toEqual(events);
      const body = (source.prepare('select body from wipe_reports').get() as { body: Buffer }).body;
      expect(((await target.pool.query('select body from wipe_reports')).rows[0] as { body: Buffer }).body.equals(body)).toBe(true);
      expect(body.equals(NWIPE_LOG)).toBe(true);
      expect((await target.pool.query("select reviewed from translations where key = 'station.card.drives'")).rows).toEqual([{ reviewed: true }]);
      expect((await target.pool.query("select id, alt_name from communities where name = 'Ottawa'")).rows).toEqual([{ id: 26, alt_name: 'Bytown' }]);
      // The next id the database numbers comes after the copied ones (the source's high-water marks).
      const seq = source.prepare("select seq from sqlite_sequence where name = 'audit_events'").get() as { seq: number };
      const sequence = await target.pool.query("select last_value::int as v, is_called from audit_events_id_seq");
      expect(sequence.rows).toEqual([{ v: seq.seq, is_called: true }]);
    } finally {
      source.close();
    }
    expect(await verifyCopy(site, target.url)).toMatchObject({ ok: true, rows: summary.rows });

    const back = path.join(tmp, 'back.db');
    const home = await dbCopy('--from', target.url, '--to', back);
    expect(home.code, home.stderr).toBe(0);
    expect(home.stdout).toMatch(/^verified: 34 tables, \d+ rows/m);
    expect(fs.readdirSync(tmp).filter((f) => f.includes('.partial-'))).toEqual([]);
    expect(rowSets(back)).toEqual(rowSets(site));

    const app = await createTestApp({ dbPath: back });
    try {
      const res = await app.http.get(`${API}/audit/verify`).set(bearer(await app.login('admin', 'admin-password-for-tests')));
      expect(res.status).toBe(200);
      expect(res.body.ok, JSON.stringify(res.body)).toBe(true);
      expect(res.body.events).toBe(rowSets(site)['audit_events']!.length);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('carries the high-water mark of events cut from the end of the history, so the audit check on the copy still notices them', async () => {
    const cut = path.join(tmp, 'cut.db');
    fs.copyFileSync(site, cut);
    const db = new Database(cut);
    // What three events appended and then cut (triggers dropped) leave behind: a high-water mark above the last id.
    db.exec("update sqlite_sequence set seq = seq + 3 where name = 'audit_events'");
    const mark = (db.prepare("select seq from sqlite_sequence where name = 'audit_events'").get() as { seq: number }).seq;
    db.close();
    const target = await database();
    const there = await dbCopy('--from', cut, '--to', target.url);
    expect(there.code, there.stderr).toBe(0);
    expect((await target.pool.query('select last_value::int as v from audit_events_id_seq')).rows).toEqual([{ v: mark }]);
    const back = path.join(tmp, 'cut-back.db');
    const home = await dbCopy('--from', target.url, '--to', back);
    expect(home.code, home.stderr).toBe(0);
    expect(rowSets(back)['sqlite_sequence']).toEqual(rowSets(cut)['sqlite_sequence']);
    const app = await createTestApp({ dbPath: back });
    try {
      const res = await app.http.get(`${API}/audit/verify`).set(bearer(await app.login('admin', 'admin-password-for-tests')));
      expect(res.status).toBe(200);
      expect(res.body.ok, JSON.stringify(res.body)).toBe(false);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('migrates a PostgreSQL database that has no tables yet, then copies into it', async () => {
    const adminUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const name = `rl_copy_bare_${process.pid}`;
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    try {
      const run = await dbCopy('--from', site, '--to', url.toString(), '--json');
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ verified: true, migrationsApplied: journalLength(PG_MIGRATIONS) });
      expect(journalLength(PG_MIGRATIONS)).toBeGreaterThanOrEqual(3);
    } finally {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }, 30_000);

  it('refuses a PostgreSQL database that already holds rows, and writes nothing to it', async () => {
    const target = await database();
    await target.pool.query("insert into users (site_id, username, display_name, role, password_hash, password_changed_at, created_at, updated_at) values (1, 'x', 'X', 'admin', 'h', 't', 't', 't')");
    const run = await dbCopy('--from', site, '--to', target.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused: .* is not empty: users holds 1 row/);
    expect(await count(target.pool, 'users')).toBe(1);
    expect(await count(target.pool, 'audit_events')).toBe(0);
    expect(await count(target.pool, 'communities')).toBe(25);
  });

  it('refuses text holding a NUL character, naming table, row and column, before PostgreSQL is written', async () => {
    const target = await database();
    const bad = path.join(tmp, 'nul.db');
    fs.copyFileSync(site, bad);
    const db = new Database(bad);
    db.prepare('update devices set notes = ? where id = 5').run('before\u0000after');
    db.close();
    const run = await dbCopy('--from', bad, '--to', target.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refused: devices row id=5: column notes holds a NUL character');
    expect(await count(target.pool, 'devices')).toBe(0);
    expect(await count(target.pool, 'users')).toBe(0);
  });

  it('refuses a source that is not fully migrated', async () => {
    const target = await database();
    const old = path.join(tmp, 'old.db');
    fs.copyFileSync(site, old);
    const db = new Database(old);
    // As a file an older version left: its last migration not applied yet.
    db.exec('delete from __drizzle_migrations where rowid = (select max(rowid) from __drizzle_migrations)');
    db.close();
    const run = await dbCopy('--from', old, '--to', target.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refused: The source .*old\.db has (\d+) of the \d+ migrations applied: start the service on it once/);
    expect(await count(target.pool, 'users')).toBe(0);
  });

  it('refuses a SQLite target that exists, and leaves it as it was', async () => {
    const source = await database();
    const existing = path.join(tmp, 'existing.db');
    fs.writeFileSync(existing, 'not a database, but someone\'s file');
    const run = await dbCopy('--from', source.url, '--to', existing);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`refused: The target ${existing} already exists`);
    expect(fs.readFileSync(existing, 'utf8')).toBe('not a database, but someone\'s file');
  });

  it('names the server it cannot reach, a database that does not exist, and a URL that is not PostgreSQL', async () => {
    const unreachable = await dbCopy('--from', site, '--to', 'postgres://postgres:secret@127.0.0.1:1/refurb');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/refused: Cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/refurb: .*ECONNREFUSED/);
    expect(unreachable.stderr).not.toContain('secret');

    const url = new URL(process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL);
    url.pathname = '/rl_copy_does_not_exist';
    const missing = await dbCopy('--from', site, '--to', url.toString());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('database "rl_copy_does_not_exist" does not exist');

    const mysql = await dbCopy('--from', site, '--to', 'mysql://root@127.0.0.1/refurb');
    expect(mysql.code).toBe(1);
    expect(mysql.stderr).toContain('mysql:// is not a database this copy knows');

    const usage = await dbCopy('--from', site);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Both --from and --to are needed');
  });

  it('--verify-only names the first difference between two databases', async () => {
    const changed = path.join(tmp, 'changed.db');
    fs.copyFileSync(site, changed);
    const db = new Database(changed);
    db.prepare("update devices set location = 'shelf 9' where id = 3").run();
    db.close();
    const run = await dbCopy('--verify-only', '--from', site, '--to', changed);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not verified: devices: row id=3 differs in location: null in .*site\.db, "shelf 9" in .*changed\.db/);
    expect(await verifyCopy(site, site)).toMatchObject({ ok: true });
  });
});
