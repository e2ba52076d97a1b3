import { and, asc, desc, eq, getTableColumns, gt, lt, or, sql, type AnyColumn, type Placeholder, type SQL, type SQLWrapper } from 'drizzle-orm';
import { idList, inIdList } from '../../core/db-dialect.js';
import { jsonArrayOf, reusable, type Db, type Executor } from '../../core/db.js';
import { auditEvents } from '../audit-log/audit.table.js';
import { users } from '../users/users.table.js';
import type { DeviceSort } from './devices.schemas.js';
import { devices, storageDrives } from './devices.table.js';

export type DeviceRow = typeof devices.$inferSelect;
export type DriveRow = typeof storageDrives.$inferSelect;

export const serialKey = (serial: string) => serial.replace(/\s+/g, '').toUpperCase();

export async function insertDevice(tx: Executor, row: typeof devices.$inferInsert): Promise<DeviceRow> {
  return (await tx.insert(devices).values(row).returning())[0]!;
}

export async function insertDrives(tx: Executor, rows: Array<typeof storageDrives.$inferInsert>): Promise<void> {
  if (rows.length > 0) await tx.insert(storageDrives).values(rows);
}

/**
 * Writes a change only if the device is still at the version the caller read:
 * the compare-and-set behind docs/domain.md §2 invariant 4. Returns undefined when it moved.
 */
export async function updateDeviceAtVersion(tx: Executor, id: number, version: number, patch: Partial<typeof devices.$inferInsert>): Promise<DeviceRow | undefined> {
  return (await tx
    .update(devices)
    .set({ ...patch, version: version + 1 })
    .where(and(eq(devices.id, id), eq(devices.version, version)))
    .returning())[0];
}

export async function findDeviceBySerialKey(db: Executor, key: string): Promise<DeviceRow | undefined> {
  return (await db.select().from(devices).where(eq(devices.serialKey, key)))[0];
}

/** The drives of a page of devices, in one prepared statement whatever the page's size. */
export function prepareDrivesOfPage(db: Db): (deviceIds: readonly number[]) => Promise<DriveRow[]> {
  const stmt = reusable(db, (q) => q.select().from(storageDrives).where(inIdList(db, storageDrives.deviceId, 'ids')).orderBy(asc(storageDrives.id)));
  return async (deviceIds) => (deviceIds.length === 0 ? [] : stmt({ ids: idList(db, deviceIds) }));
}

/** A device row alone by tag or serial, as prepared statements (a label sheet, a use case that needs no state). */
export function prepareDeviceLookups(db: Db) {
  const byTag = reusable(db, (q) => q.select().from(devices).where(eq(devices.assetTag, sql.placeholder('tag'))));
  const bySerial = reusable(db, (q) => q.select().from(devices).where(eq(devices.serialKey, sql.placeholder('key'))));
  return {
    byTag: async (tag: string): Promise<DeviceRow | undefined> => (await byTag({ tag }))[0],
    bySerial: async (serial: string): Promise<DeviceRow | undefined> => (await bySerial({ key: serialKey(serial) }))[0],
  };
}

/** A device's drives, as jsonArrayOf answers them, mapped to the row drizzle reads from storage_drives. */
function driveOf(o: Record<string, unknown>): DriveRow {
  return {
    id: Number(o.id),
    deviceId: Number(o.deviceId),
    serialNumber: o.serialNumber as string,
    kind: o.kind as DriveRow['kind'],
    capacityGb: o.capacityGb === null || o.capacityGb === undefined ? null : Number(o.capacityGb),
    model: (o.model ?? null) as string | null,
    registeredAt: o.registeredAt as string,
    registeredBy: Number(o.registeredBy),
  };
}

/**
 * A device with its drives and a column the caller adds about it (the
 * sanitization records that decide its drives' states), each in ONE
 * statement, prepared once: the scan path and the device page read a device
 * this way. `extra` gets the device's id and custody cycle as SQL to
 * correlate on. `byId` reads the drives and the column for a device row the
 * caller holds (after a write, its cycle may be newer than the row).
 */
