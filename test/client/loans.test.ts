/** The DOM-free parts of the office's Loans page and its issue and return forms (src/client/loans.ts). */
import { describe, expect, it } from 'vitest';
import { hashFor, pageFromHash, queryOf, subPathOf } from '../../src/client/office-pages.js';
import {
  addDays,
  calendarDate,
  daysOverdue,
  emptyIssueDraft,
  groupLoans,
  holderOf,
  issueBody,
  searchParticipants,
  searchPaths,
  type Issuance,
} from '../../src/client/loans.js';
import type { ParticipantSummary } from '../../src/client/participants.js';
import type { Get } from '../../src/client/today.js';

const issuance = (id: number, kind: 'loan' | 'gift', dueDate: string | null, returnedAt: string | null = null): Issuance => ({
  id,
  assetTag: `IQ-00000${id}`,
  make: 'Lenovo',
  model: 'ThinkPad T480',
  participantCode: `P-00000${id}`,
  community: { name: 'Iqaluit', syllabics: null },
  kind,
  dueDate,
  accessories: [],
  agreementAccepted: true,
  agreementLanguage: 'iu',
  overrideReason: null,
  issuedBy: 1,
  issuedAt: '2026-01-05T15:00:00.000Z',
  returnedAt,
  returnCondition: null,
  personalDataRemoved: null,
  daysOverdue: 0,
});

