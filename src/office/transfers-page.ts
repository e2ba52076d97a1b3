/**
 * Transfers (`#/transfers`, one at `#/transfers/<id>`): the boxes going in
 * and out of the site (docs/domain.md §8), open ones first, with filters kept
 * in the hash; a form to send a box to another site for the roles holding
 * `devices:transfer`. Admins and program officers see every site's transfers
 * and may pick one site, whose transfers then show as in and out.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { workshopToday } from '../client/format.js';
import { formatDate, formatNumber, t } from '../client/i18n.js';
import { hashFor, subPathOf } from '../client/office-pages.js';
import { formProblem, problemReason, type FormProblem } from '../client/problems.js';
import { offersSitePick } from '../client/sites.js';
import {
  DIRECTIONS,
  directionFor,
  lineCounts,
  MAX_BOX,
  TRANSFER_STATUSES,
  tagsFromText,
  transferFiltersFromHash,
  transferFiltersHash,
  transfersPath,
  type Transfer,
  type TransferFilters,
} from '../client/transfers.js';
import { can, seesEverySite } from '../modules/auth/permissions.js';
import { SiteFilter } from './site-filter.js';
import { TransferView } from './transfer-view.js';
import { call, get, loadSites, nameOfSite, route, session, sites, sitesRefusal } from './state.js';
import { Message, SelectField, TextField, reasonOf } from './ui.js';

export function TransfersPage() {
  const sub = subPathOf(route.value);
  return /^\d+$/.test(sub) ? h(TransferView, { key: sub, id: Number(sub) }) : h(TransfersHome, null);
}

function TransfersHome() {
  const user = session.value?.user;
  const parsed = transferFiltersFromHash(route.value, sites.value);
  const everySite = user !== undefined && seesEverySite(user.role);
  // A site named in a link counts only for those who see every site: anyone else's list is their own site's.
  const filters = everySite ? parsed : { ...parsed, site: '' };
  const path = transfersPath(filters);
  const [items, setItems] = useState<Transfer[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setItems(null);
    setError(null);
    get<{ items: Transfer[] }>(path).then(
      (r) => live && setItems(r.items),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, [path]);
  if (!user) return null;
  const pick = offersSitePick(user.role, sites.value);
  // The site whose in and out the list shows: the one picked, or the person's own unless they see every site.
  const inView = everySite ? filters.site || null : user.site;
  const go = (next: Partial<TransferFilters>) => {
    location.hash = transferFiltersHash({ ...filters, ...next });
    route.value = location.hash;
  };
  return h(
    'section',
    { class: 'transfers', 'aria-labelledby': 'transfers-title' },
    h('div', { class: 'page-head' }, h('h1', { id: 'transfers-title' }, t('office.page.transfers'))),
    h('p', { class: 'hint' }, t('office.transfers.intro')),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'transfers-list-title', 'aria-busy': items || error ? 'false' : 'true' },
        h('h2', { id: 'transfers-list-title' }, inView ? t('office.transfers.listOf', { site: nameOfSite(inView) }) : t('office.transfers.listAll')),
        h(
          'div',
          { class: 'filter', 'data-testid': 'transfer-filters' },
          pick ? h(SiteFilter, { form: 'transfers', value: filters.site, onChange: (site: string) => go({ site, direction: site ? filters.direction : '' }) }) : null,
          inView
            ? h(SelectField, {
                form: 'transfers',
                name: 'direction',
                label: t('office.transfers.direction'),
                value: filters.direction,
                onChange: (v: string) => go({ direction: v as TransferFilters['direction'] }),
                options: [{ value: '', label: t('office.transfers.direction.both') }, ...DIRECTIONS.map((d) => ({ value: d, label: t(`office.transfers.direction.${d}`) }))],
              })
            : null,
          h(SelectField, {
            form: 'transfers',
            name: 'status',
            label: t('office.transfers.status'),
            value: filters.status,
            onChange: (v: string) => go({ status: v as TransferFilters['status'] }),
            options: [...TRANSFER_STATUSES.map((s) => ({ value: s, label: t(`office.transfers.status.${s}`) })), { value: '', label: t('office.transfers.status.any') }],
          }),
        ),
        h(Message, { kind: 'refused', text: error }),
        items ? h(TransferTable, { items, site: inView }) : error ? null : h('p', { class: 'hint' }, t('office.loading')),
      ),
      can(user.role, 'devices:transfer') ? h(SendBox, { from: seesEverySite(user.role) ? null : user.site }) : null,
    ),
  );
}

function TransferTable(p: { items: Transfer[]; site: string | null }) {
  if (p.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-transfers' }, t('office.transfers.none'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'transfers' },
    h('caption', { class: 'visually-hidden' }, t('office.page.transfers')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('office.transfers.transfer')),
        p.site ? h('th', { scope: 'col' }, t('office.transfers.direction')) : null,
        h('th', { scope: 'col' }, t('office.transfers.from')),
        h('th', { scope: 'col' }, t('office.transfers.to')),
        h('th', { scope: 'col' }, t('office.transfers.status')),
        h('th', { scope: 'col' }, t('office.transfers.sentAt')),
        h('th', { scope: 'col', class: 'num' }, t('office.transfers.devices')),
        h('th', { scope: 'col', class: 'num' }, t('office.transfers.onTheWay')),
        h('th', { scope: 'col' }, t('office.transfers.carrier')),
      ),
    ),
    h(
      'tbody',
      null,
      p.items.map((x) => {
        const way = directionFor(x, p.site);
        const counts = lineCounts(x);
        return h(
          'tr',
          { key: x.id, 'data-transfer': x.id, 'data-status': x.status, 'data-direction': way ?? undefined },
          h('th', { scope: 'row', class: 'nowrap-cell' }, h('a', { href: hashFor('transfers', String(x.id)) }, t('office.transfers.transferNo', { id: x.id }))),
          p.site ? h('td', null, way ? t(`office.transfers.direction.${way}`) : '—') : null,
          h('td', null, nameOfSite(x.fromSite)),
          h('td', null, nameOfSite(x.toSite)),
          h('td', null, t(`office.transfers.status.${x.status}`)),
          // The day on the workshop's calendar: the time is on the transfer's page.
          h('td', { class: 'when' }, formatDate(workshopToday(new Date(x.sentAt)))),
          h('td', { class: 'num' }, formatNumber(x.devices.length)),
          h('td', { class: 'num' }, formatNumber(counts.in_transit)),
          h('td', null, [x.carrier, x.reference].filter(Boolean).join(' · ') || '—'),
        );
      }),
    ),
  );
}

const SEND_FIELDS = ['toSite', 'assetTags', 'carrier', 'reference'] as const;
const NONE: FormProblem = { fields: {}, general: null };
const optional = (v: string) => (v.trim() ? v.trim() : undefined);

/**
 * Sending a box: the destination, the tags (scanned one a line, or typed), and how it travels. The service sends
 * all of them or none; a refusal names the device that cannot go. `from`: the person's site, never a destination;
 * null for a role acting for every site (the box leaves from the site that holds its devices).
 */
