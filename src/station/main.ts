/**
 * The scan station: the page trainees use at the workbench with a USB barcode
 * scanner (which types the code and presses Enter). The scan field keeps the
 * focus; a scan shows the device card; the card's buttons open the forms for
 * what the user's role may do now. Requests the server does not answer are
 * kept in the outbox (IndexedDB) with their Idempotency-Key and sent again, in
 * order, when it answers.
 */
import { parseTag } from '../modules/asset-tags/asset-tag.js';
import * as api from './api.js';
import { Refused, Unreachable, type Problem } from './api.js';
import { openRepairId, renderCard } from './card.js';
import { h, replaceChildren } from './dom.js';
import { playTone, type FeedbackKind } from './feedback.js';
import { actionForm, intakeForm, type FormSpec, type StationAction } from './forms.js';
import { LOCALES, setLocale, t, tOr, type Locale } from './i18n.js';
import { Store, type OutboxEntry } from './outbox.js';
import { loadSettings, saveSettings, type Settings } from './settings.js';
import type { Device, HistoryEvent, IssueResponse, LoginResponse, ScanResponse, StationConfig, User } from './types.js';

interface Session {
  token: string;
  user: User;
}

interface Shown {
  device: Device;
  events: HistoryEvent[];
  /** Set when the card comes from this browser's cache because the server did not answer. */
  offlineSince: string | null;
}

const SESSION_KEY = 'refurb-ledger.station.session';
const PAGE_KEY = 'refurb-ledger.station.page.';
const PAGE_BEAT_MS = 2000;

/**
 * This page, among the station's tabs. Each page says it is alive in
 * localStorage every 2 s; a request written ahead by a page that has stopped
 * (reloaded, closed, power cut) is sent again by the next one. (Web Locks
 * would say it directly, but browsers offer them only on HTTPS.)
 */
const PAGE_ID = api.newKey();

function beat(): void {
  try {
    localStorage.setItem(PAGE_KEY + PAGE_ID, String(Date.now()));
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key?.startsWith(PAGE_KEY) && Number(localStorage.getItem(key)) < Date.now() - 60_000) localStorage.removeItem(key);
    }
  } catch {
    // Storage blocked: other tabs then look gone, and a resend with its key is harmless.
  }
}

function pageGone(pageId: string | undefined): boolean {
  if (pageId === PAGE_ID) return false;
  try {
    return Number(localStorage.getItem(PAGE_KEY + (pageId ?? ''))) < Date.now() - 3 * PAGE_BEAT_MS;
  } catch {
    return true;
  }
}

beat();
window.setInterval(beat, PAGE_BEAT_MS);
window.addEventListener('pagehide', () => {
  try {
    localStorage.removeItem(PAGE_KEY + PAGE_ID);
  } catch {
    // nothing to clean
  }
});
const RETRY_MS = 3000;
const INTAKE_ROLES = new Set(['trainee', 'coordinator', 'admin']);

const config = JSON.parse(document.getElementById('station-config')?.textContent ?? '{}') as StationConfig;
const settings: Settings = loadSettings();
setLocale(settings.locale);

let session: Session | null = readSession();
let store: Store | null = null;
let shown: Shown | null = null;
let formOpen = false;
let dialogOpen = false;
let draining = false;
let retryTimer: number | undefined;

/** Server time minus this browser's, from the Date header (rounded up: a record is never dated before the server saw it). */
let serverOffsetMs = 0;

const root = document.getElementById('app')!;

// ---- session --------------------------------------------------------------

function readSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function writeSession(s: Session | null): void {
  session = s;
  if (s) sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  else sessionStorage.removeItem(SESSION_KEY);
}

function serverNow(): string {
  return new Date(Date.now() + serverOffsetMs).toISOString();
}

/**
 * A request under a session: by default the current one. Work started by one
 * user carries that user's session to the end, even if someone else logs in
 * at the station meanwhile: custody records name who did what.
 */
async function call<T>(method: string, path: string, options: Omit<api.RequestOptions, 'token'> & { as?: Session | null } = {}): Promise<T> {
  const as = options.as === undefined ? session : options.as;
  const res = await api.send(method, path, { ...options, token: as?.token ?? null });
  const date = res.headers.get('date');
  if (date) serverOffsetMs = Date.parse(date) + 999 - Date.now();
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new Unreachable(`${method} ${path}: incomplete answer`);
  }
}

