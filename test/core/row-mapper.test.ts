import { eq, getTableColumns, sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { closeDatabase, jsonArrayOf, openDatabase, type Db } from '../../src/core/db.js';
import { compiledAll, compileRowMapper } from '../../src/core/row-mapper.js';
import { createServices } from '../../src/container.js';
import { devices, storageDrives } from '../../src/modules/devices/devices.table.js';
import { users } from '../../src/modules/users/users.table.js';

/**
 * The compiled row mapper (src/core/row-mapper.ts) against drizzle's own
 * mapping, on the same prepared statements of a real SQLite database: the
 * same values, null kept as null, decoders applied (JSON, booleans, mapWith),
 * keys in the same order; and drizzle's own mapping kept where a join can
 * answer null for a nested object.
 */
let db: Db;
const admin = { id: 1, username: 'admin', displayName: 'Administrator', role: 'admin' as const, siteId: 1 };

beforeAll(async () => {
  db = openDatabase({ path: ':memory:' });
  const services = createServices({ db, clock: systemClock, config: loadConfig({}) });
  await services.users.bootstrapAdmin('row-mapper-password');
  await services.devices.intake(admin, { category: 'laptop', make: 'Lenovo', model: 'T480', serialNumber: 'RM-1', storage: [{ serialNumber: 'RM-D1', kind: 'ssd', capacityGb: 256 }, { serialNumber: 'RM-D2', kind: 'hdd' }] });
  await services.devices.intake(admin, { category: 'desktop', make: 'Dell', model: 'OptiPlex', serialNumber: 'RM-2', storage: [] });
});
afterAll(async () => {
  await closeDatabase(db);
});

/** Both mappings of one prepared statement: drizzle's all(), and the compiled one (which must not call all()). */
function bothWays<R>(build: () => { prepare(): { all(values?: Record<string, unknown>): Promise<R[]> } }, values: Record<string, unknown> = {}) {
  const expected = build().prepare().all(values) as unknown as R[];
  const prepared = build().prepare();
  let fellBack = false;
  const all = prepared.all.bind(prepared);
  prepared.all = (v) => ((fellBack = true), all(v));
  const actual = compiledAll(prepared)(values) as R[];
  return { expected, actual, fellBack };
}

/** Equal values, and the same keys in the same order at every level (JSON keeps the order). */
function expectSame(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

describe('compiled row mapping', () => {
  it('maps a whole table row as drizzle does: JSON text parsed, a boolean from 0/1, nulls kept', () => {
    const { expected, actual, fellBack } = bothWays(() => db.select().from(devices).orderBy(devices.id));
    expect(fellBack).toBe(false);
    expect(expected).toHaveLength(2);
    expect(typeof expected[0]!.specs).toBe('object');
    expect(typeof expected[0]!.noStorageConfirmed).toBe('boolean');
    expectSame(actual, expected);
  });

  it('maps nested objects and mapWith decoders (the device lookup: a row, its drives as JSON, a number)', () => {
    const drives = jsonArrayOf(db, {
      fields: { id: storageDrives.id, serialNumber: storageDrives.serialNumber, capacityGb: storageDrives.capacityGb, model: storageDrives.model },
      from: sql`${storageDrives} where ${storageDrives.deviceId} = ${devices.id}`,
      orderBy: storageDrives.id,
    });
    const shape = { device: getTableColumns(devices), drives, extra: { count: sql<number>`(select count(*) from ${storageDrives})`.mapWith(Number), none: sql<null>`null` } };
    for (const id of [1, 2, 3]) {
      const { expected, actual, fellBack } = bothWays(() => db.select(shape).from(devices).where(eq(devices.id, sql.placeholder('id'))), { id });
      expect(fellBack).toBe(false);
      expectSame(actual, expected);
    }
    const [first] = bothWays(() => db.select(shape).from(devices).where(eq(devices.id, 1))).actual;
    expect(first!.drives.map((d) => d.serialNumber)).toEqual(['RM-D1', 'RM-D2']);
    expect(first!.extra).toEqual({ count: 2, none: null });
  });

  it("keeps drizzle's mapping for a left join, whose missing side is null rather than an object of nulls", () => {
    const { expected, actual, fellBack } = bothWays(() =>
      db.select({ device: { id: devices.id, tag: devices.assetTag }, drive: { id: storageDrives.id, serial: storageDrives.serialNumber } })
        .from(devices).leftJoin(storageDrives, eq(storageDrives.deviceId, devices.id)).orderBy(devices.id, storageDrives.id),
    );
    expect(fellBack).toBe(true);
    expect(expected.map((r) => r.drive)).toContainEqual(null);
    expectSame(actual, expected);
  });

  it('compiles an inner join, whose nested objects are never null', () => {
    const { expected, actual, fellBack } = bothWays(() =>
      db.select({ device: { tag: devices.assetTag }, by: { name: users.username, disabledAt: users.disabledAt } }).from(devices).innerJoin(users, eq(users.id, devices.createdBy)).orderBy(devices.id),
    );
    expect(fellBack).toBe(false);
    expectSame(actual, expected);
  });

  it('leaves to drizzle a select whose keys it would not write into code', () => {
    expect(compileRowMapper([{ path: ['a-b'], field: devices.id }])).toBeUndefined();
    expect(compileRowMapper([{ path: ['__proto__'], field: devices.id }])).toBeUndefined();
    expect(compileRowMapper([{ path: ['x', 'y'], field: devices.id }, { path: ['x'], field: devices.id }])).toBeUndefined();
    expect(compileRowMapper([{ path: ['x'], field: devices.id }, { path: ['x', 'y'], field: devices.id }])).toBeUndefined();
    const map = compileRowMapper([{ path: ['x', 'y'], field: sql`x`.mapWith(Number) }, { path: ['z'], field: devices.specs }, { path: ['x', 'w'], field: devices.id }]);
    expect(map!(['7', '{"a":1}', 3])).toStrictEqual({ x: { y: 7, w: 3 }, z: { a: 1 } });
    // A decoder never sees null (Number(null) would be 0).
    expect(map!([null, null, null])).toStrictEqual({ x: { y: null, w: null }, z: null });
  });

  it('gives the same rows as drizzle for any values the columns can hold (property)', async () => {
    const text = fc.option(fc.string({ maxLength: 20 }), { nil: null });
    const specs = fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 4, noNullPrototype: true });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(text, text, fc.option(fc.constantFrom('A', 'B', 'C'), { nil: null }), fc.boolean(), specs, fc.integer({ min: 1, max: 1_000_000 }), async (location, notes, grade, noStorage, spec, weight) => {
        n++;
        const at = new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
        const [row] = await db
          .insert(devices)
          .values({
            assetTag: `RM-P${n}`, category: 'laptop', make: 'Make', model: 'Model', serialNumber: `RMP-${n}`, serialKey: `RMP-${n}`, specs: spec, weightGrams: weight,
            weightSource: 'measured', location, notes, status: 'received', noStorageConfirmed: noStorage, cycleStartedAt: at, grade, gradedAt: grade ? at : null,
            statusChangedAt: at, createdBy: 1, createdAt: at, updatedAt: at, siteId: 1,
          })
          .returning({ id: devices.id });
        const { expected, actual } = bothWays(() => db.select().from(devices).where(eq(devices.id, sql.placeholder('id'))), { id: row!.id });
        expect(expected).toHaveLength(1);
        expectSame(actual, expected);
      }),
      { numRuns: 60 },
    );
  });
});
