/**
 * The office's one state: who is signed in, in which language, on which
 * page, and what the page last said. Views read these signals and redraw
 * when they change; nothing else in the office keeps state of its own.
 */
import { signal } from '@preact/signals';
import * as api from '../client/api.js';
import { setCurrentLocale, type Locale } from '../client/i18n.js';
import { chosenLocale, localeFromQuery, pageLocale, writeLocale } from '../client/locale-choice.js';
import { applyKeptMessages, loadMessages } from '../client/locale-messages.js';
import { readSession, writeSession, type Session } from '../client/session.js';

export interface OfficeConfig {
  siteName: string;
  organizationName: string;
}

export const config = JSON.parse(document.getElementById('office-config')?.textContent ?? '{}') as OfficeConfig;

export const session = signal<Session | null>(readSession(sessionStorage));

/** The page's language for a session (src/client/locale-choice.ts): `?lang=`, this browser's pick, the user's own, English. */
function localeFor(s: Session | null): Locale {
  return pageLocale({ query: localeFromQuery(location.search), chosen: chosenLocale(localStorage), user: s?.user.language });
}

export const locale = signal<Locale>(localeFor(session.value));
/** The location hash (`#/users`): the page shown. */
export const route = signal<string>(location.hash);
/** Counts the arrivals of newer reviewed text from the server (src/client/locale-messages.ts): the pages redraw. */
export const messagesVersion = signal(0);
/** Said at the top of the page (a session that ended, a server that does not answer). */
export const notice = signal<string | null>(null);

export function chooseLocale(next: Locale): void {
  writeLocale(localStorage, next);
  applyLocale(next);
}

export function applyLocale(next: Locale): void {
  applyKeptMessages(localStorage, next);
  setCurrentLocale(next);
  document.documentElement.lang = next;
  locale.value = next;
  void loadMessages(next, { fetch: (input, init) => fetch(input, init), storage: localStorage }).then((changed) => {
    if (changed) messagesVersion.value += 1;
  });
}

export function signIn(s: Session): void {
  writeSession(sessionStorage, s);
  notice.value = null;
  applyLocale(localeFor(s));
  session.value = s;
}

export function signOutHere(reason: string | null = null): void {
  writeSession(sessionStorage, null);
  notice.value = reason;
  applyLocale(localeFor(null));
  session.value = null;
}

/** Raised when the server no longer knows the session (expired, the user disabled): the page goes back to sign-in. */
export class SessionEnded extends Error {}

/** A request under the current session, answering the parsed JSON (undefined for 204). */
export async function call<T>(method: string, path: string, options: Omit<api.RequestOptions, 'token'> = {}): Promise<T> {
  const current = session.value;
  try {
    const res = await api.send(method, `/api/v1${path}`, { ...options, token: current?.token ?? null });
    return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
  } catch (err) {
    if (err instanceof api.Refused && err.problem.status === 401 && current) throw new SessionEnded(err.problem.detail);
    throw err;
  }
}

export const get = <T>(path: string): Promise<T> => call<T>('GET', path);