// ---- feedback -------------------------------------------------------------

let feedbackEl: HTMLElement | null = null;
let feedbackCount = 0;

function signal(kind: FeedbackKind, message: string, detail?: string): void {
  if (settings.sound) playTone(kind);
  document.body.dataset['feedback'] = kind;
  if (!feedbackEl) return;
  feedbackEl.className = `feedback feedback-${kind}`;
  feedbackEl.dataset['kind'] = kind;
  // Counts signals, so that one can tell a new "success" from the previous one.
  feedbackEl.dataset['seq'] = String(++feedbackCount);
  replaceChildren(feedbackEl, h('strong', { text: t(`station.feedback.${kind}`) }), h('span', { text: ` ${message}` }), detail ? h('div', { class: 'detail', text: detail }) : null);
}

function problemText(p: Problem): string {
  const fields = (p.errors ?? []).filter((e) => !p.detail.includes(e.message)).map((e) => `${e.field.replace(/^body\./, '')}: ${e.message}`);
  return [p.detail, ...fields].join(' · ');
}

// ---- focus: the scan field keeps it -----------------------------------------

function scanInput(): HTMLInputElement | null {
  return document.getElementById('scan') as HTMLInputElement | null;
}

function focusScan(): void {
  if (formOpen || dialogOpen) return;
  const input = scanInput();
  if (input && document.activeElement !== input) input.focus();
  input?.select();
}

document.addEventListener(
  'keydown',
  (event) => {
    // A scanner types wherever the focus is: with no form open, that is the scan field.
    const input = scanInput();
    if (!input || formOpen || dialogOpen || document.activeElement === input) return;
    if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) input.focus();
  },
  true,
);

// ---- views ----------------------------------------------------------------

function render(): void {
  if (!session) renderLogin();
  else renderStation();
}

function languagePicker(onChange: () => void): HTMLSelectElement {
  return h(
    'select',
    {
      attrs: { name: 'locale', 'aria-label': t('station.settings.language') },
      on: {
        change: (e) => {
          settings.locale = (e.target as HTMLSelectElement).value as Locale;
          saveSettings(settings);
          setLocale(settings.locale);
          onChange();
        },
      },
    },
    LOCALES.map((l) => h('option', { attrs: { value: l, selected: l === settings.locale }, text: tOr(`language.${l}`, l) })),
  );
}

function renderLogin(): void {
  formOpen = false;
  dialogOpen = false;
  feedbackEl = h('div', { class: 'feedback', attrs: { role: 'status', 'data-testid': 'feedback' } });
  const form = h(
    'form',
    { class: 'login', attrs: { 'data-testid': 'login-form' } },
    h('h1', { text: config.siteName }),
    h('p', { class: 'hint', text: t('station.login.intro') }),
    h('label', { text: t('station.login.username') }, h('input', { attrs: { name: 'username', autocomplete: 'username', required: true, autofocus: true } })),
    h('label', { text: t('station.login.password') }, h('input', { attrs: { name: 'password', type: 'password', autocomplete: 'current-password', required: true } })),
    h('label', { text: t('station.settings.station') }, h('input', { attrs: { name: 'station', value: settings.station, required: true, maxlength: 100 } })),
    h('label', { text: t('station.settings.language') }, languagePicker(render)),
    h('button', { class: 'primary', attrs: { type: 'submit' }, text: t('station.login.submit') }),
    feedbackEl,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void login(form);
  });
  replaceChildren(root, form);
  (form.elements.namedItem('username') as HTMLInputElement).focus();
}

async function login(form: HTMLFormElement): Promise<void> {
  const get = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
  settings.station = get('station').trim() || settings.station;
  saveSettings(settings);
  try {
    const res = await call<LoginResponse>('POST', '/api/v1/auth/login', { body: { username: get('username').trim(), password: get('password') } });
    writeSession({ token: res.token, user: res.user });
    shown = null;
    render();
    signal('info', t('station.login.welcome', { name: res.user.displayName }));
    void drain();
  } catch (err) {
    if (err instanceof Refused) signal('refused', problemText(err.problem));
    else signal('refused', t('station.unreachable.login'));
  }
}

