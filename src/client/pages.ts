/**
 * This page, among a front end's open tabs. Each page says it is alive in
 * shared storage (localStorage) every 2 s; a request written ahead by a page
 * that has stopped (reloaded, closed, power cut) is sent again by the next
 * one. (Web Locks would say it directly, but browsers offer them only on
 * HTTPS.) The storage and the clock are passed in, so this runs in Node too.
 */
export const PAGE_BEAT_MS = 2000;

/** The part of the Web Storage API used here. */
export interface KeyValueStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Pages {
  readonly pageId: string;
  /** Says this page is alive, and forgets pages silent for a minute. */
  beat(): void;
  /** Whether the page that wrote an entry has stopped (never this page). */
  gone(pageId: string | undefined): boolean;
  /** This page is leaving (pagehide). */
  leave(): void;
}

export function createPages(deps: { storage: () => KeyValueStorage; now: () => number; pageId: string; prefix: string }): Pages {
  const { pageId, prefix, now } = deps;
  return {
    pageId,
    beat() {
      try {
        const storage = deps.storage();
        storage.setItem(prefix + pageId, String(now()));
        for (let i = storage.length - 1; i >= 0; i--) {
          const key = storage.key(i);
          if (key?.startsWith(prefix) && Number(storage.getItem(key)) < now() - 60_000) storage.removeItem(key);
        }
      } catch {
        // Storage blocked: other tabs then look gone, and a resend with its key is harmless.
      }
    },
    gone(other) {
      if (other === pageId) return false;
      try {
        return Number(deps.storage().getItem(prefix + (other ?? ''))) < now() - 3 * PAGE_BEAT_MS;
      } catch {
        return true;
      }
    },
    leave() {
      try {
        deps.storage().removeItem(prefix + pageId);
      } catch {
        // nothing to clean
      }
    },
  };
}
