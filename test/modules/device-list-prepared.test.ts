/**
 * The device list's reads are prepared statements (docs/performance.md, "The
 * filtered device list"): one per shape of filter, made the first time that
 * shape is asked for and then run with other values; the drives of a page and
 * their records are one statement each, the page's ids bound as one list. For
 * any sequence of filters, cursors, orders and limits, the prepared list must
 * answer exactly the rows the query built afresh answers, and the page's
 * drives exactly those of each device. Runs on the engine under test (npm
 * test: SQLite; npm run test:pg: PostgreSQL).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDevices, prepareDeviceList, prepareDrivesOfPage, type DeviceFilter } from '../../src/modules/devices/devices.repository.js';
import { prepareDriveStates, prepareDriveStatesOfPage } from '../../src/modules/sanitization/drive-state.js';
import type { DeviceSort } from '../../src/modules/devices/devices.schemas.js';
import { bearer, createTestApp, laptop, wipeBody, type TestApp } from '../helpers.js';

const API = '/api/v1';
const STATUSES = ['received', 'sanitized', 'ready', 'issued'] as const;
const GRADES = ['A', 'B', 'C'] as const;
const CATEGORIES = ['laptop', 'desktop', 'tablet'] as const;
/** Notes the search must tell apart: LIKE's own % and _ are literal in a search. */
const NOTES = ['50% off', '50_ off', 'hinge 50', null] as const;
const SORTS: readonly DeviceSort[] = ['intake', '-intake', 'assetTag', '-assetTag'];

let t: TestApp;
let ids: number[] = [];
const tags: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const auth = bearer(await t.token('coordinator'));
  const donation = await t.http.post(`${API}/donations`).set(auth).send({ donorName: 'Qikiqtani Inuit Association', donorType: 'business', receivedAt: '2026-11-02' });
  expect(donation.status, JSON.stringify(donation.body)).toBe(201);
  for (let i = 0; i < 24; i++) {
    const storage = i % 4 === 3 ? [] : Array.from({ length: 1 + (i % 3) }, (_, k) => ({ serialNumber: `LST-${i}-${k}`, kind: 'ssd' }));
    const body = laptop({
      category: CATEGORIES[i % 3],
      storage,
      ...(NOTES[i % 4] ? { notes: NOTES[i % 4] } : {}),
      ...(i % 5 === 0 ? { donationId: donation.body.donation.id as number } : {}),
    });
    const res = await t.http.post(`${API}/devices`).set(auth).send(body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    tags.push(res.body.device.assetTag as string);
  }
  ids = (await t.rows<{ id: number }>('select id from devices order by id')).map((r) => Number(r.id));
  // The first two devices' drives are wiped (the second's first drive fails once, then passes): their drives have states.
  for (const [i, tag] of tags.slice(0, 2).entries()) {
    for (const [k, serial] of [`LST-${i}-0`, `LST-${i}-1`].slice(0, i + 1).entries()) {
      if (i === 1 && k === 0) expect((await t.http.post(`${API}/devices/${tag}/sanitizations`).set(auth).send(wipeBody(serial, { result: 'failed' }))).status).toBe(201);
      const res = await t.http.post(`${API}/devices/${tag}/sanitizations`).set(auth).send(wipeBody(serial));
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
  }
  // Statuses and grades spread over the devices: a read test, so set directly rather than walked through the lifecycle.
  for (const [i, id] of ids.entries()) {
    await t.exec('update devices set status = ?, grade = ? where id = ?', STATUSES[i % 4], i % 7 === 0 ? null : GRADES[i % 3], id);
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
});

/** Zero to three of the filter's fields at once: more, and almost every page would be empty. */
const filterArb: fc.Arbitrary<DeviceFilter> = fc
  .record({
    status: fc.constantFrom(...STATUSES),
    grade: fc.constantFrom(...GRADES),
    category: fc.constantFrom(...CATEGORIES),
    siteId: fc.constantFrom(1, 2),
    donationId: fc.constantFrom(1, 2),
    q: fc.constantFrom('50%', '50_', 'hinge', 'LENOVO', 'pf-', '%', '_'),
    flag: fc.constant('recall' as const),
  })
  .chain((all) => fc.subarray(Object.keys(all) as Array<keyof typeof all>, { maxLength: 3 }).map((keys) => Object.fromEntries(keys.map((k) => [k, all[k]])) as DeviceFilter));

describe('the prepared device list', () => {
  it('answers what the query built afresh answers, for any sequence of filters, cursors, orders and limits', async () => {
    const prepared = prepareDeviceList(t.db);
    const drivesOf = prepareDrivesOfPage(t.db);
    let nonEmpty = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(filterArb, fc.option(fc.nat(ids.length + 1), { nil: null }), fc.integer({ min: 1, max: 30 }), fc.constantFrom(...SORTS)), { minLength: 1, maxLength: 6 }),
        async (steps) => {
          for (const [filter, cursorIndex, limit, sort] of steps) {
            const after = cursorIndex === null ? null : (ids[cursorIndex] ?? 999_999);
            const fresh = await listDevices(t.db, filter, after, limit, sort);
            const page = await prepared(filter, after, limit, sort);
            expect(page).toStrictEqual(fresh);
            if (page.length > 0) nonEmpty++;
            const drives = await drivesOf(page.map((r) => r.id));
            const expected = await t.rows<{ id: number }>(`select id from storage_drives order by id`);
            const onPage = new Set(page.map((r) => r.id));
            const all = await drivesOf(ids);
            expect(all.map((d) => d.id)).toEqual(expected.map((r) => Number(r.id)));
            expect(drives).toStrictEqual(all.filter((d) => onPage.has(d.deviceId)));
          }
        },
      ),
      { numRuns: 60 },
    );
    // The property saw pages with rows, not only empty answers.
    expect(nonEmpty).toBeGreaterThan(20);
  });

  it('reads the drive states of a page whatever its size, as the per-device read finds them', async () => {
    const statesOf = prepareDriveStatesOfPage(t.db);
    const perDevice = prepareDriveStates(t.db);
    const rows = await listDevices(t.db, {}, null, 100);
    expect(rows).toHaveLength(24);
    for (const page of [rows, rows.slice(0, 1), rows.slice(1, 2), rows.slice(2), rows.slice(1, 7)]) {
      const states = await statesOf(page);
      for (const r of page) {
        const one = await perDevice(r.id, r.custodyCycle);
        expect(states.get(r.id) ?? new Map()).toStrictEqual(one);
      }
      // Only the two wiped devices have records.
      expect([...states.keys()].sort()).toEqual(page.filter((r) => r.id === ids[0] || r.id === ids[1]).map((r) => r.id).sort());
    }
    const first = (await statesOf(rows.slice(0, 2))).get(ids[1]!)!;
    expect([...first.values()].map((s) => s.state)).toEqual(['passed', 'passed']);
    expect((await statesOf([])).size).toBe(0);
  });
});
