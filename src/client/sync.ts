/**
 * The exactly-once outbox protocol, with no DOM: the store, the way requests
 * are sent and the clock are passed in, so the same protocol serves the scan
 * station and the office pages and runs under Node tests.
 *
 * Every POST is written to the outbox before it leaves ("sending"), so that a
 * reload or a power cut before the answer cannot lose it. One that gets no
 * answer waits ("waiting") and is sent again, in order and with the same
 * Idempotency-Key, which makes a resend the server already applied harmless.
 * A definite refusal is the caller's to show, or is listed ("refused") until
 * dismissed. Only the user who made a request sends it.
 */
import { Refused, Unreachable, type Problem } from './api.js';
import type { OutboxEntry, OutboxStore } from './outbox-store.js';

export const RETRY_MS = 3000;

/** Whoever a request is sent as: only that user's session sends it, now or later. */
export interface Principal {
  user: { username: string };
}

/** A POST as the caller describes it. */
export interface Outgoing {
  path: string;
  body: unknown;
  key: string;
  /** In words, for feedback and the queue list. */
  what: string;
  assetTag: string | null;
}

/** What became of a request: one way of sending, for scans and forms alike. */
export type Sent<T> =
  | { outcome: 'answered'; body: T }
  /** No answer, or the server is busy with it: it waits in the outbox, with its key. */
  | { outcome: 'kept' }
  /** No answer, and this browser cannot keep it (reported through notKept). */
  | { outcome: 'not_kept' }
  /** An earlier send of it was applied; that answer was lost. */
  | { outcome: 'applied' }
  /** The session ended on the server (reported through sessionEnded; it waits for that user, if it could be kept). */
  | { outcome: 'ended' }
  /** A definite no; its written-ahead entry (seq) is the caller's to settle or to list as refused. */
  | { outcome: 'refused'; problem: Problem; seq: number | null };

/** Sends one request as a session; throws Refused (a definite no) or Unreachable (no answer). */
export type Send<S> = <T>(as: S, request: { method: 'POST'; path: string; body: unknown; idempotencyKey: string }) => Promise<T>;

