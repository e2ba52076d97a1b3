/**
 * The office's Devices pages as data: the list's filters as they live in the
 * location hash, the API paths they become (the same filters for a page of
 * the list and for the CSV), a device's history as the page tells it, and
 * what the page offers on one device. No DOM, no fetch.
 */
import type { Device, DeviceSort } from '../modules/devices/devices.schemas.js';
import { DEVICE_CATEGORIES } from '../modules/devices/category-weights.js';
import { DEVICE_FLAGS, DEVICE_STATUSES } from '../modules/devices/device-lifecycle.js';
import { can, type Role } from '../modules/auth/permissions.js';
import { formatDate, t, tOr } from './i18n.js';
import { hashFor, queryOf } from './office-pages.js';
import { siteFromQuery } from './sites.js';

export type { Device } from '../modules/devices/devices.schemas.js';

export const GRADES = ['A', 'B', 'C', 'D'] as const satisfies ReadonlyArray<NonNullable<Device['grade']>>;

/** The orders the list offers: the API's (`GET /devices?sort=`); both keys never change, so "Show more" neither skips nor repeats. */
export const SORTS = ['-intake', 'intake', 'assetTag', '-assetTag'] as const satisfies readonly DeviceSort[];
export type Sort = (typeof SORTS)[number];
/** The page opens on the newest intakes: what a desk looks for first. */
export const DEFAULT_SORT: Sort = '-intake';

export interface DeviceFilters {
  status: string;
  grade: string;
  category: string;
  /** A donation's id, as text. */
  donation: string;
  flag: string;
  q: string;
  sort: Sort;
  /** A site's code, for the roles that see every site ('' for all of them; everyone else sees their own site's). */
  site: string;
}

export const NO_FILTERS: DeviceFilters = { status: '', grade: '', category: '', donation: '', flag: '', q: '', sort: DEFAULT_SORT, site: '' };

/** Devices shown a page at a time. */
export const PAGE_SIZE = 50;

const oneOf = (value: string | null, allowed: readonly string[]) => (value !== null && allowed.includes(value) ? value : '');

/** The filters a hash carries (`#/devices?status=ready&grade=A`); values the API would refuse are dropped, so a mistyped link shows the whole list rather than a refusal. */
export function filtersFromHash(hash: string): DeviceFilters {
  const q = queryOf(hash);
  const donation = q.get('donation') ?? '';
  const sort = q.get('sort');
  return {
    status: oneOf(q.get('status'), DEVICE_STATUSES),
    grade: oneOf(q.get('grade'), GRADES),
    category: oneOf(q.get('category'), DEVICE_CATEGORIES),
    donation: /^[1-9]\d{0,14}$/.test(donation) ? donation : '',
    flag: oneOf(q.get('flag'), DEVICE_FLAGS),
    q: (q.get('q') ?? '').trim().slice(0, 100),
    sort: (SORTS as readonly string[]).includes(sort ?? '') ? (sort as Sort) : DEFAULT_SORT,
    site: siteFromQuery(q.get('site'), null),
  };
}

/** The hash for a set of filters: empty ones and the default order left out. */
export function filtersHash(f: DeviceFilters): string {
  return hashFor('devices', '', { status: f.status, grade: f.grade, category: f.category, donation: f.donation, flag: f.flag, q: f.q.trim(), sort: f.sort === DEFAULT_SORT ? '' : f.sort, site: f.site });
}

function apiQuery(f: DeviceFilters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.status) q.set('status', f.status);
  if (f.grade) q.set('grade', f.grade);
  if (f.category) q.set('category', f.category);
  if (f.donation) q.set('donationId', f.donation);
  if (f.flag) q.set('flag', f.flag);
  if (f.q.trim()) q.set('q', f.q.trim());
  if (f.site) q.set('site', f.site);
  q.set('sort', f.sort);
  return q;
}

/** One page of the list under /api/v1. */
export function listPath(f: DeviceFilters, cursor: string | null, limit = PAGE_SIZE): string {
  const q = apiQuery(f);
  q.set('limit', String(limit));
  if (cursor) q.set('cursor', cursor);
  return `/devices?${q.toString()}`;
}

/** The CSV of every device the filters match, in the same order (the API streams it all: no limit, no cursor). */
export function csvPath(f: DeviceFilters): string {
  const q = apiQuery(f);
  q.set('format', 'csv');
  return `/devices?${q.toString()}`;
}

/** `devices-ready-A-2026-11-30.csv`: the filters in the name, so two exports of one day stay apart. */
export function csvFileName(f: DeviceFilters, today: string): string {
  const parts = [f.site, f.status, f.grade, f.category, f.donation ? `donation-${f.donation}` : '', f.flag, f.q.trim()]
    .filter(Boolean)
    .map((p) => p.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, ''))
    .filter(Boolean);
  return `devices-${[...parts, today].join('-')}.csv`;
}

/** Whether any filter narrows the list (the order aside). */
export function isFiltered(f: DeviceFilters): boolean {
  return Boolean(f.site || f.status || f.grade || f.category || f.donation || f.flag || f.q.trim());
}

