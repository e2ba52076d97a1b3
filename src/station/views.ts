/** The login page, the station page and the card area, each drawn from the state object. */
import { Refused } from '../client/api.js';
import { siteName, type SiteSummary } from '../client/sites.js';
import { renderCard } from './card.js';
import { h, replaceChildren } from './dom.js';
import { openAction } from './form-flow.js';
import { t, tOr } from './i18n.js';
import { nav } from './nav.js';
import { print } from './printing.js';
import { openWipeImport } from './wipe-import.js';
import { drain, refreshQueue, sync } from './queue.js';
import { scan } from './scan.js';
import { openSettings } from './settings-dialog.js';
import { saveSettings } from './settings.js';
import { applyPageLocale, call, state, writeSession, type Session } from './state.js';
import type { LoginResponse } from './types.js';
import { focusScan, languagePicker, problemText, regions, signal } from './ui.js';

export function render(): void {
  if (!state.session) renderLogin();
  else renderStation(state.session);
}

/** What was typed on the sign-in screen, kept when it is drawn again in another language. */
interface Typed {
  username: string;
  password: string;
  station: string;
  /** The field that had the focus (a person at the language list stays there). */
  focus: string | null;
}

/**
 * Newer reviewed text arrived from the server (src/client/locale-messages.ts):
 * the screen is drawn again in it, keeping what was typed on the sign-in
 * screen; an open form or dialog keeps its words until it closes, so nothing
 * half-entered is lost.
 */
export function redrawForNewText(): void {
  if (!state.session) {
    const form = regions.root.querySelector<HTMLFormElement>('form.login');
    if (form) redrawLogin(form);
    else renderLogin();
  } else if (!state.formOpen && !state.dialogOpen) renderStation(state.session);
}

function renderLogin(typed: Typed | null = null): void {
  const { config, settings } = state;
  state.formOpen = false;
  state.dialogOpen = false;
  regions.feedback = h('div', { class: 'feedback', attrs: { role: 'status', 'data-testid': 'feedback' } });
  const form = h(
    'form',
    { class: 'login', attrs: { 'data-testid': 'login-form' } },
    h('h1', { text: config.siteName }),
    h('p', { class: 'hint', text: t('station.login.intro') }),
    h('label', { text: t('station.login.username') }, h('input', { attrs: { name: 'username', autocomplete: 'username', required: true, autofocus: true } })),
    h('label', { text: t('station.login.password') }, h('input', { attrs: { name: 'password', type: 'password', autocomplete: 'current-password', required: true } })),
    h('label', { text: t('station.settings.station') }, h('input', { attrs: { name: 'station', value: settings.station, required: true, maxlength: 100 } })),
    h('label', { text: t('station.settings.language') }, languagePicker(() => redrawLogin(form, 'locale'))),
    h('button', { class: 'primary', attrs: { type: 'submit' }, text: t('station.login.submit') }),
    regions.feedback,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void login(form);
  });
  replaceChildren(regions.root, form);
  const field = (n: string) => form.elements.namedItem(n) as HTMLInputElement;
  if (typed) {
    field('username').value = typed.username;
    field('password').value = typed.password;
    field('station').value = typed.station;
    const focused = typed.focus ? (form.elements.namedItem(typed.focus) as HTMLElement | null) : null;
    (focused ?? field('username')).focus();
  } else field('username').focus();
}

/** The sign-in screen in the language just picked, with what was typed still in its fields. */
function redrawLogin(form: HTMLFormElement, focus?: string): void {
  const value = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
  const active = document.activeElement;
  const focused = active instanceof HTMLInputElement || active instanceof HTMLSelectElement ? active.name : null;
  renderLogin({ username: value('username'), password: value('password'), station: value('station'), focus: focus ?? focused });
}

async function login(form: HTMLFormElement): Promise<void> {
  const { settings } = state;
  const get = (n: string) => (form.elements.namedItem(n) as HTMLInputElement).value;
  settings.station = get('station').trim() || settings.station;
  saveSettings(settings);
  try {
    const res = await call<LoginResponse>('POST', '/api/v1/auth/login', { body: { username: get('username').trim(), password: get('password') } });
    writeSession({ token: res.token, user: res.user });
    state.shown = null;
    applyPageLocale();
    render();
    signal('info', t('station.login.welcome', { name: res.user.displayName }));
    void drain();
  } catch (err) {
    if (err instanceof Refused) signal('refused', problemText(err.problem));
    else signal('refused', t('station.unreachable.login'));
  }
}

async function logout(): Promise<void> {
  const ending = state.session;
  // Ended here at once: nothing started from now on can use this session.
  writeSession(null);
  state.shown = null;
  applyPageLocale();
  render();
  try {
    await call('POST', '/api/v1/auth/logout', { as: ending });
  } catch {
    // The server's copy expires on its own.
  }
}

