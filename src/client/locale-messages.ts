/**
 * The reviewed text of French and Inuktitut as the server holds it now
 * (GET /api/v1/locales/{lang}): text translated and reviewed in the app since
 * the front end was built. The last answer is kept in localStorage, so a
 * station that cannot reach the server after a reload still shows it. The
 * storage and fetch are passed in, so this runs in Node too.
 */
import { setMessages, type Locale } from './i18n.js';
import type { KeyValueStorage } from './pages.js';

const storageKey = (locale: Locale) => `refurb-ledger.messages.${locale}`;
const FETCHED: readonly Locale[] = ['fr', 'iu'];

interface Kept {
  etag: string | null;
  messages: Record<string, string>;
}

function kept(storage: Pick<KeyValueStorage, 'getItem'>, locale: Locale): Kept | null {
  try {
    const parsed = JSON.parse(storage.getItem(storageKey(locale)) ?? 'null') as Kept | null;
    return parsed && typeof parsed.messages === 'object' && parsed.messages !== null ? parsed : null;
  } catch {
    return null;
  }
}

/** Lays the kept copy over the bundle at once (no wait, no network). */
export function applyKeptMessages(storage: Pick<KeyValueStorage, 'getItem'>, locale: Locale): void {
  if (!FETCHED.includes(locale)) return;
  const k = kept(storage, locale);
  if (k) setMessages(locale, k.messages);
}

/**
 * Fetches the language's reviewed text, lays it over the bundle and keeps it;
 * answers whether the text changed (the page then redraws). When the server
 * does not answer, the kept copy stays in use.
 */
export async function loadMessages(locale: Locale, deps: { fetch: typeof fetch; storage: Pick<KeyValueStorage, 'getItem' | 'setItem'> }): Promise<boolean> {
  if (!FETCHED.includes(locale)) return false;
  const before = kept(deps.storage, locale);
  if (before) setMessages(locale, before.messages);
  try {
    const res = await deps.fetch(`/api/v1/locales/${locale}`, { headers: { accept: 'application/json' } });
    if (!res.ok) return false;
    const body = (await res.json()) as { messages?: Record<string, string> };
    if (!body.messages || typeof body.messages !== 'object') return false;
    const etag = res.headers.get('etag');
    setMessages(locale, body.messages);
    try {
      deps.storage.setItem(storageKey(locale), JSON.stringify({ etag, messages: body.messages } satisfies Kept));
    } catch {
      // A full or refused storage: the text is shown, only not kept for offline.
    }
    return before === null ? Object.keys(body.messages).length > 0 : before.etag !== etag;
  } catch {
    return false;
  }
}
