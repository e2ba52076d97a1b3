import { describe, expect, it } from 'vitest';
import { bulkBody, confirmBody, gramsOf, scannedCode, shipmentsPath, wholeOf } from '../../src/client/recycling.js';

describe('the Recycling pages logic', () => {
  it('lists shipments by the status the hash names, all for anything else', () => {
    expect(shipmentsPath('shipped')).toBe('/shipments?status=shipped');
    expect(shipmentsPath('confirmed')).toBe('/shipments?status=confirmed');
    expect(shipmentsPath(null)).toBe('/shipments');
    expect(shipmentsPath('lost')).toBe('/shipments');
    expect(shipmentsPath('shipped', 'kimmirut')).toBe('/shipments?status=shipped&site=kimmirut');
    expect(shipmentsPath(null, 'kimmirut')).toBe('/shipments?site=kimmirut');
  });

  it('takes kilograms as typed at a desk and keeps integer grams', () => {
    expect(gramsOf('45')).toBe(45_000);
    expect(gramsOf('45.5')).toBe(45_500);
    expect(gramsOf('45,5')).toBe(45_500);
    expect(gramsOf('1 234,5')).toBe(1_234_500);
    expect(gramsOf('0.0015')).toBe(2);
    expect(gramsOf('')).toBeUndefined();
    expect(gramsOf(' forty ')).toBe('forty');
    expect(wholeOf('3')).toBe(3);
    expect(wholeOf('')).toBeUndefined();
    expect(wholeOf('2.5')).toBe('2.5');
  });

  it('builds the bulk line and confirmation bodies the service reads', () => {
    expect(bulkBody({ category: 'CRT monitors', weightKg: '45', units: '3' })).toEqual({ category: 'CRT monitors', weightGrams: 45_000, units: 3 });
    expect(bulkBody({ category: 'cables', weightKg: '', units: '' })).toEqual({ category: 'cables', weightGrams: null, units: undefined });
    expect(confirmBody({ certificateNumber: '', receivedAt: '2026-11-30', receivedWeightKg: '52.5' })).toEqual({ certificateNumber: '', receivedAt: '2026-11-30', receivedWeightGrams: 52_500 });
  });

  it('takes a scanned code as typed, without the spaces around it', () => {
    expect(scannedCode('  IQ-000001-Z \n')).toBe('IQ-000001-Z');
  });
});
