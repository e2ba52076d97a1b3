/**
 * A full disk is an answer, not a crash: SQLITE_FULL from a request is 507
 * storage.full, /readyz turns 503 until a write commits again, and no
 * acknowledged write is lost. The disk is filled without root by capping the
 * file database's size with PRAGMA max_page_count on the app's connection.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storageFailureOf } from '../../src/core/db.js';
import { bearer, createTestApp, laptop, type TestApp } from '../helpers.js';

type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };

const FULL_DETAIL = "The server's disk is full: nothing was saved. Free space on the server, then try again.";

function expectProblem(res: Res, status: number, code: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
  expect(res.body).toMatchObject({ status, code });
  expect(JSON.stringify(res.body)).not.toMatch(/sqlite|SQLITE_|insert|update|database or disk/i);
}

describe('a full disk', () => {
  let t: TestApp;
  let dir: string;
  let token: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-full-'));
    t = await createTestApp({ dbPath: path.join(dir, 'ledger.db') });
    token = await t.token('trainee');
  });
  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const pageCount = () => Number(t.db.$client.pragma('page_count', { simple: true }));
  /** Lets the database grow by `pages` pages at most: the disk is that close to full. */
  const capDisk = (pages: number) => t.db.$client.pragma(`max_page_count = ${pageCount() + pages}`);
  const freeDisk = () => capDisk(100_000);
  const intake = (body: Record<string, unknown>, key?: string): Promise<Res> => {
    const req = t.http.post('/api/v1/devices').set(bearer(token));
    return (key === undefined ? req : req.set('idempotency-key', key)).send(body);
  };
  /** Intakes until the disk refuses one; returns the acknowledged devices and the refused answer with its body. */
  async function fillDisk(): Promise<{ acknowledged: Array<{ tag: string; serial: string }>; refused: Res; refusedBody: Record<string, unknown> }> {
    const acknowledged: Array<{ tag: string; serial: string }> = [];
    for (let i = 0; i < 200; i++) {
      const body = laptop({ notes: `Hinge loose, battery at ${i}%. `.repeat(20) });
      const res = await intake(body);
      if (res.status !== 201) return { acknowledged, refused: res, refusedBody: body };
      acknowledged.push({ tag: String((res.body['device'] as { assetTag: string }).assetTag), serial: String(body['serialNumber']) });
    }
    throw new Error('the capped database never filled');
  }
  async function serials(): Promise<string[]> {
    const res = await t.http.get('/api/v1/devices?limit=500').set(bearer(token));
    expect(res.status).toBe(200);
    return (res.body.items as Array<{ serialNumber: string }>).map((d) => d.serialNumber);
  }

  it('answers 507 storage.full, turns /readyz 503, keeps every acknowledged write, and recovers by itself once space is freed', async () => {
    const before = { body: laptop(), res: undefined as Res | undefined };
    before.res = await intake(before.body);
    expect(before.res.status).toBe(201);
    expect((await t.http.get('/readyz')).status).toBe(200);

    capDisk(3);
    const { acknowledged, refused, refusedBody } = await fillDisk();
    expectProblem(refused, 507, 'storage.full');
    expect(refused.body['title']).toBe("The server's disk is full");
    expect(refused.body['detail']).toBe(FULL_DETAIL);

    for (let i = 0; i < 2; i++) {
      const ready = await t.http.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'not_ready' });
    }
    // Reads still work, and every write that was acknowledged is there; the refused one is not.
    const stored = await serials();
    expect(stored).toEqual(expect.arrayContaining([String(before.body['serialNumber']), ...acknowledged.map((a) => a.serial)]));
    expect(stored).toHaveLength(1 + acknowledged.length);
    expect(stored).not.toContain(refusedBody['serialNumber']);
    for (const { tag, serial } of acknowledged) {
      const read = await t.http.get(`/api/v1/devices/${tag}`).set(bearer(token));
      expect(read.status).toBe(200);
      expect(read.body.device.serialNumber).toBe(serial);
    }
    // Still full: the same request is refused again, not half-applied.
    expectProblem(await intake(refusedBody), 507, 'storage.full');

    freeDisk();
    const ready = await t.http.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ready' });
    const retried = await intake(refusedBody);
    expect(retried.status).toBe(201);
    expect(await serials()).toContain(refusedBody['serialNumber']);
    expect((await t.http.get('/readyz')).status).toBe(200);
    expect(t.db.$client.prepare('pragma integrity_check').get()).toEqual({ integrity_check: 'ok' });
  });

  it('refuses a scan with 507 too, and the scan counts once written', async () => {
    capDisk(3);
    const { acknowledged } = await fillDisk();
    const tag = acknowledged[0]?.tag ?? '';
    let scan: Res | undefined;
    // A scan row is small: it may still fit in a page's free space, so scan until one is refused.
    for (let i = 0; i < 400; i++) {
      scan = await t.http.post('/api/v1/scans').set(bearer(token)).send({ code: tag, station: `bench-${i}-${'x'.repeat(90)}` });
      if (scan.status !== 200) break;
    }
    expectProblem(scan!, 507, 'storage.full');
    freeDisk();
    const after = await t.http.post('/api/v1/scans').set(bearer(token)).send({ code: tag, station: 'bench-1' });
    expect(after.status).toBe(200);
  });

  it('does not keep a 507 as the answer to an Idempotency-Key: the same key applies the request once space is freed', async () => {
    capDisk(3);
    const { refusedBody } = await fillDisk();
    const first = await intake(refusedBody, 'intake-when-full');
    expectProblem(first, 507, 'storage.full');
    const again = await intake(refusedBody, 'intake-when-full');
    expectProblem(again, 507, 'storage.full');
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(t.db.$client.prepare("select count(*) as n from idempotency_keys where key = 'intake-when-full'").get()).toEqual({ n: 0 });

    freeDisk();
    const applied = await intake(refusedBody, 'intake-when-full');
    expect(applied.status).toBe(201);
    expect(applied.headers['idempotent-replayed']).toBeUndefined();
    const replay = await intake(refusedBody, 'intake-when-full');
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const tagOf = (res: Res) => (res.body['device'] as { assetTag: string }).assetTag;
    expect(tagOf(replay)).toBe(tagOf(applied));
    expect((await serials()).filter((s) => s === refusedBody['serialNumber'])).toHaveLength(1);
  });

  it('does not answer "nothing was saved" when the change committed and only its answer could not be kept', async () => {
    // The disk fills between the commit and the storing of the answer: a test-only trigger makes
    // storing an answer need far more pages than the intake itself did.
    t.db.$client.exec(`
      create table test_ballast (filler blob);
      create trigger test_answer_needs_space before update of response_status on idempotency_keys
        begin insert into test_ballast values (zeroblob(200000)); end;
    `);
    capDisk(20);
    const body = laptop();
    const res = await intake(body, 'answer-lost');
    expectProblem(res, 409, 'idempotency.outcome_unknown');
    expect(res.body['detail']).toBe('The change was saved, but the server could not keep its answer: read the record back instead of sending it again.');
    expect(await serials()).toContain(body['serialNumber']);

    const replay = await intake(body, 'answer-lost');
    expectProblem(replay, 409, 'idempotency.outcome_unknown');
    expect((await serials()).filter((s) => s === body['serialNumber'])).toHaveLength(1);
  });

  it('answers a disk I/O error with 503 storage.io_error, which does not claim nothing was saved', async () => {
    // SQLite cannot be made to fail its I/O without root: the scan use case throws what better-sqlite3 throws.
    const scans = t.app.services.scans as { scan: (...args: unknown[]) => unknown };
    scans.scan = () => {
      throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR_FSYNC' });
    };
    const res = await t.http.post('/api/v1/scans').set(bearer(token)).send({ code: 'IQ-000001-Z' });
    expectProblem(res, 503, 'storage.io_error');
    expect(String(res.body['detail'])).toMatch(/may not have been saved/);
    // /readyz probes: the disk itself still takes writes, so the service is ready again.
    expect((await t.http.get('/readyz')).status).toBe(200);
  });
});

describe('storageFailureOf', () => {
  const err = (code: string, cause?: unknown) => Object.assign(new Error('x', cause === undefined ? {} : { cause }), { code });
  it('names a full disk and an I/O error, and nothing else', () => {
    expect(storageFailureOf(err('SQLITE_FULL'))).toBe('full');
    expect(storageFailureOf(err('SQLITE_IOERR'))).toBe('io');
    expect(storageFailureOf(err('SQLITE_IOERR_WRITE'))).toBe('io');
    expect(storageFailureOf(new Error('wrapped', { cause: err('SQLITE_FULL') }))).toBe('full');
    expect(storageFailureOf(err('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(storageFailureOf(err('SQLITE_BUSY'))).toBeUndefined();
    expect(storageFailureOf({ code: 'SQLITE_FULL' })).toBeUndefined();
  });
});
