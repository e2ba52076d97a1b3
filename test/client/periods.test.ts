import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PERIOD_BOUNDS as SERVER_BOUNDS, PeriodQuery } from '../../src/modules/reports/reports.schemas.js';
import {
  PERIOD_BOUNDS,
  PERIOD_KINDS,
  currentPeriod,
  customPeriod,
  periodContaining,
  periodsFor,
  previousPeriod,
  shiftPeriod,
} from '../../src/client/periods.js';

/** Calendar dates inside the server's bounds, as YYYY-MM-DD. */
const dateArb = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const kindArb = fc.constantFrom(...PERIOD_KINDS);
const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

describe('report periods', () => {
  it('repeats the server bounds exactly', () => {
    expect(PERIOD_BOUNDS).toEqual(SERVER_BOUNDS);
  });

  it.each([
    ['fiscalYear', '2026-03-31', '2025-04-01', '2026-03-31', { start: 2025, end: 2026 }],
    ['fiscalYear', '2026-04-01', '2026-04-01', '2027-03-31', { start: 2026, end: 2027 }],
    ['fiscalYear', '2026-01-01', '2025-04-01', '2026-03-31', { start: 2025, end: 2026 }],
    ['fiscalQuarter', '2026-02-15', '2026-01-01', '2026-03-31', { start: 2025, end: 2026, quarter: 4 }],
    ['fiscalQuarter', '2025-04-01', '2025-04-01', '2025-06-30', { start: 2025, end: 2026, quarter: 1 }],
    ['fiscalQuarter', '2025-12-31', '2025-10-01', '2025-12-31', { start: 2025, end: 2026, quarter: 3 }],
    ['calendarYear', '2026-12-31', '2026-01-01', '2026-12-31', { year: 2026 }],
    ['calendarYear', '2027-01-01', '2027-01-01', '2027-12-31', { year: 2027 }],
    ['calendarQuarter', '2028-02-29', '2028-01-01', '2028-03-31', { year: 2028, quarter: 1 }],
    ['calendarQuarter', '2026-11-30', '2026-10-01', '2026-12-31', { year: 2026, quarter: 4 }],
    ['month', '2028-02-10', '2028-02-01', '2028-02-29', { year: 2028, month: 2 }],
    ['month', '2026-02-10', '2026-02-01', '2026-02-28', { year: 2026, month: 2 }],
    ['month', '2100-02-01', '2100-02-01', '2100-02-28', { year: 2100, month: 2 }],
    ['month', '2000-02-01', '2000-02-01', '2000-02-29', { year: 2000, month: 2 }],
  ] as const)('%s containing %s is %s..%s', (kind, date, from, to, params) => {
    expect(periodContaining(kind, date)).toEqual({ kind, from, to, key: `period.${kind}`, params });
  });

  it('current, previous and the last N, newest first, cross year boundaries', () => {
    expect(currentPeriod('fiscalYear', '2026-11-30').params).toEqual({ start: 2026, end: 2027 });
    expect(previousPeriod('fiscalYear', '2026-11-30')).toMatchObject({ from: '2025-04-01', to: '2026-03-31' });
    expect(previousPeriod('month', '2027-01-05')).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
    expect(previousPeriod('calendarQuarter', '2027-01-05')).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(periodsFor('fiscalQuarter', '2026-04-02', 3).map((p) => [p.from, p.params.quarter])).toEqual([
      ['2026-04-01', 1],
      ['2026-01-01', 4],
      ['2025-10-01', 3],
    ]);
  });

  it('lists no period that starts before the server accepts dates', () => {
    expect(periodsFor('calendarYear', '2001-06-01', 5).map((p) => p.from)).toEqual(['2001-01-01', '2000-01-01']);
    expect(periodsFor('fiscalYear', '2001-06-01', 5).map((p) => p.from)).toEqual(['2001-04-01', '2000-04-01']);
  });

  it('refuses a malformed date', () => {
    expect(() => periodContaining('month', '2026-02-30')).toThrow(RangeError);
    expect(() => periodContaining('month', '2026-1-01')).toThrow(RangeError);
  });

  it('periods of one kind tile the calendar: adjacent, no gap, no overlap, from <= to', () => {
    fc.assert(
      fc.property(kindArb, dateArb, (kind, date) => {
        const p = periodContaining(kind, date);
        const next = shiftPeriod(kind, date, 1);
        expect(p.from <= p.to).toBe(true);
        expect(next.from).toBe(nextDay(p.to));
        expect(shiftPeriod(kind, next.from, -1)).toEqual(p);
      }),
    );
  });

  it('every date lies in exactly one period of each kind', () => {
    fc.assert(
      fc.property(kindArb, dateArb, fc.integer({ min: -3, max: 3 }), (kind, date, n) => {
        const p = shiftPeriod(kind, date, n);
        const inside = p.from <= date && date <= p.to;
        expect(inside).toBe(n === 0);
        // Every day of the period points back to it.
        expect(periodContaining(kind, p.from)).toEqual(p);
        expect(periodContaining(kind, p.to)).toEqual(p);
      }),
    );
  });

  it('periodsFor lists consecutive periods, newest first, the current one first', () => {
    fc.assert(
      fc.property(kindArb, dateArb, fc.integer({ min: 1, max: 12 }), (kind, today, count) => {
        const list = periodsFor(kind, today, count);
        expect(list.length).toBeLessThanOrEqual(count);
        if (list[0]) expect(list[0]).toEqual(currentPeriod(kind, today));
        for (let i = 1; i < list.length; i++) expect(nextDay(list[i]!.to)).toBe(list[i - 1]!.from);
      }),
    );
  });

  it('a custom period is accepted exactly when the server would accept it', () => {
    const near = fc.oneof(
      dateArb,
      fc.constantFrom('1999-12-31', '2000-01-01', '2100-12-31', '2101-01-01', '2026-02-29', '2028-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-05-00', '2026-5-01', ' 2026-05-01', '2026-05-01T00:00'),
      fc.string({ maxLength: 12 }),
      // Near misses: years around the bounds, month 0 or 13, day 0 or 32.
      fc.tuple(fc.oneof(fc.integer({ min: 1995, max: 2105 }), fc.integer({ min: 0, max: 9999 })), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 })).map(
        ([y, m, d]) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      ),
    );
    fc.assert(
      fc.property(near, near, (from, to) => {
        const mine = customPeriod(from, to);
        expect(mine.ok).toBe(PeriodQuery.safeParse({ from, to }).success);
        if (mine.ok) expect(mine.period).toMatchObject({ kind: 'custom', from, to, key: 'period.custom' });
      }),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['2026-12-01', '2026-11-01', [{ field: 'from', code: 'from_after_to' }]],
    ['1999-12-31', '2026-01-01', [{ field: 'from', code: 'out_of_range' }]],
    ['2026-01-01', '2026-02-30', [{ field: 'to', code: 'invalid_date' }]],
  ] as const)('custom %s..%s is refused with its reason', (from, to, errors) => {
    expect(customPeriod(from, to)).toEqual({ ok: false, errors });
  });
});
