/**
 * A donation's asset list on its page: devices listed, received and missing
 * (the missing ones named), and the upload of the donor's CSV for those who
 * may record donations.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { AssetListEntry, Donation } from '../client/donations.js';
import { formatNumber, t } from '../client/i18n.js';
import { can } from '../modules/auth/permissions.js';
import { get, session } from './state.js';
import { Message, reasonOf } from './ui.js';

interface Problem {
  detail?: string;
  errors?: Array<{ field: string; message: string }>;
}

async function upload(donationId: number, file: Blob, skipInvalid: boolean): Promise<{ donation: Donation; added: number; skipped: Array<{ line: number; message: string }> } | { problem: Problem }> {
  const res = await fetch(`/api/v1/donations/${donationId}/asset-list${skipInvalid ? '?skipInvalid=true' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', accept: 'application/json, application/problem+json', ...(session.value ? { authorization: `Bearer ${session.value.token}` } : {}) },
    body: file,
    cache: 'no-store',
  });
  const body: unknown = await res.json().catch(() => ({}));
  return res.ok ? (body as { donation: Donation; added: number; skipped: Array<{ line: number; message: string }> }) : { problem: body as Problem };
}

export function AssetList(p: { donation: Donation; onUploaded: (d: Donation) => void }) {
  const d = p.donation;
  const [entries, setEntries] = useState<AssetListEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; rows: string[]; kind: 'success' | 'refused' } | null>(null);
  const [skipInvalid, setSkip] = useState(false);
  const role = session.value?.user.role;
  const mayUpload = role !== undefined && can(role, 'donations:record');
  const counts = d.assetList;
  useEffect(() => {
    if (!counts) return setEntries([]);
    get<{ items: AssetListEntry[] }>(`/donations/${d.id}/asset-list`).then(
      (r) => setEntries(r.items),
      (err: unknown) => setError(reasonOf(err)),
    );
  }, [d.id, counts?.expected, counts?.received]);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const answer = await upload(d.id, file, skipInvalid);
      if ('problem' in answer) {
        setResult({ kind: 'refused', text: answer.problem.detail ?? t('office.assetList.refused'), rows: (answer.problem.errors ?? []).map((e) => `${e.field}: ${e.message}`) });
        return;
      }
      setResult({ kind: 'success', text: t('office.assetList.added', { added: answer.added, skipped: answer.skipped.length }), rows: answer.skipped.map((s) => `line ${s.line}: ${s.message}`) });
      p.onUploaded(answer.donation);
    } catch (err) {
      setResult({ kind: 'refused', text: reasonOf(err), rows: [] });
    }
  };

  const missing = (entries ?? []).filter((e) => e.receivedAs === null);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'asset-list-title', 'data-testid': 'asset-list' },
    h('h2', { id: 'asset-list-title' }, t('office.assetList.title')),
    h(Message, { kind: 'refused', text: error }),
    counts
      ? h(
          'dl',
          { class: 'facts' },
          h('dt', null, t('office.assetList.expected')),
          h('dd', { 'data-testid': 'asset-list-expected' }, formatNumber(counts.expected)),
          h('dt', null, t('office.assetList.received')),
          h('dd', { 'data-testid': 'asset-list-received' }, formatNumber(counts.received)),
          h('dt', null, t('office.assetList.missing')),
          h('dd', { 'data-testid': 'asset-list-missing' }, formatNumber(counts.missing)),
        )
      : h('p', { class: 'hint' }, t('office.assetList.none')),
    missing.length > 0
      ? h(
          'table',
          { class: 'table', 'data-testid': 'asset-list-missing-table' },
          h('caption', null, t('office.assetList.missingTitle')),
          h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('office.assetList.serial')), h('th', { scope: 'col' }, t('office.donations.makeModel')), h('th', { scope: 'col' }, t('office.assetList.donorTag')))),
          h(
            'tbody',
            null,
            missing.map((e) => h('tr', { key: e.serialNumber, 'data-serial': e.serialNumber }, h('th', { scope: 'row' }, e.serialNumber), h('td', null, [e.make, e.model].filter(Boolean).join(' ') || '—'), h('td', null, e.donorAssetTag ?? '—'))),
          ),
        )
      : null,
    mayUpload
      ? h(
          'div',
          { class: 'asset-list-upload' },
          h('label', null, t('office.assetList.upload'), ' ', h('input', { type: 'file', accept: '.csv,text/csv', 'data-testid': 'asset-list-file', onChange: (e: Event) => void onFile((e.currentTarget as HTMLInputElement).files?.[0]) })),
          h('p', { class: 'hint' }, t('office.assetList.uploadHint')),
          h('label', { class: 'check' }, h('input', { type: 'checkbox', checked: skipInvalid, onChange: (e: Event) => setSkip((e.currentTarget as HTMLInputElement).checked) }), ' ', t('office.assetList.skipInvalid')),
        )
      : null,
    result ? h('div', { 'data-testid': 'asset-list-result' }, h(Message, { kind: result.kind, text: result.text }), result.rows.length > 0 ? h('ul', null, result.rows.slice(0, 50).map((r) => h('li', { key: r }, r))) : null) : null,
  );
}
