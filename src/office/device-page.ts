/** A device's page: what it is, its drives and their wipes, its history (newest first), what the role may do with it now, and its documents. */
import { h, type ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { deviceOffers, eventDetails, eventName, holderOf, newestFirst, participantOf, specsText, type Device, type HistoryEvent } from '../client/devices.js';
import { formatDate, formatNumber, formatWeight, t, tOr } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import { DeviceActions, DeviceDocuments } from './device-actions.js';
import { get, session } from './state.js';
import { Message, reasonOf } from './ui.js';

const status = (s: string) => tOr(`station.status.${s}`, s);
const participantLink = (code: string) => h('a', { href: hashFor('participants', code) }, code);

export function DevicePage(p: { tag: string }) {
  const [device, setDevice] = useState<Device | null>(null);
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loads, setLoads] = useState(0);
  const role = session.value?.user.role;
  const path = `/devices/${encodeURIComponent(p.tag)}`;
  useEffect(() => {
    let live = true;
    get<{ device: Device }>(path).then(
      (r) => live && setDevice(r.device),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    get<{ events: HistoryEvent[] }>(`${path}/history`).then(
      (r) => live && setEvents(newestFirst(r.events)),
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, [p.tag, loads]);

  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', { id: 'device-title' }, t('office.devices.one', { tag: device?.assetTag ?? p.tag })),
    h('a', { href: hashFor('devices') }, t('office.devices.back')),
  );
  if (!device || !role) {
    return h('section', { 'aria-labelledby': 'device-title', 'aria-busy': error ? 'false' : 'true' }, head, h(Message, { kind: 'refused', text: error }), error ? null : h('p', { class: 'hint' }, t('office.loading')));
  }
  const offers = deviceOffers(device, role);
  const holder = events && offers.holders ? holderOf(device, events) : null;
  const changed = (next: Device) => {
    setDevice(next);
    setLoads((n) => n + 1);
  };
  return h(
    'section',
    { class: 'device', 'aria-labelledby': 'device-title', 'data-tag': device.assetTag, 'data-status': device.status },
    head,
    h(Message, { kind: 'refused', text: error }),
    device.flags.includes('recall') ? h('p', { class: 'message message-refused', role: 'note', 'data-flag': 'recall' }, t('station.card.recall')) : null,
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        { class: 'stack' },
        h(Facts, { device, holder }),
        h(Drives, { device }),
        h(History, { events, holders: offers.holders }),
      ),
      h('div', { class: 'stack' }, h(DeviceActions, { device, offers, onChanged: changed }), h(DeviceDocuments, { device, offers })),
    ),
  );
}

function Facts(p: { device: Device; holder: string | null }) {
  const d = p.device;
  const specs = specsText(d.specs);
  const row = (label: string, value: ComponentChildren, name: string) => [h('dt', { key: `${name}-t` }, label), h('dd', { key: `${name}-d`, 'data-item': name }, value)];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'device-facts-title' },
    h('h2', { id: 'device-facts-title' }, t('office.devices.record')),
    h(
      'dl',
      { class: 'facts' },
      row(t('office.devices.status'), [status(d.status), ' ', h('span', { class: 'hint' }, t('office.devices.since', { date: formatDate(d.statusChangedAt) }))], 'status'),
      p.holder ? row(t('office.devices.heldBy'), participantLink(p.holder), 'holder') : null,
      row(t('office.devices.grade'), d.grade && d.gradedAt ? t('office.devices.gradedOn', { grade: tOr(`station.grade.${d.grade}`, d.grade), date: formatDate(d.gradedAt) }) : t('office.devices.notGraded'), 'grade'),
      d.flags.length > 0 ? row(t('office.devices.flags'), d.flags.map((f) => tOr(`office.devices.flag.${f}`, f)).join(', '), 'flags') : null,
      row(t('station.device.category'), tOr(`category.${d.category}`, d.category), 'category'),
      row(t('station.device.make'), d.make, 'make'),
      row(t('station.device.model'), d.model, 'model'),
      row(t('station.device.serial'), d.serialNumber, 'serial'),
      row(t('station.device.specs'), specs || '—', 'specs'),
      row(
        t('office.devices.weight'),
        d.weightSource === 'measured' ? t('office.devices.weightMeasured', { weight: formatWeight(d.weightGrams) }) : t('office.devices.weightDefault', { weight: formatWeight(d.weightGrams) }),
        'weight',
      ),
      row(t('station.device.donation'), d.donationId === null ? '—' : h('a', { href: hashFor('donations', String(d.donationId)) }, t('office.devices.donationLink', { id: d.donationId })), 'donation'),
      row(t('station.device.location'), d.location ?? '—', 'location'),
      row(t('office.devices.cycle'), formatNumber(d.custodyCycle), 'cycle'),
      d.notes ? row(t('station.device.notes'), d.notes, 'notes') : null,
    ),
  );
}