async function logout(): Promise<void> {
  const ending = session;
  // Ended here at once: nothing started from now on can use this session.
  writeSession(null);
  shown = null;
  render();
  try {
    await call('POST', '/api/v1/auth/logout', { as: ending });
  } catch {
    // The server's copy expires on its own.
  }
}

/** The session ended on the server (expired, or the user was disabled): log in again; the outbox waits. */
function sessionEnded(ended: Session | null = session, lost: string | null = null): void {
  // Only if it is still the station's session (someone else may have logged in meanwhile).
  if (ended !== session) return;
  writeSession(null);
  render();
  if (lost) signal('refused', t('station.login.expiredLost', { what: lost }));
  else signal('refused', t('station.login.expired'));
}

let queueBadge: HTMLElement | null = null;
let queuePanel: HTMLElement | null = null;
let mainEl: HTMLElement | null = null;

function renderStation(): void {
  const user = session!.user;
  formOpen = false;
  feedbackEl = h('div', { class: 'feedback feedback-info', attrs: { role: 'status', 'data-testid': 'feedback', 'data-kind': 'info' } }, t('station.scan.ready'));
  queueBadge = h('button', {
    class: 'queue-badge',
    attrs: { type: 'button', 'data-testid': 'queue-count', 'data-count': 0, hidden: true },
    on: { click: () => queuePanel?.classList.toggle('open') },
  });
  queuePanel = h('aside', { class: 'queue', attrs: { 'data-testid': 'queue-panel' } });
  mainEl = h('section', { class: 'main', attrs: { 'data-testid': 'main' } });
  const input = h('input', {
    attrs: { id: 'scan', name: 'code', autocomplete: 'off', spellcheck: 'false', maxlength: 500, placeholder: t('station.scan.placeholder'), 'aria-label': t('station.scan.label') },
  });
  input.addEventListener('focusout', () => {
    setTimeout(() => {
      const active = document.activeElement;
      if (!(active instanceof HTMLButtonElement) && !(active instanceof HTMLSelectElement)) focusScan();
    }, 0);
  });
  const scanForm = h('form', { class: 'scan', attrs: { 'data-testid': 'scan-form' } }, input, h('button', { class: 'primary', attrs: { type: 'submit' }, text: t('station.scan.submit') }));
  scanForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = input.value;
    input.value = '';
    void scan(code);
  });
  replaceChildren(
    root,
    h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'site' }, h('strong', { text: config.siteName }), h('span', { class: 'station-name', text: ` · ${settings.station}` })),
      queueBadge,
      h('div', { class: 'user' }, h('span', { text: user.displayName }), h('span', { class: 'role', text: tOr(`station.role.${user.role}`, user.role) })),
      h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'settings' }, text: t('station.settings.title'), on: { click: () => void openSettings() } }),
      h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'logout' }, text: t('station.logout'), on: { click: () => void logout() } }),
    ),
    scanForm,
    feedbackEl,
    h('div', { class: 'workspace' }, mainEl, queuePanel),
  );
  showMain();
  void refreshQueue();
  focusScan();
}

function showMain(): void {
  if (!mainEl) return;
  formOpen = false;
  if (!shown) {
    replaceChildren(mainEl, h('div', { class: 'welcome' }, h('p', { text: t('station.scan.hint') })));
    return;
  }
  const current = shown;
  const card = renderCard(current.device, current.events, { onAction: (a) => openAction(a), onPrint: (kind) => void print(kind, current.device.assetTag) }, current.offlineSince);
  replaceChildren(mainEl, card);
  void notePending(card, current.device.assetTag);
}

/** What is kept for later about this device: the card does not show it yet, and doing it twice is not the answer. */
async function notePending(card: HTMLElement, tag: string): Promise<void> {
  const pending = (await store?.entries())?.filter((e) => e.state === 'waiting' && e.assetTag === tag) ?? [];
  if (pending.length === 0 || !card.isConnected) return;
  card.querySelector('header')?.after(h('p', { class: 'stale pending', attrs: { role: 'note' }, text: t('station.card.pending', { what: pending.map((e) => e.what.split(' · ').pop()).join(', ') }) }));
}

// ---- scanning -------------------------------------------------------------

