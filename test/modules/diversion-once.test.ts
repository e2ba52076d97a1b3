/**
 * Diversion counted once (docs/domain.md §6 and §2 invariant 6): a device both reused and
 * recycled in a period is one diverted device, its weight once, and the
 * overlap is reported as totals.reusedThenRecycled in JSON, CSV and PDF.
 * Also the period bounds and the privacy floor REPORT_MIN_CELL.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHT_GRAMS, type DeviceCategory } from '../../src/modules/devices/category-weights.js';
import { bearer, createTestApp, laptop, TEST_ENGINE, USER_PASSWORD, wipeBody, type TestApp } from '../helpers.js';
import { binary, parseCsv } from '../support/documents.js';

const API = '/api/v1';
type Body = Record<string, unknown>;
type Role = 'trainee' | 'coordinator';
interface Bucket {
  units: number;
  grams: number;
}
interface Row {
  key: string;
  units: number | null;
  grams: number | null;
}
interface Report {
  totals: Record<'received' | 'reused' | 'recycledConfirmed' | 'recycledPending' | 'diverted' | 'reusedThenRecycled', Bucket>;
  byCategory: Row[];
  byMonth: Row[];
  byCommunity: Row[];
  measuredWeightShare: number;
  co2e: { reuseKg: number; recyclingKg: number; totalKg: number } | null;
  methodology: string;
}

const kg = (grams: number) => `${(grams / 1000).toLocaleString('en-CA', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} kg`;
const total = (xs: Bucket[]): Bucket => ({ units: xs.reduce((n, x) => n + x.units, 0), grams: xs.reduce((n, x) => n + x.grams, 0) });
const sorted = (rows: Row[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

/** A workshop driven through the API: the clock moves one minute per request, tokens are renewed per session. */
function workshop(t: () => TestApp) {
  const tokens = new Map<Role, { token: string; at: number }>();
  let n = 0;
  async function as(role: Role) {
    const now = t().clock.now().getTime();
    const s = tokens.get(role);
    if (s && now >= s.at && now - s.at < 6 * 3600_000) return bearer(s.token);
    const token = await t().login(`once-${role}`, USER_PASSWORD);
    tokens.set(role, { token, at: now });
    return bearer(token);
  }
  async function post(url: string, body: Body | undefined, role: Role = 'coordinator') {
    t().clock.advance(60_000);
    const req = t().http.post(`${API}${url}`).set(await as(role));
    const res = await (body === undefined ? req : req.send(body));
    expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as Body & { device?: Body; shipment?: { id: number }; participant?: { code: string } };
  }
  let recyclerId = 0;
  return {
    post,
    async setup() {
      for (const role of ['trainee', 'coordinator'] as const) await t().createUser(`once-${role}`, role);
      recyclerId = ((await post('/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'R2' }))['recycler'] as { id: number }).id;
    },
    /** Intake with one SSD, wipe, grade A: ready to issue. Returns the tag and the weight the report will use. */
    async ready(category: DeviceCategory, weightGrams: number | null) {
      n++;
      const drive = `SSD-ONCE-${n}`;
      const body = laptop({ category, serialNumber: `SN-ONCE-${n}`, storage: [{ serialNumber: drive, kind: 'ssd', capacityGb: 256 }], ...(weightGrams === null ? {} : { weightGrams }) });
      const device = (await post('/devices', body, 'trainee')).device!;
      const tag = device['assetTag'] as string;
      expect(device['weightGrams']).toBe(weightGrams ?? DEFAULT_WEIGHT_GRAMS[category]);
      const wipe = () => post(`/devices/${tag}/sanitizations`, wipeBody(drive), 'trainee');
      await wipe();
      await post(`/devices/${tag}/grade`, { grade: 'A' }, 'trainee');
      return { tag, grams: device['weightGrams'] as number, wipe };
    },
    participant: async () => (await post('/participants', { community: 'Iqaluit', consent: { given: true, language: 'iu' } })).participant!.code,
    issue: (tag: string, participantCode: string) => post(`/devices/${tag}/issue`, { participantCode, kind: 'gift', agreementAccepted: true }),
    giveBack: (tag: string) => post(`/devices/${tag}/return`, { condition: 'good', personalDataRemoved: true }),
    recycle: (tag: string) => post(`/devices/${tag}/recycle`, { reason: 'not reused by the program' }),
    async shipment(lines: { tags?: string[]; bulk?: Body[] }) {
      const id = (await post('/shipments', { recyclerId, mode: 'sealift', carrier: 'NEAS' })).shipment!.id;
      for (const assetTag of lines.tags ?? []) await post(`/shipments/${id}/devices`, { assetTag });
      for (const line of lines.bulk ?? []) await post(`/shipments/${id}/bulk-lines`, line);
      await post(`/shipments/${id}/ship`, undefined);
      return id;
    },
    confirm: (id: number) => post(`/shipments/${id}/confirm`, { certificateNumber: `R2-ONCE-${id}`, receivedAt: t().clock.now().toISOString().slice(0, 10) }),
    async report(query: Body, role: Role = 'coordinator') {
      return t().http.get(`${API}/reports/diversion`).query(query).set(await as(role));
    },
  };
}

describe('diversion counted once (default floor of 5)', () => {
  let t: TestApp;
  let tmp: string;
  const w = workshop(() => t);
  // The scenario's devices: O is issued, returned, wiped, recycled, shipped and confirmed; L is only reused; R only recycled.
  const D = { O: { tag: '', grams: 0 }, L: { tag: '', grams: 0 }, R: { tag: '', grams: 0 } };
  const CABLES = { category: 'cables', weightGrams: 3000, units: 10 };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diversion-once-'));
    t = await createTestApp();
    t.clock.set('2026-01-05T15:00:00.000Z');
    await w.setup();
    const o = await w.ready('laptop', 2100);
    const l = await w.ready('tablet', null);
    const r = await w.ready('desktop', 8000);
    Object.assign(D, { O: o, L: l, R: r });
    const p1 = await w.participant();
    const p2 = await w.participant();
    t.clock.set('2026-01-12T15:00:00.000Z');
    await w.issue(o.tag, p1);
    t.clock.set('2026-02-02T15:00:00.000Z');
    await w.issue(l.tag, p2);
    t.clock.set('2026-02-03T15:00:00.000Z');
    await w.giveBack(o.tag);
    await o.wipe(); // a returned device is wiped again before it may leave
    await w.recycle(o.tag);
    await w.recycle(r.tag);
    t.clock.set('2026-02-10T15:00:00.000Z');
    const shipment = await w.shipment({ tags: [o.tag, r.tag], bulk: [CABLES] });
    t.clock.set('2026-03-05T15:00:00.000Z');
    await w.confirm(shipment);
    t.clock.set('2026-05-01T12:00:00.000Z');
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const Q1 = { from: '2026-01-01', to: '2026-03-31' };
  async function json(query: Body = Q1): Promise<Report> {
    const res = await w.report(query);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Report;
  }

  it('issued, returned, wiped, recycled, shipped and confirmed in one period: one diverted device, its weight once', async () => {
    const r = await json();
    const tablet = DEFAULT_WEIGHT_GRAMS.tablet;
    expect(r.totals.reused).toEqual({ units: 2, grams: 2100 + tablet });
    expect(r.totals.recycledConfirmed).toEqual({ units: 1 + 1 + 10, grams: 2100 + 8000 + 3000 });
    expect(r.totals.reusedThenRecycled).toEqual({ units: 1, grams: 2100 });
    expect(r.totals.diverted).toEqual({ units: 3 + 10, grams: 2100 + tablet + 8000 + 3000 });
    // The reconciliation the overlap row is there for.
    expect(r.totals.diverted).toEqual({
      units: r.totals.reused.units + r.totals.recycledConfirmed.units - r.totals.reusedThenRecycled.units,
      grams: r.totals.reused.grams + r.totals.recycledConfirmed.grams - r.totals.reusedThenRecycled.grams,
    });
  });

  it('byCategory and byMonth count the device once, in the month of its first issue; the measured share is over the union', async () => {
    const r = await json();
    const tablet = DEFAULT_WEIGHT_GRAMS.tablet;
    expect(sorted(r.byCategory)).toEqual([
      { key: 'cables', units: 10, grams: 3000 },
      { key: 'desktop', units: 1, grams: 8000 },
      { key: 'laptop', units: 1, grams: 2100 },
      { key: 'tablet', units: 1, grams: tablet },
    ]);
    expect(sorted(r.byMonth)).toEqual([
      { key: '2026-01', units: 1, grams: 2100 },
      { key: '2026-02', units: 1 + 1 + 10, grams: tablet + 8000 + 3000 },
    ]);
    expect(r.measuredWeightShare).toBe(Math.round(((2100 + 8000 + 3000) / (2100 + tablet + 8000 + 3000)) * 10000) / 10000);
  });

  it('co2e credits the device under recycling only, and the methodology says so', async () => {
    const set = (await t.row<{ id: number }>('select id from co2e_factor_sets order by id desc limit 1'))!;
    const factors = await t.rows<{ material: string; pathway: string; value: number }>('select material, pathway, value from co2e_factors where set_id = ?', set.id);
    const factor = (material: string, pathway: string) =>
      factors.find((f) => f.material === material && f.pathway === pathway)?.value ?? factors.find((f) => f.material === 'default' && f.pathway === pathway)!.value;
    const reuseKg = (DEFAULT_WEIGHT_GRAMS.tablet / 1000) * factor('tablet', 'reuse');
    const recyclingKg = 2.1 * factor('laptop', 'recycling') + 8 * factor('desktop', 'recycling') + 3 * factor('cables', 'recycling');
    const r = await json();
    expect(r.co2e!.reuseKg).toBeCloseTo(reuseKg, 1);
    expect(r.co2e!.recyclingKg).toBeCloseTo(recyclingKg, 1);
    expect(r.co2e!.totalKg).toBeCloseTo(reuseKg + recyclingKg, 1);
    expect(r.methodology).toMatch(/in the month of its first diversion event \(its first issue\) and in the emissions estimate under recycling/);
  });

  it('a period that holds only the recycling has no overlap: the device is recycled, in the month it left', async () => {
    const r = await json({ from: '2026-02-01', to: '2026-03-31' });
    expect(r.totals.reused).toEqual({ units: 1, grams: DEFAULT_WEIGHT_GRAMS.tablet });
    expect(r.totals.reusedThenRecycled).toEqual({ units: 0, grams: 0 });
    expect(r.totals.diverted).toEqual({ units: 3 + 10, grams: 2100 + DEFAULT_WEIGHT_GRAMS.tablet + 8000 + 3000 });
    expect(sorted(r.byMonth)).toEqual([{ key: '2026-02', units: 13, grams: 2100 + DEFAULT_WEIGHT_GRAMS.tablet + 8000 + 3000 }]);
  });

  it('CSV has the totals,reusedThenRecycled row and the once-counted diverted row', async () => {
    const res = await w.report({ ...Q1, format: 'csv' });
    expect(res.status).toBe(200);
    const rows = parseCsv(res.text);
    const totals = rows.filter((x) => x[0] === 'totals').map((x) => x[1]);
    expect(totals).toEqual(['received', 'reused', 'recycledConfirmed', 'recycledPending', 'diverted', 'reusedThenRecycled']);
    expect(rows).toContainEqual(['totals', 'reusedThenRecycled', '1', '2100']);
    expect(rows).toContainEqual(['totals', 'diverted', '13', String(2100 + DEFAULT_WEIGHT_GRAMS.tablet + 8000 + 3000)]);
  });

  it('PDF prints the overlap under the diverted line', async () => {
    const res = await t.http
      .get(`${API}/reports/diversion`)
      .query({ ...Q1, format: 'pdf' })
      .set(bearer(await t.login('once-coordinator', USER_PASSWORD)))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const file = path.join(tmp, 'once.pdf');
    fs.writeFileSync(file, res.body as Buffer);
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const diverted = 2100 + DEFAULT_WEIGHT_GRAMS.tablet + 8000 + 3000;
    expect(text).toContain(`Diverted from landfill 13 units ${kg(diverted)} of which reused, then recycled (counted once) 1 unit ${kg(2100)}`);
  });

  it.each([
    ['from', { from: '1999-12-31', to: '2026-03-31' }],
    ['to', { from: '2026-01-01', to: '2101-01-01' }],
    ['to', { from: '2026-01-01', to: '9999-12-31' }],
    ['from', { from: '2026-04-01', to: '2026-03-31' }],
  ])('a period outside 2000-01-01 … 2100-12-31 or backwards is 400 naming %s (diversion and activity)', async (field, query) => {
    for (const url of ['/reports/diversion', '/reports/activity']) {
      const res = await t.http.get(`${API}${url}`).query(query).set(bearer(await t.login('once-coordinator', USER_PASSWORD)));
      expect(res.status, `${url} ${JSON.stringify(query)}`).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.code).toBe('request.invalid');
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([`querystring.${field}`]);
    }
  });

  it('the bounds themselves are accepted', async () => {
    const token = bearer(await t.login('once-coordinator', USER_PASSWORD));
    for (const url of ['/reports/diversion', '/reports/activity']) {
      expect((await t.http.get(`${API}${url}`).query({ from: '2000-01-01', to: '2100-12-31' }).set(token)).status, url).toBe(200);
    }
  });

  it('suppressBelow defaults to the floor of 5, may be raised, and under the floor is 400 naming it', async () => {
    expect((await json()).methodology).toMatch(/Threshold: 5\.$/);
    expect((await json({ ...Q1, suppressBelow: '6' })).methodology).toMatch(/Threshold: 6\.$/);
    for (const suppressBelow of ['4', '0', '1']) {
      const res = await w.report({ ...Q1, suppressBelow });
      expect(res.status, suppressBelow).toBe(400);
      expect(res.body.code).toBe('request.invalid');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'querystring.suppressBelow' })]);
    }
  });

  it('the service refuses a threshold under the floor from any caller, not only through the query schema', async () => {
    const admin = { id: 1, role: 'admin' as const, siteId: 1 };
    await expect(t.app.services.reports.diversion(admin, Q1.from, Q1.to, 4)).rejects.toMatchObject({ code: 'request.invalid', errors: [{ field: 'suppressBelow' }] });
    expect((await t.app.services.reports.diversion(admin, Q1.from, Q1.to)).methodology).toMatch(/Threshold: 5\.$/);
  });
});

