import type { Clock } from '../../core/clock.js';
import { writeTransaction, type Db } from '../../core/db.js';
import { AppError } from '../../core/errors.js';
import { decodeCursor, pageOf } from '../../core/pagination.js';
import { parseTag } from '../asset-tags/asset-tag.js';
import type { DeviceState, DeviceStateReads } from '../devices/device-view.js';
import type { Device } from '../devices/devices.schemas.js';
import type { Role } from '../auth/permissions.js';
import { listScope, sees, type AskedSite, type SiteViewer } from '../sites/site-scope.js';
import type { Actor } from '../users/users.service.js';
import { listUnknownCodes, prepareScanStatements } from './scans.repository.js';
import type { ScanBody } from './scans.schemas.js';

/** A second scan of one device by one station within this window is flagged as a duplicate. */
export const DUPLICATE_WINDOW_MS = 10_000;

/** A year, leap or not: a station clock further off than this was reset or mistyped, not merely slow. */
export const CLIENT_TIME_TOLERANCE_MS = 366 * 86_400_000;

/** Whether a scan's clientTime is too far from the server's time to be believed; the time is kept either way. */
export function isClientTimeSuspect(clientTime: string | undefined, now: Date): boolean {
  if (clientTime === undefined) return false;
  return Math.abs(new Date(clientTime).getTime() - now.getTime()) > CLIENT_TIME_TOLERANCE_MS;
}

/**
 * What a scanner typed: a bare tag, a URL ending with the tag (QR codes on
 * phones), or a manufacturer serial. Returns the candidate for tag lookup.
 */
export function tagCandidate(code: string): string {
  const trimmed = code.trim();
  const withoutQuery = trimmed.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = withoutQuery.includes('/') ? withoutQuery.slice(withoutQuery.lastIndexOf('/') + 1) : withoutQuery;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function createScansService(deps: {
  db: Db;
  clock: Clock;
  deviceStates: Pick<DeviceStateReads, 'byTag' | 'bySerial'>;
  /** The device as a role sees it, its site named (the device use case's viewState). */
  view: (state: DeviceState, role: Role) => Promise<Device>;
  /** The site that holds a device the scanner's site does not see: its name is all the answer says. */
  siteName: (siteId: number) => Promise<string>;
  /** A list's `site=` as a site (the sites service's `asked`). */
  askedSite: AskedSite;
}) {
  const { db, clock } = deps;
  // The device, its drives and their states in one statement each.
  const lookups = deps.deviceStates;
  const stmts = prepareScanStatements(db);

  /** The device a code names, with its state as read before the scan is recorded (recording it changes neither). */
  async function find(code: string): Promise<DeviceState | undefined> {
    const candidate = tagCandidate(code);
    const parsed = parseTag(candidate);
    if (parsed.kind === 'valid') {
      const byTag = await lookups.byTag(parsed.tag);
      if (byTag) return byTag;
    }
    return await lookups.bySerial(code.trim()) ?? (candidate !== code.trim() ? await lookups.bySerial(candidate) : undefined);
  }

  return {
    /** Records every scan, known or not; an unknown code is kept for triage and answered 404. */
    async scan(actor: Actor, body: ScanBody) {
      const now = clock.now();
      const serverTime = now.toISOString();
      const found = await find(body.code);
      const device = found?.row;
      const station = body.station ?? null;
      const clientTimeSuspect = isClientTimeSuspect(body.clientTime, now);
      const outcome = await writeTransaction(db, async () => {
        let duplicate = false;
        if (device) {
          const last = await stmts.lastScanAt(device.id, station, actor.id);
          duplicate = last !== undefined && now.getTime() - new Date(last).getTime() < DUPLICATE_WINDOW_MS;
        }
        const scanId = await stmts.insert({
          code: body.code,
          deviceId: device?.id ?? null,
          station,
          clientTime: body.clientTime ?? null,
          clientTimeSuspect,
          serverTime,
          userId: actor.id,
          duplicate,
        });
        return { scanId, duplicate };
      });
      if (!found) {
        throw new AppError('scans.unknown_code', `No device matches "${body.code}". It was recorded for triage.`, { extra: { scanId: outcome.scanId, clientTimeSuspect } });
      }
      // Another site's device: the scan is kept (someone here holds a device that site answers for), and the answer
      // names that site and nothing else about the device (docs/domain.md §8).
      if (!sees(actor, found.row.siteId)) {
        const heldBy = await deps.siteName(found.row.siteId);
        throw new AppError('scans.other_site', `Held by ${heldBy}: this site does not see that site's devices.`, { extra: { scanId: outcome.scanId, heldBy } });
      }
      const view = await deps.view(found, actor.role);
      return { device: view, allowedActions: view.allowedActions, duplicate: outcome.duplicate, scanId: outcome.scanId, clientTimeSuspect };
    },

    /**
     * Unknown codes for triage: a code counts for a site when that site's people scanned it (the scanning user's site
     * now: a scan names no site of its own). Trainees, coordinators and staff see their own site's.
     */
    async unknown(viewer: SiteViewer, query: { limit: number; cursor?: string | undefined; site?: string | undefined }) {
      const scope = listScope(viewer, await deps.askedSite(query.site));
      if (scope === 'none') return { items: [], nextCursor: null };
      const { limit, cursor } = query;
      const before = cursor === undefined ? undefined : decodeCursor(cursor);
      const { page, nextCursor } = pageOf(await listUnknownCodes(db, before, limit + 1, scope), limit, (r) => r.rowId);
      return {
        items: page.map((r) => ({
          code: r.code,
          count: r.count,
          firstSeenAt: r.firstSeenAt,
          lastSeenAt: r.lastSeenAt,
          stations: r.stations.filter((s): s is string => s !== null),
        })),
        nextCursor,
      };
    },
  };
}

export type ScansService = ReturnType<typeof createScansService>;
