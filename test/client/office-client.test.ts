/** The DOM-free parts the office stands on (src/client): refusals laid out per field, pages per role, the Today figures, session and language storage. */
import { describe, expect, it } from 'vitest';
import { Refused } from '../../src/client/api.js';
import { readLocale, writeLocale, SETTINGS_KEY } from '../../src/client/locale-choice.js';
import { hashFor, pageFromHash, pagesFor, queryOf, subPathOf } from '../../src/client/office-pages.js';
import { formProblem } from '../../src/client/problems.js';
import { readSession, writeSession, SESSION_KEY } from '../../src/client/session.js';
import { dueWithinWeek, loadToday, readAll, type Get } from '../../src/client/today.js';
import { ROLES, can } from '../../src/modules/auth/permissions.js';

function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
  };
}

describe('formProblem', () => {
  const problem = { title: 'Bad Request', status: 400, code: 'request.invalid', detail: 'body.password: must be at least 12 characters' };

  it('puts each message beside the field it names, without the body. prefix', () => {
    const p = formProblem({ ...problem, errors: [{ field: 'body.password', message: 'must be at least 12 characters' }] }, ['username', 'password']);
    expect(p).toEqual({ fields: { password: 'must be at least 12 characters' }, general: null });
  });

  it('says above the form the reason with what no field of the form shows, and the reason alone when no field is named', () => {
    const p = formProblem({ ...problem, errors: [{ field: 'body.extra', message: 'unknown property' }] }, ['username']);
    expect(p).toEqual({ fields: {}, general: 'Some of what was entered is not accepted. Check the fields named. · extra: not expected here' });
    expect(formProblem({ ...problem, code: 'users.username_taken', detail: 'taken' }, ['username'])).toEqual({ fields: {}, general: 'That username is taken. Choose another.' });
  });
});

describe('office pages', () => {
  const NEEDS = {
    today: ['reports:read'],
    devices: ['reports:read', 'devices:read'],
    loans: ['issuances:read'],
    participants: ['participants:read'],
    donations: ['reports:read', 'donations:read'],
    transfers: ['reports:read', 'transfers:read'],
    recycling: ['shipments:read', 'recyclers:read'],
    reports: ['reports:read'],
    users: ['users:manage'],
    translations: ['translations:read'],
  } as const;
  it('a role sees the pages its permissions allow, and only those', () => {
    for (const role of ROLES) {
      expect(pagesFor(role).map((p) => p.id)).toEqual(Object.entries(NEEDS).filter(([, permissions]) => permissions.every((x) => can(role, x))).map(([id]) => id));
    }
    expect(pagesFor('admin').map((p) => p.id)).toEqual(['today', 'devices', 'loans', 'participants', 'donations', 'transfers', 'recycling', 'reports', 'users', 'translations']);
    expect(pagesFor('translator').map((p) => p.id)).toEqual(['translations']);
    expect(pagesFor('staff').map((p) => p.id)).toEqual(['today', 'devices', 'loans', 'participants', 'donations', 'transfers', 'recycling', 'reports']);
    expect(pagesFor('trainee')).toEqual([]);
  });

  it('the hash picks the page; a page the role may not see falls back to its first', () => {
    expect(pageFromHash('#/users', 'admin')).toBe('users');
    expect(pageFromHash('#/users', 'staff')).toBe('today');
    expect(pageFromHash('#/reports', 'staff')).toBe('reports');
    expect(pageFromHash('', 'coordinator')).toBe('today');
    expect(pageFromHash('#/today', 'trainee')).toBeNull();
    expect(pageFromHash('#/today', 'translator')).toBe('translations');
    expect(pageFromHash('#/devices?status=ready', 'staff')).toBe('devices');
    expect(pageFromHash('#/devices/RL-000001?tab=drives', 'staff')).toBe('devices');
  });

  it('a hash carries a sub-path and a query, and hashFor writes one back', () => {
    expect(subPathOf('#/devices/RL-000001?tab=drives')).toBe('RL-000001');
    expect(queryOf('#/devices?status=ready&grade=A').get('grade')).toBe('A');
    expect([...queryOf('#/devices').keys()]).toEqual([]);
    const hash = hashFor('devices', '', { status: 'ready', grade: 'A', q: '' });
    expect(hash).toBe('#/devices?status=ready&grade=A');
    expect(pageFromHash(hash, 'coordinator')).toBe('devices');
    expect(queryOf(hashFor('loans', 'issue', { tag: 'RL 1&2' })).get('tag')).toBe('RL 1&2');
    expect(subPathOf(hashFor('devices', 'RL/1'))).toBe('RL/1');
  });
});

