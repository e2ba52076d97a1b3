import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysBetween,
  formatDate,
  formatDateTime,
  formatNumber,
  formatPercent,
  formatWeight,
  intlLocale,
  workshopToday,
} from '../../src/client/format.js';

const NBSP = '\u00a0';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const dateArb = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

describe('formatting for en, fr and iu', () => {
  it('uses the Canadian locales, and en-CA for iu where the runtime has no Inuktitut data', () => {
    expect(intlLocale('en')).toBe('en-CA');
    expect(intlLocale('fr')).toBe('fr-CA');
    const hasIu = Intl.NumberFormat.supportedLocalesOf(['iu']).length > 0 && Intl.DateTimeFormat.supportedLocalesOf(['iu']).length > 0;
    expect(intlLocale('iu')).toBe(hasIu ? 'iu-CA' : 'en-CA');
  });

  it('iu numbers and dates read as en-CA in this Node (its ICU has no iu locale)', () => {
    expect(Intl.NumberFormat.supportedLocalesOf(['iu'])).toEqual([]);
    expect(formatNumber('iu', 1234567.891)).toBe('1,234,567.89');
    expect(formatWeight('iu', 12_345_678)).toBe(formatWeight('en', 12_345_678));
    expect(formatDate('iu', '2026-11-30')).toBe('Nov 30, 2026');
    expect(formatDateTime('iu', '2026-11-30T17:05:00Z')).toBe(formatDateTime('en', '2026-11-30T17:05:00Z'));
  });

  it.each([
    ['en', 1234567.891, '1,234,567.89'],
    // fr-CA (CLDR) groups with a no-break space U+00A0; France's fr uses the narrow U+202F.
    ['fr', 1234567.891, `1${NBSP}234${NBSP}567,89`],
    ['fr', 0.5, '0,5'],
    ['en', 42, '42'],
  ] as const)('number %s %d -> %s', (lang, value, text) => {
    expect(formatNumber(lang, value)).toBe(text);
  });

  it.each([
    ['en', 0, '0 kg'],
    ['en', 350, '0.35 kg'],
    ['en', 12_345, '12.3 kg'],
    ['en', 1_234_567, '1,235 kg'],
    ['en', 9_999_499, '9,999 kg'],
    ['en', 9_999_500, `10${NBSP}t`],
    ['en', 123_456_789, `123.5${NBSP}t`],
    ['fr', 12_345, `12,3${NBSP}kg`],
    ['fr', 1_234_567, `1${NBSP}235${NBSP}kg`],
    ['fr', 12_345_678, `12,3${NBSP}t`],
  ] as const)('weight %s %d g -> %s', (lang, grams, text) => {
    expect(formatWeight(lang, grams)).toBe(text);
  });

  it('percentages', () => {
    expect(formatPercent('en', 0.125)).toBe('12.5%');
    expect(formatPercent('fr', 0.125)).toBe(`12,5${NBSP}%`);
    expect(formatPercent('en', 1)).toBe('100%');
  });

  it.each([
    ['en', '2026-01-01', 'Jan 1, 2026'],
    ['en', '2025-12-31', 'Dec 31, 2025'],
    ['en', '2028-02-29', 'Feb 29, 2028'],
    ['fr', '2026-01-01', '1 janv. 2026'],
    ['fr', '2026-11-30', '30 nov. 2026'],
  ] as const)('calendar date %s %s -> %s', (lang, date, text) => {
    expect(formatDate(lang, date)).toBe(text);
  });

  it('a calendar date shows its own day, month and year, whatever the date', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const [y, m, d] = date.split('-').map(Number) as [number, number, number];
        expect(formatDate('en', date)).toBe(`${MONTHS[m - 1]} ${d}, ${y}`);
      }),
    );
  });

  it('a calendar date does not move a day in a machine zone far from UTC', () => {
    const module = fileURLToPath(new URL('../../src/client/format.ts', import.meta.url));
    const script = `const f = await import(${JSON.stringify(module)}); console.log(JSON.stringify([f.formatDate('en', '2026-01-01'), f.formatDate('fr', '2025-12-31'), f.daysBetween('2026-03-07', '2026-03-09')]));`;
    for (const TZ of ['Pacific/Pago_Pago', 'Pacific/Kiritimati', 'America/Iqaluit']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, TZ }, encoding: 'utf8' });
      expect(JSON.parse(out), TZ).toEqual(['Jan 1, 2026', '31 déc. 2025', 2]);
    }
  });

  it('refuses a malformed calendar date', () => {
    expect(() => formatDate('en', '2026-02-30')).toThrow(RangeError);
    expect(() => formatDate('en', '2026-2-03')).toThrow(RangeError);
    expect(() => daysBetween('2026-01-01', 'soon')).toThrow(RangeError);
  });

  it('date-times are shown on the workshop clock (EST in winter, EDT in summer)', () => {
    expect(formatDateTime('en', '2026-11-30T04:30:00Z')).toBe('Nov 29, 2026, 11:30 p.m.');
    expect(formatDateTime('en', new Date('2026-07-01T04:30:00Z'))).toBe('Jul 1, 2026, 12:30 a.m.');
    expect(formatDateTime('fr', '2026-07-01T04:30:00Z')).toBe('1 juill. 2026, 00 h 30');
    expect(() => formatDateTime('en', 'yesterday')).toThrow(RangeError);
  });

  it("the workshop's today turns at midnight in Iqaluit, not UTC", () => {
    expect(workshopToday(new Date('2026-12-01T04:59:59Z'))).toBe('2026-11-30');
    expect(workshopToday(new Date('2026-12-01T05:00:00Z'))).toBe('2026-12-01');
    expect(workshopToday(new Date('2026-07-01T03:59:59Z'))).toBe('2026-06-30');
  });

  it.each([
    ['2026-11-27', '2026-11-30', 3],
    ['2026-11-30', '2026-11-27', -3],
    ['2026-03-07', '2026-03-09', 2],
    ['2028-02-28', '2028-03-01', 2],
    ['2026-02-28', '2026-03-01', 1],
    ['2025-12-31', '2026-01-01', 1],
  ] as const)('daysBetween(%s, %s) = %d', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });

  it('daysBetween adds up: a to b plus b to c is a to c', () => {
    fc.assert(
      fc.property(dateArb, dateArb, dateArb, (a, b, c) => {
        expect(daysBetween(a, b) + daysBetween(b, c)).toBe(daysBetween(a, c));
      }),
    );
  });
});
