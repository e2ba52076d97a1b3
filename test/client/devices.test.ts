/** The DOM-free parts of the office's Devices pages (src/client/devices.ts): filters in the hash, API paths, history, what a device page offers. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  csvFileName,
  csvPath,
  DEFAULT_SORT,
  deviceOffers,
  eventDetails,
  filtersFromHash,
  filtersHash,
  holderOf,
  isFiltered,
  listPath,
  newestFirst,
  NO_FILTERS,
  participantOf,
  SORTS,
  specsText,
  type HistoryEvent,
} from '../../src/client/devices.js';
import { setCurrentLocale } from '../../src/client/i18n.js';
import { pageFromHash, subPathOf } from '../../src/client/office-pages.js';
import { ListDevicesQuery } from '../../src/modules/devices/devices.schemas.js';
import { DEVICE_FLAGS } from '../../src/modules/devices/device-lifecycle.js';
import en from '../../src/locales/en.json' with { type: 'json' };

const event = (id: number, action: string, details: Record<string, unknown> = {}): HistoryEvent => ({
  id,
  at: `2026-11-${String(id).padStart(2, '0')}T15:00:00.000Z`,
  action,
  fromStatus: null,
  toStatus: null,
  actor: { id: 1, username: 'cora' },
  details,
});

afterEach(() => setCurrentLocale('en'));

describe('device filters in the hash', () => {
  it('reads the filters Today links to, and keeps the page and sub-path apart', () => {
    expect(filtersFromHash('#/devices?status=ready&grade=A')).toEqual({ ...NO_FILTERS, status: 'ready', grade: 'A' });
    expect(filtersFromHash('#/devices?flag=recall')).toEqual({ ...NO_FILTERS, flag: 'recall' });
    expect(pageFromHash('#/devices?status=ready', 'staff')).toBe('devices');
    expect(subPathOf('#/devices/IQ-000001-Z')).toBe('IQ-000001-Z');
    expect(subPathOf('#/devices?status=ready')).toBe('');
  });

  it('drops values the API would refuse, so a mistyped link shows the list rather than a refusal', () => {
    expect(filtersFromHash('#/devices?status=lost&grade=E&category=toaster&donation=0&flag=red&sort=make')).toEqual(NO_FILTERS);
    expect(filtersFromHash('#/devices?donation=12abc').donation).toBe('');
    expect(filtersFromHash(`#/devices?q=${'x'.repeat(150)}`).q).toHaveLength(100);
    expect(filtersFromHash('#/devices?q=%20%20thinkpad%20').q).toBe('thinkpad');
  });

  it('writes a hash that reads back the same, leaving out empty filters and the default order', () => {
    const f = { ...NO_FILTERS, status: 'ready', grade: 'A', donation: '3', q: 'think pad' };
    expect(filtersHash(f)).toBe('#/devices?status=ready&grade=A&donation=3&q=think+pad');
    expect(filtersFromHash(filtersHash(f))).toEqual(f);
    expect(filtersHash(NO_FILTERS)).toBe('#/devices');
    expect(filtersHash({ ...NO_FILTERS, sort: 'assetTag' })).toBe('#/devices?sort=assetTag');
    expect(filtersFromHash('#/devices?sort=assetTag').sort).toBe('assetTag');
    expect(DEFAULT_SORT).toBe('-intake');
    // A site (for the roles that see every site) travels in the hash, to the API and into the CSV's name.
    const site = { ...NO_FILTERS, status: 'ready', site: 'kimmirut' };
    expect(filtersHash(site)).toBe('#/devices?status=ready&site=kimmirut');
    expect(filtersFromHash(filtersHash(site))).toEqual(site);
    expect(listPath(site, null)).toBe('/devices?status=ready&site=kimmirut&sort=-intake&limit=50');
    expect(csvFileName(site, '2026-12-02')).toBe('devices-kimmirut-ready-2026-12-02.csv');
    expect(isFiltered({ ...NO_FILTERS, site: 'kimmirut' })).toBe(true);
    expect(filtersFromHash('#/devices?site=Not%20a%20code').site).toBe('');
  });

  it('has words for every order and flag it offers (keys built from data)', () => {
    const keys = [...SORTS.map((x) => `office.devices.sort.${x}`), ...DEVICE_FLAGS.map((x) => `office.devices.flag.${x}`)];
    expect(keys.filter((k) => !(k in en))).toEqual([]);
  });

  it('tells a filtered list from the whole one (the order aside)', () => {
    expect(isFiltered(NO_FILTERS)).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, sort: 'assetTag' })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, q: '  ' })).toBe(false);
    expect(isFiltered({ ...NO_FILTERS, flag: 'recall' })).toBe(true);
  });
});

describe('device list paths', () => {
  const f = { ...NO_FILTERS, status: 'ready', grade: 'A', category: 'laptop', donation: '7', flag: '', q: ' ThinkPad ' };

  it('asks a page with the filters, the order, the limit and the cursor; the API accepts every one', () => {
    const path = listPath(f, 'abc');
    expect(path).toBe('/devices?status=ready&grade=A&category=laptop&donationId=7&q=ThinkPad&sort=-intake&limit=50&cursor=abc');
    const query = Object.fromEntries(new URLSearchParams(path.split('?')[1]));
    expect(ListDevicesQuery.safeParse(query).success).toBe(true);
  });

  it('asks the CSV with the same filters and order, without limit or cursor', () => {
    const path = csvPath(f);
    expect(path).toBe('/devices?status=ready&grade=A&category=laptop&donationId=7&q=ThinkPad&sort=-intake&format=csv');
    expect(ListDevicesQuery.safeParse(Object.fromEntries(new URLSearchParams(path.split('?')[1]))).success).toBe(true);
  });

  it('names the CSV after its filters and the day', () => {
    expect(csvFileName(f, '2026-11-30')).toBe('devices-ready-A-laptop-donation-7-ThinkPad-2026-11-30.csv');
    expect(csvFileName(NO_FILTERS, '2026-11-30')).toBe('devices-2026-11-30.csv');
    expect(csvFileName({ ...NO_FILTERS, q: '../é "x"' }, '2026-11-30')).toBe('devices-x-2026-11-30.csv');
  });
});

describe('a device’s history', () => {
  const events = [
    event(1, 'device.intake'),
    event(2, 'device.sanitization_recorded', { storageSerial: 'S3Z-1', result: 'passed' }),
    event(3, 'device.graded', { grade: 'A' }),
    event(4, 'device.issued', { participantCode: 'P-000042', kind: 'loan', dueDate: '2099-01-31' }),
  ];

  it('is shown newest first', () => {
    expect(newestFirst(events).map((e) => e.id)).toEqual([4, 3, 2, 1]);
    expect(events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
  });

  it('tells each event’s particulars in words', () => {
    expect(eventDetails(events[1]!)).toEqual(['S3Z-1', 'Passed']);
    expect(eventDetails(events[2]!)).toEqual(['grade A']);
    expect(eventDetails(events[3]!)).toEqual(['Loan', 'due Jan 31, 2099']);
    expect(eventDetails(event(5, 'device.written_off', { reason: 'Lost in Kimmirut' }))).toEqual(['Lost in Kimmirut']);
    expect(eventDetails(event(6, 'device.shipped', { shipmentId: 3 }))).toEqual(['shipment 3']);
  });

  it('names the holder of an issued device only where the history carries the participant', () => {
    expect(holderOf({ status: 'issued' }, events)).toBe('P-000042');
    expect(holderOf({ status: 'received' }, events)).toBeNull();
    // As staff read it: the service leaves the participant out.
    const withoutHolder = events.map((e) => ({ ...e, details: Object.fromEntries(Object.entries(e.details).filter(([k]) => k !== 'participantCode')) }));
    expect(holderOf({ status: 'issued' }, withoutHolder)).toBeNull();
    expect(participantOf(events[3]!)).toBe('P-000042');
    // Issued again after a return: the latest issue's participant.
    const again = [...events, event(5, 'device.returned', { participantCode: 'P-000042' }), event(6, 'device.issued', { participantCode: 'P-000043' })];
    expect(holderOf({ status: 'issued' }, again)).toBe('P-000043');
  });
});

describe('what a device page offers', () => {
  const ready = { allowedActions: ['update', 'grade', 'issue', 'recycle', 'write_off'] as const, sanitized: true, status: 'ready' as const, grade: 'A' as const };

  it('follows the actions the service allows the role, and the permission map for documents and holders', () => {
    expect(deviceOffers({ ...ready, allowedActions: ['update', 'grade', 'issue', 'recycle'] }, 'coordinator')).toEqual({
      issue: true,
      takeBack: false,
      recycle: true,
      writeOff: false,
      assetLabel: true,
      specLabel: true,
      certificate: true,
      holders: true,
    });
    expect(deviceOffers({ ...ready, allowedActions: [] }, 'staff')).toEqual({
      issue: false,
      takeBack: false,
      recycle: false,
      writeOff: false,
      assetLabel: false,
      specLabel: false,
      certificate: true,
      holders: false,
    });
    expect(deviceOffers({ ...ready, allowedActions: [...ready.allowedActions] }, 'admin').writeOff).toBe(true);
  });

  it('offers the certificate only for a sanitized device, and the spec label only for a graded one ready or issued', () => {
    expect(deviceOffers({ ...ready, allowedActions: [], sanitized: false }, 'staff').certificate).toBe(false);
    expect(deviceOffers({ ...ready, allowedActions: [], status: 'received', grade: null }, 'coordinator').specLabel).toBe(false);
    expect(deviceOffers({ ...ready, allowedActions: [], status: 'issued' }, 'coordinator').specLabel).toBe(true);
    expect(deviceOffers({ ...ready, allowedActions: [], status: 'awaiting_recycling' }, 'coordinator').specLabel).toBe(false);
  });

  it('writes the specs in one line', () => {
    expect(specsText({ cpu: 'i5-8350U', ramGb: 8, storageGb: 256, screenInches: 14, os: 'Linux Mint 22' })).toBe('i5-8350U · 8 GB RAM · 256 GB storage · 14-inch screen · Linux Mint 22');
    expect(specsText({})).toBe('');
  });
});