describe('Today', () => {
  it('a loan is due this week from today through the seventh day after', () => {
    expect(dueWithinWeek('2026-11-30', '2026-11-30')).toBe(true);
    expect(dueWithinWeek('2026-12-07', '2026-11-30')).toBe(true);
    expect(dueWithinWeek('2026-12-08', '2026-11-30')).toBe(false);
    expect(dueWithinWeek('2026-11-29', '2026-11-30')).toBe(false);
    expect(dueWithinWeek(null, '2026-11-30')).toBe(false);
  });

  it('readAll follows the cursor', async () => {
    const asked: string[] = [];
    const get = (async (path: string) => {
      asked.push(path);
      return path.includes('cursor=') ? { items: [3], nextCursor: null } : { items: [1, 2], nextCursor: 'n/1' };
    }) as Get;
    expect(await readAll(get, '/scans/unknown')).toEqual({ items: [1, 2, 3], more: false });
    expect(asked).toEqual(['/scans/unknown?limit=500', '/scans/unknown?limit=500&cursor=n%2F1']);
  });

  it('reads only what the role may, and one refusal leaves the other figures standing', async () => {
    const asked: string[] = [];
    const get = (async (path: string) => {
      asked.push(path);
      if (path.startsWith('/shipments')) throw new Refused({ title: 'x', status: 500, code: 'internal', detail: 'boom' });
      if (path.startsWith('/reports/inventory')) return { byStatus: [{ status: 'ready', units: 2, grams: 4000 }] };
      if (path.startsWith('/devices?status=ready')) return { items: [{ grade: 'B' }, { grade: 'A' }, { grade: 'B' }], nextCursor: null };
      if (path.startsWith('/issuances?status=active')) {
        return { items: [{ kind: 'loan', dueDate: '2026-12-02' }, { kind: 'gift', dueDate: null }, { kind: 'loan', dueDate: '2027-01-10' }], nextCursor: null };
      }
      return { items: [{}], nextCursor: null };
    }) as Get;
    const staff = await loadToday(get, 'staff', '2026-11-30');
    expect(staff.byStatus).toEqual({ ok: true, value: [{ status: 'ready', units: 2, grams: 4000 }] });
    expect(staff.readyByGrade).toEqual({ ok: true, value: [{ grade: 'A', units: 1 }, { grade: 'B', units: 2 }] });
    expect(staff.dueThisWeek).toEqual({ ok: true, value: { n: 1, more: false } });
    expect(staff.unknownCodes).toEqual({ ok: true, value: { n: 1, more: false } });
    expect(staff.shippedUnconfirmed?.ok).toBe(false);

    asked.length = 0;
    const trainee = await loadToday(get, 'trainee', '2026-11-30');
    expect(Object.keys(trainee).sort()).toEqual(['pendingChecks', 'readyByGrade', 'recall', 'unknownCodes']);
    expect(asked.some((p) => p.startsWith('/issuances') || p.startsWith('/reports') || p.startsWith('/shipments'))).toBe(false);
  });
});

describe('session and language, kept in the browser', () => {
  it('one session per tab under the key the station reads; unreadable storage means signed out', () => {
    const s = memoryStorage();
    const session = { token: 'tok', user: { id: 1, username: 'a', displayName: 'A', role: 'admin' as const, disabled: false, language: null, site: 'iqaluit', createdAt: '2026-01-01T00:00:00Z' } };
    writeSession(s, session);
    expect(JSON.parse(s.map.get(SESSION_KEY)!)).toEqual(session);
    expect(readSession(s)).toEqual(session);
    writeSession(s, null);
    expect(readSession(s)).toBeNull();
    expect(readSession(memoryStorage({ [SESSION_KEY]: '{not json' }))).toBeNull();
  });

  it('the language is written into the station settings, leaving the others as they were', () => {
    const s = memoryStorage({ [SETTINGS_KEY]: JSON.stringify({ station: 'bench-7', locale: 'en' }) });
    writeLocale(s, 'iu');
    expect(JSON.parse(s.map.get(SETTINGS_KEY)!)).toEqual({ station: 'bench-7', locale: 'iu', localeChosen: true });
    expect(readLocale(s)).toBe('iu');
    expect(readLocale(memoryStorage({ [SETTINGS_KEY]: JSON.stringify({ locale: 'de' }) }))).toBe('en');
  });
});

describe('text and numbers in the chosen language', () => {
  it('keys French lacks fall back to English; numbers, weights and dates follow Intl', async () => {
    const i18n = await import('../../src/client/i18n.js');
    try {
      i18n.setCurrentLocale('fr');
      expect(i18n.t('office.page.today')).toBe('Today');
      expect(i18n.t('language.en')).toBe('Anglais');
      expect(i18n.formatNumber(12345)).toBe('12\u00a0345');
      expect(i18n.formatWeight(4600)).toBe('4,6\u00a0kg');
      expect(i18n.formatDate('2026-11-30')).toBe('30 nov. 2026');
      i18n.setCurrentLocale('iu');
      expect(i18n.formatNumber(12345), 'Inuktitut digits as English Canada writes them').toBe('12,345');
    } finally {
      i18n.setCurrentLocale('en');
    }
  });
});
