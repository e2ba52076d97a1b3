/** The diversion report as tables: the totals with how they add up, by month (with bars), by category, by community. */
import { h } from 'preact';
import { formatPercent } from '../client/format.js';
import { currentLocale, formatNumber, formatWeight, t, tOr } from '../client/i18n.js';
import { barShares, labelParams, monthOf, reconciles, TOTAL_ROWS, type DiversionTotals } from '../client/reports.js';

const monthName = (key: string) => {
  const month = monthOf(key);
  return month ? t('period.month', labelParams(month, currentLocale())) : key;
};
const num = (n: number | null) => (n === null ? '—' : formatNumber(n));
const weight = (g: number | null) => (g === null ? '—' : formatWeight(g));
const head = (first: string, ...rest: string[]) =>
  h('thead', null, h('tr', null, h('th', { scope: 'col' }, first), rest.map((r) => h('th', { key: r, scope: 'col', class: 'num' }, r))));

export function TotalsTable(p: { report: DiversionTotals }) {
  return h(
    'table',
    { class: 'table totals', 'data-testid': 'diversion-totals' },
    h('caption', null, t('office.reports.totals')),
    head(t('office.reports.measure'), t('office.today.units'), t('office.today.weight')),
    h(
      'tbody',
      null,
      TOTAL_ROWS.map(({ key, sign }) => {
        const b = p.report.totals[key];
        return h(
          'tr',
          { key, 'data-total': key, class: key === 'diverted' ? 'sum' : key === 'recycledPending' ? 'aside' : undefined },
          h('th', { scope: 'row' }, h('span', { class: 'sign', 'aria-hidden': 'true' }, sign), t(`office.reports.total.${key}`)),
          h('td', { class: 'num', 'data-units': b.units }, formatNumber(b.units)),
          h('td', { class: 'num', 'data-grams': b.grams }, formatWeight(b.grams)),
        );
      }),
    ),
  );
}

/** How the totals add up (or a warning that they do not), and how much of the weight was weighed. */
export function TotalsNotes(p: { report: DiversionTotals }) {
  const adds = reconciles(p.report.totals);
  return h(
    'div',
    null,
    h('p', { class: adds ? 'hint' : 'warning', 'data-testid': 'reconciliation' }, t(adds ? 'office.reports.reconciled' : 'office.reports.notReconciled')),
    // With nothing diverted, a share of the weight weighed means nothing.
    p.report.totals.diverted.grams > 0
      ? h('p', { class: 'hint' }, t('office.reports.measured', { share: formatPercent(currentLocale(), p.report.measuredWeightShare) }))
      : null,
  );
}

/** Diverted weight by month: the numbers are the table, the bars only draw them (hidden from screen readers). */
export function MonthTable(p: { report: DiversionTotals }) {
  if (p.report.byMonth.length === 0) return h('p', { class: 'hint' }, t('office.reports.byMonth'), ': ', t('office.reports.nothing'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'diversion-months' },
    h('caption', null, t('office.reports.byMonth')),
    head(t('office.reports.month'), t('office.today.units'), t('office.today.weight')),
    h(
      'tbody',
      null,
      barShares(p.report.byMonth).map((r, i) =>
        h(
          'tr',
          { key: r.key },
          h('th', { scope: 'row' }, monthName(r.key)),
          h('td', { class: 'num' }, num(p.report.byMonth[i]!.units)),
          h(
            'td',
            { class: 'num bar-cell' },
            h('span', { class: 'bar', 'aria-hidden': 'true', style: { width: `${Math.round(r.share * 100)}%` } }),
            h('span', { class: 'bar-value' }, formatWeight(r.grams)),
          ),
        ),
      ),
    ),
  );
}

export function RowsTable(p: { id: 'byCategory' | 'byCommunity'; report: DiversionTotals }) {
  const rows = p.report[p.id];
  const caption = t(`office.reports.${p.id}`);
  if (rows.length === 0) return h('p', { class: 'hint' }, caption, ': ', t('office.reports.nothing'));
  return h(
    'table',
    { class: 'table', 'data-testid': `diversion-${p.id}` },
    h('caption', null, caption),
    head(t(p.id === 'byCategory' ? 'office.reports.category' : 'office.reports.community'), t('office.today.units'), t('office.today.weight')),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          { key: r.key },
          h('th', { scope: 'row' }, p.id === 'byCategory' ? tOr(`category.${r.key}`, r.key) : r.key),
          'suppressed' in r && r.suppressed
            ? h('td', { class: 'num', colSpan: 2 }, t('office.reports.suppressed'))
            : [h('td', { key: 'u', class: 'num' }, num(r.units)), h('td', { key: 'g', class: 'num' }, weight(r.grams))],
        ),
      ),
    ),
  );
}
