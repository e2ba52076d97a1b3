/**
 * The aggregates behind the reports, in SQL that PostgreSQL also runs
 * (substr on ISO-8601 text for months; no SQLite-only functions). Periods
 * are half-open on timestamps: [from 00:00, day after `to` 00:00).
 */
import { sql, type SQL } from 'drizzle-orm';
import { selectRow, selectRows, type Executor } from '../../core/db.js';
import { intakeSite, siteAt } from '../transfers/site-history.js';

export interface Period {
  start: string;
  end: string;
}

/**
 * Which site a figure belongs to (docs/domain.md §6, §8). A device was taken
 * in where it was before its first transfer received elsewhere (or where it
 * still is); it was held at an instant by the destination of its last
 * transfer received by then (or its intake site); a shipment's devices and
 * lines belong to the shipment's site (src/modules/transfers/site-history.ts).
 * Each is one site per device and event, so the sites' figures add up to the
 * program's, nothing twice. `and <site> = id`, or nothing for the whole
 * program (null).
 */
const ofSite = (site: SQL, siteId: number | null) => (siteId === null ? sql`` : sql` and ${site} = ${siteId}`);

export interface DeviceAgg {
  category: string;
  month: string;
  units: number;
  grams: number;
  measuredGrams: number;
}

export async function receivedAgg(db: Executor, p: Period, siteId: number | null): Promise<DeviceAgg[]> {
  return selectRows<DeviceAgg>(db, sql`
    select d.category as category, substr(d.created_at, 1, 7) as month, count(*) as units, sum(d.weight_grams) as grams,
           sum(case when d.weight_source = 'measured' then d.weight_grams else 0 end) as "measuredGrams"
    from devices d where d.created_at >= ${p.start} and d.created_at < ${p.end}${ofSite(intakeSite('d'), siteId)}
    group by d.category, substr(d.created_at, 1, 7)`);
}

export interface DivertedDeviceAgg extends DeviceAgg {
  /** 1 when the devices of the row were issued in the period. */
  reused: number;
  /** 1 when they left on a shipment shipped in the period and since confirmed. */
  recycled: number;
}

/**
 * The distinct devices diverted in the period (docs/domain.md §2 invariant 6, §6): those
 * issued to a participant and those on a confirmed shipment that left in the
 * period, each device once however many times it was issued, and once when it
 * was both issued and recycled. A device counts in the month of its first
 * diversion event in the period; the flags say which sets it belongs to, so
 * the reused and overlap totals come from the same rows.
 */
export async function divertedDevicesAgg(db: Executor, p: Period, siteId: number | null): Promise<DivertedDeviceAgg[]> {
  // A device counts for the site of its first diversion event in the period (an issue before a shipment on the same instant).
  return selectRows<DivertedDeviceAgg>(db, sql`
    with events as (
      select i.device_id as device_id, i.issued_at as at, 1 as reused, 0 as recycled, ${siteAt('d', 'i.issued_at')} as site_id
      from issuances i join devices d on d.id = i.device_id
      where i.issued_at >= ${p.start} and i.issued_at < ${p.end}
      union all
      select sd.device_id as device_id, s.shipped_at as at, 0 as reused, 1 as recycled, s.site_id as site_id
      from shipment_devices sd join shipments s on s.id = sd.shipment_id
      where s.status = 'confirmed' and s.shipped_at >= ${p.start} and s.shipped_at < ${p.end}
    ), ranked as (
      select device_id, at, reused, recycled, site_id, row_number() over (partition by device_id order by at, recycled) as n from events
    ), per_device as (
      -- One pass: the site is the first event's (n = 1, one per device), not a lookup per device into the ranked events.
      select device_id, min(at) as first_at, max(reused) as reused, max(recycled) as recycled,
             max(case when n = 1 then site_id end) as site_id
      from ranked group by device_id
    )
    select d.category as category, substr(x.first_at, 1, 7) as month, x.reused as reused, x.recycled as recycled,
           count(*) as units, sum(d.weight_grams) as grams,
           sum(case when d.weight_source = 'measured' then d.weight_grams else 0 end) as "measuredGrams"
    from per_device x join devices d on d.id = x.device_id
    where 1 = 1${ofSite(sql`x.site_id`, siteId)}
    group by d.category, substr(x.first_at, 1, 7), x.reused, x.recycled`);
}

export interface CommunityAgg {
  community: string;
  units: number;
  grams: number;
}

/** Reused devices by the community of the participant of their first issue in the period. */
export async function reusedByCommunity(db: Executor, p: Period, siteId: number | null): Promise<CommunityAgg[]> {
  return selectRows<CommunityAgg>(db, sql`
    select c.name as community, count(*) as units, sum(d.weight_grams) as grams
    from (select device_id, min(id) as first_id from issuances
          where issued_at >= ${p.start} and issued_at < ${p.end} group by device_id) f
    join issuances i on i.id = f.first_id
    join participants pt on pt.id = i.participant_id
    join communities c on c.id = pt.community_id
    join devices d on d.id = f.device_id
    where 1 = 1${ofSite(siteAt('d', 'i.issued_at'), siteId)}
    group by c.name`);
}

