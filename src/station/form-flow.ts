/** An action form on screen: opened from the card or an unknown code, sent (or kept) through the outbox, its answer shown. */
import { newKey, type Problem } from '../client/api.js';
import { fieldReason } from '../client/problems.js';
import type { Outgoing } from '../client/sync.js';
import { openRepairId } from './card.js';
import { refreshDevice, showDevice } from './device-reads.js';
import { h, replaceChildren } from './dom.js';
import { actionForm, type FormSpec, type StationAction } from './forms.js';
import { t } from './i18n.js';
import { nav } from './nav.js';
import { openPdf } from './printing.js';
import { refreshQueue, sync } from './queue.js';
import { saveSettings } from './settings.js';
import { serverNow, state } from './state.js';
import type { Device, IssueResponse } from './types.js';
import { focusScan, problemText, regions, signal } from './ui.js';

export function openAction(action: StationAction): void {
  const { shown } = state;
  if (!shown) return;
  openForm(actionForm(action, shown.device, { settings: state.settings, openRepairId: openRepairId(shown.events), now: serverNow }));
}

export function openForm(spec: FormSpec): void {
  const main = regions.main;
  if (!main) return;
  state.formOpen = true;
  // One key per request: a double click, or a resend after no answer, is one request to the server.
  // A definite refusal was not applied, so what is sent after it is a new request with a new key.
  const request = { key: newKey() };
  const submit = h('button', { class: 'primary', attrs: { type: 'submit', disabled: spec.blocked ?? false }, text: spec.submitLabel });
  const form = h(
    'form',
    { class: `action-form form-${spec.action}`, attrs: { 'data-form': spec.action, novalidate: false } },
    h('h2', { text: spec.title }),
    spec.subject ? h('p', { class: 'form-device', text: spec.subject }) : null,
    spec.fields,
    h(
      'div',
      { class: 'form-buttons' },
      submit,
      h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'cancel' }, text: t('station.form.cancel'), on: { click: closeForm } }),
    ),
  );
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeForm();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (spec.blocked) return;
    submit.disabled = true;
    void submitForm(spec, form, request).finally(() => (submit.disabled = false));
  });
  replaceChildren(main, form);
  form.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea')?.focus();
}

function closeForm(): void {
  state.formOpen = false;
  nav.showMain();
  focusScan();
}

/** Puts each field problem next to its field; returns how many landed on a field of this form. */
function markFieldErrors(form: HTMLFormElement, problem: Problem): number {
  form.querySelectorAll('.field-error').forEach((el) => (el.textContent = ''));
  form.querySelectorAll('.invalid').forEach((el) => el.classList.remove('invalid'));
  let marked = 0;
  for (const e of problem.errors ?? []) {
    const name = e.field.replace(/^body\./, '');
    const holder = form.querySelector(`[data-field="${CSS.escape(name)}"]`) ?? form.querySelector(`[data-field^="${CSS.escape(name)}."]`);
    if (!holder) continue;
    holder.classList.add('invalid');
    holder.closest('details')?.setAttribute('open', '');
    const slot = holder.querySelector('.field-error');
    if (slot) slot.textContent = fieldReason(e.message);
    marked++;
  }
  // The next key typed goes to what needs fixing, not into the void.
  form.querySelector<HTMLElement>('.invalid input, .invalid select, .invalid textarea')?.focus();
  return marked;
}

async function submitForm(spec: FormSpec, form: HTMLFormElement, request: { key: string }): Promise<void> {
  const as = state.session;
  if (!as) return;
  const out: Outgoing = { path: spec.path, body: spec.body(form), key: request.key, what: spec.what, assetTag: spec.assetTag };
  // The user may have moved on (cancelled, scanned something else) before the answer came.
  const stillOpen = () => form.isConnected && state.session === as;
  const sent = await sync.post<{ device?: Device; issuance?: IssueResponse['issuance'] }>(as, out, 'action');
  if (sent.outcome === 'kept' || sent.outcome === 'answered' || sent.outcome === 'applied') {
    spec.remember?.(form);
    saveSettings(state.settings);
  }
  switch (sent.outcome) {
    case 'not_kept':
    case 'ended':
      return;
    case 'kept':
      signal('queued', t('station.form.queued', { what: spec.what }));
      if (stillOpen()) closeForm();
      return;
    case 'applied':
      signal('success', t('station.form.done', { what: spec.what }));
      if (stillOpen() && spec.assetTag) await refreshDevice(spec.assetTag);
      if (stillOpen()) closeForm();
      return;
    case 'answered': {
      const res = sent.body;
      const done = spec.action === 'intake' && res.device ? t('station.intake.done', { tag: res.device.assetTag }) : t('station.form.done', { what: spec.what });
      if (!stillOpen()) return signal('success', done);
      if (res.device) await showDevice(res.device);
      state.formOpen = false;
      nav.showMain();
      if (res.issuance) showHandover(res.issuance.id);
      signal('success', done);
      return focusScan();
    }
    case 'refused': {
      const p = sent.problem;
      request.key = newKey();
      // The user has moved on: the refusal stays listed, with its reason, until someone has seen it.
      if (!stillOpen()) {
        const listed = await sync.refuseLater(sent.seq, p);
        signal('refused', t('station.form.refusedLater', { what: out.what }), problemText(p));
        if (listed) await refreshQueue();
        return;
      }
      await sync.settle(sent.seq);
      // Something entered can be put right (the problem names a field of this form): the form stays.
      if (markFieldErrors(form, p) > 0) return signal('refused', problemText(p));
      // The device moved on (another station, a stale card): show it as it is now.
      if (spec.assetTag) await refreshDevice(spec.assetTag);
      if (!stillOpen()) return signal('refused', problemText(p));
      state.formOpen = false;
      nav.showMain();
      focusScan();
      signal('refused', problemText(p));
    }
  }
}

function showHandover(issuanceId: number): void {
  regions.main?.prepend(
    h(
      'div',
      { class: 'handover' },
      h('p', { text: t('station.issue.printHandover') }),
      h('button', { class: 'primary', attrs: { type: 'button', 'data-print': 'handover' }, text: t('station.print.handover'), on: { click: () => void openPdf(`/api/v1/issuances/${issuanceId}/handover.pdf`) } }),
    ),
  );
}
