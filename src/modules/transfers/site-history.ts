/**
 * Where a device was, in SQL over its received transfers (docs/domain.md §8), for the queries that attribute past
 * events to a site: the reports' figures and the issuances a site sees. `d` is the alias (or table name) of a row of
 * `devices` in the query; `at` an ISO-8601 timestamp expression of the same query.
 */
import { sql, type SQL } from 'drizzle-orm';

/** The site that took the device in: where it was before its first transfer received elsewhere, or where it still is. */
export const intakeSite = (d: string): SQL =>
  sql.raw(`coalesce((select t.from_site_id from transfer_devices td join transfers t on t.id = td.transfer_id where td.device_id = ${d}.id and td.state = 'received' order by td.id limit 1), ${d}.site_id)`);

/** The site that held the device at `at`: the destination of its last transfer received by then, or its intake site. */
export const siteAt = (d: string, at: string): SQL =>
  sql`coalesce((select t.to_site_id from transfer_devices td join transfers t on t.id = td.transfer_id where td.device_id = ${sql.raw(d)}.id and td.state = 'received' and td.settled_at <= ${sql.raw(at)} order by td.settled_at desc, td.id desc limit 1), ${intakeSite(d)})`;