export interface RecycledAgg {
  kind: 'device' | 'bulk';
  category: string;
  month: string;
  confirmed: number;
  units: number;
  grams: number;
  measuredGrams: number;
}

/** Device and bulk lines of shipments shipped in the period; bulk lines are weighed, so all measured. */
export async function recycledAgg(db: Executor, p: Period, siteId: number | null): Promise<RecycledAgg[]> {
  return selectRows<RecycledAgg>(db, sql`
    select 'device' as kind, d.category as category, substr(s.shipped_at, 1, 7) as month, case when s.status = 'confirmed' then 1 else 0 end as confirmed,
           count(*) as units, sum(d.weight_grams) as grams,
           sum(case when d.weight_source = 'measured' then d.weight_grams else 0 end) as "measuredGrams"
    from shipment_devices sd join shipments s on s.id = sd.shipment_id join devices d on d.id = sd.device_id
    where s.shipped_at >= ${p.start} and s.shipped_at < ${p.end}${ofSite(sql`s.site_id`, siteId)}
    group by d.category, substr(s.shipped_at, 1, 7), case when s.status = 'confirmed' then 1 else 0 end
    union all
    select 'bulk' as kind, b.category as category, substr(s.shipped_at, 1, 7) as month, case when s.status = 'confirmed' then 1 else 0 end as confirmed,
           coalesce(sum(b.units), 0) as units, sum(b.weight_grams) as grams, sum(b.weight_grams) as "measuredGrams"
    from shipment_bulk_lines b join shipments s on s.id = b.shipment_id
    where s.shipped_at >= ${p.start} and s.shipped_at < ${p.end}${ofSite(sql`s.site_id`, siteId)}
    group by b.category, substr(s.shipped_at, 1, 7), case when s.status = 'confirmed' then 1 else 0 end`);
}

export interface FactorSet {
  id: number;
  name: string;
  version: string;
  source: string;
  verified: number;
  notes: string | null;
}

export async function latestFactorSet(db: Executor): Promise<{ set: FactorSet; factors: Array<{ material: string; pathway: string; unit: string; value: number }> } | undefined> {
  const set = await selectRow<FactorSet>(db, sql`select id, name, version, source, verified, notes from co2e_factor_sets order by id desc limit 1`);
  if (!set) return undefined;
  const factors = await selectRows<{ material: string; pathway: string; unit: string; value: number }>(db, sql`select material, pathway, unit, value from co2e_factors where set_id = ${set.id}`,
  );
  return { set, factors };
}

/** Devices as they are now, at the site that holds them. */
export async function inventoryCounts(db: Executor, siteId: number | null): Promise<Array<{ status: string; category: string; units: number; grams: number }>> {
  return selectRows(db, sql`select status, category, count(*) as units, sum(weight_grams) as grams from devices d where 1 = 1${ofSite(sql`d.site_id`, siteId)} group by status, category order by status, category`);
}

export async function longestInStatus(db: Executor, limit: number, siteId: number | null): Promise<Array<{ assetTag: string; category: string; status: string; statusChangedAt: string }>> {
  return selectRows(db, sql`
    select asset_tag as "assetTag", category, status, status_changed_at as "statusChangedAt" from devices d
    where status not in ('recycled', 'written_off', 'issued')${ofSite(sql`d.site_id`, siteId)}
    order by status_changed_at asc, id asc limit ${limit}`);
}

/**
 * The bench work of each person in the period. A site's is the work done on the devices it held at the time (the
 * device's site at the event, as above), so a trainee who moved keeps their past work at the site where it was done.
 */
export async function activityAgg(db: Executor, p: Period, siteId: number | null): Promise<Array<{ userId: number; username: string; displayName: string; role: string; action: string; n: number }>> {
  const device = siteId === null ? sql`` : sql` join devices d on d.asset_tag = e.entity_id`;
  return selectRows(db, sql`
    select u.id as "userId", u.username, u.display_name as "displayName", u.role, e.action, count(*) as n
    from audit_events e join users u on u.id = e.actor_user_id${device}
    where e.entity_type = 'device' and e.at >= ${p.start} and e.at < ${p.end}
      and e.action in ('device.intake', 'device.sanitization_recorded', 'device.repair_completed', 'device.graded', 'device.sanitization_verified')${ofSite(siteAt('d', 'e.at'), siteId)}
    group by u.id, u.username, u.display_name, u.role, e.action`);
}

/** How the second-person checks of each technician's wipes came out: a site's, of the wipes done on the devices it held then. */
export async function verificationOutcomes(db: Executor, p: Period, siteId: number | null): Promise<Array<{ userId: number; status: string; n: number }>> {
  const device = siteId === null ? sql`` : sql` join devices d on d.id = r.device_id`;
  return selectRows(db, sql`
    select r.technician_id as "userId", v.status, count(*) as n
    from sanitization_verifications v join sanitization_records r on r.id = v.record_id${device}
    where r.created_at >= ${p.start} and r.created_at < ${p.end}${ofSite(siteAt('d', 'r.created_at'), siteId)}
    group by r.technician_id, v.status`);
}
