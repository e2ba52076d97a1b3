/**
 * A donation's page (`#/donations/<id>`): the donor, date and contact, the
 * devices taken in against it (GET /devices?donationId=) with received
 * against expected, and its certificate of data sanitization.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { certificateName, donationDevicesPath, receivedOf, type DonatedDevice, type Donation } from '../client/donations.js';
import { formatDate, formatNumber, formatWeight, t, tOr } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import { can } from '../modules/auth/permissions.js';
import { DocumentPanel } from './document-panel.js';
import { useRead } from './use-read.js';
import { get, session } from './state.js';
import { AssetList } from './asset-list-panel.js';
import { Message, reasonOf } from './ui.js';

/** "2 of 3", or the count alone when the donor announced none. */
export function receivedText(d: Pick<Donation, 'deviceCount' | 'expectedDevices'>): string {
  const r = receivedOf(d);
  return r.expected === null ? formatNumber(r.received) : t('office.donations.receivedOf', { received: formatNumber(r.received), expected: formatNumber(r.expected) });
}

export function DonationView(p: { id: number }) {
  const [donation, setDonation, readError] = useRead(`/donations/${p.id}`, (r: { donation: Donation }) => r.donation);
  const [devices, setDevices] = useState<{ items: DonatedDevice[]; next: string | null } | null>(null);
  const [devicesError, setError] = useState<string | null>(null);
  const error = readError ?? devicesError;
  const load = async (cursor: string | null) => {
    try {
      const page = await get<{ items: DonatedDevice[]; nextCursor: string | null }>(donationDevicesPath(p.id, cursor));
      setDevices((d) => ({ items: cursor ? [...(d?.items ?? []), ...page.items] : page.items, next: page.nextCursor }));
    } catch (err) {
      setError(reasonOf(err));
    }
  };
  useEffect(() => {
    void load(null);
  }, [p.id]);

  const head = h(
    'div',
    { class: 'page-head' },
    h('h1', { id: 'donation-title' }, donation ? t('office.donations.one', { donor: donation.donorName }) : t('office.donations.oneId', { id: p.id })),
    h('a', { href: hashFor('donations') }, t('office.donations.back')),
  );
  if (!donation) {
    return h('section', { 'aria-labelledby': 'donation-title', 'aria-busy': error ? 'false' : 'true' }, head, h(Message, { kind: 'refused', text: error }), error ? null : h('p', { class: 'hint' }, t('office.loading')));
  }
  return h(
    'section',
    { class: 'donation', 'aria-labelledby': 'donation-title', 'data-donation': donation.id },
    head,
    h(Message, { kind: 'refused', text: error }),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'panel', 'aria-labelledby': 'donation-devices-title', 'aria-busy': devices ? 'false' : 'true' },
        h('h2', { id: 'donation-devices-title' }, t('office.donations.devicesTitle')),
        h(Received, { donation }),
        devices ? h(DeviceTable, { items: devices.items }) : h('p', { class: 'hint' }, t('office.loading')),
        devices?.next ? h('button', { type: 'button', class: 'secondary', onClick: () => void load(devices.next) }, t('office.donations.more')) : null,
      ),
      h('div', { class: 'stack' }, h(Facts, { donation }), h(AssetList, { donation, onUploaded: setDonation }), h(Certificate, { id: donation.id })),
    ),
  );
}

function Received(p: { donation: Donation }) {
  const r = receivedOf(p.donation);
  return h(
    'p',
    { class: r.complete || r.expected === null ? 'received' : 'received pending', 'data-testid': 'received' },
    h('strong', null, t('office.donations.received')),
    ' ',
    h('span', { 'data-testid': 'received-count' }, receivedText(p.donation)),
    r.expected !== null && !r.complete ? h('span', { class: 'hint' }, ' ', t('office.donations.stillExpected', { count: r.expected - r.received })) : null,
  );
}

function Facts(p: { donation: Donation }) {
  const d = p.donation;
  const row = (label: string, value: string | null, testid?: string) => [h('dt', { key: `${label}-t` }, label), h('dd', { key: `${label}-d`, 'data-testid': testid }, value ?? '—')];
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'donation-facts-title' },
    h('h2', { id: 'donation-facts-title' }, t('office.donations.record')),
    h(
      'dl',
      { class: 'facts' },
      row(t('office.donations.donor'), d.donorName),
      row(t('office.donations.donorType'), tOr(`office.donations.type.${d.donorType}`, d.donorType)),
      row(t('office.donations.receivedAt'), formatDate(d.receivedAt)),
      row(t('office.donations.notes'), d.notes),
      row(t('office.donations.contactName'), d.contact?.name ?? null, 'contact-name'),
      row(t('office.donations.contactEmail'), d.contact?.email ?? null, 'contact-email'),
      row(t('office.donations.contactPhone'), d.contact?.phone ?? null, 'contact-phone'),
    ),
  );
}

function Certificate(p: { id: number }) {
  const role = session.value?.user.role;
  if (!role || !can(role, 'certificates:read')) return null;
  return h(DocumentPanel, {
    id: 'certificate',
    title: t('office.donations.certificate'),
    hint: t('office.donations.certificateHint'),
    button: t('office.donations.certificateSave'),
    path: `/donations/${p.id}/certificate.pdf`,
    fallbackName: certificateName(p.id),
    saved: (name) => t('office.donations.saved', { name }),
  });
}

function DeviceTable(p: { items: DonatedDevice[] }) {
  if (p.items.length === 0) return h('p', { class: 'hint', 'data-testid': 'no-devices' }, t('office.donations.noDevices'));
  return h(
    'table',
    { class: 'table', 'data-testid': 'donation-devices' },
    h('caption', { class: 'visually-hidden' }, t('office.donations.devicesTitle')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('office.donations.tag')),
        h('th', { scope: 'col' }, t('office.donations.category')),
        h('th', { scope: 'col' }, t('office.donations.makeModel')),
        h('th', { scope: 'col' }, t('office.donations.status')),
        h('th', { scope: 'col', class: 'num' }, t('office.donations.weight')),
      ),
    ),
    h(
      'tbody',
      null,
      p.items.map((d) =>
        h(
          'tr',
          { key: d.assetTag, 'data-tag': d.assetTag },
          h('th', { scope: 'row', class: 'nowrap-cell' }, h('a', { href: hashFor('devices', d.assetTag) }, d.assetTag)),
          h('td', null, tOr(`category.${d.category}`, d.category)),
          h('td', null, `${d.make} ${d.model}`),
          h('td', null, tOr(`station.status.${d.status}`, d.status)),
          h('td', { class: 'num' }, formatWeight(d.weightGrams)),
        ),
      ),
    ),
  );
}
