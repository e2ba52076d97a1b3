/**
 * The office's Participants page as data: finding participants, a
 * participant's loans, and the rules of the erase confirmation. No DOM, no
 * fetch: `get` is given.
 *
 * A participant is found through the list (`GET /participants`), never
 * through `GET /participants/:code`: for coordinators and admins that read
 * returns the personal data and is logged, and opening a page must not be a
 * logged read. The list's `code` filter takes a whole code or its beginning.
 */
import type { Problem } from './api.js';
import { tOr } from './i18n.js';
import { readAll, type Get } from './today.js';

/** What the list and a participant's page show (the API's Participant without personal data). */
export interface ParticipantSummary {
  code: string;
  community: { name: string; syllabics: string | null };
  program: string | null;
  cohort: string | null;
  consent: { given: boolean; language: string; date: string };
  personalDataErased: boolean;
  createdAt: string;
}

export interface ParticipantPage {
  items: ParticipantSummary[];
  nextCursor: string | null;
}

/** Participants shown a page at a time. */
export const PAGE_SIZE = 25;

/** The list path for a community filter and a cursor. */
export function listPath(community: string, cursor: string | null, limit = PAGE_SIZE): string {
  const q = new URLSearchParams({ limit: String(limit) });
  if (community.trim()) q.set('community', community.trim());
  if (cursor) q.set('cursor', cursor);
  return `/participants?${q.toString()}`;
}

/** Codes are typed in any case and with stray spaces (`p-000001 `). */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase();
}

/** One participant by code, from the list (not a logged read), or null when there is none. */
export async function findParticipant(get: Get, code: string): Promise<ParticipantSummary | null> {
  const wanted = normalizeCode(code);
  if (!wanted) return null;
  const { items } = await readAll<ParticipantSummary>(get, `/participants?code=${encodeURIComponent(wanted)}`);
  return items.find((p) => p.code === wanted) ?? null;
}

export interface Loan {
  id: number;
  assetTag: string;
  participantCode: string;
  kind: string;
  dueDate: string | null;
  issuedAt: string;
  returnedAt: string | null;
  daysOverdue: number;
}

/** A participant's loans, newest first (the issuance list's `participant` filter). */
export async function loansOf(get: Get, code: string): Promise<{ loans: Loan[]; more: boolean }> {
  const { items, more } = await readAll<Loan>(get, `/issuances?participant=${encodeURIComponent(code)}`);
  const loans = items.filter((i) => i.participantCode === code).sort((a, b) => b.issuedAt.localeCompare(a.issuedAt));
  return { loans, more };
}

/** Erasing is enabled once the participant's code is typed exactly (case and spaces aside). */
export function eraseConfirmed(typed: string, code: string): boolean {
  return normalizeCode(typed) === code;
}

/** The file an export downloads to. */
export function exportFileName(code: string, exportedAt: string): string {
  return `participant-${code}-${exportedAt.slice(0, 10)}.json`;
}

/**
 * The registration form shows consent's language and date as fields of their
 * own: their refusals (`body.consent.language`, `body.consent.date`) are
 * renamed to those fields, and `body.consent.given` stays with the consent box.
 */
export function withConsentFields(problem: Problem): Problem {
  const rename: Record<string, string> = { 'body.consent.language': 'body.language', 'body.consent.date': 'body.consentDate' };
  return problem.errors ? { ...problem, errors: problem.errors.map((e) => ({ ...e, field: rename[e.field] ?? e.field })) } : problem;
}

/** A community as the office writes it: its name, and its syllabics when the list has them. */
export function communityText(c: { name: string; syllabics: string | null }): string {
  return c.syllabics ? `${c.name} (${c.syllabics})` : c.name;
}

/** A consent language's name in the chosen language (`iu` → Inuktitut), or its code when none is known. */
export function languageName(code: string): string {
  return tOr(`office.participants.language.${code}`, code);
}
