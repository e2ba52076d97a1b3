/**
 * Erasure that erases (PIPEDA; an outside review found the name, phone,
 * e-mail and access-log purpose still readable with `strings` after an
 * erasure): after DELETE /participants/{code}/personal-data, none of the
 * participant's strings is left in any API answer or any row of any table,
 * and on SQLite in the database file or its WAL, while the service runs and
 * after a clean stop (PostgreSQL's own files: docs/security.md#personal-data).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase } from '../../src/core/db.js';
import { bearer, createTestApp, laptop, TEST_ENGINE, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
const NAME = 'Qaumajuq Erasewell';
const PHONE = '867-555-7731';
const EMAIL = 'qaumajuq.7731@example.org';
const PURPOSE = 'calling Qaumajuq Erasewell about the pickup';
const NOTE = 'second laptop for Qaumajuq Erasewell daughter Ooleepeeka';
const RETURN_NOTE = 'returned by Ooleepeeka at the Arviat office';
const SECRETS = [NAME, 'Erasewell', PHONE, EMAIL, 'qaumajuq.7731', 'Ooleepeeka', 'calling Qaumajuq'];

let t: TestApp | undefined;
let dir: string;
afterEach(async () => {
  await t?.close().catch(() => undefined);
  t = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Every secret found in the bytes, as UTF-8 (how SQLite stores TEXT here). */
function leaks(bytes: Buffer): string[] {
  return SECRETS.filter((s) => bytes.includes(Buffer.from(s, 'utf8')));
}
const fileLeaks = (file: string) => (fs.existsSync(file) ? leaks(fs.readFileSync(file)) : []);

/** Every secret found in any value of any row of any table, named by table and column. */
async function rowLeaks(app: TestApp): Promise<string[]> {
  const tables =
    TEST_ENGINE === 'postgres'
      ? await app.rows<{ name: string }>("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'")
      : await app.rows<{ name: string }>("select name from sqlite_master where type = 'table'");
  expect(tables.map((r) => r.name)).toEqual(expect.arrayContaining(['participants', 'participant_personal_data', 'issuances', 'audit_events', 'idempotency_keys']));
  const found: string[] = [];
  for (const { name } of tables) {
    for (const row of await app.rows(`select * from "${name}"`)) {
      for (const [column, value] of Object.entries(row)) {
        const bytes = Buffer.isBuffer(value) ? value : typeof value === 'string' ? Buffer.from(value, 'utf8') : null;
        if (bytes) for (const secret of leaks(bytes)) found.push(`${name}.${column}: ${secret}`);
      }
    }
  }
  return found;
}

describe('erasure that erases', () => {
  it('leaves no string of the participant in answers, in any row, or (SQLite) in the database file or its WAL; the code and custody history stay', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erasure-'));
    const file = path.join(dir, 'refurb.db');
    // SQLite on a file, so that its bytes can be read; PostgreSQL keeps its own files.
    t = await createTestApp(TEST_ENGINE === 'sqlite' ? { dbPath: file } : {});
    const coordinator = bearer(await t.token('coordinator'));
    const trainee = bearer(await t.token('trainee'));

    const ready = async () => {
      const res = await t!.http.post(`${API}/devices`).set(trainee).send(laptop());
      const tag = res.body.device.assetTag as string;
      await t!.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipeBody(res.body.device.storage[0].serialNumber));
      expect((await t!.http.post(`${API}/devices/${tag}/grade`).set(trainee).send({ grade: 'B' })).status).toBe(201);
      return tag;
    };
    const created = await t.http
      .post(`${API}/participants`)
      .set(coordinator)
      .set('idempotency-key', 'register-qaumajuq')
      .send({ community: 'Arviat', displayName: NAME, contact: `${PHONE} / ${EMAIL}`, consent: { given: true, language: 'iu' } });
    expect(created.status).toBe(201);
    const code = created.body.participant.code as string;
    expect((await t.http.get(`${API}/participants/${code}?purpose=${encodeURIComponent(PURPOSE)}`).set(coordinator)).status).toBe(200);
    const first = await ready();
    const second = await ready();
    expect((await t.http.post(`${API}/devices/${first}/issue`).set(coordinator).send({ participantCode: code, kind: 'gift', agreementAccepted: true })).status).toBe(201);
    const override = await t.http
      .post(`${API}/devices/${second}/issue`)
      .set(coordinator)
      .send({ participantCode: code, kind: 'loan', dueDate: '2026-06-01', agreementAccepted: true, overrideReason: 'second_device_household', overrideNote: NOTE });
    expect(override.status).toBe(201);
    expect((await t.http.post(`${API}/devices/${second}/return`).set(coordinator).send({ condition: 'good', notes: RETURN_NOTE })).status).toBe(200);

    // Before: the data is there (so the checks below can fail).
    const before = await t.http.get(`${API}/participants/${code}/export`).set(coordinator);
    expect(before.text).toContain(NAME);
    expect(before.text).toContain('Ooleepeeka');
    expect(await rowLeaks(t)).toEqual(expect.arrayContaining([expect.stringMatching(/^participant_personal_data\.\w+: Qaumajuq Erasewell$/), expect.stringMatching(/: Ooleepeeka$/)]));
    if (TEST_ENGINE === 'sqlite') expect(fileLeaks(file).length + fileLeaks(`${file}-wal`).length).toBeGreaterThan(0);

    const erased = await t.http.delete(`${API}/participants/${code}/personal-data`).set(coordinator);
    expect(erased.status).toBe(204);

    // Every answer that could show the participant.
    const admin = bearer(await t.token('admin'));
    const answers = await Promise.all([
      t.http.get(`${API}/participants/${code}`).set(coordinator),
      t.http.get(`${API}/participants/${code}/export`).set(admin),
      t.http.get(`${API}/participants`).set(coordinator),
      t.http.get(`${API}/issuances`).set(coordinator),
      t.http.get(`${API}/devices/${first}/history`).set(admin),
      t.http.get(`${API}/devices/${second}/history`).set(admin),
      t.http.get(`${API}/devices?format=csv`).set(admin),
    ]);
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(leaks(Buffer.from(a.text)), a.request.url).toEqual([]);
    }
    // A replay of the registration's Idempotency-Key does not bring the name back.
    const replay = await t.http
      .post(`${API}/participants`)
      .set(coordinator)
      .set('idempotency-key', 'register-qaumajuq')
      .send({ community: 'Arviat', displayName: NAME, contact: `${PHONE} / ${EMAIL}`, consent: { given: true, language: 'iu' } });
    expect(leaks(Buffer.from(replay.text))).toEqual([]);
    // The code and the custody history remain.
    expect(answers[0].body.participant).toMatchObject({ code, personalDataErased: true });
    expect(answers[4].body.events.map((e: { action: string }) => e.action)).toContain('device.issued');
    expect((await t.http.get(`${API}/audit/verify`).set(admin)).body.ok).toBe(true);

    // Every row of every table.
    expect(await rowLeaks(t)).toEqual([]);
    // PostgreSQL's files hold the old row versions until VACUUM reuses their space: beyond the service (docs/security.md).
    if (TEST_ENGINE === 'sqlite') {
      // While the service runs: the file and its WAL.
      expect(fileLeaks(file)).toEqual([]);
      expect(fileLeaks(`${file}-wal`)).toEqual([]);

      // After a clean stop.
      await t.app.close();
      await closeDatabase(t.db);
      t = undefined;
      expect(fileLeaks(file)).toEqual([]);
      expect(fileLeaks(`${file}-wal`)).toEqual([]);
    }
  });
});
