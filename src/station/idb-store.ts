/**
 * What the station keeps in the browser (IndexedDB), so that a server that is
 * briefly unreachable loses nothing (the protocol that uses it is
 * src/client/sync.ts):
 * - the outbox: every request is written here before it leaves ("sending"),
 *   so that a reload, a crash or a power cut of the station cannot lose it;
 *   one that gets no answer waits ("waiting") and is sent again, with its
 *   Idempotency-Key, in the order they were made. The key makes a resend that
 *   the server had already applied harmless: it answers with the stored
 *   response.
 * - the devices last seen here, so that a scan while the server is away can
 *   still show the card (marked as not current).
 */
import type { Problem } from '../client/api.js';
import type { OutboxEntry, OutboxStore } from '../client/outbox-store.js';

export type { OutboxEntry };

export interface CachedDevice {
  assetTag: string;
  serialKey: string;
  device: unknown;
  events: unknown[];
  seenAt: string;
}

const DB_NAME = 'refurb-ledger-station';
const OUTBOX = 'outbox';
const DEVICES = 'devices';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export const serialKey = (serial: string) => serial.replace(/\s+/g, '').toUpperCase();

/** The outbox (see src/client/outbox-store.ts) and the device cache, in IndexedDB. */
export class Store implements OutboxStore {
  private constructor(private readonly db: IDBDatabase) {}

  static open(): Promise<Store> {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore(OUTBOX, { keyPath: 'seq', autoIncrement: true });
      const devices = db.createObjectStore(DEVICES, { keyPath: 'assetTag' });
      devices.createIndex('serial', 'serialKey', { unique: false });
    };
    return request(req).then((db) => new Store(db));
  }

  /** Adds to the end of the queue; the entry's seq fixes its place. */
  async enqueue(entry: OutboxEntry): Promise<OutboxEntry> {
    const tx = this.db.transaction(OUTBOX, 'readwrite');
    const seq = await request(tx.objectStore(OUTBOX).add(entry));
    await done(tx);
    return { ...entry, seq: Number(seq) };
  }

  /** Everything queued, oldest first. */
  async entries(): Promise<OutboxEntry[]> {
    const tx = this.db.transaction(OUTBOX, 'readonly');
    return request(tx.objectStore(OUTBOX).getAll() as IDBRequest<OutboxEntry[]>);
  }

  /**
   * Changes an entry that is still there; false when it is gone (sent or
   * dismissed meanwhile by another tab of the station).
   */
  private async patch(seq: number, change: Partial<OutboxEntry>): Promise<boolean> {
    const tx = this.db.transaction(OUTBOX, 'readwrite');
    const store = tx.objectStore(OUTBOX);
    const existing = (await request(store.get(seq))) as OutboxEntry | undefined;
    if (existing) store.put({ ...existing, ...change });
    await done(tx);
    return existing !== undefined;
  }

  setState(seq: number, state: OutboxEntry['state']): Promise<boolean> {
    return this.patch(seq, { state });
  }

  /** Refused, with the reason: listed until someone dismisses it. */
  refuse(seq: number, problem: Problem): Promise<boolean> {
    return this.patch(seq, { state: 'refused', problem });
  }

  /**
   * A request still "sending" whose page is gone (reloaded, closed, power cut
   * before its answer came) may or may not have been applied: it waits, to be
   * sent again with its key, which makes it take effect once.
   */
  async recover(pageGone: (pageId: string | undefined) => boolean): Promise<void> {
    for (const entry of await this.entries()) {
      if (entry.state === 'sending' && pageGone(entry.pageId)) await this.setState(entry.seq!, 'waiting');
    }
  }

  async remove(seq: number): Promise<void> {
    const tx = this.db.transaction(OUTBOX, 'readwrite');
    tx.objectStore(OUTBOX).delete(seq);
    await done(tx);
  }

  async rememberDevice(device: { assetTag: string; serialNumber: string }, events: unknown[]): Promise<void> {
    const tx = this.db.transaction(DEVICES, 'readwrite');
    const row: CachedDevice = { assetTag: device.assetTag, serialKey: serialKey(device.serialNumber), device, events, seenAt: new Date().toISOString() };
    tx.objectStore(DEVICES).put(row);
    await done(tx);
  }

  /** The last view of a device by tag or serial, or undefined. */
  async cachedDevice(tagOrSerial: string): Promise<CachedDevice | undefined> {
    const tx = this.db.transaction(DEVICES, 'readonly');
    const store = tx.objectStore(DEVICES);
    const byTag = (await request(store.get(tagOrSerial.trim().toUpperCase()))) as CachedDevice | undefined;
    if (byTag) return byTag;
    const bySerial = (await request(store.index('serial').getAll(serialKey(tagOrSerial)))) as CachedDevice[];
    return bySerial.length === 1 ? bySerial[0] : undefined;
  }
}
