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
import { siteName, type SiteSummary } from '../client/sites.js';

export interface OfficeConfig {
  /** The server's own (first) site: named before anyone signs in, and while the site list is not read. */
  siteName: string;
  siteCode: string;
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
/** The program's sites (GET /sites), read once a session starts; null until then, or when the server did not answer. */
export const sites = signal<SiteSummary[] | null>(null);
/** What the last read of the site list said when it failed (null once it answers). */
export const sitesRefusal = signal<string | null>(null);

/** Reads the site list for the session; a refusal or no answer leaves the codes standing in for the names. */
export async function loadSites(): Promise<void> {
  try {
    sites.value = (await get<{ items: SiteSummary[] }>('/sites')).items;
    sitesRefusal.value = null;
  } catch (err) {
    // The signed-in site is still named from the page's configuration, any other by its code.
    sitesRefusal.value = err instanceof Error ? err.message : String(err);
  }
}

/** The name of a site the pages show, by its code. */
export const nameOfSite = (code: string): string => siteName(code, sites.value, config);

/** The signed-in person's site's name: the pages' headings and the tab's title name it. */
export function ownSiteName(): string {
  const code = session.value?.user.site;
  return code ? nameOfSite(code) : config.siteName;
}

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
  sites.value = null;
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