export function prepareDeviceStateLookups<E>(db: Db, extra: (deviceId: SQLWrapper, custodyCycle: SQLWrapper) => SQL<E>) {
  const drives = (deviceId: SQLWrapper) =>
    jsonArrayOf(db, {
      fields: {
        id: storageDrives.id,
        deviceId: storageDrives.deviceId,
        serialNumber: storageDrives.serialNumber,
        kind: storageDrives.kind,
        capacityGb: storageDrives.capacityGb,
        model: storageDrives.model,
        registeredAt: storageDrives.registeredAt,
        registeredBy: storageDrives.registeredBy,
      },
      from: sql`${storageDrives} where ${storageDrives.deviceId} = ${deviceId}`,
      orderBy: storageDrives.id,
    });
  const withState = { device: getTableColumns(devices), drives: drives(devices.id), extra: extra(devices.id, devices.custodyCycle) };
  const byTag = reusable(db, (q) => q.select(withState).from(devices).where(eq(devices.assetTag, sql.placeholder('tag'))));
  const bySerial = reusable(db, (q) => q.select(withState).from(devices).where(eq(devices.serialKey, sql.placeholder('key'))));
  const cycle = sql.placeholder('cycle');
  const byId = reusable(db, (q) =>
    q.select({ drives: drives(devices.id), extra: extra(devices.id, sql`${cycle}`) }).from(devices).where(eq(devices.id, sql.placeholder('id'))),
  );
  type Found = { row: DeviceRow; drives: DriveRow[]; extra: E };
  const found = (r: { device: DeviceRow; drives: Array<Record<string, unknown>>; extra: E } | undefined): Found | undefined =>
    r && { row: r.device, drives: r.drives.map(driveOf), extra: r.extra };
  return {
    byTag: async (tag: string): Promise<Found | undefined> => found((await byTag({ tag }))[0]),
    bySerial: async (serial: string): Promise<Found | undefined> => found((await bySerial({ key: serialKey(serial) }))[0]),
    /** The drives and the column of a device, its custody cycle taken from the row the caller holds. */
    byId: async (id: number, custodyCycle: number): Promise<{ drives: DriveRow[]; extra: E } | undefined> => {
      const r = (await byId({ id, cycle: custodyCycle }))[0];
      return r && { drives: r.drives.map(driveOf), extra: r.extra };
    },
  };
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface DeviceFilter {
  status?: DeviceRow['status'] | undefined;
  category?: DeviceRow['category'] | undefined;
  grade?: DeviceRow['grade'] | undefined;
  flag?: 'recall' | undefined;
  donationId?: number | undefined;
  q?: string | undefined;
  /** The one site listed; undefined lists every site. */
  siteId?: number | undefined;
}

/**
 * A device with a drive that has passing records in this custody cycle, all
 * voided by a failed second-person check (of any cycle): the SQL form of the
 * fold in sanitization/drive-state.ts. With status issued, the recall flag.
 */
const recallCondition = sql`exists (
  select 1 from sanitization_verifications v join sanitization_records r on r.id = v.record_id
  where r.device_id = ${devices.id} and v.status = 'failed'
    and exists (select 1 from sanitization_records r1 where r1.drive_id = r.drive_id and r1.custody_cycle = ${devices.custodyCycle} and r1.result = 'passed')
    and not exists (select 1 from sanitization_records r2 where r2.drive_id = r.drive_id and r2.custody_cycle = ${devices.custodyCycle}
                    and r2.result = 'passed' and r2.id > coalesce(v.voids_through_record_id, r.id)))`;

/** A filter's values, or the placeholders a prepared list binds them to. */
type Bound<T> = { [K in keyof T]: T[K] | Placeholder };

/** The WHERE of a page of devices after the device `afterId` in `sort` order (see listDevices). */
function listConditions(filter: Bound<Omit<DeviceFilter, 'flag'>> & Pick<DeviceFilter, 'flag'>, afterId: number | Placeholder | null, sort: DeviceSort): SQL | undefined {
  const where: SQL[] = [];
  if (afterId !== null) {
    const tagOf = sql`(select d.asset_tag from devices d where d.id = ${afterId})`;
    if (sort === 'intake') where.push(gt(devices.id, afterId));
    else if (sort === '-intake') where.push(lt(devices.id, afterId));
    else if (sort === 'assetTag') where.push(sql`${devices.assetTag} > ${tagOf}`);
    else where.push(sql`${devices.assetTag} < ${tagOf}`);
  }
  if (filter.siteId !== undefined) where.push(eq(devices.siteId, filter.siteId));
  if (filter.status) where.push(eq(devices.status, filter.status));
  if (filter.category) where.push(eq(devices.category, filter.category));
  if (filter.grade) where.push(eq(devices.grade, filter.grade));
  if (filter.flag === 'recall') where.push(eq(devices.status, 'issued'), recallCondition);
  if (filter.donationId) where.push(eq(devices.donationId, filter.donationId));
  if (filter.q) {
    const pattern = filter.q;
    // SQLite's LIKE ignores ASCII case and PostgreSQL's does not: lower() on both sides answers alike.
    // A leading % serves no index on either engine, lower() or not.
    const like = (col: AnyColumn) => sql`lower(${col}) like lower(${pattern}) escape '\\'`;
    where.push(or(like(devices.assetTag), like(devices.make), like(devices.model), like(devices.serialNumber), like(devices.notes), like(devices.location))!);
  }
  return and(...where);
}

/** The filter with its search as the LIKE pattern: the text anywhere, its own % and _ taken literally. */
const withPattern = <F extends DeviceFilter>(filter: F): F => ({ ...filter, q: filter.q ? `%${escapeLike(filter.q)}%` : undefined });

const orderOf = (sort: DeviceSort) => ({ intake: asc(devices.id), '-intake': desc(devices.id), assetTag: asc(devices.assetTag), '-assetTag': desc(devices.assetTag) })[sort];

/**
 * One page of devices in `sort` order, after the device `afterId` (the last of
 * the previous page; null for the first page). For the asset-tag orders the
 * cursor stays the device's id and its tag is looked up: tags are unique and
 * never change, so the walk neither skips nor repeats a device.
 */
export async function listDevices(db: Executor, filter: DeviceFilter, afterId: number | null, limit: number, sort: DeviceSort = 'intake'): Promise<DeviceRow[]> {
  return db.select().from(devices).where(listConditions(withPattern(filter), afterId, sort)).orderBy(orderOf(sort)).limit(limit);
}

/**
 * listDevices as prepared statements, one per shape of filter (which fields
 * it has, the order, whether a cursor follows), each prepared the first time
 * it is asked for: a list page neither builds its SQL nor has it parsed again.
 */
export function prepareDeviceList(db: Db): (filter: DeviceFilter, afterId: number | null, limit: number, sort?: DeviceSort) => Promise<DeviceRow[]> {
  type Run = (values: Record<string, unknown>) => Promise<DeviceRow[]>;
  const shapes = new Map<string, Run>();
  const p = sql.placeholder;
  return async (filter, afterId, limit, sort = 'intake') => {
    const key = [sort, afterId !== null, filter.siteId !== undefined, !!filter.status, !!filter.category, !!filter.grade, filter.flag === 'recall', !!filter.donationId, !!filter.q].map(String).join();
    let run = shapes.get(key);
    if (!run) {
      const bound = {
        siteId: filter.siteId !== undefined ? p('siteId') : undefined,
        status: filter.status ? p('status') : undefined,
        category: filter.category ? p('category') : undefined,
        grade: filter.grade ? p('grade') : undefined,
        flag: filter.flag,
        donationId: filter.donationId ? p('donationId') : undefined,
        q: filter.q ? p('q') : undefined,
      };
      run = reusable(db, (q) => q.select().from(devices).where(listConditions(bound, afterId === null ? null : p('after'), sort)).orderBy(orderOf(sort)).limit(p('limit')));
      shapes.set(key, run);
    }
    return run({ ...withPattern(filter), after: afterId, limit });
  };
}

export interface HistoryRow {
  id: number;
  at: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actorId: number | null;
  actorUsername: string | null;
  details: string;
}

export async function deviceHistory(db: Executor, assetTag: string): Promise<HistoryRow[]> {
  return db
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      fromStatus: auditEvents.fromStatus,
      toStatus: auditEvents.toStatus,
      actorId: auditEvents.actorUserId,
      actorUsername: users.username,
      details: auditEvents.details,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorUserId))
    .where(and(eq(auditEvents.entityType, 'device'), eq(auditEvents.entityId, assetTag)))
    .orderBy(asc(auditEvents.id));
}

export async function findDeviceByTag(db: Executor, tag: string): Promise<DeviceRow | undefined> {
  return (await db.select().from(devices).where(eq(devices.assetTag, tag)))[0];
}