/** The session ended on the server (expired, or the user was disabled): log in again; the outbox waits. */
export function sessionEnded(ended: Session | null = state.session, lost: string | null = null): void {
  // Only if it is still the station's session (someone else may have logged in meanwhile).
  if (ended !== state.session) return;
  writeSession(null);
  applyPageLocale();
  render();
  if (lost) signal('refused', t('station.login.expiredLost', { what: lost }));
  else signal('refused', t('station.login.expired'));
}

function renderStation(session: Session): void {
  const { config, settings } = state;
  const user = session.user;
  state.formOpen = false;
  regions.feedback = h('div', { class: 'feedback feedback-info', attrs: { role: 'status', 'data-testid': 'feedback', 'data-kind': 'info' } }, t('station.scan.ready'));
  regions.queueBadge = h('button', {
    class: 'queue-badge',
    attrs: { type: 'button', 'data-testid': 'queue-count', 'data-count': 0, hidden: true },
    on: { click: () => regions.queuePanel?.classList.toggle('open') },
  });
  regions.queuePanel = h('aside', { class: 'queue', attrs: { 'data-testid': 'queue-panel' } });
  regions.main = h('section', { class: 'main', attrs: { 'data-testid': 'main' } });
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
  const siteHeading = h('strong', { text: config.siteName });
  replaceChildren(
    regions.root,
    h(
      'header',
      { class: 'topbar' },
      // The page's one h1 (screen readers jump by headings): the site and the bench, as the top bar always showed them.
      // The user's site (docs/domain.md §8), not the server's: a hub's trainee signed in to the central service sees the hub.
      h('h1', { class: 'site' }, siteHeading, h('span', { class: 'station-name', text: ` · ${settings.station}` })),
      regions.queueBadge,
      h('div', { class: 'user' }, h('span', { text: user.displayName }), h('span', { class: 'role', text: tOr(`station.role.${user.role}`, user.role) }), userSite(session, siteHeading)),
      h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'settings' }, text: t('station.settings.title'), on: { click: () => void openSettings() } }),
      h('button', { class: 'secondary', attrs: { type: 'button', 'data-testid': 'logout' }, text: t('station.logout'), on: { click: () => void logout() } }),
    ),
    scanForm,
    regions.feedback,
    h('div', { class: 'workspace' }, regions.main, regions.queuePanel),
  );
  showMain();
  void refreshQueue();
  focusScan();
}

/** Site names by code, read once per page from GET /sites (sites change rarely, and only by an admin). */
let siteList: SiteSummary[] | null = null;

/**
 * The signed-in user's site (docs/domain.md §8): the devices they see and act on are that site's. Named from the
 * site list once read; until then, and when the server does not answer (the station works offline), the server's
 * own site by the page's configuration and any other by its code. `heading` (the top bar's site) follows it.
 */
function userSite(session: Session, heading: HTMLElement): HTMLElement | null {
  const code = session.user.site as string | undefined;
  // A session kept in this tab from before users had sites.
  if (!code) return null;
  const name = () => siteName(code, siteList, state.config);
  heading.textContent = name();
  const el = h('span', { class: 'user-site', attrs: { 'data-testid': 'user-site', 'data-site': code }, text: t('station.user.site', { site: name() }) });
  if (siteList === null) {
    void call<{ items: SiteSummary[] }>('GET', '/api/v1/sites', { as: session })
      .then((res) => {
        siteList = res.items;
        if (el.isConnected) el.textContent = t('station.user.site', { site: name() });
        if (heading.isConnected) heading.textContent = name();
      })
      .catch(() => {
        // Offline or refused: the configuration's name or the code stays shown.
      });
  }
  return el;
}

/** The card area from state.shown: the device card, or the hint to scan. */
export function showMain(): void {
  const main = regions.main;
  if (!main) return;
  state.formOpen = false;
  const current = state.shown;
  if (!current) {
    replaceChildren(main, h('div', { class: 'welcome' }, h('p', { text: t('station.scan.hint') })));
    return;
  }
  const card = renderCard(current.device, current.events, { onAction: (a) => openAction(a), onPrint: (kind) => void print(kind, current.device.assetTag), onImportWipe: () => openWipeImport(current.device.assetTag) }, current.offlineSince);
  replaceChildren(main, card);
  void notePending(card, current.device.assetTag);
}

/** What is kept for later about this device: the card does not show it yet, and doing it twice is not the answer. */
async function notePending(card: HTMLElement, tag: string): Promise<void> {
  const pending = (await sync.entries()).filter((e) => e.state === 'waiting' && e.assetTag === tag);
  if (pending.length === 0 || !card.isConnected) return;
  card.querySelector('header')?.after(h('p', { class: 'stale pending', attrs: { role: 'note' }, text: t('station.card.pending', { what: pending.map((e) => e.what.split(' · ').pop()).join(', ') }) }));
}

Object.assign(nav, { render, showMain, sessionEnded });
