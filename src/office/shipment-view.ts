/**
 * A shipment's page (`#/recycling/shipments/<id>`): its lines and totals;
 * while open, a scan field (a USB scanner types the tag and Enter: each code
 * is added, the field clears and keeps focus, and the result is said in a
 * live region), bulk lines, removing a line, and shipping; once shipped, the
 * recycler's confirmation; the manifest PDF at any time.
 */
import { h } from 'preact';
import { useState } from 'preact/hooks';
import { Refused } from '../client/api.js';
import { formatDate, formatNumber, formatWeight, t, tOr } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import { manifestName, type Shipment } from '../client/recycling.js';
import { problemSummary } from '../client/problems.js';
import { can } from '../modules/auth/permissions.js';
import { DocumentPanel } from './document-panel.js';
import { ScanField, type Said } from './scan-field.js';
import { useRead } from './use-read.js';
import { BulkLineForm, ConfirmForm } from './shipment-forms.js';
import { call, session } from './state.js';
import { Message, reasonOf } from './ui.js';


export function ShipmentView(p: { id: number }) {
  const [shipment, setShipment, error] = useRead(`/shipments/${p.id}`, (r: { shipment: Shipment }) => r.shipment);
  /** What the last scan or removal did: read out by the live region. */
  const [said, setSaid] = useState<Said>(null);
  const role = session.value?.user.role;
  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', { id: 'shipment-title' }, shipment ? t('office.recycling.shipmentTitle', { id: p.id, recycler: shipment.recycler.name }) : t('office.recycling.shipmentNo', { id: p.id })),
    h('a', { href: hashFor('recycling') }, t('office.recycling.back')),
  );
  if (!shipment) {
    return h('section', { 'aria-labelledby': 'shipment-title', 'aria-busy': error ? 'false' : 'true' }, head, h(Message, { kind: 'refused', text: error }), error ? null : h('p', { class: 'hint' }, t('office.loading')));
  }
  const open = shipment.status === 'open';
  const mayPrepare = open && role !== undefined && can(role, 'shipments:prepare');
  const remove = async (path: string, what: string) => {
    try {
      const r = await call<{ shipment: Shipment }>('DELETE', path);
      setShipment(r.shipment);
      setSaid({ kind: 'success', text: t('office.recycling.removed', { what }) });
    } catch (err) {
      setSaid({ kind: 'refused', text: t('office.recycling.removeRefused', { what, reason: reasonOf(err) }) });
    }
  };
  return h(
    'section',
    { class: 'shipment', 'aria-labelledby': 'shipment-title', 'data-shipment': shipment.id, 'data-status': shipment.status },
    head,
    h(Message, { kind: 'refused', text: error }),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'stack' },
        mayPrepare ? h(ShipmentScan, { shipment, onShipment: setShipment, said, onSaid: setSaid }) : null,
        shipment.status === 'shipped' && role && can(role, 'shipments:confirm') ? h(ConfirmForm, { shipment, onShipment: setShipment }) : null,
        h(Lines, { shipment, mayRemove: mayPrepare, onRemove: (path: string, what: string) => void remove(path, what) }),
        mayPrepare ? h(BulkLineForm, { shipment, onShipment: setShipment }) : null,
      ),
      h(
        'div',
        { class: 'stack' },
        h(Facts, { shipment }),
        open && role && can(role, 'shipments:ship') ? h(Ship, { shipment, onShipment: setShipment }) : null,
        h(Manifest, { id: shipment.id }),
      ),
    ),
  );
}

/** Each tag scanned is added to the shipment; a refusal is said in the service's words. */
function ShipmentScan(p: { shipment: Shipment; onShipment: (s: Shipment) => void; said: Said; onSaid: (s: Said) => void }) {
  return h(ScanField, {
    id: 'scan',
    title: t('office.recycling.scanTitle'),
    label: t('office.recycling.scanLabel'),
    submit: t('office.recycling.scanAdd'),
    hint: t('office.recycling.scanHint'),
    logLabel: t('office.recycling.scanLog'),
    said: p.said,
    onSaid: p.onSaid,
    send: async (code) => {
      try {
        const r = await call<{ shipment: Shipment }>('POST', `/shipments/${p.shipment.id}/devices`, { body: { assetTag: code } });
        p.onShipment(r.shipment);
        return { ok: true, text: t('office.recycling.scanAdded', { code }) };
      } catch (err) {
        return { ok: false, text: t('office.recycling.scanRefused', { code, reason: err instanceof Refused ? problemSummary(err.problem) : reasonOf(err) }) };
      }
    },
  });
}

