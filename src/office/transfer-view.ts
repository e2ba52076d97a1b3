/**
 * A transfer's page (`#/transfers/<id>`): where it goes, its devices and
 * where each is; at the destination while devices are on their way, a scan
 * field that receives each tag found in the box (a USB scanner types the tag
 * and Enter; the field clears and keeps the focus, and what the service said
 * is read out) and the list of those still missing; at the sending site, a
 * button that calls back what is still on its way; the packing list PDF.
 */
import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { formatDate, formatNumber, t, tOr } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import { problemReason } from '../client/problems.js';
import { deviceVisible, directionFor, lineCounts, transferActions, type Transfer } from '../client/transfers.js';
import { DocumentPanel } from './document-panel.js';
import { ScanField, type Said } from './scan-field.js';
import type { Role } from '../modules/auth/permissions.js';
import { call, locale, nameOfSite, session } from './state.js';
import { useRead } from './use-read.js';
import { Message, reasonOf } from './ui.js';


export function TransferView(p: { id: number }) {
  const [transfer, setTransfer, error] = useRead(`/transfers/${p.id}`, (r: { transfer: Transfer }) => r.transfer);
  const user = session.value?.user;
  /** What became of the whole transfer (the last device received, the rest called back): said where it stays in the page. */
  const [closed, setClosed] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  /** A change from the service; when it closes the transfer, the fields that acted go away: it is said here and the focus goes to the heading. */
  const changed = (next: Transfer, said: string) => {
    setTransfer(next);
    if (next.status !== 'closed') return;
    setClosed(said);
    queueMicrotask(() => {
      if (!heading.current) return;
      heading.current.tabIndex = -1;
      heading.current.focus();
    });
  };
  const head = h(
    'div',
    { class: 'page-head' },
    h(
      'h1',
      { id: 'transfer-title', ref: heading },
      transfer ? t('office.transfers.title', { id: p.id, from: nameOfSite(transfer.fromSite), to: nameOfSite(transfer.toSite) }) : t('office.transfers.transferNo', { id: p.id }),
    ),
    h('a', { href: hashFor('transfers') }, t('office.transfers.back')),
  );
  if (!transfer || !user) {
    return h('section', { 'aria-labelledby': 'transfer-title', 'aria-busy': error ? 'false' : 'true' }, head, h(Message, { kind: 'refused', text: error }), error ? null : h('p', { class: 'hint' }, t('office.loading')));
  }
  const may = transferActions(transfer, user);
  return h(
    'section',
    { class: 'transfer', 'aria-labelledby': 'transfer-title', 'data-transfer': transfer.id, 'data-status': transfer.status },
    head,
    // Always in the page, so that screen readers announce it when the transfer closes.
    h('p', { id: 'transfer-said', role: 'status', 'aria-live': 'polite', class: closed ? 'message message-success' : 'message-empty', 'data-testid': 'transfer-said' }, closed ?? ''),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'stack' },
        may.receive ? h(ReceiveField, { transfer, onTransfer: changed }) : null,
        h(Missing, { transfer, user }),
        h(Lines, { transfer, user }),
      ),
      h(
        'div',
        { class: 'stack' },
        h(Facts, { transfer, site: user.site }),
        may.cancel ? h(CallBack, { transfer, onTransfer: changed }) : null,
        h(DocumentPanel, {
          id: 'packing-list',
          title: t('office.transfers.packingList'),
          hint: t('office.transfers.packingListHint'),
          button: t('office.transfers.packingListSave'),
          path: `/transfers/${transfer.id}/packing-list.pdf?lang=${locale.value}`,
          fallbackName: `packing-list-${transfer.id}.pdf`,
          saved: (name) => t('office.transfers.saved', { name }),
        }),
      ),
    ),
  );
}

/**
 * Receiving: each tag scanned is received on its own (POST /transfers/{id}/receive with that tag), in the order
 * scanned. A tag not on this transfer is refused in the service's words and stays where it is.
 */
function ReceiveField(p: { transfer: Transfer; onTransfer: (t: Transfer, said: string) => void }) {
  const [said, setSaid] = useState<Said>(null);
  return h(ScanField, {
    id: 'receive',
    title: t('office.transfers.receiveTitle'),
    label: t('office.transfers.receiveLabel'),
    submit: t('office.transfers.receiveSubmit'),
    hint: t('office.transfers.receiveHint'),
    logLabel: t('office.transfers.receiveLog'),
    said,
    onSaid: setSaid,
    send: async (code) => {
      try {
        const r = await call<{ transfer: Transfer }>('POST', `/transfers/${p.transfer.id}/receive`, { body: { assetTags: [code] } });
        const text = t('office.transfers.received', { code, count: formatNumber(r.transfer.missing.length) });
        p.onTransfer(r.transfer, r.transfer.status === 'closed' ? `${text} ${t('office.transfers.allAccounted')}` : text);
        return { ok: true, text };
      } catch (err) {
        return { ok: false, text: t('office.transfers.receiveRefused', { code, reason: err instanceof Refused ? problemReason(err.problem) : reasonOf(err) }) };
      }
    },
  });
}

/** The devices still on their way: after the box is scanned in, the ones not found in it. */
type Viewer = { role: Role; site: string };

/** A device's tag, linked to its page when the person sees the device where it is now (docs/domain.md §8). */
function tagLink(x: Transfer, line: Transfer['devices'][number], user: Viewer) {
  return deviceVisible(x, line, user) ? h('a', { href: hashFor('devices', line.assetTag) }, line.assetTag) : line.assetTag;
}