/** A URL printed in a QR code ends in the tag; the scan endpoint accepts it as it is. */
function lastSegment(code: string): string {
  const parts = code.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? code;
}

/** Counts scans: the answer to an earlier, slower scan never replaces a later card. */
let scanCount = 0;

async function scan(raw: string): Promise<void> {
  const code = raw.trim();
  const as = session;
  if (code === '' || !as) return focusScan();
  const mine = ++scanCount;
  const current = () => mine === scanCount && session === as && !formOpen && !dialogOpen;
  const body = { code, station: settings.station, clientTime: new Date().toISOString() };
  const out: Outgoing = { path: '/api/v1/scans', body, key: api.newKey(), what: t('station.queue.scan', { code }), assetTag: null };
  const sent = await post<ScanResponse>(as, out, 'scan');
  if (sent.outcome === 'kept') {
    if (current()) await showCached(code);
  } else if (sent.outcome === 'answered') {
    const res = sent.body;
    const events = await history(res.device.assetTag);
    if (!current()) return;
    shown = { device: { ...res.device, allowedActions: res.allowedActions }, events, offlineSince: null };
    void store?.rememberDevice(res.device, events);
    showMain();
    const name = `${res.device.assetTag} · ${res.device.make} ${res.device.model}`;
    if (res.duplicate) signal('duplicate', t('station.scan.duplicate', { device: name }));
    else signal('success', `${name} · ${tOr(`station.status.${res.device.status}`, res.device.status)}`);
  } else if (sent.outcome === 'applied') {
    // Recorded by an earlier send whose answer was lost: show the device as it is.
    await refreshDevice(lastSegment(code));
    if (current()) showMain();
  } else if (sent.outcome === 'refused') {
    await settle(sent.seq);
    if (!current()) return;
    if (sent.problem.code === 'scans.unknown_code') showUnknown(code);
    else signal('refused', problemText(sent.problem));
  } else if (sent.outcome === 'ended') return;
  focusScan();
}

async function history(tag: string): Promise<HistoryEvent[]> {
  try {
    return (await call<{ events: HistoryEvent[] }>('GET', `/api/v1/devices/${encodeURIComponent(tag)}/history`)).events;
  } catch {
    return [];
  }
}

/** The server did not answer: the last card this station saw of the device, marked as such. */
async function showCached(code: string): Promise<void> {
  const ref = lastSegment(code);
  const cached = (await store?.cachedDevice(ref)) ?? (ref === code ? undefined : await store?.cachedDevice(code));
  if (cached) {
    shown = { device: cached.device as Device, events: cached.events as HistoryEvent[], offlineSince: cached.seenAt };
    showMain();
  } else {
    shown = null;
    showMain();
  }
  signal('queued', t('station.scan.queued', { code }), cached ? t('station.scan.queuedCached') : t('station.scan.queuedUnseen'));
}

function showUnknown(code: string): void {
  shown = null;
  formOpen = false;
  const tag = parseTag(lastSegment(code));
  const mayIntake = INTAKE_ROLES.has(session!.user.role);
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
    mainEl!,
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
  openForm(intakeForm(code, settings, donations));
}

// ---- forms ----------------------------------------------------------------

function openAction(action: StationAction): void {
  if (!shown) return;
  openForm(actionForm(action, shown.device, { settings, openRepairId: openRepairId(shown.events), now: serverNow }));
}

function openForm(spec: FormSpec): void {
  if (!mainEl) return;
  formOpen = true;
  // One key per request: a double click, or a resend after no answer, is one request to the server.
  // A definite refusal was not applied, so what is sent after it is a new request with a new key.
  const request = { key: api.newKey() };
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
  replaceChildren(mainEl, form);
  form.querySelector<HTMLElement>('input:not([type=hidden]), select, textarea')?.focus();
}

function closeForm(): void {
  formOpen = false;
  showMain();
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
    if (slot) slot.textContent = e.message;
    marked++;
  }
  // The next key typed goes to what needs fixing, not into the void.
  form.querySelector<HTMLElement>('.invalid input, .invalid select, .invalid textarea')?.focus();
  return marked;
}

