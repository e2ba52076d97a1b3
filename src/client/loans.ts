/**
 * The office's Loans page and its issue and return forms as data: which
 * active issuances are overdue (and by how many days), which are due this
 * week, the issue form's defaults and body, and finding a participant to
 * issue to. No DOM, no fetch: `get` is given.
 *
 * "Today" is the calendar date where the office is (the browser's zone):
 * a loan due on the 10th is one day overdue from the office's morning of the
 * 11th, whatever the hour in UTC.
 */
import type { z } from 'zod';
import type { Issuance as IssuanceSchema } from '../modules/issuance/issuance.schemas.js';
import { daysBetween } from './format.js';
import { normalizeCode, type ParticipantPage, type ParticipantSummary } from './participants.js';
import { dueWithinWeek, readAll, type Get } from './today.js';

export type Issuance = z.infer<typeof IssuanceSchema>;

/** Days a loan runs unless the coordinator picks another due date: a 12-week course and a few days to bring it back. */
export const DEFAULT_LOAN_DAYS = 90;

/** Participants a search shows at most. */
export const SEARCH_LIMIT = 25;

/** The calendar date (YYYY-MM-DD) at `now` in `timeZone` (the runtime's own zone when none is given). */
export function calendarDate(now: Date, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A calendar date `days` later (or earlier, when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days an open loan is past its due date on `today` (0 on the due date itself, for gifts, and for returned loans). */
export function daysOverdue(i: Pick<Issuance, 'kind' | 'dueDate' | 'returnedAt'>, today: string): number {
  if (i.kind !== 'loan' || !i.dueDate || i.returnedAt) return 0;
  return Math.max(0, daysBetween(i.dueDate.slice(0, 10), today));
}

export interface LoanGroups {
  /** Most days overdue first. */
  overdue: Array<{ issuance: Issuance; days: number }>;
  /** Loans due from today through the seventh day after (as Today counts them), soonest first. */
  dueThisWeek: Issuance[];
  /** Every other issuance still out: loans due later, and gifts; soonest due first, gifts last. */
  other: Issuance[];
}

/** The active issuances in the page's three groups; each issuance is in exactly one. */
export function groupLoans(active: readonly Issuance[], today: string): LoanGroups {
  const groups: LoanGroups = { overdue: [], dueThisWeek: [], other: [] };
  for (const i of active) {
    if (i.returnedAt) continue;
    const days = daysOverdue(i, today);
    if (days > 0) groups.overdue.push({ issuance: i, days });
    else if (i.kind === 'loan' && dueWithinWeek(i.dueDate, today)) groups.dueThisWeek.push(i);
    else groups.other.push(i);
  }
  const byDue = (a: Issuance, b: Issuance) => (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') || a.id - b.id;
  groups.overdue.sort((a, b) => b.days - a.days || a.issuance.id - b.issuance.id);
  groups.dueThisWeek.sort(byDue);
  groups.other.sort(byDue);
  return groups;
}

/** Every active issuance (one list read page by page; the groups are made here with the office's date). */
export function activeIssuances(get: Get): Promise<{ items: Issuance[]; more: boolean }> {
  return readAll<Issuance>(get, '/issuances?status=active');
}

/** Codes are letters, digits and hyphens: anything else typed in the search is a community. */
const CODE_SHAPED = /^[A-Za-z0-9-]+$/;

/** The list reads a participant search makes: by code (whole or its beginning) when the words could be one, and by community. */
export function searchPaths(words: string): string[] {
  const q = words.trim();
  if (!q) return [];
  const paths: string[] = [];
  if (CODE_SHAPED.test(q)) paths.push(`/participants?${new URLSearchParams({ code: normalizeCode(q), limit: String(SEARCH_LIMIT) }).toString()}`);
  paths.push(`/participants?${new URLSearchParams({ community: q, limit: String(SEARCH_LIMIT) }).toString()}`);
  return paths;
}

/** Participants matching the words by code or by community, each once, by code; `more` when a list had more than a page. */
export async function searchParticipants(get: Get, words: string): Promise<{ items: ParticipantSummary[]; more: boolean }> {
  const pages = await Promise.all(searchPaths(words).map((p) => get<ParticipantPage>(p)));
  const byCode = new Map<string, ParticipantSummary>();
  for (const page of pages) for (const p of page.items) byCode.set(p.code, p);
  return { items: [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code)), more: pages.some((p) => p.nextCursor !== null) };
}

export interface IssueDraft {
  participantCode: string;
  kind: 'loan' | 'gift';
  dueDate: string;
  /** As typed: comma-separated. */
  accessories: string;
  agreementAccepted: boolean;
  agreementLanguage: string;
  overrideReason: string;
  overrideNote: string;
}

export function emptyIssueDraft(today: string, participantCode = ''): IssueDraft {
  return {
    participantCode,
    kind: 'loan',
    dueDate: addDays(today, DEFAULT_LOAN_DAYS),
    accessories: '',
    agreementAccepted: false,
    agreementLanguage: 'iu',
    overrideReason: '',
    overrideNote: '',
  };
}

/** The body of POST /devices/:tag/issue: a gift sends no due date, empty optional fields are left out. */
export function issueBody(d: IssueDraft): Record<string, unknown> {
  const accessories = d.accessories
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  return {
    participantCode: d.participantCode,
    kind: d.kind,
    dueDate: d.kind === 'loan' ? d.dueDate : undefined,
    accessories: accessories.length > 0 ? accessories : undefined,
    agreementAccepted: d.agreementAccepted,
    agreementLanguage: d.agreementLanguage,
    overrideReason: d.overrideReason || undefined,
    overrideNote: d.overrideNote.trim() || undefined,
  };
}

/** Who holds an issued device, from its history (`device.issued` events carry the code for roles that may see holders). */
export interface Holder {
  participantCode: string;
  community: string | null;
  kind: string | null;
  dueDate: string | null;
  at: string;
}

export function holderOf(events: ReadonlyArray<{ action: string; at: string; details: Record<string, unknown> }>): Holder | null {
  const last = [...events].reverse().find((e) => e.action === 'device.issued' || e.action === 'device.returned');
  if (!last || last.action !== 'device.issued' || typeof last.details['participantCode'] !== 'string') return null;
  const text = (k: string): string | null => {
    const v = last.details[k];
    return typeof v === 'string' ? v : null;
  };
  return { participantCode: last.details['participantCode'], community: text('community'), kind: text('kind'), dueDate: text('dueDate'), at: last.at };
}
