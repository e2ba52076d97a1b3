/**
 * The Donations pages' logic, without the DOM: the list and device paths,
 * the body a new donation is sent as, where the service's refusals of the
 * contact go, and received against expected. Tested in Node
 * (test/client/donations.test.ts).
 */
import type { Problem } from './api.js';

export const DONOR_TYPES = ['business', 'government', 'school', 'individual', 'other'] as const;

export interface Donation {
  id: number;
  /** The code of the site that took it in. */
  site: string;
  donorName: string;
  donorType: (typeof DONOR_TYPES)[number];
  receivedAt: string;
  notes: string | null;
  deviceCount: number;
  expectedDevices: number | null;
  contact: { name: string; email: string | null; phone: string | null } | null;
  createdAt: string;
  /** The donor's asset list: devices listed, received (a device with the serial on this donation) and missing; null without a list. */
  assetList: { expected: number; received: number; missing: number } | null;
}

/** One device of a donor's asset list (GET /donations/{id}/asset-list). */
export interface AssetListEntry {
  serialNumber: string;
  category: string | null;
  make: string | null;
  model: string | null;
  donorAssetTag: string | null;
  line: number;
  /** The asset tag it was received as; null while missing. */
  receivedAs: string | null;
}

export interface DonationPage {
  items: Donation[];
  nextCursor: string | null;
}

export interface DonatedDevice {
  assetTag: string;
  category: string;
  make: string;
  model: string;
  status: string;
  weightGrams: number;
}

/** The page size of the lists the pages read. */
export const PAGE_SIZE = 25;

/** A page of GET /donations; `site`: one site's code for the roles that see every site. */
export const donationsPath = (cursor: string | null, site = ''): string =>
  `/donations?${new URLSearchParams({ limit: String(PAGE_SIZE), ...(cursor ? { cursor } : {}), ...(site ? { site } : {}) }).toString()}`;

/** The devices taken in against a donation: GET /devices has a `donationId` filter. */
export const donationDevicesPath = (id: number, cursor: string | null): string =>
  `/devices?${new URLSearchParams({ donationId: String(id), limit: '100', ...(cursor ? { cursor } : {}) }).toString()}`;

export interface DonationDraft {
  donorName: string;
  donorType: string;
  receivedAt: string;
  expectedDevices: string;
  notes: string;
  contactName: string;
  contactEmail: string;
  contactPhone: string;
}

export const emptyDonation = (today: string): DonationDraft => ({
  donorName: '',
  donorType: 'business',
  receivedAt: today,
  expectedDevices: '',
  notes: '',
  contactName: '',
  contactEmail: '',
  contactPhone: '',
});

/** The form's fields, as the refusals are placed (`body.contact.email` beside the contact's email). */
export const DONATION_FIELDS = ['donorName', 'donorType', 'receivedAt', 'expectedDevices', 'notes', 'contactName', 'contactEmail', 'contactPhone', 'contact'] as const;

/**
 * The body of POST /donations. Empty optional fields are left out; a number
 * that is not a whole number is sent as typed, so that the service refuses it
 * in its own words beside the field; the contact goes only when something of
 * it was typed (the service then wants a name and an email or a phone).
 */
export function donationBody(d: DonationDraft): Record<string, unknown> {
  const optional = (v: string) => (v.trim() ? v.trim() : undefined);
  const expected = d.expectedDevices.trim();
  const contactGiven = [d.contactName, d.contactEmail, d.contactPhone].some((v) => v.trim());
  return {
    donorName: d.donorName,
    donorType: d.donorType,
    receivedAt: d.receivedAt,
    expectedDevices: expected === '' ? undefined : /^-?\d+$/.test(expected) ? Number(expected) : expected,
    notes: optional(d.notes),
    contact: contactGiven ? { name: d.contactName.trim(), email: optional(d.contactEmail), phone: optional(d.contactPhone) } : undefined,
  };
}

/** The contact's refusals named as the form's fields (`body.contact.email` → `contactEmail`), so that each sits beside its own field. */
export function withContactFields(problem: Problem): Problem {
  const rename: Record<string, string> = { 'body.contact.name': 'body.contactName', 'body.contact.email': 'body.contactEmail', 'body.contact.phone': 'body.contactPhone' };
  return { ...problem, errors: problem.errors?.map((e) => ({ ...e, field: rename[e.field] ?? e.field })) };
}

/** Received against expected, for the list and the page: `{ received, expected }`, or only received when nothing was announced; `complete` once received reaches expected. */
export function receivedOf(d: Pick<Donation, 'deviceCount' | 'expectedDevices'>): { received: number; expected: number | null; complete: boolean } {
  return { received: d.deviceCount, expected: d.expectedDevices, complete: d.expectedDevices !== null && d.deviceCount >= d.expectedDevices };
}

/** The certificate's file name when the service does not give one. */
export const certificateName = (id: number): string => `donation-${id}-certificate.pdf`;

