/**
 * Test doubles for the sync protocol (src/client/sync.ts), in Node: an outbox
 * store in memory that behaves as the IndexedDB one does (seq from 1, oldest
 * first, copies out, "gone" answered with false), a server that applies each
 * Idempotency-Key once and can lose answers, refuse or stop answering, and a
 * clock whose timers run only when the test says so.
 */
import { Refused, Unreachable, type Problem } from '../../src/client/api.js';
import type { OutboxEntry, OutboxStore } from '../../src/client/outbox-store.js';
import { createSync, type Outgoing, type Principal, type SyncEvents } from '../../src/client/sync.js';

export class MemoryOutboxStore implements OutboxStore {
  private rows = new Map<number, OutboxEntry>();
  private nextSeq = 1;
  /** Set to make every write fail, as a full IndexedDB does (reads still work). */
  full = false;

  private check(): void {
    if (this.full) throw new Error('QuotaExceededError');
  }

  async enqueue(entry: OutboxEntry): Promise<OutboxEntry> {
    this.check();
    const seq = this.nextSeq++;
    this.rows.set(seq, structuredClone({ ...entry, seq }));
    return { ...entry, seq };
  }

  async entries(): Promise<OutboxEntry[]> {
    return [...this.rows.values()].sort((a, b) => a.seq! - b.seq!).map((e) => structuredClone(e));
  }

  async setState(seq: number, state: OutboxEntry['state']): Promise<boolean> {
    return this.patch(seq, { state });
  }

  async refuse(seq: number, problem: Problem): Promise<boolean> {
    return this.patch(seq, { state: 'refused', problem });
  }

  async recover(pageGone: (pageId: string | undefined) => boolean): Promise<void> {
    for (const entry of await this.entries()) {
      if (entry.state === 'sending' && pageGone(entry.pageId)) await this.setState(entry.seq!, 'waiting');
    }
  }

  async remove(seq: number): Promise<void> {
    this.check();
    this.rows.delete(seq);
  }

  private async patch(seq: number, change: Partial<OutboxEntry>): Promise<boolean> {
    this.check();
    const existing = this.rows.get(seq);
    if (existing) this.rows.set(seq, structuredClone({ ...existing, ...change }));
    return existing !== undefined;
  }
}

export interface User extends Principal {
  user: { username: string };
}

export const session = (username: string): User => ({ user: { username } });

/**
 * What the server does with the next request:
 * ok: applies it (or replays the stored answer for a key it has seen) and answers;
 * lost: applies it, and the answer is lost on the way back;
 * down: never reaches the server;
 * hang: applies it and never answers (the page reloads before it would);
 * stall: still on its way: neither applied nor answered (yet);
 * busy: 429; in_progress: the same key is being applied; expired: 401;
 * outcome_unknown: applied (before, or now by another tab), its stored answer lost with the server.
 */
export type Behaviour = 'ok' | 'lost' | 'down' | 'hang' | 'stall' | 'busy' | 'in_progress' | 'expired' | 'outcome_unknown';

export interface Applied {
  username: string;
  key: string;
  path: string;
  body: unknown;
}

const problem = (status: number, code: string, detail = code): Problem => ({ title: code, status, detail, code });

export class FakeServer {
  /** Requests applied, in the order the server applied them. */
  readonly applied: Applied[] = [];
  /** Keys the server has applied, with the answer it stored. */
  private readonly answers = new Map<string, unknown>();
  /** Every request that reached the send function, applied or not. */
  readonly received: Array<{ username: string; key: string }> = [];
  /** What happens to the next requests, in order; then `mode`. */
  readonly script: Behaviour[] = [];
  mode: 'up' | 'down' = 'up';