describe('loans in the office', () => {
  it('routes the page, the issue form and the return form, with their presets in the query', () => {
    expect(pageFromHash('#/loans/issue?tag=IQ-000001-Z&participant=P-000001', 'coordinator')).toBe('loans');
    expect(pageFromHash('#/loans', 'staff')).toBe('loans');
    expect(pageFromHash('#/loans', 'trainee')).toBeNull();
    expect(subPathOf('#/loans/return?tag=IQ-000001-Z')).toBe('return');
    expect(queryOf('#/loans/issue?tag=IQ-000001-Z&participant=P-000001').get('participant')).toBe('P-000001');
    expect(hashFor('loans', 'issue', { participant: 'P-000001', tag: '' })).toBe('#/loans/issue?participant=P-000001');
  });

  it('counts days overdue from the due date to the office’s date, across month and year ends and a leap day', () => {
    const loan = (due: string) => issuance(1, 'loan', due);
    expect(daysOverdue(loan('2026-03-10'), '2026-03-10')).toBe(0);
    expect(daysOverdue(loan('2026-03-10'), '2026-03-11')).toBe(1);
    expect(daysOverdue(loan('2026-03-10'), '2026-03-01')).toBe(0);
    expect(daysOverdue(loan('2026-01-31'), '2026-02-01')).toBe(1);
    expect(daysOverdue(loan('2026-02-28'), '2026-03-01')).toBe(1);
    expect(daysOverdue(loan('2028-02-28'), '2028-03-01')).toBe(2);
    expect(daysOverdue(loan('2026-12-31'), '2027-01-02')).toBe(2);
    // Daylight saving starts on 2026-03-08 in Iqaluit: calendar days, not 24-hour spans.
    expect(daysOverdue(loan('2026-03-07'), '2026-03-09')).toBe(2);
    expect(daysOverdue(issuance(1, 'gift', null), '2027-01-01')).toBe(0);
    expect(daysOverdue(issuance(1, 'loan', '2026-03-10', '2026-03-20T12:00:00.000Z'), '2026-03-30')).toBe(0);
  });

  it('takes today as the calendar date of the office’s zone, not UTC’s', () => {
    // 02:30 UTC on March 11 is still the evening of March 10 in Iqaluit (UTC−4 in daylight time).
    const at = new Date('2026-03-11T02:30:00.000Z');
    expect(calendarDate(at, 'America/Iqaluit')).toBe('2026-03-10');
    expect(calendarDate(at, 'UTC')).toBe('2026-03-11');
    expect(calendarDate(at, 'Asia/Tokyo')).toBe('2026-03-11');
    const loan = issuance(1, 'loan', '2026-03-10');
    expect(daysOverdue(loan, calendarDate(at, 'America/Iqaluit'))).toBe(0);
    expect(daysOverdue(loan, calendarDate(at, 'UTC'))).toBe(1);
    // And in Kugluktuk (Mountain time) on a December evening it is still the day before too.
    expect(calendarDate(new Date('2026-12-01T05:00:00.000Z'), 'America/Cambridge_Bay')).toBe('2026-11-30');
  });

  it('groups active issuances: overdue (most days first), due this week (today through the seventh day), and the rest with gifts last', () => {
    const today = '2026-03-30';
    const groups = groupLoans(
      [
        issuance(1, 'loan', '2026-04-20'),
        issuance(2, 'loan', '2026-03-29'),
        issuance(3, 'gift', null),
        issuance(4, 'loan', '2026-04-06'),
        issuance(5, 'loan', '2026-03-20'),
        issuance(6, 'loan', '2026-03-30'),
        issuance(7, 'loan', '2026-04-07'),
        issuance(8, 'loan', '2026-03-01', '2026-03-02T10:00:00.000Z'),
      ],
      today,
    );
    expect(groups.overdue.map((o) => [o.issuance.id, o.days])).toEqual([
      [5, 10],
      [2, 1],
    ]);
    // Due today and across the month end, through April 6; April 7 is the eighth day.
    expect(groups.dueThisWeek.map((i) => i.id)).toEqual([6, 4]);
    expect(groups.other.map((i) => i.id)).toEqual([7, 1, 3]);
  });

  it('proposes a loan due 90 days on, and sends a gift without a due date and empty fields not at all', () => {
    expect(addDays('2026-12-15', 90)).toBe('2027-03-15');
    const draft = emptyIssueDraft('2026-11-30', 'P-000001');
    expect(draft).toMatchObject({ participantCode: 'P-000001', kind: 'loan', dueDate: '2027-02-28', agreementAccepted: false });
    expect(issueBody({ ...draft, agreementAccepted: true, accessories: ' charger, , padded bag ' })).toEqual({
      participantCode: 'P-000001',
      kind: 'loan',
      dueDate: '2027-02-28',
      accessories: ['charger', 'padded bag'],
      agreementAccepted: true,
      agreementLanguage: 'iu',
      overrideReason: undefined,
      overrideNote: undefined,
    });
    const gift = issueBody({ ...draft, kind: 'gift', overrideReason: 'replacement', overrideNote: ' screen broke ' });
    expect(gift['dueDate']).toBeUndefined();
    expect(gift['accessories']).toBeUndefined();
    expect(gift).toMatchObject({ overrideReason: 'replacement', overrideNote: 'screen broke' });
  });

  it('searches participants by code and by community, each found once', async () => {
    expect(searchPaths(' p-0000 ')).toEqual(['/participants?code=P-0000&limit=25', '/participants?community=p-0000&limit=25']);
    expect(searchPaths('Gjoa Haven')).toEqual(['/participants?community=Gjoa+Haven&limit=25']);
    expect(searchPaths('  ')).toEqual([]);
    const person = (code: string): ParticipantSummary => ({
      code,
      community: { name: 'Arviat', syllabics: null },
      program: null,
      cohort: null,
      consent: { given: true, language: 'iu', date: '2026-11-30' },
      personalDataErased: false,
      createdAt: '2026-11-30T15:00:00.000Z',
    });
    const asked: string[] = [];
    const get = (async (path: string) => {
      asked.push(path);
      return path.includes('code=')
        ? { items: [person('P-000003'), person('P-000001')], nextCursor: null }
        : { items: [person('P-000001'), person('P-000002')], nextCursor: 'x' };
    }) as Get;
    const found = await searchParticipants(get, 'Arviat');
    expect(found.items.map((p) => p.code)).toEqual(['P-000001', 'P-000002', 'P-000003']);
    expect(found.more).toBe(true);
    expect(asked).toHaveLength(2);
  });

  it('reads who holds a device from its history: the last issue, unless a return followed it', () => {
    const issued = (code: string, at: string) => ({ action: 'device.issued', at, details: { participantCode: code, community: 'Arviat', kind: 'loan', dueDate: '2027-01-01' } });
    const returned = { action: 'device.returned', at: '2026-06-01T00:00:00Z', details: { participantCode: 'P-000001' } };
    const graded = { action: 'device.graded', at: '2026-06-02T00:00:00Z', details: {} };
    expect(holderOf([issued('P-000001', '2026-05-01T00:00:00Z'), graded])).toMatchObject({ participantCode: 'P-000001', community: 'Arviat', dueDate: '2027-01-01' });
    expect(holderOf([issued('P-000001', '2026-05-01T00:00:00Z'), returned, graded])).toBeNull();
    expect(holderOf([issued('P-000001', '2026-05-01T00:00:00Z'), returned, issued('P-000002', '2026-07-01T00:00:00Z')])?.participantCode).toBe('P-000002');
    // Without the right to see holders, the history has no code.
    expect(holderOf([{ action: 'device.issued', at: '2026-05-01T00:00:00Z', details: { kind: 'loan' } }])).toBeNull();
  });
});