function Drives(p: { device: Device }) {
  const d = p.device;
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'drives-title' },
    h('h2', { id: 'drives-title' }, t('office.devices.drives')),
    d.storage.length === 0
      ? h('p', { class: 'hint', 'data-testid': 'no-drives' }, d.noStorageConfirmed ? t('station.card.noStorageConfirmed') : t('office.devices.noDrives'))
      : h(
          'table',
          { class: 'table drives', 'data-testid': 'drives' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, t('station.drive.serial')),
              h('th', { scope: 'col' }, t('station.drive.kind')),
              h('th', { scope: 'col', class: 'num' }, t('station.drive.capacity')),
              h('th', { scope: 'col' }, t('office.devices.wipe')),
              h('th', { scope: 'col' }, t('office.devices.lastWipe')),
              h('th', { scope: 'col' }, t('office.devices.check')),
            ),
          ),
          h(
            'tbody',
            null,
            d.storage.map((s) =>
              h(
                'tr',
                { key: s.serialNumber, 'data-drive': s.serialNumber, 'data-state': s.sanitizationState, 'data-check': s.verification ?? 'none' },
                h('th', { scope: 'row' }, s.serialNumber, s.model ? h('span', { class: 'hint' }, ` · ${s.model}`) : null),
                h('td', null, tOr(`station.driveKind.${s.kind}`, s.kind)),
                h('td', { class: 'num' }, s.capacityGb === null ? '—' : formatNumber(s.capacityGb)),
                h('td', { class: `wipe wipe-${s.sanitizationState}` }, tOr(`station.state.${s.sanitizationState}`, s.sanitizationState)),
                h('td', { class: 'when' }, s.lastSanitizationAt ? formatDate(s.lastSanitizationAt) : '—'),
                h('td', { class: `check check-${s.verification ?? 'none'}` }, s.verification ? tOr(`station.check.state.${s.verification}`, s.verification) : t('office.devices.notDrawn')),
              ),
            ),
          ),
        ),
  );
}

function History(p: { events: HistoryEvent[] | null; holders: boolean }) {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'history-title', 'aria-busy': p.events ? 'false' : 'true' },
    h('h2', { id: 'history-title' }, t('office.devices.history')),
    !p.events
      ? h('p', { class: 'hint' }, t('office.loading'))
      : p.events.length === 0
        ? h('p', { class: 'hint' }, t('office.devices.noHistory'))
        : h(
            'table',
            { class: 'table history', 'data-testid': 'history' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, t('office.devices.when')),
                h('th', { scope: 'col' }, t('office.devices.what')),
                h('th', { scope: 'col' }, t('office.devices.statusChange')),
                h('th', { scope: 'col' }, t('office.devices.who')),
              ),
            ),
            h(
              'tbody',
              null,
              p.events.map((e) => {
                const details = eventDetails(e);
                const code = p.holders ? participantOf(e) : null;
                return h(
                  'tr',
                  { key: e.id, 'data-action': e.action },
                  h('td', { class: 'when' }, formatDate(e.at)),
                  h('th', { scope: 'row' }, eventName(e), details.length > 0 ? h('span', { class: 'hint' }, ` · ${details.join(' · ')}`) : null, code ? [' · ', participantLink(code)] : null),
                  h('td', { class: 'change' }, e.toStatus && e.toStatus !== e.fromStatus ? (e.fromStatus ? `${status(e.fromStatus)} → ${status(e.toStatus)}` : status(e.toStatus)) : '—'),
                  h('td', { class: 'who' }, e.actor?.username ?? '—'),
                );
              }),
            ),
          ),
  );
}
