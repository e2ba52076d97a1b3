/**
 * What the role may do with a device in its status (from its allowedActions,
 * src/client/devices.ts): issue and take back are links to the Loans forms;
 * sending to recycling and writing off ask for a reason and a confirmation
 * here. And the device's documents: labels and the sanitization certificate.
 */
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { newKey, Refused } from '../client/api.js';
import type { Device, DeviceOffers } from '../client/devices.js';
import { t, tOr } from '../client/i18n.js';
import { hashFor } from '../client/office-pages.js';
import { formProblem } from '../client/problems.js';
import { saveApiFile } from './download.js';
import { call, get } from './state.js';
import { Message, SelectField, TextField, reasonOf } from './ui.js';

type ReasonAction = 'recycle' | 'write-off';

export function DeviceActions(p: { device: Device; offers: DeviceOffers; onChanged: (d: Device) => void }) {
  const [open, setOpen] = useState<ReasonAction | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { device, offers } = p;
  const tag = device.assetTag;
  const any = offers.issue || offers.takeBack || offers.recycle || offers.writeOff;
  const changed = (d: Device) => {
    setOpen(null);
    setDone(t('office.devices.changed', { tag: d.assetTag, status: tOr(`station.status.${d.status}`, d.status) }));
    p.onChanged(d);
  };
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'device-actions-title', 'data-testid': 'device-actions' },
    h('h2', { id: 'device-actions-title' }, t('office.devices.actions')),
    h(Message, { kind: 'success', text: done }),
    any ? null : h('p', { class: 'hint', 'data-testid': 'no-actions' }, t('office.devices.noActions')),
    h(
      'div',
      { class: 'actions', hidden: !(offers.issue || offers.takeBack || (offers.recycle && open !== 'recycle') || (offers.writeOff && open !== 'write-off')) },
      offers.issue ? h('a', { class: 'button primary', href: hashFor('loans', 'issue', { tag }), 'data-action': 'issue' }, t('station.action.issue')) : null,
      offers.takeBack ? h('a', { class: 'button primary', href: hashFor('loans', 'return', { tag }), 'data-action': 'return' }, t('station.action.return')) : null,
      offers.recycle && open !== 'recycle'
        ? h('button', { type: 'button', class: 'secondary', 'data-action': 'recycle', onClick: () => setOpen('recycle') }, t('station.action.recycle'))
        : null,
      offers.writeOff && open !== 'write-off'
        ? h('button', { type: 'button', class: 'secondary', 'data-action': 'write-off', onClick: () => setOpen('write-off') }, t('station.action.write_off'))
        : null,
    ),
    open ? h(ReasonForm, { key: open, action: open, tag, onDone: changed, onCancel: () => setOpen(null) }) : null,
  );
}

const FORMS = {
  recycle: { hint: 'office.devices.recycleHint', label: 'office.devices.recycleReason', confirm: 'office.devices.recycleConfirm', danger: false },
  'write-off': { hint: 'office.devices.writeOffHint', label: 'office.devices.writeOffReason', confirm: 'office.devices.writeOffConfirm', danger: true },
} as const;

/** The reason and the confirmation; the service's refusal of the reason sits beside it. */
function ReasonForm(p: { action: ReasonAction; tag: string; onDone: (d: Device) => void; onCancel: () => void }) {
  const [reason, setReason] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(newKey);
  const spec = FORMS[p.action];
  const form = `${p.action}-form`;
  useEffect(() => {
    document.getElementById(`${form}-reason`)?.focus();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setFieldError(undefined);
    setGeneral(null);
    try {
      // The reason goes as typed: an empty one is the service's to refuse, in its own words.
      const r = await call<{ device: Device }>('POST', `/devices/${encodeURIComponent(p.tag)}/${p.action}`, { body: { reason }, idempotencyKey: key });
      p.onDone(r.device);
    } catch (err) {
      if (err instanceof Refused) {
        const fp = formProblem(err.problem, ['reason']);
        setFieldError(fp.fields['reason']);
        setGeneral(fp.general);
      } else setGeneral(reasonOf(err));
    } finally {
      setBusy(false);
    }
  };
  return h(
    'form',
    { class: 'user-form reason-form', 'data-testid': form, onSubmit: submit, noValidate: true },
    h('p', { class: 'hint' }, t(spec.hint)),
    h(Message, { kind: 'refused', text: general }),
    h(TextField, { form, name: 'reason', label: t(spec.label), value: reason, onInput: setReason, error: fieldError, autocomplete: 'off' }),
    h(
      'div',
      { class: 'inline' },
      h('button', { type: 'submit', class: spec.danger ? 'danger' : 'primary', disabled: busy }, t(spec.confirm, { tag: p.tag })),
      h('button', { type: 'button', class: 'secondary', onClick: p.onCancel }, t('office.devices.cancel')),
    ),
  );
}

interface Template {
  id: string;
  name: string;
}

export function DeviceDocuments(p: { device: Device; offers: DeviceOffers }) {
  const { device, offers } = p;
  const [templates, setTemplates] = useState<Template[]>([]);
  const [template, setTemplate] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!offers.assetLabel) return;
    let live = true;
    get<{ templates: Template[] }>('/label-templates').then(
      (r) => {
        if (!live) return;
        setTemplates(r.templates);
        setTemplate(r.templates[0]?.id ?? '');
      },
      (err: unknown) => live && setError(reasonOf(err)),
    );
    return () => {
      live = false;
    };
  }, [offers.assetLabel]);
  const base = `/devices/${encodeURIComponent(device.assetTag)}`;
  const save = async (path: string, fallback: string) => {
    setSaved(null);
    setError(null);
    try {
      setSaved(t('office.devices.downloaded', { file: await saveApiFile(path, fallback) }));
    } catch (err) {
      setError(reasonOf(err));
    }
  };
  const label = (kind: 'asset' | 'spec') => void save(`${base}/label?${new URLSearchParams({ template, format: 'pdf', kind }).toString()}`, `label-${device.assetTag}.pdf`);
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': 'device-documents-title', 'data-testid': 'device-documents' },
    h('h2', { id: 'device-documents-title' }, t('office.devices.documents')),
    h(Message, { kind: 'success', text: saved }),
    h(Message, { kind: 'refused', text: error }),
    h(
      'div',
      { class: 'stack' },
      offers.certificate
        ? h('button', { type: 'button', class: 'secondary', 'data-action': 'certificate', onClick: () => void save(`${base}/certificate.pdf`, `certificate-${device.assetTag}.pdf`) }, t('office.devices.certificate'))
        : h('p', { class: 'hint', 'data-testid': 'no-certificate' }, t('office.devices.noCertificate')),
      offers.assetLabel && templates.length > 0
        ? [
            h(SelectField, { key: 'stock', form: 'label', name: 'template', label: t('office.devices.labelStock'), value: template, onChange: setTemplate, options: templates.map((x) => ({ value: x.id, label: tOr(`label.template.${x.id}`, x.name) })) }),
            h(
              'div',
              { key: 'labels', class: 'inline' },
              h('button', { type: 'button', class: 'secondary', 'data-action': 'asset-label', onClick: () => label('asset') }, t('office.devices.assetLabel')),
              offers.specLabel ? h('button', { type: 'button', class: 'secondary', 'data-action': 'spec-label', onClick: () => label('spec') }, t('office.devices.specLabel')) : null,
            ),
          ]
        : null,
    ),
  );
}