async function submitForm(spec: FormSpec, form: HTMLFormElement, request: { key: string }): Promise<void> {
  const as = session;
  if (!as) return;
  const out: Outgoing = { path: spec.path, body: spec.body(form), key: request.key, what: spec.what, assetTag: spec.assetTag };
  // The user may have moved on (cancelled, scanned something else) before the answer came.
  const stillOpen = () => form.isConnected && session === as;
  const sent = await post<{ device?: Device; issuance?: IssueResponse['issuance'] }>(as, out, 'action');
  if (sent.outcome === 'kept' || sent.outcome === 'answered' || sent.outcome === 'applied') {
    spec.remember?.(form);
    saveSettings(settings);
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
      formOpen = false;
      showMain();
      if (res.issuance) showHandover(res.issuance.id);
      signal('success', done);
      return focusScan();
    }
    case 'refused': {
      const p = sent.problem;
      request.key = api.newKey();
      // The user has moved on: the refusal stays listed, with its reason, until someone has seen it.
      if (!stillOpen()) return refuseLater(sent.seq, out, p);
      await settle(sent.seq);
      // Something entered can be put right (the problem names a field of this form): the form stays.
      if (markFieldErrors(form, p) > 0) return signal('refused', problemText(p));
      // The device moved on (another station, a stale card): show it as it is now.
      if (spec.assetTag) await refreshDevice(spec.assetTag);
      if (!stillOpen()) return signal('refused', problemText(p));
      formOpen = false;
      showMain();
      focusScan();
      signal('refused', problemText(p));
    }
  }
}

async function showDevice(device: Device): Promise<void> {
  const events = await history(device.assetTag);
  shown = { device, events, offlineSince: null };
  void store?.rememberDevice(device, events);
}

async function refreshDevice(tag: string): Promise<void> {
  try {
    const res = await call<{ device: Device }>('GET', `/api/v1/devices/${encodeURIComponent(tag)}`);
    await showDevice(res.device);
  } catch {
    // Keep what is shown.
  }
}

function showHandover(issuanceId: number): void {
  mainEl?.prepend(
    h(
      'div',
      { class: 'handover' },
      h('p', { text: t('station.issue.printHandover') }),
      h('button', { class: 'primary', attrs: { type: 'button', 'data-print': 'handover' }, text: t('station.print.handover'), on: { click: () => void openPdf(`/api/v1/issuances/${issuanceId}/handover.pdf`) } }),
    ),
  );
}

// ---- printing -------------------------------------------------------------

async function labelTemplate(): Promise<string> {
  if (settings.labelTemplate) return settings.labelTemplate;
  const res = await call<{ templates: Array<{ id: string }> }>('GET', '/api/v1/label-templates');
  settings.labelTemplate = res.templates[0]?.id ?? '';
  saveSettings(settings);
  return settings.labelTemplate;
}

async function print(kind: 'asset' | 'spec' | 'certificate', tag: string): Promise<void> {
  const base = `/api/v1/devices/${encodeURIComponent(tag)}`;
  if (kind === 'certificate') return openPdf(`${base}/certificate.pdf`);
  // The window opens at the click (a popup opened after an await is blocked), then gets the PDF.
  const win = window.open('', '_blank');
  try {
    const template = await labelTemplate();
    await openPdf(`${base}/label?template=${encodeURIComponent(template)}&format=pdf&kind=${kind}`, win);
  } catch (err) {
    win?.close();
    reportFailure(err);
  }
}

/** Fetches a PDF with the session's token (a plain link cannot send it) and shows it in a new tab. */
async function openPdf(path: string, existing?: Window | null): Promise<void> {
  const win = existing === undefined ? window.open('', '_blank') : existing;
  try {
    const res = await api.send('GET', path, { token: session?.token ?? null, timeoutMs: 30_000 });
    const url = URL.createObjectURL(await res.blob());
    if (win) win.location.href = url;
    else window.location.assign(url);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    signal('info', t('station.print.opened'));
  } catch (err) {
    win?.close();
    reportFailure(err);
  }
  focusScan();
}

function reportFailure(err: unknown): void {
  if (err instanceof Refused) signal('refused', problemText(err.problem));
  else if (err instanceof Unreachable) signal('refused', t('station.unreachable.print'));
  else throw err;
}

// ---- the outbox -----------------------------------------------------------

