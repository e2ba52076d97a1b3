import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { reusable, type Db } from '../../core/db.js';
import { countRows, distinctJsonArray } from '../../core/db-dialect.js';
import { users } from '../users/users.table.js';
import { scans } from './scans.table.js';

/** The scan path runs on prepared statements (STYLE: hot paths). */
export function prepareScanStatements(db: Db) {
  const insert = reusable(db, (q) =>
    q
    .insert(scans)
    .values({
      code: sql.placeholder('code'),
      deviceId: sql.placeholder('deviceId'),
      station: sql.placeholder('station'),
      clientTime: sql.placeholder('clientTime'),
      clientTimeSuspect: sql.placeholder('clientTimeSuspect'),
      serverTime: sql.placeholder('serverTime'),
      userId: sql.placeholder('userId'),
      duplicate: sql.placeholder('duplicate'),
    })
    .returning({ id: scans.id }),
  );
  // The last scan of this device from this station (or this user when no station is named).
  const lastByStation = reusable(db, (q) =>
    q
      .select({ serverTime: scans.serverTime })
      .from(scans)
      .where(and(eq(scans.deviceId, sql.placeholder('deviceId')), eq(scans.station, sql.placeholder('station'))))
      .orderBy(desc(scans.id))
      .limit(1),
  );
  const lastByUser = reusable(db, (q) =>
    q
      .select({ serverTime: scans.serverTime })
      .from(scans)
      .where(and(eq(scans.deviceId, sql.placeholder('deviceId')), isNull(scans.station), eq(scans.userId, sql.placeholder('userId'))))
      .orderBy(desc(scans.id))
      .limit(1),
  );
  return {
    insert: async (row: {
      code: string;
      deviceId: number | null;
      station: string | null;
      clientTime: string | null;
      clientTimeSuspect: boolean;
      serverTime: string;
      userId: number;
      duplicate: boolean;
    }): Promise<number> => (await insert({ ...row, duplicate: row.duplicate ? 1 : 0, clientTimeSuspect: row.clientTimeSuspect ? 1 : 0 }))[0]!.id,
    lastScanAt: async (deviceId: number, station: string | null, userId: number): Promise<string | undefined> =>
      (station === null ? await lastByUser({ deviceId, userId }) : await lastByStation({ deviceId, station }))[0]?.serverTime,
  };
}

export interface UnknownCodeRow {
  rowId: number;
  code: string;
  count: number;
  firstSeenAt: string;
  lastSeenAt: string;
  /** The station names, ascending (null for scans without one). */
  stations: Array<string | null>;
}

/**
 * Unknown codes grouped, most recently seen first; the cursor is the group's
 * last scan id (none for the first page: PostgreSQL compares it as an integer,
 * so no stand-in beyond 2^31 may be sent). `siteId`: only the scans made by
 * that site's people (null: every site's).
 */
export async function listUnknownCodes(db: Db, beforeId: number | undefined, limit: number, siteId: number | null): Promise<UnknownCodeRow[]> {
  return db
    .select({
      rowId: sql<number>`max(${scans.id})`,
      code: scans.code,
      count: countRows(),
      firstSeenAt: sql<string>`min(${scans.serverTime})`,
      lastSeenAt: sql<string>`max(${scans.serverTime})`,
      stations: distinctJsonArray<string | null>(db, scans.station),
    })
    .from(scans)
    .where(and(isNull(scans.deviceId), siteId === null ? undefined : inArray(scans.userId, db.select({ id: users.id }).from(users).where(eq(users.siteId, siteId)))))
    .groupBy(scans.code)
    .having(beforeId === undefined ? undefined : lt(sql`max(${scans.id})`, beforeId))
    .orderBy(desc(sql`max(${scans.id})`))
    .limit(limit);
}

