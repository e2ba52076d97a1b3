/**
 * Loans (coordinators, staff, admins): every device out with a participant,
 * overdue loans first with their days overdue, then those due back this week,
 * then the rest. Coordinators and admins also get the issue form
 * (`#/loans/issue`) and the return form (`#/loans/return`); staff read only.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { workshopToday } from '../client/format.js';
import { formatDate, formatNumber, t, tOr } from '../client/i18n.js';
import { activeIssuances, calendarDate, groupLoans, type Issuance } from '../client/loans.js';
import { hashFor, queryOf, subPathOf } from '../client/office-pages.js';
import { communityText } from '../client/participants.js';
import { can } from '../modules/auth/permissions.js';
import { LoanIssue } from './loan-issue.js';
import { LoanReturn } from './loan-return.js';
import { get, route, session } from './state.js';
import { Message, reasonOf } from './ui.js';

export function LoansPage() {
  const sub = subPathOf(route.value);
  const query = queryOf(route.value);
  // Keyed by the whole hash: following a link to the form with other presets starts it afresh.
  if (sub === 'issue') return h(LoanIssue, { key: route.value, tag: query.get('tag') ?? '', participant: query.get('participant') ?? '' });
  if (sub === 'return') return h(LoanReturn, { key: route.value, tag: query.get('tag') ?? '' });
  return h(LoansList, null);
}

/** "1 day", "12 days": the plural form and the number in the chosen language (ICU plural in the locale file). */
export function daysText(days: number): string {
  return t('office.loans.days', { days });
}

function LoansList() {
  const role = session.value?.user.role;
  const [data, setData] = useState<{ items: Issuance[]; more: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The office's own date: "overdue" and "this week" are counted where the desk is.
  const today = calendarDate(new Date());
  useEffect(() => {
    let live = true;
    activeIssuances(get).then(
      (d) => live && setData(d),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, []);
  const groups = data ? groupLoans(data.items, today) : null;
  const mayIssue = role !== undefined && can(role, 'devices:issue');
  return h(
    'section',
    { class: 'loans-page', 'aria-labelledby': 'loans-title', 'aria-busy': data || error ? 'false' : 'true' },
    h(
      'div',
      { class: 'page-head' },
      h('h1', { id: 'loans-title' }, t('office.page.loans')),
      mayIssue ? h('a', { class: 'button-link', href: hashFor('loans', 'issue'), 'data-action': 'issue' }, t('office.loans.issueLink')) : null,
    ),
    h('p', { class: 'hint' }, t('office.loans.intro', { date: formatDate(today) })),
    h(Message, { kind: 'refused', text: error }),
    groups
      ? [
          h(LoanTable, { key: 'overdue', group: 'overdue', caption: t('office.loans.overdue', { count: formatNumber(groups.overdue.length) }), empty: t('office.loans.noneOverdue'), rows: groups.overdue.map((o) => ({ issuance: o.issuance, days: o.days })) }),
          h(LoanTable, { key: 'week', group: 'week', caption: t('office.loans.dueThisWeek', { count: formatNumber(groups.dueThisWeek.length) }), empty: t('office.loans.noneDue'), rows: groups.dueThisWeek.map((i) => ({ issuance: i })) }),
          h(LoanTable, { key: 'other', group: 'other', caption: t('office.loans.other', { count: formatNumber(groups.other.length) }), empty: t('office.loans.noneOther'), rows: groups.other.map((i) => ({ issuance: i })) }),
          data?.more ? h('p', { key: 'more', class: 'hint' }, t('office.loans.more')) : null,
        ]
      : error
        ? null
        : h('p', { class: 'hint' }, t('office.loading')),
  );
}

function LoanTable(p: { group: string; caption: string; empty: string; rows: Array<{ issuance: Issuance; days?: number }> }) {
  const role = session.value?.user.role;
  const seesHolders = role !== undefined && can(role, 'devices:read-holders');
  const mayReturn = role !== undefined && can(role, 'devices:return');
  const overdue = p.group === 'overdue';
  const head = (key: Parameters<typeof t>[0], cls?: string) => h('th', { scope: 'col', class: [`c-${key.split('.').pop() ?? ''}`, cls].filter(Boolean).join(' ') }, t(key));
  return h(
    'section',
    { class: 'panel loan-group', 'data-group': p.group, 'aria-label': p.caption },
    p.rows.length === 0
      ? [h('h2', { key: 'h' }, p.caption), h('p', { key: 'p', class: 'hint', 'data-testid': 'none' }, p.empty)]
      : h(
          'table',
          { class: 'table loans-table' },
          h('caption', null, p.caption),
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              head('office.loans.col.tag'),
              head('office.loans.col.device'),
              head('office.loans.col.participant'),
              head('office.loans.col.community'),
              head('office.loans.col.kind'),
              head('office.loans.col.issued'),
              head('office.loans.col.due'),
              overdue ? head('office.loans.col.overdue', 'num') : null,
              mayReturn ? head('office.loans.col.action') : null,
            ),
          ),
          h(
            'tbody',
            null,
            p.rows.map(({ issuance: i, days }) =>
              h(
                'tr',
                { key: i.id, 'data-tag': i.assetTag },
                h('th', { scope: 'row', class: 'tag' }, h('a', { href: hashFor('devices', i.assetTag) }, i.assetTag)),
                h('td', null, `${i.make} ${i.model}`),
                h('td', { class: 'code' }, seesHolders ? h('a', { href: hashFor('participants', i.participantCode) }, i.participantCode) : i.participantCode),
                h('td', null, communityText(i.community)),
                h('td', null, tOr(`office.loans.kind.${i.kind}`, i.kind)),
                h('td', { class: 'when' }, formatDate(workshopToday(new Date(i.issuedAt)))),
                h('td', { class: 'when' }, i.dueDate ? formatDate(i.dueDate) : '—'),
                overdue ? h('td', { class: 'num', 'data-days': days }, daysText(days ?? 0)) : null,
                mayReturn
                  ? h('td', null, h('a', { href: hashFor('loans', 'return', { tag: i.assetTag }), 'data-action': 'take-back', 'aria-label': t('office.loans.takeBackTag', { tag: i.assetTag }) }, t('office.loans.takeBack')))
                  : null,
              ),
            ),
          ),
        ),
  );
}
