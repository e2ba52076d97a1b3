/**
 * The Recycling pages' logic, without the DOM: shipment paths and statuses,
 * kilograms typed at a desk as the integer grams the service keeps, the
 * bodies of a bulk line and a confirmation, and what a scan said. Tested in
 * Node (test/client/recycling.test.ts).
 */
import type { Problem } from './api.js';

export const SHIPMENT_STATUSES = ['open', 'shipped', 'confirmed'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];
export const SHIPMENT_MODES = ['sealift', 'air', 'road'] as const;
export const CERTIFICATIONS = ['R2', 'e-Stewards', 'other', 'none'] as const;

export interface Recycler {
  id: number;
  name: string;
  certification: (typeof CERTIFICATIONS)[number];
  certificateExpiry: string | null;
  address: string | null;
  createdAt: string;
}

export interface Shipment {
  id: number;
  /** The code of the site it leaves from. */
  site: string;
  recycler: Recycler;
  mode: (typeof SHIPMENT_MODES)[number];
  carrier: string | null;
  containerNumber: string | null;
  sealNumber: string | null;
  billOfLading: string | null;
  status: ShipmentStatus;
  createdAt: string;
  shippedAt: string | null;
  confirmedAt: string | null;
  certificateNumber: string | null;
  receivedAt: string | null;
  receivedWeightGrams: number | null;
  devices: Array<{ assetTag: string; category: string; weightGrams: number; weightSource: string }>;
  bulkLines: Array<{ id: number; category: string; weightGrams: number; units: number | null }>;
  totals: { deviceUnits: number; deviceGrams: number; bulkGrams: number; grams: number };
}

export function isShipmentStatus(v: string | null): v is ShipmentStatus {
  return v !== null && (SHIPMENT_STATUSES as readonly string[]).includes(v);
}

/** GET /shipments, filtered by the status the hash names (`#/recycling?status=shipped`, linked from Today); any other value lists all. */
/** GET /shipments under a status filter; `site`: one site's code for the roles that see every site. */
export function shipmentsPath(status: string | null, site = ''): string {
  const q = new URLSearchParams();
  if (isShipmentStatus(status)) q.set('status', status);
  if (site) q.set('site', site);
  const query = q.toString();
  return query ? `/shipments?${query}` : '/shipments';
}

/**
 * Kilograms as typed (`45`, `45.5`, `45,5` in French, spaces between
 * thousands) as integer grams; text that is not a number is returned as it
 * is, so that the service refuses it beside the field in its own words, and
 * an empty field is undefined.
 */
export function gramsOf(kg: string): number | string | undefined {
  const text = kg.trim().replace(/[\s\u00a0\u202f]/g, '').replace(',', '.');
  if (text === '') return undefined;
  if (!/^-?\d+(\.\d+)?$/.test(text)) return kg.trim();
  return Math.round(Number(text) * 1000);
}

/** A whole number as typed, or the text itself for the service to refuse, or undefined when empty. */
export function wholeOf(v: string): number | string | undefined {
  const text = v.trim();
  if (text === '') return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

export interface BulkDraft {
  category: string;
  weightKg: string;
  units: string;
}

export const bulkBody = (d: BulkDraft): Record<string, unknown> => ({ category: d.category, weightGrams: gramsOf(d.weightKg) ?? null, units: wholeOf(d.units) });

export interface ConfirmDraft {
  certificateNumber: string;
  receivedAt: string;
  receivedWeightKg: string;
}

export const confirmBody = (d: ConfirmDraft): Record<string, unknown> => ({
  certificateNumber: d.certificateNumber,
  receivedAt: d.receivedAt,
  receivedWeightGrams: gramsOf(d.receivedWeightKg),
});

/** The form fields the service's refusals are placed beside (the body's own names). */
export const BULK_FIELDS = ['category', 'weightGrams', 'units'] as const;
export const CONFIRM_FIELDS = ['certificateNumber', 'receivedAt', 'receivedWeightGrams'] as const;
export const SHIPMENT_FIELDS = ['recyclerId', 'mode', 'carrier', 'containerNumber', 'sealNumber', 'billOfLading'] as const;
export const RECYCLER_FIELDS = ['name', 'certification', 'certificateExpiry', 'address'] as const;

/** A scanned code as the field got it: a USB scanner types the tag and Enter; spaces around it are dropped, nothing else is changed (the service resolves tags and URLs ending in one). */
export const scannedCode = (typed: string): string => typed.trim();

/** One line of the scan log: which code, and what the service said. */
export interface ScanResult {
  code: string;
  ok: boolean;
  /** The service's words for a refusal. */
  detail: string | null;
}

export const scanResultOf = (code: string, refusal: Problem | null): ScanResult => ({ code, ok: refusal === null, detail: refusal ? refusal.detail : null });

/** The manifest's file name when the service does not give one. */
export const manifestName = (id: number): string => `manifest-${id}.pdf`;