describe('REPORT_MIN_CELL', () => {
  let t: TestApp;
  const w = workshop(() => t);
  beforeAll(async () => {
    t = await createTestApp({ env: { REPORT_MIN_CELL: '7' } });
    t.clock.set('2026-01-05T15:00:00.000Z');
    await w.setup();
    // Six devices issued in Iqaluit: shown at a threshold of 5, hidden at 7.
    for (let i = 0; i < 6; i++) await w.issue((await w.ready('laptop', 2000)).tag, await w.participant());
  });
  afterAll(() => t.close());

  it('raises the default threshold and the floor: 6 devices are hidden by default, and 5 or 6 are refused', async () => {
    const q = { from: '2026-01-01', to: '2026-01-31' };
    const res = await w.report(q);
    expect(res.status).toBe(200);
    expect(res.body.byCommunity).toEqual([{ key: 'Iqaluit', units: null, grams: null, suppressed: true }]);
    expect(res.body.methodology).toMatch(/Threshold: 7\.$/);
    for (const suppressBelow of ['5', '6']) {
      const refused = await w.report({ ...q, suppressBelow });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'querystring.suppressBelow' })]);
    }
    expect((await w.report({ ...q, suppressBelow: '8' })).body.methodology).toMatch(/Threshold: 8\.$/);
  });
});

