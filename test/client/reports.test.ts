import { describe, expect, it } from 'vitest';
import { customPeriod, periodContaining } from '../../src/client/periods.js';
import { barShares, defaultPeriod, downloadName, DOWNLOADS, labelParams, monthOf, reconciles, reportPath } from '../../src/client/reports.js';

const FY = periodContaining('fiscalYear', '2026-11-30');

describe('the Reports page logic', () => {
  it('opens on the last complete fiscal year: April to March, the one before today’s', () => {
    expect(defaultPeriod('2026-11-30')).toMatchObject({ from: '2025-04-01', to: '2026-03-31' });
    expect(defaultPeriod('2026-03-31')).toMatchObject({ from: '2024-04-01', to: '2025-03-31' });
    expect(defaultPeriod('2026-04-01')).toMatchObject({ from: '2025-04-01', to: '2026-03-31' });
  });

  it('asks the diversion report in each format and the activity report for the period; the inventory takes no period', () => {
    expect(DOWNLOADS.map((d) => reportPath(d, FY))).toEqual([
      '/reports/diversion?from=2026-04-01&to=2027-03-31&format=pdf',
      '/reports/diversion?from=2026-04-01&to=2027-03-31&format=csv',
      '/reports/diversion?from=2026-04-01&to=2027-03-31',
      '/reports/activity?from=2026-04-01&to=2027-03-31',
      '/reports/inventory',
    ]);
  });

  it('asks the diversion PDF in the page’s language (English is the server’s default); the other downloads do not change', () => {
    expect(DOWNLOADS.map((d) => reportPath(d, FY, 'fr'))).toEqual([
      '/reports/diversion?from=2026-04-01&to=2027-03-31&format=pdf&lang=fr',
      '/reports/diversion?from=2026-04-01&to=2027-03-31&format=csv',
      '/reports/diversion?from=2026-04-01&to=2027-03-31',
      '/reports/activity?from=2026-04-01&to=2027-03-31',
      '/reports/inventory',
    ]);
    expect(reportPath(DOWNLOADS[0]!, FY, 'en')).toBe('/reports/diversion?from=2026-04-01&to=2027-03-31&format=pdf');
    // The documents have no pseudo-locale: English.
    expect(reportPath(DOWNLOADS[0]!, FY, 'en-XA')).toBe('/reports/diversion?from=2026-04-01&to=2027-03-31&format=pdf');
  });

  it('saves under the server’s file name when it gives one, else one of the report and period', () => {
    const csv = DOWNLOADS[1]!;
    expect(downloadName(csv, FY, 'attachment; filename="diversion-2026-04-01-to-2027-03-31.csv"')).toBe('diversion-2026-04-01-to-2027-03-31.csv');
    expect(downloadName(DOWNLOADS[3]!, FY, null)).toBe('activity-2026-04-01-to-2027-03-31.json');
    expect(downloadName(DOWNLOADS[4]!, FY, null)).toBe('inventory.json');
  });

  it('fills labels: a fiscal year ends in two digits, a month has its name, custom dates are the language’s dates', () => {
    expect(labelParams(FY, 'en')).toEqual({ start: 2026, end: '27' });
    expect(labelParams(periodContaining('fiscalYear', '2099-05-01'), 'en')).toEqual({ start: 2099, end: '00' });
    expect(labelParams(periodContaining('month', '2026-11-30'), 'en')).toEqual({ year: 2026, month: 'November' });
    expect(labelParams(periodContaining('month', '2026-11-30'), 'fr')).toEqual({ year: 2026, month: 'novembre' });
    const custom = customPeriod('2026-05-01', '2026-06-30');
    if (!custom.ok) throw new Error('refused');
    expect(labelParams(custom.period, 'en')).toEqual({ from: 'May 1, 2026', to: 'Jun 30, 2026' });
  });

  it('reads a month key as its month, and nothing else', () => {
    expect(monthOf('2026-02')).toMatchObject({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthOf('2026-13')).toBeNull();
    expect(monthOf('laptop')).toBeNull();
  });

  it('checks that reused plus recycled, less the devices in both, is the diverted total', () => {
    const b = (units: number, grams: number) => ({ units, grams });
    const totals = { received: b(9, 9), reused: b(3, 300), recycledConfirmed: b(2, 500), recycledPending: b(1, 1), reusedThenRecycled: b(1, 100), diverted: b(4, 700) };
    expect(reconciles(totals)).toBe(true);
    expect(reconciles({ ...totals, diverted: b(5, 800) })).toBe(false);
  });

  it('draws bars as shares of the largest month, none when nothing was diverted', () => {
    expect(barShares([{ key: 'a', grams: 500 }, { key: 'b', grams: 1000 }, { key: 'c', grams: null }]).map((r) => r.share)).toEqual([0.5, 1, 0]);
    expect(barShares([{ key: 'a', grams: 0 }]).map((r) => r.share)).toEqual([0]);
  });
});
