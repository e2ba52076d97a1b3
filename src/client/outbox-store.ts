/**
 * The outbox as the sync protocol sees it: an ordered list of requests kept
 * where a reload cannot lose them. The station keeps it in IndexedDB
 * (src/station/idb-store.ts); tests keep it in memory. Both implement this
 * interface, so the protocol in sync.ts runs the same on either.
 */
import type { Problem } from './api.js';

export interface OutboxEntry {
  seq?: number;
  method: 'POST';
  path: string;
  body: unknown;
  idempotencyKey: string;
  /** Only the user who made the request sends it: custody records name who did what. */
  username: string;
  /** What it was, in words, for the queue list. */
  what: string;
  assetTag: string | null;
  queuedAt: string;
  /** sending: on its way from this page; waiting: to be sent again; refused: the server said no, shown until dismissed. */
  state: 'sending' | 'waiting' | 'refused';
  /** The page that wrote it: a "sending" entry whose page is gone is sent again by another. */
  pageId?: string;
  problem?: Problem;
}

export interface OutboxStore {
  /** Adds to the end of the queue; the entry's seq fixes its place. */
  enqueue(entry: OutboxEntry): Promise<OutboxEntry>;
  /** Everything queued, oldest first. */
  entries(): Promise<OutboxEntry[]>;
  /** Changes an entry that is still there; false when it is gone (sent or dismissed meanwhile by another tab). */
  setState(seq: number, state: OutboxEntry['state']): Promise<boolean>;
  /** Refused, with the reason: listed until someone dismisses it; false when it is gone. */
  refuse(seq: number, problem: Problem): Promise<boolean>;
  /**
   * A request still "sending" whose page is gone (reloaded, closed, power cut
   * before its answer came) may or may not have been applied: it waits, to be
   * sent again with its key, which makes it take effect once.
   */
  recover(pageGone: (pageId: string | undefined) => boolean): Promise<void>;
  remove(seq: number): Promise<void>;
}
