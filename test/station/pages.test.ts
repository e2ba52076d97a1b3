/** Page liveness (src/client/pages.ts): which tabs' requests on their way may be sent again by another. */
import { describe, expect, it } from 'vitest';
import { createPages, PAGE_BEAT_MS, type KeyValueStorage } from '../../src/client/pages.js';

class MemoryStorage implements KeyValueStorage {
  readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

function twoPages() {
  const storage = new MemoryStorage();
  const clock = { ms: 1_000_000 };
  const make = (pageId: string) => createPages({ storage: () => storage, now: () => clock.ms, pageId, prefix: 'p.' });
  return { storage, clock, a: make('a'), b: make('b') };
}

describe('page liveness', () => {
  it('a page that beats is alive; one silent for three beats is gone; this page never is', () => {
    const { clock, a, b } = twoPages();
    a.beat();
    b.beat();
    clock.ms += 3 * PAGE_BEAT_MS;
    expect(b.gone('a')).toBe(false);
    clock.ms += 1;
    expect(b.gone('a')).toBe(true);
    expect(a.gone('a')).toBe(false);
  });

  it('a page that left, or never said it was there, is gone', () => {
    const { a, b } = twoPages();
    a.beat();
    a.leave();
    expect(b.gone('a')).toBe(true);
    expect(b.gone(undefined)).toBe(true);
    expect(b.gone('never-seen')).toBe(true);
  });

  it('forgets pages silent for a minute, and only its own keys', () => {
    const { storage, clock, a, b } = twoPages();
    storage.setItem('other.setting', '1');
    a.beat();
    clock.ms += 60_001;
    b.beat();
    expect([...storage.map.keys()].sort()).toEqual(['other.setting', 'p.b']);
  });

  it('with storage blocked, other pages look gone (a resend with its key is harmless) and nothing throws', () => {
    const blocked = createPages({
      storage: () => {
        throw new Error('SecurityError');
      },
      now: () => 0,
      pageId: 'a',
      prefix: 'p.',
    });
    expect(() => blocked.beat()).not.toThrow();
    expect(() => blocked.leave()).not.toThrow();
    expect(blocked.gone('b')).toBe(true);
    expect(blocked.gone('a')).toBe(false);
  });
});