/** Anything waiting for this user goes first: a new request queues behind it, so the order holds. */
/**
 * Whether a new request must queue behind older ones of the same user: behind
 * those that wait, and (for actions, whose order matters) behind those still
 * on their way, from this page or another. A scan is an observation with its
 * own clientTime; it does not wait for an action's answer.
 */
async function mustQueue(as: Session, kind: 'action' | 'scan' = 'action'): Promise<boolean> {
  if (!store) return false;
  const older = (e: OutboxEntry) => e.username === as.user.username && (e.state === 'waiting' || (kind === 'action' && e.state === 'sending'));
  const waiting = async () => (await store!.entries()).some(older);
  if (!(await waiting())) return false;
  await drain();
  // The session may have ended during the drain: the request then waits for its user too.
  return session !== as || (await waiting());
}

interface Outgoing {
  path: string;
  body: unknown;
  key: string;
  what: string;
  assetTag: string | null;
}

function entryOf(as: Session, item: Outgoing, state: OutboxEntry['state']): OutboxEntry {
  return {
    method: 'POST',
    path: item.path,
    body: item.body,
    idempotencyKey: item.key,
    username: as.user.username,
    what: item.what,
    assetTag: item.assetTag,
    queuedAt: new Date().toISOString(),
    state,
    pageId: PAGE_ID,
  };
}

/** A refusal that came after the user moved on: listed with its reason until dismissed, like a refused resend. */
async function refuseLater(seq: number | null, item: Outgoing, problem: Problem): Promise<void> {
  const listed = seq !== null && (await store?.refuse(seq, problem).catch(() => false));
  signal('refused', t('station.form.refusedLater', { what: item.what }), problemText(problem));
  if (listed) await refreshQueue();
}

/** What became of a request: the station's one way of sending, for scans and forms alike. */
type Sent<T> =
  | { outcome: 'answered'; body: T }
  /** No answer, or the server is busy with it: it waits in the outbox, with its key. */
  | { outcome: 'kept' }
  /** No answer, and this browser cannot keep it (said on screen). */
  | { outcome: 'not_kept' }
  /** An earlier send of it was applied; that answer was lost. */
  | { outcome: 'applied' }
  /** The session ended on the server: the login page is shown (it waits for that user, if it could be kept). */
  | { outcome: 'ended' }
  /** A definite no; its written-ahead entry (seq) is the caller's to settle or to list as refused. */
  | { outcome: 'refused'; problem: Problem; seq: number | null };

/** Sends a request, or queues it behind older ones; written ahead to the outbox either way. */
async function post<T>(as: Session, out: Outgoing, kind: 'action' | 'scan'): Promise<Sent<T>> {
  const keep = async (seq: number | null): Promise<Sent<T>> => ((await enqueue(as, out, seq)) ? { outcome: 'kept' } : { outcome: 'not_kept' });
  if (await mustQueue(as, kind)) return keep(null);
  const seq = await writeAhead(as, out);
  try {
    const body = await call<T>('POST', out.path, { body: out.body, idempotencyKey: out.key, as });
    await settle(seq);
    return { outcome: 'answered', body };
  } catch (err) {
    if (err instanceof Unreachable) return keep(seq);
    if (!(err instanceof Refused)) throw err;
    const p = err.problem;
    if (p.status === 401) {
      // Not applied: kept for when the same user logs in again.
      const kept = await enqueue(as, out, seq);
      sessionEnded(as, kept ? null : out.what);
      return { outcome: 'ended' };
    }
    // The same request is still being applied (another tab, a resend) or the server is busy: it waits, with its key.
    if (p.code === 'idempotency.in_progress' || p.status === 429) return keep(seq);
    if (p.code === 'idempotency.outcome_unknown') {
      await settle(seq);
      return { outcome: 'applied' };
    }
    return { outcome: 'refused', problem: p, seq };
  }
}

/** Written to the outbox before it leaves: a reload or a power cut before the answer cannot lose it. Null when there is no outbox. */
async function writeAhead(as: Session, item: Outgoing): Promise<number | null> {
  try {
    return (await store?.enqueue(entryOf(as, item, 'sending')))?.seq ?? null;
  } catch {
    return null;
  }
}

