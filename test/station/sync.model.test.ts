/**
 * Model-based test of the sync protocol: random sequences of requests, lost
 * answers, servers that stop, reloads mid-request, expired sessions and users
 * taking turns at the station. Whatever happens, once the server is back and
 * each user has logged in again:
 * - every request the user was not told was refused is applied exactly once;
 * - a refused request is never applied, and stays listed until dismissed;
 * - each user's actions reach the server in the order they were made, sent as that user;
 * - nothing else is left in the outbox.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Sent } from '../../src/client/sync.js';
import { FakeClock, FakeServer, MemoryOutboxStore, openPage, outgoing, session, settle, type Behaviour, type User } from './fake-sync.js';

const USERS = ['tom', 'ann'] as const;
const ANSWERED: Behaviour[] = ['ok', 'lost', 'down', 'busy', 'in_progress', 'expired', 'outcome_unknown'];

type Op =
  | { op: 'post'; kind: 'action' | 'scan'; behaviour: Behaviour; refuse: boolean; later: boolean }
  | { op: 'hang'; kind: 'action' | 'scan' }
  | { op: 'otherTab'; kind: 'action' | 'scan'; behaviour: 'hang' | 'stall' }
  | { op: 'drain'; behaviour: Behaviour }
  | { op: 'reload' }
  | { op: 'login'; user: (typeof USERS)[number] }
  | { op: 'logout' }
  | { op: 'server'; up: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('post' as const), kind: fc.constantFrom('action' as const, 'scan' as const), behaviour: fc.constantFrom(...ANSWERED), refuse: fc.boolean(), later: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('hang' as const), kind: fc.constantFrom('action' as const, 'scan' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('otherTab' as const), kind: fc.constantFrom('action' as const, 'scan' as const), behaviour: fc.constantFrom('hang' as const, 'stall' as const) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('drain' as const), behaviour: fc.constantFrom(...ANSWERED) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'reload' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('login' as const), user: fc.constantFrom(...USERS) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'logout' as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('server' as const), up: fc.boolean() }) },
);

interface Made {
  username: string;
  key: string;
  kind: 'action' | 'scan';
  refuse: boolean;
  /** The post never returned (the page was reloaded while it was out). */
  hung: boolean;
}

async function run(ops: Op[]): Promise<void> {
  const store = new MemoryOutboxStore();
  const server = new FakeServer();
  const clock = new FakeClock();
  const live = new Set<string>();
  const current: { session: User | null } = { session: session('tom') };
  let pages = 0;
  const open = () => openPage({ store: () => store, server, clock, pageId: `page-${++pages}`, live, session: () => current.session });
  let page = open();
  /** Other tabs of the station, each with a request out that gets no answer while they stay open. */
  const tabs: Array<ReturnType<typeof open>> = [];
  const made: Made[] = [];
  // The station logs out when the server ends the session.
  const afterEach = () => {
    const ended = page.told.filter((t) => t.event === 'sessionEnded');
    if (ended.some((t) => t.event === 'sessionEnded' && t.username === current.session?.user.username)) current.session = null;
    page.told.length = 0;
  };

  for (const op of ops) {
    server.script.length = 0;
    switch (op.op) {
      case 'post': {
        const as = current.session;
        if (!as) break;
        const out = outgoing(`r${made.length}`, { refuse: op.refuse });
        made.push({ username: as.user.username, key: out.key, kind: op.kind, refuse: op.refuse, hung: false });
        server.script.push(op.behaviour);
        const sent: Sent<unknown> = await page.sync.post(as, out, op.kind);
        expect(sent.outcome).not.toBe('not_kept');
        if (sent.outcome === 'refused') {
          expect(op.refuse).toBe(true);
          // Shown on the form and settled, or listed because the user had moved on.
          if (op.later) await page.sync.refuseLater(sent.seq, sent.problem);
          else await page.sync.settle(sent.seq);
        }
        break;
      }
      case 'hang': {
        const as = current.session;
        if (!as) break;
        const out = outgoing(`r${made.length}`);
        made.push({ username: as.user.username, key: out.key, kind: op.kind, refuse: false, hung: true });
        server.script.push('hang');
        void page.sync.post(as, out, op.kind);
        await settle();
        // The page is reloaded (or the power cut) before the answer comes.
        page.close();
        page = open();
        break;
      }
      case 'otherTab': {
        const as = current.session;
        if (!as) break;
        const tab = open();
        tabs.push(tab);
        const out = outgoing(`r${made.length}`);
        made.push({ username: as.user.username, key: out.key, kind: op.kind, refuse: false, hung: true });
        server.script.push(op.behaviour);
        void tab.sync.post(as, out, op.kind);
        await settle();
        break;
      }
      case 'drain':
        server.script.push(op.behaviour);
        await page.sync.drain();
        break;
      case 'reload':
        page.close();
        page = open();
        break;
      case 'login':
        current.session = session(op.user);
        break;
      case 'logout':
        current.session = null;
        break;
      case 'server':
        server.mode = op.up ? 'up' : 'down';
        break;
    }
    afterEach();
  }

  // The server is back, the other tabs are closed; each user logs in again at a freshly loaded page.
  for (const tab of tabs) tab.close();
  server.script.length = 0;
  server.mode = 'up';
  for (const user of USERS) {
    page.close();
    page = open();
    current.session = session(user);
    await page.sync.drain();
  }

  const entries = await store.entries();
  for (const m of made) {
    const times = server.timesApplied(m.key);
    const listed = entries.filter((e) => e.idempotencyKey === m.key);
    if (m.refuse) {
      expect(times, `${m.key} was refused, never applied`).toBe(0);
      expect(listed.every((e) => e.state === 'refused')).toBe(true);
    } else if (m.hung) {
      // Reloaded before it was written ahead, it never left; otherwise it is applied once.
      expect(times).toBe(server.received.some((r) => r.key === m.key) ? 1 : 0);
      expect(listed).toEqual([]);
    } else {
      expect(times, `${m.key} applied exactly once`).toBe(1);
      expect(listed).toEqual([]);
    }
  }
  for (const a of server.applied) expect(a.username, `${a.key} sent as the user who made it`).toBe(made.find((m) => m.key === a.key)?.username);
  for (const user of USERS) {
    const posted = made.filter((m) => m.username === user && m.kind === 'action' && server.timesApplied(m.key) === 1).map((m) => m.key);
    const applied = server.applied.filter((a) => posted.includes(a.key)).map((a) => a.key);
    expect(applied, `${user}'s actions in the order made`).toEqual(posted);
  }
  expect(entries.filter((e) => e.state !== 'refused')).toEqual([]);
}

describe('the sync protocol under random sequences', () => {
  it('applies each request once, in order per user, and loses nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), (ops) => run(ops)),
      // A fixed seed, as the route fuzzing has: a failure replays the same way on every machine.
      // (To explore further while changing sync.ts, drop the seed or raise numRuns locally.)
      { seed: 20260301, numRuns: 300 },
    );
  });
});