describe('diverted = |reused ∪ confirmed devices| + confirmed bulk lines, over random histories', () => {
  let t: TestApp;
  const w = workshop(() => t);
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-12-31T12:00:00.000Z');
    await w.setup();
  });
  afterAll(() => t.close());

  type State = 'ready' | 'issued' | 'awaiting' | 'shipped' | 'confirmed';
  /** What a device may do next in each state (the model of the lifecycle this test needs). */
  const NEXT: Record<State, Array<'issue' | 'return' | 'recycle' | 'ship' | 'confirm'>> = {
    ready: ['issue', 'recycle'],
    issued: ['return'],
    awaiting: ['ship'],
    shipped: ['confirm'],
    confirmed: [],
  };
  const device = fc.record({ category: fc.constantFrom<DeviceCategory>('laptop', 'tablet', 'desktop'), weightGrams: fc.option(fc.integer({ min: 300, max: 9000 }), { nil: null }) });
  const step = fc.oneof(
    { weight: 4, arbitrary: fc.record({ device: fc.nat(3), choice: fc.nat(1) }) },
    { weight: 1, arbitrary: fc.record({ bulk: fc.record({ units: fc.nat(20), weightGrams: fc.integer({ min: 1, max: 50_000 }) }), confirm: fc.boolean() }) },
  );
  const history = fc.record({ devices: fc.array(device, { minLength: 1, maxLength: 4 }), steps: fc.array(step, { maxLength: 18 }) });

  it('matches a model of the same history, and reusedThenRecycled is the intersection', { timeout: 300_000 }, async () => {
    let day = 0;
    let overlaps = 0;
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        // Each run has a day of its own, so the report over that day sees only this run's history.
        const date = new Date(Date.UTC(2027, 0, 1) + day++ * 86_400_000).toISOString().slice(0, 10);
        // 06:00 UTC is 01:00 in Iqaluit: the same date on the workshop's calendar, which receipt dates are checked on.
        t.clock.set(`${date}T06:00:00.000Z`);
        const ds: Array<Awaited<ReturnType<typeof w.ready>> & { category: DeviceCategory; state: State; participant: string; shipment: number }> = [];
        for (const d of h.devices) ds.push({ ...(await w.ready(d.category, d.weightGrams)), category: d.category, state: 'ready', participant: await w.participant(), shipment: 0 });
        const reused = new Set<number>();
        const confirmed = new Set<number>();
        const bulk: Bucket[] = [];
        for (const s of h.steps) {
          if ('bulk' in s) {
            const id = await w.shipment({ bulk: [{ category: 'cables', ...s.bulk }] });
            if (s.confirm) {
              await w.confirm(id);
              bulk.push({ units: s.bulk.units, grams: s.bulk.weightGrams });
            }
            continue;
          }
          const i = s.device % ds.length;
          const d = ds[i]!;
          const options = NEXT[d.state];
          const action = options[s.choice % Math.max(1, options.length)];
          if (action === 'issue') {
            await w.issue(d.tag, d.participant);
            reused.add(i);
            d.state = 'issued';
          } else if (action === 'return') {
            await w.giveBack(d.tag);
            await d.wipe();
            await w.post(`/devices/${d.tag}/grade`, { grade: 'B' }, 'trainee');
            d.state = 'ready';
          } else if (action === 'recycle') {
            await w.recycle(d.tag);
            d.state = 'awaiting';
          } else if (action === 'ship') {
            d.shipment = await w.shipment({ tags: [d.tag] });
            d.state = 'shipped';
          } else if (action === 'confirm') {
            await w.confirm(d.shipment);
            confirmed.add(i);
            d.state = 'confirmed';
          }
        }
        expect(t.clock.now().toISOString().slice(0, 10), 'the run stayed within its day').toBe(date);

        const bucket = (ids: Iterable<number>): Bucket => total([...ids].map((i) => ({ units: 1, grams: ds[i]!.grams })));
        const union = new Set([...reused, ...confirmed]);
        const both = [...reused].filter((i) => confirmed.has(i));
        if (both.length > 0) overlaps++;
        const res = await w.report({ from: date, to: date });
        expect(res.status).toBe(200);
        const r = res.body as Report;
        const diverted = total([bucket(union), ...bulk]);
        expect(r.totals.diverted).toEqual(diverted);
        expect(r.totals.reusedThenRecycled).toEqual(bucket(both));
        expect(r.totals.reused).toEqual(bucket(reused));
        expect(r.totals.recycledConfirmed).toEqual(total([bucket(confirmed), ...bulk]));
        for (const rows of [r.byCategory, r.byMonth]) expect(total(rows.map((x) => ({ units: x.units!, grams: x.grams! })))).toEqual(diverted);
        const measured = [...union].filter((i) => h.devices[i]!.weightGrams !== null).reduce((n, i) => n + ds[i]!.grams, 0) + total(bulk).grams;
        expect(r.measuredWeightShare).toBeCloseTo(diverted.grams === 0 ? 0 : measured / diverted.grams, 4);
      }),
      // Each run walks a whole history through the API; on PostgreSQL every request costs more round trips, so fewer runs (the same first 12, which meet an overlap).
      { numRuns: TEST_ENGINE === 'postgres' ? 12 : 40, seed: 20260601 },
    );
    // The property must have met the case it is about, or it proves nothing.
    expect(overlaps).toBeGreaterThan(0);
  });
});
