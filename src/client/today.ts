/**
 * The office's landing page as data: what needs someone's attention today,
 * counted from the public API. Each figure is read only when the role holds
 * the permission its endpoint needs; each is read on its own, so one refusal
 * or slow list leaves the others standing. No DOM, no fetch: `get` is given.
 */
import { can, type Permission, type Role } from '../modules/auth/permissions.js';

/** GET of a path under /api/v1, answering the parsed JSON (or throwing api.Refused / api.Unreachable). */
export type Get = <T>(path: string) => Promise<T>;

/** A count; `more` when the lists ran past what is worth reading for a landing page. */
export interface Count {
  n: number;
  more: boolean;
}

export interface StatusRow {
  status: string;
  units: number;
  grams: number;
}

export interface Today {
  byStatus: StatusRow[];
  readyByGrade: Array<{ grade: string; units: number }>;
  loansOverdue: Count;
  dueThisWeek: Count;
  pendingChecks: Count;
  recall: Count;
  shippedUnconfirmed: Count;
  unknownCodes: Count;
}

export type TodayKey = keyof Today;

/** What each figure needs, in the order the page shows them. */
export const TODAY_FIGURES: ReadonlyArray<{ key: TodayKey; permission: Permission }> = [
  { key: 'byStatus', permission: 'reports:read' },
  { key: 'readyByGrade', permission: 'devices:read' },
  { key: 'loansOverdue', permission: 'issuances:read' },
  { key: 'dueThisWeek', permission: 'issuances:read' },
  { key: 'pendingChecks', permission: 'verifications:read' },
  { key: 'recall', permission: 'devices:read' },
  { key: 'shippedUnconfirmed', permission: 'shipments:read' },
  { key: 'unknownCodes', permission: 'scans:read' },
];

/** Pages of 500 read at most per list: 10 000 items is more than a workshop's landing page needs to count exactly. */
const MAX_PAGES = 20;

interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/** Every item of a paginated list (up to MAX_PAGES pages), and whether more were left. */
export async function readAll<T>(get: Get, path: string): Promise<{ items: T[]; more: boolean }> {
  const items: T[] = [];
  let cursor: string | null | undefined;
  for (let i = 0; i < MAX_PAGES; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await get<Page<T>>(`${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
    if (!cursor) return { items, more: false };
  }
  return { items, more: true };
}

async function count(get: Get, path: string, keep: (item: never) => boolean = () => true): Promise<Count> {
  const { items, more } = await readAll<never>(get, path);
  return { n: items.filter(keep).length, more };
}

/** A loan still out whose due date falls from today through the next seven days (dates are calendar days, YYYY-MM-DD). */
export function dueWithinWeek(dueDate: string | null, today: string): boolean {
  if (!dueDate) return false;
  const end = new Date(Date.parse(`${today}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
  return dueDate.slice(0, 10) >= today && dueDate.slice(0, 10) <= end;
}

const READERS: { [K in TodayKey]: (get: Get, today: string) => Promise<Today[K]> } = {
  byStatus: async (get) => (await get<{ byStatus: StatusRow[] }>('/reports/inventory')).byStatus,
  readyByGrade: async (get) => {
    const { items } = await readAll<{ grade: string | null }>(get, '/devices?status=ready');
    const by = new Map<string, number>();
    for (const d of items) by.set(d.grade ?? '?', (by.get(d.grade ?? '?') ?? 0) + 1);
    return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([grade, units]) => ({ grade, units }));
  },
  loansOverdue: (get) => count(get, '/issuances?status=loan-overdue'),
  dueThisWeek: (get, today) =>
    count(get, '/issuances?status=active', (i: { kind: string; dueDate: string | null }) => i.kind === 'loan' && dueWithinWeek(i.dueDate, today)),
  pendingChecks: (get) => count(get, '/sanitization-verifications?status=pending'),
  recall: (get) => count(get, '/devices?flag=recall'),
  shippedUnconfirmed: async (get) => ({ n: (await get<{ items: unknown[] }>('/shipments?status=shipped')).items.length, more: false }),
  unknownCodes: (get) => count(get, '/scans/unknown'),
};

export type TodayResult = { [K in TodayKey]?: { ok: true; value: Today[K] } | { ok: false; error: unknown } };

/** Reads every figure the role may see, side by side; `today` is the calendar date (YYYY-MM-DD) the week counts from. */
export async function loadToday(get: Get, role: Role, today: string): Promise<TodayResult> {
  const shown = TODAY_FIGURES.filter((f) => can(role, f.permission));
  const settled = await Promise.allSettled(shown.map((f) => READERS[f.key](get, today)));
  const result: TodayResult = {};
  shown.forEach((f, i) => {
    const s = settled[i]!;
    (result as Record<string, unknown>)[f.key] = s.status === 'fulfilled' ? { ok: true, value: s.value as unknown } : { ok: false, error: s.reason as unknown };
  });
  return result;
}
