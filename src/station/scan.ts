/** A scan: the card of the device scanned, the cached card when the server does not answer, or what to do with an unknown code. */
import { newKey } from '../client/api.js';
import { mayIntake as roleMayIntake } from '../client/roles.js';
import type { Outgoing } from '../client/sync.js';
import { parseTag } from '../modules/asset-tags/asset-tag.js';
import { history, refreshDevice } from './device-reads.js';
import { h, replaceChildren } from './dom.js';
import { openForm } from './form-flow.js';
import { intakeForm } from './forms.js';
import { t, tOr } from './i18n.js';
import { nav } from './nav.js';
import { sync } from './queue.js';
import { call, state } from './state.js';
import type { Device, HistoryEvent, ScanResponse } from './types.js';
import { focusScan, problemText, regions, signal } from './ui.js';

/** A URL printed in a QR code ends in the tag; the scan endpoint accepts it as it is. */
function lastSegment(code: string): string {
  const parts = code.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? code;
}

export async function scan(raw: string): Promise<void> {
  const code = raw.trim();
  const as = state.session;
  if (code === '' || !as) return focusScan();
  const mine = ++state.scanCount;
  const current = () => mine === state.scanCount && state.session === as && !state.formOpen && !state.dialogOpen;
  const body = { code, station: state.settings.station, clientTime: new Date().toISOString() };
  const out: Outgoing = { path: '/api/v1/scans', body, key: newKey(), what: t('station.queue.scan', { code }), assetTag: null };
  const sent = await sync.post<ScanResponse>(as, out, 'scan');
  if (sent.outcome === 'kept') {
    if (current()) await showCached(code);
  } else if (sent.outcome === 'answered') {
    const res = sent.body;
    const events = await history(res.device.assetTag);
    if (!current()) return;
    state.shown = { device: { ...res.device, allowedActions: res.allowedActions }, events, offlineSince: null };
    void state.store?.rememberDevice(res.device, events);
    nav.showMain();
    const name = `${res.device.assetTag} · ${res.device.make} ${res.device.model}`;
    if (res.duplicate) signal('duplicate', t('station.scan.duplicate', { device: name }));
    else signal('success', `${name} · ${tOr(`station.status.${res.device.status}`, res.device.status)}`);
  } else if (sent.outcome === 'applied') {
    // Recorded by an earlier send whose answer was lost: show the device as it is.
    await refreshDevice(lastSegment(code));
    if (current()) nav.showMain();
  } else if (sent.outcome === 'refused') {
    await sync.settle(sent.seq);
    if (!current()) return;
    if (sent.problem.code === 'scans.unknown_code') showUnknown(code);
    else signal('refused', problemText(sent.problem));
  } else if (sent.outcome === 'ended') return;
  focusScan();
}

/** The server did not answer: the last card this station saw of the device, marked as such. */
async function showCached(code: string): Promise<void> {
  const { store } = state;
  const ref = lastSegment(code);
  const cached = (await store?.cachedDevice(ref)) ?? (ref === code ? undefined : await store?.cachedDevice(code));
  state.shown = cached ? { device: cached.device as Device, events: cached.events as HistoryEvent[], offlineSince: cached.seenAt } : null;
  nav.showMain();
  signal('queued', t('station.scan.queued', { code }), cached ? t('station.scan.queuedCached') : t('station.scan.queuedUnseen'));
}

function showUnknown(code: string): void {
  state.shown = null;
  state.formOpen = false;
  const tag = parseTag(lastSegment(code));
  const mayIntake = roleMayIntake(state.session!.user.role);
  let explanation: string;
  let register: { assetTag?: string; serialNumber?: string } | null = null;
  if (tag.kind === 'valid') {
    explanation = t('station.unknown.tag', { code: tag.tag });
    register = { assetTag: tag.tag };
  } else if (tag.kind === 'bad_check') {
    explanation = t('station.unknown.badCheck', { code: tag.tag });
  } else {
    explanation = t('station.unknown.serial', { code });
    register = { serialNumber: code };
  }
  signal('unknown', t('station.unknown.title', { code }), explanation);
  replaceChildren(
    regions.main!,
    h(
      'div',
      { class: 'unknown', attrs: { 'data-testid': 'unknown' } },
      h('h2', { text: t('station.unknown.title', { code }) }),
      h('p', { text: explanation }),
      register && mayIntake
        ? h('button', { class: 'action primary', attrs: { type: 'button', 'data-action': 'intake' }, text: t('station.unknown.register'), on: { click: () => void openIntake(register) } })
        : null,
      register && !mayIntake ? h('p', { class: 'hint', text: t('station.unknown.noIntakeRole') }) : null,
    ),
  );
}

async function openIntake(code: { assetTag?: string; serialNumber?: string }): Promise<void> {
  let donations: Array<{ id: number; donorName: string; receivedAt: string }> = [];
  try {
    const res = await call<{ items: typeof donations }>('GET', '/api/v1/donations?limit=50');
    donations = [...res.items].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
  } catch {
    // Offline or refused: the device can be linked to its donation later.
  }
  openForm(intakeForm(code, state.settings, donations));
}
