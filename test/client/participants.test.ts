/** The DOM-free parts of the office's Participants page (src/client/participants.ts) and its route. */
import { describe, expect, it } from 'vitest';
import { pageFromHash, subPathOf } from '../../src/client/office-pages.js';
import {
  communityText,
  eraseConfirmed,
  exportFileName,
  findParticipant,
  listPath,
  loansOf,
  normalizeCode,
  withConsentFields,
  type ParticipantSummary,
} from '../../src/client/participants.js';
import type { Get } from '../../src/client/today.js';

const person = (n: number): ParticipantSummary => ({
  code: `P-${String(n).padStart(6, '0')}`,
  community: { name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ' },
  program: null,
  cohort: null,
  consent: { given: true, language: 'iu', date: '2026-11-30' },
  personalDataErased: false,
  createdAt: '2026-11-30T15:00:00.000Z',
});

/** A list endpoint of `items`, two to a page, recording the paths asked for. */
function pagedGet(items: unknown[], asked: string[]): Get {
  return (async (path: string) => {
    asked.push(path);
    const cursor = Number(new URL(path, 'http://x').searchParams.get('cursor') ?? '0');
    const next = cursor + 2 < items.length ? String(cursor + 2) : null;
    return { items: items.slice(cursor, cursor + 2), nextCursor: next };
  }) as Get;
}

describe('participants in the office', () => {
  it('routes #/participants/<code> to the Participants page for the roles that may read participants, and hands it the code', () => {
    expect(pageFromHash('#/participants/P-000001', 'staff')).toBe('participants');
    expect(pageFromHash('#/participants', 'coordinator')).toBe('participants');
    expect(pageFromHash('#/participants', 'trainee')).toBeNull();
    expect(subPathOf('#/participants/P-000001')).toBe('P-000001');
    expect(subPathOf('#/participants')).toBe('');
    expect(subPathOf('#/participants/%E0%A4')).toBe('%E0%A4');
  });

  it('builds list paths with the community filter and the cursor', () => {
    expect(listPath('', null)).toBe('/participants?limit=25');
    expect(listPath(' Pangnirtung ', 'abc', 10)).toBe('/participants?limit=10&community=Pangnirtung&cursor=abc');
  });

  it('finds a code through the list’s code filter, across pages and in any case, never through the logged GET /participants/:code', async () => {
    const asked: string[] = [];
    const get = pagedGet([1, 2, 3, 4, 5].map(person), asked);
    expect((await findParticipant(get, ' p-000005 '))?.code).toBe('P-000005');
    expect(asked.every((p) => p.startsWith('/participants?code=P-000005&'))).toBe(true);
    expect(asked.length).toBe(3);
    expect(await findParticipant(get, 'P-000009')).toBeNull();
    expect(await findParticipant(get, '  ')).toBeNull();
  });

  it('keeps a participant’s loans only, newest first', async () => {
    const loan = (id: number, code: string, issuedAt: string) => ({ id, assetTag: `T${id}`, participantCode: code, kind: 'loan', dueDate: null, issuedAt, returnedAt: null, daysOverdue: 0 });
    const asked: string[] = [];
    const get = pagedGet([loan(1, 'P-000001', '2026-01-01'), loan(2, 'P-000002', '2026-02-01'), loan(3, 'P-000001', '2026-03-01')], asked);
    const { loans, more } = await loansOf(get, 'P-000001');
    expect(asked.every((p) => p.startsWith('/issuances?participant=P-000001&'))).toBe(true);
    expect(loans.map((l) => l.id)).toEqual([3, 1]);
    expect(more).toBe(false);
  });

  it('enables erasure only when the code is typed', () => {
    expect(eraseConfirmed('', 'P-000001')).toBe(false);
    expect(eraseConfirmed('P-00000', 'P-000001')).toBe(false);
    expect(eraseConfirmed('P-000002', 'P-000001')).toBe(false);
    expect(eraseConfirmed(' p-000001 ', 'P-000001')).toBe(true);
    expect(normalizeCode(' p-1 ')).toBe('P-1');
  });

  it('names the export file by code and day', () => {
    expect(exportFileName('P-000001', '2026-11-30T20:01:02.000Z')).toBe('participant-P-000001-2026-11-30.json');
  });

  it('places consent refusals beside the consent box, its language and its date', () => {
    const problem = {
      title: 'Bad Request',
      status: 400,
      code: 'request.invalid',
      detail: 'invalid',
      errors: [
        { field: 'body.consent.given', message: 'needs consent' },
        { field: 'body.consent.language', message: 'bad language' },
        { field: 'body.consent.date', message: 'bad date' },
        { field: 'body.community', message: 'unknown' },
      ],
    };
    expect(withConsentFields(problem).errors?.map((e) => e.field)).toEqual(['body.consent.given', 'body.language', 'body.consentDate', 'body.community']);
    const bare = { ...problem, errors: undefined };
    expect(withConsentFields(bare)).toBe(bare);
  });

  it('writes a community with its syllabics when the list has them', () => {
    expect(communityText({ name: 'Iqaluit', syllabics: 'ᐃᖃᓗᐃᑦ' })).toBe('Iqaluit (ᐃᖃᓗᐃᑦ)');
    expect(communityText({ name: 'Arviat', syllabics: null })).toBe('Arviat');
  });
});