function Lines(p: { shipment: Shipment; mayRemove: boolean; onRemove: (path: string, what: string) => void }) {
  const s = p.shipment;
  const removeButton = (path: string, what: string) =>
    p.mayRemove ? h('td', null, h('button', { type: 'button', class: 'secondary', 'aria-label': t('office.recycling.removeLabel', { what }), onClick: () => p.onRemove(path, what) }, t('office.recycling.remove'))) : null;
  const actionHead = p.mayRemove ? h('th', { scope: 'col' }, t('office.recycling.actions')) : null;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'lines-title' },
    h('h2', { id: 'lines-title' }, t('office.recycling.linesTitle')),
    s.devices.length === 0
      ? h('p', { class: 'hint', 'data-testid': 'no-devices' }, t('office.recycling.noDevices'))
      : h(
          'table',
          { class: 'table', 'data-testid': 'shipment-devices' },
          h('caption', null, t('office.recycling.devicesCaption', { count: formatNumber(s.devices.length) })),
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, t('office.recycling.tag')), h('th', { scope: 'col' }, t('office.recycling.category')), h('th', { scope: 'col', class: 'num' }, t('office.recycling.weight')), actionHead),
          ),
          h(
            'tbody',
            null,
            s.devices.map((d) =>
              h(
                'tr',
                { key: d.assetTag, 'data-tag': d.assetTag },
                h('th', { scope: 'row', class: 'nowrap-cell' }, h('a', { href: hashFor('devices', d.assetTag) }, d.assetTag)),
                h('td', null, tOr(`category.${d.category}`, d.category)),
                h('td', { class: 'num' }, formatWeight(d.weightGrams)),
                removeButton(`/shipments/${s.id}/devices/${encodeURIComponent(d.assetTag)}`, d.assetTag),
              ),
            ),
          ),
        ),
    s.bulkLines.length === 0
      ? null
      : h(
          'table',
          { class: 'table', 'data-testid': 'shipment-bulk' },
          h('caption', null, t('office.recycling.bulkCaption')),
          h(
            'thead',
            null,
            h('tr', null, h('th', { scope: 'col' }, t('office.recycling.bulkCategory')), h('th', { scope: 'col', class: 'num' }, t('office.recycling.units')), h('th', { scope: 'col', class: 'num' }, t('office.recycling.weight')), actionHead),
          ),
          h(
            'tbody',
            null,
            s.bulkLines.map((b) =>
              h(
                'tr',
                { key: b.id, 'data-line': b.id },
                h('th', { scope: 'row' }, b.category),
                h('td', { class: 'num' }, b.units === null ? '—' : formatNumber(b.units)),
                h('td', { class: 'num' }, formatWeight(b.weightGrams)),
                removeButton(`/shipments/${s.id}/bulk-lines/${b.id}`, b.category),
              ),
            ),
          ),
        ),
    h(
      'table',
      { class: 'table totals', 'data-testid': 'shipment-totals' },
      h('caption', null, t('office.recycling.totals')),
      h(
        'tbody',
        null,
        h('tr', null, h('th', { scope: 'row' }, t('office.recycling.deviceTotal', { count: formatNumber(s.totals.deviceUnits) })), h('td', { class: 'num' }, formatWeight(s.totals.deviceGrams))),
        h('tr', null, h('th', { scope: 'row' }, t('office.recycling.bulkTotal')), h('td', { class: 'num' }, formatWeight(s.totals.bulkGrams))),
        h('tr', { class: 'sum', 'data-total': 'grams' }, h('th', { scope: 'row' }, t('office.recycling.lineTotal')), h('td', { class: 'num' }, formatWeight(s.totals.grams))),
        s.receivedWeightGrams === null
          ? null
          : h('tr', { class: 'aside', 'data-total': 'received' }, h('th', { scope: 'row' }, t('office.recycling.receivedWeight')), h('td', { class: 'num' }, formatWeight(s.receivedWeightGrams))),
      ),
    ),
  );
}

function Facts(p: { shipment: Shipment }) {
  const s = p.shipment;
  const rows: Array<[string, string | null, string?]> = [
    [t('office.recycling.statusColumn'), t(`office.recycling.status.${s.status}`), 'status'],
    [t('office.recycling.recycler'), `${s.recycler.name} (${t(`office.recycling.certification.${s.recycler.certification}`)})`],
    [t('office.recycling.mode'), t(`office.recycling.mode.${s.mode}`)],
    [t('office.recycling.carrier'), s.carrier],
    [t('office.recycling.container'), s.containerNumber],
    [t('office.recycling.seal'), s.sealNumber],
    [t('office.recycling.billOfLading'), s.billOfLading],
    [t('office.recycling.opened'), formatDate(s.createdAt)],
    [t('office.recycling.shippedAt'), s.shippedAt && formatDate(s.shippedAt)],
    [t('office.recycling.certificateNumber'), s.certificateNumber, 'certificate'],
    [t('office.recycling.receivedAt'), s.receivedAt && formatDate(s.receivedAt)],
  ];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'shipment-facts-title' },
    h('h2', { id: 'shipment-facts-title' }, t('office.recycling.record')),
    h(
      'dl',
      { class: 'facts' },
      rows.map(([label, value, testid]) => [h('dt', { key: `${label}-t` }, label), h('dd', { key: `${label}-d`, 'data-testid': testid }, value ?? '—')]),
    ),
  );
}

function Ship(p: { shipment: Shipment; onShipment: (s: Shipment) => void }) {
  const [said, setSaid] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ship = async () => {
    setBusy(true);
    setSaid(null);
    try {
      const r = await call<{ shipment: Shipment }>('POST', `/shipments/${p.shipment.id}/ship`);
      p.onShipment(r.shipment);
    } catch (err) {
      setSaid(reasonOf(err));
    } finally {
      setBusy(false);
    }
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'ship-title' },
    h('h2', { id: 'ship-title' }, t('office.recycling.shipTitle')),
    h('p', { class: 'hint' }, t('office.recycling.shipHint')),
    h(Message, { kind: 'refused', text: said }),
    h('button', { type: 'button', class: 'primary', 'data-testid': 'ship', disabled: busy, onClick: () => void ship() }, t('office.recycling.ship')),
  );
}

function Manifest(p: { id: number }) {
  return h(DocumentPanel, {
    id: 'manifest',
    title: t('office.recycling.manifest'),
    hint: t('office.recycling.manifestHint'),
    button: t('office.recycling.manifestSave'),
    path: `/shipments/${p.id}/manifest.pdf`,
    fallbackName: manifestName(p.id),
    saved: (name) => t('office.recycling.saved', { name }),
  });
}
