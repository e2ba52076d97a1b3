/**
 * docs/domain.md §3 Grade: the current grade is a field of the device (in responses,
 * `GET /devices?grade=`, the CSV and the spec label), a ready device can be
 * regraded, and a checklist that contradicts the grade is 400 naming the item.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checklistContradictions } from '../../src/modules/grading/grade-rules.js';
import { parseCsv } from '../support/documents.js';
import { bearer, createTestApp, laptop, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
type Body = Record<string, unknown>;

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

async function sanitized(body: Body = laptop()) {
  const trainee = bearer(await t.token('trainee'));
  const res = await t.http.post(`${API}/devices`).set(trainee).send(body);
  expect(res.status).toBe(201);
  const tag = res.body.device.assetTag as string;
  for (const d of res.body.device.storage as Array<{ serialNumber: string }>) {
    expect((await t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send(wipeBody(d.serialNumber))).status).toBe(201);
  }
  if ((res.body.device.storage as unknown[]).length === 0) {
    expect((await t.http.post(`${API}/devices/${tag}/sanitizations`).set(trainee).send({ noStorage: true })).status).toBe(201);
  }
  return tag;
}
const grade = async (tag: string, body: Body) => t.http.post(`${API}/devices/${tag}/grade`).set(bearer(await t.token('trainee'))).send(body);
const history = async (tag: string) => (await t.http.get(`${API}/devices/${tag}/history`).set(bearer(await t.token('trainee')))).body.events as Array<Body>;

describe('grade on the device', () => {
  it('is null before grading, then carries grade and gradedAt; a regrade of a ready device is an event, and D sends it to awaiting_recycling', async () => {
    const tag = await sanitized();
    const before = (await t.http.get(`${API}/devices/${tag}`).set(bearer(await t.token('staff')))).body.device;
    expect(before).toMatchObject({ grade: null, gradedAt: null });

    const a = await grade(tag, { grade: 'A', checklist: { powersOn: true, screen: true, keyboard: true, batteryHealthPercent: 91 } });
    expect(a.status).toBe(201);
    expect(a.body.device).toMatchObject({ status: 'ready', grade: 'A', gradedAt: '2026-03-02T15:00:00.000Z' });

    t.clock.advance(3_600_000);
    const b = await grade(tag, { grade: 'B', checklist: { batteryHealthPercent: 60 } });
    expect(b.status).toBe(201);
    expect(b.body.device).toMatchObject({ status: 'ready', grade: 'B', gradedAt: '2026-03-02T16:00:00.000Z' });
    expect((await history(tag)).at(-1)).toMatchObject({ action: 'device.graded', fromStatus: 'ready', toStatus: 'ready', details: { grade: 'B', previousGrade: 'A', regrade: true } });

    const d = await grade(tag, { grade: 'D', checklist: { powersOn: false } });
    expect(d.body.device).toMatchObject({ status: 'awaiting_recycling', grade: 'D' });
    expect((await grade(tag, { grade: 'A' })).status).toBe(409);
  });

  it('filters the list by grade and status, and the CSV carries grade and gradedAt', async () => {
    const [a1, a2, b1, d1] = [await sanitized(), await sanitized(), await sanitized(), await sanitized()];
    await grade(a1, { grade: 'A' });
    await grade(a2, { grade: 'A' });
    await grade(b1, { grade: 'B' });
    await grade(d1, { grade: 'D' });
    const staff = bearer(await t.token('staff'));
    const readyA = await t.http.get(`${API}/devices?status=ready&grade=A`).set(staff);
    expect(readyA.body.items.map((x: Body) => x['assetTag'])).toEqual([a1, a2]);
    expect((await t.http.get(`${API}/devices?grade=D`).set(staff)).body.items.map((x: Body) => x['assetTag'])).toEqual([d1]);
    expect((await t.http.get(`${API}/devices?grade=E`).set(staff)).status).toBe(400);

    const csv = await t.http.get(`${API}/devices?format=csv&grade=A`).set(staff);
    const rows = parseCsv(csv.text);
    const header = rows[0]!;
    expect(header).toContain('grade');
    expect(rows.slice(1).map((r) => [r[header.indexOf('assetTag')], r[header.indexOf('grade')], r[header.indexOf('gradedAt')]])).toEqual([
      [a1, 'A', '2026-03-02T15:00:00.000Z'],
      [a2, 'A', '2026-03-02T15:00:00.000Z'],
    ]);
  });

  it('the spec label prints the device grade after a regrade', async () => {
    const tag = await sanitized();
    await grade(tag, { grade: 'A' });
    await grade(tag, { grade: 'C' });
    const zpl = await t.http.get(`${API}/devices/${tag}/label?template=zebra-2x1&format=zpl&kind=spec`).set(bearer(await t.token('trainee')));
    expect(zpl.status).toBe(200);
    expect(zpl.text).toMatch(/Grade C/);
    expect(zpl.text).not.toMatch(/Grade A/);
  });
});

describe('a checklist that contradicts the grade', () => {
  it('is 400 request.invalid naming the item, and nothing is written', async () => {
    const cases: Array<[Body, Body, string]> = [
      [laptop(), { grade: 'A', checklist: { powersOn: false } }, 'body.checklist.powersOn'],
      [laptop(), { grade: 'C', checklist: { powersOn: false } }, 'body.checklist.powersOn'],
      [laptop(), { grade: 'B', checklist: { screen: false } }, 'body.checklist.screen'],
      [laptop(), { grade: 'A', checklist: { keyboard: false } }, 'body.checklist.keyboard'],
      [laptop(), { grade: 'A', checklist: { batteryHealthPercent: 79 } }, 'body.checklist.batteryHealthPercent'],
      [laptop({ category: 'tablet' }), { grade: 'A', checklist: { screen: false } }, 'body.checklist.screen'],
    ];
    for (const [device, body, field] of cases) {
      const tag = await sanitized(device);
      const events = (await history(tag)).length;
      const res = await grade(tag, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('request.invalid');
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
      expect((await history(tag)).length).toBe(events);
      expect((await t.http.get(`${API}/devices/${tag}`).set(bearer(await t.token('staff')))).body.device).toMatchObject({ status: 'sanitized', grade: null });
    }
  });

  it('items the category does not have, or left out, contradict nothing', async () => {
    // A desktop has no built-in screen, keyboard or battery (its hdd purged by crypto erase is a valid record).
    const desktop = await sanitized(laptop({ category: 'desktop', storage: [{ serialNumber: 'DESK-1', kind: 'hdd' }] }));
    expect((await grade(desktop, { grade: 'A', checklist: { screen: false, keyboard: false, batteryHealthPercent: 10 } })).status).toBe(201);
    const bare = await sanitized();
    expect((await grade(bare, { grade: 'A' })).status).toBe(201);
    const d = await sanitized();
    expect((await grade(d, { grade: 'D', checklist: { powersOn: false, screen: false, keyboard: false, batteryHealthPercent: 0 } })).status).toBe(201);
  });

  it('the rule as a property: D is never contradicted; a device that does not power on is only ever D', () => {
    const category = fc.constantFrom('laptop', 'desktop', 'tablet', 'phone', 'monitor', 'server', 'other' as const);
    const checklist = fc.record(
      { powersOn: fc.boolean(), screen: fc.boolean(), keyboard: fc.boolean(), batteryHealthPercent: fc.integer({ min: 0, max: 100 }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(category, fc.constantFrom('A', 'B', 'C', 'D' as const), checklist, (cat, g, c) => {
        const found = checklistContradictions(cat, g, c);
        if (g === 'D') return found.length === 0;
        if (c.powersOn === false) return found.some((x) => x.item === 'powersOn');
        if (g === 'C') return found.length === 0;
        return true;
      }),
    );
  });
});