function Missing(p: { transfer: Transfer; user: Viewer }) {
  const { missing, status } = p.transfer;
  if (status !== 'open') return null;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'missing-title', 'data-testid': 'missing' },
    h('h2', { id: 'missing-title' }, t('office.transfers.missingTitle', { count: formatNumber(missing.length) })),
    h('p', { class: 'hint' }, t('office.transfers.missingHint')),
    h(
      'ul',
      { class: 'tag-list' },
      p.transfer.devices.filter((d) => missing.includes(d.assetTag)).map((d) => h('li', { key: d.assetTag, 'data-tag': d.assetTag }, tagLink(p.transfer, d, p.user))),
    ),
  );
}

function Lines(p: { transfer: Transfer; user: Viewer }) {
  const x = p.transfer;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'transfer-lines-title' },
    h('h2', { id: 'transfer-lines-title' }, t('office.transfers.devices')),
    h(
      'table',
      { class: 'table', 'data-testid': 'transfer-devices' },
      h('caption', null, t('office.transfers.devicesCaption', { count: x.devices.length })),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, t('office.transfers.tag')),
          h('th', { scope: 'col' }, t('office.transfers.device')),
          h('th', { scope: 'col' }, t('office.transfers.leftAs')),
          h('th', { scope: 'col' }, t('office.transfers.line')),
          h('th', { scope: 'col' }, t('office.transfers.settledAt')),
        ),
      ),
      h(
        'tbody',
        null,
        x.devices.map((d) =>
          h(
            'tr',
            { key: d.assetTag, 'data-tag': d.assetTag, 'data-state': d.state },
            h('th', { scope: 'row', class: 'nowrap-cell' }, tagLink(x, d, p.user)),
            h('td', null, `${tOr(`category.${d.category}`, d.category)} · ${d.make} ${d.model}`),
            h('td', null, tOr(`station.status.${d.fromStatus}`, d.fromStatus)),
            h('td', null, t(`office.transfers.line.${d.state}`)),
            h('td', { class: 'when' }, d.settledAt ? formatDate(d.settledAt) : '—'),
          ),
        ),
      ),
    ),
  );
}

function Facts(p: { transfer: Transfer; site: string }) {
  const x = p.transfer;
  const way = directionFor(x, p.site);
  const counts = lineCounts(x);
  const rows: Array<[string, string | null, string?]> = [
    [t('office.transfers.status'), t(`office.transfers.status.${x.status}`), 'status'],
    [t('office.transfers.direction'), way ? t(`office.transfers.direction.${way}`) : null, 'direction'],
    [t('office.transfers.from'), nameOfSite(x.fromSite)],
    [t('office.transfers.to'), nameOfSite(x.toSite)],
    [t('office.transfers.carrier'), x.carrier],
    [t('office.transfers.reference'), x.reference],
    [t('office.transfers.sentAt'), formatDate(x.sentAt)],
    [t('office.transfers.closedAt'), x.closedAt && formatDate(x.closedAt)],
    [t('office.transfers.line.received'), formatNumber(counts.received), 'received'],
    [t('office.transfers.line.in_transit'), formatNumber(counts.in_transit), 'in-transit'],
    [t('office.transfers.line.cancelled'), formatNumber(counts.cancelled), 'cancelled'],
    [t('office.transfers.line.written_off'), formatNumber(counts.written_off), 'written-off'],
  ];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'transfer-facts-title' },
    h('h2', { id: 'transfer-facts-title' }, t('office.transfers.record')),
    h(
      'dl',
      { class: 'facts' },
      rows.map(([label, value, testid]) => [h('dt', { key: `${label}-t` }, label), h('dd', { key: `${label}-d`, 'data-testid': testid }, value ?? '—')]),
    ),
  );
}

/** Calling back what is still on its way (POST /transfers/{id}/cancel), after a confirmation: it cannot be undone. */
function CallBack(p: { transfer: Transfer; onTransfer: (t: Transfer, said: string) => void }) {
  const [asked, setAsked] = useState(false);
  const yes = useRef<HTMLButtonElement>(null);
  const start = useRef<HTMLButtonElement>(null);
  // The focus follows the question: to its first answer when it is asked, back to the button when it is withdrawn.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    (asked ? yes : start).current?.focus();
  }, [asked]);
  const [said, setSaid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const count = lineCounts(p.transfer).in_transit;
  const cancel = async () => {
    setBusy(true);
    setSaid(null);
    try {
      p.onTransfer((await call<{ transfer: Transfer }>('POST', `/transfers/${p.transfer.id}/cancel`)).transfer, t('office.transfers.calledBack', { count }));
    } catch (err) {
      setSaid(reasonOf(err));
    } finally {
      setBusy(false);
    }
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'call-back-title' },
    h('h2', { id: 'call-back-title' }, t('office.transfers.callBack')),
    h('p', { class: 'hint' }, t('office.transfers.callBackHint', { count })),
    h(Message, { kind: 'refused', text: said }),
    asked
      ? h(
          'div',
          { class: 'form-buttons', role: 'group', 'aria-labelledby': 'call-back-confirm' },
          h('p', { id: 'call-back-confirm' }, t('office.transfers.callBackConfirm', { count })),
          h('button', { type: 'button', class: 'danger', ref: yes, 'data-testid': 'call-back-yes', disabled: busy, onClick: () => void cancel() }, t('office.transfers.callBackYes')),
          h('button', { type: 'button', class: 'secondary', onClick: () => setAsked(false) }, t('office.transfers.callBackNo')),
        )
      : h('button', { type: 'button', class: 'secondary', ref: start, 'data-testid': 'call-back', onClick: () => setAsked(true) }, t('office.transfers.callBack')),
  );
}
