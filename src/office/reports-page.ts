/**
 * Reports (`#/reports`): the diversion report for a period, shown as tables
 * from GET /reports/diversion, and downloads of it (PDF, CSV, JSON) and of
 * the activity and inventory reports, fetched with the session's token.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { workshopToday } from '../client/format.js';
import { formatDate, t } from '../client/i18n.js';
import type { Period } from '../client/periods.js';
import { defaultPeriod, DOWNLOADS, reportPath, type Download, type DiversionTotals } from '../client/reports.js';
import { MonthTable, RowsTable, TotalsNotes, TotalsTable } from './diversion-tables.js';
import { saveReport } from './download.js';
import { PeriodPicker, periodLabel } from './period-picker.js';
import { hashFor, queryOf } from '../client/office-pages.js';
import { offersSitePick, siteFromQuery } from '../client/sites.js';
import { seesEverySite } from '../modules/auth/permissions.js';
import { SiteFilter } from './site-filter.js';
import { get, nameOfSite, route, session, sites } from './state.js';
import { Message, reasonOf } from './ui.js';

type Shown = { ok: true; report: DiversionTotals } | { ok: false; error: string } | null;

function Downloads(p: { period: Period; site: string }) {
  const [said, setSaid] = useState<{ kind: 'success' | 'refused'; text: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const save = (d: Download) => {
    const id = `${d.report}-${d.format}`;
    setBusy(id);
    setSaid(null);
    saveReport(d, p.period, p.site || undefined).then(
      (name) => setSaid({ kind: 'success', text: t('office.reports.saved', { name }) }),
      (err: unknown) => setSaid({ kind: 'refused', text: reasonOf(err) }),
    ).finally(() => setBusy(null));
  };
  const group = (report: Download['report']) =>
    h(
      'li',
      { key: report },
      h('span', { class: 'download-name' }, t(`office.reports.download.${report}`)),
      DOWNLOADS.filter((d) => d.report === report).map((d) =>
        h(
          'button',
          { key: d.format, type: 'button', class: 'secondary', 'data-download': `${d.report}-${d.format}`, disabled: busy !== null, onClick: () => save(d) },
          t(`office.reports.format.${d.format}`),
        ),
      ),
    );
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'downloads-title' },
    h('h2', { id: 'downloads-title' }, t('office.reports.downloads')),
    h('ul', { class: 'downloads' }, group('diversion'), group('activity'), group('inventory')),
    h('p', { class: 'hint' }, t('office.reports.inventoryNow')),
    said ? h(Message, { kind: said.kind, text: said.text }) : null,
  );
}

export function ReportsPage() {
  const [today] = useState(() => workshopToday(new Date()));
  const [period, setPeriod] = useState<Period>(() => defaultPeriod(today));
  const [shown, setShown] = useState<Shown>(null);
  const role = session.value?.user.role;
  // Admins and program officers report on the program, or on the site they pick; everyone else on their own site.
  const pick = role !== undefined && offersSitePick(role, sites.value);
  const site = role !== undefined && seesEverySite(role) ? siteFromQuery(queryOf(route.value).get('site'), sites.value) : '';
  useEffect(() => {
    let live = true;
    setShown(null);
    get<DiversionTotals>(reportPath({ report: 'diversion', format: 'json' }, period, undefined, site || undefined)).then(
      (report) => live && setShown({ ok: true, report }),
      (err: unknown) => live && setShown({ ok: false, error: reasonOf(err) }),
    );
    return () => {
      live = false;
    };
  }, [period.from, period.to, site]);
  const chooseSite = (code: string) => {
    location.hash = hashFor('reports', '', { site: code });
    route.value = location.hash;
  };
  return h(
    'section',
    { class: 'reports', 'aria-labelledby': 'reports-title', 'aria-busy': shown ? 'false' : 'true' },
    h('div', { class: 'page-head' }, h('h1', { id: 'reports-title' }, t('office.page.reports'))),
    h(
      'section',
      { class: 'panel' },
      h(PeriodPicker, { today, period, onChange: setPeriod }),
      pick ? h('div', { class: 'filter site-filter' }, h(SiteFilter, { form: 'report', value: site, onChange: chooseSite })) : null,
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'diversion-title', 'data-testid': 'diversion' },
        h('h2', { id: 'diversion-title' }, t('office.reports.diversion', { period: periodLabel(period) })),
        h('p', { class: 'hint', 'data-testid': 'period-dates' }, t('office.reports.dates', { from: formatDate(period.from), to: formatDate(period.to) })),
        shown?.ok
          ? h(
              'p',
              { class: 'hint', 'data-testid': 'report-site', 'data-site': shown.report.site },
              shown.report.site === 'all' ? t('office.reports.siteAll') : t('office.reports.siteOne', { site: nameOfSite(shown.report.site) }),
            )
          : null,
        shown === null
          ? h('p', null, t('office.loading'))
          : !shown.ok
            ? h(Message, { kind: 'refused', text: shown.error })
            : [
                h(TotalsTable, { key: 'totals', report: shown.report }),
                h(TotalsNotes, { key: 'notes', report: shown.report }),
                h(MonthTable, { key: 'months', report: shown.report }),
                h(RowsTable, { key: 'category', id: 'byCategory', report: shown.report }),
                h(RowsTable, { key: 'community', id: 'byCommunity', report: shown.report }),
              ],
      ),
      h(Downloads, { period, site }),
    ),
  );
}
