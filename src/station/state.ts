/**
 * The station's one state object: who is logged in, what is shown, whether a
 * form or dialog holds the focus. The views draw from it; nothing else in the
 * station keeps state of its own (the outbox's lives in src/client/sync.ts).
 */
import * as api from '../client/api.js';
import { Unreachable } from '../client/api.js';
import { choiceIn, localeFromQuery, pageLocale } from '../client/locale-choice.js';
import { setLocale } from './i18n.js';
import type { Store } from './idb-store.js';
import { loadSettings, type Settings } from './settings.js';
import { readSession, writeSession as keepSession, type Session } from '../client/session.js';
import type { Device, HistoryEvent, StationConfig } from './types.js';

export type { Session } from '../client/session.js';

export interface Shown {
  device: Device;
  events: HistoryEvent[];
  /** Set when the card comes from this browser's cache because the server did not answer. */
  offlineSince: string | null;
}

export interface StationState {
  readonly config: StationConfig;
  readonly settings: Settings;
  session: Session | null;
  /** The device card on screen, if any. */
  shown: Shown | null;
  /** An action form is open: scans wait, the card is not redrawn under it. */
  formOpen: boolean;
  /** The settings dialog is open. */
  dialogOpen: boolean;
  /** This browser's IndexedDB (outbox and device cache), once opened; null when it cannot be. */
  store: Store | null;
  /** Server time minus this browser's, from the Date header (rounded up: a record is never dated before the server saw it). */
  serverOffsetMs: number;
  /** Counts scans: the answer to an earlier, slower scan never replaces a later card. */
  scanCount: number;
}

export const state: StationState = {
  config: JSON.parse(document.getElementById('station-config')?.textContent ?? '{}') as StationConfig,
  settings: loadSettings(),
  session: readSession(sessionStorage),
  shown: null,
  formOpen: false,
  dialogOpen: false,
  store: null,
  serverOffsetMs: 0,
  scanCount: 0,
};

export function writeSession(s: Session | null): void {
  state.session = s;
  keepSession(sessionStorage, s);
}

/**
 * Sets the page's language (src/client/locale-choice.ts): `?lang=`, the
 * language picked at this station, the signed-in user's own, English.
 */
export function applyPageLocale(): void {
  setLocale(pageLocale({ query: localeFromQuery(location.search), chosen: choiceIn(state.settings), user: state.session?.user.language }));
}

export function serverNow(): string {
  return new Date(Date.now() + state.serverOffsetMs).toISOString();
}

/**
 * A request under a session: by default the current one. Work started by one
 * user carries that user's session to the end, even if someone else logs in
 * at the station meanwhile: custody records name who did what.
 */
export async function call<T>(method: string, path: string, options: Omit<api.RequestOptions, 'token'> & { as?: Session | null } = {}): Promise<T> {
  const as = options.as === undefined ? state.session : options.as;
  const res = await api.send(method, path, { ...options, token: as?.token ?? null });
  const date = res.headers.get('date');
  if (date) state.serverOffsetMs = Date.parse(date) + 999 - Date.now();
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new Unreachable(`${method} ${path}: incomplete answer`);
  }
}