  send = async <T>(as: User, request: { method: 'POST'; path: string; body: unknown; idempotencyKey: string }): Promise<T> => {
    this.received.push({ username: as.user.username, key: request.idempotencyKey });
    const behaviour = this.script.shift() ?? (this.mode === 'down' ? 'down' : 'ok');
    switch (behaviour) {
      case 'down':
        throw new Unreachable('no answer');
      case 'stall':
        return new Promise<T>(() => undefined);
      case 'busy':
        throw new Refused(problem(429, 'rate_limited'));
      case 'in_progress':
        throw new Refused(problem(409, 'idempotency.in_progress'));
      case 'expired':
        throw new Refused(problem(401, 'auth.unauthenticated'));
      default:
    }
    const known = this.answers.get(request.idempotencyKey);
    let answer: unknown;
    if (known !== undefined) answer = known;
    else {
      const body = request.body as { refuse?: boolean; assetTag?: string } | undefined;
      if (body?.refuse) throw new Refused(problem(409, 'devices.invalid_transition', 'not now'));
      this.applied.push({ username: as.user.username, key: request.idempotencyKey, path: request.path, body: request.body });
      answer = { device: body?.assetTag ? { assetTag: body.assetTag } : undefined, n: this.applied.length };
      this.answers.set(request.idempotencyKey, answer);
    }
    if (behaviour === 'lost') throw new Unreachable('answer lost');
    if (behaviour === 'outcome_unknown') throw new Refused(problem(409, 'idempotency.outcome_unknown'));
    if (behaviour === 'hang') return new Promise<T>(() => undefined);
    return answer as T;
  };

  /** How many times the request with this key was applied. */
  timesApplied(key: string): number {
    return this.applied.filter((a) => a.key === key).length;
  }
}

/** Timers that run only when the test ticks them. */
export class FakeClock {
  ms = Date.parse('2026-03-01T10:00:00Z');
  private timers: Array<{ every: number; due: number; fn: () => void; live: boolean }> = [];

  now = (): number => this.ms;

  every = (ms: number, fn: () => void): (() => void) => {
    const timer = { every: ms, due: this.ms + ms, fn, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  };

  get running(): number {
    return this.timers.filter((t) => t.live).length;
  }

  /** Moves time on, running the timers that come due (their promises are awaited by the caller through `settle`). */
  tick(ms: number): void {
    this.ms += ms;
    for (const timer of this.timers) {
      while (timer.live && timer.due <= this.ms) {
        timer.due += timer.every;
        timer.fn();
      }
    }
  }
}

/** Lets pending promise chains (a drain started by a timer) run to their end. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** What the front end was told, in order. */
export type Told =
  | { event: 'changed' }
  | { event: 'notKept'; what: string }
  | { event: 'sessionEnded'; username: string; lost: string | null }
  | { event: 'refused'; what: string; code: string }
  | { event: 'drained'; touched: string[] }
  | { event: 'sent'; count: number };

/** One page (tab) of a front end: its own sync over the shared store and server. */
export function openPage(deps: { store: () => OutboxStore | null; server: FakeServer; clock: FakeClock; pageId: string; live: Set<string>; session: () => User | null }) {
  const told: Told[] = [];
  const events: SyncEvents<User> = {
    changed: async () => void told.push({ event: 'changed' }),
    notKept: (what) => void told.push({ event: 'notKept', what }),
    sessionEnded: (as, lost) => void told.push({ event: 'sessionEnded', username: as.user.username, lost }),
    refused: (entry, p) => void told.push({ event: 'refused', what: entry.what, code: p.code }),
    drained: async (touched) => void told.push({ event: 'drained', touched: [...touched].sort() }),
    sent: (count) => void told.push({ event: 'sent', count }),
  };
  deps.live.add(deps.pageId);
  const sync = createSync<User>({
    store: deps.store,
    send: <T>(as: User, request: Parameters<FakeServer['send']>[1]) => deps.server.send<T>(as, request),
    clock: deps.clock,
    session: deps.session,
    pageId: deps.pageId,
    pageGone: (pageId) => pageId === undefined || !deps.live.has(pageId),
    events,
  });
  return { sync, told, pageId: deps.pageId, close: () => deps.live.delete(deps.pageId) };
}

let counter = 0;

/** A request as a front end describes it; `refuse` makes the fake server say no. */
export function outgoing(what: string, options: { assetTag?: string | null; refuse?: boolean; path?: string } = {}): Outgoing {
  counter++;
  return {
    path: options.path ?? '/api/v1/devices/IQ-1/grade',
    body: { what, assetTag: options.assetTag ?? undefined, refuse: options.refuse ?? undefined },
    key: `key-${counter}-${what}`,
    what,
    assetTag: options.assetTag ?? null,
  };
}