function SendBox(p: { from: string | null }) {
  const destinations = (sites.value ?? []).filter((s) => s.code !== p.from);
  const empty = { toSite: '', assetTags: '', carrier: '', reference: '' };
  const [draft, setDraft] = useState(empty);
  const [problem, setProblem] = useState<FormProblem>(NONE);
  const [busy, setBusy] = useState(false);
  const set = (name: keyof typeof empty) => (value: string) => setDraft({ ...draft, [name]: value });
  const toSite = draft.toSite || destinations[0]?.code || '';
  const tags = tagsFromText(draft.assetTags);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (tags.length === 0) {
      setProblem({ fields: { assetTags: t('office.transfers.noTags') }, general: null });
      return;
    }
    setBusy(true);
    try {
      const body = { toSite, assetTags: tags, carrier: optional(draft.carrier), reference: optional(draft.reference) };
      const { transfer } = await call<{ transfer: Transfer }>('POST', '/transfers', { body });
      location.hash = hashFor('transfers', String(transfer.id));
      route.value = location.hash;
    } catch (err) {
      if (err instanceof Refused) {
        const found = formProblem(err.problem, SEND_FIELDS);
        // The device that cannot go is named in the answer (`assetTag`): the reason is said of it.
        const tag = typeof err.problem['assetTag'] === 'string' ? err.problem['assetTag'] : null;
        setProblem(tag ? { fields: { ...found.fields, assetTags: t('office.transfers.tagRefused', { tag, reason: problemReason(err.problem) }) }, general: null } : found);
      } else setProblem({ fields: {}, general: reasonOf(err) });
      setBusy(false);
    }
  };
  const heading = h('h2', { id: 'send-box-title' }, t('office.transfers.send'));
  if (destinations.length === 0) {
    // The destinations come from the site list: while it does not answer, the form cannot be offered.
    const unread = sites.value === null && sitesRefusal.value !== null;
    return h(
      'section',
      { class: 'panel', 'aria-labelledby': 'send-box-title' },
      heading,
      h('p', { class: 'hint' }, sites.value ? t('office.transfers.noOtherSite') : unread ? t('office.unreachable') : t('office.loading')),
      unread ? h('button', { type: 'button', class: 'secondary', onClick: () => void loadSites() }, t('office.transfers.retrySites')) : null,
    );
  }
  const tagsError = problem.fields['assetTags'];
  return h(
    'form',
    { class: 'panel user-form', 'data-testid': 'send-box', 'aria-labelledby': 'send-box-title', noValidate: true, onSubmit: (e: Event) => void submit(e) },
    heading,
    h('p', { class: 'hint' }, t('office.transfers.sendHint')),
    h(Message, { kind: 'refused', text: problem.general }),
    h(SelectField, {
      form: 'send-box',
      name: 'toSite',
      label: t('office.transfers.to'),
      error: problem.fields['toSite'],
      value: toSite,
      onChange: set('toSite'),
      options: destinations.map((s) => ({ value: s.code, label: s.name })),
    }),
    h(
      'div',
      { class: tagsError ? 'field invalid' : 'field', 'data-field': 'assetTags' },
      h('label', { for: 'send-box-assetTags' }, t('office.transfers.tags')),
      h('textarea', {
        id: 'send-box-assetTags',
        name: 'assetTags',
        rows: 6,
        value: draft.assetTags,
        spellcheck: false,
        autocomplete: 'off',
        'aria-invalid': tagsError ? 'true' : undefined,
        'aria-describedby': 'send-box-assetTags-hint send-box-assetTags-error',
        onInput: (e: Event) => set('assetTags')((e.currentTarget as HTMLTextAreaElement).value),
      }),
      h('span', { id: 'send-box-assetTags-hint', class: 'hint' }, t('office.transfers.tagsHint', { count: formatNumber(tags.length), max: formatNumber(MAX_BOX) })),
      h('span', { id: 'send-box-assetTags-error', class: 'field-error' }, tagsError ?? ''),
    ),
    h(TextField, { form: 'send-box', name: 'carrier', label: t('office.transfers.carrier'), error: problem.fields['carrier'], value: draft.carrier, onInput: set('carrier'), autocomplete: 'off' }),
    h(TextField, { form: 'send-box', name: 'reference', label: t('office.transfers.reference'), error: problem.fields['reference'], value: draft.reference, onInput: set('reference'), autocomplete: 'off' }),
    h('div', { class: 'form-buttons' }, h('button', { type: 'submit', class: 'primary', disabled: busy }, t('office.transfers.sendSubmit'))),
  );
}