export interface Clock {
  now(): number;
  /** Calls fn every ms until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** What the front end shows of the protocol's work. */
export interface SyncEvents<S> {
  /** The outbox changed: redraw the queue. */
  changed(): Promise<void>;
  /** A request could not be kept (no outbox in this browser). */
  notKept(what: string): void;
  /** The server ended this session; lost names a request that could not be kept for it. */
  sessionEnded(as: S, lost: string | null): void;
  /** A resent request was refused: it is listed with its reason. */
  refused(entry: OutboxEntry, problem: Problem): void;
  /** A drain sent or had refused requests about these devices (still inside the drain). */
  drained(touched: Set<string>, as: S): Promise<void>;
  /** A drain sent this many (more than none). */
  sent(count: number): void;
}

export interface SyncDeps<S extends Principal> {
  /** The outbox, once the front end has opened it (null: requests cannot be kept). */
  store(): OutboxStore | null;
  send: Send<S>;
  clock: Clock;
  /** The session in use now (someone may log out or in while a request is out). */
  session(): S | null;
  pageId: string;
  pageGone(pageId: string | undefined): boolean;
  events: SyncEvents<S>;
}

export type Sync<S extends Principal> = ReturnType<typeof createSync<S>>;

export function createSync<S extends Principal>(deps: SyncDeps<S>) {
  const { send, clock, events } = deps;
  let draining = false;
  let stopRetry: (() => void) | undefined;

  function entryOf(as: S, item: Outgoing, state: OutboxEntry['state']): OutboxEntry {
    return {
      method: 'POST',
      path: item.path,
      body: item.body,
      idempotencyKey: item.key,
      username: as.user.username,
      what: item.what,
      assetTag: item.assetTag,
      queuedAt: new Date(clock.now()).toISOString(),
      state,
      pageId: deps.pageId,
    };
  }

  /**
   * Whether a new request must queue behind older ones of the same user: behind
   * those that wait, and (for actions, whose order matters) behind those still
   * on their way, from this page or another. A scan is an observation with its
   * own clientTime; it does not wait for an action's answer.
   */
  async function mustQueue(as: S, kind: 'action' | 'scan'): Promise<boolean> {
    const s = deps.store();
    if (!s) return false;
    const older = (e: OutboxEntry) => e.username === as.user.username && (e.state === 'waiting' || (kind === 'action' && e.state === 'sending'));
    const waiting = async () => (await s.entries()).some(older);
    if (!(await waiting())) return false;
    await drain();
    // The session may have ended during the drain: the request then waits for its user too.
    return deps.session() !== as || (await waiting());
  }

  /** Written to the outbox before it leaves: a reload or a power cut before the answer cannot lose it. Null when there is no outbox. */
  async function writeAhead(as: S, item: Outgoing): Promise<number | null> {
    try {
      return (await deps.store()?.enqueue(entryOf(as, item, 'sending')))?.seq ?? null;
    } catch {
      return null;
    }
  }

  /** Answered (applied or refused, and shown): no longer needed in the outbox. */
  async function settle(seq: number | null): Promise<void> {
    if (seq === null) return;
    try {
      await deps.store()?.remove(seq);
    } catch {
      // Left behind, it is resent with its key after the next load and answered from the stored response.
    }
  }

  /** Keeps a request for later under the user who made it; false when it cannot be kept (reported through notKept). */
  async function enqueue(as: S, item: Outgoing, seq: number | null = null): Promise<boolean> {
    try {
      const store = deps.store();
      if (!store) throw new Error('no outbox');
      // Written ahead: it now waits. Gone already means another tab of this station sent it meanwhile: nothing to keep.
      if (seq !== null) {
        if (!(await store.setState(seq, 'waiting'))) return true;
      } else await store.enqueue(entryOf(as, item, 'waiting'));
    } catch {
      events.notKept(item.what);
      return false;
    }
    await events.changed();
    return true;
  }

  /** Sends a request, or queues it behind older ones; written ahead to the outbox either way. */
  async function post<T>(as: S, out: Outgoing, kind: 'action' | 'scan'): Promise<Sent<T>> {
    const keep = async (seq: number | null): Promise<Sent<T>> => ((await enqueue(as, out, seq)) ? { outcome: 'kept' } : { outcome: 'not_kept' });
    if (await mustQueue(as, kind)) return keep(null);
    const seq = await writeAhead(as, out);
    try {
      const body = await send<T>(as, { method: 'POST', path: out.path, body: out.body, idempotencyKey: out.key });
      await settle(seq);
      return { outcome: 'answered', body };
    } catch (err) {
      if (err instanceof Unreachable) return keep(seq);
      if (!(err instanceof Refused)) throw err;
      const p = err.problem;
      if (p.status === 401) {
        // Not applied: kept for when the same user logs in again.
        const kept = await enqueue(as, out, seq);
        events.sessionEnded(as, kept ? null : out.what);
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

  /** A refusal that came after the user moved on: listed with its reason until dismissed. True when listed. */
  async function refuseLater(seq: number | null, problem: Problem): Promise<boolean> {
    return seq !== null && ((await deps.store()?.refuse(seq, problem).catch(() => false)) ?? false);
  }

  /** Sends the user's waiting requests, oldest first; stops at the first that gets no answer. */
  async function drain(): Promise<void> {
    const as = deps.session();
    const s = deps.store();
    if (draining || !s || !as) return;
    draining = true;
    let sent = 0;
    // Devices the sent or refused requests were about: the device shown is brought up to date after.
    const touched = new Set<string>();
    try {
      await s.recover((pageId) => deps.pageGone(pageId));
      for (const entry of await s.entries()) {
        // Someone logged out or in meanwhile: the rest waits for its own user.
        if (deps.session() !== as) break;
        if (entry.username !== as.user.username) continue;
        // An older request of this user is still out (this page or another tab): what follows waits for its answer.
        if (entry.state === 'sending') break;
        if (entry.state !== 'waiting') continue;
        try {
          const res = await send<{ device?: { assetTag: string } } | undefined>(as, { method: entry.method, path: entry.path, body: entry.body, idempotencyKey: entry.idempotencyKey });
          await s.remove(entry.seq!);
          sent++;
          const tag = res?.device?.assetTag ?? entry.assetTag;
          if (tag) touched.add(tag);
        } catch (err) {
          if (err instanceof Unreachable) break;
          if (!(err instanceof Refused)) throw err;
          const p = err.problem;
          if (p.status === 401) {
            events.sessionEnded(as, null);
            break;
          }
          // Busy or rate-limited: the same request, later.
          if (p.code === 'idempotency.in_progress' || p.status === 429) break;
          // Applied before, but its answer was lost with the server: done, not refused.
          if (p.code === 'idempotency.outcome_unknown') {
            await s.remove(entry.seq!);
            sent++;
            continue;
          }
          await s.refuse(entry.seq!, p);
          if (entry.assetTag) touched.add(entry.assetTag);
          events.refused(entry, p);
        }
      }
      await events.drained(touched, as);
    } finally {
      draining = false;
      await events.changed();
    }
    if (sent > 0) events.sent(sent);
  }

  /**
   * While anything of this user waits (or is on its way from another page,
   * which may have stopped), keep trying; otherwise stop.
   */
  async function keepTrying(username: string | undefined): Promise<void> {
    const store = deps.store();
    if (!store) return;
    const mine = (await store.entries()).some((e) => e.username === username && (e.state === 'waiting' || (e.state === 'sending' && e.pageId !== deps.pageId)));
    if (mine && stopRetry === undefined) stopRetry = clock.every(RETRY_MS, () => void drain());
    if (!mine && stopRetry !== undefined) {
      stopRetry();
      stopRetry = undefined;
    }
  }

  return {
    post,
    settle,
    refuseLater,
    drain,
    keepTrying,
    /** Everything in the outbox (none when there is none). */
    entries: async (): Promise<OutboxEntry[]> => (await deps.store()?.entries()) ?? [],
  };
}
