/** The Transfers and site pieces of the office, without the DOM (src/client/transfers.ts, src/client/sites.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { offersSitePick, siteFromQuery, siteName, type SiteSummary } from '../../src/client/sites.js';
import {
  DEFAULT_TRANSFER_FILTERS,
  deviceVisible,
  directionFor,
  lineCounts,
  tagsFromText,
  transferActions,
  transferFiltersFromHash,
  transferFiltersHash,
  transfersPath,
  type Transfer,
} from '../../src/client/transfers.js';
import { ROLES } from '../../src/modules/auth/permissions.js';

const SITES: SiteSummary[] = [
  { code: 'iqaluit', name: 'Iqaluit', nameSyllabics: 'ᐃᖃᓗᐃᑦ' },
  { code: 'kimmirut', name: 'Kimmirut', nameSyllabics: null },
];
const HOME = { siteCode: 'iqaluit', siteName: 'Iqaluit workshop' };

const line = (assetTag: string, state: Transfer['devices'][number]['state']): Transfer['devices'][number] => ({
  assetTag,
  category: 'laptop',
  make: 'Lenovo',
  model: 'T480',
  fromStatus: 'ready',
  state,
  settledAt: state === 'in_transit' ? null : '2026-12-01T15:00:00.000Z',
});

describe('sites as the pages name them', () => {
  it("names a site from the list, the server's own from the page's configuration until the list is read, any other by its code", () => {
    expect(siteName('kimmirut', SITES, HOME)).toBe('Kimmirut');
    expect(siteName('iqaluit', SITES, HOME)).toBe('Iqaluit');
    expect(siteName('iqaluit', null, HOME)).toBe('Iqaluit workshop');
    expect(siteName('kimmirut', null, HOME)).toBe('kimmirut');
    expect(siteName('arviat', SITES, HOME)).toBe('arviat');
  });

  it('offers a site filter to the roles that see every site, when there is more than one site', () => {
    for (const role of ROLES) expect(offersSitePick(role, SITES)).toBe(role === 'admin' || role === 'program');
    expect(offersSitePick('admin', SITES.slice(0, 1))).toBe(false);
    expect(offersSitePick('admin', null)).toBe(false);
  });

  it("keeps a known site's code from the hash, and drops anything else", () => {
    expect(siteFromQuery('kimmirut', SITES)).toBe('kimmirut');
    expect(siteFromQuery('arviat', SITES)).toBe('');
    expect(siteFromQuery(null, SITES)).toBe('');
    // Before the list is read, a code of the right shape stays (the server names an unknown one).
    expect(siteFromQuery('arviat', null)).toBe('arviat');
    expect(siteFromQuery('Arviat!', null)).toBe('');
    expect(siteFromQuery('x'.repeat(40), null)).toBe('');
  });
});

describe('the Transfers page logic', () => {
  it('opens on the open transfers; filters round-trip through the hash', () => {
    expect(transferFiltersFromHash('#/transfers', SITES)).toEqual(DEFAULT_TRANSFER_FILTERS);
    expect(transferFiltersFromHash('#/transfers?direction=in&status=closed&site=kimmirut', SITES)).toEqual({ direction: 'in', status: 'closed', site: 'kimmirut' });
    expect(transferFiltersFromHash('#/transfers?status=any', SITES).status).toBe('');
    expect(transferFiltersFromHash('#/transfers?direction=up&status=lost&site=nowhere', SITES)).toEqual(DEFAULT_TRANSFER_FILTERS);
    fc.assert(
      fc.property(fc.constantFrom('', 'in', 'out'), fc.constantFrom('', 'open', 'closed'), fc.constantFrom('', 'iqaluit', 'kimmirut'), (direction, status, site) => {
        const f = { direction, status, site } as const;
        expect(transferFiltersFromHash(transferFiltersHash(f), SITES)).toEqual(f);
      }),
    );
    expect(transferFiltersHash(DEFAULT_TRANSFER_FILTERS)).toBe('#/transfers');
  });

  it('asks the API for what the filters say', () => {
    expect(transfersPath(DEFAULT_TRANSFER_FILTERS)).toBe('/transfers?status=open&limit=200');
    expect(transfersPath({ direction: 'out', status: '', site: 'kimmirut' })).toBe('/transfers?direction=out&site=kimmirut&limit=200');
  });

  it('says which way a transfer goes for the site in view', () => {
    const x = { fromSite: 'iqaluit', toSite: 'kimmirut' };
    expect(directionFor(x, 'kimmirut')).toBe('in');
    expect(directionFor(x, 'iqaluit')).toBe('out');
    expect(directionFor(x, 'arviat')).toBeNull();
    expect(directionFor(x, null)).toBeNull();
  });

  it('counts where the devices are', () => {
    expect(lineCounts({ devices: [line('A', 'in_transit'), line('B', 'received'), line('C', 'received'), line('D', 'written_off')] })).toEqual({ in_transit: 1, received: 2, cancelled: 0, written_off: 1 });
  });

  it('offers receipt at the destination and call-back at the sender, while open, to roles that transfer', () => {
    const open = { fromSite: 'iqaluit', toSite: 'kimmirut', status: 'open' } as const;
    expect(transferActions(open, { role: 'coordinator', site: 'kimmirut' })).toEqual({ receive: true, cancel: false });
    expect(transferActions(open, { role: 'coordinator', site: 'iqaluit' })).toEqual({ receive: false, cancel: true });
    expect(transferActions(open, { role: 'admin', site: 'iqaluit' })).toEqual({ receive: true, cancel: true });
    for (const role of ['trainee', 'staff', 'program', 'translator'] as const) expect(transferActions(open, { role, site: 'kimmirut' })).toEqual({ receive: false, cancel: false });
    expect(transferActions({ ...open, status: 'closed' }, { role: 'admin', site: 'iqaluit' })).toEqual({ receive: false, cancel: false });
  });

  it("links a device only for those who see it where it is now: received at the destination, otherwise at the sender's", () => {
    const x = { fromSite: 'iqaluit', toSite: 'kimmirut' };
    for (const state of ['in_transit', 'cancelled', 'written_off'] as const) {
      expect(deviceVisible(x, { state }, { role: 'coordinator', site: 'iqaluit' }), state).toBe(true);
      expect(deviceVisible(x, { state }, { role: 'coordinator', site: 'kimmirut' }), state).toBe(false);
    }
    expect(deviceVisible(x, { state: 'received' }, { role: 'staff', site: 'kimmirut' })).toBe(true);
    expect(deviceVisible(x, { state: 'received' }, { role: 'staff', site: 'iqaluit' })).toBe(false);
    for (const role of ['admin', 'program'] as const) expect(deviceVisible(x, { state: 'in_transit' }, { role, site: 'arviat' })).toBe(true);
  });

  it('reads the tags of a box one a line, or between commas and spaces, each once', () => {
    expect(tagsFromText('IQ-000001-7\r\nIQ-000002-5\n\n  IQ-000001-7 ,IQ-000003-3;IQ-000004-1\t')).toEqual(['IQ-000001-7', 'IQ-000002-5', 'IQ-000003-3', 'IQ-000004-1']);
    expect(tagsFromText(' \n ')).toEqual([]);
  });
});
