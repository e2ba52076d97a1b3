/**
 * The funders' diversion report (docs/domain.md §6, issue 6): a known scenario with
 * measured and default weights and fixed dates, every bucket asserted to the
 * gram in JSON, and the same rows in CSV (RFC 4180, formulas neutralised)
 * and in the PDF.
 *
 * Period under test: 2026-01-01 to 2026-03-31.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEIGHT_GRAMS, type DeviceCategory } from '../../src/modules/devices/category-weights.js';
import type { Role } from '../../src/modules/users/users.table.js';
import { ADMIN_PASSWORD, bearer, createTestApp, laptop, USER_PASSWORD, type TestApp } from '../helpers.js';
import { binary, parseCsv } from '../support/documents.js';

const API = '/api/v1';
const FROM = '2026-01-01';
const TO = '2026-03-31';
type Body = Record<string, unknown>;
interface Bucket {
  units: number;
  grams: number;
}
interface Row {
  key: string;
  units: number | null;
  grams: number | null;
  suppressed?: boolean;
}

/** A line of the scenario that may end up in a report: a device or a bulk line. */
interface Line {
  category: string;
  units: number;
  grams: number;
  measured: boolean;
}

const neutralise = (s: string) => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
const kg = (grams: number) => `${(grams / 1000).toLocaleString('en-CA', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} kg`;
/** A count of units as the PDF writes it: one unit, n units. */
const units = (n: number) => `${n.toLocaleString('en-CA')} ${n === 1 ? 'unit' : 'units'}`;
const sum = (lines: Line[]): Bucket => ({ units: lines.reduce((n, l) => n + l.units, 0), grams: lines.reduce((n, l) => n + l.grams, 0) });
function groupBy(lines: Array<Line & { key: string }>): Row[] {
  const m = new Map<string, Bucket>();
  for (const l of lines) {
    const cur = m.get(l.key) ?? { units: 0, grams: 0 };
    cur.units += l.units;
    cur.grams += l.grams;
    m.set(l.key, cur);
  }
  return [...m].map(([key, b]) => ({ key, ...b }));
}
const byKey = (rows: Row[]) => [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

// Bulk categories that a spreadsheet would run as formulas.
const EVIL = [
  { category: "=cmd|' /C calc'!A0", weightGrams: 1111 },
  { category: '+SUM(1,2)', weightGrams: 222, units: 3 },
  { category: '@x', weightGrams: 33 },
  { category: '-2+3', weightGrams: 4, units: 0 },
];

describe('GET /reports/diversion', () => {
  let t: TestApp;
  let tmp: string;
  const sessions = new Map<string, { token: string; at: number }>();
  const users: Record<Exclude<Role, 'admin' | 'translator' | 'program'>, string> = { trainee: 'div-trainee', coordinator: 'div-coordinator', staff: 'div-staff' };

  /** A token valid at the clock's current time (sessions expire as the scenario moves through months). */
  async function as(role: Role): Promise<Record<string, string>> {
    const now = t.clock.now().getTime();
    const s = sessions.get(role);
    if (s && now >= s.at && now - s.at < 6 * 3600_000) return bearer(s.token);
    const token = role === 'admin' ? await t.login('admin', ADMIN_PASSWORD) : await t.login(users[role as keyof typeof users], USER_PASSWORD);
    sessions.set(role, { token, at: now });
    return bearer(token);
  }
  const at = (iso: string) => t.clock.set(iso);
  async function post(url: string, body: Body | undefined, role: Role = 'coordinator') {
    const req = t.http.post(`${API}${url}`).set(await as(role));
    const res = await (body === undefined ? req : req.send(body));
    expect(res.status, `${url} ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as Body & { device?: Body; shipment?: Body };
  }

  /** Every device of the scenario by name. */
  const D: Record<string, { tag: string; category: DeviceCategory; grams: number; measured: boolean; drives: string[] }> = {};
  async function intake(name: string, category: DeviceCategory, weightGrams: number | null, opts: { drives?: number } = {}) {
    const drives = Array.from({ length: opts.drives ?? 1 }, (_, i) => ({ serialNumber: `DRV-${name}-${i}`, kind: 'ssd' }));
    const body = laptop({ category, serialNumber: `SN-${name}`, storage: drives, ...(weightGrams === null ? {} : { weightGrams }) });
    const res = await post('/devices', body, 'trainee');
    const device = res.device!;
    D[name] = { tag: device['assetTag'] as string, category, grams: device['weightGrams'] as number, measured: weightGrams !== null, drives: drives.map((d) => d.serialNumber) };
    expect(device['weightSource']).toBe(weightGrams === null ? 'category_default' : 'measured');
    expect(device['weightGrams']).toBe(weightGrams ?? DEFAULT_WEIGHT_GRAMS[category]);
    return D[name];
  }
  async function sanitize(name: string) {
    const d = D[name]!;
    if (d.drives.length === 0) await post(`/devices/${d.tag}/sanitizations`, { noStorage: true }, 'trainee');
    for (const s of d.drives) {
      await post(`/devices/${d.tag}/sanitizations`, { storageSerial: s, method: 'purge', technique: 'crypto_erase', tool: 'nwipe', toolVersion: '0.37', verification: 'full', result: 'passed' }, 'trainee');
    }
  }
  const grade = async (name: string, g: 'A' | 'B' | 'C' | 'D') => post(`/devices/${D[name]!.tag}/grade`, { grade: g }, 'trainee');
  /** Intake, wipe, grade A: ready to issue. */
  async function ready(name: string, category: DeviceCategory, weightGrams: number | null) {
    await intake(name, category, weightGrams);
    await sanitize(name);
    await grade(name, 'A');
  }
  const participant = async (community: string) => (await post('/participants', { community, consent: { given: true, language: 'iu' } }))['participant'] as { code: string };
  async function issue(name: string, code: string) {
    const res = await post(`/devices/${D[name]!.tag}/issue`, { participantCode: code, kind: 'gift', agreementAccepted: true });
    expect(res.device!['status']).toBe('issued');
  }
  async function reissueAfterReturn(name: string) {
    await post(`/devices/${D[name]!.tag}/return`, { condition: 'good', personalDataRemoved: true });
    await sanitize(name);
    await grade(name, 'B');
  }
  async function openShipment(): Promise<number> {
    const res = await post('/shipments', { recyclerId, mode: 'sealift', carrier: 'NEAS', billOfLading: `BOL-${Object.keys(D).length}` });
    return res.shipment!['id'] as number;
  }
  const addDevice = (id: number, name: string) => post(`/shipments/${id}/devices`, { assetTag: D[name]!.tag });
  const addBulk = (id: number, line: Body) => post(`/shipments/${id}/bulk-lines`, line);
  const confirm = (id: number, receivedWeightGrams: number, receivedAt: string) => post(`/shipments/${id}/confirm`, { certificateNumber: `R2-${id}`, receivedAt, receivedWeightGrams });

  let recyclerId = 0;
  // The weight of the confirmed shipment's cables, chosen so that exactly 90 % of the diverted weight was measured (below).
  let CABLES = 0;
  const BATTERIES = { category: 'batteries', weightGrams: 2500, units: 10 };

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'diversion-test-'));
    // A floor of 1, so that thresholds under the default 5 can be exercised here; the default floor and
    // REPORT_MIN_CELL are tested in diversion-once.test.ts.
    t = await createTestApp({ env: { REPORT_MIN_CELL: '1' } });
    at('2025-12-01T14:00:00.000Z');
    for (const role of ['trainee', 'coordinator', 'staff'] as const) await t.createUser(users[role], role);

    const defaults = DEFAULT_WEIGHT_GRAMS.laptop + DEFAULT_WEIGHT_GRAMS.tablet + DEFAULT_WEIGHT_GRAMS.monitor;
    const otherMeasured = 2150 + 2100 + 2200 + 2050 + 2310 + 480 + 8100 + EVIL.reduce((n, e) => n + e.weightGrams, 0);
    CABLES = 9 * defaults - otherMeasured;
    expect(CABLES).toBeGreaterThan(0);

    // --- Before the period ---------------------------------------------------
    at('2025-12-01T15:00:00.000Z');
    recyclerId = ((await post('/recyclers', { name: 'Southern E-Cycle Inc.', certification: 'R2' }))['recycler'] as { id: number }).id;
    await intake('X0', 'monitor', 4000, { drives: 0 });
    await sanitize('X0');
    await post(`/devices/${D['X0']!.tag}/recycle`, { reason: 'dead panel' });
    at('2025-12-02T15:00:00.000Z');
    await ready('L0', 'laptop', 2150);
    at('2025-12-15T15:00:00.000Z');
    const P = [];
    for (let i = 0; i < 6; i++) P.push((await participant('Iqaluit')).code);
    const A = [];
    for (let i = 0; i < 3; i++) A.push((await participant('Arviat')).code);
    await issue('L0', P[5]!); // issued before the period; issued again within it (below)
    at('2025-12-20T18:00:00.000Z');
    const before = await openShipment();
    await addDevice(before, 'X0');
    await addBulk(before, { category: 'cables', weightGrams: 3000, units: 10 });
    await post(`/shipments/${before}/ship`, undefined);
    at('2025-12-31T23:59:59.999Z');
    await intake('D0', 'tablet', null); // one millisecond before the period

    // --- In the period -------------------------------------------------------
    at('2026-01-01T00:00:00.000Z');
    await intake('D1', 'phone', 150); // the first instant of the period: counted
    const laptops: Array<[string, number | null]> = [
      ['L1', 2100],
      ['L2', 2200],
      ['L3', 2050],
      ['L4', null],
      ['L5', 2310],
    ];
    for (const [i, [name, grams]] of laptops.entries()) {
      at(`2026-01-0${5 + i}T15:00:00.000Z`);
      await ready(name, 'laptop', grams);
    }
    at('2026-01-10T15:00:00.000Z');
    await ready('L6', 'tablet', null);
    await ready('L7', 'tablet', 480);
    at('2026-01-12T15:00:00.000Z');
    await issue('L1', P[0]!);
    at('2026-01-13T15:00:00.000Z');
    await issue('L2', P[1]!);
    at('2026-01-15T15:00:00.000Z');
    await confirm(before, 2900, '2026-01-14'); // confirmed in the period, but shipped before it
    at('2026-01-20T15:00:00.000Z');
    await intake('R1', 'desktop', 8100);
    await sanitize('R1');
    await grade('R1', 'D');
    at('2026-01-20T16:00:00.000Z');
    await reissueAfterReturn('L0');
    at('2026-01-21T15:00:00.000Z');
    await intake('R2', 'monitor', null, { drives: 0 });
    await sanitize('R2');
    await post(`/devices/${D['R2']!.tag}/recycle`, { reason: 'not reused by the program' });
    at('2026-02-02T15:00:00.000Z');
    await issue('L3', P[2]!);
    at('2026-02-03T15:00:00.000Z');
    await issue('L4', P[3]!);
    await issue('L0', P[5]!);
    at('2026-02-10T15:00:00.000Z');
    await issue('L6', A[0]!);
    at('2026-02-10T18:00:00.000Z');
    const confirmed = await openShipment();
    await addDevice(confirmed, 'R1');
    await addDevice(confirmed, 'R2');
    await addBulk(confirmed, { category: 'cables', weightGrams: CABLES, units: 40 });
    for (const e of EVIL) await addBulk(confirmed, e);
    await post(`/shipments/${confirmed}/ship`, {});
    at('2026-02-15T15:00:00.000Z');
    await reissueAfterReturn('L1');
    at('2026-02-25T15:00:00.000Z');
    await intake('R3', 'printer', 7777);
    await post(`/devices/${D['R3']!.tag}/recycle`, { reason: 'jammed beyond repair' });
    await post(`/devices/${D['R3']!.tag}/sanitizations`, { storageSerial: D['R3']!.drives[0], method: 'destroy', technique: 'shred', tool: 'shredder', verification: 'full', result: 'passed' }, 'trainee');
    at('2026-03-01T15:00:00.000Z');
    await intake('R4', 'laptop', 2345);
    await sanitize('R4');
    await grade('R4', 'D');
    at('2026-03-04T15:00:00.000Z');
    await issue('L5', P[4]!);
    at('2026-03-05T15:00:00.000Z');
    // The recycler's scale says 30 kg: recorded beside the lines, never substituted.
    await confirm(confirmed, 30000, '2026-03-04');
    at('2026-03-10T15:00:00.000Z');
    await issue('L7', A[1]!);
    at('2026-03-12T15:00:00.000Z');
    await issue('L1', A[2]!); // returned and issued again: still one reused device, in January, in Iqaluit
    at('2026-03-20T18:00:00.000Z');
    const pending = await openShipment();
    await addDevice(pending, 'R3');
    await addBulk(pending, BATTERIES);
    await post(`/shipments/${pending}/ship`, undefined, 'staff');
    at('2026-03-31T23:59:00.000Z');
    await intake('DEND', 'desktop', 9500); // the last minute of `to`: counted

    // --- After the period ----------------------------------------------------
    at('2026-04-01T00:00:00.000Z');
    await intake('DAFTER', 'desktop', 9999);
    const after = await openShipment();
    await addDevice(after, 'R4');
    await addBulk(after, { category: 'cables', weightGrams: 1234, units: 5 });
    await post(`/shipments/${after}/ship`, undefined);
    at('2026-04-20T15:00:00.000Z');
    await confirm(after, 3500, '2026-04-19');

    at('2026-05-01T12:00:00.000Z');
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const dev = (name: string): Line & { key: string; month?: string } => ({ key: D[name]!.category, category: D[name]!.category, units: 1, grams: D[name]!.grams, measured: D[name]!.measured });
  const bulk = (b: { category: string; weightGrams: number; units?: number }): Line & { key: string } => ({ key: b.category, category: b.category, units: b.units ?? 0, grams: b.weightGrams, measured: true });

  /** What the report must say for the period, from the scenario above. */
  function expected() {
    const received = ['D1', 'L1', 'L2', 'L3', 'L4', 'L5', 'L6', 'L7', 'R1', 'R2', 'R3', 'R4', 'DEND'].map(dev);
    // First issue in the period, by month; L1's second issue (March) is the same device.
    const reused: Array<[string, string, string]> = [
      ['L1', '2026-01', 'Iqaluit'],
      ['L2', '2026-01', 'Iqaluit'],
      ['L3', '2026-02', 'Iqaluit'],
      ['L4', '2026-02', 'Iqaluit'],
      ['L0', '2026-02', 'Iqaluit'],
      ['L6', '2026-02', 'Arviat'],
      ['L5', '2026-03', 'Iqaluit'],
      ['L7', '2026-03', 'Arviat'],
    ];
    const reusedLines = reused.map(([n, month, community]) => ({ ...dev(n), month, community }));
    const confirmedLines = [dev('R1'), dev('R2'), bulk({ category: 'cables', weightGrams: CABLES, units: 40 }), ...EVIL.map(bulk)].map((l) => ({ ...l, month: '2026-02' }));
    const pendingLines = [dev('R3'), bulk(BATTERIES)];
    const diverted = [...reusedLines, ...confirmedLines];
    return {
      reusedLines,
      confirmedLines,
      totals: {
        received: sum(received),
        reused: sum(reusedLines),
        recycledConfirmed: sum(confirmedLines),
        recycledPending: sum(pendingLines),
        diverted: sum(diverted),
        // No device of this scenario is both issued and recycled in the period.
        reusedThenRecycled: { units: 0, grams: 0 },
      },
      byCategory: groupBy(diverted),
      byMonth: groupBy(diverted.map((l) => ({ ...l, key: l.month }))),
      byCommunity: groupBy(reusedLines.map((l) => ({ ...l, key: l.community }))),
      measured: diverted.filter((l) => l.measured).reduce((n, l) => n + l.grams, 0),
    };
  }

  const get = async (query: Body, role: Role = 'staff') => t.http.get(`${API}/reports/diversion`).query(query).set(await as(role));
  async function json(query: Body = {}): Promise<{ totals: Record<string, Bucket>; byCategory: Row[]; byMonth: Row[]; byCommunity: Row[]; measuredWeightShare: number; co2e: Body | null; methodology: string; period: Body; site: string }> {
    const res = await get({ from: FROM, to: TO, ...query });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Awaited<ReturnType<typeof json>>;
  }

  it('counts every bucket to the gram: received, reused, recycled confirmed and pending; with no overlap, diverted = reused + confirmed', async () => {
    const e = expected();
    const r = await json();
    expect(r.period).toEqual({ from: FROM, to: TO });
    expect(r.totals).toEqual(e.totals);
    // The scenario as numbers, so that a reader can check them by hand.
    expect(e.totals.received.units).toBe(13);
    expect(e.totals.reused).toEqual({ units: 8, grams: 2150 + 2100 + 2200 + 2050 + DEFAULT_WEIGHT_GRAMS.laptop + 2310 + DEFAULT_WEIGHT_GRAMS.tablet + 480 });
    expect(e.totals.recycledConfirmed.units).toBe(2 + 40 + 3 + 0);
    expect(e.totals.recycledPending).toEqual({ units: 11, grams: 7777 + 2500 });
    expect(r.totals['reusedThenRecycled']).toEqual({ units: 0, grams: 0 });
    expect(r.totals['diverted']).toEqual({
      units: r.totals['reused']!.units + r.totals['recycledConfirmed']!.units,
      grams: r.totals['reused']!.grams + r.totals['recycledConfirmed']!.grams,
    });
    // The recycler's received weight (30 kg) is never substituted for the lines.
    expect(r.totals['recycledConfirmed']!.grams).not.toBe(30000);
  });

  it('period boundaries: 00:00 on `from` and 23:59 on `to` count; the day after does not; a shipment shipped before the period is not counted', async () => {
    const first = await json({ from: '2026-01-01', to: '2026-01-01' });
    expect(first.totals['received']).toEqual({ units: 1, grams: 150 });
    const last = await json({ from: '2026-03-31', to: '2026-03-31' });
    expect(last.totals['received']).toEqual({ units: 1, grams: 9500 });
    const dayAfter = await json({ from: '2026-04-01', to: '2026-04-01' });
    expect(dayAfter.totals['received']).toEqual({ units: 1, grams: 9999 });
    expect(dayAfter.totals['recycledConfirmed']).toEqual({ units: 1 + 5, grams: 2345 + 1234 });
    const dayBefore = await json({ from: '2025-12-31', to: '2025-12-31' });
    expect(dayBefore.totals['received']).toEqual({ units: 1, grams: DEFAULT_WEIGHT_GRAMS.tablet });

    // A wider period takes in both neighbours: the December shipment (confirmed in January) and the April one.
    const e = expected();
    const wide = await json({ from: '2025-12-01', to: '2026-04-30' });
    expect(wide.totals['recycledConfirmed']).toEqual({
      units: e.totals.recycledConfirmed.units + 1 + 10 + 1 + 5,
      grams: e.totals.recycledConfirmed.grams + 4000 + 3000 + 2345 + 1234,
    });
    expect(wide.totals['received']).toEqual({
      units: e.totals.received.units + 3 + 1,
      grams: e.totals.received.grams + 4000 + 2150 + DEFAULT_WEIGHT_GRAMS.tablet + 9999,
    });
    // L0 was issued in December and again in February; L1 twice in the period: each counted once.
    expect(wide.totals['reused']).toEqual(e.totals.reused);
  });

  it('a device returned and issued again within the period counts once, in the month and community of its first issue', async () => {
    const r = await json({ suppressBelow: '1' });
    const laptops = r.byCategory.find((c) => c.key === 'laptop');
    expect(laptops).toEqual({ key: 'laptop', units: 6, grams: 2150 + 2100 + 2200 + 2050 + DEFAULT_WEIGHT_GRAMS.laptop + 2310 });
    const march = await json({ from: '2026-03-01', to: '2026-03-31', suppressBelow: '1' });
    // March issues: L5, L7, and L1 again (its first issue in this shorter period).
    expect(march.totals['reused']).toEqual({ units: 3, grams: 2310 + 480 + 2100 });
    expect(byKey(march.byCommunity)).toEqual([
      { key: 'Arviat', units: 2, grams: 480 + 2100 },
      { key: 'Iqaluit', units: 1, grams: 2310 },
    ]);
  });

  it('byCategory and byMonth are the diverted weight, and sum to the diverted total', async () => {
    const e = expected();
    const r = await json();
    expect(byKey(r.byCategory)).toEqual(byKey(e.byCategory));
    expect(byKey(r.byMonth)).toEqual(byKey(e.byMonth));
    expect(r.byMonth.map((m) => m.key).sort()).toEqual(['2026-01', '2026-02', '2026-03']);
    for (const rows of [r.byCategory, r.byMonth]) {
      expect(rows.reduce((n, x) => n + x.units!, 0)).toBe(r.totals['diverted']!.units);
      expect(rows.reduce((n, x) => n + x.grams!, 0)).toBe(r.totals['diverted']!.grams);
    }
    // Pending lines (R3, the printer; batteries) are not diverted.
    expect(r.byCategory.map((c) => c.key)).not.toContain('printer');
    expect(r.byCategory.map((c) => c.key)).not.toContain('batteries');
  });

  it('byCommunity hides communities under 5 reused devices at suppressBelow=5; a threshold of 1 shows them', async () => {
    const e = expected();
    const iqaluit = e.byCommunity.find((c) => c.key === 'Iqaluit')!;
    const arviat = e.byCommunity.find((c) => c.key === 'Arviat')!;
    expect(iqaluit.units).toBe(6);
    expect(arviat.units).toBe(2);

    // Arviat (2) is under the threshold; Iqaluit is hidden too (secondary suppression), or the
    // reused total minus Iqaluit would give Arviat away.
    const hidden = byKey((await json({ suppressBelow: '5' })).byCommunity);
    expect(hidden).toEqual([
      { key: 'Arviat', units: null, grams: null, suppressed: true },
      { key: 'Iqaluit', units: null, grams: null, suppressed: true },
    ]);

    const shown = byKey((await json({ suppressBelow: '1' })).byCommunity);
    expect(shown.map(({ key, units, grams }) => ({ key, units, grams }))).toEqual([arviat, iqaluit]);
    expect(shown.every((c) => !c.suppressed)).toBe(true);

    // The threshold is "fewer than": Arviat's 2 devices show at 2 and hide (with Iqaluit) at 3.
    expect(byKey((await json({ suppressBelow: '2' })).byCommunity).map(({ key, units }) => ({ key, units }))).toEqual([
      { key: 'Arviat', units: 2 },
      { key: 'Iqaluit', units: 6 },
    ]);
    expect(byKey((await json({ suppressBelow: '3' })).byCommunity).every((c) => c.suppressed === true)).toBe(true);
  });

  it('measuredWeightShare is exact for measured and default weights (bulk lines count as measured)', async () => {
    const e = expected();
    const r = await json();
    expect(e.measured / e.totals.diverted.grams).toBe(0.9);
    expect(r.measuredWeightShare).toBe(0.9);
    // Over the wider period the share still is measured / diverted (X0, the April laptop and bulk lines are weighed).
    const wide = await json({ from: '2025-12-01', to: '2026-04-30' });
    const wideMeasured = e.measured + 4000 + 3000 + 2345 + 1234;
    const wideDiverted = wide.totals['diverted']!.grams;
    expect(wide.measuredWeightShare).toBeCloseTo(wideMeasured / wideDiverted, 4);
  });

  it('co2e names its factor set (name, version, source) and says it is unverified', async () => {
    const set = (await t.row<{ id: number; name: string; version: string; source: string }>('select id, name, version, source from co2e_factor_sets order by id desc limit 1'))!;
    const factors = await t.rows<{ material: string; pathway: string; value: number }>('select material, pathway, value from co2e_factors where set_id = ?', set.id);
    const factor = (material: string, pathway: string) =>
      factors.find((f) => f.material === material && f.pathway === pathway)?.value ?? factors.find((f) => f.material === 'default' && f.pathway === pathway)!.value;
    const e = expected();
    const reuseKg = e.reusedLines.reduce((n, l) => n + (l.grams / 1000) * factor(l.category, 'reuse'), 0);
    const recyclingKg = e.confirmedLines.reduce((n, l) => n + (l.grams / 1000) * factor(l.category, 'recycling'), 0);

    const r = await json();
    expect(r.co2e).not.toBeNull();
    expect(r.co2e!['factorSet']).toEqual({ name: set.name, version: set.version, source: set.source, verified: false });
    expect(r.co2e!['reuseKg']).toBeCloseTo(reuseKg, 1);
    expect(r.co2e!['recyclingKg']).toBeCloseTo(recyclingKg, 1);
    expect(r.co2e!['totalKg']).toBeCloseTo(reuseKg + recyclingKg, 1);
    expect(String(r.co2e!['note'])).toMatch(/unverified/i);
    expect(r.methodology).toMatch(/Diverted = the distinct devices reused or recycled \(confirmed\), plus the confirmed bulk lines/);
  });

  it('an empty period has zero buckets and no rows', async () => {
    const r = await json({ from: '2027-01-01', to: '2027-12-31' });
    const zero = { units: 0, grams: 0 };
    expect(r.totals).toEqual({ received: zero, reused: zero, recycledConfirmed: zero, recycledPending: zero, diverted: zero, reusedThenRecycled: zero });
    expect([r.byCategory, r.byMonth, r.byCommunity]).toEqual([[], [], []]);
    expect(r.measuredWeightShare).toBe(0);
  });

  it('CSV: text/csv, header section,key,units,grams, CRLF, exactly the rows of the JSON, formulas neutralised', async () => {
    const r = await json({ suppressBelow: '5' });
    const res = await get({ from: FROM, to: TO, format: 'csv', suppressBelow: '5' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    // A byte-order mark first (spreadsheets then read UTF-8), then the header.
    expect(res.text.startsWith('\ufeff')).toBe(true);
    const text = res.text.slice(1);
    expect(text.startsWith('section,key,units,grams\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(/[^\r]\n/.test(text)).toBe(false);

    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['section', 'key', 'units', 'grams']);
    const cell = (v: number | null) => (v === null ? '' : String(v));
    const fromJson = [
      ['site', r.site, '', ''],
      ...Object.entries(r.totals).map(([k, b]) => ['totals', k, String(b.units), String(b.grams)]),
      ...r.byCategory.map((c) => ['category', neutralise(c.key), cell(c.units), cell(c.grams)]),
      ...r.byMonth.map((c) => ['month', neutralise(c.key), cell(c.units), cell(c.grams)]),
      ...r.byCommunity.map((c) => ['community', neutralise(c.key), cell(c.units), cell(c.grams)]),
    ];
    const order = (xs: string[][]) => xs.map((x) => JSON.stringify(x)).sort();
    expect(order(rows.slice(1))).toEqual(order(fromJson));
    expect(rows[1]).toEqual(['site', r.site, '', '']);
    expect(rows).toHaveLength(1 + 1 + 6 + r.byCategory.length + r.byMonth.length + r.byCommunity.length);

    const lines = text.split('\r\n');
    const e = expected();
    expect(lines).toContain(`totals,diverted,${e.totals.diverted.units},${e.totals.diverted.grams}`);
    expect(lines).toContain('totals,reusedThenRecycled,0,0');
    expect(lines).toContain(`totals,recycledPending,${e.totals.recycledPending.units},${e.totals.recycledPending.grams}`);
    expect(lines).toContain("category,'=cmd|' /C calc'!A0,0,1111");
    expect(lines).toContain(`category,"'+SUM(1,2)",3,222`);
    expect(lines).toContain("category,'@x,0,33");
    expect(lines).toContain("category,'-2+3,0,4");
    expect(lines).toContain('community,Arviat,,');
    expect(lines.filter((l) => /^category,[=+\-@]/.test(l) || /^category,"[=+\-@]/.test(l))).toEqual([]);
  });

  it('PDF: application/pdf whose text shows the totals and the methodology', async () => {
    const headers = await as('coordinator');
    const res = await t.http.get(`${API}/reports/diversion`).query({ from: FROM, to: TO, format: 'pdf' }).set(headers).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/pdf/);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const file = path.join(tmp, 'diversion.pdf');
    fs.writeFileSync(file, pdf);
    const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    const e = expected();
    const long = (iso: string) => new Intl.DateTimeFormat('en-CA', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));
    expect(text).toContain(`${long(FROM)} to ${long(TO)}`);
    expect(text).toContain(`Diverted from landfill ${units(e.totals.diverted.units)} ${kg(e.totals.diverted.grams)}`);
    expect(text).toContain('of which reused, then recycled (counted once) 0 units 0.0 kg');
    expect(text).toContain(`Received ${units(e.totals.received.units)} ${kg(e.totals.received.grams)}`);
    expect(text).toContain(`${units(e.totals.recycledPending.units)} ${kg(e.totals.recycledPending.grams)}`);
    expect(text).toContain(`${units(e.totals.recycledConfirmed.units)} ${kg(e.totals.recycledConfirmed.grams)}`);
    expect(text).toContain('Methodology');
    expect(text).toContain('Illustrative electronics factors');
    expect(text).toContain('90.0%');
  });

  it('roles and validation: staff, coordinator, admin 200; trainee 403; from after to 400', async () => {
    for (const role of ['staff', 'coordinator', 'admin'] as const) expect((await get({ from: FROM, to: TO }, role)).status, role).toBe(200);
    const trainee = await get({ from: FROM, to: TO }, 'trainee');
    expect(trainee.status).toBe(403);
    expect(trainee.body.code).toBe('auth.forbidden');
    expect((await get({ from: TO, to: FROM }, 'trainee')).status).toBe(403);
    expect((await get({ from: FROM, to: TO, format: 'csv' }, 'trainee')).status).toBe(403);
    expect((await t.http.get(`${API}/reports/diversion`).query({ from: FROM, to: TO })).status).toBe(401);

    for (const query of [
      { from: '2026-04-01', to: '2026-03-31' },
      { from: FROM },
      { to: TO },
      { from: '2026-02-30', to: TO },
      { from: FROM, to: TO, format: 'xlsx' },
      { from: FROM, to: TO, suppressBelow: '-1' },
      { from: FROM, to: TO, suppressBelow: '0' }, // under this app's floor of 1
      { from: FROM, to: TO, extra: '1' },
    ]) {
      const res = await get(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    }
    expect((await get({ from: TO, to: TO })).status).toBe(200);
  });
});