/** Answered (applied or refused, and shown): no longer needed in the outbox. */
async function settle(seq: number | null): Promise<void> {
  if (seq === null) return;
  try {
    await store?.remove(seq);
  } catch {
    // Left behind, it is resent with its key after the next load and answered from the stored response.
  }
}

/** Keeps a request for later under the user who made it; false when this browser cannot keep it (said on screen). */
async function enqueue(as: Session, item: Outgoing, seq: number | null = null): Promise<boolean> {
  try {
    if (!store) throw new Error('no outbox');
    // Written ahead: it now waits. Gone already means another tab of this station sent it meanwhile: nothing to keep.
    if (seq !== null) {
      if (!(await store.setState(seq, 'waiting'))) return true;
    } else await store.enqueue(entryOf(as, item, 'waiting'));
  } catch {
    signal('refused', t('station.queue.notKept', { what: item.what }), t('station.queue.unavailable'));
    return false;
  }
  await refreshQueue();
  return true;
}

/** Sends the user's waiting requests, oldest first; stops at the first that gets no answer. */
async function drain(): Promise<void> {
  const as = session;
  if (draining || !store || !as) return;
  draining = true;
  let sent = 0;
  // Devices the sent or refused requests were about: the card shown is brought up to date after.
  const touched = new Set<string>();
  try {
    await store.recover(pageGone);
    for (const entry of await store.entries()) {
      // Someone logged out or in meanwhile: the rest waits for its own user.
      if (session !== as) break;
      if (entry.username !== as.user.username) continue;
      // An older request of this user is still out (this page or another tab): what follows waits for its answer.
      if (entry.state === 'sending') break;
      if (entry.state !== 'waiting') continue;
      try {
        const res = await call<{ device?: Device }>(entry.method, entry.path, { body: entry.body, idempotencyKey: entry.idempotencyKey, as });
        await store.remove(entry.seq!);
        sent++;
        const tag = res?.device?.assetTag ?? entry.assetTag;
        if (tag) touched.add(tag);
      } catch (err) {
        if (err instanceof Unreachable) break;
        if (!(err instanceof Refused)) throw err;
        const p = err.problem;
        if (p.status === 401) {
          sessionEnded(as);
          break;
        }
        // Busy or rate-limited: the same request, later.
        if (p.code === 'idempotency.in_progress' || p.status === 429) break;
        // Applied before, but its answer was lost with the server: done, not refused.
        if (p.code === 'idempotency.outcome_unknown') {
          await store.remove(entry.seq!);
          sent++;
          continue;
        }
        await store.refuse(entry.seq!, p);
        if (entry.assetTag) touched.add(entry.assetTag);
        signal('refused', t('station.queue.refused', { what: entry.what }), problemText(p));
      }
    }
    const tag = shown?.device.assetTag;
    const viewFree = () => !formOpen && !dialogOpen && session === as;
    if (tag && touched.has(tag) && viewFree()) {
      await refreshDevice(tag);
      if (viewFree() && shown?.device.assetTag === tag) showMain();
    }
  } finally {
    draining = false;
    await refreshQueue();
  }
  if (sent > 0 && document.body.dataset['feedback'] !== 'refused') signal('success', t('station.queue.sent', { count: sent }));
}