export interface HistoryEvent {
  id: number;
  at: string;
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  actor: { id: number; username: string } | null;
  details: Record<string, unknown>;
}

/** The history as the page shows it: newest first (the API answers oldest first). */
export function newestFirst(events: readonly HistoryEvent[]): HistoryEvent[] {
  return [...events].sort((a, b) => b.id - a.id);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** What an event adds to its name: the drive, the result, the grade, the reason… (the participant is a link of its own, see `participantOf`). */
export function eventDetails(e: HistoryEvent): string[] {
  const d = e.details;
  const out: string[] = [];
  const drive = str(d['storageSerial']) ?? (e.action === 'device.storage_registered' ? str(d['serialNumber']) : null);
  if (drive) out.push(drive);
  const result = str(d['result']);
  if (result) out.push(tOr(`station.result.${result}`, result));
  const grade = str(d['grade']);
  if (grade) out.push(t('station.grade.short', { grade }));
  const outcome = str(d['outcome']);
  if (outcome) out.push(tOr(`station.outcome.${outcome}`, outcome));
  const part = str(d['part']);
  const receiving = str(d['receivingAssetTag']);
  if (receiving) out.push(t('station.event.partTo', { part: part ?? '', tag: receiving }));
  const sources = Array.isArray(d['partsUsed']) ? [...new Set((d['partsUsed'] as Array<{ sourceAssetTag?: unknown }>).map((p) => str(p.sourceAssetTag)).filter((x): x is string => x !== null))] : [];
  if (sources.length > 0) out.push(t('station.event.partsFrom', { tags: sources.join(', ') }));
  const kind = str(d['kind']);
  if (e.action === 'device.issued' && kind) out.push(tOr(`office.participants.kind.${kind}`, kind));
  const due = str(d['dueDate']);
  if (e.action === 'device.issued' && due) out.push(t('office.devices.dueOn', { date: formatDate(due.slice(0, 10)) }));
  const reason = str(d['reason']);
  if (reason) out.push(reason);
  const shipment = d['shipmentId'];
  if (typeof shipment === 'number') out.push(t('office.devices.shipment', { id: shipment }));
  return out;
}

/** The event's name in the chosen language. */
export function eventName(e: HistoryEvent): string {
  return tOr(`station.event.${e.action}`, e.action.replace(/^device\./, '').replace(/_/g, ' '));
}

/** The participant an event names (issue, return), when the history carries it: it does only for roles that may see who held a device. */
export function participantOf(e: HistoryEvent): string | null {
  return str(e.details['participantCode']);
}

/** Who holds an issued device: the participant of its latest issue, when the history names them. */
export function holderOf(device: Pick<Device, 'status'>, events: readonly HistoryEvent[]): string | null {
  if (device.status !== 'issued') return null;
  const issued = newestFirst(events).find((e) => e.action === 'device.issued');
  return issued ? participantOf(issued) : null;
}

/** What the device page offers. */
export interface DeviceOffers {
  /** A link to the issue form. */
  issue: boolean;
  /** A link to the return form. */
  takeBack: boolean;
  recycle: boolean;
  writeOff: boolean;
  /** The asset label: any device, for those who print labels. */
  assetLabel: boolean;
  /** The spec label: the service draws it for a graded device that is ready or issued. */
  specLabel: boolean;
  certificate: boolean;
  /** Links from issue and return events to the participant's page. */
  holders: boolean;
}

/**
 * The lifecycle actions come from the device's `allowedActions`: the service
 * asks its lifecycle table (the status, and for issue whether every drive
 * passed) and the permission map for the caller's role. Documents follow the
 * permission map, and the certificate is offered only when the service would
 * draw one (every drive passed or no storage confirmed, §2 invariant 7).
 */
export function deviceOffers(device: Pick<Device, 'allowedActions' | 'sanitized' | 'status' | 'grade'>, role: Role): DeviceOffers {
  const allowed = (a: Device['allowedActions'][number]) => device.allowedActions.includes(a);
  return {
    issue: allowed('issue'),
    takeBack: allowed('return'),
    recycle: allowed('recycle'),
    writeOff: allowed('write_off'),
    assetLabel: can(role, 'labels:print'),
    specLabel: can(role, 'labels:print') && device.grade !== null && (device.status === 'ready' || device.status === 'issued'),
    certificate: device.sanitized && can(role, 'certificates:read'),
    holders: can(role, 'devices:read-holders'),
  };
}

/** The specs as one line (`i5-8350U · 8 GB RAM · 256 GB · 14" · Linux Mint`), or '' when none were recorded. */
export function specsText(specs: Device['specs']): string {
  return [
    specs.cpu,
    specs.ramGb !== undefined ? t('label.ram', { ram: specs.ramGb }) : undefined,
    specs.storageGb !== undefined ? t('label.storage', { storage: specs.storageGb }) : undefined,
    specs.screenInches !== undefined ? t('office.devices.screen', { inches: specs.screenInches }) : undefined,
    specs.os,
  ]
    .filter(Boolean)
    .join(' · ');
}
