/**
 * A recycler's receipt date is a date on the workshop's calendar
 * (docs/domain.md §6 "Shipment dates"): a shipment that sails in the evening
 * in Iqaluit, already the next day in UTC, may be received that evening.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { receivedAtProblem, shippedAtProblem, siteDate } from '../../src/modules/recycling/shipment-dates.js';

const IQALUIT = 'America/Iqaluit';

describe('shipment dates on the workshop calendar', () => {
  it('a shipment sailing at 19:30 in Iqaluit (00:30 UTC the next day) may be received that evening', () => {
    const s = { shippedAt: '2026-12-01T00:30:00.000Z' };
    const now = new Date('2026-12-01T01:00:00.000Z');
    expect(siteDate(s.shippedAt, IQALUIT)).toBe('2026-11-30');
    expect(receivedAtProblem('2026-11-30', s, now, IQALUIT)).toBeNull();
    // On UTC's calendar the same receipt is a day before the sailing.
    expect(receivedAtProblem('2026-11-30', s, now, 'UTC')).toMatch(/^before the shipment left \(2026-12-01, UTC\)/);
    expect(receivedAtProblem('2026-11-29', s, now, IQALUIT)).toMatch(/^before the shipment left \(2026-11-30/);
  });

  it('"today" is the workshop’s today', () => {
    const s = { shippedAt: '2026-11-20T15:00:00.000Z' };
    const now = new Date('2026-12-01T03:00:00.000Z'); // 22:00 on 30 November in Iqaluit
    expect(receivedAtProblem('2026-11-30', s, now, IQALUIT)).toBeNull();
    expect(receivedAtProblem('2026-12-01', s, now, IQALUIT)).toMatch(/^after today \(2026-11-30, America\/Iqaluit\)/);
    expect(receivedAtProblem('2026-12-01', s, now, 'UTC')).toBeNull();
  });

  it('a correction of the sailing time cannot move it after the receipt on the workshop calendar', () => {
    const s = { createdAt: '2026-11-01T12:00:00.000Z', receivedAt: '2026-11-30' };
    const now = new Date('2026-12-02T00:00:00.000Z');
    expect(shippedAtProblem('2026-12-01T00:30:00.000Z', s, now, IQALUIT)).toBeNull();
    expect(shippedAtProblem('2026-12-01T06:00:00.000Z', s, now, IQALUIT)).toMatch(/^after the recycler received it/);
  });

  it('the sailing day itself is always an acceptable receipt date, in any zone', () => {
    const zones = ['America/Iqaluit', 'America/Cambridge_Bay', 'America/Rankin_Inlet', 'UTC', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
    fc.assert(
      fc.property(fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom(...zones), fc.integer({ min: 0, max: 48 * 3600 }), (shipped, zone, laterSeconds) => {
        const s = { shippedAt: shipped.toISOString() };
        const now = new Date(shipped.getTime() + laterSeconds * 1000);
        const day = siteDate(shipped, zone);
        expect(receivedAtProblem(day, s, now, zone)).toBeNull();
        expect(receivedAtProblem(siteDate(now, zone), s, now, zone)).toBeNull();
      }),
    );
  });
});