async function refreshQueue(): Promise<void> {
  if (!store || !queueBadge || !queuePanel) return;
  // Requests on their way right now are not shown: only what waits, and what was refused.
  const entries = (await store.entries()).filter((e) => e.state !== 'sending');
  const waiting = entries.filter((e) => e.state === 'waiting');
  const refused = entries.filter((e) => e.state === 'refused');
  queueBadge.hidden = entries.length === 0;
  queueBadge.dataset['count'] = String(waiting.length);
  queueBadge.textContent = refused.length > 0 ? t('station.queue.badgeRefused', { count: waiting.length, refused: refused.length }) : t('station.queue.badge', { count: waiting.length });
  queueBadge.classList.toggle('has-refused', refused.length > 0);
  if (refused.length > 0) queuePanel.classList.add('open');
  if (entries.length === 0) queuePanel.classList.remove('open');
  const me = session?.user.username;
  replaceChildren(
    queuePanel,
    h('h2', { text: t('station.queue.title') }),
    entries.length === 0 ? h('p', { class: 'hint', text: t('station.queue.empty') }) : null,
    h(
      'ol',
      {},
      entries.map((e) =>
        h(
          'li',
          { class: `queued queued-${e.state}`, attrs: { 'data-state': e.state } },
          h('div', { text: e.what }),
          h('small', { text: new Date(e.queuedAt).toLocaleTimeString() }),
          e.username !== me ? h('small', { class: 'warning', text: ` ${t('station.queue.otherUser', { user: e.username })}` }) : null,
          e.problem ? h('div', { class: 'reason', text: problemText(e.problem) }) : null,
          e.state === 'refused'
            ? h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'dismiss' }, text: t('station.queue.dismiss'), on: { click: () => void dismiss(e) } })
            : null,
        ),
      ),
    ),
  );
  // While anything waits, keep trying; the browser's online event tries at once.
  const all = await store.entries();
  const mine = all.some((e) => e.username === me && (e.state === 'waiting' || (e.state === 'sending' && e.pageId !== PAGE_ID)));
  if (mine && retryTimer === undefined) retryTimer = window.setInterval(() => void drain(), RETRY_MS);
  if (!mine && retryTimer !== undefined) {
    window.clearInterval(retryTimer);
    retryTimer = undefined;
  }
}

async function dismiss(entry: OutboxEntry): Promise<void> {
  await store?.remove(entry.seq!);
  await refreshQueue();
  focusScan();
}

window.addEventListener('online', () => void drain());

// ---- settings -------------------------------------------------------------

async function openSettings(): Promise<void> {
  dialogOpen = true;
  let templates: Array<{ id: string; name: string }> = [];
  try {
    templates = (await call<{ templates: typeof templates }>('GET', '/api/v1/label-templates')).templates;
  } catch {
    // Offline: keep the template chosen before.
  }
  const form = h(
    'form',
    { class: 'settings', attrs: { 'data-testid': 'settings-form' } },
    h('h2', { text: t('station.settings.title') }),
    h('label', { text: t('station.settings.station') }, h('input', { attrs: { name: 'station', value: settings.station, required: true, maxlength: 100 } })),
    h('label', { text: t('station.settings.language') }, languagePicker(() => undefined)),
    h(
      'label',
      { text: t('station.settings.labelTemplate') },
      h(
        'select',
        { attrs: { name: 'labelTemplate' } },
        templates.length === 0 ? h('option', { attrs: { value: settings.labelTemplate }, text: settings.labelTemplate || '—' }) : null,
        templates.map((tpl) => h('option', { attrs: { value: tpl.id, selected: tpl.id === settings.labelTemplate }, text: tpl.name })),
      ),
    ),
    h('label', { class: 'check' }, h('input', { attrs: { type: 'checkbox', name: 'sound', checked: settings.sound } }), h('span', { text: t('station.settings.sound') })),
    h('p', { class: 'hint', text: t('station.settings.defaultsHint') }),
    h(
      'div',
      { class: 'form-buttons' },
      h('button', { class: 'primary', attrs: { type: 'submit' }, text: t('station.form.save') }),
      h(
        'button',
        {
          class: 'secondary',
          attrs: { type: 'button', 'data-testid': 'cancel' },
          text: t('station.form.cancel'),
          on: {
            click: () => {
              dialogOpen = false;
              setLocale(settings.locale);
              render();
            },
          },
        },
      ),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const get = (n: string) => form.elements.namedItem(n) as HTMLInputElement;
    settings.station = get('station').value.trim() || settings.station;
    settings.labelTemplate = get('labelTemplate').value;
    settings.sound = get('sound').checked;
    saveSettings(settings);
    dialogOpen = false;
    render();
  });
  if (mainEl) replaceChildren(mainEl, form);
  // Not a text field: a scan made while settings are open must not end up in the station's name.
  (form.elements.namedItem('labelTemplate') as HTMLSelectElement).focus();
}

// ---- start ----------------------------------------------------------------

/** The page first, the browser's storage after: a slow or blocked IndexedDB must not keep the station blank. */
async function start(): Promise<void> {
  render();
  try {
    const opened = await Store.open();
    await opened.recover(pageGone);
    store = opened;
  } catch {
    store = null;
    signal('refused', t('station.queue.unavailable'));
    return;
  }
  await refreshQueue();
  if (session) await drain();
}

void start();
