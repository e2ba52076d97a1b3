/** Today, the landing page: what needs someone's attention, counted from the API (src/client/today.ts). */
import { Fragment, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { formatWeight, formatNumber, t, tOr, type MessageKey } from '../client/i18n.js';
import { hashFor, pagesFor, type OfficePageId } from '../client/office-pages.js';
import { loadToday, type Count, type StatusRow, type TodayKey, type TodayResult } from '../client/today.js';
import { get, session, SessionEnded, signOutHere } from './state.js';
import { reasonText } from './ui.js';

const COUNTS: ReadonlyArray<{ key: TodayKey & ('loansOverdue' | 'dueThisWeek' | 'pendingChecks' | 'recall' | 'shippedUnconfirmed' | 'unknownCodes'); urgent: boolean }> = [
  { key: 'loansOverdue', urgent: true },
  { key: 'recall', urgent: true },
  { key: 'pendingChecks', urgent: false },
  { key: 'dueThisWeek', urgent: false },
  { key: 'shippedUnconfirmed', urgent: false },
  { key: 'unknownCodes', urgent: false },
];

/** Where each count leads: the page that lists what it counts. */
const COUNT_LINKS: Partial<Record<TodayKey, { page: OfficePageId; query?: Record<string, string> }>> = {
  loansOverdue: { page: 'loans' },
  dueThisWeek: { page: 'loans' },
  recall: { page: 'devices', query: { flag: 'recall' } },
  shippedUnconfirmed: { page: 'recycling', query: { status: 'shipped' } },
};

/** A link when the role may open the page it leads to, else the text alone. */
function linkTo(open: ReadonlySet<OfficePageId>, page: OfficePageId, query: Record<string, string>, text: string) {
  return open.has(page) ? h('a', { href: hashFor(page, '', query) }, text) : text;
}

const countText = (c: Count) => (c.more ? t('office.today.atLeast', { count: formatNumber(c.n) }) : formatNumber(c.n));

/** The local calendar date, YYYY-MM-DD: "this week" starts today where the office is. */
const localDate = () => new Date().toLocaleDateString('en-CA');

function failed(error: unknown) {
  return h('p', { class: 'warning' }, t('office.today.failed', { reason: reasonText(error) }));
}

function CountCard(p: { figure: string; title: string; entry: TodayResult[TodayKey]; urgent: boolean; open: ReadonlySet<OfficePageId> }) {
  const e = p.entry;
  const value = e?.ok ? (e.value as Count) : null;
  const link = COUNT_LINKS[p.figure as TodayKey];
  return h(
    'section',
    { class: `panel figure${p.urgent && value && value.n > 0 ? ' urgent' : ''}`, 'data-figure': p.figure, 'aria-labelledby': `figure-${p.figure}` },
    h('h2', { id: `figure-${p.figure}` }, link ? linkTo(p.open, link.page, link.query ?? {}, p.title) : p.title),
    e && !e.ok ? failed(e.error) : h('p', { class: 'number' }, value ? countText(value) : '…'),
  );
}

function StatusTable(p: { rows: StatusRow[]; open: ReadonlySet<OfficePageId> }) {
  return h(
    'table',
    { class: 'table' },
    h('caption', null, t('office.today.byStatus')),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('office.today.status')), h('th', { scope: 'col', class: 'num' }, t('office.today.units')), h('th', { scope: 'col', class: 'num' }, t('office.today.weight')))),
    h(
      'tbody',
      null,
      p.rows.map((r) =>
        h('tr', { key: r.status, 'data-status': r.status }, h('th', { scope: 'row' }, linkTo(p.open, 'devices', { status: r.status }, tOr(`station.status.${r.status}`, r.status))), h('td', { class: 'num' }, formatNumber(r.units)), h('td', { class: 'num' }, formatWeight(r.grams))),
      ),
    ),
  );
}

function GradeTable(p: { rows: Array<{ grade: string; units: number }>; open: ReadonlySet<OfficePageId> }) {
  if (p.rows.length === 0) return h(Fragment, null, h('h2', null, t('office.today.readyByGrade')), h('p', { class: 'hint' }, t('office.today.noneReady')));
  return h(
    'table',
    { class: 'table' },
    h('caption', null, t('office.today.readyByGrade')),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('office.today.grade')), h('th', { scope: 'col', class: 'num' }, t('office.today.units')))),
    h('tbody', null, p.rows.map((r) => h('tr', { key: r.grade, 'data-grade': r.grade }, h('th', { scope: 'row' }, r.grade === '?' ? r.grade : linkTo(p.open, 'devices', { status: 'ready', grade: r.grade }, r.grade)), h('td', { class: 'num' }, formatNumber(r.units))))),
  );
}

export function TodayPage() {
  const role = session.value?.user.role;
  const [result, setResult] = useState<TodayResult | null>(null);
  const [loads, setLoads] = useState(0);
  useEffect(() => {
    if (!role) return;
    let live = true;
    void loadToday(get, role, localDate()).then((r) => {
      if (!live) return;
      // A session the server ended: back to sign-in rather than a page of refusals.
      if (Object.values(r).some((e) => !e.ok && e.error instanceof SessionEnded)) signOutHere(t('office.sessionEnded'));
      else setResult(r);
    });
    return () => {
      live = false;
    };
  }, [role, loads]);
  const open = new Set(role ? pagesFor(role).map((x) => x.id) : []);
  const byStatus = result?.byStatus;
  const byGrade = result?.readyByGrade;
  return h(
    'section',
    { class: 'today', 'aria-labelledby': 'today-title', 'aria-busy': result ? 'false' : 'true' },
    h('div', { class: 'page-head' }, h('h1', { id: 'today-title' }, t('office.page.today')), h('button', { type: 'button', class: 'secondary', onClick: () => setLoads(loads + 1) }, t('office.today.refresh'))),
    h(
      'div',
      { class: 'figures' },
      COUNTS.filter((c) => !result || c.key in result).map((c) =>
        h(CountCard, { key: c.key, figure: c.key, title: t(`office.today.${c.key}` as MessageKey), entry: result?.[c.key], urgent: c.urgent, open }),
      ),
    ),
    h(
      'div',
      { class: 'tables' },
      byStatus ? h('section', { class: 'panel', 'data-figure': 'byStatus' }, byStatus.ok ? h(StatusTable, { rows: byStatus.value, open }) : failed(byStatus.error)) : null,
      byGrade ? h('section', { class: 'panel', 'data-figure': 'readyByGrade' }, byGrade.ok ? h(GradeTable, { rows: byGrade.value, open }) : failed(byGrade.error)) : null,
    ),
  );
}
